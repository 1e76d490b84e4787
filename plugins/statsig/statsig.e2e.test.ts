// Statsig end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for events.statsigapi.net and api.statsig.com (under
// /api), and must receive the requests Statsig's API reference documents: `POST /v1/log_event`
// with the STATSIG-API-KEY header and `{ events: [...] }`, and `POST /v1/delete_user_data`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'secret-0123456789abcdefABCDEF';
const VISITOR = 'df_statsig0visitor1';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const LOG = '/v1/log_event';
const DELETE = '/api/v1/delete_user_data';
const OK = { status: 202, body: { success: true } };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: `https://events.statsigapi.net=${sim.url},https://api.statsig.com=${sim.url}/api`,
  }, { label: 'statsig', vendors: ['statsig'] });
  sim.setDefault('POST', LOG, OK);
  sim.setDefault('POST', `/api${LOG}`, OK);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'statsig', name, { config: { server_secret: KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

type StatsigEvent = Record<string, unknown>;
function received(path = LOG) {
  return sim.requests({ path }).flatMap((request) => {
    const events = ((request.json ?? {}) as { events?: StatsigEvent[] }).events;
    return (Array.isArray(events) ? events : []).map((event) => ({ request, event }));
  });
}
const named = (eventName: string, path = LOG) => received(path).filter(({ event }) => event.eventName === eventName);

describe('Statsig', () => {
  test('a track event: POST /v1/log_event with STATSIG-API-KEY and STATSIG-CLIENT-TIME, the event as Statsig documents it', async () => {
    const { site } = await installed('Statsig shop');
    await browser(site.key, { type: 'track', event: 'Checkout Started', userId: 'user-1', messageId: 'st-track-1', properties: { revenue: 42.5, plan: 'pro', items: 2 } });
    const { request, event } = await waitUntil(async () => named('Checkout Started')[0], 'the event');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers['statsig-api-key'], KEY);
    assert.match(request.headers['statsig-client-time']!, /^\d{13}$/);
    const user = event.user as Record<string, unknown>;
    assert.equal(user.userID, 'user-1');
    assert.deepEqual(user.customIDs, { stableID: VISITOR });
    assert.equal(user.ip, '203.0.113.42');
    assert.deepEqual({ ...event, user: undefined }, {
      eventName: 'Checkout Started', user: undefined, value: 42.5, metadata: { revenue: '42.5', plan: 'pro', items: '2' }, time: Date.parse(CALL_TIMESTAMP),
    });
  });

  test('a page view on the api.statsig.com host: page_view; an identify is not sent', async () => {
    const { site, integrationId } = await installed('Statsig api host', { host: 'api' });
    await browser(site.key, { type: 'identify', userId: 'user-2', messageId: 'st-identify-1', traits: { plan: 'team' } });
    await browser(site.key, { type: 'page', name: 'Pricing', messageId: 'st-page-1', properties: { path: '/pricing', url: 'https://shop.example/pricing' } });
    const { event } = await waitUntil(async () => named('page_view', `/api${LOG}`).find(({ event: e }) => (e.metadata as Record<string, string>).page_name === 'Pricing'), 'the page view');
    assert.equal((event.metadata as Record<string, string>).path, '/pricing');
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped === 1 || undefined, 'the identify dropped');
  });

  test('a 429 with Retry-After, a 503 and a 202 saying success false are retried, then delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Statsig retried');
    sim.script('POST', LOG, [{ status: 429, headers: { 'Retry-After': '30' }, body: 'Too Many Requests' }, reply.serverError('Service Unavailable'), { status: 202, body: { success: false } }]);
    await browser(site.key, { type: 'track', event: 'Retried Event', messageId: 'st-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = named('Retried Event');
    assert.equal(tries.length, 4, 'the 429, the 503, the success false, then the success');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused for Retry-After (30 s, 300 ms scaled)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 3, `retried: ${stats.retried}`);
  });

  test('a refused key (401) dead-letters at once naming config.server_secret', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Statsig bad key');
    sim.script('POST', LOG, [{ status: 401, body: 'Unauthorized' }]);
    await browser(site.key, { type: 'track', event: 'Refused Event', messageId: 'st-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'st-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Statsig refused the key \(HTTP 401: Unauthorized\): check config\.server_secret/);
  });

  test('a person deletion: POST /v1/delete_user_data at api.statsig.com, unit type user_id', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Statsig deletions', { forward_deletions: true });
    sim.setDefault('POST', DELETE, { status: 200, body: { request_id: 'req-1' } });
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status', 'responseStatus']), [{
      integrationId, vendor: 'statsig', status: 'sent', responseStatus: 200,
    }]);
    const [asked] = sim.requests({ path: DELETE });
    assert.equal(asked!.headers['statsig-api-key'], KEY);
    assert.deepEqual(asked!.json, { unit_type: 'user_id', ids: 'u-forget-1' });
  });
});
