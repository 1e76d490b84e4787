// LaunchDarkly end to end: browser calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for events.launchdarkly.com,
// events.eu.launchdarkly.com (under /eu) and app.launchdarkly.com (under /api), and must receive
// the requests LaunchDarkly's server-side SDKs send: `POST /bulk` with a JSON array of custom and
// identify events, the SDK key as Authorization, X-LaunchDarkly-Event-Schema 4 and an
// X-LaunchDarkly-Payload-ID that stays the same when the payload is sent again; answered 202.
// Failures: a 429, a 503 and a timeout retried; a 401 dead-lettered naming the SDK key; a 413 of
// several events sent again in halves. A person deletion: the search for their context
// instances, then the deletion of the one found, the rounds after it not sent; a person with
// more instances deleted round by round (a search, then two deletions), more than five rounds hold
// left pending for the next try.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, neverQueuedFate, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_launchdarkly0visitor1';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const BULK = '/bulk';
const EU_BULK = '/eu/bulk';
const ENVIRONMENT = '/api/api/v2/projects/default/environments/production';
const SEARCH = `${ENVIRONMENT}/context-instances/search`;
const sdkKey = (tag: string) => `sdk-e2e-${tag.toLowerCase().replace(/\W+/g, '-')}`;
/** The SDK keys the simulated LaunchDarkly refuses (401) and answers 413 for when a payload holds several events. */
const REFUSED_KEY = sdkKey('refused');
const TOO_LARGE_KEY = sdkKey('too large');
const CONFIG = { event_keys: { 'Order Completed': 'purchase' } };

