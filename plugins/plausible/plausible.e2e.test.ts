// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for plausible.io, which must receive exactly the request
// Plausible's Events API takes — one event a request, the visitor's User-Agent and IP as headers
// — and its answers handled: a 503 retried, a 400 dead-lettered with Plausible's errors, a 202
// with x-plausible-dropped dead-lettered saying Plausible did not record the event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/api/event';
const DOMAIN = 'shop.example.com';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const PAGE = { url: 'https://shop.example.com/shoes?utm_source=newsletter', path: '/shoes', referrer: 'https://www.google.com/' };

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type PlausibleBody = Record<string, unknown> & { props?: Record<string, string> };
const bodyOf = (request: RecordedRequest) => request.json as PlausibleBody;
/** The requests whose props carry `marker` (each test's events have their own). */
const sent = (marker: string) => sim.requests({ path: PATH }).filter((request) => bodyOf(request).props?.marker === marker);
const requestOf = (marker: string) => waitUntil(async () => sent(marker)[0], `${marker} sent to Plausible`);

const visitor: Visitor = { id: 'df_plausible0visitor', ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, on the shoes page, with analytics consent. */
const browser = (call: Record<string, unknown>) => sendBrowserCall(signal, site.key, call, visitor, { context: { consent: { analytics: true }, page: PAGE } });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 202, body: 'ok' });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://plausible.io=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'plausible', vendors: ['plausible'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'plausible', 'Plausible shop', { config: { domain: DOMAIN, default_currency: 'EUR' }, consentCategories: ['analytics'] }));
});
after(() => closeAll(signal, sim));

describe('Plausible Events API', () => {
  test('a page view and an order from the browser: one POST /api/event each, the visitor\'s User-Agent and X-Forwarded-For, pageview and custom event bodies with props and revenue', async () => {
    await browser({ type: 'page', name: 'Shoes', messageId: 'pl-page-1', properties: { marker: 'page-1', category: 'catalog' } });
    const page = await requestOf('page-1');
    assert.equal(page.method, 'POST');
    assert.equal(page.path, PATH);
    assert.match(page.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(page.headers['user-agent'], VISITOR_UA, 'the visitor\'s User-Agent, not Signal\'s');
    assert.equal(page.headers['x-forwarded-for'], VISITOR_IP, 'the visitor\'s IP');
    assert.equal(page.headers.authorization, undefined, 'the Events API takes no credential');
    assert.deepEqual(page.json, { name: 'pageview', url: PAGE.url, domain: DOMAIN, referrer: PAGE.referrer, props: { marker: 'page-1', category: 'catalog' } });

    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'pl-order-1',
      properties: { marker: 'order-1', order_id: 'ORD-1', revenue: 74.97, currency: 'eur', coupon: 'SPRING', email: 'jane@example.com', products: [{ product_id: 'SKU-1' }] },
    });
    const order = await requestOf('order-1');
    assert.equal(order.headers['x-forwarded-for'], VISITOR_IP);
    assert.deepEqual(order.json, {
      name: 'Order Completed', url: PAGE.url, domain: DOMAIN, referrer: PAGE.referrer,
      props: { marker: 'order-1', order_id: 'ORD-1', revenue: '74.97', currency: 'eur', coupon: 'SPRING' },
      revenue: { currency: 'EUR', amount: 74.97 },
    });
    assert.equal(order.body.includes('jane@example.com'), false, 'no contact information in props');
    assert.equal(order.body.includes('user-1'), false, 'Plausible has no users: the userId is not sent');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'counted delivered'));
  });

  test('an identify call is not sent (Plausible has no users): dropped by the mapping, saying why', async () => {
    const before = sim.count({ path: PATH });
    await browser({ type: 'identify', userId: 'user-2', messageId: 'pl-identify-1', traits: { plan: 'pro' } });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 1) || undefined, 'counted as dropped'));
    const trace = await waitUntil(async () => {
      const { body } = await signal.graphql<{ eventTrace: { integrations: Array<{ vendor: string; status: string; exchanges: Array<{ warnings: Record<string, string[]> | null }> }> } }>(
        'query($p: ID!, $m: String!) { eventTrace(pipelineId: $p, messageId: $m) { integrations { vendor status exchanges { warnings } } } }', { p: site.id, m: 'pl-identify-1' });
      const [integration] = body.data!.eventTrace.integrations;
      return integration?.exchanges.length ? integration : undefined;
    }, 'the drop in the delivery log');
    assert.equal(trace.vendor, 'plausible');
    assert.equal(trace.status, 'dropped');
    // The delivery log's entry says why, by event: the mapping's drop, then the plugin's reason.
    const why = Object.values(trace.exchanges[0]!.warnings ?? {}).flat().join(' | ');
    assert.match(why, /dropped: the plausible plugin's mapping sent nothing for this event/);
    assert.match(why, /identify calls are not sent: Plausible has no users or profiles/);
    assert.equal(sim.count({ path: PATH }), before, 'nothing sent');
  });

  test('a 503 is retried, then the event is delivered once; a 400 dead-letters at the first try with Plausible\'s errors', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'pl-retry', properties: { marker: 'retry' } });
    await waitUntil(async () => sent('retry').length >= 2 || undefined, 'the try after the 503', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sent('retry').length, 2, 'one failed try and one delivered, no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'pl-retry' }, 5)).total, 0, 'not dead-lettered');

    sim.script('POST', PATH, [{ status: 400, body: { errors: { url: ['must be a valid url'] } } }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'pl-400', properties: { marker: 'bad' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'pl-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Plausible refused the event (HTTP 400): url: must be a valid url');
  });

  test('a 202 with x-plausible-dropped (bot filtering, an unknown domain…) is dead-lettered at once, saying Plausible did not record the event', async () => {
    sim.script('POST', PATH, [{ status: 202, body: 'ok', headers: { 'x-plausible-dropped': '1' } }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'pl-dropped', properties: { marker: 'dropped' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'pl-dropped');
    assert.equal(dead.attempts, 1);
    assert.match(dead.reason, /^Plausible accepted the request \(HTTP 202\) but did not record the event \(x-plausible-dropped: 1\): it drops events from bots/);
    assert.match(dead.reason, /config\.domain is "shop\.example\.com"/);
    assert.equal(sent('dropped').length, 1, 'sent once, not retried');
  });
});
