// Customer.io end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for Customer.io's Track API (track.customer.io, and
// track-eu.customer.io) and must receive the requests its v2 /batch and /entity document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { dedupIdFor, dedupKeyOf } from './identity.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_cio0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TS = 1711296000;
const SITE = 'a1b2c3d4e5f6a7b8c9d0';
const KEY = '0123456789abcdef0123';
const BASIC = `Basic ${Buffer.from(`${SITE}:${KEY}`).toString('base64')}`;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://track.customer.io=${sim.url},https://track-eu.customer.io=${sim.url}/eu`,
  }, { label: 'customerio', vendors: ['customerio'] });
  // Customer.io answers an accepted batch 200 without a body.
  sim.setDefault('POST', '/api/v2/batch', { status: 200, body: '' });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const config = { site_id: SITE, api_key: KEY };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, extra: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'customerio', name, { config: { ...config, ...extra }, consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });

/** Every batch item the simulator received (under `prefix`), with its request. */
function received(prefix = ''): Array<{ request: RecordedRequest; item: Record<string, unknown> }> {
  return sim.requests({ path: `${prefix}/api/v2/batch` }).flatMap((request) => {
    const batch = ((request.json ?? {}) as { batch?: Array<Record<string, unknown>> }).batch;
    return (Array.isArray(batch) ? batch : []).map((item) => ({ request, item }));
  });
}
const named = (name: string, prefix = '') => received(prefix).filter(({ item }) => item.name === name);

