// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for ads-api.x.com, which must receive exactly the request X's
// Conversion API documents, signed with OAuth 1.0a as X verifies it; and X's failure answers
// handled as documented (a rate limit, a 5xx, a stale OAuth timestamp, an event id X refuses).
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIXEL = 'o8z6j';
const PATH = `/12/measurement/conversions/${PIXEL}`;
/** The URL Signal signs: X's own, whatever SIGNAL_VENDOR_REDIRECTS sends it to. */
const SIGNED_URL = `https://ads-api.x.com${PATH}`;
const CREDENTIALS = {
  consumer_key: 'xvz1evFS4wEEPTGEFPHBog', consumer_secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  access_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', access_token_secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
const EVENTS = { 'Order Completed': 'tw-o8z6j-o87ne', 'Product Added': 'tw-o8z6j-o87ni', page: 'tw-o8z6j-o87ng', 'Signed Up': 'tw-o8z6j-o87nf' };
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const TWCLID = '23opevjt88psuo13lu8d020qkn';

interface XConversion {
  conversion_time: string;
  event_id: string;
  identifiers: Array<Record<string, string>>;
  conversion_id: string;
  [key: string]: unknown;
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const conversionsOf = (request: RecordedRequest) => (request.json as { conversions?: XConversion[] }).conversions ?? [];
const sent = (messageId: string) => sim.requests({ path: PATH }).flatMap((request) => conversionsOf(request).filter((c) => c.conversion_id === messageId).map((conversion) => ({ request, conversion })));
const sentOnce = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to X`);
const delivered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
/** X's answer to a request whose conversions were all processed. */
const processedAll = (request: RecordedRequest) => ({ status: 200, body: { data: { conversions_processed: conversionsOf(request).length, debug_id: 'e2e-debug' }, request: { params: { pixel_id: PIXEL } } } });
const now = () => new Date().toISOString();

const visitor: Visitor = { id: 'df_x0visitor01', ip: VISITOR_IP, userAgent: VISITOR_UA };
const consent = { advertising: true };
/** A browser call as the site's SDK sends it, with advertising consent and a page. */
const browser = (call: Record<string, unknown>, cookies = `_dftwclid=${TWCLID}`) =>
  sendBrowserCall(signal, site.key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent, page: { url: 'https://shop.example.com/' } } });

/** The Authorization header's parameters, decoded. */
function oauthParams(header: string | undefined): Record<string, string> {
  assert.ok(header !== undefined && header.startsWith('OAuth '), `an OAuth header: ${header}`);
  return Object.fromEntries(header.slice(6).split(', ').map((pair) => {
    const [, name, value] = /^([a-z_]+)="([^"]*)"$/.exec(pair) ?? [];
    assert.ok(name, pair);
    return [name, decodeURIComponent(value!)];
  }));
}

/** The signature X computes for a JSON POST to `url` (RFC 5849 §3.4, written out here, independently of the plugin's). */
function xSignature(url: string, params: Record<string, string>): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const normalized = Object.entries(params).filter(([k]) => k !== 'oauth_signature').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const key = `${enc(CREDENTIALS.consumer_secret)}&${enc(CREDENTIALS.access_token_secret)}`;
  return createHmac('sha1', key).update(`POST&${enc(url)}&${enc(normalized)}`).digest('base64');
}

/** Asserts the request is signed as X verifies it, at a time near now; its OAuth parameters. */
function assertSigned(request: RecordedRequest): Record<string, string> {
  const params = oauthParams(request.headers.authorization);
  assert.deepEqual([params.oauth_consumer_key, params.oauth_token, params.oauth_signature_method, params.oauth_version], [CREDENTIALS.consumer_key, CREDENTIALS.access_token, 'HMAC-SHA1', '1.0']);
  assert.ok(Math.abs(Number(params.oauth_timestamp) - Date.now() / 1000) < 120, `a timestamp of now (${params.oauth_timestamp})`);
  assert.equal(params.oauth_signature, xSignature(SIGNED_URL, params), 'the signature X computes');
  return params;
}

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, processedAll);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://ads-api.x.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'x_ads', vendors: ['x_ads'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'x_ads', 'X shop', { config: { pixel_id: PIXEL, conversion_events: EVENTS, ...CREDENTIALS }, variant: 'retail', consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('X Ads Conversion API', () => {
  test('a landing page\'s twclid: kept by collect in Signal\'s _dftwclid for 90 days; the page visit sent with it, signed as X verifies', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: '_dfdid=df_x0landing01' },
      body: JSON.stringify({ writeKey: site.key, timestamp: now(), messageId: 'x-landing-1', context: { consent, page: { url: `https://shop.example.com/shoes?utm_source=x&twclid=${TWCLID}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const setCookies = res.headers.getSetCookie();
    assert.equal(setCookies.some((c) => c.startsWith('_twclid=')), false, `the X Pixel's cookie is its own: ${JSON.stringify(setCookies)}`);
    assert.equal(setCookies.find((c) => c.startsWith('_dftwclid=')), `_dftwclid=${TWCLID}; Max-Age=7776000; Path=/; SameSite=Lax`, 'the click id itself, 90 days');

    const { request, conversion } = await sentOnce('x-landing-1');
    assert.equal(request.method, 'POST');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['conversions']);
    assert.deepEqual(conversion, {
      conversion_time: conversion.conversion_time, event_id: 'tw-o8z6j-o87ng',
      identifiers: [{ twclid: TWCLID }, { ip_address: VISITOR_IP, user_agent: VISITOR_UA }], conversion_id: 'x-landing-1',
    });
    assert.match(conversion.conversion_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601 in UTC');
    assertSigned(request);
  });

  test('a purchase days later: the documented request — hashed email and phone, value, currency, item count, contents — signed as X verifies', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'x-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', category: 'Shoes', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888' } },
    });
    const { request, conversion } = await sentOnce('x-order-1');
    assert.deepEqual(conversion, {
      conversion_time: new Date(Date.parse(timestamp)).toISOString(), event_id: 'tw-o8z6j-o87ne',
      identifiers: [{ twclid: TWCLID }, { hashed_email: sha256('jane.doe@example.com') }, { hashed_phone_number: sha256('+16169547888') }, { ip_address: VISITOR_IP, user_agent: VISITOR_UA }],
      number_items: 3, price_currency: 'USD', value: '74.97', conversion_id: 'x-order-1',
      contents: [{ content_id: 'SKU-100', content_name: 'Trail Shoe', content_type: 'Shoes', content_price: '24.99', num_items: 3 }],
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '9547888', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
    const wire = JSON.stringify(request.headers);
    for (const secret of [CREDENTIALS.consumer_secret, CREDENTIALS.access_token_secret]) assert.equal(wire.includes(secret), false, 'secrets sign, they are never sent');
    assertSigned(request);
    // An event no X event is configured for is not sent; retail sends the funnel only.
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'x-other-1' });
    await browser({ type: 'track', event: 'Signed Up', messageId: 'x-signup-1', context: { traits: { email: 'a@example.com' } } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual([sent('x-other-1').length, sent('x-signup-1').length], [0, 0]);
  });

  test('a 429 with X\'s reset time then success: sent again after the wait, signed afresh, delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { errors: [{ code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded' }] }, headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 1) } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'x-429', properties: { product_id: 'SKU-1', price: 3, currency: 'EUR' } });
    const tries = await waitUntil(async () => (sent('x-429').length >= 2 ? sent('x-429') : undefined), 'the try after the rate limit');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('x-429').length, 2, 'one refused try and one delivered, no more');
    const [first, second] = tries.map(({ request }) => assertSigned(request));
    assert.notEqual(first!.oauth_nonce, second!.oauth_nonce, 'a new delivery, a new nonce');
    assert.equal(await delivered('x-429'), true);
  });

  test('a 503 then success, and a stale OAuth timestamp (401, code 135): retried and delivered, not dead-lettered', async () => {
    sim.script('POST', PATH, [{ status: 503, body: { errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable' }] } }, { status: 401, body: { errors: [{ code: 135, message: 'Timestamp out of bounds.' }] } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'x-retry', properties: { order_id: 'ORD-R', revenue: 5, currency: 'USD' } });
    await waitUntil(async () => (sent('x-retry').length >= 3 ? true : undefined), 'three tries');
    await waitUntil(async () => (await delivered('x-retry')) || undefined, 'delivered');
    const log = await signal.graphql<{ deliveryLog: Array<{ responseStatus: number | null }> }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 50) { responseStatus } }', { id: integrationId });
    const statuses = log.body.data!.deliveryLog.map((entry) => entry.responseStatus);
    assert.ok(statuses.includes(503) && statuses.includes(401), `the 503 and the 401 are in the delivery log: ${JSON.stringify(statuses)}`);
    assert.equal(sent('x-retry').length, 3);
    assert.deepEqual([sent('x-retry')[0]!.conversion.value, sent('x-retry')[0]!.conversion.price_currency], ['5.00', 'USD'], 'a whole amount with its decimal point, as X\'s example writes it');
  });

  test('an event id X refuses (400: not a single event tag) dead-letters at the first try with X\'s message and what to fix', async () => {
    sim.script('POST', PATH, [{ status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: 'Event_id (o87ni) is not a single event tag (SET)' }], request: { params: { pixel_id: PIXEL } } } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'x-set', properties: { product_id: 'SKU-2', price: 1, currency: 'EUR' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'x-set');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'X refused event id tw-o8z6j-o87ni (HTTP 400, INVALID_PARAMETER: Event_id (o87ni) is not a single event tag (SET)): config.conversion_events must name events of pixel o8z6j created in Events Manager (their ID, tw-<pixel id>-<event id>); fix it in a new revision, then replay the dead letters');
    const letter = JSON.stringify(dead);
    for (const secret of Object.values(CREDENTIALS)) assert.equal(letter.includes(secret), false, 'no credential in the dead letter');
    assert.equal(sent('x-set').length, 1);
  });

  test('X refuses a request for one conversion without naming it: halves find it, it alone is dead-lettered with X\'s words; the others are delivered, not lost', async () => {
    // X's documented 400: the field in `parameter`, not the conversion; the whole request refused.
    const refusal = { status: 400, body: { errors: [{ code: 'INVALID_PARAMETER', message: 'Expected Time in yyyy-MM-ddTHH:mm:ss.SSSZ, got "x" for conversion_time', parameter: 'conversion_time' }], request: { params: { pixel_id: PIXEL } } } };
    sim.setDefault('POST', PATH, (request) => (conversionsOf(request).some((c) => c.conversion_id === 'x-split-bad') ? refusal : processedAll(request)));
    try {
      const res = await fetch(`${signal.collectUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}`, 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA },
        body: JSON.stringify({ batch: ['ok1', 'bad', 'ok2'].map((x) => ({ type: 'track', event: 'Order Completed', messageId: `x-split-${x}`, anonymousId: 'df_x0visitor01', timestamp: now(), properties: { order_id: x, revenue: 3, currency: 'USD' }, context: { consent, page: { url: 'https://shop.example.com/' }, traits: { email: `${x}@example.com` } } })) }),
      });
      assert.equal(res.status, 200, await res.text());
      const dead = await waitForDeadLetter(signal, integrationId, 'x-split-bad');
      assert.equal(dead.reason, 'X refused the conversion (HTTP 400, INVALID_PARAMETER: Expected Time in yyyy-MM-ddTHH:mm:ss.SSSZ, got "x" for conversion_time (conversion_time))');
      for (const id of ['x-split-ok1', 'x-split-ok2']) await waitUntil(async () => (sent(id).length > 0 && (await delivered(id))) || undefined, `${id} delivered`);
      const together = sim.requests({ path: PATH }).filter((request) => conversionsOf(request).length > 1 && conversionsOf(request).some((c) => c.conversion_id === 'x-split-bad'));
      assert.ok(together.length > 0, 'the three went in one request first: the split path was taken');
      assert.equal((await signal.delivery.list(integrationId, { messageId: 'x-split-ok1' }, 5)).total, 0);
    } finally {
      sim.setDefault('POST', PATH, processedAll);
    }
  });

  test('the pixel\'s Conversion API access token: sent in X-Pixel-Token, no OAuth; masked in the delivery log; X\'s 401 dead-letters naming it', async () => {
    const PIXEL_TOKEN = 'e2e-pixel-token-0123456789abcdef';
    const tokenPipeline = await installOnNewPipeline(signal, 'x_ads', 'X shop (pixel token)', { config: { pixel_id: PIXEL, conversion_events: EVENTS, pixel_access_token: PIXEL_TOKEN }, variant: 'retail', consentCategories: ['advertising'] });
    const send = (call: Record<string, unknown>) => sendBrowserCall(signal, tokenPipeline.site.key, call, { ...visitor, cookies: `_dftwclid=${TWCLID}` }, { timestamp: now(), context: { consent, page: { url: 'https://shop.example.com/' } } });
    await send({ type: 'track', event: 'Order Completed', messageId: 'x-token-1', properties: { order_id: 'ORD-T', revenue: 20, currency: 'USD' } });
    const { request, conversion } = await sentOnce('x-token-1');
    assert.equal(request.headers['x-pixel-token'], PIXEL_TOKEN);
    assert.equal(request.headers.authorization, undefined, 'no OAuth signature beside the token');
    assert.deepEqual([conversion.event_id, conversion.value, conversion.identifiers[0]], ['tw-o8z6j-o87ne', '20.00', { twclid: TWCLID }]);
    await waitUntil(async () => (await signal.delivery.list(tokenPipeline.integrationId, { messageId: 'x-token-1' }, 5)).total === 0 || undefined, 'delivered');
    const log = await signal.graphql<{ deliveryLog: Array<{ request: { headers: Record<string, string> } }> }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 5) { request } }', { id: tokenPipeline.integrationId });
    const logged = JSON.stringify(log.body.data!.deliveryLog);
    assert.ok(logged.includes('x-pixel-token'), logged);
    assert.equal(logged.includes(PIXEL_TOKEN), false, 'the token is masked in the delivery log');

    sim.script('POST', PATH, [{ status: 401, body: { errors: [{ code: 'UNAUTHORIZED_ACCESS', message: 'This request is not properly authenticated' }] } }]);
    await send({ type: 'track', event: 'Order Completed', messageId: 'x-token-401', properties: { order_id: 'ORD-U', revenue: 1, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, tokenPipeline.integrationId, 'x-token-401');
    assert.equal(dead.attempts, 1);
    assert.match(dead.reason, /^X refused the pixel's Conversion API access token \(HTTP 401, UNAUTHORIZED_ACCESS: This request is not properly authenticated\)\. Check config\.pixel_access_token/);
    assert.equal(JSON.stringify(dead).includes(PIXEL_TOKEN), false, 'no token in the dead letter');
  });

  test('a preview shows the signed request with the header masked, sending nothing', async () => {
    const before = sim.requests({ path: PATH }).length;
    const events = [{
      type: 'track', event: 'Order Completed', messageId: 'x-preview-1', anonymousId: 'df_x0visitor01', timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-P', revenue: 12, currency: 'USD', products: [{ product_id: 'SKU-1', price: 12, quantity: 1 }] },
      context: { ip: VISITOR_IP, userAgent: VISITOR_UA, page: { url: `https://shop.example.com/thanks?twclid=${TWCLID}` } },
    }];
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; headers: Record<string, string>; body: { conversions: XConversion[] } }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'x_ads', variant: 'retail', pipelineId: site.id, config: { pixel_id: PIXEL, conversion_events: EVENTS, ...CREDENTIALS } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const [result] = preview.body.data!.previewIntegration.results;
    assert.deepEqual(result!.errors, []);
    const [request] = result!.requests;
    assert.equal(request!.url, SIGNED_URL);
    assert.equal(request!.headers.authorization?.includes(CREDENTIALS.access_token), false, 'the header is masked');
    assert.deepEqual(request!.body.conversions[0]!.identifiers[0], { twclid: TWCLID });
    assert.equal(sim.requests({ path: PATH }).length, before, 'nothing sent');
  });
});
