// End to end: browser and app calls through the real collect API, the queue and the delivery
// engine to the vendor simulator standing in for api2.branch.io, which must receive exactly the
// requests Branch's Events API takes (POST /v2/event/standard or /v2/event/custom, the Branch
// Key in the body); the landing URL's _branch_match_id kept in Signal's first-party cookie and
// sent as the browser fingerprint id; answers handled (a 503, a 429 and a timeout retried, a 400
// "Authentication failed !" dead-lettered naming the key); an event without an identifier
// Branch requires not sent; a person deletion forwarded to the Data Subject Request API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const STANDARD = '/v2/event/standard';
const CUSTOM = '/v2/event/custom';
const GDPR = '/v1/gdpr';
const BRANCH_KEY = 'key_live_e2eBranchKey0001';
const APP_ID = '736583253452335134';
const ACCESS_TOKEN = 'api_app_e2e0access0token0001';
const VISITOR_IP = '203.0.113.42';
const WEB_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const AUTH_FAILED = { error: { message: 'Authentication failed !', code: 400 } };

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
/** The requests (to either endpoint) whose event carries transaction id `orderId`. */
const sent = (orderId: string) => [...sim.requests({ path: STANDARD }), ...sim.requests({ path: CUSTOM })]
  .filter((request) => (bodyOf(request)?.event_data as Record<string, unknown> | undefined)?.transaction_id === orderId);
