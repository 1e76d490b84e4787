// End to end: browser and server calls through the real collect API, the queue and the
// delivery engine to the vendor simulator standing in for b.applovin.com, which must receive
// exactly the request AppLovin's Conversion API documents; the landing URL's aleid kept in
// Signal's first-party cookie; and AppLovin's failure answers handled (a refused batch halved to
// the refused event or settled per event when the answer names it, a 429, a 5xx and a timeout
// retried, a refused key dead-lettered at once); an event Axon has no name for not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIXEL = 'evk-e2e-4242';
const KEY = 'capi-e2e-key-0123456789abcdef';
const PATH = '/v1/event';
const VISITOR = 'df_applovin0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SUCCESS = { status: 200, body: {} };

/** The fields of an Axon server event the assertions read. */
interface AxonEvent {
  name: string;
  event_time: number;
  event_source_url: string;
  dedupe_id: string;
  data: Record<string, unknown> | null;
  user_data: Record<string, unknown>;
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const eventsOf = (request: RecordedRequest) => ((request.json as { events?: AxonEvent[] }).events ?? []);
const axonEvents = (): Array<{ request: RecordedRequest; event: AxonEvent }> => sim.requests({ path: PATH }).flatMap((request) => eventsOf(request).map((event) => ({ request, event })));
const sent = (messageId: string) => axonEvents().filter(({ event }) => event.dedupe_id === messageId);
const axonEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to AppLovin`);
const delivered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, with advertising consent and the page. */
const browser = (call: Record<string, unknown>, cookies = '') =>
  sendBrowserCall(signal, site.key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });
/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, ip: VISITOR_IP, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, () => SUCCESS);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://b.applovin.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000' }, { label: 'applovin', vendors: ['applovin'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'applovin', 'AppLovin shop', { config: { pixel_id: PIXEL, api_key: KEY, event_names: { 'Demo Requested': 'generate_lead' } }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('AppLovin Axon Conversion API', () => {
  test('the landing URL\'s aleid is kept in _dfaleid (never the Pixel\'s _axeid); the purchase later is the documented request, email and phone hashed', async () => {
    const click = 'ck-0f8d2c1e7b4a';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: `_dfdid=${VISITOR}` },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'al-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=axon&aleid=${click}` } } }),
    });
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    const kept = cookies.find((cookie) => cookie.startsWith('_dfaleid='));
    assert.ok(kept, 'the click id kept in Signal\'s first-party cookie');
    assert.match(kept, new RegExp(`^_dfaleid=${click};`));
    assert.match(kept, /Max-Age=2592000/, '30 days');
    assert.equal(cookies.some((cookie) => cookie.startsWith('_axeid=')), false, 'the Axon Pixel\'s cookie is never written');
    const landing = (await axonEvent('al-landing')).event;
    assert.deepEqual([landing.name, landing.data, landing.event_source_url, landing.user_data.aleid], ['page_view', null, `https://shop.example.com/?utm_source=axon&aleid=${click}`, click]);

    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'al-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks?email=jane%40example.com' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123' } },
    }, `_dfaleid=${click}; _axwrt=axw-1`);
    const { request, event } = await axonEvent('al-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, PATH);
    assert.deepEqual(request.query, { pixel_id: PIXEL });
    assert.equal(request.headers.authorization, KEY);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(event, {
      name: 'purchase', event_time: Date.parse(timestamp), event_source_url: 'https://shop.example.com/checkout/thanks', dedupe_id: 'al-order-1',
      data: { currency: 'USD', value: 74.97, transaction_id: 'ORD-7001', items: [{ item_id: 'SKU-100', item_name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      user_data: {
        email: sha256('jane.doe@example.com'), phone: sha256('14155550123'), client_ip_address: VISITOR_IP, client_user_agent: VISITOR_UA, client_id: VISITOR, user_id: 'user-123',
        aleid: click, axwrt: 'axw-1', esi: 'web',
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '(415)']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal in clear`);
  });

  test('an event the config names as its Axon event is sent; one Axon has no event for is not', async () => {
    const before = await integrationStats(signal, integrationId, ['dropped']);
    await browser({ type: 'track', event: 'Demo Requested', messageId: 'al-demo-1', properties: { value: 50, currency: 'EUR' } });
    await browser({ type: 'track', event: 'Feature Used', messageId: 'al-feature-1' });
    const demo = (await axonEvent('al-demo-1')).event;
    assert.deepEqual([demo.name, demo.data], ['generate_lead', { currency: 'EUR', value: 50 }]);
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['dropped'])).dropped > before.dropped || undefined, 'Feature Used dropped');
    assert.equal(sent('al-feature-1').length, 0);
  });

  test('a refused batch naming no event: halves find the refused event, dead-lettered alone with AppLovin\'s words; the others delivered', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('al-batch-bad')
      ? { status: 400, body: '', headers: { 'x-al-error-code': 'INVALID_EVENT', 'x-al-error-message': 'Invalid event' } }
      : SUCCESS));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed Up', messageId: `al-batch-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'al-batch-bad')).reason, 'AppLovin refused the event (HTTP 400, Invalid event (code INVALID_EVENT))');
      for (const ok of ['al-batch-ok1', 'al-batch-ok2']) assert.ok(await waitUntil(async () => (sent(ok).length >= 2 && (await delivered(ok))) || undefined, `${ok} sent again and delivered`));
      assert.equal(sent('al-batch-ok1')[0]!.request, sent('al-batch-bad')[0]!.request, 'first sent together, in one request');
      assert.equal(sent('al-batch-ok1')[0]!.event.name, 'sign_up');
    } finally {
      sim.setDefault('POST', PATH, () => SUCCESS);
    }
  });

  test('a refused batch answered in bare text without x-al headers: halved too, the refused event alone dead-lettered, the valid ones delivered', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('al-json-bad')
      ? { status: 400, body: 'Invalid event', headers: { 'content-type': 'text/plain' } }
      : SUCCESS));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed In', messageId: `al-json-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'al-json-bad')).reason, 'AppLovin refused the event (HTTP 400, Invalid event)');
      for (const ok of ['al-json-ok1', 'al-json-ok2']) assert.ok(await waitUntil(async () => (sent(ok).length >= 2 && (await delivered(ok))) || undefined, `${ok} sent again and delivered`));
    } finally {
      sim.setDefault('POST', PATH, () => SUCCESS);
    }
  });

  test('the axwrt the site\'s server keeps (AppLovin\'s enhanced user identification) is sent when the Pixel\'s _axwrt is gone', async () => {
    await browser({ type: 'track', event: 'Signed Up', messageId: 'al-axwrt-http' }, 'axwrt=w-http-77');
    assert.equal((await axonEvent('al-axwrt-http')).event.user_data.axwrt, 'w-http-77');
  });

  test('a refused batch naming its event: that one dead-lettered, the others sent again at once without it', async () => {
    sim.setDefault('POST', PATH, (request) => {
      const events = eventsOf(request as RecordedRequest);
      const bad = events.findIndex((event) => event.dedupe_id === 'al-named-bad');
      return bad >= 0 ? { status: 400, body: '', headers: { 'x-al-error-message': `events[${bad}]: data.items is invalid` } } : SUCCESS;
    });
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed Up', messageId: `al-named-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'al-named-bad')).reason, 'AppLovin refused the event (HTTP 400, events[1]: data.items is invalid)');
      for (const ok of ['al-named-ok1', 'al-named-ok2']) assert.ok(await waitUntil(async () => (sent(ok).length === 2 && (await delivered(ok))) || undefined, `${ok} sent again once and delivered`));
      assert.equal(sent('al-named-bad').length, 1, 'the named event is not sent again');
    } finally {
      sim.setDefault('POST', PATH, () => SUCCESS);
    }
  });

  test('a 429, a 503 and a timeout are retried, then the event is delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: '', headers: { 'retry-after': '1' } }, { status: 503, body: 'upstream connect error' }, { hang: true }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'al-retry', properties: { product_id: 'SKU-1', name: 'Sock', price: 3, currency: 'EUR' } });
    await waitUntil(async () => sent('al-retry').length >= 4 || undefined, 'the tries after the 429, the 503 and the timeout', 30_000);
    assert.ok(await waitUntil(async () => (await delivered('al-retry')) || undefined, 'delivered after the failures'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('al-retry').length, 4, 'the 429, the 503, the timeout, then the delivery, no more');
    assert.deepEqual([sent('al-retry')[3]!.event.name, sent('al-retry')[3]!.event.data], ['add_to_cart', { currency: 'EUR', value: 3, items: [{ item_id: 'SKU-1', item_name: 'Sock', price: 3, quantity: 1 }] }]);
  });

  test('a refused key dead-letters at the first try, saying what to fix, without the key', async () => {
    sim.script('POST', PATH, [{ status: 401, body: '' }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'al-key' });
    const dead = await waitForDeadLetter(signal, integrationId, 'al-key');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /^AppLovin refused the Conversion API key \(HTTP 401, \(no body\)\)\. Check config\.api_key/);
    assert.equal(JSON.stringify(dead).includes(KEY), false, 'the key is in no dead letter');
  });

  test('a purchase without an order id is dead-lettered alone, naming the fix, and never sent', async () => {
    await browser({ type: 'track', event: 'Order Completed', messageId: 'al-noorder', properties: { revenue: 5, currency: 'USD', products: [{ product_id: 'A', price: 5 }] } });
    const dead = await waitForDeadLetter(signal, integrationId, 'al-noorder');
    assert.match(dead.reason, /^AppLovin requires data\.transaction_id for purchase/);
    assert.equal(sent('al-noorder').length, 0);
  });
});
