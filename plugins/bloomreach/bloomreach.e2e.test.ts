// Bloomreach Engagement end to end: browser calls through the real collect API, the queue and
// the delivery engine; the vendor simulator stands in for api.exponea.com (and
// api.eu1.exponea.com, under /eu1) and must receive the batch commands and Anonymize a
// customer requests Bloomreach's Tracking and GDPR APIs document. Each pipeline installs its own
// project token, so each has its own batch route to script.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY_ID = 'e2ekeyid0bloomreach0123456789';
const SECRET = 'e2e-secret-bloomreach-0123456789';
const AUTH = `Basic ${Buffer.from(`${KEY_ID}:${SECRET}`).toString('base64')}`;
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_250).toISOString();
const CALL_SECONDS = Date.parse(CALL_TIMESTAMP) / 1000;
const token = (n: number) => `c178a8c8-5cea-11e8-aa8c-ac1f6b0000${String(n).padStart(2, '0')}`;
const batchPath = (n: number) => `/track/v2/projects/${token(n)}/batch`;
const anonymizePath = (n: number) => `/data/v2/projects/${token(n)}/customers/anonymize`;

type Command = { name: string; command_id?: string; data: { customer_ids: Record<string, string>; event_type?: string; timestamp?: number; update_timestamp?: number; properties: Record<string, unknown> } };
/** Bloomreach's answer to an accepted batch: one success per command, with the command's command_id. */
const accepted = (request: RecordedRequest) => ({ status: 200, body: { success: true, start_time: 1710750816.85, end_time: 1710750816.86, results: ((request.json as { commands?: Command[] })?.commands ?? []).map((c) => ({ command_id: c.command_id, success: true })) } });
/** A command without its command_id (its position in the request, asserted on its own). */
const withoutId = ({ command_id: _id, ...command }: Command) => command;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.exponea.com=${sim.url},https://api.eu1.exponea.com=${sim.url}/eu1`,
  }, { label: 'bloomreach', vendors: ['bloomreach'] });
  for (let n = 1; n <= 7; n++) {
    sim.setDefault('POST', batchPath(n), accepted);
    sim.setDefault('POST', `/eu1${batchPath(n)}`, accepted);
    sim.setDefault('POST', anonymizePath(n), { status: 200, body: { success: true } });
  }
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_bloomreach0visitor1', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Bloomreach Test)' };
const installed = (name: string, n: number, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'bloomreach', name, {
  config: { project_token: token(n), api_key_id: KEY_ID, api_secret: SECRET, ...config }, consentCategories: ['marketing'],
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/checkout/done', path: '/checkout/done', title: 'Thank you', referrer: '' } },
});
/** The commands the simulator received at a path, with their requests. */
function commands(path: string): Array<{ request: RecordedRequest; command: Command }> {
  return sim.requests({ path }).flatMap((request) => ((request.json as { commands?: Command[] })?.commands ?? []).map((command) => ({ request, command })));
}

