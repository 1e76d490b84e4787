// Matomo end to end: browser and server calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for a self-hosted Matomo on the private network
// (reached through config.allow_private_targets, over plain http as only such a host may be) and
// must receive the bulk tracking requests (POST /matomo.php) and the GDPR tools API calls
// (POST /index.php) Matomo documents.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { matomoVisitorId } from './visitor-id.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_mt0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TOKEN = '0123456789abcdef0123456789abcdef';
const TRACKER = '/matomo.php';
const API = '/index.php';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';

/** Matomo's answer to a bulk it processed: every request tracked. */
const trackedAll = (request: RecordedRequest) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', tracked: ((request.json as { requests?: string[] }).requests ?? []).length, invalid: 0 } });

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'matomo', vendors: ['matomo'] });
  sim.setDefault('POST', TRACKER, trackedAll);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: UA };
/** A pipeline with Matomo installed from the catalog, at the simulator as a self-hosted Matomo on the private network. */
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'matomo', name, {
  config: { url: `${sim.url}/analytics`, site_id: 7, token_auth: TOKEN, allow_private_targets: ['127.0.0.1'], ...config }, consentCategories: ['analytics'],
});
const browser = (key: string, call: Record<string, unknown>, timestamp = CALL_TIMESTAMP) => sendBrowserCall(signal, key, call, visitor, { timestamp, context: { consent: { analytics: true } } });

/** Every tracking request the simulator received in bulks, parsed, with its bulk. */
function tracked(): Array<{ bulk: RecordedRequest; params: Record<string, string> }> {
  return sim.requests({ path: `/analytics${TRACKER}` }).flatMap((bulk) => ((bulk.json as { requests?: string[] }).requests ?? [])
    .map((query) => ({ bulk, params: Object.fromEntries(new URLSearchParams(query.replace(/^\?/, ''))) })));
}
const byAction = (key: string, value: string) => tracked().filter(({ params }) => params[key] === value);

