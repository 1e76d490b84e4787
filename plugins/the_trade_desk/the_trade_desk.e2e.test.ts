// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for insight.adsrvr.org, which must receive exactly the
// request The Trade Desk's Real-Time Conversions API takes; and its failure answers handled
// (a 503 and a 429 sent again, a 400 dead-lettered with The Trade Desk's message).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/track/realtimeconversion';
const ADV = 'e2eadv1';
const TRACKER = 'e2etrk1';
const PIXEL = 'e2eupx1';
const VISITOR = 'df_ttd0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const TDID = 'b8f7eb7d-b357-437b-8bd3-e1c8166c7132';
const IMP = '2b9c1e4a-1f2d-4e3b-9a8c-7d6e5f4a3b2c';
const TC_STRING = 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA';

/** One conversion of a request's `data`. */
type Conversion = Record<string, unknown>;
interface TradeDeskBody {
  data: Conversion[];
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
let pixelSite: { id: string; key: string };
let pixelIntegrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as TradeDeskBody;
/** Every conversion the simulator received, with its request. */
const conversions = (): Array<{ request: RecordedRequest; conversion: Conversion }> =>
  sim.requests({ path: PATH }).flatMap((request) => (bodyOf(request).data ?? []).map((conversion) => ({ request, conversion })));
/** The conversions carrying `orderId` (each test's events have their own). */
const sent = (orderId: string) => conversions().filter(({ conversion }) => conversion.order_id === orderId);
const conversionOf = (orderId: string) => waitUntil(async () => sent(orderId)[0], `${orderId} sent to The Trade Desk`);
const notDeadLettered = async (messageId: string, id = integrationId) => (await signal.delivery.list(id, { messageId }, 5)).total === 0;
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, with the TDID cookie, the page and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = `ttd_TDID=${TDID}`, key = site.key) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });
/** An order of `total` in USD with one product, numbered by `orderId`. */
const order = (messageId: string, orderId: string, total = 12) => ({
  type: 'track', event: 'Order Completed', messageId, properties: { order_id: orderId, revenue: total, currency: 'USD', products: [{ product_id: 'SKU-1', price: total, quantity: 1 }] },
});

