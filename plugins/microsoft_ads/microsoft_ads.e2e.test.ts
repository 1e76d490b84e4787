// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for capi.uet.microsoft.com, which must receive exactly the
// request Microsoft's Conversions API guide documents; and Microsoft's answers handled as
// documented (skipped events named in a 200, a 400, a 401) with failures injected (429, 503).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TAG = '187012345';
const TOKEN = '3f2a9c1e-7b4d-4e8a-9f10-2b6c5d7e8a90';
const PATH = `/v1/${TAG}/events`;
const VISITOR = 'df_msads0visitor';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const UET_VID = 'fe910b70374111f185174b19733c8403';
const OLD_CLICK = 'cdd4afcccb1c9a4cad9544dd7e5006d5';
const COOKIES = `_uetvid=${UET_VID}; _uetmsclkid=_uet${OLD_CLICK}`;

/** The fields of a UET event the assertions read. */
interface UetEvent {
  eventType: string;
  eventId: string;
  eventName?: string;
  eventTime: number;
  eventSourceUrl?: string;
  adStorageConsent?: string;
  userData: Record<string, unknown>;
  customData?: Record<string, unknown>;
  [key: string]: unknown;
}
interface CapiBody {
  data: UetEvent[];
  continueOnValidationError: boolean;
  dataProvider: string;
}

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as CapiBody;
const uetEvents = (): Array<{ request: RecordedRequest; event: UetEvent }> =>
  sim.requests({ path: PATH }).flatMap((request) => (bodyOf(request).data ?? []).map((event) => ({ request, event })));
