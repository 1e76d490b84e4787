// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for ads.nextdoor.com, which must receive exactly the
// conversion Nextdoor's Conversions API documents; the landing URL's ndclid kept 7 days in
// Signal's first-party cookie (Stape's _ndclid never written); Nextdoor's answers handled (a 503,
// a 429 and a timeout retried, a 400 and a 401 dead-lettered with what to check); a huge order
// value refused before sending; an event no Nextdoor event names not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TRACK = '/v2/api/conversions/track';
const TOKEN = 'nd-e2e-access-token-0123456789';
const VISITOR_IP = '203.0.113.42';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type Conversion = { event_name: string; event_id: string; event_time_epoch: number; customer: Record<string, string>; custom?: Record<string, unknown>; [key: string]: unknown };
const conversionsOf = (eventId: string) => sim.requests({ path: TRACK }).filter((r) => (r.json as Conversion | undefined)?.event_id === eventId);
const requestOf = (eventId: string) => waitUntil(async () => conversionsOf(eventId)[0], `${eventId} sent to Nextdoor`);
const notDeadLettered = async (id: string, messageId: string) => (await signal.delivery.list(id, { messageId }, 5)).total === 0;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (key: string, call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (e2e)', ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order of two products, numbered by `orderId`. */
const order = (messageId: string, orderId: string, revenue = 74.97) => ({
  type: 'track', event: 'Order Completed', messageId, userId: 'user-nd-1',
  properties: { order_id: orderId, revenue, currency: 'usd', email: 'Jane.Doe@Example.com', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TRACK, { status: 200, body: {} });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://ads.nextdoor.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'nextdoor', vendors: ['nextdoor'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'nextdoor', 'Nextdoor shop', {
    config: { access_token: TOKEN, data_source_id: 'ds-e2e-42', event_names: { 'Demo Requested': 'custom_conversion_2' } }, consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Nextdoor Conversions API', () => {
  test('the landing URL\'s ndclid is kept 7 days in _dfndclid (never Stape\'s _ndclid); the purchase days later is the documented conversion', async () => {
    const click = '0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_nextdoor0visitor' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'nd-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?utm_source=nextdoor&ndclid=${click}` } } }),
    });
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    const kept = cookies.find((cookie) => cookie.startsWith('_dfndclid='));
    assert.ok(kept, 'the click id kept in Signal\'s first-party cookie');
    assert.match(kept, new RegExp(`^_dfndclid=${click};`));
    assert.match(kept, /Max-Age=604800/, '7 days');
    assert.equal(cookies.some((cookie) => cookie.startsWith('_ndclid=')), false, 'Stape\'s cookie is never written');
    const landing = await requestOf('nd-landing');
    assert.equal((landing.json as Conversion).event_name, 'page_view');
    assert.equal((landing.json as Conversion).customer.click_id, click);

    await browser(site.key, order('nd-order-1', 'ND-ORD-1'), 'df_nextdoor0visitor', `_dfndclid=${click}`);
    const request = await requestOf('nd-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, TRACK);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, {
      event_name: 'purchase', event_id: 'nd-order-1', event_time_epoch: Date.parse(CALL_TIMESTAMP) / 1000, action_source: 'website', action_source_url: 'https://shop.example.com/checkout/thanks',
      customer: { external_id: sha('user-nd-1'), email: sha('jane.doe@example.com'), client_ip_address: VISITOR_IP, client_user_agent: 'Mozilla/5.0 (e2e)', click_id: click },
      custom: { order_value: 'USD74.97', order_id: 'ND-ORD-1', product_context: [{ id: 'SKU-1', quantity: 2, item_price: 24.99 }, { id: 'SKU-2', quantity: 1, item_price: 24.99 }] },
      data_source_id: 'ds-e2e-42', partner_id: 'signal',
    });
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'counted delivered'));
  });

  test('Stape\'s _ndclid is read when Signal kept none; a custom event the config names goes as its custom conversion; an unnamed one is not sent', async () => {
    const stape = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
    await browser(site.key, { type: 'track', event: 'Demo Requested', messageId: 'nd-demo-1', properties: { value: 50, currency: 'USD' } }, 'df_nextdoor1visitor', `_ndclid=${stape}`);
    const request = await requestOf('nd-demo-1');
    const json = request.json as Conversion;
    assert.equal(json.event_name, 'custom_conversion_2');
    assert.equal(json.customer.click_id, stape);
    assert.deepEqual(json.custom, { order_value: 'USD50' });
    await browser(site.key, { type: 'track', event: 'Feature Used', messageId: 'nd-unnamed' }, 'df_nextdoor1visitor');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(conversionsOf('nd-unnamed').length, 0, 'no Nextdoor event for it: not sent');
    assert.equal(await notDeadLettered(integrationId, 'nd-unnamed'), true, 'skipped, not dead-lettered');
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the conversion is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', TRACK, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser(site.key, order('nd-retry', 'ND-RETRY'), 'df_nextdoor2visitor');
    await waitUntil(async () => conversionsOf('nd-retry').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(conversionsOf('nd-retry').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered(integrationId, 'nd-retry'), true);
  });

  test('a 400 dead-letters the conversion at the first try with Nextdoor\'s words; a 401 names the token', async () => {
    sim.script('POST', TRACK, [{ status: 400, body: { message: 'action_source_url does not match the verified domain' } }]);
    await browser(site.key, order('nd-400', 'ND-400'), 'df_nextdoor3visitor');
    const dead = await waitForDeadLetter(signal, integrationId, 'nd-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Nextdoor refused the conversion (HTTP 400: action_source_url does not match the verified domain)');
    sim.script('POST', TRACK, [{ status: 401, body: { message: 'Unauthorized' } }]);
    await browser(site.key, order('nd-401', 'ND-401'), 'df_nextdoor3visitor');
    const token = await waitForDeadLetter(signal, integrationId, 'nd-401');
    assert.match(token.reason, /^Nextdoor refused the access token \(HTTP 401: Unauthorized\): .*expire after a year.*config\.access_token/);
  });

  test('a huge order value is refused with the reason and never sent', async () => {
    await browser(site.key, order('nd-huge', 'ND-HUGE', 5e15), 'df_nextdoor4visitor');
    const dead = await waitForDeadLetter(signal, integrationId, 'nd-huge');
    assert.match(dead.reason, /the order value 5000000000000000 is beyond what Nextdoor takes/);
    assert.equal(conversionsOf('nd-huge').length, 0, 'not sent');
    const request: RecordedRequest | undefined = conversionsOf('nd-order-1')[0];
    assert.ok(request, 'the earlier order is still the only one of its id');
  });
});
