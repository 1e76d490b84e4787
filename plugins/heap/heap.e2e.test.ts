// Heap end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for heapanalytics.com (the US data center's
// server-side APIs and the User Deletion API) and c.eu.heap-api.com (under /eu), and must
// receive the requests Heap's track, add_user_properties, identify and user_deletion APIs
// document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { heapUserIdOf } from './identity.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const APP_ID = '1234567890';
const API_KEY = '0123456789abcdef0123456789abcdef';
const VISITOR = 'df_heap0visitor1';
const VISITOR_USER_ID = heapUserIdOf(VISITOR);
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TRACK = '/api/track';
const USERS = '/api/add_user_properties';
const IDENTIFY = '/api/v1/identify';
const TOKEN = '/api/public/v0/auth_token';
const DELETION = '/api/public/v0/user_deletion';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A vendor request that hangs is given up after this long, then retried.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://heapanalytics.com=${sim.url},https://c.eu.heap-api.com=${sim.url}/eu`,
  }, { label: 'heap', vendors: ['heap'] });
  // Heap's answer to a request it took: 200 with an empty JSON body.
  for (const path of [TRACK, USERS, IDENTIFY, `/eu${TRACK}`]) sim.setDefault('POST', path, { status: 200, body: {} });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'heap', name, { config: { app_id: APP_ID, anonymous_visitors: 'heap_user_id', ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

interface HeapEvent { event: string; identity?: string; user_id?: string; timestamp: string; idempotency_key: string; properties: Record<string, unknown> }
/** Every event the simulator received at a track path, with its request. */
function tracked(path = TRACK): Array<{ request: RecordedRequest; event: HeapEvent }> {
  return sim.requests({ path }).flatMap((request) => {
    const events = ((request.json ?? {}) as { events?: HeapEvent[] }).events;
    return (Array.isArray(events) ? events : []).map((event) => ({ request, event }));
  });
}
const byMessageId = (messageId: string, path = TRACK) => tracked(path).filter(({ event }) => event.idempotency_key === messageId);

describe('Heap', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Heap site');
  });

  test('a visitor\'s page view: POST /api/track with the app_id and one Page Viewed on the visitor\'s Heap user_id, its properties, time and idempotency key', async () => {
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId: 'hp-page-1',
      properties: { url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/' },
      context: { page: { url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
    });
    const { request, event } = await waitUntil(async () => byMessageId('hp-page-1')[0], 'the page view');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers.authorization, undefined, 'the server-side APIs take the app_id alone');
    assert.equal((request.json as { app_id: string }).app_id, APP_ID);
    assert.deepEqual(event, {
      event: 'Page Viewed', user_id: VISITOR_USER_ID, timestamp: CALL_TIMESTAMP, idempotency_key: 'hp-page-1',
      properties: { utm_source: 'news', url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/', page_name: 'Pricing' },
    });
  });

  test('identify: the traits as user properties on the userId, then the identify API merges the visitor\'s Heap user into it; the user\'s events by identity', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-123', messageId: 'hp-identify-1', traits: { email: 'Jane@Example.com', name: 'Jane Doe', plan: 'premium', id: 'internal-7' } });
    const [merge] = await sim.waitFor((list) => list.some((r) => (r.json as { identity?: string }).identity === 'user-123'), 15_000, { path: IDENTIFY });
    const users = sim.requests({ path: USERS }).find((r) => JSON.stringify(r.json).includes('user-123'))!;
    assert.deepEqual(users.json, { app_id: APP_ID, users: [{ identity: 'user-123', properties: { name: 'Jane Doe', plan: 'premium', email: 'jane@example.com' } }] });
    assert.ok(users.receivedAt <= merge!.receivedAt, 'the properties first, the merge after Heap took them');
    assert.deepEqual(merge!.json, { app_id: APP_ID, user_id: VISITOR_USER_ID, identity: 'user-123', timestamp: CALL_TIMESTAMP });
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 2 || undefined, 'the identify delivered');

    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'hp-track-1', properties: { method: 'email', plan: { tier: 'pro' }, trial: true } });
    const { event } = await waitUntil(async () => byMessageId('hp-track-1')[0], 'the track event');
    assert.deepEqual(event, { event: 'Signed Up', identity: 'user-123', timestamp: CALL_TIMESTAMP, idempotency_key: 'hp-track-1', properties: { method: 'email', 'plan.tier': 'pro', trial: 'true' } });
  });

  test('a 429 with Retry-After, a 503 and a timeout are retried, then the event is delivered once with the same idempotency key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Heap retried');
    sim.script('POST', TRACK, [{ status: 429, headers: { 'Retry-After': '60' }, body: 'Too Many Requests' }, reply.serverError('Service Unavailable'), reply.hang()]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'hp-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const tries = byMessageId('hp-retry-1');
    assert.equal(tries.length, 4, 'the 429, the 503, the hang, then the success; nothing after it');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 500, 'the 429 paused the integration for Retry-After (60 s, 600 ms scaled)');
    assert.deepEqual(new Set(tries.map(({ event }) => event.idempotency_key)), new Set(['hp-retry-1']), 'Heap keeps one copy by the idempotency key');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a 400 for one event of a bulk request: the request is sent again in halves; only the event Heap refuses is dead-lettered, with Heap\'s words', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Heap refused');
    sim.setDefault('POST', TRACK, (request) => {
      const events = ((request.json ?? {}) as { events?: HeapEvent[] }).events ?? [];
      return events.some((e) => e.idempotency_key === 'hp-batch-b') ? { status: 400, body: 'Property values must be fewer than 1024 characters' } : { status: 200, body: {} };
    });
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `hp-batch-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, context: { consent: { analytics: true } } })) }),
      });
      assert.equal(res.status, 200);
      const letter = await waitForDeadLetter(signal, integrationId, 'hp-batch-b');
      assert.equal(letter.reason, 'Heap refused the event (HTTP 400: Property values must be fewer than 1024 characters): Heap takes event names of up to 1024 characters, identities of up to 255, and properties of numbers and text of fewer than 1024 characters');
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      const carried = sim.requests({ path: TRACK }).map((r) => ((r.json as { events?: HeapEvent[] }).events ?? []).filter((e) => e.event === 'Batch Test').map((e) => e.identity)).filter((ids) => ids.length > 0);
      assert.deepEqual(carried[0], ['user-a', 'user-b', 'user-c'], 'first one request of the three');
      assert.ok(carried.some((ids) => ids.length === 1 && ids[0] === 'user-b'), 'then event b alone, refused again');
      assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
    } finally {
      sim.setDefault('POST', TRACK, { status: 200, body: {} });
    }
  });

  test('a refused app ID (401) dead-letters at once naming config.app_id; a web page in a 200 is not taken for a delivery', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Heap refused app');
    sim.script('POST', TRACK, [{ status: 401, body: 'Unauthorized' }, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Sign in</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Bad App', userId: 'user-8', messageId: 'hp-401' });
    const refused = await waitForDeadLetter(signal, integrationId, 'hp-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.equal(refused.reason, 'Heap refused the request (HTTP 401: Unauthorized): check config.app_id, the environment ID of your Heap account (Account > Manage > Projects)');
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'user-9', messageId: 'hp-html-1' });
    const page = await waitForDeadLetter(signal, integrationId, 'hp-html-1');
    assert.match(page.reason, /^Heap's track API did not answer \(HTTP 200 with a web page\): https:\/\/heapanalytics\.com\/api\/track is not Heap's — check config\.data_center/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('the EU data center: events go to c.eu.heap-api.com; with anonymous_visitors left to its default (skip), a visitor\'s events are not sent', { timeout: 60_000 }, async () => {
    // Installed from the catalog without anonymous_visitors (undefined is left out of the JSON).
    const { site, integrationId } = await installed('Heap EU', { data_center: 'eu', anonymous_visitors: undefined });
    await browser(site.key, { type: 'track', event: 'Anonymous', messageId: 'hp-eu-anon' });
    await browser(site.key, { type: 'track', event: 'Known', userId: 'user-eu', messageId: 'hp-eu-1' });
    const { event } = await waitUntil(async () => byMessageId('hp-eu-1', `/eu${TRACK}`)[0], 'the EU event');
    assert.equal(event.identity, 'user-eu');
    assert.equal(byMessageId('hp-eu-anon', `/eu${TRACK}`).length + byMessageId('hp-eu-anon').length, 0, 'the anonymous event was not sent anywhere');
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped === 1 || undefined, 'the anonymous event dropped');
  });

  test('a person deletion: a token for app_id:api_key (HTTP Basic), then one user_deletion naming the identity and the visitor\'s Heap user_id with it; Heap\'s request id shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Heap deletions', { api_key: API_KEY });
    sim.setDefault('POST', TOKEN, { status: 200, body: { access_token: 'heap-token-1' } });
    sim.setDefault('POST', DELETION, { status: 201, body: { deletion_request_id: 'c93fae81-6d9c', status: 'pending', deletion_request_location: 'https://heapanalytics.com/api/public/v0/deletion_status/c93fae81-6d9c' } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'hp-forget-1' });
    await waitUntil(async () => byMessageId('hp-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{
      integrationId, vendor: 'heap', status: 'sent', responseStatus: 201,
      message: 'Heap accepted the deletion (request c93fae81-6d9c, pending): it deletes the users\' records and data in every environment of the account',
    }]);
    const [token] = sim.requests({ path: TOKEN });
    assert.equal(token!.headers.authorization, `Basic ${Buffer.from(`${APP_ID}:${API_KEY}`).toString('base64')}`);
    const [asked] = sim.requests({ path: DELETION });
    assert.equal(asked!.method, 'POST');
    assert.equal(asked!.headers.authorization, 'Bearer heap-token-1');
    assert.deepEqual(asked!.json, { users: [{ identity: 'u-forget-1' }, { user_id: VISITOR_USER_ID }] });

    // An integration without the API key does not forward deletions.
    const [skipped] = await deletePerson(signal, main.site.id, { userId: 'u-forget-2' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'heap', status: 'skipped' });
  });
});