const sent = (messageId: string) => uetEvents().filter(({ event }) => event.eventId === messageId);
const uetEvent = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to Microsoft`);
const delivered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;
/**
 * Microsoft's answers: a 200 skipping the event `ms-partial-b` (named, as Microsoft names a
 * skipped event), a 400 refusing `ms-refused-b` (no event recorded), else every event processed.
 */
function microsoft(request: RecordedRequest) {
  const { data } = bodyOf(request);
  const detail = (index: number, property: string, errorMessage: string, errorCode: string) => ({ index, propertyName: `data[${index}].${property}`, errorMessage, errorCode, isWarning: false });
  const skipped = data.findIndex((e) => e.eventId === 'ms-partial-b');
  if (skipped >= 0) {
    return { status: 200, body: { eventsReceived: data.length - 1, error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details. Note that only the first 10 errors and warnings are shown.', details: [detail(skipped, 'customData.items[0].id', '\'id\' must not be empty.', 'Empty')] } } };
  }
  const refused = data.findIndex((e) => e.eventId === 'ms-refused-b');
  if (refused >= 0) {
    return { status: 400, body: { error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details.', details: [detail(refused, 'eventTime', '\'eventTime\' must be a valid UNIX UTC timestamp in seconds within last 7 days.', 'InvalidEventTime')] } } };
  }
  return { status: 200, body: { eventsReceived: data.length } };
}
const now = () => new Date().toISOString();
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it (sendBrowserCall), with the UET tag's cookies, the page and advertising consent. */
const browser = (call: Record<string, unknown>, cookies = COOKIES) =>
  sendBrowserCall(signal, site.key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: VISITOR, timestamp: now(), context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/' } } }, { 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, microsoft);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://capi.uet.microsoft.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1' }, { label: 'microsoft_ads', vendors: ['microsoft_ads'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'microsoft_ads', 'Microsoft shop', { config: { tag_id: TAG, api_token: TOKEN }, consentCategories: ['advertising'] }));
});
after(() => closeAll(signal, sim));

describe('Microsoft Advertising UET Conversions API', () => {
  test('a purchase from the browser: the documented request, identifiers hashed, the UET tag\'s cookies, revenue and items', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'ms-order-1', timestamp,
      properties: { order_id: 'ORD-7001', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }] },
      context: { page: { url: 'https://shop.example.com/checkout/thanks', referrer: 'https://shop.example.com/checkout', title: 'Thank you' }, traits: { email: ' Jane.Doe+shop@Example.com ', phone: '+1 (425) 555-1234' } },
    });
    const { request, event } = await uetEvent('ms-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual({ ...bodyOf(request), data: [] }, { data: [], continueOnValidationError: true, dataProvider: 'signal' });
    assert.deepEqual(event, {
      eventType: 'custom', eventId: 'ms-order-1', eventName: 'purchase', eventTime: seconds(timestamp),
      eventSourceUrl: 'https://shop.example.com/checkout/thanks', referrerUrl: 'https://shop.example.com/checkout', pageTitle: 'Thank you', adStorageConsent: 'G',
      userData: {
        anonymousId: UET_VID, externalId: sha256('user-123'), em: sha256('janedoe@example.com'), ph: sha256('+14255551234'),
        clientIpAddress: VISITOR_IP, clientUserAgent: VISITOR_UA, msclkid: 'cdd4afcc-cb1c-9a4c-ad95-44dd7e5006d5',
      },
      customData: {
        value: 74.97, ecommTotalValue: 74.97, currency: 'USD', transactionId: 'ORD-7001', pageType: 'purchase',
        items: [{ id: 'SKU-100', quantity: 3, price: 24.99, name: 'Trail Shoe' }], itemIds: ['SKU-100'],
      },
    });
    const text = JSON.stringify(request.json).toLowerCase();
    for (const raw of ['jane', '5551234', 'user-123']) assert.equal(text.includes(raw), false, `${raw} never leaves Signal`);
  });

  test('an ad click\'s landing page: a pageLoad with the new msclkid, Signal\'s _dfmsclkid cookie set for 90 days, and later events carry it', async () => {
    const click = 'b1240587f865192a03586c5b000314f5';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: `_dfdid=${VISITOR}; ${COOKIES}` },
      body: JSON.stringify({ writeKey: site.key, type: 'page', name: 'Home', messageId: 'ms-page-1', timestamp: now(), context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=bing&msclkid=${click}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_dfmsclkid='));
    assert.ok(cookie, 'collect keeps the click id in Signal\'s own cookie');
    assert.match(cookie, new RegExp(`^_dfmsclkid=${click};.*Max-Age=7776000`, 'i'));
    assert.doesNotMatch(cookie, /HttpOnly/i, 'readable by the site\'s own tags');
    const page = (await uetEvent('ms-page-1')).event;
    assert.deepEqual([page.eventType, page.eventName, page.eventSourceUrl, page.customData, page.userData.msclkid], ['pageLoad', undefined, `https://shop.example.com/?utm_source=bing&msclkid=${click}`, undefined, 'b1240587-f865-192a-0358-6c5b000314f5'], 'the new click beats the UET tag\'s older one');
    // The purchase days later, from another page: only the cookie carries the click.
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ms-later-1' }, `${COOKIES}; _dfmsclkid=${click}`);
    assert.equal((await uetEvent('ms-later-1')).event.userData.msclkid, 'b1240587-f865-192a-0358-6c5b000314f5', 'Signal\'s cookie before the tag\'s');
  });

  test('a visitor who denied ad storage: sent as D, without contact data, click id or the UET tag\'s visitor id cookie', async () => {
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ms-denied-1', context: { consent: { advertising: true, google: { ad_storage: 'denied' } }, traits: { email: 'jane@example.com' } } });
    const { event } = await uetEvent('ms-denied-1');
    assert.deepEqual([event.adStorageConsent, event.userData], ['D', { anonymousId: VISITOR, clientIpAddress: VISITOR_IP, clientUserAgent: VISITOR_UA }], 'Signal\'s visitor id, not _uetvid: UET reads none of its cookies then');
  });

  test('a 200 naming one skipped event of a batch: that one dead-lettered with Microsoft\'s message, the other delivered and not sent again', async () => {
    await batch(['a', 'b'].map((x) => ({ event: 'Product Added', messageId: `ms-partial-${x}`, properties: { product_id: x, price: 1 } })));
    assert.equal((await waitForDeadLetter(signal, integrationId, 'ms-partial-b')).reason, 'Microsoft refused the event (HTTP 200): customData.items[0].id: \'id\' must not be empty. (Empty)');
    assert.equal(bodyOf(sent('ms-partial-a')[0]!.request).data.length, 2, 'both events in one request');
    assert.equal(await delivered('ms-partial-a'), true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual([sent('ms-partial-a').length, sent('ms-partial-b').length], [1, 1], 'neither sent again');
  });

  test('a 400 naming one event (none recorded): it is dead-lettered, the other goes again alone and is delivered', async () => {
    await batch(['a', 'b'].map((x) => ({ event: 'Product Added', messageId: `ms-refused-${x}`, properties: { product_id: x, price: 1 } })));
    assert.equal((await waitForDeadLetter(signal, integrationId, 'ms-refused-b')).reason, 'Microsoft refused the event (HTTP 400): eventTime: \'eventTime\' must be a valid UNIX UTC timestamp in seconds within last 7 days. (InvalidEventTime)');
    const tries = await waitUntil(async () => (sent('ms-refused-a').length >= 2 ? sent('ms-refused-a') : undefined), 'the other sent again');
    assert.deepEqual(tries.map(({ request }) => bodyOf(request).data.length), [2, 1], 'in the batch, then without the refused one');
    assert.equal(sent('ms-refused-b').length, 1, 'the refused one is not sent again');
    assert.ok(await waitUntil(async () => (await delivered('ms-refused-a')) || undefined, 'the other delivered'));
  });

  test('a 429 then a 503: the event is sent again after each and delivered once', async () => {
    sim.script('POST', PATH, [
      { status: 429, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, headers: { 'retry-after': '1' } },
      { status: 503, body: 'Service Unavailable' },
    ]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'ms-retry', properties: { product_id: 'SKU-1', price: 3 } });
    await waitUntil(async () => sent('ms-retry').length >= 3 || undefined, 'the tries after the rate limit and the outage');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('ms-retry').length, 3, 'two refused tries and one delivered, no more');
    assert.equal(await delivered('ms-retry'), true);
  });

  test('a 200 that recorded fewer events than were sent and named none it skipped (its details all warnings): the event is sent again, not counted delivered', async () => {
    sim.script('POST', PATH, [{ status: 200, body: { eventsReceived: 0, error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details. Note that only the first 10 errors and warnings are shown.', details: [
      { index: 0, propertyName: 'data[0].referrerUrl', errorMessage: '\'referrerUrl\' must be a valid URL.', errorCode: 'InvalidUrl', isWarning: true },
    ] } } }]);
    await browser({ type: 'track', event: 'Product Added', messageId: 'ms-hidden', properties: { product_id: 'SKU-1', price: 3 } });
    await waitUntil(async () => sent('ms-hidden').length >= 2 || undefined, 'sent again after the skip Microsoft did not name');
    assert.ok(await waitUntil(async () => (await delivered('ms-hidden')) || undefined, 'delivered by the second try'));
    assert.equal(sent('ms-hidden').length, 2);
  });

  test('a refused token dead-letters at the first try, saying what to fix', async () => {
    sim.script('POST', PATH, [{ status: 401, body: { error: { code: 'Unauthorized', message: 'You are not authorized to access this resource.' } } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ms-token', properties: { order_id: 'ORD-T', revenue: 5, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'ms-token');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, `Microsoft refused the Conversions API token (HTTP 401, You are not authorized to access this resource.). Copy the token of UET tag ${TAG} (Microsoft Advertising > UET tag > Set up tagging > Use Conversions API > Copy Token) into config.api_token in a new revision, then replay the dead letters`);
    assert.equal(JSON.stringify(dead).includes(TOKEN), false, 'the token is in no dead letter');
  });

  test('an install with a token pasted with its Bearer prefix, or the tag\'s ti= as the tag ID, is refused, naming the field', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/microsoft_ads/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bad token', variant: 'default', delivery_mode: 'server_side', pipeline_id: site.id, config: { tag_id: TAG, api_token: `Bearer ${TOKEN}` } }),
    });
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.match(text, /api_token/);
    assert.match(text, /starts with \\"Bearer \\"/);
    const tag = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/microsoft_ads/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bad tag', variant: 'default', delivery_mode: 'server_side', pipeline_id: site.id, config: { tag_id: `ti=${TAG}`, api_token: TOKEN } }),
    });
    const tagText = await tag.text();
    assert.equal(tag.status, 400, tagText);
    assert.match(tagText, /config\.tag_id/);
    assert.match(tagText, /a UET tag ID is digits only, e\.g\. 187012345 \(give 187012345 alone\)/);
  });
});