const requestOf = (orderId: string) => waitUntil(async () => sent(orderId)[0], `${orderId} sent to Branch`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

/** A browser call with advertising consent; `cookies` as the browser sends them. */
const browser = (call: Record<string, unknown>, visitorId: string, cookies?: string) => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, userAgent: WEB_UA, ...(cookies ? { cookies } : {}) };
  return sendBrowserCall(signal, site.key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** A purchase of one product, numbered by `orderId`. */
const order = (messageId: string, orderId: string, userId?: string) => ({
  type: 'track', event: 'Order Completed', messageId, ...(userId ? { userId } : {}),
  properties: { order_id: orderId, revenue: 49.98, tax: 4.5, discount: 2.5, currency: 'eur', products: [{ product_id: 'P-1', sku: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 2, category: 'sporting_goods' }] },
});

before(async () => {
  sim = await startVendorSim();
  // A transaction id tagged "auth" is one Branch refuses as it refuses a Branch Key it does not know.
  const events = (request: RecordedRequest) => (JSON.stringify(request.json ?? {}).includes('AUTH-') ? reply.badRequest(AUTH_FAILED) : reply.ok({ branch_view_enabled: false }));
  sim.setDefault('POST', STANDARD, events);
  sim.setDefault('POST', CUSTOM, events);
  sim.setDefault('POST', GDPR, reply.ok({ request_id: 'e2e0-0000-0001', request_status: 'PENDING' }));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api2.branch.io=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_DELETION_WAIT_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'branch', vendors: ['branch'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'branch', 'Branch shop', {
    config: { branch_key: BRANCH_KEY, event_names: { 'Demo Requested': 'demo_requested' }, app_id: APP_ID, access_token: ACCESS_TOKEN },
    consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Branch Events API', () => {
  test('the landing URL\'s _branch_match_id is kept in _dfbranchmatchid; the purchase later is the PURCHASE Branch takes, by that browser id', async () => {
    const matchId = '857675855146829001';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_branch0visitor1' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'br-landing', context: { consent: { advertising: true }, page: { url: `https://shop.example.com/?_branch_match_id=${matchId}&utm_source=branch` } } }),
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.getSetCookie().find((cookie) => cookie.startsWith('_dfbranchmatchid='));
    assert.ok(setCookie, 'the browser id kept in Signal\'s first-party cookie');
    assert.match(setCookie, new RegExp(`^_dfbranchmatchid=${matchId};`));
    assert.match(setCookie, /Max-Age=7776000/, '90 days');

    await browser(order('br-order-1', 'BR-ORD-1'), 'df_branch0visitor1', `_dfbranchmatchid=${matchId}`);
    const request = await requestOf('BR-ORD-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, STANDARD);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.accept, 'application/json');
    assert.deepEqual(request.json, {
      branch_key: BRANCH_KEY,
      name: 'PURCHASE',
      user_data: { user_agent: WEB_UA, browser_fingerprint_id: matchId, http_origin: 'https://shop.example.com/checkout/thanks', ip: VISITOR_IP },
      custom_data: { discount: '2.5' },
      event_data: { transaction_id: 'BR-ORD-1', revenue: 49.98, currency: 'EUR', tax: 4.5 },
      content_items: [{ $content_schema: 'COMMERCE_PRODUCT', $canonical_identifier: 'P-1', $price: 24.99, $quantity: 2, $sku: 'SKU-1', $product_name: 'Trail Shoe', $product_category: 'Sporting Goods' }],
    });
    assert.deepEqual(Object.keys(bodyOf(request)), ['branch_key', 'name', 'user_data', 'custom_data', 'event_data', 'content_items'], 'the order Branch\'s reference lists');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    assert.equal(sim.requests({ path: CUSTOM }).some((r) => JSON.stringify(r.json).includes(matchId)), false, 'the landing page is no event unless the config names it');
    const logged = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { body: Record<string, unknown> } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: integrationId });
      return body.data?.deliveryLog.find((entry) => entry.eventIds.includes('br-order-1'));
    }, 'the exchange in the delivery log');
    assert.equal(logged.request.body.branch_key, '[REDACTED]', 'the Branch Key is a secret: never in the log');
  });

  test('an app\'s event by developer identity and device ids; a custom event to /v2/event/custom; an event without an identifier is not sent', async () => {
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Demo Requested', userId: 'u-2001', messageId: 'br-demo', properties: { plan: 'pro', email: 'jane@example.com' } }, { id: 'df_branch0app01', ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0' }, {
      timestamp: CALL_TIMESTAMP,
      context: { consent: { advertising: true }, app: { version: '3.2' }, device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, model: 'iPhone15,2' }, os: { name: 'iOS', version: '17.4' } },
    });
    const demo = await waitUntil(async () => sim.requests({ path: CUSTOM }).find((r) => bodyOf(r).name === 'demo_requested'), 'the custom event sent');
    assert.deepEqual(demo.json, {
      branch_key: BRANCH_KEY, name: 'demo_requested',
      user_data: { os: 'iOS', os_version: '17.4', idfa: IDFA, idfv: IDFV, limit_ad_tracking: false, user_agent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0', developer_identity: 'u-2001', ip: '203.0.113.77', app_version: '3.2', model: 'iPhone15,2' },
      custom_data: { plan: 'pro' },
    });
    const before = sim.count({ path: STANDARD }) + sim.count({ path: CUSTOM });
    await browser(order('br-anonymous', 'BR-ANON'), 'df_branch0visitor2');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(sim.count({ path: STANDARD }) + sim.count({ path: CUSTOM }), before, 'an anonymous visitor without a Branch browser id is not sent');
    assert.equal(await notDeadLettered('br-anonymous'), true, 'skipped, not dead-lettered');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 1) || undefined, 'counted as dropped'));
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 30_000 }, async () => {
    sim.script('POST', STANDARD, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: { error: { code: 429, message: 'Rate limit reached.' } }, headers: { 'retry-after': '1' } }, reply.hang()]);
    await browser(order('br-retry', 'BR-RETRY', 'u-3001'), 'df_branch0visitor3');
    await waitUntil(async () => sent('BR-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('BR-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('br-retry'), true);
  });

  test('Branch\'s 400 "Authentication failed !" dead-letters the event at the first try, naming config.branch_key', async () => {
    await browser(order('br-auth', 'AUTH-1', 'u-4001'), 'df_branch0visitor4');
    const dead = await waitForDeadLetter(signal, integrationId, 'br-auth');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.match(dead.reason, /^Branch refused the Branch Key \(HTTP 400: Authentication failed !\): config\.branch_key must be the app's Branch Key/);
    assert.equal(sent('AUTH-1').length, 1);
  });

  test('a person deletion is forwarded to the Data Subject Request API as an erasure by developer identity; an anonymousId alone is skipped', async () => {
    const [forwarded] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: 'df_branch0visitor1' });
    assert.equal(forwarded!.status, 'sent');
    assert.equal(forwarded!.responseStatus, 200);
    assert.equal(forwarded!.message, 'Branch accepted the erasure request e2e0-0000-0001 (PENDING)');
    const [request] = sim.requests({ path: GDPR });
    assert.equal(request!.method, 'POST');
    assert.deepEqual(request!.queryPairs, [['app_id', APP_ID]]);
    assert.equal(request!.headers['access-token'], ACCESS_TOKEN);
    assert.deepEqual(request!.json, { subject_request_type: 'erasure', subject_identities: [{ identity_type: 'DEVELOPER_ID', identity_value: 'u-forget-1', identity_format: 'raw' }] });
    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_branch0visitor1' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /the deletion names no userId/);
    assert.equal(sim.count({ path: GDPR }), 1);
  });
});