describe('Customer.io', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Customer.io site');
  });

  test('a visitor\'s track call and page view: person items by anonymous_id, with a ULID dedup id, Unix seconds, HTTP Basic site_id:api_key', async () => {
    await browser(main.site.key, { type: 'track', event: 'Pricing Viewed', messageId: 'cio-anon-1', properties: { plan: 'pro', email: 'jane@example.com', recipient: 'attacker@example.com' } });
    await browser(main.site.key, { type: 'page', name: 'Pricing', messageId: 'cio-page-1', properties: {} });
    const [{ request, item }] = await waitUntil(async () => { const list = named('Pricing Viewed'); return list.length > 0 && list; }, 'the event');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, BASIC);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.deepEqual(item, { type: 'person', action: 'event', identifiers: { anonymous_id: VISITOR }, id: dedupIdFor(dedupKeyOf('cio-anon-1', 'event', 'Pricing Viewed', { anonymous_id: VISITOR }), Date.parse(CALL_TIMESTAMP)), name: 'Pricing Viewed', timestamp: TS, attributes: { plan: 'pro' } });
    const page = await waitUntil(async () => named('https://shop.example.com/pricing')[0], 'the page view');
    assert.deepEqual(page.item, { type: 'person', action: 'page', identifiers: { anonymous_id: VISITOR }, id: dedupIdFor(dedupKeyOf('cio-page-1', 'page', 'https://shop.example.com/pricing', { anonymous_id: VISITOR }), Date.parse(CALL_TIMESTAMP)), name: 'https://shop.example.com/pricing', timestamp: TS, attributes: { title: 'Pricing', path: '/pricing', page_name: 'Pricing' } });
  });

  test('identify: the person by id with its attributes and the visitor\'s anonymous_id (Customer.io merges its anonymous events); the user\'s later events by id', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-123', messageId: 'cio-identify-1', traits: { email: ' jane@example.com ', firstName: 'Jane', plan: 'premium', unsubscribed: false } });
    const identify = await waitUntil(async () => received().find(({ item }) => item.action === 'identify' && (item.identifiers as Record<string, unknown>).id === 'user-123'), 'the identify');
    assert.deepEqual(identify.item, { type: 'person', action: 'identify', identifiers: { id: 'user-123' }, timestamp: TS, attributes: { email: 'jane@example.com', plan: 'premium', first_name: 'Jane', anonymous_id: VISITOR } });
    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'cio-track-1', properties: { method: 'email' } });
    const { item } = await waitUntil(async () => named('Signed Up')[0], 'the event');
    assert.deepEqual(item.identifiers, { id: 'user-123' });
  });

  test('a 207 naming one item by batch_index dead-letters exactly that event with Customer.io\'s reason; the others were accepted and are not sent again', async () => {
    const { site, integrationId } = await installed('Customer.io partial');
    sim.script('POST', '/api/v2/batch', [{ status: 207, body: { errors: [{ batch_index: 1, reason: 'invalid', field: 'name', message: 'event name cannot be longer than 100 bytes' }] } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `cio-partial-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, properties: { n: x }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'cio-partial-b');
    assert.equal(letter.reason, 'Customer.io refused the event: name: event name cannot be longer than 100 bytes (invalid)');
    assert.equal(letter.attempts, 1, 'not retried: Customer.io refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = named('Batch Test');
    assert.deepEqual(sent.map(({ item }) => (item.identifiers as Record<string, unknown>).id), ['user-a', 'user-b', 'user-c'], 'one request, nothing sent again');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
  });

  test('a 429 waits for Retry-After, then success: delivered once, with the same dedup id, without a dead letter', async () => {
    const { site, integrationId } = await installed('Customer.io throttled');
    sim.script('POST', '/api/v2/batch', [reply.tooMany(1)]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'cio-throttled-1' });
    const tries = await waitUntil(async () => { const list = named('Throttled'); return list.length >= 2 && list; }, 'two tries', 20_000);
    assert.equal(tries[0]!.item.id, tries[1]!.item.id, 'the retry carries the same ULID: Customer.io records the event once');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(named('Throttled').length, 2, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('refused credentials (401, EU region) dead-letter at once saying to check the site ID, the key and the region', async () => {
    const { site, integrationId } = await installed('Customer.io EU', { region: 'eu' });
    sim.script('POST', '/eu/api/v2/batch', [reply.unauthorized('')]);
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'cio-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'cio-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Customer\.io refused the credentials \(HTTP 401[:)].*check config\.site_id and config\.api_key .* that config\.region is the workspace's/);
    const [request] = sim.requests({ path: '/eu/api/v2/batch' });
    assert.equal(request!.headers.authorization, BASIC);
  });

  test('a person deletion goes to /api/v2/entity as a delete item by id (or suppress, as configured); an anonymousId alone is skipped; refused credentials fail naming the fields', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Customer.io deletions');
    sim.setDefault('POST', '/api/v2/entity', { status: 200, body: '' });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'cio-forget-1' });
    await waitUntil(async () => named('Viewed').find(({ item }) => (item.identifiers as Record<string, unknown>).id === 'u-forget-1'), 'the event');
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId, vendor: 'customerio', status: 'sent', responseStatus: 200, message: sent!.message });
    assert.match(String(sent!.message), /^accepted \(HTTP 200\): Customer\.io deletes the person's profile/);
    const [asked] = sim.requests({ path: '/api/v2/entity' });
    assert.equal(asked!.headers.authorization, BASIC);
    assert.deepEqual(asked!.json, { type: 'person', action: 'delete', identifiers: { id: 'u-forget-1' } });

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^Customer\.io deletes people by id, and this deletion names an anonymousId only/);

    const suppressing = await installed('Customer.io suppress', { deletion_action: 'suppress' });
    assert.equal((await deletePerson(signal, suppressing.site.id, { userId: 'u-forget-2' }))[0]!.status, 'sent');
    assert.deepEqual(sim.requests({ path: '/api/v2/entity' }).at(-1)!.json, { type: 'person', action: 'suppress', identifiers: { id: 'u-forget-2' } });

    sim.setDefault('POST', '/api/v2/entity', { status: 401, body: '' });
    const [refused] = await deletePerson(signal, site.id, { userId: 'u-forget-3' });
    assert.equal(refused!.status, 'failed');
    assert.equal(refused!.responseStatus, 401);
    assert.match(String(refused!.message), /^HTTP 401: Customer\.io refused the credentials: check config\.site_id and config\.api_key/);
  });
});
