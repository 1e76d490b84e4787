// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for api.pinterest.com, which must receive exactly the
// request Pinterest's API reference documents; and Pinterest's failure answers handled as its
// reference says (a per-event refusal in a 200, a 400 for the batch, a 429, a 5xx, a 401).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const AD_ACCOUNT = '549755885175';
const TOKEN = 'pina_conversion_token_e2e';
const PATH = `/v5/ad_accounts/${AD_ACCOUNT}/events`;
const VISITOR = 'df_pin0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const EPIK = 'dj0yJnU9b2JDcFFHekV4SHJNcmVrbFBkUEdqakh0akdUT1VjVVUmcD0yJm49cnNBQ3F2Q2dOVDBXWWhkWklrUGxBUSZ0PUFBQUFBR1BaY3Bv';

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** A second site with the default variant installed, for its events beyond the funnel. */
let defaultSite: { id: string; key: string };

// any: the vendor's JSON, read field by field in assertions.
type PinterestEvent = Record<string, any>;
const pinterestEvents = (): Array<{ request: RecordedRequest; event: PinterestEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => ((request.json as { data?: PinterestEvent[] }).data ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => pinterestEvents().filter(({ event }) => event.event_id === messageId);
const pinterestEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to Pinterest`);
/** Pinterest's answer to a request whose events were all processed. */
const processedAll = (request: RecordedRequest) => {
  const count = ((request.json as { data?: unknown[] }).data ?? []).length;
  return { status: 200, body: { num_events_received: count, num_events_processed: count, events: Array.from({ length: count }, () => ({ status: 'processed', error_message: null, warning_message: null })) } };
};
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it (sendBrowserCall), with more cookies (`_epik`) and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = '', key = site.key) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

/** Installs the plugin from the catalog on a pipeline; the assignment's id. */
async function install(variant: string, pipelineId: string): Promise<string> {
  const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/pinterest/install`, {
    method: 'POST',
    headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `Pinterest CAPI (${variant})`, variant, pipeline_id: pipelineId, consent_categories: ['advertising'], delivery_mode: 'server_side',
      config: { ad_account_id: AD_ACCOUNT, conversion_token: TOKEN },
    }),
  });
  const installed = await res.json() as { template: { vendor: string }; assignment: { id: string } | null };
  assert.equal(res.status, 201, JSON.stringify(installed));
  assert.equal(installed.template.vendor, 'pinterest');
  return installed.assignment!.id;
}

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, processedAll);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://api.pinterest.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'pinterest', vendors: ['pinterest'] });
  site = await signal.pipeline('Pinterest shop');
  integrationId = await install('retail', site.id);
  defaultSite = await signal.pipeline('Pinterest default');
  await install('default', defaultSite.id);
});
after(() => closeAll(signal, sim));

