// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for tr.snapchat.com, which must receive exactly the request
// Snap's Conversions API v3 documents; and Snap's failure answers handled as documented (an
// INVALID batch, a 429, a 5xx, a refused token).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIXEL = '1ec32188-754e-4be2-8e55-c949a984a39f';
const TOKEN = 'snap_capi_token_e2e_0123456789';
const PATH = `/v3/${PIXEL}/events`;
const VISITOR = 'df_snap0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.0.0.0';
const SCID = 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SCCLID = 'b7e2f8a1-9c3d-4e5f-a6b7-c8d9e0f1a2b3';

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** A second site with the default variant installed, for its events beyond the funnel. */
let defaultSite: { id: string; key: string };

// any: the vendor's JSON, read field by field in assertions.
type SnapEvent = Record<string, any>;
const snapEvents = (): Array<{ request: RecordedRequest; event: SnapEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => ((request.json as { data?: SnapEvent[] }).data ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => snapEvents().filter(({ event }) => event.event_id === messageId);
const snapEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to Snap`);
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it (sendBrowserCall), with Snap's cookies, the page and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = '', key = site.key) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

/** Installs the plugin from the catalog on a pipeline; the assignment's id. */
async function install(variant: string, pipelineId: string): Promise<string> {
  const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/snapchat/install`, {
    method: 'POST',
    headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `Snapchat CAPI (${variant})`, variant, pipeline_id: pipelineId, consent_categories: ['advertising'], delivery_mode: 'server_side',
      config: { pixel_id: PIXEL, access_token: TOKEN },
    }),
  });
  const installed = await res.json() as { template: { vendor: string }; assignment: { id: string } | null };
  assert.equal(res.status, 201, JSON.stringify(installed));
  assert.equal(installed.template.vendor, 'snapchat');
  return installed.assignment!.id;
}

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 200, body: { status: 'VALID', reason: 'All events processed' } });
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://tr.snapchat.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'snapchat', vendors: ['snapchat'] });
  site = await signal.pipeline('Snapchat shop');
  integrationId = await install('retail', site.id);
  defaultSite = await signal.pipeline('Snapchat default');
  await install('default', defaultSite.id);
});
after(() => closeAll(signal, sim));

