// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for api.awin.com, which must receive exactly the call Awin's
// Conversion API documents (POST /s2s/advertiser/{advertiser_id}/orders, x-api-key, a JSON
// `orders` batch); the landing URL's awc kept in Signal's first-party cookie and the last paid
// click's network in another, deciding the channel (an Awin publisher's search ad is Awin's, a
// Facebook link no paid click); orders without an awc sent by their voucher
// code or not at all; answers handled (a 503, a 429 and a timeout retried, a 401 dead-lettered
// with the key masked in the delivery log, a batch's refused order split off and dead-lettered
// alone); the default rate limit pacing requests 10 seconds apart, the orders between batched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { adminCall, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

const KEY = '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const ORDERS = '/s2s/advertiser/1001/orders';
const PACED_ORDERS = '/s2s/advertiser/2002/orders';
/** An awc with a tag per test, in the form Awin's click checksums take. */
const awc = (tag: string) => `1001_1796122800_${tag}3c0a8eb6c2b73b1c`;
const VISITOR_IP = '203.0.113.42';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

interface SentOrder extends Record<string, unknown> { orderReference: string }
const ordersOf = (request: RecordedRequest) => ((request.json as { orders?: SentOrder[] } | undefined)?.orders ?? []);
const carrying = (reference: string, path = ORDERS) => sim.requests({ method: 'POST', path }).filter((request) => ordersOf(request).some((o) => o.orderReference === reference));
const orderSent = (reference: string) => waitUntil(async () => {
  const request = carrying(reference)[0];
  return request && { request, order: ordersOf(request).find((o) => o.orderReference === reference)! };
}, `${reference} sent to Awin`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

/** Installs Awin on a new pipeline; `rps` overrides the plugin's default rate limit. */
async function install(name: string, advertiserId: number, rps?: number) {
  const pipeline = await signal.pipeline(name);
  const result = await adminCall<{ assignment: { id: string } }>(signal, 'POST', '/v1/admin/integration-catalog/awin/install', {
    name, variant: 'default', delivery_mode: 'server_side', pipeline_id: pipeline.id, consent_categories: ['advertising'],
    config: { advertiser_id: advertiserId, api_key: KEY, category_commission_groups: { Footwear: 'SHOES' } },
    ...(rps === undefined ? {} : { rate_limit_rps: rps }),
  });
  return { site: pipeline, integrationId: result.assignment.id };
}
/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (key: string, call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An Order Completed, referenced `orderId`. */
const order = (messageId: string, orderId: string, properties: Record<string, unknown> = {}) => ({
  type: 'track', event: 'Order Completed', messageId, userId: 'user-123',
  properties: {
    order_id: orderId, subtotal: 74.97, total: 89.96, tax: 10, shipping: 4.99, currency: 'gbp', coupon: 'SPRING10',
    products: [{ product_id: 'SKU-100', sku: 'RS-42-BLU', name: 'Running Shoes', category: 'Footwear', price: 59.99, quantity: 1 }, { product_id: 'SKU-205', name: 'Sport Socks', category: 'Accessories', price: 10, quantity: 2 }],
    ...properties,
  },
});
/** A landing page call with `query` in its URL, the browser sending `cookie`. */
const landing = (key: string, messageId: string, query: string, cookie: string) => fetch(`${signal.collectUrl}/v1/page`, {
  method: 'POST',
  headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie },
  body: JSON.stringify({ writeKey: key, type: 'page', messageId, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?${query}` } } }),
});
const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));

before(async () => {
  sim = await startVendorSim();
  // Awin accepts a batch; a batch holding an order referenced "refused" is refused naming it.
  sim.setDefault('POST', ORDERS, (request) => {
    const refused = ordersOf(request).find((o) => o.orderReference.includes('refused'));
    if (refused) return { status: 400, body: { message: 'Validation failed', errors: [{ field: `order ${refused.orderReference}: amount`, message: 'must be greater than 0' }] } };
    return { status: 200, body: {} };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.awin.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'awin', vendors: ['awin'] });
  ({ site, integrationId } = await install('Awin shop', 1001, 50));
});
after(() => closeAll(signal, sim));

describe('Awin Conversion API', () => {
  test('the landing URL\'s awc is kept in _dfawc, Awin as the last paid click in _dfawchannel; the order later is the batch Awin documents', async () => {
    const click = awc('landing01');
    const res = await landing(site.key, 'aw-landing', `awc=${click}&utm_source=awin`, '_dfdid=df_awin0visitor');
    assert.equal(res.status, 200);
    const kept = setCookie(res, '_dfawc');
    assert.ok(kept, 'the awc kept in Signal\'s first-party cookie');
    assert.match(kept, new RegExp(`^_dfawc=${click};`));
    assert.match(kept, /Max-Age=31536000/, '365 days');
    assert.match(setCookie(res, '_dfawchannel') ?? '', /^_dfawchannel=aw;.*Max-Age=31536000/);

    await browser(site.key, order('aw-order-1', 'AW-ORD-1'), 'df_awin0visitor', `_dfawc=${click}; _dfawchannel=aw`);
    const { request } = await orderSent('AW-ORD-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, ORDERS);
    assert.equal(request.headers['x-api-key'], KEY);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.authorization, undefined, 'the key in x-api-key only, not as a Bearer token');
    assert.deepEqual(request.json, {
      orders: [{
        orderReference: 'AW-ORD-1', amount: 74.97, channel: 'aw', currency: 'GBP', voucher: 'SPRING10', isTest: false, awc: click,
        commissionGroups: [{ code: 'SHOES', amount: 56.23 }, { code: 'DEFAULT', amount: 18.74 }],
        basket: [
          { id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, sku: 'RS-42-BLU', category: 'Footwear', commissionGroupCode: 'SHOES' },
          { id: 'SKU-205', name: 'Sport Socks', price: 10, quantity: 2, category: 'Accessories', commissionGroupCode: 'DEFAULT' },
        ],
      }],
    });
    assert.equal(carrying('aw-landing').length, 0, 'a landing page is no order');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('another network\'s ad click after the Awin click makes it the last paid click: the order goes with channel other', async () => {
    const res = await landing(site.key, 'aw-gclid', 'gclid=EAIaIQobChMIsample', `_dfdid=df_awin1visitor; _dfawc=${awc('earlier01')}; _dfawchannel=aw`);
    assert.match(setCookie(res, '_dfawchannel') ?? '', /^_dfawchannel=other;/);
    assert.equal(setCookie(res, '_dfawc'), undefined, 'the awc is kept as it was');
    await browser(site.key, order('aw-order-2', 'AW-ORD-2'), 'df_awin1visitor', `_dfawc=${awc('earlier01')}; _dfawchannel=other`);
    const { order: sent } = await orderSent('AW-ORD-2');
    assert.equal(sent.channel, 'other');
    assert.equal(sent.awc, awc('earlier01'));
  });

  test('an Awin publisher\'s search ad (awaid beside a gclid) keeps Awin the last paid click; a Facebook link (fbclid) changes nothing', async () => {
    const ppc = await landing(site.key, 'aw-awaid', 'awaid=1001&gclid=EAIaIQobChMIppc', '_dfdid=df_awin7visitor; _dfawchannel=other');
    assert.match(setCookie(ppc, '_dfawchannel') ?? '', /^_dfawchannel=aw;/);
    const social = await landing(site.key, 'aw-fbclid', 'fbclid=IwAR0sample', `_dfdid=df_awin7visitor; _dfawc=${awc('social001')}; _dfawchannel=aw`);
    assert.equal(setCookie(social, '_dfawchannel'), undefined, 'an organic Facebook visit is no paid click');
    await browser(site.key, order('aw-order-7', 'AW-ORD-7'), 'df_awin7visitor', `_dfawc=${awc('social001')}; _dfawchannel=aw`);
    const { order: sent } = await orderSent('AW-ORD-7');
    assert.equal(sent.channel, 'aw');
  });

  test('without an awc: an order with a voucher code goes by it, one without is not sent (skipped, not dead-lettered)', async () => {
    await browser(site.key, order('aw-voucher', 'AW-VOUCHER'), 'df_awin2visitor');
    const { order: sent } = await orderSent('AW-VOUCHER');
    assert.equal(sent.awc, undefined);
    assert.equal(sent.voucher, 'SPRING10');
    assert.equal(sent.channel, 'aw', 'Awin\'s fallback when Signal saw no paid click');
    const before = sim.count({ method: 'POST', path: ORDERS });
    await browser(site.key, order('aw-none', 'AW-NONE', { coupon: null }), 'df_awin2visitor');
    await browser(site.key, { type: 'track', event: 'Product Viewed', messageId: 'aw-viewed', properties: { product_id: 'SKU-1' } }, 'df_awin2visitor', `_dfawc=${awc('viewed001')}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ method: 'POST', path: ORDERS }), before, 'neither the order without an awc or voucher, nor an event that is no order');
    assert.equal(await notDeadLettered('aw-none'), true);
  });

  test('events other than orders and leads are not queued: counted dropped, no delivery-log entry, eventTrace says why', async () => {
    const before = (await integrationStats(signal, integrationId, ['dropped'])).dropped;
    const others = Array.from({ length: 30 }, (_, i) => (i % 2 === 0
      ? { type: 'page', messageId: `aw-browse-${i}`, name: 'Shoes', properties: { path: '/shoes' } }
      : { type: 'track', event: 'Product Viewed', messageId: `aw-browse-${i}`, properties: { product_id: `SKU-${i}` } }));
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_awin7visitor; _dfawc=${awc('browse001')}` },
      body: JSON.stringify({ writeKey: site.key, batch: [...others, order('aw-browse-order', 'AW-BROWSE')].map((call) => ({ ...call, timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const { request } = await orderSent('AW-BROWSE');
    assert.deepEqual(ordersOf(request).map((o) => o.orderReference), ['AW-BROWSE']);
    await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= before + 30) || undefined, 'the 30 counted as dropped');
    assert.equal((await integrationStats(signal, integrationId, ['dropped'])).dropped, before + 30);
    const { body: log } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; outcome: string }> }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 500) { eventIds outcome } }', { id: integrationId });
    const logged = log.data!.deliveryLog.flatMap((entry) => entry.eventIds).filter((id) => id.startsWith('aw-browse-') && id !== 'aw-browse-order');
    assert.deepEqual(logged, [], 'no exchange or dropped entry names them: they never reached a delivery');
    const { body: trace } = await signal.graphql<{ eventTrace: { integrations: Array<{ integrationId: string; status: string; reason: string }> } }>(
      'query($p: ID!, $m: String!) { eventTrace(pipelineId: $p, messageId: $m) { integrations { integrationId status reason } } }', { p: site.id, m: 'aw-browse-3' });
    const mine = trace.data!.eventTrace.integrations.find((i) => i.integrationId === integrationId)!;
    assert.equal(mine.status, 'dropped');
    assert.match(mine.reason, /^not queued: the integration never sends it \(not an order or lead event/);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the order is delivered once', { timeout: 30_000 }, async () => {
    sim.script('POST', ORDERS, [
      { status: 503, body: 'Service Unavailable' },
      { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '1' } },
      { hang: true },
    ]);
    await browser(site.key, order('aw-retry', 'AW-RETRY'), 'df_awin3visitor', `_dfawc=${awc('retry0001')}`);
    await waitUntil(async () => carrying('AW-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(carrying('AW-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('aw-retry'), true);
  });

  test('a 401 dead-letters the order at the first try naming the API key, which the delivery log masks', async () => {
    sim.script('POST', ORDERS, [{ status: 401, body: { message: 'Unauthorized' } }]);
    await browser(site.key, order('aw-401', 'AW-401'), 'df_awin4visitor', `_dfawc=${awc('unauth001')}`);
    const dead = await waitForDeadLetter(signal, integrationId, 'aw-401');
    assert.equal(dead.attempts, 1);
    assert.match(dead.reason, /^Awin refused the API key \(HTTP 401: Unauthorized\): check config\.api_key/);
    const log = await signal.delivery.recentExchanges(integrationId, 50);
    const exchange = log.find((e) => e.eventIds.includes('aw-401'));
    assert.ok(exchange);
    assert.equal((exchange.request as { headers: Record<string, string> }).headers['x-api-key'], '[REDACTED]');
    assert.equal(JSON.stringify(log).includes(KEY), false, 'the key is nowhere in the delivery log');
  });

  test('a batch with a refused order: split until it is alone, dead-lettered with Awin\'s words; the others delivered', async () => {
    const delivered = (await integrationStats(signal, integrationId)).delivered;
    const click = awc('batch0001');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_awin5visitor; _dfawc=${click}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: ['AW-BATCH-1', 'AW-refused-2', 'AW-BATCH-3', 'AW-BATCH-4'].map((reference, i) => ({ ...order(`aw-batch-${i + 1}`, reference), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } })),
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, integrationId, 'aw-batch-2');
    assert.equal(dead.reason, 'Awin refused the order (HTTP 400: Validation failed — order AW-refused-2: amount: must be greater than 0): check the mapped orderReference, amount, currency, voucher and basket (the blueprint), and config.commission_group and config.custom_parameters');
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= delivered + 3) || undefined, 'the other three delivered');
    assert.ok(carrying('AW-BATCH-1').some((request) => ordersOf(request).length > 1), 'sent together first');
    assert.equal(carrying('AW-refused-2').at(-1) && ordersOf(carrying('AW-refused-2').at(-1)!).length, 1, 'the refused order alone in the end');
  });

  test('the default rate limit: one request every 10 seconds, the orders that came meanwhile sent together', { timeout: 45_000 }, async () => {
    sim.setDefault('POST', PACED_ORDERS, { status: 200, body: {} });
    const paced = await install('Awin paced', 2002);
    const click = awc('paced0001');
    await browser(paced.site.key, order('aw-paced-1', 'AW-PACED-1'), 'df_awin6visitor', `_dfawc=${click}`);
    await waitUntil(async () => carrying('AW-PACED-1', PACED_ORDERS)[0], 'the first order sent at once');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_awin6visitor; _dfawc=${click}` },
      body: JSON.stringify({ writeKey: paced.site.key, batch: ['AW-PACED-2', 'AW-PACED-3'].map((reference, i) => ({ ...order(`aw-paced-${i + 2}`, reference), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const second = await waitUntil(async () => carrying('AW-PACED-2', PACED_ORDERS)[0], 'the next orders sent', 30_000);
    const first = carrying('AW-PACED-1', PACED_ORDERS)[0]!;
    assert.deepEqual(ordersOf(second).map((o) => o.orderReference), ['AW-PACED-2', 'AW-PACED-3'], 'one request for the two orders');
    assert.ok(second.receivedAt - first.receivedAt >= 9_000, `10 s after the first request (${second.receivedAt - first.receivedAt} ms)`);
  });
});