type LdEvent = Record<string, unknown> & { kind: string; key?: string; contextKeys?: Record<string, string>; data?: Record<string, unknown> };
const eventsOf = (request: RecordedRequest): LdEvent[] => (Array.isArray(request.json) ? request.json as LdEvent[] : []);
/** Requests carrying a custom event whose data has `marker` as its order_id (each test tags its own). */
const carrying = (marker: string, path = BULK) => sim.requests({ path }).filter((r) => eventsOf(r).some((e) => e.data?.order_id === marker));

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://events.launchdarkly.com=${sim.url},https://events.eu.launchdarkly.com=${sim.url}/eu,https://app.launchdarkly.com=${sim.url}/api`,
  }, { label: 'launchdarkly', vendors: ['launchdarkly'] });
  // The events service's answer, 202 — except for the keys the tests make it refuse.
  const answer = (request: RecordedRequest) => {
    if (request.headers.authorization === REFUSED_KEY) return { status: 401, body: '' };
    if (request.headers.authorization === TOO_LARGE_KEY && eventsOf(request).length > 1) return { status: 413, body: 'Request Entity Too Large' };
    return { status: 202, body: '' };
  };
  sim.setDefault('POST', BULK, answer);
  sim.setDefault('POST', EU_BULK, answer);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'launchdarkly', name, { config: { sdk_key: sdkKey(name), ...CONFIG, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
const order = (messageId: string, orderId: string, userId = 'user-1') => ({ type: 'track', event: 'Order Completed', userId, messageId, properties: { order_id: orderId, revenue: 42.5, currency: 'EUR', email: 'wren@example.com' } });

describe('LaunchDarkly', () => {
  test('Order Completed: POST /bulk with the SDK key, schema 4 and a payload id; a custom event with its key, context keys, metricValue and data; an identify event; a page not named is not queued', async () => {
    const key = sdkKey('main');
    const { site, integrationId } = await installed('LaunchDarkly shop', { sdk_key: key, anonymous_context_kind: 'device' });
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'ld-identify-1', traits: { plan: 'pro', email: 'wren@example.com' } });
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'ld-page-1' });
    await browser(site.key, order('ld-order-1', 'LD-ORD-1'));
    const [request] = await waitUntil(async () => { const found = carrying('LD-ORD-1'); return found.length > 0 ? found : undefined; }, 'the custom event');
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, key);
    assert.equal(request!.headers['x-launchdarkly-event-schema'], '4');
    assert.match(request!.headers['x-launchdarkly-payload-id']!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(request!.headers['content-type']!, /^application\/json/);
    const custom = eventsOf(request!).find((e) => e.kind === 'custom');
    assert.deepEqual(custom, {
      kind: 'custom', creationDate: Date.parse(CALL_TIMESTAMP), key: 'purchase', contextKeys: { user: 'user-1', device: VISITOR },
      data: { order_id: 'LD-ORD-1', revenue: 42.5, currency: 'EUR' }, metricValue: 42.5,
    });
    const identify = await waitUntil(async () => sim.requests({ path: BULK }).flatMap(eventsOf).find((e) => e.kind === 'identify' && (e.context as { user?: { key?: string } }).user?.key === 'user-1'), 'the identify event');
    assert.deepEqual(identify, { kind: 'identify', creationDate: Date.parse(CALL_TIMESTAMP), context: { kind: 'multi', user: { key: 'user-1', plan: 'pro' }, device: { key: VISITOR, anonymous: true } } });
    assert.doesNotMatch(JSON.stringify(sim.requests({ path: BULK }).map((r) => r.json)), /wren@example\.com/, 'no contact information');
    await waitUntil(async () => {
      const stats = await integrationStats(signal, integrationId, ['delivered', 'dropped']);
      return stats.delivered === 2 && stats.dropped === 1 || undefined;
    }, 'the order and the identify delivered, the page counted as dropped');
    // The page config.event_keys does not name never reached a delivery: no request carries it,
    // no delivery-log entry names it, and eventTrace says why.
    const sent = sim.requests({ path: BULK }).filter((r) => r.headers.authorization === key).flatMap(eventsOf);
    assert.deepEqual(sent.map((e) => e.key ?? e.kind).sort(), ['identify', 'purchase'], 'the order and the identify only: no request carries the page');
    const fate = await neverQueuedFate(signal, site.id, integrationId, 'ld-page-1');
    assert.equal(fate.logged, 0, 'no delivery-log entry names the page');
    assert.equal(fate.status, 'dropped');
    assert.match(fate.reason, /^not queued: the integration never sends it \(page calls go to LaunchDarkly only when config\.event_keys names them/);
  });

  test('the EU instance: events.eu.launchdarkly.com; the anonymousId as the context key without a userId', async () => {
    const { site } = await installed('LaunchDarkly EU shop', { instance: 'eu' });
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'ld-eu-1', properties: { order_id: 'LD-EU-1', total: 10 } });
    const [request] = await waitUntil(async () => { const found = carrying('LD-EU-1', EU_BULK); return found.length > 0 ? found : undefined; }, 'the EU custom event');
    const [custom] = eventsOf(request!);
    assert.deepEqual(custom!.contextKeys, { user: VISITOR });
    assert.equal(custom!.metricValue, 10);
    assert.equal(carrying('LD-EU-1').length, 0, 'nothing to the commercial host');
  });

  test('a 429 with Retry-After, a 503 and a timeout are retried with the same payload id, then delivered once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('LaunchDarkly retried');
    sim.script('POST', BULK, [{ status: 429, headers: { 'Retry-After': '30' }, body: '' }, { status: 503, body: 'Service Unavailable' }, { hang: true }]);
    await browser(site.key, order('ld-retry-1', 'LD-RETRY-1', 'user-r'));
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = carrying('LD-RETRY-1');
    assert.equal(tries.length, 4, 'the 429, the 503, the timeout, then the 202');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 250, 'the 429 paused for Retry-After (30 s, 300 ms scaled)');
    assert.equal(new Set(tries.map((t) => t.headers['x-launchdarkly-payload-id'])).size, 1, 'one payload id: LaunchDarkly keeps one of a payload sent again');
    for (const t of tries.slice(1)) assert.deepEqual(t.json, tries[0]!.json, 'the same events every time (the stored event\'s keys may come back in another order)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 3, `retried: ${stats.retried}`);
  });

  test('a 401 dead-letters the event at the first try, naming config.sdk_key', async () => {
    const { site, integrationId } = await installed('LaunchDarkly refused key', { sdk_key: REFUSED_KEY });
    await browser(site.key, order('ld-401', 'LD-401'));
    const letter = await waitForDeadLetter(signal, integrationId, 'ld-401');
    assert.equal(letter.attempts, 1, 'not retried: an invalid SDK key stays invalid');
    assert.match(letter.reason, /^LaunchDarkly refused the SDK key \(HTTP 401\): check config\.sdk_key/);
    assert.equal(carrying('LD-401').length, 1);
  });

  test('a 413 of several events is sent again in halves, each delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('LaunchDarkly too large', { sdk_key: TOO_LARGE_KEY });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${VISITOR}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [
          { ...order('ld-big-1', 'LD-BIG-1', 'user-a'), timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } },
          { ...order('ld-big-2', 'LD-BIG-2', 'user-b'), timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered', 20_000);
    const alone = (marker: string) => carrying(marker).filter((r) => eventsOf(r).length === 1);
    assert.equal(alone('LD-BIG-1').length, 1);
    assert.equal(alone('LD-BIG-2').length, 1);
    const together = sim.requests({ path: BULK }).filter((r) => r.headers.authorization === TOO_LARGE_KEY && eventsOf(r).length === 2);
    if (together.length > 0) assert.notEqual(alone('LD-BIG-1')[0]!.headers['x-launchdarkly-payload-id'], together[0]!.headers['x-launchdarkly-payload-id'], 'a half is another payload');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a person deletion: their context instances searched by kind and key with the access token, then the one found deleted', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('LaunchDarkly deletions', { api_access_token: 'api-token-e2e', project_key: 'default', environment_key: 'production' });
    sim.script('POST', SEARCH, [{ status: 200, body: { items: [{ id: 'dXNlcjp1LWZvcmdldC0x', context: { kind: 'user', key: 'u-forget-1' } }], totalCount: 1 } }]);
    sim.setDefault('DELETE', `${ENVIRONMENT}/context-instances/dXNlcjp1LWZvcmdldC0x`, { status: 204 });
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status', 'responseStatus', 'message']), [{
      integrationId, vendor: 'launchdarkly', status: 'sent', responseStatus: 204,
      message: 'request 1 of 5: LaunchDarkly deleted 1 context instance of theirs (HTTP 204); requests 2–5 of 5: not needed',
    }]);
    assert.equal(sim.requests({ path: SEARCH }).length, 1, 'one search: the rounds after it are not sent');
    const [search] = sim.requests({ path: SEARCH });
    assert.equal(search!.headers.authorization, 'api-token-e2e');
    assert.equal(search!.headers['ld-api-version'], '20240415');
    assert.deepEqual(search!.json, { filter: `kindKeys anyOf ["user:u-forget-1","user:${VISITOR}"]`, limit: 2 });
    const deleted = sim.requests({ method: 'DELETE' });
    assert.equal(deleted.length, 1);
    assert.equal(deleted[0]!.path, `${ENVIRONMENT}/context-instances/dXNlcjp1LWZvcmdldC0x`);
    assert.equal(deleted[0]!.headers.authorization, 'api-token-e2e');

    // A person LaunchDarkly holds nothing of: the search finds none, and that is the end.
    sim.script('POST', SEARCH, [{ status: 200, body: { items: [], totalCount: 0 } }]);
    const [nothing] = await deletePerson(signal, site.id, { userId: 'u-forget-2' }, ['status', 'message']);
    assert.deepEqual(nothing, { status: 'sent', message: 'request 1 of 5: LaunchDarkly holds no context instance of theirs in the environment; requests 2–5 of 5: not needed' });
    assert.equal(sim.requests({ method: 'DELETE' }).length, 1, 'nothing more deleted');
    assert.equal(sim.requests({ path: SEARCH }).length, 2, 'one search for them');
  });

  test('a person deletion with many context instances: rounds of a search and two deletions in one try, the round finding fewer than two the last; past five rounds, pending for the next try', { timeout: 30_000 }, async () => {
    const { site } = await installed('LaunchDarkly many instances', { api_access_token: 'api-token-rounds', project_key: 'default', environment_key: 'production' });
    sim.setDefault('DELETE', '*', { status: 204 });
    const found = (...ids: string[]) => ({ status: 200, body: { items: ids.map((id) => ({ id })), totalCount: ids.length } });
    const searchesBefore = sim.requests({ path: SEARCH }).length;
    const deletedBefore = sim.requests({ method: 'DELETE' }).length;
    sim.script('POST', SEARCH, [found('r1a', 'r1b'), found('r2a', 'r2b'), found('r3a')]);
    const [five] = await deletePerson(signal, site.id, { userId: 'u-rounds-1' }, ['status', 'attempts', 'message']);
    assert.deepEqual(five, {
      status: 'sent', attempts: 1,
      message: 'request 1 of 5: LaunchDarkly deleted 2 context instances of theirs (HTTP 204); more may be left: searched again; '
        + 'request 2 of 5: LaunchDarkly deleted 2 context instances of theirs (HTTP 204); more may be left: searched again; '
        + 'request 3 of 5: LaunchDarkly deleted 1 context instance of theirs (HTTP 204); requests 4–5 of 5: not needed',
    });
    assert.equal(sim.requests({ path: SEARCH }).length - searchesBefore, 3, 'three rounds, one try');
    assert.deepEqual(sim.requests({ method: 'DELETE' }).slice(deletedBefore).map((r) => r.path.split('/').pop()), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a']);
    for (const r of sim.requests({ method: 'DELETE' }).slice(deletedBefore)) assert.equal(r.headers.authorization, 'api-token-rounds');

    // Eleven: five rounds of two in the first try, which ends pending (tried again after the
    // core's wait, 30 s unscaled, going on from round 5): not waited for here.
    const searchesBefore2 = sim.requests({ path: SEARCH }).length;
    const deletedBefore2 = sim.requests({ method: 'DELETE' }).length;
    sim.script('POST', SEARCH, [...[1, 2, 3, 4, 5].map((round) => found(`m${round}a`, `m${round}b`)), found('m6a')]);
    const started = await signal.graphql<{ deletePerson: { id: string } }>(
      'mutation($p: ID!, $u: String) { deletePerson(pipelineId: $p, userId: $u) { id } }', { p: site.id, u: 'u-rounds-2' });
    const pending = await waitUntil(async () => {
      const { body } = await signal.graphql<{ personDeletion: { vendors: Array<{ status: string; attempts: number; message: string | null }> } }>(
        'query($id: ID!) { personDeletion(id: $id) { vendors { status attempts message } } }', { id: started.body.data!.deletePerson.id });
      const [vendor] = body.data!.personDeletion.vendors;
      return vendor !== undefined && vendor.attempts === 1 ? vendor : undefined;
    }, 'the first try to end');
    assert.equal(pending.status, 'pending');
    assert.match(pending.message!, /^request 5 of 5: LaunchDarkly deleted 2 context instances of theirs \(HTTP 204\); more may be left after 5 rounds \(10 instances\): searching again on the next try$/);
    assert.equal(sim.requests({ path: SEARCH }).length - searchesBefore2, 5, 'five rounds in one try');
    assert.deepEqual(sim.requests({ method: 'DELETE' }).slice(deletedBefore2).map((r) => r.path.split('/').pop()), [1, 2, 3, 4, 5].flatMap((round) => [`m${round}a`, `m${round}b`]));
  });
});