describe('Bloomreach Engagement', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Bloomreach shop', 1, { email_id: 'email_id' });
  });

  test('identify, track and an order: batch commands with HTTP Basic — customers with update_timestamp, customers/events with timestamp in seconds, a purchase and its purchase_item events', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-1', messageId: 'br-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', plan: 'premium', address: { city: 'Leeds' } } });
    const { request: first, command: update } = await waitUntil(async () => commands(batchPath(1)).find((c) => c.command.name === 'customers'), 'the customer update');
    assert.equal(first.method, 'POST');
    assert.equal(first.headers.authorization, AUTH);
    assert.match(first.headers['content-type']!, /^application\/json/);
    assert.deepEqual((first.json as { commands: Command[] }).commands.map((c) => c.command_id), (first.json as { commands: Command[] }).commands.map((_, i) => String(i)), 'each command\'s position as its command_id');
    assert.deepEqual(withoutId(update), {
      name: 'customers',
      data: { customer_ids: { registered: 'user-1', email_id: 'jane@example.com', cookie: visitor.id }, properties: { email: 'Jane@Example.com', plan: 'premium', address_city: 'Leeds', first_name: 'Jane' }, update_timestamp: CALL_SECONDS },
    });

    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-1', messageId: 'br-track-1', properties: { method: 'email' } });
    const { command: signedUp } = await waitUntil(async () => commands(batchPath(1)).find((c) => c.command.data.event_type === 'Signed Up'), 'the event');
    assert.deepEqual(withoutId(signedUp), {
      name: 'customers/events',
      data: { customer_ids: { registered: 'user-1', email_id: 'jane@example.com', cookie: visitor.id }, event_type: 'Signed Up', timestamp: CALL_SECONDS, properties: { method: 'email', location: 'https://shop.example.com/checkout/done' } },
    });

    await browser(main.site.key, { type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'br-order-1', properties: { order_id: 'O-1', total: 25, currency: 'EUR', products: [{ product_id: 'A', name: 'Mug', price: 10, quantity: 2 }, { product_id: 'B', name: 'Tee', price: 5 }] } });
    const order = await waitUntil(async () => {
      const found = commands(batchPath(1)).filter((c) => ['purchase', 'purchase_item'].includes(c.command.data.event_type ?? ''));
      return found.length === 3 && found;
    }, 'the purchase and its items');
    assert.equal(new Set(order.map((c) => c.request)).size, 1, 'an order and its items in one request');
    assert.deepEqual(order.map((c) => c.command.data.properties), [
      { location: 'https://shop.example.com/checkout/done', purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', total_price: 25, total_price_local_currency: 25, local_currency: 'EUR', product_list: [{ product_id: 'A', quantity: 2 }, { product_id: 'B', quantity: 1 }], product_ids: ['A', 'B'], total_quantity: 3 },
      { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', product_id: 'A', title: 'Mug', price: 10, price_local_currency: 10, quantity: 2, total_price: 20, total_price_local_currency: 20 },
      { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', product_id: 'B', title: 'Tee', price: 5, price_local_currency: 5, quantity: 1, total_price: 5, total_price_local_currency: 5 },
    ]);
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 3 || undefined, 'all delivered');
  });

  test('the delivery log keeps the API secret out', async () => {
    const entry = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string; headers: Record<string, string> } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((e) => e.eventIds.includes('br-track-1'));
    }, 'the track in the delivery log');
    assert.equal(entry.request.url, `https://api.exponea.com${batchPath(1)}`, 'the real URL is logged');
    assert.equal(entry.request.headers.authorization, 'Basic [REDACTED]');
    assert.equal(JSON.stringify(entry).includes(SECRET) || JSON.stringify(entry).includes(AUTH), false);
  });

  test('a 429 with Retry-After, a 503 and a 200 without per-command results are retried, then the event is delivered once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Bloomreach retried', 2);
    sim.script('POST', batchPath(2), [
      { status: 429, headers: { 'Retry-After': '30' }, body: 'Too Many Requests' },
      { status: 503, body: 'Service Unavailable' },
      { status: 200, body: { success: true } },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'br-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = commands(batchPath(2));
    assert.equal(tries.length, 4, 'the 429, the 503, the answer without results, then the success; nothing after it');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused the integration for Retry-After (30 s, 300 ms scaled)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 1, `retried: ${stats.retried}`);
  });

  test('a command Bloomreach refuses in an accepted batch is dead-lettered at once with its words, the others delivered; a refused project token names the config', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Bloomreach refused', 3);
    sim.script('POST', batchPath(3), [{ status: 200, body: { success: true, start_time: 1, end_time: 2, results: [{ success: false, errors: ['not authorized to update specified customer properties'] }] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-403', messageId: 'br-refused-1', traits: { secret_score: 7 } });
    const refused = await waitForDeadLetter(signal, integrationId, 'br-refused-1');
    assert.equal(refused.attempts, 1, 'not retried: Bloomreach accepted the batch and refused the command');
    assert.match(refused.reason, /^Bloomreach refused the customer update: not authorized to update specified customer properties \(HTTP 200\): give the API key's group \(Project settings > Access management > API > API groups\) Customer properties > Set/);
    sim.script('POST', batchPath(3), [{ status: 400, body: { success: false, error: 'Invalid project id' } }]);
    await browser(site.key, { type: 'track', event: 'Bad Token', userId: 'user-400', messageId: 'br-400' });
    const denied = await waitForDeadLetter(signal, integrationId, 'br-400');
    assert.match(denied.reason, /^Bloomreach refused the credentials \(HTTP 400: Invalid project id\): check config\.project_token/);
    await browser(site.key, { type: 'track', event: 'Fine', userId: 'user-ok', messageId: 'br-ok' });
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered'])).delivered === 1 || undefined, 'the next event delivered');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 2 });
  });

  test('the EU API base: requests go to api.eu1.exponea.com; a page call as page_visit (a blank referrer left out)', { timeout: 30_000 }, async () => {
    const { site } = await installed('Bloomreach EU', 4, { api_base: 'https://api.eu1.exponea.com' });
    await browser(site.key, { type: 'page', name: 'Thanks', messageId: 'br-eu-page' });
    const { request, command } = await waitUntil(async () => commands(`/eu1${batchPath(4)}`)[0], 'the page visit');
    assert.equal(request.headers.authorization, AUTH);
    assert.deepEqual(withoutId(command), {
      name: 'customers/events',
      data: { customer_ids: { cookie: visitor.id }, event_type: 'page_visit', timestamp: CALL_SECONDS, properties: { location: 'https://shop.example.com/checkout/done', path: '/checkout/done', title: 'Thank you', page_name: 'Thanks' } },
    });
    assert.equal(commands(batchPath(4)).length, 0, 'nothing to the default base');
  });

  test('a person deletion: Anonymize a customer by the userId, by each email Signal found (email ID) and by the anonymousId; skipped without an id the plugin sends', { timeout: 40_000 }, async () => {
    const { site, integrationId } = await installed('Bloomreach deletions', 5, { email_id: 'email_id' });
    await browser(site.key, { type: 'identify', userId: 'u-forget-1', messageId: 'br-forget-1', traits: { email: 'Forget.Me@Example.com' } });
    await waitUntil(async () => commands(batchPath(5))[0], 'the identify');
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: visitor.id });
    assert.deepEqual({ ...vendor, message: undefined }, { integrationId, vendor: 'bloomreach', status: 'sent', responseStatus: 200, message: undefined });
    assert.match(String(vendor!.message), /Bloomreach anonymized the customer/);
    const asked = sim.requests({ path: anonymizePath(5) });
    assert.deepEqual(asked.map((r) => r.json), [{ customer_ids: { registered: 'u-forget-1' } }, { customer_ids: { email_id: 'forget.me@example.com' } }, { customer_ids: { cookie: visitor.id } }]);
    assert.ok(asked.every((r) => r.method === 'POST' && r.headers.authorization === AUTH));
    const { site: blank } = await installed('Bloomreach no soft ID', 6, { soft_id: '' });
    const [skipped] = await deletePerson(signal, blank.id, { anonymousId: 'df_someone_else_1' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'bloomreach', status: 'skipped' });
  });
});
