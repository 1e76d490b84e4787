// End to end: browser and server calls through the real collect API, the queue and the delivery
// engine to the vendor simulator standing in for Yahoo's identity server (id.b2b.yahooinc.com)
// and both CAPI hosts (batch. and streaming.datax.yahoo.com), which must receive exactly the
// documented token request — its HS256 client assertion checked with the secret — and CAPI
// request; and Yahoo's failure answers handled: a PARTIAL answer halved to the refused event, a
// 429, a 5xx and a timeout retried, a 401 renewing the token once, refused credentials and a
// pixel not allow-listed dead-lettered with what to fix; an event with no Yahoo name not sent.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const CLIENT_ID = '197031e8-1546-410f-84e3-cd6c38dbcec0';
const CLIENT_SECRET = 'yahoo-e2e-secret-0123456789';
const WRONG_SECRET = 'yahoo-e2e-wrong-secret-0123456789';
const PIXEL = '10012345';
const STREAMING_PIXEL = '10099999';
const FORBIDDEN_PIXEL = '10066666';
const TOKEN_PATH = '/identity/oauth2/access_token';
const PATH = `/v1/events/${PIXEL}`;
const VISITOR = 'df_yahoo0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const COMPLETE = { status: 200, body: { success: 'COMPLETE', message: 'OK' } };

// any: Yahoo's JSON events, read field by field in assertions.
type YahooEvent = Record<string, any>;

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** Access tokens the identity server issued, in order; the simulated CAPI refuses those in `revoked`. */
const issued: string[] = [];
const revoked = new Set<string>();

const eventsOf = (request: RecordedRequest): YahooEvent[] => (Array.isArray(request.json) ? request.json as YahooEvent[] : []);
const yahooEvents = (path = PATH) => sim.requests({ path }).flatMap((request) => eventsOf(request).map((event) => ({ request, event })));
const sent = (messageId: string, path = PATH) => yahooEvents(path).filter(({ event }) => event.eventId === messageId);
const yahooEvent = (messageId: string, path = PATH) => waitUntil(async () => sent(messageId, path)[0], `${messageId} sent to Yahoo`);
const delivered = async (messageId: string, id = integrationId) => (await signal.delivery.list(id, { messageId }, 5)).total === 0;
const tokenRequests = () => sim.requests({ path: TOKEN_PATH });
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const now = () => new Date().toISOString();

/** The identity server: checks the form and the assertion's HS256 signature with the client's secret, as Yahoo's does. */
const identityServer = (request: RecordedRequest) => {
  const form = new URLSearchParams(request.body);
  const [header = '', claims = '', signature = ''] = (form.get('client_assertion') ?? '').split('.');
  const expected = createHmac('sha256', CLIENT_SECRET).update(`${header}.${claims}`).digest('base64url');
  const claimed = JSON.parse(Buffer.from(claims, 'base64url').toString() || '{}') as Record<string, unknown>;
  if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'dsp-api-access' || form.get('realm') !== 'dsp'
    || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return { status: 400, body: { error: 'invalid_request', error_description: 'malformed request' } };
  if (signature !== expected || claimed.iss !== CLIENT_ID || claimed.aud !== `https://id.b2b.yahooinc.com${TOKEN_PATH}?realm=dsp`) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
  const token = `eyJ.yahoo-access-token-${issued.length + 1}`;
  issued.push(token);
  return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: 600 } };
};
/** The CAPI: every request taken, unless the token is unknown or revoked, or the pixel is not allow-listed. */
const capi = (request: RecordedRequest) => {
  const token = bearer(request);
  if (!issued.includes(token) || revoked.has(token)) return { status: 401, body: { message: 'Unauthorized' } };
  if (request.path.endsWith(FORBIDDEN_PIXEL)) return { status: 403, body: { message: 'Pixel not allow-listed for this client' } };
  return COMPLETE;
};

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, with advertising consent and the page. */
const browser = (call: Record<string, unknown>, cookies = '', key = site.key) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });
/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, ip: VISITOR_IP, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });
const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'yahoo_capi', name, {
  config: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, pixel_id: PIXEL, event_names: { 'Demo Requested': 'lead' }, ...config }, consentCategories: ['advertising'],
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, identityServer);
  for (const pixel of [PIXEL, STREAMING_PIXEL, FORBIDDEN_PIXEL]) sim.setDefault('POST', `/v1/events/${pixel}`, capi);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://id.b2b.yahooinc.com=${sim.url},https://batch.datax.yahoo.com=${sim.url},https://streaming.datax.yahoo.com=${sim.url}`,
    SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'yahoo_capi', vendors: ['yahoo_capi'] });
  ({ site, integrationId } = await install('Yahoo shop', {}));
});
after(() => closeAll(signal, sim));

