// Optimizely end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for logx.optimizely.com, eu.logx.optimizely.com (under
// /eu) and api.optimizely.com (under /api), and must receive the requests Optimizely documents:
// `POST /v1/events` with { account_id, project_id, visitors: [{ visitor_id, attributes,
// snapshots: [{ decisions, events: [{ entity_id, key, timestamp, uuid, revenue, … }] }] }],
// anonymize_ip, client_name, client_version, enrich_decisions }, answered 204; and `POST
// /v2/subject-access-requests` for a person deletion.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { eventUuid } from './conversion.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_optimizely0visitor1';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const EVENTS = '/v1/events';
const EU_EVENTS = '/eu/v1/events';
const SAR = '/api/v2/subject-access-requests';
const CONFIG = { account_id: '12345678', project_id: '23456789', event_ids: { purchase: '20286250031', signup: '20286250032' }, event_keys: { 'Order Completed': 'purchase', 'Signed Up': 'signup' } };
/** The uuid of the event the simulated Optimizely refuses wherever it is sent. */
const REFUSED_UUID = eventUuid('op-refused');

type Conversion = Record<string, unknown>;
type VisitorEntry = { visitor_id: string; attributes: unknown[]; snapshots: Array<{ decisions: unknown[]; events: Conversion[] }> };
const visitorsOf = (request: RecordedRequest): VisitorEntry[] => ((request.json ?? {}) as { visitors?: VisitorEntry[] }).visitors ?? [];
const uuidsOf = (request: RecordedRequest): string[] => visitorsOf(request).flatMap((v) => v.snapshots.flatMap((s) => s.events.map((e) => String(e.uuid))));
const carrying = (messageId: string, path = EVENTS) => sim.requests({ path }).filter((r) => uuidsOf(r).includes(eventUuid(messageId)));

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://logx.optimizely.com=${sim.url},https://eu.logx.optimizely.com=${sim.url}/eu,https://api.optimizely.com=${sim.url}/api`,
  }, { label: 'optimizely', vendors: ['optimizely'] });
  // Optimizely's documented answer, 204 — except for a request carrying the refused event: a 413
  // when others are with it, a 400 when it is alone.
  const answer = (request: RecordedRequest) => {
    const uuids = uuidsOf(request);
    if (!uuids.includes(REFUSED_UUID)) return { status: 204 };
    return uuids.length > 1 ? { status: 413, body: 'Request Entity Too Large' } : { status: 400, body: { message: 'Invalid event payload' } };
  };
  sim.setDefault('POST', EVENTS, answer);
  sim.setDefault('POST', EU_EVENTS, answer);
});
after(() => closeAll(signal, sim));

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: USER_AGENT };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'optimizely', name, { config: { ...CONFIG, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

describe('Optimizely Feature Experimentation', () => {
  test('Order Completed: POST /v1/events, the body Optimizely documents, revenue in cents; an event without an entity id and an identify are skipped', async () => {
    const { site, integrationId } = await installed('Optimizely shop');
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'op-identify-1', traits: { plan: 'pro' } });
    await browser(site.key, { type: 'track', event: 'Product Viewed', userId: 'user-1', messageId: 'op-unmapped-1', properties: { sku: 'S-1' } });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'op-order-1', properties: { order_id: 'o-1', revenue: 42.5, currency: 'EUR', email: 'wren@example.com' } });
    const [request] = await waitUntil(async () => { const found = carrying('op-order-1'); return found.length > 0 ? found : undefined; }, 'the conversion');
    assert.equal(request!.method, 'POST');
    assert.match(request!.headers['content-type']!, /^application\/json/);
    assert.equal(request!.headers.authorization, undefined, 'the Event API takes no credential');
    assert.deepEqual(request!.json, {
      account_id: '12345678', project_id: '23456789',
      visitors: [{
        visitor_id: 'user-1', attributes: [{ entity_id: '$opt_user_agent', key: '$opt_user_agent', type: 'custom', value: USER_AGENT }],
        snapshots: [{ decisions: [], events: [{
          entity_id: '20286250031', key: 'purchase', timestamp: Date.parse(CALL_TIMESTAMP), uuid: eventUuid('op-order-1'), revenue: 4250,
          tags: { order_id: 'o-1', currency: 'EUR' },
        }] }],
      }],
      anonymize_ip: true, client_name: 'signal', client_version: '1.0.0', enrich_decisions: true,
    });
    await waitUntil(async () => {
      const stats = await integrationStats(signal, integrationId, ['delivered', 'dropped']);
      return stats.delivered === 1 && stats.dropped === 2 || undefined;
    }, 'one delivered, the unmapped event and the identify skipped');
    assert.equal(carrying('op-unmapped-1').length, 0);
  });

  test('the EU region: eu.logx.optimizely.com; the anonymousId as visitor_id without a userId', async () => {
    const { site } = await installed('Optimizely EU shop', { region: 'eu' });
    await browser(site.key, { type: 'track', event: 'Signed Up', messageId: 'op-eu-1' });
    const [request] = await waitUntil(async () => { const found = carrying('op-eu-1', EU_EVENTS); return found.length > 0 ? found : undefined; }, 'the EU conversion');
    const [entry] = visitorsOf(request!);
    assert.equal(entry!.visitor_id, VISITOR);
    assert.deepEqual(entry!.snapshots[0]!.events[0]!.key, 'signup');
    assert.equal(carrying('op-eu-1').length, 0, 'nothing to the US host');
  });

  test('a 429 with Retry-After, a 503 and a timeout are retried, then delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Optimizely retried');
    sim.script('POST', EVENTS, [{ status: 429, headers: { 'Retry-After': '30' }, body: 'Too Many Requests' }, { status: 503, body: 'Service Unavailable' }, { hang: true }]);
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-r', messageId: 'op-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = carrying('op-retry-1');
    assert.equal(tries.length, 4, 'the 429, the 503, the timeout, then the 204');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 250, 'the 429 paused for Retry-After (30 s, 300 ms scaled)');
    assert.deepEqual(new Set(tries.map((t) => JSON.stringify(t.json))).size, 1, 'the same request every time: same uuid and timestamp, so Optimizely keeps one');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 3, `retried: ${stats.retried}`);
  });

  test('a 413 of several visitors is split; a 400 dead-letters the refused event at once with Optimizely\'s words; the other is delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Optimizely refused');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${VISITOR}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [
          { type: 'track', event: 'Signed Up', userId: 'user-a', messageId: 'op-fine', timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } },
          { type: 'track', event: 'Order Completed', userId: 'user-b', messageId: 'op-refused', timestamp: CALL_TIMESTAMP, properties: { revenue: 5 }, context: { consent: { analytics: true } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'op-refused');
    assert.match(letter.reason, /^Optimizely refused the request \(HTTP 400: Invalid event payload\): resending it cannot help/);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the other event delivered');
    const fine = carrying('op-fine');
    assert.ok(fine.length >= 1);
    assert.deepEqual(uuidsOf(fine.at(-1)!), [eventUuid('op-fine')], 'delivered in a request of its own');
    const together = sim.requests({ path: EVENTS }).filter((r) => uuidsOf(r).length === 2 && uuidsOf(r).includes(REFUSED_UUID));
    if (together.length > 0) assert.ok(fine.length >= 2, 'sent together, a 413, then sent again in halves');
    assert.equal(carrying('op-refused').filter((r) => uuidsOf(r).length === 1).length, 1, 'the 400 not retried');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
  });

  test('a person deletion: one subject access request per id, fullstack_id, with the personal access token', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Optimizely deletions', { forward_deletions: true, api_token: '2:token-abc' });
    sim.setDefault('POST', SAR, { status: 200, body: { id: 42, status: 'pending', request_type: 'delete' } });
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status', 'responseStatus']), [{
      integrationId, vendor: 'optimizely', status: 'sent', responseStatus: 200,
    }]);
    const asked = sim.requests({ path: SAR });
    assert.equal(asked.length, 2);
    assert.equal(asked[0]!.headers.authorization, 'Bearer 2:token-abc');
    assert.deepEqual(asked.map((r) => r.json), [
      { data_type: 'visitor', identifier: 'u-forget-1', identifier_type: 'fullstack_id', request_type: 'delete' },
      { data_type: 'visitor', identifier: VISITOR, identifier_type: 'fullstack_id', request_type: 'delete' },
    ]);
  });
});
