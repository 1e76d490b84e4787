// End to end: browser and server calls through the real collect API, the queue and the delivery
// engine to the vendor simulator standing in for both Amazon origins — Login with Amazon's token
// endpoint (api.amazon.com) and the Amazon Ads API (advertising-api.amazon.com) —, which must
// receive exactly the documented token request and Events API request: the refresh token
// exchanged once and the token shared; several events in one request and Amazon's 207 read per
// event (one refused dead-lettered with Amazon's words, the other delivered); a 503, a 429 and a
// timeout retried; a 401 renewing the token once; a refused refresh token and a 400
// dead-lettered with what to check.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TOKEN_PATH = '/auth/o2/token';
const EVENTS_PATH = '/adsApi/v1/create/events';
const CLIENT_ID = 'amzn1.application-oa2-client.e2e0123456789abcdef';
const CLIENT_SECRET = 'amzn1.oa2-cs.v1.e2e-secret-0123456789';
const REFRESH_TOKEN = 'Atzr|IwEBIE2eRefreshToken0123456789';
const BAD_REFRESH_TOKEN = 'Atzr|IwEBIRevokedRefreshToken0123456789';
const ACCOUNT_ID = 'amzn1.ads-account.g.e2e0123456789abcdef';
const VISITOR_IP = '203.0.113.42';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** Access tokens the token endpoint issued, in order; the simulated API refuses those in `revoked`. */
const issued: string[] = [];
const revoked = new Set<string>();

// any: the vendor's JSON, read field by field in assertions.
type AmazonEvent = Record<string, any>;
const eventsOf = (request: RecordedRequest): AmazonEvent[] => (request.json as { events?: AmazonEvent[] }).events ?? [];
const withEvent = (eventId: string) => sim.requests({ path: EVENTS_PATH }).filter((r) => eventsOf(r).some((e) => e.eventId === eventId));
const sentOnce = (eventId: string) => waitUntil(async () => withEvent(eventId)[0], `${eventId} sent to Amazon`);
const tokenRequests = () => sim.requests({ path: TOKEN_PATH });
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const notDeadLettered = async (id: string, messageId: string) => (await signal.delivery.list(id, { messageId }, 5)).total === 0;

/** A browser call with advertising consent. */
const browser = (call: Record<string, unknown>, key = site.key, visitorId = 'df_amazon0visitor') => {
  const visitor: Visitor = { id: visitorId, ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (e2e)' };
  return sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true }, page: { url: 'https://shop.example.com/checkout/thanks' } } });
};
/** An order of two products (3 units), numbered by `orderId`. */
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', messageId, userId: 'user-amz-1',
  properties: { order_id: orderId, revenue: 74.97, currency: 'usd', email: 'Jane.Doe@Example.com', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
  context: { traits: { address: { country: 'US' } } },
});
/** Several events in one collect request (so one delivery request carries them). */
const serverBatch = (events: Array<Record<string, unknown>>) => sendServerBatch(signal, site.key, events, { anonymousId: 'df_amazon9visitor', timestamp: CALL_TIMESTAMP, context: { consent: { advertising: true } } }, { 'x-forwarded-for': VISITOR_IP });

/** The Events API: every event taken (207 with its index), unless the token is unknown or revoked. */
const takeEvery = (request: RecordedRequest) => {
  const token = bearer(request);
  if (!issued.includes(token) || revoked.has(token)) return { status: 401, body: { code: 'UNAUTHORIZED', message: 'Not authorized to access this advertiser' } };
  return { status: 207, body: { success: eventsOf(request).map((_, index) => ({ index })), error: [] } };
};

const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'amazon_ads', name, {
  config: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, account_id: ACCOUNT_ID, country_code: 'US', conversion_types: { 'Demo Requested': 'LEAD' }, ...config }, consentCategories: ['advertising'],
});

before(async () => {
  sim = await startVendorSim();
  // Login with Amazon: a new access token for the refresh token, an hour; another refresh token refused.
  sim.setDefault('POST', TOKEN_PATH, (request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('refresh_token') !== REFRESH_TOKEN) return { status: 400, body: { error_description: 'The request has an invalid grant parameter : refresh_token', error: 'invalid_grant' } };
    const token = `Atza|IwEBIAccessToken${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, refresh_token: REFRESH_TOKEN, token_type: 'bearer', expires_in: 3600 } };
  });
  sim.setDefault('POST', EVENTS_PATH, takeEvery);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.amazon.com=${sim.url},https://advertising-api.amazon.com=${sim.url}`,
    SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'amazon_ads', vendors: ['amazon_ads'] });
  ({ site, integrationId } = await install('Amazon Ads shop', { refresh_token: REFRESH_TOKEN }));
});
after(() => closeAll(signal, sim));

