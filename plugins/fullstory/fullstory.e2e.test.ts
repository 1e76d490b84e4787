// Fullstory end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for api.fullstory.com (NA1) and api.eu1.fullstory.com
// (under /eu), and must receive the requests Fullstory's server API v2 documents: Create Event,
// Create User and Delete User, with the API key as "Basic <key>".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const API_KEY = 'na1.0123456789abcdefABCDEF/o-1A2B3C-na1';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const EVENTS = '/v2/events';
const USERS = '/v2/users';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.fullstory.com=${sim.url},https://api.eu1.fullstory.com=${sim.url}/eu`,
  }, { label: 'fullstory', vendors: ['fullstory'] });
  // Fullstory's answers to a created event and a created (or updated) user.
  for (const path of [EVENTS, `/eu${EVENTS}`]) sim.setDefault('POST', path, { status: 200, body: {} });
  sim.setDefault('POST', USERS, { status: 200, body: { id: '1234567890' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_fullstory1', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'fullstory', name, { config: { api_key: API_KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

interface FullstoryEvent { name: string; user?: { uid: string }; timestamp?: string; properties?: Record<string, unknown>; session?: unknown; context?: unknown }
const named = (name: string, path = EVENTS): RecordedRequest[] => sim.requests({ path }).filter((r) => (r.json as FullstoryEvent | undefined)?.name === name);
const byUid = (uid: string, path = EVENTS): RecordedRequest[] => sim.requests({ path }).filter((r) => (r.json as FullstoryEvent | undefined)?.user?.uid === uid);

describe('Fullstory', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Fullstory site');
  });

  test('a user\'s track event: POST /v2/events with Basic <key>, no Idempotency-Key, the uid, the recent session, properties and browser context', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Signed Up', userId: 'user-1', messageId: 'fs-track-1',
      properties: { method: 'email', 'Plan Name': 'pro', seats: 3 },
      context: { page: { url: 'https://shop.example.com/signup', path: '/signup', referrer: 'https://www.google.com/' }, userAgent: 'Mozilla/5.0 (Test)' },
    });
    const request = await waitUntil(async () => byUid('user-1')[0], 'the event');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Basic ${API_KEY}`);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers['idempotency-key'], undefined);
    assert.deepEqual(request.json, {
      name: 'Signed Up', timestamp: CALL_TIMESTAMP, user: { uid: 'user-1' },
      properties: { method: 'email', Plan_Name: 'pro', seats: 3 },
      context: { browser: { url: 'https://shop.example.com/signup', user_agent: 'Mozilla/5.0 (Test)', initial_referrer: 'https://www.google.com/' } },
      session: { use_most_recent: true },
    });
  });

  test('identify: POST /v2/users with the uid, display name, email and properties; an anonymous event is not sent', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-2', messageId: 'fs-identify-1', traits: { name: 'Jane Doe', email: 'jane@example.com', plan: 'premium' } });
    await browser(main.site.key, { type: 'track', event: 'Anonymous Click', messageId: 'fs-anon-1' });
    const [user] = await sim.waitFor((list) => list.some((r) => (r.json as { uid?: string }).uid === 'user-2'), 15_000, { path: USERS });
    assert.equal(user!.headers.authorization, `Basic ${API_KEY}`);
    assert.deepEqual(user!.json, { uid: 'user-2', display_name: 'Jane Doe', email: 'jane@example.com', properties: { plan: 'premium' } });
    await waitUntil(async () => (await integrationStats(signal, main.integrationId, ['dropped'])).dropped >= 1 || undefined, 'the anonymous event dropped');
    assert.equal(named('Anonymous Click').length, 0, 'Fullstory\'s server events need a uid: not sent');
  });

  test('a 429 with Retry-After, a 500 and a timeout are retried, then the event is delivered; no Idempotency-Key, whose saved 500 Fullstory would replay to each retry', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Fullstory retried');
    sim.script('POST', EVENTS, [reply.tooMany(60), reply.serverError({ message: 'Server error was encountered', code: 'server_error' }), reply.hang()]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'fs-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const tries = byUid('user-retry');
    assert.equal(tries.length, 4, 'the 429, the 500, the hang, then the success');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 500, 'the 429 paused the integration for Retry-After (60 s, 600 ms scaled)');
    assert.ok(tries.every((r) => r.headers['idempotency-key'] === undefined), 'no try carries an Idempotency-Key: a 500 saved under one would answer every retry for 24 hours');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a 400 dead-letters the event with Fullstory\'s message and code; a 401 names config.api_key, not retried', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Fullstory refused');
    sim.script('POST', EVENTS, [
      { status: 400, body: { message: 'invalid property value', code: 'invalid_argument' } },
      { status: 401, body: { message: 'access is unauthorized', code: 'unauthorized' } },
    ]);
    await browser(site.key, { type: 'track', event: 'Bad', userId: 'user-bad', messageId: 'fs-400' });
    const refused = await waitForDeadLetter(signal, integrationId, 'fs-400');
    assert.equal(refused.attempts, 1);
    assert.equal(refused.reason, 'Fullstory refused the event (Create Event, HTTP 400: invalid property value (invalid_argument))');
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-bad', messageId: 'fs-401' });
    const key = await waitForDeadLetter(signal, integrationId, 'fs-401');
    assert.equal(key.attempts, 1);
    assert.equal(key.reason, 'Fullstory refused the API key (Create Event, HTTP 401: access is unauthorized (unauthorized)): check config.api_key (Settings > Integrations > API Keys) — revoked, mistyped, or of another data center than config.data_center');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('the EU1 data center: events go to api.eu1.fullstory.com, without the session when use_most_recent_session is off', { timeout: 60_000 }, async () => {
    await installed('Fullstory EU', { api_key: 'eu1.0123456789abcdefABCDEF/o-1A2B3C-eu1', data_center: 'eu1', use_most_recent_session: false }).then(({ site }) => browser(site.key, { type: 'track', event: 'EU Event', userId: 'user-eu', messageId: 'fs-eu-1' }));
    const request = await waitUntil(async () => byUid('user-eu', `/eu${EVENTS}`)[0], 'the EU event');
    assert.equal(request.headers.authorization, 'Basic eu1.0123456789abcdefABCDEF/o-1A2B3C-eu1');
    assert.deepEqual(request.json, { name: 'EU Event', timestamp: CALL_TIMESTAMP, user: { uid: 'user-eu' }, context: { browser: { user_agent: 'node' } } }, 'no session: the user agent collect saw, no page');
    assert.equal(byUid('user-eu').length, 0, 'nothing to the NA1 host');
  });

  test('a person deletion: DELETE /v2/users?uid=<userId> with the key; without a userId skipped', { timeout: 60_000 }, async () => {
    sim.setDefault('DELETE', USERS, { status: 200, body: {} });
    assert.deepEqual(await deletePerson(signal, main.site.id, { userId: 'u-forget-1', anonymousId: 'df_fullstory1' }), [{
      integrationId: main.integrationId, vendor: 'fullstory', status: 'sent', responseStatus: 200,
      message: 'Fullstory deleted the user (HTTP 200): its sessions, events and properties',
    }]);
    const [asked] = sim.requests({ path: USERS, method: 'DELETE' });
    assert.deepEqual(asked!.queryPairs, [['uid', 'u-forget-1']]);
    assert.equal(asked!.headers.authorization, `Basic ${API_KEY}`);
    const [skipped] = await deletePerson(signal, main.site.id, { anonymousId: 'df_fullstory1' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'fullstory', status: 'skipped' });
  });
});
