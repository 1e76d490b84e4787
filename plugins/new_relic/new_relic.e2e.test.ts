// New Relic end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for insights-collector.newrelic.com and
// insights-collector.eu01.nr-data.net (under /eu), and must receive the request New Relic's
// Event API page documents: `POST /v1/accounts/{accountId}/events`, the license key as Api-Key,
// Content-Type application/json, a gzipped (Content-Encoding: gzip) JSON array of events, each
// with its eventType and flat attributes. Person deletions are not forwarded (New Relic cannot
// delete custom events).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const ACCOUNT = '1234567';
const KEY = '0123456789abcdef0123456789abcdef0123NRAL';
const VISITOR = 'df_newrelic0visitor1';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const EVENTS = `/v1/accounts/${ACCOUNT}/events`;
const EU_EVENTS = `/eu${EVENTS}`;
const OK = { status: 200, body: { success: true, uuid: '5f0a5c3c-1a2b-4c3d-9e8f-0a1b2c3d4e5f' } };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    // A hung answer times out in 1 s rather than the default's 10.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://insights-collector.newrelic.com=${sim.url},https://insights-collector.eu01.nr-data.net=${sim.url}/eu`,
  }, { label: 'new_relic', vendors: ['new_relic'] });
  sim.setDefault('POST', EVENTS, OK);
  sim.setDefault('POST', EU_EVENTS, OK);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'new_relic', name, { config: { account_id: ACCOUNT, api_key: KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { anonymousId: VISITOR, timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

type NewRelicEvent = Record<string, unknown>;
function received(path = EVENTS): Array<{ request: RecordedRequest; event: NewRelicEvent }> {
  return sim.requests({ path }).flatMap((request) => (Array.isArray(request.json) ? request.json as NewRelicEvent[] : []).map((event) => ({ request, event })));
}
const withMessage = (messageId: string, path = EVENTS) => received(path).filter(({ event }) => event.messageId === messageId);

describe('New Relic', () => {
  test('a track event: POST /v1/accounts/{id}/events with Api-Key, gzipped JSON array, one flat custom event', async () => {
    const { site } = await installed('New Relic shop');
    await browser(site.key, {
      type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'nr-track-1',
      properties: { revenue: 42.5, plan: 'pro', items: 2, gift: true, email: 'wren@example.com', shipping: { method: 'dhl' } },
      context: { page: { url: 'https://shop.example.com/checkout?email=wren%40example.com', path: '/checkout' } },
    });
    const { request, event } = await waitUntil(async () => withMessage('nr-track-1')[0], 'the event');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['api-key'], KEY);
    assert.equal(request.headers['x-insert-key'], undefined);
    assert.equal(request.headers['content-encoding'], 'gzip', 'gzipped (the simulator undoes it before reading the JSON)');
    assert.ok(Array.isArray(request.json), 'a JSON array of events');
    assert.equal(event.eventType, 'SignalEvent');
    assert.equal(event.timestamp, Date.parse(CALL_TIMESTAMP));
    assert.equal(event.type, 'track');
    assert.equal(event.eventName, 'Order Completed');
    assert.equal(event.userId, 'user-1');
    assert.equal(event.anonymousId, VISITOR);
    assert.equal(event['properties.revenue'], 42.5);
    assert.equal(event['properties.items'], 2);
    assert.equal(event['properties.gift'], 'true');
    assert.equal(event['properties.shipping.method'], 'dhl');
    assert.equal(event['context.page.url'], 'https://shop.example.com/checkout');
    assert.equal(event['context.page.path'], '/checkout');
    for (const [name, value] of Object.entries(event)) {
      assert.match(name, /^[A-Za-z0-9_.:]{1,255}$/, name);
      assert.ok(typeof value === 'string' || typeof value === 'number', `${name}: a string or a number`);
      assert.doesNotMatch(String(value), /wren|203\.0\.113\.42/, `${name}: no contact information, no IP`);
    }
  });

  test('EU data center, an Insights insert key as X-Insert-Key, eventType per call type, plain JSON', async () => {
    const { site, integrationId } = await installed('New Relic EU', { region: 'eu', key_type: 'insert', api_key: 'NRII-0123456789abcdef', compression: 'none', event_types: { page: 'SignalPageView' } });
    await browser(site.key, { type: 'page', name: 'Pricing', messageId: 'nr-page-1', properties: { path: '/pricing' } });
    await browser(site.key, { type: 'identify', userId: 'user-2', messageId: 'nr-identify-1', traits: { plan: 'team', email: 'a@b.example' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
    const [page] = withMessage('nr-page-1', EU_EVENTS);
    const [identify] = withMessage('nr-identify-1', EU_EVENTS);
    assert.equal(page!.request.headers['x-insert-key'], 'NRII-0123456789abcdef');
    assert.equal(page!.request.headers['api-key'], undefined);
    assert.equal(page!.request.headers['content-encoding'], undefined);
    assert.equal(page!.event.eventType, 'SignalPageView');
    assert.equal(page!.event.eventName, 'Pricing');
    assert.equal(identify!.event.eventType, 'SignalEvent');
    assert.equal(identify!.event['traits.plan'], 'team');
    assert.equal(identify!.event['traits.email'], undefined);
    assert.equal(withMessage('nr-page-1').length, 0, 'nothing to the US host');
  });

  test('a 429 with Retry-After and a 503 are retried, then delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('New Relic retried');
    sim.script('POST', EVENTS, [{ status: 429, headers: { 'Retry-After': '30' }, body: 'Too Many Requests' }, { status: 503, body: 'Service temporarily unavailable' }]);
    await browser(site.key, { type: 'track', event: 'Retried Event', messageId: 'nr-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = withMessage('nr-retry-1');
    assert.equal(tries.length, 3, 'the 429, the 503, then the success');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused for Retry-After (30 s, 300 ms scaled)');
    // The same gzipped bytes each time: a retry sends the request again as it was.
    assert.deepEqual(tries[2]!.request.bytes, tries[0]!.request.bytes);
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a timeout is retried; a refused key (403) dead-letters at once naming config.api_key', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('New Relic bad key');
    sim.script('POST', EVENTS, [{ status: 200, body: OK.body, delayMs: 5_000 }, { status: 403, body: 'Missing or invalid key' }]);
    await browser(site.key, { type: 'track', event: 'Refused Event', messageId: 'nr-403' });
    const letter = await waitForDeadLetter(signal, integrationId, 'nr-403');
    assert.equal(letter.attempts, 2, 'the timeout retried once, the 403 not: resending cannot help');
    assert.match(letter.reason, /^New Relic refused the key \(HTTP 403: Missing or invalid key\): check config\.api_key/);
  });

  test('a 413 on a batch splits it until the large event is alone, dead-lettered; the others are delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('New Relic too large');
    sim.setDefault('POST', EVENTS, (request) => (Array.isArray(request.json) && (request.json as NewRelicEvent[]).some((e) => e.messageId === 'nr-big') ? { status: 413, body: 'Content too large' } : OK));
    try {
      await batchCall(site.key, ['nr-small-1', 'nr-big', 'nr-small-2'].map((messageId) => ({ event: 'Batch Event', messageId })));
      const letter = await waitForDeadLetter(signal, integrationId, 'nr-big');
      assert.match(letter.reason, /New Relic refused this event alone as too large \(HTTP 413: Content too large\)/);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the others delivered');
      const carrying = sim.requests({ path: EVENTS }).filter((r) => Array.isArray(r.json) && (r.json as NewRelicEvent[]).some((e) => e.messageId === 'nr-big')).map((r) => (r.json as NewRelicEvent[]).length);
      assert.equal(carrying[0], 3, 'the three events went in one request');
      assert.equal(carrying.at(-1), 1, 'then in halves until the large one was alone');
      // Each half is the events' own JSON gzipped anew (not a cut of the compressed bytes), and
      // the dead letter records the SHA-256 of exactly the bytes New Relic received.
      const alone = sim.requests({ path: EVENTS }).filter((r) => Array.isArray(r.json) && (r.json as NewRelicEvent[]).length === 1 && (r.json as NewRelicEvent[])[0]!.messageId === 'nr-big').at(-1)!;
      assert.equal(alone.headers['content-encoding'], 'gzip');
      const sent = gzipSync(alone.bytes);
      assert.deepEqual((letter.lastRequest as { body: unknown }).body, { $binary: true, bytes: sent.byteLength, sha256: createHash('sha256').update(sent).digest('hex') });
    } finally {
      sim.setDefault('POST', EVENTS, OK);
    }
  });

  test('a 400 is dead-lettered at once with New Relic\'s words', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('New Relic bad request');
    sim.script('POST', EVENTS, [{ status: 400, body: 'Missing or invalid content length: Unable to process empty request.' }]);
    await browser(site.key, { type: 'track', event: 'Refused Request', messageId: 'nr-400' });
    const letter = await waitForDeadLetter(signal, integrationId, 'nr-400');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^New Relic refused the request \(HTTP 400: Missing or invalid content length: Unable to process empty request\.\)/);
  });

  test('a person deletion is not forwarded: New Relic cannot delete custom events', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('New Relic deletions');
    const before = sim.requests().length;
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status']);
    assert.deepEqual(vendor, { integrationId, vendor: 'new_relic', status: 'skipped' });
    assert.equal(sim.requests().length, before, 'no request to New Relic');
  });
});
