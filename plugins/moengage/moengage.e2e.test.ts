// MoEngage end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for api-01.moengage.com (DC-01) and api-02.moengage.com
// (DC-02, under /dc02), and must receive the requests MoEngage's Bulk Import API and Delete
// User API document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const WORKSPACE = 'VJ0GSMESHMQA3L7WV1EEK3UR';
const KEY = 'moe-data-key-0123456789';
const AUTH = `Basic ${Buffer.from(`${WORKSPACE}:${KEY}`).toString('base64')}`;
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const CALL_TIME = CALL_TIMESTAMP.replace(/\.\d{3}Z$/, 'Z');
const BULK = `/v1/transition/${WORKSPACE}`;
const DELETE = '/v1/customer/delete';
const ACCEPTED = { status: 'success', message: 'Your request has been accepted and will be processed soon.' };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api-01.moengage.com=${sim.url},https://api-02.moengage.com=${sim.url}/dc02`,
  }, { label: 'moengage', vendors: ['moengage'] });
  for (const path of [BULK, `/dc02${BULK}`, DELETE]) sim.setDefault('POST', path, { status: 200, body: ACCEPTED });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_moengage0visitor1', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (MoEngage Test)' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'moengage', name, { config: { workspace_id: WORKSPACE, data_api_key: KEY, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, timezone: 'Asia/Kolkata' } });

type Element = { type: string; customer_id: string; attributes?: Record<string, unknown>; actions?: Array<Record<string, unknown>> };
/** The bulk elements the simulator received at a path for a customer, with their requests. */
function elements(customerId: string, path = BULK): Array<{ request: RecordedRequest; element: Element }> {
  return sim.requests({ path }).flatMap((request) => ((request.json as { elements?: Element[] })?.elements ?? []).map((element) => ({ request, element }))).filter(({ element }) => element.customer_id === customerId);
}

describe('MoEngage', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('MoEngage site');
  });

  test('identify then track: Bulk Import requests with Basic auth and MOE-APPKEY — a customer element with standard attribute names, an event element with action, attributes, platform, time, offset', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-1', messageId: 'moe-identify-1', traits: { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', phone: '+447700900123', plan: 'premium' } });
    const { request: first, element: customer } = await waitUntil(async () => elements('user-1').find((e) => e.element.type === 'customer'), 'the customer element');
    assert.equal(first.method, 'POST');
    assert.equal(first.headers.authorization, AUTH);
    assert.equal(first.headers['moe-appkey'], WORKSPACE);
    assert.match(first.headers['content-type']!, /^application\/json/);
    assert.equal((first.json as { type: string }).type, 'transition');
    assert.deepEqual(customer, { type: 'customer', customer_id: 'user-1', attributes: { email: 'jane@example.com', plan: 'premium', first_name: 'Jane', last_name: 'Doe', mobile: '+447700900123' } });

    await browser(main.site.key, { type: 'track', event: 'Added to Cart', userId: 'user-1', messageId: 'moe-track-1', properties: { product: 'Mobile', price: 199 } });
    const { element: event } = await waitUntil(async () => elements('user-1').find((e) => e.element.type === 'event'), 'the event element');
    assert.deepEqual(event, {
      type: 'event', customer_id: 'user-1',
      actions: [{ action: 'Added to Cart', attributes: { product: 'Mobile', price: 199 }, platform: 'web', current_time: CALL_TIME, user_timezone_offset: 19800 }],
    });
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 2 || undefined, 'both delivered');
  });

  test('the delivery log keeps the Data API key out', async () => {
    const entry = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string; headers: Record<string, string> } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((e) => e.eventIds.includes('moe-track-1'));
    }, 'the track in the delivery log');
    assert.equal(entry.request.url, `https://api-01.moengage.com${BULK}`, 'the real URL is logged');
    assert.equal(entry.request.headers.authorization, 'Basic [REDACTED]');
    assert.equal(JSON.stringify(entry).includes(KEY) || JSON.stringify(entry).includes(AUTH), false);
  });

  test('a 429 with Retry-After and a 503 are retried, then the event is delivered once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('MoEngage retried');
    sim.script('POST', BULK, [
      { status: 429, headers: { 'Retry-After': '30' }, body: { status: 'fail', error: { type: 'Too Many Requests', message: 'Rate limit exceeded' } } },
      { status: 503, body: 'Service Unavailable' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'moe-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = elements('user-retry');
    assert.equal(tries.length, 3, 'the 429, the 503, then the success; nothing after it');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused the integration for Retry-After (30 s, 300 ms scaled)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 1, `retried: ${stats.retried}`);
  });

  test('a 400 is dead-lettered at once with MoEngage\'s words; a 401 names the credentials', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('MoEngage refused');
    sim.script('POST', BULK, [
      { status: 400, body: { status: 'fail', error: { type: 'Bad Request', message: 'Invalid attribute value', request_id: 'r-1' } } },
      { status: 401, body: { status: 'fail', error: { type: 'Authentication required', message: 'Invalid credentials' } } },
    ]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-400', messageId: 'moe-400' });
    const refused = await waitForDeadLetter(signal, integrationId, 'moe-400');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.equal(refused.reason, 'MoEngage refused the element (HTTP 400: Bad Request: Invalid attribute value)');
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-401', messageId: 'moe-401' });
    const denied = await waitForDeadLetter(signal, integrationId, 'moe-401');
    assert.match(denied.reason, /^MoEngage refused the credentials \(HTTP 401: Authentication required: Invalid credentials\): config\.workspace_id must be the Workspace ID and config\.data_api_key its Data API key/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('DC-02: requests go to api-02.moengage.com; a visitor without a userId is not sent', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('MoEngage DC-02', { data_center: '02' });
    await browser(site.key, { type: 'track', event: 'Anonymous', messageId: 'moe-dc02-anon' });
    await browser(site.key, { type: 'track', event: 'Known', userId: 'user-dc02', messageId: 'moe-dc02-1' });
    const { element } = await waitUntil(async () => elements('user-dc02', `/dc02${BULK}`)[0], 'the DC-02 event');
    assert.equal(element.actions![0]!.action, 'Known');
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['dropped'])).dropped === 1 || undefined, 'the anonymous event dropped');
    assert.equal(JSON.stringify(sim.requests({ path: `/dc02${BULK}` }).map((r) => r.json)).includes('Anonymous'), false);
  });

  test('a person deletion: one Delete User request for the userId with app_id and Basic auth; skipped without a userId', { timeout: 40_000 }, async () => {
    const { site, integrationId } = await installed('MoEngage deletions');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'moe-forget-1' });
    await waitUntil(async () => elements('u-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: visitor.id }), [{
      integrationId, vendor: 'moengage', status: 'sent', responseStatus: 200,
      message: 'MoEngage accepted the deletion (Your request has been accepted and will be processed soon.): the user is hard-deleted after its 24-hour buffer, and created again if events with the same ID reach MoEngage later',
    }]);
    const [asked] = sim.requests({ path: DELETE });
    assert.equal(asked!.method, 'POST');
    assert.deepEqual(asked!.queryPairs, [['app_id', WORKSPACE]]);
    assert.equal(asked!.headers.authorization, AUTH);
    assert.deepEqual(asked!.json, { identity_type: 'customer_id', identity_value: 'u-forget-1' });
    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_someone_else_1' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'moengage', status: 'skipped' });
  });
});
