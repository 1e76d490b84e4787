// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for tr.outbrain.com, which must receive exactly the S2S call
// Outbrain's conversion tracking takes (GET /unifiedPixel with ob_click_id, name, orderId,
// orderValue, currency); the landing URL's OutbrainClickId or ob_click_id kept in Signal's first-party cookie;
// answers handled (a 503, a 429 and a timeout retried, a 400 dead-lettered with Outbrain's words,
// each conversion of a batch its own outcome); an event without a click id not sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PIXEL = '/unifiedPixel';
/** A click id with a tag per test so each test finds its own requests. */
const clickId = (tag: string) => `00f1e2d3c4b5a6978812345678abcdef-${tag}`;
const VISITOR_IP = '203.0.113.42';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const sent = (id: string) => sim.requests({ path: PIXEL }).filter((request: RecordedRequest) => request.query.ob_click_id === id);
const requestOf = (id: string) => waitUntil(async () => sent(id)[0], `${id} sent to Outbrain`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (key: string, call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order, numbered by `orderId`. */
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', messageId,
  properties: { order_id: orderId, revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
});

before(async () => {
  sim = await startVendorSim();
  // A click id tagged "refused" is one Outbrain refuses: per-conversion outcomes in a batch.
  sim.setDefault('GET', PIXEL, (request) => (String(request.query.ob_click_id).includes('refused') ? { status: 400, body: 'invalid ob_click_id' } : { status: 200, body: '' }));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://tr.outbrain.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'outbrain', vendors: ['outbrain'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'outbrain', 'Outbrain shop', { config: { event_names: { 'Demo Requested': 'Lead' } }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Outbrain S2S conversions', () => {
  test('the landing URL\'s ob_click_id is kept in _dfobclid; the purchase later is the S2S call Outbrain takes', async () => {
    const id = clickId('landing01');
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_outbrain0visitor' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'ob-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=outbrain&ob_click_id=${id}` } } }),
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('_dfobclid='));
    assert.ok(setCookie, 'the click id kept in Signal\'s first-party cookie');
    assert.match(setCookie, new RegExp(`^_dfobclid=${id};`));
    assert.match(setCookie, /Max-Age=2592000/, '30 days');

    await browser(site.key, order('ob-order-1', 'OB-ORD-1'), 'df_outbrain0visitor', `_dfobclid=${id}`);
    const request = await requestOf(id);
    assert.equal(request.method, 'GET');
    assert.equal(request.path, PIXEL);
    assert.deepEqual(request.queryPairs, [['ob_click_id', id], ['name', 'Purchase'], ['orderId', 'OB-ORD-1'], ['orderValue', '74.97'], ['currency', 'EUR']]);
    assert.equal(request.headers.authorization, undefined, 'the endpoint takes no credential');
    assert.equal(request.body, '', 'no body');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    assert.equal(sim.requests({ path: PIXEL }).some((r) => r.query.ob_click_id === id && r.query.name !== 'Purchase'), false, 'the landing page is no conversion unless the config names it');
  });

  test('the landing URL\'s OutbrainClickId (the name Outbrain\'s S2S guide gives the parameter) is kept in _dfobclickid and sent as ob_click_id', async () => {
    const id = clickId('outbrain1');
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_outbrain6visitor' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'ob-landing-2', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=outbrain&OutbrainClickId=${id}` } } }),
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('_dfobclickid='));
    assert.ok(setCookie, 'the click id kept in Signal\'s first-party cookie');
    assert.match(setCookie, new RegExp(`^_dfobclickid=${id};`));
    assert.match(setCookie, /Max-Age=2592000/, '30 days');

    await browser(site.key, order('ob-order-2', 'OB-ORD-2'), 'df_outbrain6visitor', `_dfobclickid=${id}`);
    assert.deepEqual((await requestOf(id)).queryPairs, [['ob_click_id', id], ['name', 'Purchase'], ['orderId', 'OB-ORD-2'], ['orderValue', '74.97'], ['currency', 'EUR']]);
  });

  test('a landing URL whose click id is a placeholder or an unexpanded macro keeps no cookie (the earlier click id stays)', async () => {
    for (const junk of ['undefined', 'ob_click_id', '%7B%7Bob_click_id%7D%7D']) {
      const res = await fetch(`${signal.collectUrl}/v1/page`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_outbrain7visitor; _dfobclid=${clickId('earlier01')}` },
        body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: `ob-junk-${junk.length}`, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?ob_click_id=${junk}&OutbrainClickId=${junk}` } } }),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.headers.getSetCookie().filter((cookie) => cookie.startsWith('_dfob')), [], junk);
    }
  });

  test('an event the config names is sent under its Outbrain name; an event without a click id is not sent', async () => {
    const id = clickId('lead00001');
    await browser(site.key, { type: 'track', event: 'Demo Requested', messageId: 'ob-lead-1', properties: { value: 50, currency: 'USD' } }, 'df_outbrain1visitor', `_dfobclid=${id}`);
    const request = await requestOf(id);
    assert.deepEqual(request.queryPairs, [['ob_click_id', id], ['name', 'Lead'], ['orderValue', '50'], ['currency', 'USD']]);
    const before = sim.count({ path: PIXEL });
    await browser(site.key, order('ob-noclick', 'OB-NOCLICK'), 'df_outbrain2visitor');
    await browser(site.key, { type: 'track', event: 'Feature Used', messageId: 'ob-unnamed' }, 'df_outbrain1visitor', `_dfobclid=${id}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ path: PIXEL }), before, 'neither the order without a click id nor an event without an Outbrain name is sent');
    assert.equal(await notDeadLettered('ob-noclick'), true, 'skipped, not dead-lettered');
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the conversion is delivered once', { timeout: 30_000 }, async () => {
    const id = clickId('retry0001');
    sim.script('GET', PIXEL, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser(site.key, order('ob-retry', 'OB-RETRY'), 'df_outbrain3visitor', `_dfobclid=${id}`);
    await waitUntil(async () => sent(id).length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent(id).length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('ob-retry'), true);
  });

  test('a 400 dead-letters the conversion at the first try with Outbrain\'s words and what to check', async () => {
    const id = clickId('refused01');
    await browser(site.key, order('ob-400', 'OB-400'), 'df_outbrain4visitor', `_dfobclid=${id}`);
    const dead = await waitForDeadLetter(signal, integrationId, 'ob-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /^Outbrain refused the conversion \(HTTP 400: invalid ob_click_id\): .*ob_click_id.*config\.event_names/);
    assert.equal(sent(id).length, 1);
  });

  test('a batch: each conversion its own GET and its own outcome (one refused, the others delivered)', async () => {
    const good = clickId('batch0001');
    const refused = clickId('refused02');
    const landing = clickId('batch0003');
    const delivered = (await integrationStats(signal, integrationId)).delivered;
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_outbrain5visitor; _dfobclid=${good}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [
          { ...order('ob-batch-1', 'OB-BATCH-1'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } },
          { ...order('ob-batch-2', 'OB-BATCH-2'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?ob_click_id=${refused}` } } },
          { type: 'track', event: 'Product Added', messageId: 'ob-batch-3', timestamp: CALL_TIMESTAMP, properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'GBP' }, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/p/1?ob_click_id=${landing}` } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, integrationId, 'ob-batch-2');
    assert.match(dead.reason, /^Outbrain refused the conversion \(HTTP 400: invalid ob_click_id\)/);
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= delivered + 2) || undefined, 'the other two delivered');
    assert.deepEqual((await requestOf(good)).queryPairs, [['ob_click_id', good], ['name', 'Purchase'], ['orderId', 'OB-BATCH-1'], ['orderValue', '74.97'], ['currency', 'EUR']]);
    assert.deepEqual((await requestOf(landing)).queryPairs, [['ob_click_id', landing], ['name', 'Add to cart'], ['orderValue', '24.99'], ['currency', 'GBP']], 'the landing URL\'s click id, newer than the cookie\'s');
    assert.equal(sent(refused).length, 1, 'refused once, not retried');
    assert.equal(await notDeadLettered('ob-batch-1'), true);
    assert.equal(await notDeadLettered('ob-batch-3'), true);
  });
});
