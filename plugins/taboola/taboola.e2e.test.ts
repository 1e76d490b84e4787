// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for trc.taboola.com, which must receive exactly the postback
// call (and, with an account id, the bulk request) Taboola documents; the landing URL's tblci
// kept in Signal's first-party cookie; Taboola's answers handled (a 503 and a 429 retried, a 400
// dead-lettered with Taboola's words); an event without a click id not sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const POSTBACK = '/actions-handler/log/3/s2s-action';
const ACCOUNT = '1234567';
const BULK = `/${ACCOUNT}/log/3/bulk-s2s-action`;
/** Taboola's sample click id, with a suffix per test so each test finds its own requests. */
const clickId = (tag: string) => `GiDxLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-${tag}`;
const VISITOR_IP = '203.0.113.42';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const sent = (id: string) => sim.requests({ path: POSTBACK }).filter((request) => request.query['click-id'] === id);
const requestOf = (id: string) => waitUntil(async () => sent(id)[0], `${id} sent to Taboola`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (key: string, call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order of two products, numbered by `orderId`. */
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', messageId,
  properties: { order_id: orderId, revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('GET', POSTBACK, { status: 204, body: '' });
  sim.setDefault('POST', BULK, { status: 204, body: '' });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://trc.taboola.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'taboola', vendors: ['taboola'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'taboola', 'Taboola shop', { config: { event_names: { 'Demo Requested': 'lead' } }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Taboola S2S conversions', () => {
  test('the landing URL\'s tblci is kept in _dftblci; the purchase days later is the documented postback call', async () => {
    const id = clickId('landing01');
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_taboola0visitor' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'tb-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=taboola&tblci=${id}` } } }),
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('_dftblci='));
    assert.ok(setCookie, 'the click id kept in Signal\'s first-party cookie');
    assert.match(setCookie, new RegExp(`^_dftblci=${id};`));
    assert.match(setCookie, /Max-Age=2592000/, '30 days');

    await browser(site.key, order('tb-order-1', 'TB-ORD-1'), 'df_taboola0visitor', `_dftblci=${id}`);
    const request = await requestOf(id);
    assert.equal(request.method, 'GET');
    assert.equal(request.path, POSTBACK);
    assert.deepEqual(request.queryPairs, [['click-id', id], ['name', 'make_purchase'], ['revenue', '74.97'], ['currency', 'EUR'], ['orderid', 'TB-ORD-1'], ['quantity', '3']]);
    assert.equal(request.headers.authorization, undefined, 'the endpoint takes no credential');
    assert.equal(request.body, '', 'no body');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    assert.equal(sim.requests({ path: POSTBACK }).some((r) => r.query.name === 'page_view'), false, 'the landing page is no conversion unless the config names it');
  });

  test('an event the config names is sent under its Taboola name; an event without a click id is not sent', async () => {
    const id = clickId('lead00001');
    await browser(site.key, { type: 'track', event: 'Demo Requested', messageId: 'tb-lead-1', properties: { value: 50, currency: 'USD' } }, 'df_taboola1visitor', `_dftblci=${id}`);
    const request = await requestOf(id);
    assert.deepEqual(request.queryPairs, [['click-id', id], ['name', 'lead'], ['revenue', '50'], ['currency', 'USD']]);
    const before = sim.count({ path: POSTBACK });
    await browser(site.key, order('tb-noclick', 'TB-NOCLICK'), 'df_taboola2visitor');
    await browser(site.key, { type: 'track', event: 'Feature Used', messageId: 'tb-unnamed' }, 'df_taboola1visitor', `_dftblci=${id}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ path: POSTBACK }), before, 'neither the order without a click id nor an event without a Taboola name is sent');
    assert.equal(await notDeadLettered('tb-noclick'), true, 'skipped, not dead-lettered');
  });

  test('a 503 and a 429 with Retry-After are retried, then the conversion is delivered once', { timeout: 30_000 }, async () => {
    const id = clickId('retry0001');
    sim.script('GET', POSTBACK, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }]);
    await browser(site.key, order('tb-retry', 'TB-RETRY'), 'df_taboola3visitor', `_dftblci=${id}`);
    await waitUntil(async () => sent(id).length >= 3 || undefined, 'the tries after the 503 and the 429', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent(id).length, 3, 'two failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('tb-retry'), true);
  });

  test('a 400 dead-letters the conversion at the first try with Taboola\'s words and what to check', async () => {
    const id = clickId('refused01');
    sim.script('GET', POSTBACK, [{ status: 400, body: 'click-id value is not parsable' }]);
    await browser(site.key, order('tb-400', 'TB-400'), 'df_taboola4visitor', `_dftblci=${id}`);
    const dead = await waitForDeadLetter(signal, integrationId, 'tb-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /^Taboola refused the conversion \(HTTP 400: click-id value is not parsable\): .*tblci.*config\.event_names/);
    assert.equal(sent(id).length, 1);
  });

  test('with config.account_id: the bulk endpoint, one POST of { actions } with each conversion\'s event time', async () => {
    const bulk = await installOnNewPipeline(signal, 'taboola', 'Taboola bulk shop', { config: { account_id: ACCOUNT }, consentCategories: ['advertising'] });
    const first = clickId('bulk00001');
    const second = clickId('bulk00002');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_taboola5visitor; _dftblci=${first}` },
      body: JSON.stringify({
        writeKey: bulk.site.key,
        batch: [
          { ...order('tb-bulk-1', 'TB-BULK-1'), timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } },
          { type: 'track', event: 'Product Added', messageId: 'tb-bulk-2', timestamp: CALL_TIMESTAMP, properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'GBP' }, context: { consent: { advertising: true }, page: { url: `https://shop.example.com/p/1?tblci=${second}` } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const requests = await waitUntil(async () => {
      const all = sim.requests({ path: BULK });
      const actions = all.flatMap((r) => (r.json as { actions: Array<Record<string, unknown>> }).actions);
      return actions.length >= 2 ? all : undefined;
    }, 'both conversions sent to the bulk endpoint');
    const request = requests[0] as RecordedRequest;
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const actions = requests.flatMap((r) => (r.json as { actions: Array<Record<string, unknown>> }).actions);
    const time = Date.parse(CALL_TIMESTAMP);
    assert.deepEqual(actions.find((a) => a.name === 'make_purchase'), { 'click-id': first, name: 'make_purchase', timestamp: time, revenue: 74.97, currency: 'EUR', orderid: 'TB-BULK-1', quantity: 3 });
    assert.deepEqual(actions.find((a) => a.name === 'add_to_cart'), { 'click-id': second, name: 'add_to_cart', timestamp: time, revenue: 24.99, currency: 'GBP', quantity: 2 }, 'the landing URL\'s click id, newer than the cookie\'s');
  });
});
