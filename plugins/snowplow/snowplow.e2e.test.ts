// End to end: browser and server calls through the real collect API, the queue and the delivery
// engine to the vendor simulator standing in for the customer's Snowplow Collector, which must
// receive exactly the tracker protocol request — POST /com.snowplowanalytics.snowplow/tp2, a
// payload_data body whose events are all text, eid the messageId, dtm the event's time and stm
// the sending time — and its answers handled: a 503 retried, a 404 and a 403 dead-lettered
// saying which config field to check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/com.snowplowanalytics.snowplow/tp2';
const COLLECTOR = 'https://collector.example.com';
const SCHEMA = 'iglu:com.acme/order_completed/jsonschema/1-0-0';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const PAGE = { url: 'https://shop.example.com/shoes?utm_source=newsletter', path: '/shoes', title: 'Shoes', referrer: 'https://www.google.com/' };

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type TrackerEvent = Record<string, string>;
interface Body { schema: string; data: TrackerEvent[] }
const bodyOf = (request: RecordedRequest) => request.json as Body;
/** Every event the collector received under `eid`, with its request. */
const received = (eid: string) => sim.requests({ method: 'POST', path: PATH }).flatMap((request) => bodyOf(request).data.filter((event) => event.eid === eid).map((event) => ({ event, request })));
const eventOf = (eid: string) => waitUntil(async () => received(eid)[0], `${eid} received by the collector`);
const decoded = (base64url: string | undefined): unknown => JSON.parse(Buffer.from(String(base64url), 'base64url').toString('utf8'));

const visitor: Visitor = { id: 'df_snowplow00visitor', ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, on the shoes page, with analytics consent. */
const browser = (call: Record<string, unknown>) => sendBrowserCall(signal, site.key, call, visitor, { context: { consent: { analytics: true }, page: PAGE, locale: 'en-GB' } });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 200, body: 'ok' });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `${COLLECTOR}=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'snowplow', vendors: ['snowplow'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'snowplow', 'Snowplow shop', {
    config: { collector_url: COLLECTOR, app_id: 'shop-web', event_schemas: { 'Order Completed': SCHEMA }, headers: { 'x-api-key': 'gateway-key-1' } },
    consentCategories: ['analytics'],
  }));
});
after(() => closeAll(signal, sim));

describe('Snowplow tracker protocol', () => {
  test('a page view and an order from the browser: POST /com.snowplowanalytics.snowplow/tp2, payload_data with a pv and a ue event, the visitor\'s ids, IP and User-Agent, dtm and stm', async () => {
    const started = Date.now();
    const happened = new Date(started - 60_000).toISOString();
    const pageId = '0b7e6a52-8f1e-4c1a-9d57-3c1f0e2a7b01';
    const orderId = '0b7e6a52-8f1e-4c1a-9d57-3c1f0e2a7b02';
    await browser({ type: 'page', name: 'Shoes', messageId: pageId, timestamp: happened, properties: { category: 'catalog' } });
    const page = await eventOf(pageId);
    assert.equal(page.request.method, 'POST');
    assert.equal(page.request.path, PATH);
    assert.equal(page.request.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(page.request.headers['x-api-key'], 'gateway-key-1', 'the custom header for the gateway');
    assert.equal(page.request.headers['user-agent'], 'Signal-Snowplow/1.0.0');
    assert.equal(bodyOf(page.request).schema, 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4');
    const { stm, ...pageEvent } = page.event;
    assert.deepEqual(pageEvent, {
      e: 'pv', eid: pageId, tv: 'signal-1.0.0', p: 'web', aid: 'shop-web', tna: 'signal',
      duid: visitor.id, tnuid: visitor.id, ip: VISITOR_IP, ua: VISITOR_UA, lang: 'en-GB', dtm: String(Date.parse(happened)),
      url: PAGE.url, page: 'Shoes', refr: PAGE.referrer,
    });
    assert.ok(Number(stm) >= started && Number(stm) <= Date.now(), 'stm: when the request was sent');

    const order = { order_id: 'ORD-1', total: 74.97, currency: 'EUR' };
    await browser({ type: 'track', event: 'Order Completed', userId: 'user-1', messageId: orderId, properties: order });
    const { event } = await eventOf(orderId);
    assert.equal(event.e, 'ue');
    assert.equal(event.uid, 'user-1');
    assert.deepEqual(decoded(event.ue_px), { schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0', data: { schema: SCHEMA, data: order } });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'counted delivered'));
  });

  test('a server\'s track event without a schema: a structured event (se) with p=srv and an eid derived from its messageId; an identify call is not sent', async () => {
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-2', messageId: 'sp-identify-1', traits: { plan: 'pro' } }, visitor, { context: { consent: { analytics: true } } });
    await sendServerBatch(signal, site.key, [{ event: 'Video Played', messageId: 'sp-server-1', properties: { category: 'media', label: 'intro.mp4', value: 3 } }], { anonymousId: 'server-visitor-1', context: { consent: { analytics: true } } });
    const found = await waitUntil(async () => sim.requests({ path: PATH }).flatMap((r) => bodyOf(r).data).find((e) => e.se_ac === 'Video Played'), 'the structured event');
    assert.match(found.eid!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID v5 from the messageId');
    assert.equal(found.e, 'se');
    assert.equal(found.p, 'srv');
    assert.equal(found.se_ca, 'media');
    assert.equal(found.se_la, 'intro.mp4');
    assert.equal(found.se_va, '3');
    assert.equal(found.duid, 'server-visitor-1');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 1) || undefined, 'the identify call counted as dropped'));
    const all = sim.requests({ path: PATH }).map((r) => r.body).join('\n');
    assert.equal(all.includes('user-2'), false, 'the identify call was not sent');
  });

  test('a 503 is retried, then delivered once; a 404 dead-letters naming the POST path; a 403 naming the custom headers', { timeout: 60_000 }, async () => {
    const retryId = '0b7e6a52-8f1e-4c1a-9d57-3c1f0e2a7b03';
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: retryId });
    await waitUntil(async () => received(retryId).length >= 2 || undefined, 'the try after the 503', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(received(retryId).length, 2, 'one failed try and one delivered, no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: retryId }, 5)).total, 0, 'not dead-lettered');

    sim.script('POST', PATH, [{ status: 404, body: 'The requested resource could not be found.' }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'sp-404' });
    const missing = await waitForDeadLetter(signal, integrationId, 'sp-404');
    assert.equal(missing.attempts, 1, 'not retried: resending cannot help');
    assert.match(missing.reason, /^no Snowplow Collector POST path answered at https:\/\/collector\.example\.com\/com\.snowplowanalytics\.snowplow\/tp2 \(HTTP 404: The requested resource could not be found\.\): check config\.collector_url and config\.post_path/);

    sim.script('POST', PATH, [{ status: 403, body: { message: 'Forbidden' } }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'sp-403' });
    const refused = await waitForDeadLetter(signal, integrationId, 'sp-403');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /refused the request \(HTTP 403: Forbidden\): collectors take no credential, so check config\.headers/);
  });
});