describe('Matomo', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Matomo site');
    sim.setDefault('POST', `/analytics${TRACKER}`, trackedAll);
  });

  test('a page view: POST {url}/matomo.php with {"requests": ["?idsite=7&rec=1&…"], "token_auth"}, the visitor id, time, user agent, IP, URL, title and referrer', async () => {
    await browser(main.site.key, {
      type: 'page', name: 'Pricing', messageId: 'mt-page-1',
      properties: { url: 'https://shop.example.com/pricing?utm_source=news', title: 'Pricing', referrer: 'https://www.google.com/' },
      context: { page: { url: 'https://shop.example.com/pricing?utm_source=news', title: 'Pricing', referrer: 'https://www.google.com/' }, locale: 'en-GB' },
    });
    const { bulk, params } = await waitUntil(async () => byAction('action_name', 'Pricing')[0], 'the page view');
    assert.equal(bulk.method, 'POST');
    assert.match(bulk.headers['content-type']!, /^application\/json/);
    assert.equal((bulk.json as { token_auth?: string }).token_auth, TOKEN);
    assert.equal((bulk.json as { send_image?: string }).send_image, undefined, 'never beside requests: Matomo would answer 204 without its counts');
    assert.deepEqual(params, {
      idsite: '7', rec: '1', apiv: '1', _id: matomoVisitorId(VISITOR), cdt: String(Date.parse(CALL_TIMESTAMP) / 1000), ua: UA, lang: 'en-GB', cip: '203.0.113.42',
      url: 'https://shop.example.com/pricing?utm_source=news', urlref: 'https://www.google.com/', action_name: 'Pricing', send_image: '0',
    });
  });

  test('a track event and an order from a server: an event (e_c/e_a/e_n/e_v, uid) and an ecommerce order (idgoal=0, ec_id, revenue, ec_items) in one bulk, oldest first', async () => {
    await sendServerBatch(signal, main.site.key, [
      { event: 'Order Completed', messageId: 'mt-order-1', timestamp: '2024-03-24T16:00:02.000Z', properties: { order_id: 'ORD-9', total: 54, subtotal: 50, tax: 4, products: [{ sku: 'SKU-1', name: 'Tee', category: 'Apparel', price: 25, quantity: 2 }] } },
      { event: 'Video Played', messageId: 'mt-track-1', timestamp: '2024-03-24T16:00:01.000Z', properties: { category: 'Videos', label: 'Intro', value: 3 } },
    ], { userId: 'user-42', anonymousId: VISITOR, context: { consent: { analytics: true } } });
    const order = await waitUntil(async () => byAction('ec_id', 'ORD-9')[0], 'the order');
    const event = await waitUntil(async () => byAction('e_a', 'Video Played')[0], 'the event');
    assert.deepEqual([event.params.e_c, event.params.e_n, event.params.e_v, event.params.ca, event.params.uid], ['Videos', 'Intro', '3', '1', 'user-42']);
    assert.deepEqual([order.params.idgoal, order.params.revenue, order.params.ec_st, order.params.ec_tx, order.params.ec_items], ['0', '54', '50', '4', '[["SKU-1","Tee","Apparel",25,2]]']);
    if (order.bulk === event.bulk) {
      const requests = (order.bulk.json as { requests: string[] }).requests;
      assert.ok(requests.findIndex((q) => q.includes('Video%20Played')) < requests.findIndex((q) => q.includes('ORD-9')), 'chronological order');
    }
  });

  test('Matomo names an invalid request (invalid_indices, a Super User\'s token): only that event is dead-lettered, the others delivered', async () => {
    const { site, integrationId } = await installed('Matomo invalid');
    sim.setDefault('POST', `/analytics${TRACKER}`, (request) => {
      const requests = (request.json as { requests: string[] }).requests;
      const bad = requests.findIndex((q) => q.includes('Refused'));
      return bad < 0 ? trackedAll(request) : { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', tracked: requests.length - 1, invalid: 1, invalid_indices: [bad] } };
    });
    try {
      await sendServerBatch(signal, site.key, ['Kept A', 'Refused', 'Kept B'].map((event, i) => ({ event, messageId: `mt-inv-${i}`, timestamp: `2024-03-24T16:00:0${i}.000Z` })), { anonymousId: VISITOR, context: { consent: { analytics: true } } });
      const letter = await waitForDeadLetter(signal, integrationId, 'mt-inv-1');
      assert.match(letter.reason, /^Matomo refused this tracking request as invalid .*\(HTTP 200: tracked \d+, invalid 1\)$/);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
    } finally {
      sim.setDefault('POST', `/analytics${TRACKER}`, trackedAll);
    }
  });

  test('a 500 (Matomo rolled the bulk back) is retried, then delivered once', async () => {
    const { site, integrationId } = await installed('Matomo outage');
    sim.script('POST', `/analytics${TRACKER}`, [{ status: 500, headers: { 'content-type': 'application/json' }, body: { status: 'error', tracked: 0, invalid: 0 } }]);
    await browser(site.key, { type: 'track', event: 'Outage', messageId: 'mt-500-1' });
    const tries = await waitUntil(async () => { const list = byAction('e_a', 'Outage'); return list.length >= 2 && list; }, 'two tries', 20_000);
    assert.equal(tries[0]!.params.cdt, tries[1]!.params.cdt, 'the same event time on the retry');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a web page answering 200 (no Matomo tracker there, or BulkTracking deactivated) dead-letters the event naming config.url', async () => {
    const { site, integrationId } = await installed('Matomo wrong url');
    sim.script('POST', `/analytics${TRACKER}`, [{ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Matomo is a free/libre web analytics</body></html>' }]);
    await browser(site.key, { type: 'track', event: 'Lost', messageId: 'mt-html-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'mt-html-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /check config\.url .*BulkTracking plugin is activated/);
  });

  test('without a token_auth: no token_auth in the bulk, no cip; a recent event goes with its time', async () => {
    const { site } = await installed('Matomo no token', { token_auth: '' });
    const now = new Date().toISOString();
    await browser(site.key, { type: 'track', event: 'Tokenless', messageId: 'mt-notoken-1' }, now);
    const { bulk, params } = await waitUntil(async () => byAction('e_a', 'Tokenless')[0], 'the event');
    assert.equal((bulk.json as { token_auth?: string }).token_auth, undefined);
    assert.equal(params.cip, undefined);
    assert.equal(params.cdt, String(Math.floor(Date.parse(now) / 1000)));
  });

  test('a person deletion: findDataSubjects by User ID or visitor id, deleteDataSubjects of the visits found, a search again; Matomo\'s count shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Matomo deletions', { forward_deletions: true });
    const calls: string[] = [];
    sim.setDefault('POST', `/analytics${API}`, (request) => {
      const method = request.query.method ?? '';
      calls.push(method);
      if (method === 'PrivacyManager.deleteDataSubjects') return { status: 200, headers: { 'content-type': 'application/json' }, body: { log_visit: 2, log_link_visit_action: 5 } };
      const searches = calls.filter((m) => m === 'PrivacyManager.findDataSubjects').length;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: searches === 1 ? [{ idVisit: 101, idSite: 7, userId: 'u-forget-1' }, { idVisit: 102, idSite: 7 }] : [] };
    });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'mt-forget-1' });
    await waitUntil(async () => byAction('uid', 'u-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{
      integrationId, vendor: 'matomo', status: 'sent', responseStatus: 200,
      message: 'Matomo deleted 2 visits of the person, with their actions and conversions; none is left',
    }]);
    assert.deepEqual(calls, ['PrivacyManager.findDataSubjects', 'PrivacyManager.deleteDataSubjects', 'PrivacyManager.findDataSubjects']);
    const [find, remove] = sim.requests({ path: `/analytics${API}` });
    const findForm = new URLSearchParams(find!.body);
    assert.deepEqual([find!.query.module, find!.query.format, findForm.get('idSite'), findForm.get('segment'), findForm.get('token_auth')], ['API', 'json', '7', `userId==u-forget-1,visitorId==${matomoVisitorId(VISITOR)}`, TOKEN]);
    const removeForm = new URLSearchParams(remove!.body);
    assert.deepEqual([removeForm.get('visits[0][idsite]'), removeForm.get('visits[0][idvisit]'), removeForm.get('visits[1][idvisit]')], ['7', '101', '102']);

    // An integration without forward_deletions does not forward them.
    const [skipped] = await deletePerson(signal, main.site.id, { userId: 'u-forget-2' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'matomo', status: 'skipped' });
  });
});