describe('Pinterest Conversions API', () => {
  test('a purchase from the browser: the documented request, hashed customer information as lists, the _epik click id, value and prices as text', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'pin-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, locale: 'en-US', traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888' } },
    }, `_epik=${EPIK}`);
    const { request, event } = await pinterestEvent('pin-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.queryPairs, [], 'no ?test=true outside test mode');
    assert.deepEqual(Object.keys(request.json as object), ['data']);
    assert.deepEqual(event, {
      event_name: 'checkout', action_source: 'web', event_time: Math.floor(Date.parse(timestamp) / 1000), event_id: 'pin-order-1',
      event_source_url: 'https://shop.example.com/checkout/thanks', opt_out: false, language: 'en',
      user_data: {
        external_id: [sha256('user-123')], em: [sha256('jane.doe@example.com')], ph: [sha256('16169547888')],
        client_ip_address: VISITOR_IP, client_user_agent: VISITOR_UA, click_id: EPIK,
      },
      custom_data: {
        value: '74.97', currency: 'USD', order_id: 'ORD-7001', content_ids: ['SKU-100'], num_items: 3,
        contents: [{ id: 'SKU-100', item_name: 'Trail Shoe', item_price: '24.99', quantity: 3 }],
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane.doe@example.com', '9547888', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('the funnel: a product view is a view_content with the product, a cart add carries price × quantity; other events are not sent', async () => {
    await browser({ type: 'page', name: 'Home', messageId: 'pin-page-1', context: { page: { url: 'https://shop.example.com/?epik=dj0yJnU9fromurl' } } });
    const page = (await pinterestEvent('pin-page-1')).event;
    assert.deepEqual([page.event_name, page.custom_data, page.user_data.external_id, page.user_data.click_id], ['page_visit', { content_name: 'Home' }, [sha256(VISITOR)], 'dj0yJnU9fromurl']);
    await browser({ type: 'track', event: 'Product Viewed', messageId: 'pin-view-1', properties: { product_id: 'SKU-100', price: 24.99, currency: 'EUR' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const viewed = (await pinterestEvent('pin-view-1')).event;
    assert.deepEqual([viewed.event_name, viewed.custom_data], ['view_content', { content_ids: ['SKU-100'], currency: 'EUR', contents: [{ id: 'SKU-100', item_price: '24.99', quantity: 1 }], num_items: 1, value: '24.99' }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'pin-cart-1', properties: { product_id: 'SKU-100', price: 24.99, quantity: 2, currency: 'EUR' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const cart = (await pinterestEvent('pin-cart-1')).event;
    assert.deepEqual([cart.event_name, cart.custom_data.value, cart.custom_data.num_items], ['add_to_cart', '49.98', 2]);
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'pin-other-1' });
    await browser({ type: 'track', event: 'Products Searched', messageId: 'pin-search-1', properties: { query: 'trail shoes' } });
    assert.deepEqual((await pinterestEvent('pin-search-1')).event.custom_data, { search_string: 'trail shoes' });
    assert.equal(sent('pin-other-1').length, 0, 'retail sends the funnel only');
  });

  test('a 200 refusing one event of a batch dead-letters that one with Pinterest\'s error_message; the other is delivered', async () => {
    sim.script('POST', PATH, [{ status: 200, body: { num_events_received: 2, num_events_processed: 1, events: [{ status: 'processed', error_message: null, warning_message: null }, { status: 'failed', error_message: 'event_time is older than 7 days', warning_message: null }] } }]);
    await batch(['a', 'b'].map((x) => ({ event: 'Product Added', messageId: `pin-partial-${x}`, properties: { product_id: x, price: 1 } })));
    const request = await waitUntil(async () => sim.requests({ path: PATH }).find((r) => JSON.stringify(r.json).includes('pin-partial-')), 'the batch');
    const [first, second] = (request.json as { data: PinterestEvent[] }).data.map((e) => e.event_id as string);
    assert.ok(first && second, 'both events in one request');
    assert.equal((await waitForDeadLetter(signal, integrationId, second)).reason, 'Pinterest refused the event: event_time is older than 7 days');
    assert.equal((await signal.delivery.list(integrationId, { messageId: first }, 5)).total, 0, 'the processed one is delivered');
    assert.equal(sent(first).length, 1, 'and not sent again');
  });

  test('a 400 for the batch is split until the invalid event is alone: only it is dead-lettered', async () => {
    const invalid = { status: 400, body: { code: 4196, message: 'Invalid request: content_ids must be a list of strings' } };
    sim.script('POST', PATH, [invalid, invalid]);
    await batch(['x', 'y'].map((x) => ({ event: 'Product Added', messageId: `pin-split-${x}`, properties: { product_id: x } })));
    const requests = await waitUntil(async () => {
      const list = sim.requests({ path: PATH }).filter((r) => JSON.stringify(r.json).includes('pin-split-'));
      return list.length >= 3 && list;
    }, 'the halves');
    assert.deepEqual(requests.map((r) => (r.json as { data: unknown[] }).data.length), [2, 1, 1]);
    const refused = (requests[1]!.json as { data: PinterestEvent[] }).data[0]!.event_id as string;
    assert.equal((await waitForDeadLetter(signal, integrationId, refused)).reason, 'Pinterest refused the event (HTTP 400, code 4196: Invalid request: content_ids must be a list of strings)');
    const other = refused === 'pin-split-x' ? 'pin-split-y' : 'pin-split-x';
    assert.equal((await signal.delivery.list(integrationId, { messageId: other }, 5)).total, 0, 'the other is delivered');
  });

  test('a 429 then success, and a 503 then success: each event delivered once, after the wait', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { code: 8, message: 'This request exceeded a rate limit.' } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'pin-429', properties: { product_id: 'SKU-1', price: 3 } });
    const tries = await waitUntil(async () => sent('pin-429').length >= 2 && sent('pin-429'), 'the try after the rate limit');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 500, 'a minute without Retry-After (× 0.01)');

    sim.script('POST', PATH, [reply.serverError({ code: 4197, message: 'The endpoint has been ramped down and is currently not accepting any traffic.' })]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'pin-503', properties: { product_id: 'SKU-2', price: 3 } });
    await waitUntil(async () => sent('pin-503').length >= 2 || undefined, 'the retry after the 503');

    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual([sent('pin-429').length, sent('pin-503').length], [2, 2], 'one refused try and one delivered, no more');
    for (const messageId of ['pin-429', 'pin-503']) assert.equal((await signal.delivery.list(integrationId, { messageId }, 5)).total, 0, `${messageId} delivered`);
  });

  test('a preview shows the exact request with the token masked, ?test=true in test mode, sending nothing', async () => {
    const before = sim.requests({ path: PATH }).length;
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; requests: Array<{ url: string; headers: Record<string, string>; body: { data: PinterestEvent[] } }> }> } }>(
      'query($target: PreviewTarget!) { previewIntegration(target: $target) { results { messageId requests } } }',
      { target: { vendor: 'pinterest', variant: 'retail', pipelineId: site.id, config: { ad_account_id: AD_ACCOUNT, conversion_token: TOKEN, test_mode: true } } },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'conf-order-1')!;
    const [request] = order.requests;
    assert.equal(request!.url, `https://api.pinterest.com${PATH}?test=true`, 'test mode: checked by Pinterest, not recorded');
    assert.equal(request!.headers.authorization?.includes(TOKEN), false, 'the token is masked');
    assert.equal(request!.body.data[0]!.event_name, 'checkout');
    assert.equal(sim.requests({ path: PATH }).length, before, 'nothing sent');
  });

  test('the default variant: a product view is view_content, a subscription subscribe, any other track event custom without properties', async () => {
    const send = (call: Record<string, unknown>) => browser({ type: 'track', context: { page: { url: 'https://shop.example.com/p/200' } }, ...call }, '', defaultSite.key);
    await send({ event: 'Product Viewed', messageId: 'pin-default-view', properties: { sku: 'SKU-200', name: 'Rain Jacket', price: 80, currency: 'GBP' } });
    await send({ event: 'Subscription Started', messageId: 'pin-default-sub', properties: { revenue: 9.99, currency: 'GBP', plan: 'pro' } });
    await send({ event: 'Newsletter Opened', messageId: 'pin-default-custom', properties: { issue: 12, email: 'jane@example.com' } });
    const viewed = (await pinterestEvent('pin-default-view')).event;
    assert.deepEqual([viewed.event_name, viewed.custom_data], ['view_content', {
      content_name: 'Rain Jacket', currency: 'GBP', content_ids: ['SKU-200'], contents: [{ id: 'SKU-200', item_name: 'Rain Jacket', item_price: '80', quantity: 1 }], num_items: 1, value: '80',
    }]);
    const subscribed = (await pinterestEvent('pin-default-sub')).event;
    assert.deepEqual([subscribed.event_name, subscribed.custom_data], ['subscribe', { value: '9.99', currency: 'GBP' }]);
    const custom = (await pinterestEvent('pin-default-custom')).event;
    assert.deepEqual([custom.event_name, custom.custom_data, custom.user_data.em], ['custom', undefined, [sha256('jane@example.com')]]);
    assert.equal(JSON.stringify(custom).includes('jane@'), false, 'the email leaves hashed only');
  });

  test('a refused token dead-letters at the first try, saying what to fix', async () => {
    sim.script('POST', PATH, [{ status: 401, body: { code: 2, message: 'Authentication failed.' } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'pin-token', properties: { order_id: 'ORD-T', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'pin-token');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, `Pinterest refused the conversion access token (HTTP 401, code 2: Authentication failed.). Generate a new one in Ads Manager (Conversions > Conversions API > Conversion access token) for ad account ${AD_ACCOUNT}, update config.conversion_token in a new revision, then replay the dead letters`);
    assert.equal(JSON.stringify(dead).includes(TOKEN), false, 'the token is in no dead letter');
  });
});
