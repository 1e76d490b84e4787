// Algolia Insights end to end: browser calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for insights.algolia.io (and
// insights.de.algolia.io under /de), and must receive the requests the Insights API documents:
// `POST /1/events` with the application id and API key headers, and `DELETE /1/usertokens/{token}`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const APP_ID = 'LATENCY123';
const API_KEY = '0123456789abcdef0123456789abcdef';
const DELETION_KEY = 'fedcba9876543210fedcba9876543210';
const VISITOR = 'df_algolia0visitor1';
const QUERY = '43b15df305339e827f0ac0bdc5ebcaa7';
/** A minute ago, in whole seconds: Algolia takes events of the last 30 days only. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const EVENTS = '/1/events';
const OK = { status: 200, body: { status: 200, message: 'OK' } };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: `https://insights.algolia.io=${sim.url},https://insights.de.algolia.io=${sim.url}/de`,
  }, { label: 'algolia_insights', vendors: ['algolia_insights'] });
  for (const path of [EVENTS, `/de${EVENTS}`]) sim.setDefault('POST', path, OK);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'algolia_insights', name, { config: { app_id: APP_ID, api_key: API_KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

type InsightsEvent = Record<string, unknown>;
/** Every event the simulator received at a path, with its request. */
function received(path = EVENTS) {
  return sim.requests({ path }).flatMap((request) => {
    const events = ((request.json ?? {}) as { events?: InsightsEvent[] }).events;
    return (Array.isArray(events) ? events : []).map((event) => ({ request, event }));
  });
}
const withObject = (objectID: string, path = EVENTS) => received(path).filter(({ event }) => (event.objectIDs as string[] | undefined)?.includes(objectID));

