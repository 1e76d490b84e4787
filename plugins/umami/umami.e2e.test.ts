// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for cloud.umami.is, which must receive exactly the request
// Umami's /api/send takes — one { type, payload } a request, the visitor's IP and User-Agent in
// the payload and as headers — and its answers handled: a 503, a 429 and a timeout retried, an
// unknown website's 400 dead-lettered naming config.website_id, a bot's {"beep":"boop"}
// dead-lettered saying Umami recorded nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/api/send';
const WEBSITE = '94db1cb1-74f4-4a40-ad6c-962362670409';
const VISITOR_IP = '203.0.113.42';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const PAGE = { url: 'https://shop.example.com/shoes?utm_source=newsletter', path: '/shoes', title: 'Shoes', referrer: 'https://www.google.com/' };
const RECORDED = { status: 200, body: { cache: 'eyJ.sim', sessionId: '5b0a1f62-2f4b-5c3c-9a57-0d3c8a9e1b11', visitId: '0e7c4d2a-7d5b-5f3e-8c1a-2b9f6e4d3c22' } };

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type UmamiBody = { type: string; payload: Record<string, unknown> & { data?: Record<string, unknown>; title?: string } };
const bodyOf = (request: RecordedRequest) => request.json as UmamiBody;
/** The requests whose data (or, for page views, title) carries `marker` (each test's events have their own). */
const sent = (marker: string) => sim.requests({ path: PATH }).filter((request) => bodyOf(request).payload.data?.marker === marker || bodyOf(request).payload.title === marker);
const requestOf = (marker: string) => waitUntil(async () => sent(marker)[0], `${marker} sent to Umami`);

const visitor: Visitor = { id: 'df_umami0visitor', ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A browser call as the site's SDK sends it, on the shoes page, with analytics consent. */
const browser = (call: Record<string, unknown>, page: Record<string, string> = PAGE) => sendBrowserCall(signal, site.key, call, visitor, { context: { consent: { analytics: true }, page, locale: 'en-GB' } });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, RECORDED);
  signal = await startTestSignal({ SIGNAL_VENDOR_REDIRECTS: `https://cloud.umami.is=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000' }, { label: 'umami', vendors: ['umami'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'umami', 'Umami shop', { config: { website_id: WEBSITE }, consentCategories: ['analytics'] }));
});
after(() => closeAll(signal, sim));

describe('Umami /api/send', () => {
  test('a page view, an order and an identify call from the browser: one POST /api/send each, the visitor\'s IP and User-Agent in the payload and as headers, no contact information, no user id', async () => {
    await browser({ type: 'page', name: 'Shoes', messageId: 'um-page-1', properties: { category: 'catalog' } }, { ...PAGE, title: 'page-1' });
    const page = await requestOf('page-1');
    assert.equal(page.method, 'POST');
    assert.match(page.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(page.headers['user-agent'], VISITOR_UA, 'the visitor\'s User-Agent, not Signal\'s');
    assert.equal(page.headers['x-forwarded-for'], VISITOR_IP, 'the visitor\'s IP');
    assert.equal(page.headers.authorization, undefined, '/api/send takes no credential');
    const { timestamp, ...pagePayload } = bodyOf(page).payload;
    assert.equal(typeof timestamp, 'number', 'the event\'s time, in seconds');
    assert.ok(Math.abs((timestamp as number) - Date.now() / 1000) < 120);
    assert.deepEqual({ type: bodyOf(page).type, payload: pagePayload }, {
      type: 'event',
      payload: { website: WEBSITE, url: PAGE.url, referrer: PAGE.referrer, title: 'page-1', language: 'en-GB', ip: VISITOR_IP, userAgent: VISITOR_UA },
    });

    await browser({
      type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'um-order-1',
      properties: { marker: 'order-1', order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com', shipping: { method: 'express' } },
    });
    const order = await requestOf('order-1');
    assert.equal(bodyOf(order).type, 'event');
    assert.equal(bodyOf(order).payload.name, 'Order Completed');
    assert.deepEqual(bodyOf(order).payload.data, { marker: 'order-1', order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', shipping: { method: 'express' } });
    assert.equal(order.body.includes('jane@example.com'), false, 'no contact information in data');
    assert.equal(order.body.includes('user-1'), false, 'send_user_ids is off: no user id leaves Signal');

    await browser({ type: 'identify', userId: 'user-1', messageId: 'um-identify-1', traits: { marker: 'identify-1', plan: 'pro', email: 'jane@example.com' } });
    const identify = await requestOf('identify-1');
    assert.equal(bodyOf(identify).type, 'identify');
    assert.deepEqual(bodyOf(identify).payload.data, { marker: 'identify-1', plan: 'pro' });
    assert.equal(bodyOf(identify).payload.id, undefined);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 3) || undefined, 'counted delivered'));
  });

  test('send_user_ids: an identify of a userId alone is sent as Umami\'s identify(id), linking the session to the user, without data', async () => {
    const users = await installOnNewPipeline(signal, 'umami', 'Umami users', { config: { website_id: WEBSITE, send_user_ids: true }, consentCategories: ['analytics'] });
    await sendBrowserCall(signal, users.site.key, { type: 'identify', userId: 'user-umami-7', messageId: 'um-identify-id-only' }, visitor, { context: { consent: { analytics: true }, page: PAGE, locale: 'en-GB' } });
    const identify = await waitUntil(async () => sim.requests({ path: PATH }).find((request) => bodyOf(request).payload.id === 'user-umami-7'), 'the identify sent to Umami');
    assert.equal(bodyOf(identify).type, 'identify');
    assert.equal(bodyOf(identify).payload.website, WEBSITE);
    assert.equal('data' in bodyOf(identify).payload, false, 'no data: Umami takes an identify with an id alone');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, users.integrationId)).delivered === 1) || undefined, 'counted delivered'));
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'um-retry', properties: { marker: 'retry' } });
    await waitUntil(async () => sent('retry').length >= 4 || undefined, 'the try after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sent('retry').length, 4, 'three failed tries and one delivered, no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'um-retry' }, 5)).total, 0, 'not dead-lettered');
  });

  test('an unknown website\'s 400 dead-letters at the first try naming config.website_id; a bot\'s {"beep":"boop"} dead-letters saying Umami recorded nothing', async () => {
    sim.script('POST', PATH, [{ status: 400, body: { error: { message: 'Website not found.', code: 'bad-request', status: 400 } } }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'um-400', properties: { marker: 'unknown-website' } });
    const unknown = await waitForDeadLetter(signal, integrationId, 'um-400');
    assert.equal(unknown.attempts, 1, 'not retried: resending cannot help');
    assert.match(unknown.reason, new RegExp(`^Umami has no website "${WEBSITE}" \\(HTTP 400: Website not found\\.\\): check config\\.website_id`));

    sim.script('POST', PATH, [{ status: 200, body: { beep: 'boop' } }]);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'um-bot', properties: { marker: 'bot' } });
    const bot = await waitForDeadLetter(signal, integrationId, 'um-bot');
    assert.equal(bot.attempts, 1);
    assert.match(bot.reason, /^Umami took the visitor for a bot \(by the User-Agent "Mozilla\/5\.0 \(Macintosh/);
    assert.equal(sent('bot').length, 1, 'sent once, not retried');
  });
});
