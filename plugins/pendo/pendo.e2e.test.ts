// Pendo end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for app.pendo.io (the US data center) and
// app.eu.pendo.io (under /eu), and must receive the requests Pendo's Track Events API, Metadata
// API and bulk delete API document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const SECRET = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const KEY = '00000000-1111-4222-8333-444444444444.us';
// Pendo does not process track events more than seven days old: the calls are a minute old.
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const CALL_MS = Date.parse(CALL_TIMESTAMP);
const TRACK = '/data/track';
const METADATA = '/api/v1/metadata/visitor/custom/value';
const DELETE = '/api/v1/bulkdelete/visitor';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A vendor request that hangs is given up after this long, then retried.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://app.pendo.io=${sim.url},https://app.eu.pendo.io=${sim.url}/eu`,
  }, { label: 'pendo', vendors: ['pendo'] });
  // Pendo's answers to requests it took: Track Events a bare 200; the Metadata API its counts.
  for (const path of [TRACK, `/eu${TRACK}`]) sim.setDefault('POST', path, { status: 200, body: '' });
  sim.setDefault('POST', METADATA, countsAnswer);
});
function countsAnswer(request: RecordedRequest) {
  const items = Array.isArray(request.json) ? request.json : [];
  return { status: 200, body: { total: items.length, updated: items.length, failed: 0 } };
}
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_pendo0visitor1', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Pendo Test)' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'pendo', name, { config: { track_secret: SECRET, integration_key: KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

interface PendoEvent { type: string; event: string; visitorId: string; accountId?: string; timestamp: number; properties: Record<string, unknown>; context: Record<string, unknown> }
/** The track events the simulator received at a path whose visitorId is `visitorId`, with their requests. */
function tracked(visitorId: string, path = TRACK): Array<{ request: RecordedRequest; event: PendoEvent }> {
  return sim.requests({ path }).map((request) => ({ request, event: request.json as PendoEvent })).filter(({ event }) => event?.visitorId === visitorId);
}

describe('Pendo', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Pendo site');
  });

  test('a user\'s track event: POST /data/track with the Track Event shared secret and one event — visitorId, accountId, time in ms, properties, browser context', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Report Exported', userId: 'user-1', messageId: 'pd-track-1',
      properties: { format: 'csv', 'Row Count': 120 },
      context: { groupId: 'acct-42', page: { url: 'https://app.example.com/reports', title: 'Reports' } },
    });
    const { request, event } = await waitUntil(async () => tracked('user-1')[0], 'the track event');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers['x-pendo-integration-key'], SECRET);
    assert.deepEqual(event, {
      type: 'track', event: 'Report Exported', visitorId: 'user-1', accountId: 'acct-42', timestamp: CALL_MS,
      properties: { format: 'csv', Row_Count: 120 },
      context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Pendo Test)', url: 'https://app.example.com/reports', title: 'Reports' },
    });
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 1 || undefined, 'delivered');
  });

  test('identify: the traits as visitor metadata through the Metadata API with the integration key; the counts read as delivered', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-2', messageId: 'pd-identify-1', traits: { email: 'jane@example.com', plan: 'premium', seats: 5, id: 'internal-7' } });
    const [request] = await sim.waitFor(1, 15_000, { path: METADATA });
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers['x-pendo-integration-key'], KEY);
    assert.deepEqual(request!.query, {}, 'no create=true unless config.create_visitors');
    assert.deepEqual(request!.json, [{ visitorId: 'user-2', values: { email: 'jane@example.com', plan: 'premium', seats: 5 } }]);
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 2 || undefined, 'the identify delivered');
  });

  test('the delivery log keeps both keys out: the x-pendo-integration-key headers redacted', async () => {
    const logged = async (messageId: string) => waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string; headers: Record<string, string> } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((entry) => entry.eventIds.includes(messageId));
    }, `${messageId} in the delivery log`);
    const track = await logged('pd-track-1');
    assert.equal(track.request.url, 'https://app.pendo.io/data/track', 'the real URL is logged');
    assert.equal(track.request.headers['x-pendo-integration-key'], '[REDACTED]');
    const metadata = await logged('pd-identify-1');
    assert.equal(metadata.request.headers['x-pendo-integration-key'], '[REDACTED]');
    assert.equal(JSON.stringify([track, metadata]).includes(SECRET) || JSON.stringify([track, metadata]).includes(KEY), false);
  });

  test('a 429 with Retry-After, a 503 and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pendo retried');
    sim.script('POST', TRACK, [{ status: 429, headers: { 'Retry-After': '60' }, body: 'Too Many Requests' }, reply.serverError('Service Unavailable'), reply.hang()]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'pd-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const tries = tracked('user-retry');
    assert.equal(tries.length, 4, 'the 429, the 503, the hang, then the success; nothing after it');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 500, 'the 429 paused the integration for Retry-After (60 s, 600 ms scaled)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a 400 is dead-lettered at once with Pendo\'s words; a 401 names config.track_secret', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pendo refused');
    sim.script('POST', TRACK, [{ status: 400, body: { message: 'Invalid event: visitorId too long' } }, { status: 401, body: 'invalid integration key' }]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-400', messageId: 'pd-400' });
    const refused = await waitForDeadLetter(signal, integrationId, 'pd-400');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.equal(refused.reason, 'Pendo refused the track event (HTTP 400: Invalid event: visitorId too long)');
    await browser(site.key, { type: 'track', event: 'Bad Secret', userId: 'user-401', messageId: 'pd-401' });
    const secret = await waitForDeadLetter(signal, integrationId, 'pd-401');
    assert.equal(secret.reason, 'Pendo refused the Track Event shared secret (HTTP 401: invalid integration key): config.track_secret must be the app\'s Track Event shared secret (Settings > Subscription Settings > Applications > App Details), not an integration key, of the subscription in config.region');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('an identify of a visitor Pendo reports missing is dead-lettered saying so; the others of the request are delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pendo missing');
    sim.setDefault('POST', METADATA, (request) => {
      const items = (Array.isArray(request.json) ? request.json : []) as Array<{ visitorId: string }>;
      const missing = items.filter((i) => i.visitorId === 'user-unknown').map((i) => i.visitorId);
      return { status: 200, body: { total: items.length, updated: items.length - missing.length, failed: missing.length, missing } };
    });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: [['user-known', 'pd-meta-a'], ['user-unknown', 'pd-meta-b']].map(([userId, messageId]) => ({ type: 'identify', userId, messageId, timestamp: CALL_TIMESTAMP, traits: { plan: 'pro' }, context: { consent: { analytics: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'pd-meta-b');
    assert.equal(letter.reason, 'Pendo reported visitor user-unknown missing: it sets metadata on visitors it has seen only — turn on config.create_visitors to create them, or replay once the visitor\'s events reached Pendo');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the known visitor delivered');
    const carried = sim.requests({ path: METADATA }).filter((r) => JSON.stringify(r.json).includes('user-unknown'));
    assert.equal(carried.length, 1, 'one request carried both, once');
    assert.deepEqual(carried[0]!.json, [{ visitorId: 'user-known', values: { plan: 'pro' } }, { visitorId: 'user-unknown', values: { plan: 'pro' } }]);
    sim.setDefault('POST', METADATA, countsAnswer);
  });

  test('the EU data center: events go to app.eu.pendo.io; with anonymous_visitors left to its default (skip), a visitor\'s events are not sent; without an integration key, identify is not', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pendo EU', { region: 'eu', integration_key: undefined });
    await browser(site.key, { type: 'track', event: 'Anonymous', messageId: 'pd-eu-anon' });
    await browser(site.key, { type: 'identify', userId: 'user-eu', messageId: 'pd-eu-identify', traits: { plan: 'pro' } });
    await browser(site.key, { type: 'track', event: 'Known', userId: 'user-eu', messageId: 'pd-eu-1' });
    const { request, event } = await waitUntil(async () => tracked('user-eu', `/eu${TRACK}`)[0], 'the EU event');
    assert.equal(event.event, 'Known');
    assert.equal(request.headers['x-pendo-integration-key'], SECRET);
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped === 2 || undefined, 'the anonymous event and the identify dropped');
    assert.equal(sim.requests({ path: `/eu${TRACK}` }).filter((r) => (r.json as PendoEvent).event === 'Anonymous').length, 0, 'the anonymous event was not sent');
    assert.equal(sim.requests({ path: `/eu${METADATA}` }).length, 0, 'no metadata request without the integration key');
  });

  test('a person deletion: one bulk delete naming the visitor, with the integration key; Pendo\'s request id shown; none without the key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pendo deletions');
    sim.setDefault('POST', DELETE, { status: 200, body: { id: 'bd-7f3a' } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'pd-forget-1' });
    await waitUntil(async () => tracked('u-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: visitor.id }), [{
      integrationId, vendor: 'pendo', status: 'sent', responseStatus: 200,
      message: 'Pendo queued the deletion (request bd-7f3a): it deletes the visitors\' events and metadata within 21 days and marks them Do Not Process at once',
    }]);
    const [asked] = sim.requests({ path: DELETE });
    assert.equal(asked!.method, 'POST');
    assert.equal(asked!.headers['x-pendo-integration-key'], KEY);
    assert.deepEqual(asked!.json, { visitors: ['u-forget-1'] });

    const { site: keyless } = await installed('Pendo no deletions', { integration_key: undefined });
    const [skipped] = await deletePerson(signal, keyless.id, { userId: 'u-forget-2' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'pendo', status: 'skipped' });
  });
});