describe('Algolia Insights', () => {
  test('Product Clicked after a search: POST /1/events with X-Algolia-Application-Id and X-Algolia-API-Key and the click as Algolia documents it', async () => {
    const { site } = await installed('Algolia shop');
    await browser(site.key, { type: 'track', event: 'Product Clicked', userId: 'user-1', messageId: 'al-click-1', properties: { product_id: 'sku-click', search_index: 'products', query_id: QUERY, position: 4, name: 'Shoe' } });
    const { request, event } = await waitUntil(async () => withObject('sku-click')[0], 'the click');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.equal(request.headers['x-algolia-application-id'], APP_ID);
    assert.equal(request.headers['x-algolia-api-key'], API_KEY);
    assert.deepEqual(event, {
      eventType: 'click', eventName: 'Product Clicked', index: 'products', userToken: VISITOR, authenticatedUserToken: 'user-1',
      timestamp: Date.parse(CALL_TIMESTAMP), queryID: QUERY, objectIDs: ['sku-click'], positions: [4],
    });
  });

  test('Order Completed in the DE region: a purchase conversion with objectData, value and currency; a page view is not sent', async () => {
    const { site, integrationId } = await installed('Algolia DE', { region: 'de', default_index: 'catalog' });
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'al-page-1' });
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'al-order-1', properties: { order_id: 'o-1', revenue: 29.98, currency: 'EUR', products: [{ product_id: 'sku-o1', price: 9.99, quantity: 1 }, { product_id: 'sku-o2', price: 19.99, quantity: 1 }] } });
    const { event } = await waitUntil(async () => withObject('sku-o1', `/de${EVENTS}`)[0], 'the order');
    assert.deepEqual(event, {
      eventType: 'conversion', eventSubtype: 'purchase', eventName: 'Order Completed', index: 'catalog', userToken: VISITOR, timestamp: Date.parse(CALL_TIMESTAMP),
      objectIDs: ['sku-o1', 'sku-o2'], objectData: [{ price: 9.99, quantity: 1 }, { price: 19.99, quantity: 1 }], value: 29.98, currency: 'EUR',
    });
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped === 1 || undefined, 'the page view dropped');
  });

  test('a 429 with Retry-After and a 503 are retried, then the events are delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Algolia retried');
    sim.script('POST', EVENTS, [{ status: 429, headers: { 'Retry-After': '30' }, body: { status: 429, message: 'Too Many Requests' } }, reply.serverError({ status: 503, message: 'Service Unavailable' })]);
    await browser(site.key, { type: 'track', event: 'Product Viewed', messageId: 'al-retry-1', properties: { product_id: 'sku-retry', search_index: 'products' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = withObject('sku-retry');
    assert.equal(tries.length, 3, 'the 429, the 503, then the success');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused for Retry-After (30 s, 300 ms scaled)');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a 422 for one event of a batch: sent again in halves; only the event Algolia refuses is dead-lettered, with its words', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Algolia refused');
    sim.setDefault('POST', EVENTS, (request) => {
      const events = ((request.json ?? {}) as { events?: InsightsEvent[] }).events ?? [];
      return events.some((e) => (e.objectIDs as string[] | undefined)?.includes('sku-b'))
        ? { status: 422, body: { status: 422, message: 'Event should specify ObjectIDs or Filters, but not both' } }
        : OK;
    });
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Product Viewed', anonymousId: `anon-${x}`, messageId: `al-batch-${x}`, timestamp: CALL_TIMESTAMP, properties: { product_id: `sku-${x}`, search_index: 'products' }, context: { consent: { analytics: true } } })) }),
      });
      assert.equal(res.status, 200);
      const letter = await waitForDeadLetter(signal, integrationId, 'al-batch-b');
      assert.equal(letter.reason, 'Algolia refused the event (HTTP 422: Event should specify ObjectIDs or Filters, but not both): see Algolia\'s Events > Debugger for the event, and the plugin README for what each Segment event becomes');
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
      const carried = sim.requests({ path: EVENTS }).map((r) => (((r.json as { events?: InsightsEvent[] }).events ?? []).map((e) => (e.objectIDs as string[])[0]))).filter((ids) => ids.some((id) => ['sku-a', 'sku-b', 'sku-c'].includes(id!)));
      assert.deepEqual(carried[0], ['sku-a', 'sku-b', 'sku-c'], 'first one request of the three');
      assert.ok(carried.some((ids) => ids.length === 1 && ids[0] === 'sku-b'), 'then event b alone, refused again');
    } finally {
      sim.setDefault('POST', EVENTS, OK);
    }
  });

  test('refused credentials (401) dead-letter at once naming config.app_id and config.api_key', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Algolia bad key');
    sim.script('POST', EVENTS, [{ status: 401, body: { status: 401, message: 'Invalid credentials' } }]);
    await browser(site.key, { type: 'track', event: 'Product Viewed', messageId: 'al-401', properties: { product_id: 'sku-401', search_index: 'products' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'al-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Algolia refused the credentials \(HTTP 401: Invalid credentials\): check config\.app_id .* config\.api_key, a key of that application with the search ACL/);
  });

  test('a person deletion: DELETE /1/usertokens/{token} for the userId\'s token and the visitor\'s, with the deletion key (Algolia\'s deleteObject ACL)', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Algolia deletions', { deletion_api_key: DELETION_KEY });
    sim.setDefault('DELETE', '/1/usertokens/u-forget-1', { status: 204, body: '' });
    sim.setDefault('DELETE', `/1/usertokens/${VISITOR}`, { status: 204, body: '' });
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status', 'responseStatus']), [{
      integrationId, vendor: 'algolia_insights', status: 'sent', responseStatus: 204,
    }]);
    const asked = [...sim.requests({ path: '/1/usertokens/u-forget-1' }), ...sim.requests({ path: `/1/usertokens/${VISITOR}` })];
    assert.deepEqual(asked.map((r) => r.method), ['DELETE', 'DELETE']);
    for (const r of asked) {
      assert.equal(r.headers['x-algolia-application-id'], APP_ID);
      assert.equal(r.headers['x-algolia-api-key'], DELETION_KEY);
    }
  });
});
