// End to end: browser and server calls through the real collect API, the queue and the
// delivery engine to the vendor simulator standing in for bzr.openai.com, which must receive
// exactly the request OpenAI's Conversions API documents; the landing URL's oppref kept in
// Signal's cookie; and OpenAI's failure answers handled (a refused batch halved to the refused
// event, a 429, a 5xx and a timeout retried, a refused key dead-lettered at once).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const PIXEL = '134534276512';
const KEY = 'oai_conversions_key_e2e_0123456789';
const PATH = '/v1/events';
const VISITOR = 'df_openai0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
// Ends in base64 padding, as a Fernet token's often does: kept in the cookie all the same.
const OPPREF = 'gAAAAABn3kZ1x0_Qe2e-ref==';

/** The fields of an OpenAI event the assertions read. */
interface OpenAiEvent {
  id: string;
  type: string;
  custom_event_name?: string;
  timestamp_ms: number;
  action_source?: string;
  source_url?: string;
  oppref?: string;
  opt_out?: boolean;
  user?: Record<string, unknown>;
  data: Record<string, unknown>;
}
interface OpenAiBody {
  validate_only: boolean;
  events: OpenAiEvent[];
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as OpenAiBody;
const openAiEvents = (): Array<{ request: RecordedRequest; event: OpenAiEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => (bodyOf(request).events ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => openAiEvents().filter(({ event }) => event.id === messageId);
const openAiEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to OpenAI`);
const delivered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
const now = () => new Date().toISOString();

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, with advertising consent and the page. */
const browser = (call: Record<string, unknown>, cookies = '') =>
  sendBrowserCall(signal, site.key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });
/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, () => ({ status: 200, body: {} }));
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://bzr.openai.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000' }, { label: 'openai_ads', vendors: ['openai_ads'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'openai_ads', 'OpenAI shop', { config: { pixel_id: PIXEL, api_key: KEY }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('OpenAI Ads Conversions API', () => {
  test('a purchase from the browser: the documented request, amounts in minor units, match keys hashed, the Pixel\'s oppref cookie', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'oai-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks' }, traits: { email: ' Jane.Doe@Example.com ', address: { country: 'US', city: 'San Francisco', postal_code: '94107' } } },
    }, `__oppref=${OPPREF}`);
    const { request, event } = await openAiEvent('oai-order-1');
    assert.equal(request.method, 'POST');
    assert.deepEqual([request.path, request.queryPairs], [PATH, [['pid', PIXEL]]]);
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(bodyOf(request).validate_only, false);
    assert.deepEqual(event, {
      id: 'oai-order-1', type: 'order_created', timestamp_ms: Date.parse(timestamp), action_source: 'web', source_url: 'https://shop.example.com/checkout/thanks', oppref: OPPREF,
      user: { email_sha256: sha256('jane.doe@example.com'), external_id_sha256: sha256('user-123'), country: 'US', city: 'San Francisco', zip_code: '94107', ip_address: VISITOR_IP, user_agent: VISITOR_UA },
      data: { type: 'contents', amount: 7497, currency: 'USD', contents: [{ id: 'SKU-100', name: 'Trail Shoe', content_type: 'product', quantity: 3, amount: 2499, currency: 'USD' }] },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal in clear`);
  });

  test('an ad click\'s landing page: its oppref sent, kept in Signal\'s _dfoppref cookie for 30 days, and a later event carries it', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: `_dfdid=${VISITOR}; __oppref=older-ref` },
      body: JSON.stringify({ writeKey: site.key, type: 'page', name: 'Home', messageId: 'oai-page-1', timestamp: now(), context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=chatgpt.com&oppref=${encodeURIComponent(OPPREF)}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_dfoppref='));
    assert.ok(cookie, 'collect keeps the oppref in Signal\'s own cookie');
    assert.match(cookie, /Max-Age=2592000/i);
    assert.equal(decodeURIComponent(cookie.split(';')[0]!.slice('_dfoppref='.length)), OPPREF, 'the oppref as it came, its padding too');
    assert.equal(res.headers.getSetCookie().some((c) => c.startsWith('__oppref=')), false, 'the Pixel\'s cookie is never written');
    const page = (await openAiEvent('oai-page-1')).event;
    assert.deepEqual([page.type, page.oppref, page.data], ['page_viewed', OPPREF, { type: 'contents' }], 'the new click beats the Pixel\'s older one');
    await browser({ type: 'track', event: 'Signed Up', messageId: 'oai-later-1' }, `_dfoppref=${encodeURIComponent(OPPREF)}; __oppref=older-ref`);
    const later = (await openAiEvent('oai-later-1')).event;
    assert.deepEqual([later.type, later.oppref, later.data], ['registration_completed', OPPREF, { type: 'customer_action' }], 'Signal\'s cookie before the Pixel\'s');
  });

  test('a refused batch: halves find the refused event, which alone is dead-lettered with OpenAI\'s words; the others are delivered, not lost', async () => {
    sim.setDefault('POST', PATH, (request) => (JSON.stringify(request.json).includes('oai-batch-bad')
      ? { status: 400, body: { error: { message: 'Invalid value for custom_event_name', param: 'events.custom_event_name', code: 'invalid_value' } } }
      : { status: 200, body: {} }));
    try {
      await batch(['ok1', 'bad', 'ok2'].map((x) => ({ event: `Quiz ${x}`, messageId: `oai-batch-${x}` })));
      assert.equal((await waitForDeadLetter(signal, integrationId, 'oai-batch-bad')).reason, 'OpenAI refused the event (HTTP 400, Invalid value for custom_event_name (events.custom_event_name))');
      await waitUntil(async () => (sent('oai-batch-ok1').length >= 2 && sent('oai-batch-ok2').length >= 2) || undefined, 'the others sent again');
      for (const ok of ['oai-batch-ok1', 'oai-batch-ok2']) assert.ok(await waitUntil(async () => (await delivered(ok)) || undefined, `${ok} delivered`));
      assert.equal(sent('oai-batch-ok1')[0]!.request, sent('oai-batch-bad')[0]!.request, 'first sent together, in one request');
      assert.deepEqual(sent('oai-batch-ok1')[0]!.event.custom_event_name, 'quiz_ok1', 'the name in the form OpenAI takes');
    } finally {
      sim.setDefault('POST', PATH, () => ({ status: 200, body: {} }));
    }
  });

  test('a 429, a 503 and a timeout are retried, then the event is delivered once', async () => {
    sim.script('POST', PATH, [{ status: 429, body: { error: { message: 'Rate limit exceeded' } }, headers: { 'retry-after': '1' } }, { status: 503, body: 'upstream connect error' }, { hang: true }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'oai-retry', properties: { product_id: 'SKU-1', price: 3, currency: 'EUR' } });
    await waitUntil(async () => sent('oai-retry').length >= 4 || undefined, 'the tries after the 429, the 503 and the timeout', 30_000);
    assert.ok(await waitUntil(async () => (await delivered('oai-retry')) || undefined, 'delivered after the failures'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('oai-retry').length, 4, 'the 429, the 503, the timeout, then the delivery, no more');
    assert.deepEqual(sent('oai-retry')[3]!.event.data, { type: 'contents', amount: 300, currency: 'EUR', contents: [{ id: 'SKU-1', content_type: 'product', quantity: 1, amount: 300, currency: 'EUR' }] });
  });

  test('a refused key dead-letters at the first try, saying what to fix, without the key', async () => {
    sim.script('POST', PATH, [{ status: 401, body: { error: { message: 'Invalid API key provided', code: 'invalid_api_key' } } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'oai-key', properties: { order_id: 'ORD-K', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'oai-key');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'OpenAI refused the Conversions API key (HTTP 401, Invalid API key provided). Generate one in OpenAI Ads Manager, Conversions tab, update config.api_key in a new revision, then replay the dead letters');
    assert.equal(JSON.stringify(dead).includes(KEY), false, 'the key is in no dead letter');
  });

  test('an event older than 7 days is not sent, and counted as dropped', async () => {
    const before = await integrationStats(signal, integrationId, ['dropped']);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'oai-old', timestamp: new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString(), properties: { revenue: 5, currency: 'USD' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['dropped'])).dropped > before.dropped || undefined, 'dropped');
    assert.equal(sent('oai-old').length, 0);
  });
});