describe('Snapchat Conversions API', () => {
  test('a purchase from the browser: the documented request, the token as access_token, hashed customer information (lists, external_id one string), the Snap Pixel\'s cookies', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'snap-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', price: 24.99, quantity: 3, brand: 'Stride' }], customer: { email: 'someone.else@example.com' } },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888' } },
    }, `_scid=${SCID}; _scclid=${SCCLID}`);
    const { request, event } = await snapEvent('snap-order-1');
    assert.equal(request.method, 'POST');
    assert.deepEqual(request.queryPairs, [['access_token', TOKEN]], 'Snap\'s documented authentication: ?access_token=');
    assert.equal(request.headers.authorization, undefined);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['data']);
    assert.deepEqual(event, {
      event_name: 'PURCHASE', event_time: Math.floor(Date.parse(timestamp) / 1000), event_id: 'snap-order-1', action_source: 'WEB',
      event_source_url: 'https://shop.example.com/checkout/thanks',
      user_data: {
        external_id: sha256('user-123'), em: [sha256('jane.doe@example.com')], ph: [sha256('16169547888')],
        client_ip_address: VISITOR_IP, client_user_agent: VISITOR_UA, sc_cookie1: SCID, sc_click_id: SCCLID,
      },
      custom_data: {
        order_id: 'ORD-7001', value: 74.97, currency: 'USD', content_ids: ['SKU-100'], num_items: 3,
        contents: [{ id: 'SKU-100', quantity: '3', item_price: '24.99', brand: 'Stride' }],
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane.doe@example.com', 'someone.else@example.com', '9547888', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('the funnel: PAGE_VIEW with the ScCid of the landing page, VIEW_CONTENT of a sku-only product, SEARCH; other events are not sent', async () => {
    await browser({ type: 'page', name: 'Home', messageId: 'snap-page-1', context: { page: { url: 'https://shop.example.com/?utm_source=snapchat&ScCid=c0ffee00-1111-2222-3333-444455556666' } } });
    const page = (await snapEvent('snap-page-1')).event;
    assert.deepEqual([page.event_name, page.custom_data, page.user_data.external_id, page.user_data.sc_click_id], ['PAGE_VIEW', undefined, sha256(VISITOR), 'c0ffee00-1111-2222-3333-444455556666']);
    await browser({ type: 'track', event: 'Product Viewed', messageId: 'snap-view-1', properties: { sku: 'SKU-100', price: 24.99, currency: 'EUR', category: 'Shoes' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const viewed = (await snapEvent('snap-view-1')).event;
    assert.deepEqual([viewed.event_name, viewed.custom_data], ['VIEW_CONTENT', { content_category: 'Shoes', currency: 'EUR', content_ids: ['SKU-100'], contents: [{ id: 'SKU-100', quantity: '1', item_price: '24.99' }], num_items: 1, value: 24.99 }]);
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'snap-other-1' });
    await browser({ type: 'track', event: 'Products Searched', messageId: 'snap-search-1', properties: { query: 'trail shoes' } });
    assert.deepEqual((await snapEvent('snap-search-1')).event.custom_data, { search_string: 'trail shoes' });
    assert.equal(sent('snap-other-1').length, 0, 'retail sends the funnel only');
  });

  test('an INVALID answer for the batch is split until the refused event is alone: only it is dead-lettered, with Snap\'s reason', async () => {
    const invalid = { status: 400, body: { status: 'INVALID', reason: 'Timestamp invalid or out of range', event: 1 } };
    sim.script('POST', PATH, [invalid, invalid]);
    await batch(['x', 'y'].map((x) => ({ event: 'Product Added', messageId: `snap-split-${x}`, properties: { product_id: x } })));
    const requests = await waitUntil(async () => {
      const list = sim.requests({ path: PATH }).filter((r) => JSON.stringify(r.json).includes('snap-split-'));
      return list.length >= 3 && list;
    }, 'the halves');
    assert.deepEqual(requests.map((r) => (r.json as { data: unknown[] }).data.length), [2, 1, 1]);
    const refused = (requests[1]!.json as { data: SnapEvent[] }).data[0]!.event_id as string;
    assert.equal((await waitForDeadLetter(signal, integrationId, refused)).reason, 'Snap refused the event (HTTP 400, Timestamp invalid or out of range)');
    const other = refused === 'snap-split-x' ? 'snap-split-y' : 'snap-split-x';
    assert.equal((await signal.delivery.list(integrationId, { messageId: other }, 5)).total, 0, 'the other is delivered');
  });

  test('a 429 then success, and a 503 then success: each event delivered once', async () => {
    sim.script('POST', PATH, [reply.tooMany(30, { status: 'INVALID', reason: 'Too Many Requests' })]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'snap-429', properties: { product_id: 'SKU-1', price: 3 } });
    const tries = await waitUntil(async () => sent('snap-429').length >= 2 && sent('snap-429'), 'the try after the rate limit');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'Retry-After 30 s (× 0.01)');

    sim.script('POST', PATH, [{ status: 503, body: { status: 'INVALID', reason: 'Service Unavailable' } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'snap-503', properties: { product_id: 'SKU-2', price: 3 } });
    await waitUntil(async () => sent('snap-503').length >= 2 || undefined, 'the retry after the 503');

    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual([sent('snap-429').length, sent('snap-503').length], [2, 2], 'one refused try and one delivered, no more');
    for (const messageId of ['snap-429', 'snap-503']) assert.equal((await signal.delivery.list(integrationId, { messageId }, 5)).total, 0, `${messageId} delivered`);
  });

  test('a preview shows the exact request with the token masked, the validate endpoint in test mode, sending nothing', async () => {
    const before = sim.requests({ path: PATH }).length;
    // An order of today: Snap takes events up to 37 days old.
    const events = [{
      type: 'track', event: 'Order Completed', messageId: 'snap-preview-1', anonymousId: VISITOR, timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-P', revenue: 12, products: [{ product_id: 'SKU-1', price: 12, quantity: 1 }] },
      context: { ip: VISITOR_IP, userAgent: VISITOR_UA, page: { url: 'https://shop.example.com/thanks' } },
    }];
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; body: { data: SnapEvent[] } }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'snapchat', variant: 'retail', pipelineId: site.id, config: { pixel_id: PIXEL, access_token: TOKEN, test_mode: true, default_currency: 'USD' } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'snap-preview-1')!;
    assert.deepEqual(order.errors, []);
    const [request] = order.requests;
    assert.ok(request!.url.startsWith(`https://tr.snapchat.com${PATH}/validate?access_token=`), request!.url);
    assert.equal(request!.url.includes(TOKEN), false, 'the token is masked');
    assert.deepEqual([request!.body.data[0]!.event_name, request!.body.data[0]!.custom_data.currency], ['PURCHASE', 'USD'], 'config.default_currency for an order without one');
    assert.equal(sim.requests({ path: PATH }).length, before, 'nothing sent');
  });

  test('the default variant: a sign-up is SIGN_UP, a subscription SUBSCRIBE; any other track event is not sent', async () => {
    const send = (call: Record<string, unknown>) => browser({ type: 'track', context: { page: { url: 'https://shop.example.com/account' } }, ...call }, '', defaultSite.key);
    await send({ event: 'Newsletter Opened', messageId: 'snap-default-other', properties: { issue: 12 } });
    await send({ event: 'Signed Up', messageId: 'snap-default-signup', properties: { method: 'email', email: 'jane@example.com' } });
    await send({ event: 'Subscription Started', messageId: 'snap-default-sub', properties: { revenue: 9.99, currency: 'GBP', plan: 'pro' } });
    const signedUp = (await snapEvent('snap-default-signup')).event;
    assert.deepEqual([signedUp.event_name, signedUp.custom_data, signedUp.user_data.em], ['SIGN_UP', { sign_up_method: 'email' }, [sha256('jane@example.com')]]);
    const subscribed = (await snapEvent('snap-default-sub')).event;
    assert.deepEqual([subscribed.event_name, subscribed.custom_data], ['SUBSCRIBE', { value: 9.99, currency: 'GBP' }]);
    assert.equal(sent('snap-default-other').length, 0, 'Snap\'s custom events are numbered slots: not guessed');
  });

  test('a refused token dead-letters at the first try, saying what to fix', async () => {
    sim.script('POST', PATH, [reply.unauthorized({ status: 'INVALID', reason: 'Unauthorized' })]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'snap-token', properties: { order_id: 'ORD-T', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'snap-token');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, `Snap refused the access token for pixel ${PIXEL} (HTTP 401, Unauthorized). Generate a Conversions API token in Snapchat Business Manager (Business Details > Conversions API Tokens > Generate Token) in the organization that owns the pixel, update config.access_token in a new revision, then replay the dead letters`);
    assert.equal(JSON.stringify(dead).includes(TOKEN), false, 'the token is in no dead letter');
  });
});
