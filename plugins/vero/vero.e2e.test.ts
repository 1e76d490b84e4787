// Vero end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.getvero.com and must
// receive the requests Vero's Track API v2.0 reference documents: POST /api/v2/users/track,
// POST /api/v2/events/track, POST /api/v2/users/unsubscribe after an identify denying
// marketing consent (when the config asks), POST /api/v2/users/delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const TOKEN = 'ZmQwMzM2ZDc4NjI5NTFkODZjMDljNTY5YzNlMTlkZjQ6';
const USERS = '/api/v2/users/track';
const EVENTS = '/api/v2/events/track';
const UNSUBSCRIBE = '/api/v2/users/unsubscribe';
const DELETE = '/api/v2/users/delete';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const SUCCESS = { status: 200, body: { status: 200, message: 'Success.' } };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.getvero.com=${sim.url}`,
  }, { label: 'vero', vendors: ['vero'] });
  for (const path of [USERS, EVENTS, UNSUBSCRIBE, DELETE]) sim.setDefault('POST', path, SUCCESS);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_vero00visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'vero', name, { config: { auth_token: TOKEN, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
const eventsNamed = (name: string) => sim.requests({ path: EVENTS }).filter((request) => bodyOf(request).event_name === name);
const usersOf = (id: string) => sim.requests({ path: USERS }).filter((request) => bodyOf(request).id === id);

describe('Vero', () => {
  test('an identify to POST /users/track and a track to POST /events/track, as Vero documents them, the token in the body', async () => {
    const { site, integrationId } = await installed('Vero', { source: 'Signal' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'vr-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', plan: 'pro', company: { name: 'Acme' } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).id === 'user-123'), 15_000, { path: USERS });
    const [user] = usersOf('user-123');
    assert.equal(user!.method, 'POST');
    assert.match(user!.headers['content-type']!, /^application\/json/);
    assert.equal(user!.path, USERS, 'no token in the URL');
    assert.deepEqual(user!.json, { auth_token: TOKEN, id: 'user-123', email: 'Jane@Example.com', data: { firstName: 'Jane', plan: 'pro', company: { name: 'Acme' } } });

    await browser(site.key, { type: 'track', event: 'Purchased Item', userId: 'user-123', messageId: 'vr-track-1', properties: { product: 'Red T-shirt', price: 20, email: 'someone@example.com' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).event_name === 'Purchased Item'), 15_000, { path: EVENTS });
    const [event] = eventsNamed('Purchased Item');
    assert.deepEqual(event!.json, {
      auth_token: TOKEN, identity: { id: 'user-123', email: 'Jane@Example.com' }, event_name: 'Purchased Item',
      data: { product: 'Red T-shirt', price: 20, message_id: 'vr-track-1' }, extras: { created_at: CALL_TIMESTAMP, source: 'Signal' },
    }, 'the email Signal remembers from the identify; no contact data in the data; the messageId against Vero\'s deduplication');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
    assert.equal(sim.count({ path: UNSUBSCRIBE }), 0, 'no subscription change without the config asking');
  });

  test('an identify denying marketing consent (an install not gated on it) unsubscribes the user after the profile, when the config asks', async () => {
    const { site, integrationId } = await installOnNewPipeline(signal, 'vero', 'Vero denial', { config: { auth_token: TOKEN, unsubscribe_on_denial: true } });
    const before = sim.count({ path: UNSUBSCRIBE });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-no', messageId: 'vr-deny-1', traits: { email: 'no@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: false } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).id === 'user-no'), 15_000, { path: UNSUBSCRIBE });
    assert.equal(usersOf('user-no').length, 1, 'the profile first');
    const unsubscribed = sim.requests({ path: UNSUBSCRIBE }).slice(before);
    assert.deepEqual(unsubscribed.map((r) => [r.method, r.json]), [['POST', { auth_token: TOKEN, id: 'user-no' }]]);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered once, after its follow-up');
  });

  test('a 429, a 503 and a timeout are retried with the same messageId, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Vero retried');
    sim.script('POST', EVENTS, [
      { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } },
      { status: 503, body: 'Service Unavailable' },
      { ...SUCCESS, delayMs: 2_500 },
      SUCCESS,
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'vr-retried-1', properties: { a: 1 } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const sent = eventsNamed('Retried');
    assert.equal(sent.length, 4, 'the 429, the 503, the timeout, then the success; nothing after it');
    assert.deepEqual(sent.map((r) => (bodyOf(r).data as Record<string, unknown>).message_id), ['vr-retried-1', 'vr-retried-1', 'vr-retried-1', 'vr-retried-1'], 'the same data each time: Vero drops a copy the timed-out try left');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 400 is dead-lettered at once with Vero\'s message; a refused token (401) names config.auth_token', async () => {
    const { site, integrationId } = await installed('Vero refused');
    sim.script('POST', USERS, [{ status: 400, body: { status: 400, message: 'Email is invalid' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'vr-400', traits: { email: 'bad@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'vr-400');
    assert.equal(letter.attempts, 1, 'not retried: Vero refused it for good');
    assert.equal(letter.reason, 'Vero refused the user (HTTP 400: Email is invalid)');

    sim.script('POST', EVENTS, [{ status: 401, body: { status: 401, message: 'Unauthorized' } }]);
    await browser(site.key, { type: 'track', event: 'Unauthorised', userId: 'user-401', messageId: 'vr-401' });
    const refused = await waitForDeadLetter(signal, integrationId, 'vr-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Vero refused the Authentication Token \(HTTP 401: Unauthorized\): check config\.auth_token/);
  });

  test('an anonymous visitor\'s track and page views (no page_event_name) are not sent', async () => {
    const { site, integrationId } = await installed('Vero anonymous');
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'vr-anon-1' }, { id: 'df_vero_anonymous1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await browser(site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'vr-page-1' });
    await browser(site.key, { type: 'track', event: 'After Anonymous', userId: 'user-anon', messageId: 'vr-anon-2' });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).event_name === 'After Anonymous'), 15_000, { path: EVENTS });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'only the identified event delivered');
    assert.equal(eventsNamed('Anonymous Thing').length, 0);
    assert.equal(sim.requests({ path: EVENTS }).some((r) => (bodyOf(r).identity as Record<string, unknown>).id === 'user-page'), false, 'no page view sent');
  });

  test('person deletions: POST /users/delete by the userId; a 404 is done; an anonymousId alone skipped; a refused token fails', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Vero deletions');
    const before = sim.count({ path: DELETE });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'vero');
    assert.equal(sent!.status, 'sent');
    const requests = sim.requests({ path: DELETE }).slice(before);
    assert.deepEqual(requests.map((r) => [r.method, r.json]), [['POST', { auth_token: TOKEN, id: 'u-gus-0042' }]]);

    sim.script('POST', DELETE, [{ status: 404, body: { status: 404, message: 'Not Found' } }]);
    const [gone] = await deletePerson(signal, site.id, { userId: 'u-never-seen' });
    assert.equal(gone!.status, 'sent');

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_vero_never_identified' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Vero users by userId only/);

    sim.script('POST', DELETE, [{ status: 401, body: { status: 401, message: 'Unauthorized' } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /HTTP 401: Vero refused the Authentication Token for the deletion \(Unauthorized\): check config\.auth_token/);
  });
});
