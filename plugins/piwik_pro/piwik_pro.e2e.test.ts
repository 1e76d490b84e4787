// Piwik PRO end to end: browser and server calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for https://acme.piwik.pro (through
// SIGNAL_VENDOR_REDIRECTS) and must receive the bulk tracking requests the Tracking HTTP API
// documents (POST /ppms.php, {"requests": [...]}) and answer as it does (202 accepted).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { piwikVisitorId } from './visitor-id.ts';

let sim: VendorSim;
let signal: TestSignal;
const ACCOUNT = 'https://acme.piwik.pro';
const APP = '892d04bd-6e2b-4914-bfb4-bac721b37235';
const VISITOR = 'df_pp0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TRACKER = '/ppms.php';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
/** The Tracking API's answer: "202 Request accepted and waiting for processing". */
const accepted = { status: 202, body: '' };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${ACCOUNT}=${sim.url}`,
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'piwik_pro', vendors: ['piwik_pro'] });
  sim.setDefault('POST', TRACKER, accepted);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: UA };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'piwik_pro', name, {
  config: { url: ACCOUNT, app_id: APP, ...config }, consentCategories: ['analytics'],
});
const browser = (key: string, call: Record<string, unknown>, timestamp = CALL_TIMESTAMP) => sendBrowserCall(signal, key, call, visitor, { timestamp, context: { consent: { analytics: true } } });

/** Every tracking request the simulator received in bulks, parsed, with its bulk. */
function tracked(): Array<{ bulk: RecordedRequest; params: Record<string, string> }> {
  return sim.requests({ path: TRACKER }).flatMap((bulk) => ((bulk.json as { requests?: string[] }).requests ?? [])
    .map((query) => ({ bulk, params: Object.fromEntries(new URLSearchParams(query.replace(/^\?/, ''))) })));
}
const byParam = (key: string, value: string) => tracked().filter(({ params }) => params[key] === value);

describe('Piwik PRO', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Piwik PRO site', { custom_dimensions: { '1': 'properties.plan' } });
  });

  test('a page view: POST https://<account>.piwik.pro/ppms.php with {"requests": ["?idsite=<UUID>&rec=1&…"]}: visitor ID, time, user agent, IP, URL, title, referrer', async () => {
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId: 'pp-page-1',
      properties: { url: 'https://shop.example.com/pricing', title: 'Pricing', referrer: 'https://www.google.com/', plan: 'pro' },
      context: { page: { url: 'https://shop.example.com/pricing', title: 'Pricing', referrer: 'https://www.google.com/' }, locale: 'en-GB' },
    });
    const { bulk, params } = await waitUntil(async () => byParam('action_name', 'Pricing')[0], 'the page view');
    assert.equal(bulk.method, 'POST');
    assert.match(bulk.headers['content-type']!, /^application\/json/);
    assert.deepEqual(Object.keys(bulk.json as object), ['requests'], 'nothing but the requests: the Tracking API takes no token');
    assert.deepEqual(params, {
      idsite: APP, rec: '1', _id: piwikVisitorId(VISITOR), cdt: String(Date.parse(CALL_TIMESTAMP) / 1000), ua: UA, lang: 'en-GB', cip: '203.0.113.42',
      url: 'https://shop.example.com/pricing', urlref: 'https://www.google.com/', dimension1: 'pro', action_name: 'Pricing', send_image: '0',
    });
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 1 || undefined, 'counted delivered on the 202');
  });

  test('a custom event and an order from a server: e_c/e_a/e_n/e_v with uid, and e_t=order with ec_id, revenue, ec_products, oldest first', async () => {
    await sendServerBatch(signal, main.site.key, [
      { event: 'Order Completed', messageId: 'pp-order-1', timestamp: '2024-03-24T16:00:02.000Z', properties: { order_id: 'ORD-9', total: 54, subtotal: 50, tax: 4, products: [{ sku: 'SKU-1', name: 'Tee', category: 'Apparel', price: 25, quantity: 2 }] } },
      { event: 'Video Played', messageId: 'pp-track-1', timestamp: '2024-03-24T16:00:01.000Z', properties: { category: 'Videos', label: 'Intro', value: 3 } },
    ], { userId: 'user-42', anonymousId: VISITOR, context: { consent: { analytics: true } } });
    const order = await waitUntil(async () => byParam('ec_id', 'ORD-9')[0], 'the order');
    const event = await waitUntil(async () => byParam('e_a', 'Video Played')[0], 'the event');
    assert.deepEqual([event.params.e_c, event.params.e_n, event.params.e_v, event.params.uid], ['Videos', 'Intro', '3', 'user-42']);
    assert.deepEqual([order.params.e_t, order.params.revenue, order.params.ec_st, order.params.ec_tx, order.params.ec_products, order.params.uid], ['order', '54', '50', '4', '[["SKU-1","Tee","Apparel",25,2]]', 'user-42']);
    if (order.bulk === event.bulk) {
      const requests = (order.bulk.json as { requests: string[] }).requests;
      assert.ok(requests.findIndex((q) => q.includes('Video%20Played')) < requests.findIndex((q) => q.includes('ORD-9')), 'chronological order');
    }
  });

  test('a 503, a 429 with Retry-After and a timeout are retried with the same event time, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Piwik PRO outage');
    sim.script('POST', TRACKER, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser(site.key, { type: 'track', event: 'Outage', messageId: 'pp-retry-1' });
    const tries = await waitUntil(async () => { const list = byParam('e_a', 'Outage'); return list.length >= 4 && list; }, 'four tries', 40_000);
    assert.equal(new Set(tries.map((t) => t.params.cdt)).size, 1, 'the same event time on every try');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(byParam('e_a', 'Outage').length, 4, 'three failed tries and one delivered, no more');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 400 dead-letters the bulk at the first try with Piwik PRO\'s words, naming config.app_id', async () => {
    const { site, integrationId } = await installed('Piwik PRO refused');
    sim.script('POST', TRACKER, [{ status: 400, body: 'Bad Request' }]);
    await browser(site.key, { type: 'track', event: 'Refused', messageId: 'pp-400-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'pp-400-1');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Piwik PRO refused the bulk \(HTTP 400 Bad Request: Bad Request\): check config\.app_id/);
  });

  test('a web page answering 200 (a login or proxy page, no tracker) dead-letters the event naming config.url', async () => {
    const { site, integrationId } = await installed('Piwik PRO wrong address');
    sim.script('POST', TRACKER, [{ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Log in to Piwik PRO</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Lost', messageId: 'pp-html-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'pp-html-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /check config\.url/);
  });

  test('anonymous tracking: uia=1 with the visitor\'s IP for Piwik PRO to mask, no uid and no visitor ID', async () => {
    const { site } = await installed('Piwik PRO anonymous', { anonymous_tracking: true });
    await browser(site.key, { type: 'track', event: 'Anonymous', userId: 'u-anon', messageId: 'pp-anon-1' });
    const { params } = await waitUntil(async () => byParam('e_a', 'Anonymous')[0], 'the event');
    assert.deepEqual([params.uia, params.cip, params.uid, params._id], ['1', visitor.ip, undefined, undefined]);
  });
});