before(async () => {
  sim = await startVendorSim();
  // As The Trade Desk answers an accepted conversion (RudderStack's recorded exchanges).
  sim.setDefault('POST', PATH, { status: 200, body: { Message: null, EventResponses: [] } });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://insight.adsrvr.org=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'the_trade_desk', vendors: ['the_trade_desk'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'the_trade_desk', 'TTD shop', { config: { advertiser_id: ADV, tag_id: TRACKER }, consentCategories: ['advertising'] }));
  ({ site: pixelSite, integrationId: pixelIntegrationId } = await installOnNewPipeline(signal, 'the_trade_desk', 'TTD pixel', { config: { advertiser_id: ADV, tag_type: 'universal_pixel', tag_id: PIXEL }, variant: 'retail', consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('The Trade Desk Real-Time Conversions', () => {
  test('a purchase from the browser: the documented request, one event, the TDID, value, qty and price as text, items, the TCF string; no contact data', async () => {
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'ttd-order-1',
      properties: { order_id: 'TTD-ORD-1', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', category: 'Shoes', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, traits: { email: 'jane.doe@example.com', phone: '+1 616 954 7888' }, consent: { advertising: true, iab: { gdprApplies: true, tcString: TC_STRING } } },
    });
    const { request } = await conversionOf('TTD-ORD-1');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.authorization, undefined, 'the endpoint takes no credential');
    assert.deepEqual(request.json, {
      data: [{
        adv: ADV, tracker_id: TRACKER, event_name: 'purchase', value: '74.97', currency: 'USD', order_id: 'TTD-ORD-1',
        items: [{ item_code: 'SKU-100', name: 'Trail Shoe', qty: '3', price: '24.99', cat: 'Shoes' }],
        referrer_url: 'https://shop.example.com/checkout/thanks', client_ip: VISITOR_IP, adid: TDID, adid_type: 'TDID',
        privacy_settings: [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }],
      }],
    });
    for (const raw of ['jane', '9547888', 'user-123', VISITOR]) assert.equal(request.body.includes(raw), false, `${raw} never leaves Signal`);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('a click-through\'s landing page: sitevisit with the impression id, Signal\'s _dfttdimp cookie set for 30 days, a later purchase carries it', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: `_dfdid=${VISITOR}; ttd_TDID=${TDID}` },
      body: JSON.stringify({ writeKey: site.key, type: 'page', name: 'Landing', messageId: 'ttd-page-1', timestamp: now(), context: { consent: { advertising: true }, page: { url: `https://shop.example.com/landing?utm_source=ttd&ttd_imp=${IMP}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_dfttdimp='));
    assert.ok(cookie, 'collect keeps the impression id in Signal\'s own cookie');
    assert.match(cookie, new RegExp(`^_dfttdimp=${IMP};.*Max-Age=2592000`, 'i'));
    assert.doesNotMatch(cookie, /HttpOnly/i, 'readable by the site\'s own tags');
    const page = await waitUntil(async () => conversions().find(({ conversion }) => String(conversion.referrer_url).includes('/landing?')), 'the sitevisit');
    assert.deepEqual(page.conversion, { adv: ADV, tracker_id: TRACKER, event_name: 'sitevisit', referrer_url: `https://shop.example.com/landing?utm_source=ttd&ttd_imp=${IMP}`, client_ip: VISITOR_IP, imp: IMP, adid: TDID, adid_type: 'TDID' });
    // The purchase, later, from another page: only the cookie carries the impression.
    await browser(order('ttd-later-1', 'TTD-LATER-1'), `ttd_TDID=${TDID}; _dfttdimp=${IMP}`);
    assert.equal((await conversionOf('TTD-LATER-1')).conversion.imp, IMP);
  });

  test('a RudderStack SDK\'s integrations object: its privacy_settings and LDU region sent, the event still routed here', async () => {
    await browser({ ...order('ttd-rudder-1', 'TTD-RUDDER-1'), integrations: { All: false, THE_TRADE_DESK: { privacy_settings: [{ privacy_type: 'GDPR', is_applicable: 1, consent_string: TC_STRING }], region: 'US-CA' } } });
    const { conversion } = await conversionOf('TTD-RUDDER-1');
    assert.deepEqual(conversion.privacy_settings, [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }]);
    assert.deepEqual(conversion.data_processing_option, { policies: ['LDU'], region: 'US-CA' });
  });

  test('a 503 then success: the event is sent again and delivered once', async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }]);
    await browser(order('ttd-503', 'TTD-503'));
    await waitUntil(async () => sent('TTD-503').length >= 2 || undefined, 'the try after the 503');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('TTD-503').length, 2, 'one failed try and one delivered, no more');
    assert.equal(await notDeadLettered('ttd-503'), true);
  });

  test('a 429 with Retry-After then success: sent again and delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }]);
    await browser(order('ttd-429', 'TTD-429'));
    // (SIGNAL_RETRY_TIME_SCALE shortens the wait here; the unit tests read Retry-After.)
    await waitUntil(async () => sent('TTD-429').length >= 2 || undefined, 'the try after the rate limit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sent('TTD-429').length, 2);
    assert.equal(await notDeadLettered('ttd-429'), true);
  });

  test('a 400 dead-letters the event at the first try with The Trade Desk\'s message', async () => {
    sim.script('POST', PATH, [{ status: 400, body: { Message: 'The request is invalid.', ErrorDetails: [{ Property: 'data[0].tracker_id', Reasons: ['Tracking tag e2etrk1 does not belong to advertiser e2eadv1'] }] } }]);
    await browser(order('ttd-400', 'TTD-400'));
    const dead = await waitForDeadLetter(signal, integrationId, 'ttd-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'The Trade Desk refused the event (HTTP 400): The request is invalid.; Tracking tag e2etrk1 does not belong to advertiser e2eadv1');
    assert.equal(sent('TTD-400').length, 1);
  });

  test('a Universal Pixel (URL mapping): the page URL counts, with upixel_id; an event without a page URL is dead-lettered unsent, saying why', async () => {
    await browser(order('ttd-px-1', 'TTD-PX-1', 30), `ttd_TDID=${TDID}`, pixelSite.key);
    const { conversion } = await conversionOf('TTD-PX-1');
    assert.deepEqual(conversion, {
      adv: ADV, upixel_id: PIXEL, event_name: 'purchase', value: '30', currency: 'USD', order_id: 'TTD-PX-1', items: [{ item_code: 'SKU-1', qty: '1', price: '30' }],
      referrer_url: 'https://shop.example.com/', client_ip: VISITOR_IP, adid: TDID, adid_type: 'TDID',
    });
    // A server's call without a page: the pixel's URL rules have nothing to read.
    const res = await fetch(`${signal.collectUrl}/v1/track`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pixelSite.key}:`).toString('base64')}` },
      body: JSON.stringify({ ...order('ttd-px-nopage', 'TTD-PX-NOPAGE'), anonymousId: VISITOR, context: { consent: { advertising: true } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, pixelIntegrationId, 'ttd-px-nopage');
    assert.match(dead.reason, /The Trade Desk needs the page URL \(referrer_url, an http\(s\) URL\) with a Universal Pixel/);
    assert.equal(sent('TTD-PX-NOPAGE').length, 0, 'nothing sent');
  });
});