describe('Yahoo DSP Conversion API', () => {
  test('a purchase from the browser: one token request with a signed assertion, the documented CAPI request, email and phone hashed, the click id', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'yc-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3, category: 'Shoes' }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks?email=jane%40example.com' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123' } },
    }, '_dfvmcid=vm-click-e2e; other=1');
    const { request, event } = await yahooEvent('yc-order-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    assert.deepEqual(tokenRequests()[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, PATH);
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.accept, 'application/json');
    assert.deepEqual(event, {
      eventName: 'purchase', eventId: 'yc-order-1', eventTs: Date.parse(timestamp), actionSource: 'web', actionSourceUrl: 'https://shop.example.com/checkout/thanks',
      userData: { email: [sha256('jane.doe@example.com')], phone: [sha256('+14155550123')], ip_address: VISITOR_IP, userAgent: VISITOR_UA },
      eventData: { price: 74.97, products: [{ category: 'Shoes' }], customKeyValues: { order_id: 'ORD-7001', currency: 'USD' } },
      clickData: { vmcid: 'vm-click-e2e' },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '(415)', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal in clear`);
    // The token is kept and reused.
    await browser({ type: 'page', name: 'Pricing', messageId: 'yc-page-1' });
    assert.equal((await yahooEvent('yc-page-1')).event.eventName, 'page_view');
    assert.equal(tokenRequests().length, 1, 'the token is kept and reused');
  });

  test('an event the config names is sent under its name; one Yahoo has no name for is not sent', async () => {
    const before = await integrationStats(signal, integrationId, ['dropped']);
    await browser({ type: 'track', event: 'Demo Requested', messageId: 'yc-demo-1', properties: { value: 50, currency: 'EUR' } });
    await browser({ type: 'track', event: 'Products Searched', messageId: 'yc-search-1', properties: { query: 'socks' } });
    const demo = (await yahooEvent('yc-demo-1')).event;
    assert.deepEqual([demo.eventName, demo.eventData], ['lead', { price: 50, customKeyValues: { currency: 'EUR' } }]);
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['dropped'])).dropped > before.dropped || undefined, 'Products Searched dropped');
    assert.equal(sent('yc-search-1').length, 0);
  });

  test('a PARTIAL answer: halves find the refused event, which alone is dead-lettered with Yahoo\'s message; the others are delivered', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('yc-batch-bad')
      ? { status: 200, body: { success: 'PARTIAL', message: 'eventTs is outside the accepted window' } }
      : capi(request)));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed Up', messageId: `yc-batch-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'yc-batch-bad')).reason, 'Yahoo refused the event (HTTP 200, PARTIAL: eventTs is outside the accepted window)');
      for (const ok of ['yc-batch-ok1', 'yc-batch-ok2']) assert.ok(await waitUntil(async () => (sent(ok).length >= 2 && (await delivered(ok))) || undefined, `${ok} sent again and delivered`));
      assert.equal(sent('yc-batch-ok1')[0]!.request, sent('yc-batch-bad')[0]!.request, 'first sent together, in one request');
      assert.equal(sent('yc-batch-ok1')[0]!.event.eventName, 'sign_up');
    } finally {
      sim.setDefault('POST', PATH, capi);
    }
  });

  test('a 429, a 503 and a timeout are retried, then the event is delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '1' } }, { status: 503, body: 'upstream connect error' }, { hang: true }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'yc-retry', properties: { product_id: 'SKU-1', name: 'Sock', price: 3, currency: 'EUR' } });
    await waitUntil(async () => sent('yc-retry').length >= 4 || undefined, 'the tries after the 429, the 503 and the timeout', 30_000);
    assert.ok(await waitUntil(async () => (await delivered('yc-retry')) || undefined, 'delivered after the failures'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('yc-retry').length, 4, 'the 429, the 503, the timeout, then the delivery, no more');
    assert.deepEqual([sent('yc-retry')[3]!.event.eventName, sent('yc-retry')[3]!.event.eventData], ['add_to_cart', { price: 3, customKeyValues: { currency: 'EUR' } }]);
  });

  test('a 401 renews the token once and sends again: the event is delivered with the new token', async () => {
    const before = tokenRequests().length;
    const old = issued.at(-1)!;
    revoked.add(old);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'yc-renew' });
    const tries = await waitUntil(async () => sent('yc-renew').length >= 2 && sent('yc-renew'), 'the request sent again after the renewal');
    assert.deepEqual(tries.map(({ request }) => bearer(request)), [old, issued.at(-1)], 'first with the refused token, then with the new one');
    assert.equal(tokenRequests().length, before + 1, 'one renewal');
    assert.ok(await waitUntil(async () => (await delivered('yc-renew')) || undefined, 'delivered with the new token'));
  });

  test('refused credentials dead-letter with what to check, nothing reaching the CAPI; a pixel not allow-listed dead-letters at the first try', async () => {
    const refused = await install('Yahoo wrong secret', { client_secret: WRONG_SECRET });
    await browser({ type: 'track', event: 'Signed Up', messageId: 'yc-badsecret' }, '', refused.site.key);
    const dead = await waitForDeadLetter(signal, refused.integrationId, 'yc-badsecret');
    assert.match(dead.reason ?? '', /^access token: Yahoo's identity server refused the DSP API credentials \(HTTP 401, invalid_client: Client authentication failed\): check config\.client_id and config\.client_secret/);
    assert.equal(sent('yc-badsecret').length, 0);
    assert.equal(JSON.stringify(dead).includes(WRONG_SECRET), false, 'the secret is in no dead letter');

    const forbidden = await install('Yahoo forbidden pixel', { pixel_id: FORBIDDEN_PIXEL });
    await browser({ type: 'track', event: 'Signed Up', messageId: 'yc-forbidden' }, '', forbidden.site.key);
    const refusedPixel = await waitForDeadLetter(signal, forbidden.integrationId, 'yc-forbidden');
    assert.equal(refusedPixel.attempts, 1, 'not retried: resending cannot help');
    assert.match(refusedPixel.reason ?? '', new RegExp(`^Yahoo: these credentials may not send events to pixel ${FORBIDDEN_PIXEL} \\(HTTP 403, Pixel not allow-listed for this client\\)`));
  });

  test('the streaming endpoint by config: the same request on streaming.datax.yahoo.com', async () => {
    const streaming = await install('Yahoo streaming', { pixel_id: STREAMING_PIXEL, endpoint: 'streaming' });
    await browser({ type: 'track', event: 'Lead Generated', messageId: 'yc-stream-1', properties: { value: 10, currency: 'USD' } }, '', streaming.site.key);
    const { event } = await yahooEvent('yc-stream-1', `/v1/events/${STREAMING_PIXEL}`);
    assert.deepEqual([event.eventName, event.eventData], ['lead', { price: 10, customKeyValues: { currency: 'USD' } }]);
    assert.ok(await waitUntil(async () => (await delivered('yc-stream-1', streaming.integrationId)) || undefined, 'delivered'));
  });
});