describe('Amazon Ads Conversions API', () => {
  test('an order from the browser: the refresh token exchanged once, the documented Events API request with the access token', async () => {
    await browser(order('amz-order-1', 'ORD-1'));
    const request = await sentOnce('amz-order-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body)), { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.equal(request.headers['amazon-ads-accountid'], ACCOUNT_ID);
    assert.equal(request.headers['amazon-ads-clientid'], CLIENT_ID);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, {
      events: [{
        eventDescription: { name: 'Order Completed', conversionType: 'OFF_AMAZON_PURCHASES', eventSource: 'WEBSITE', eventIngestionMethod: 'SERVER_TO_SERVER' },
        eventTime: CALL_TIMESTAMP.replace(/\.\d{3}Z$/, 'Z'),
        eventId: 'amz-order-1',
        countryCode: 'US',
        matchKeys: [{ type: 'EMAIL', values: [sha('jane.doe@example.com')] }],
        consent: { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' }, geo: { ipAddress: VISITOR_IP } },
        value: 74.97, currencyCode: 'USD', unitsSold: 3,
        deviceInfo: { userAgent: 'Mozilla/5.0 (e2e)' },
      }],
    });
    assert.equal(JSON.stringify(request.json).includes('jane.doe@'), false, 'the email leaves hashed only');
    // The token is reused: a second event asks no new one.
    await browser({ type: 'page', name: 'Pricing', messageId: 'amz-page-1', properties: { email: 'jane@example.com' } });
    assert.equal(eventsOf(await sentOnce('amz-page-1'))[0]!.eventDescription.conversionType, 'PAGE_VIEW');
    assert.equal(tokenRequests().length, 1, 'the token is kept and reused');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 2) || undefined, 'counted delivered'));
  });

  test('events of one collect request go in one request; Amazon\'s 207 is read per event: a refused one dead-lettered with its words, the other delivered', async () => {
    sim.script('POST', EVENTS_PATH, [{ status: 207, body: { success: [{ index: 0 }], error: [{ index: 1, errors: [{ code: 'BAD_REQUEST', message: 'eventTime is more than 21 days in the past', fieldLocation: 'events[1].eventTime' }] }] } }]);
    await serverBatch([
      { type: 'track', event: 'Demo Requested', messageId: 'amz-batch-a', properties: { email: 'a@example.com' } },
      { type: 'track', event: 'Signed Up', messageId: 'amz-batch-b', properties: { email: 'b@example.com' } },
      { type: 'track', event: 'Feature Used', messageId: 'amz-batch-unnamed', properties: { email: 'c@example.com' } },
    ]);
    const dead = await waitForDeadLetter(signal, integrationId, 'amz-batch-b');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Amazon refused the event (BAD_REQUEST: eventTime is more than 21 days in the past (at events[1].eventTime))');
    const request = withEvent('amz-batch-a')[0]!;
    assert.deepEqual(eventsOf(request).map((e) => [e.eventId, e.eventDescription.conversionType]), [['amz-batch-a', 'LEAD'], ['amz-batch-b', 'SIGN_UP']], 'one request; the unnamed event not sent');
    assert.equal(await notDeadLettered(integrationId, 'amz-batch-a'), true);
    assert.equal(withEvent('amz-batch-unnamed').length, 0);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', EVENTS_PATH, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: { code: 'TOO_MANY_REQUESTS', message: 'Too Many Requests' }, headers: { 'retry-after': '1' } }, { hang: true }]);
    await browser(order('amz-retry', 'ORD-RETRY'));
    await waitUntil(async () => withEvent('amz-retry').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withEvent('amz-retry').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered(integrationId, 'amz-retry'), true);
  });

  test('a 401 renews the token once and sends again: the event is delivered with the new token', async () => {
    const before = tokenRequests().length;
    const old = issued.at(-1)!;
    revoked.add(old);
    await browser(order('amz-renew', 'ORD-RENEW'));
    const tries = await waitUntil(async () => withEvent('amz-renew').length >= 2 && withEvent('amz-renew'), 'the request sent again after the renewal');
    assert.deepEqual(tries.map(bearer), [old, issued.at(-1)], 'first with the refused token, then with the new one');
    assert.equal(tokenRequests().length, before + 1, 'one renewal');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await notDeadLettered(integrationId, 'amz-renew'), true);
  });

  test('a 400 dead-letters the request\'s events with Amazon\'s words; a refused refresh token dead-letters with what to do, nothing reaching the API', async () => {
    sim.script('POST', EVENTS_PATH, [{ status: 400, body: { code: 'BAD_REQUEST', message: 'Amazon-Ads-AccountId header is invalid' } }]);
    await browser(order('amz-400', 'ORD-400'));
    const dead = await waitForDeadLetter(signal, integrationId, 'amz-400');
    assert.equal(dead.attempts, 1);
    assert.equal(dead.reason, 'Amazon refused the request (HTTP 400: BAD_REQUEST: Amazon-Ads-AccountId header is invalid)');

    const refused = await install('Amazon Ads refused', { refresh_token: BAD_REFRESH_TOKEN });
    await browser(order('amz-badgrant', 'ORD-BAD'), refused.site.key);
    const badGrant = await waitForDeadLetter(signal, refused.integrationId, 'amz-badgrant');
    assert.match(badGrant.reason ?? '', /Login with Amazon refused the refresh token \(HTTP 400, invalid_grant: The request has an invalid grant parameter : refresh_token\): .*config\.refresh_token/);
    assert.equal(withEvent('amz-badgrant').length, 0);
    assert.equal(JSON.stringify(badGrant).includes(BAD_REFRESH_TOKEN), false, 'the refresh token is in no dead letter');
  });

  test('a 400 to several events naming one of them (schema checked before the 207): only that event dead-lettered, the others sent again and delivered; naming none, all dead-lettered', async () => {
    // Amazon refuses a whole request holding an event whose eventId ends in -bad: naming it by its place (events[i]) for -named-bad, else naming none.
    sim.setDefault('POST', EVENTS_PATH, (request) => {
      const events = eventsOf(request);
      const bad = events.findIndex((e) => String(e.eventId).endsWith('-bad'));
      if (bad < 0) return takeEvery(request);
      const message = String(events[bad]!.eventId).endsWith('-named-bad') ? `Invalid value at events[${bad}].currencyCode` : 'Request body is invalid';
      return { status: 400, body: { code: 'BAD_REQUEST', message } };
    });
    try {
      await serverBatch([
        { type: 'track', event: 'Signed Up', messageId: 'amz-400n-a', properties: { email: 'a@example.com' } },
        { type: 'track', event: 'Signed Up', messageId: 'amz-400n-named-bad', properties: { email: 'b@example.com' } },
        { type: 'track', event: 'Signed Up', messageId: 'amz-400n-c', properties: { email: 'c@example.com' } },
      ]);
      const named = await waitForDeadLetter(signal, integrationId, 'amz-400n-named-bad');
      assert.equal(named.reason, 'Amazon refused the event (HTTP 400: BAD_REQUEST: Invalid value at events[1].currencyCode)');
      await waitUntil(async () => withEvent('amz-400n-c').length >= 2 || undefined, 'the others sent again');
      assert.deepEqual(eventsOf(withEvent('amz-400n-c')[1]!).map((e) => e.eventId), ['amz-400n-a', 'amz-400n-c'], 'sent again without the refused event');
      assert.equal(withEvent('amz-400n-named-bad').length, 1);

      await serverBatch([
        { type: 'track', event: 'Signed Up', messageId: 'amz-400u-a', properties: { email: 'a@example.com' } },
        { type: 'track', event: 'Signed Up', messageId: 'amz-400u-b', properties: { email: 'b@example.com' } },
        { type: 'track', event: 'Signed Up', messageId: 'amz-400u-bad', properties: { email: 'c@example.com' } },
      ]);
      for (const id of ['amz-400u-a', 'amz-400u-b', 'amz-400u-bad']) {
        const dead = await waitForDeadLetter(signal, integrationId, id);
        assert.equal(dead.reason, 'Amazon refused the request (HTTP 400: BAD_REQUEST: Request body is invalid)');
      }
      assert.equal(withEvent('amz-400u-a').length, 1, 'sent once: nothing to tell the events apart');
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of ['amz-400n-a', 'amz-400n-c']) assert.equal(await notDeadLettered(integrationId, id), true, `${id} not dead-lettered`);
    } finally {
      sim.setDefault('POST', EVENTS_PATH, takeEvery);
    }
  });
});
