// The TikTok plugin end to end: browser calls through the real collect API, the pipeline stage
// and the delivery queue; the vendor simulator stands in for business-api.tiktok.com and must
// receive exactly the request TikTok's Events API documents.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/open_api/v1.3/event/track/';
const PIXEL = 'C5ABCDEF1234GHIJ5678';
const TOKEN = 'tt_events_api_token_0123456789';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_34.1.0';
const OK = { code: 0, message: 'OK', request_id: '20261130120000ABCDEF', data: {} };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

before(async () => {
  sim = await startVendorSim();
  // TikTok answers HTTP 200 with a JSON envelope; code 0 is success.
  sim.setDefault('POST', PATH, { status: 200, body: OK });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://business-api.tiktok.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'tiktok', vendors: ['tiktok'] });
  site = await signal.pipeline('TikTok site');
  const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/tiktok/install`, {
    method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'TikTok Events API', variant: 'retail', pipeline_id: site.id, delivery_mode: 'server_side', consent_categories: ['advertising'],
      config: { pixel_code: PIXEL, access_token: TOKEN, test_event_code: 'TEST12345' },
    }),
  });
  const installed = (await res.json()) as { template: { vendor: string }; assignment: { id: string } };
  assert.equal(res.status, 201, JSON.stringify(installed));
  assert.equal(installed.template.vendor, 'tiktok');
  integrationId = installed.assignment.id;
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_tiktok0visitor', ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as datafly.js sends it (sendBrowserCall), with the Pixel's `_ttp` cookie and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = '_ttp=2F7h37YkS1j57AYSKTI7IHhJPYH', writeKey = site.key) =>
  sendBrowserCall(signal, writeKey, call, { ...visitor, cookies }, { timestamp: new Date().toISOString(), context: { consent: { advertising: true } } });

const sent = () => sim.requests({ path: PATH }).flatMap((request) => ((request.json as { data?: Array<Record<string, any>> }).data ?? []).map((event) => ({ request, event })));
const sentEvent = (messageId: string) => waitUntil(async () => sent().find(({ event }) => event.event_id === messageId), `${messageId} at TikTok`);

describe('TikTok Events API', () => {
  test('an order from the browser: the documented request, customer information hashed, _ttp, ttclid, contents, the Pixel\'s event_id', async () => {
    const timestamp = new Date().toISOString();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'tt-order-1', timestamp,
      properties: { order_id: 'ORD-7001', total: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks?ttclid=E.C.P.CqgBabc123', referrer: 'https://shop.example.com/checkout' }, locale: 'en-US', traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (213) 373-4253' } },
    });
    const { request, event } = await sentEvent('tt-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['access-token'], TOKEN);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const body = request.json as Record<string, unknown>;
    assert.deepEqual({ ...body, data: undefined }, { event_source: 'web', event_source_id: PIXEL, test_event_code: 'TEST12345', data: undefined });
    assert.deepEqual(event, {
      event: 'Purchase', event_time: Math.floor(Date.parse(timestamp) / 1000), event_id: 'tt-order-1',
      page: { url: 'https://shop.example.com/checkout/thanks?ttclid=E.C.P.CqgBabc123', referrer: 'https://shop.example.com/checkout' },
      user: {
        external_id: sha256('user-123'), email: sha256('jane.doe@example.com'), phone: sha256('+12133734253'),
        ip: VISITOR_IP, user_agent: VISITOR_UA, ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH', locale: 'en-US', ttclid: 'E.C.P.CqgBabc123',
      },
      properties: {
        value: 74.97, currency: 'USD', order_id: 'ORD-7001', content_type: 'product',
        contents: [{ content_id: 'SKU-100', content_type: 'product', content_name: 'Trail Shoe', price: 24.99, quantity: 3 }],
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane.doe@example.com', '2133734253', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('page views and the funnel; identify and events outside the funnel are not sent', async () => {
    await browser({ type: 'page', messageId: 'tt-page-1', context: { page: { url: 'https://shop.example.com/', referrer: 'https://www.tiktok.com/' } } });
    const page = (await sentEvent('tt-page-1')).event;
    assert.deepEqual([page.event, page.page, page.user.external_id], ['Pageview', { url: 'https://shop.example.com/', referrer: 'https://www.tiktok.com/' }, sha256('df_tiktok0visitor')]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'tt-cart-1', properties: { product_id: 'SKU-100', price: 24.99, quantity: 2, currency: 'EUR' }, context: { page: { url: 'https://shop.example.com/p/100' } } });
    const cart = (await sentEvent('tt-cart-1')).event;
    assert.deepEqual([cart.event, cart.properties], ['AddToCart', { content_type: 'product', currency: 'EUR', contents: [{ content_id: 'SKU-100', content_type: 'product', price: 24.99, quantity: 2 }], value: 49.98 }]);
    await browser({ type: 'identify', userId: 'user-123', messageId: 'tt-identify-1', traits: { email: 'jane@example.com' } });
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'tt-newsletter-1' });
    await browser({ type: 'page', messageId: 'tt-page-2', context: { page: { url: 'https://shop.example.com/after' } } });
    await sentEvent('tt-page-2');
    assert.equal(sent().some(({ event }) => ['tt-identify-1', 'tt-newsletter-1'].includes(event.event_id)), false, 'the retail variant sends the funnel only');
  });

  test('TikTok\'s rate limit (code 40100 in a 200), then a 503, then success: delivered once, no try lost to the throttling', async () => {
    sim.script('POST', PATH, [
      { status: 200, body: { code: 40100, message: 'Too many requests. Please retry in some time.', request_id: 'r-1', data: {} } },
      { status: 503, body: 'Service Unavailable' },
    ]);
    await browser({ type: 'track', event: 'Product Viewed', messageId: 'tt-retry-1', properties: { product_id: 'SKU-7', currency: 'EUR', price: 10 } });
    const copies = await waitUntil(async () => {
      const list = sent().filter(({ event }) => event.event_id === 'tt-retry-1');
      return list.length >= 3 && list;
    }, 'the third try');
    // Counted from this event's own exchanges: the integration's delivered total may still be
    // catching up with the previous test's events.
    const tries = async () => (await signal.delivery.recentExchanges(integrationId, 50)).filter((x) => x.eventIds.includes('tt-retry-1')).reverse();
    await waitUntil(async () => (await tries()).some((x) => x.outcome === 'delivered'), 'the delivery recorded');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sent().filter(({ event }) => event.event_id === 'tt-retry-1').length, 3, 'not sent again after TikTok took it');
    assert.deepEqual(copies.map(({ event }) => event.event), ['ViewContent', 'ViewContent', 'ViewContent']);
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'tt-retry-1' }, 5)).total, 0, 'no dead letter');
    const exchanges = await tries();
    assert.deepEqual(exchanges.map((x) => [x.attempt, x.responseStatus, x.outcome]), [[1, 200, 'retry'], [1, 503, 'retry'], [2, 200, 'delivered']], 'delivered once; the throttled try used up no try');
    assert.equal(JSON.stringify(exchanges).includes(TOKEN), false, 'the access token is redacted from the delivery log');
  });

  test('a parameter error on a batch is narrowed to the one event; an invalid token dead-letters at once saying what to fix', async () => {
    const refusal = { status: 200, body: { code: 40002, message: 'data.0.properties.currency: Not a valid currency', request_id: 'r-2', data: {} } };
    sim.script('POST', PATH, [refusal, refusal]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}`, 'user-agent': VISITOR_UA },
      body: JSON.stringify({ batch: ['x', 'y'].map((x) => ({ type: 'track', event: 'Product Viewed', anonymousId: 'df_tiktok0visitor', messageId: `tt-split-${x}`, properties: { product_id: x }, context: { consent: { advertising: true } } })) }),
    });
    assert.equal(res.status, 200);
    const tries: RecordedRequest[] = await waitUntil(async () => {
      const list = sim.requests({ path: PATH }).filter((r) => JSON.stringify(r.json).includes('tt-split-'));
      return list.length >= 3 && list;
    }, 'the halves');
    assert.deepEqual(tries.map((r) => (r.json as { data: unknown[] }).data.length), [2, 1, 1]);
    const refused = (tries[1]!.json as { data: Array<{ event_id: string }> }).data[0]!.event_id;
    assert.equal((await waitForDeadLetter(signal, integrationId, refused)).reason, 'TikTok refused the event (code 40002): data.0.properties.currency: Not a valid currency (request_id r-2)');
    const other = refused === 'tt-split-x' ? 'tt-split-y' : 'tt-split-x';
    assert.equal((await signal.delivery.list(integrationId, { messageId: other }, 5)).total, 0, 'the other is delivered');

    sim.script('POST', PATH, [{ status: 200, body: { code: 40105, message: 'The access token is invalid or expired.', request_id: 'r-3', data: {} } }]);
    await browser({ type: 'page', messageId: 'tt-token-1', context: { page: { url: 'https://shop.example.com/' } } });
    const dead = await waitForDeadLetter(signal, integrationId, 'tt-token-1');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'TikTok refused the access token (code 40105): The access token is invalid or expired. Generate a new token in TikTok Events Manager (your pixel > Settings > Events API > Generate Access Token), then update config.access_token (request_id r-3)');
  });

  test('the default variant: the funnel as standard events, a custom event\'s properties without contact information, the click id from the ttclid cookie', async () => {
    const other = await signal.pipeline('TikTok default site');
    const pixel = 'C5DEFAULT1234GHIJ567';
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/tiktok/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'TikTok default', variant: 'default', pipeline_id: other.id, delivery_mode: 'server_side', consent_categories: ['advertising'], config: { pixel_code: pixel, access_token: TOKEN } }),
    });
    assert.equal(res.status, 201, await res.text());
    const cookies = '_ttp=2F7h37YkS1j57AYSKTI7IHhJPYH; ttclid=E.C.P.fromcookie';
    await browser({ type: 'track', event: 'Product Added', messageId: 'tt-default-cart', properties: { product_id: 'SKU-100', name: 'Trail Shoe', price: '24.99', quantity: 2, currency: 'eur' }, context: { page: { url: 'https://shop.example.com/p/100' } } }, cookies, other.key);
    const cart = await sentEvent('tt-default-cart');
    assert.equal((cart.request.json as { event_source_id: string }).event_source_id, pixel);
    assert.deepEqual([cart.event.event, cart.event.properties, cart.event.user.ttclid], ['AddToCart', {
      content_type: 'product', currency: 'EUR', contents: [{ content_id: 'SKU-100', content_type: 'product', content_name: 'Trail Shoe', price: 24.99, quantity: 2 }], value: 49.98,
    }, 'E.C.P.fromcookie'], 'a standard event with contents, not a custom one; the click id kept in the first-party cookie');
    await browser({
      type: 'track', event: 'Video Shared', messageId: 'tt-default-custom', context: { page: { url: 'https://shop.example.com/v/1' } },
      properties: { video_id: 'v-1', name: 'Jane Doe', contact: '+44 7700 900123', customer: { email: 'jane@example.com', name: 'Jane Doe' }, items: [{ buyer_email: 'jane@example.com', name: 'Clip' }] },
    }, cookies, other.key);
    const custom = await sentEvent('tt-default-custom');
    assert.deepEqual([custom.event.event, custom.event.properties], ['Video Shared', { video_id: 'v-1', items: [{ name: 'Clip' }] }]);
    const text = JSON.stringify(custom.request.json);
    for (const raw of ['jane@example.com', 'Jane Doe', '7700 900123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('an install with the pixel\'s numeric ID is refused, naming the field and what it expects', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/tiktok/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'TikTok wrong id', variant: 'default', config: { pixel_code: '7301234567890123456', access_token: TOKEN } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.match(JSON.stringify(error), /config\.pixel_code.*is all digits \(7301234567890123456\): that is the pixel's numeric ID; give its Pixel Code/);
  });
});
