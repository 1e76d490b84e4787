// End to end: browser and server calls through the real collect API, the queue and the
// delivery engine to the vendor simulator standing in for capi.spotify.com, which must receive
// exactly the request Spotify's Conversions API documents; and Spotify's failure answers
// handled (a refused request halved to the refused event, a 429, a 5xx and a timeout retried,
// a refused token dead-lettered at once); an event Spotify has no name for not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const CONNECTION = '2fd920ed-a111-43d4-bee2-74d078c479a5';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl9pZCI6ImUyZSJ9.c2lnbmF0dXJlLWUyZQ';
const PATH = '/capi-direct/events/';
const VISITOR = 'df_spotify0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SUCCESS = { status: 200, body: { message: 'SUCCESS' } };

/** The fields of a Spotify event the assertions read. */
interface SpotifyEvent {
  event_name: string;
  event_id: string;
  event_time: string;
  event_source_url?: string;
  action_source?: string;
  opt_out_targeting?: boolean;
  user_data: Record<string, unknown>;
  event_details?: Record<string, unknown>;
}
interface SpotifyBody {
  conversion_events: { capi_connection_id: string; events: SpotifyEvent[] };
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as SpotifyBody;
const spotifyEvents = (): Array<{ request: RecordedRequest; event: SpotifyEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => (bodyOf(request).conversion_events?.events ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => spotifyEvents().filter(({ event }) => event.event_id === messageId);
const spotifyEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to Spotify`);
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
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://capi.spotify.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000' }, { label: 'spotify_ads', vendors: ['spotify_ads'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'spotify_ads', 'Spotify shop', { config: { connection_id: CONNECTION, access_token: TOKEN, event_names: { 'Demo Requested': 'CUSTOM_EVENT_1' } }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Spotify Ads Conversions API', () => {
  test('a purchase from the browser: the documented request, email and phone hashed, the Pixel\'s device id cookie', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'spo-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks?email=jane%40example.com' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123' } },
    }, '__spdt=spdt-device-1; other=1');
    const { request, event } = await spotifyEvent('spo-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, PATH);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(bodyOf(request).conversion_events.capi_connection_id, CONNECTION);
    assert.deepEqual(event, {
      event_name: 'PURCHASE', event_id: 'spo-order-1', event_time: new Date(Date.parse(timestamp)).toISOString(), event_source_url: 'https://shop.example.com/checkout/thanks', action_source: 'WEB', opt_out_targeting: false,
      user_data: { hashed_emails: [sha256('jane.doe@example.com')], hashed_phone_number: sha256('+14155550123'), ip_address: VISITOR_IP, device_id: 'spdt-device-1' },
      event_details: { amount: 74.97, currency: 'USD' },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '(415)', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal in clear`);
  });

  test('a page call as VIEW, an event the config names as its custom event, and one Spotify has no event for not sent', async () => {
    const before = await integrationStats(signal, integrationId, ['dropped']);
    await browser({ type: 'page', name: 'Pricing', messageId: 'spo-page-1' });
    await browser({ type: 'track', event: 'Demo Requested', messageId: 'spo-demo-1', properties: { value: 50, currency: 'EUR' } });
    await browser({ type: 'track', event: 'Products Searched', messageId: 'spo-search-1', properties: { query: 'socks' } });
    const page = (await spotifyEvent('spo-page-1')).event;
    assert.deepEqual([page.event_name, page.event_source_url, page.event_details], ['VIEW', 'https://shop.example.com/', { content_name: 'Pricing' }]);
    const demo = (await spotifyEvent('spo-demo-1')).event;
    assert.deepEqual([demo.event_name, demo.event_details], ['CUSTOM_EVENT_1', { amount: 50, currency: 'EUR' }]);
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['dropped'])).dropped > before.dropped || undefined, 'Products Searched dropped');
    assert.equal(sent('spo-search-1').length, 0);
  });

  test('a refused request: halves find the refused event, which alone is dead-lettered with Spotify\'s words; the others are delivered, not lost', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('spo-batch-bad')
      ? { status: 400, body: { message: 'Invalid event_details.content_category', sp_trace_id: 'trace-e2e' } }
      : SUCCESS));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed Up', messageId: `spo-batch-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'spo-batch-bad')).reason, 'Spotify refused the event (HTTP 400, Invalid event_details.content_category (trace id trace-e2e))');
      await waitUntil(async () => (sent('spo-batch-ok1').length >= 2 && sent('spo-batch-ok2').length >= 2) || undefined, 'the others sent again');
      for (const ok of ['spo-batch-ok1', 'spo-batch-ok2']) assert.ok(await waitUntil(async () => (await delivered(ok)) || undefined, `${ok} delivered`));
      assert.equal(sent('spo-batch-ok1')[0]!.request, sent('spo-batch-bad')[0]!.request, 'first sent together, in one request');
      assert.equal(sent('spo-batch-ok1')[0]!.event.event_name, 'SIGN_UP');
    } finally {
      sim.setDefault('POST', PATH, () => SUCCESS);
    }
  });

  test('a refusal in Spotify\'s documented error shape (messages, error_codes) without a trace id is halved too, quoting its words', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('spo-codes-bad')
      ? { status: 400, body: { messages: ['Invalid event'], error_codes: [{ code: 'INVALID_EVENT_TIME', definition: 'event_time must be in the past' }] } }
      : SUCCESS));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: 'Signed Up', messageId: `spo-codes-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'spo-codes-bad')).reason, 'Spotify refused the event (HTTP 400, Invalid event; event_time must be in the past (INVALID_EVENT_TIME))');
      for (const ok of ['spo-codes-ok1', 'spo-codes-ok2']) assert.ok(await waitUntil(async () => (sent(ok).length >= 2 && (await delivered(ok))) || undefined, `${ok} sent again and delivered`));
    } finally {
      sim.setDefault('POST', PATH, () => SUCCESS);
    }
  });

  test('an app\'s all-zero advertising id (ad tracking limited) is not sent as the device id', async () => {
    await batch([{ event: 'Signed Up', messageId: 'spo-zero-idfa', context: { consent: { advertising: true }, ip: VISITOR_IP, app: { name: 'Shop', version: '1.0' }, device: { advertisingId: '00000000-0000-0000-0000-000000000000' } } }]);
    const { event } = await spotifyEvent('spo-zero-idfa');
    assert.deepEqual([event.action_source, event.user_data], ['APP', { ip_address: VISITOR_IP }]);
  });

  test('a 429, a 503 and a timeout are retried, then the event is delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '1' } }, { status: 503, body: 'upstream connect error' }, { hang: true }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'spo-retry', properties: { product_id: 'SKU-1', name: 'Sock', price: 3, currency: 'EUR' } });
    await waitUntil(async () => sent('spo-retry').length >= 4 || undefined, 'the tries after the 429, the 503 and the timeout', 30_000);
    assert.ok(await waitUntil(async () => (await delivered('spo-retry')) || undefined, 'delivered after the failures'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('spo-retry').length, 4, 'the 429, the 503, the timeout, then the delivery, no more');
    assert.deepEqual([sent('spo-retry')[3]!.event.event_name, sent('spo-retry')[3]!.event.event_details], ['ADD_TO_CART', { amount: 3, currency: 'EUR', content_name: 'Sock' }]);
  });

  test('a refused token dead-letters at the first try, saying what to fix, without the token', async () => {
    sim.script('POST', PATH, [{ status: 401, body: { message: 'Unauthorized' } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'spo-token', properties: { order_id: 'ORD-K', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'spo-token');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Spotify refused the Conversions API token (HTTP 401, Unauthorized). Generate one in Spotify Ads Manager (Events → the Conversions API data source → Generate token), update config.access_token in a new revision, then replay the dead letters');
    assert.equal(JSON.stringify(dead).includes(TOKEN), false, 'the token is in no dead letter');
  });

  test('a purchase without a value is dead-lettered alone, naming the fix, and never sent', async () => {
    await browser({ type: 'track', event: 'Order Completed', messageId: 'spo-novalue', properties: { order_id: 'ORD-N' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'spo-novalue');
    assert.match(dead.reason, /^Spotify requires event_details\.amount for a PURCHASE/);
    assert.equal(sent('spo-novalue').length, 0);
  });
});
