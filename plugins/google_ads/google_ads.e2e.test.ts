// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for both Google origins — oauth2.googleapis.com's token
// endpoint and googleads.googleapis.com's UploadClickConversions — through the core's access
// tokens: the refresh token exchanged once and the token shared, a 401 renewing it once and
// sending again, a second 401 and a refused refresh token dead-lettered saying what to do; the
// gclid of a landing page kept in Signal's _dfgclid cookie (never the Google tag's _gcl_aw) and
// carried by the purchase days later;
// partial failures by conversion, the quota, validateOnly, and a preview that asks no one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { JsonValue } from '../../core/sdk/index.ts';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { adminCall, installOnNewPipeline, sendBrowserCall, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKEN_PATH = '/token';
const API_PATH = '/v26/customers/1234567890:uploadClickConversions';
const CLIENT_ID = '123456789012-e2e.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-google-ads-e2e-secret';
const REFRESH_TOKEN = '1//0g-google-ads-refresh-token-e2e';
const BAD_REFRESH_TOKEN = '1//0g-revoked-refresh-token-e2e';
const ACTIONS = { 'Order Completed': '6543210', 'Signed Up': '6543211' };
const VISITOR_IP = '203.0.113.42';
const GCLID = 'EAIaIQobChMIgoogleAdsE2eCookieClick';

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** Access tokens the token endpoint issued, in order; the simulated API refuses those in `revoked`. */
const issued: string[] = [];
const revoked = new Set<string>();

/** A ClickConversion as the simulator received it. */
type Conversion = Record<string, JsonValue>;
const apiRequests = (): RecordedRequest[] => sim.requests({ path: API_PATH });
const tokenRequests = (): RecordedRequest[] => sim.requests({ path: TOKEN_PATH });
const conversionsOf = (request: RecordedRequest): Conversion[] => (request.json as { conversions?: Conversion[] }).conversions ?? [];
const withOrder = (orderId: string) => apiRequests().filter((r) => conversionsOf(r).some((c) => c.orderId === orderId));
const conversionOf = (request: RecordedRequest, orderId: string) => conversionsOf(request).find((c) => c.orderId === orderId)!;
const sentOnce = (orderId: string) => waitUntil(async () => withOrder(orderId)[0], `${orderId} sent to Google Ads`);
const deadLetter = (id: string, messageId: string) => waitUntil(async () => {
  const page = await signal.delivery.list(id, { messageId }, 5);
  return page.total === 1 && page.items[0]!;
}, `${messageId} dead-lettered`);
const now = () => new Date().toISOString();
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
/** Google's answer to an upload: a result per conversion. */
const accepted = (request: RecordedRequest) => ({ status: 200, body: { results: conversionsOf(request).map((c) => ({ gclid: c.gclid, conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime })), jobId: '9000' } });

const visitor: Visitor = { id: 'df_ga0visitor', ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)' };
const consent = { advertising: true, google: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' } };
/** A browser call as the site's SDK sends it, with the Google tag's cookie and consent. */
const browser = (call: Record<string, unknown>, key = site.key, cookies = `_gcl_aw=GCL.1796030000.${GCLID}`) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent, page: { url: 'https://shop.example.com/thanks' } } });

const install = (name: string, config: Record<string, unknown>, variant = 'retail') => installOnNewPipeline(signal, 'google_ads', name, {
  config: { customer_id: '123-456-7890', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN, conversion_actions: ACTIONS, ...config }, variant, consentCategories: ['advertising'],
});

before(async () => {
  sim = await startVendorSim();
  // Google's token endpoint: an hour's access token for the refresh token; the revoked one refused.
  sim.setDefault('POST', TOKEN_PATH, (request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('refresh_token') !== REFRESH_TOKEN) return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const token = `ya29.google-ads-access-token-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, expires_in: 3599, scope: 'https://www.googleapis.com/auth/adwords', token_type: 'Bearer' } };
  });
  // UploadClickConversions: a result per conversion, unless the token is unknown or revoked.
  sim.setDefault('POST', API_PATH, (request) => {
    const token = bearer(request);
    if (!issued.includes(token) || revoked.has(token)) {
      return { status: 401, body: { error: { code: 401, message: 'Request is missing required authentication credential.', status: 'UNAUTHENTICATED', details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors: [{ errorCode: { authenticationError: 'OAUTH_TOKEN_REVOKED' }, message: 'The OAuth token has been revoked.' }] }] } } };
    }
    return accepted(request);
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://googleads.googleapis.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'google_ads', vendors: ['google_ads'] });
  ({ site, integrationId } = await install('Google Ads', { developer_token: 'legacy-dev-token', login_customer_id: '987-654-3210', default_country_code: '44' }));
});
after(() => closeAll(signal, sim));

describe('Google Ads click conversion uploads', () => {
  test('an order from the browser: the refresh token exchanged once, the documented upload with the access token, the _gcl_aw cookie\'s gclid, the hashed person, consent', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', messageId: 'ga-order-1', timestamp,
      properties: { order_id: 'ORD-GA-1', revenue: 74.97, currency: 'eur' },
      context: { traits: { email: ' Jane.Doe@gmail.com ', phone: '07700 900123' } },
    });
    const request = await sentOnce('ORD-GA-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body)), { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.deepEqual([request.headers['developer-token'], request.headers['login-customer-id']], ['legacy-dev-token', '9876543210']);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['conversions', 'partialFailure']);
    assert.equal((request.json as { partialFailure: boolean }).partialFailure, true);
    const seconds = new Date(Math.floor(Date.parse(timestamp) / 1000) * 1000).toISOString();
    assert.deepEqual(conversionOf(request, 'ORD-GA-1'), {
      gclid: GCLID, conversionAction: 'customers/1234567890/conversionActions/6543210', conversionDateTime: `${seconds.slice(0, 19).replace('T', ' ')}+00:00`,
      conversionValue: 74.97, currencyCode: 'EUR', orderId: 'ORD-GA-1',
      userIdentifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }],
      consent: { adUserData: 'GRANTED', adPersonalization: 'DENIED' },
    });
    assert.equal(JSON.stringify(request.json).toLowerCase().includes('jane'), false, 'the email leaves hashed only');
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'ga-other-1', properties: { order_id: 'ORD-GA-OTHER' } });
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ga-signup-1', properties: { order_id: 'ORD-GA-SIGNUP' } }, site.key);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withOrder('ORD-GA-OTHER').length, 0, 'an event no action names is not sent');
    assert.equal(withOrder('ORD-GA-SIGNUP').length, 0, 'retail sends the funnel only');
    assert.equal(tokenRequests().length, 1, 'the token is kept and reused');
  });

  test('a landing page\'s gclid: kept by collect in Signal\'s _dfgclid for 90 days, the Google tag\'s _gcl_aw left alone; the purchase days later carries only the cookie', async () => {
    const landingClick = 'EAIaIQobChMIlandingPageClick0123';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_ga1landing' },
      body: JSON.stringify({ writeKey: site.key, timestamp: now(), messageId: 'ga-landing-1', context: { consent, page: { url: `https://shop.example.com/shoes?utm_source=google&gclid=${landingClick}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const setCookies = res.headers.getSetCookie();
    assert.equal(setCookies.some((c) => c.startsWith('_gcl_aw=') || c.startsWith('FPGCLAW=')), false, `the Google tags' cookies are theirs: ${JSON.stringify(setCookies)}`);
    const cookie = setCookies.find((c) => c.startsWith('_dfgclid='));
    assert.ok(cookie, `a _dfgclid cookie among ${JSON.stringify(setCookies)}`);
    assert.equal(cookie, `_dfgclid=${landingClick}; Max-Age=7776000; Path=/; SameSite=Lax`, 'the gclid itself, 90 days');
    const value = decodeURIComponent(cookie.split(';')[0]!.slice('_dfgclid='.length));

    // Days later: the thank-you page has no gclid; the browser sends Signal's cookie (before the tag's, of an older click).
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-later-1', properties: { order_id: 'ORD-GA-LATER', total: 20, currency: 'USD' } }, site.key, `_dfgclid=${value}; _gcl_aw=GCL.1796030000.${GCLID}`);
    assert.equal(conversionOf(await sentOnce('ORD-GA-LATER'), 'ORD-GA-LATER').gclid, landingClick);
    // A purchase page reached from a new ad click: the URL's gclid, the newer click, wins.
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-url-1', properties: { order_id: 'ORD-GA-URL', total: 5, currency: 'USD' }, context: { page: { url: `https://shop.example.com/buy?gclid=${landingClick}-new` } } }, site.key, `_dfgclid=${value}`);
    assert.equal(conversionOf(await sentOnce('ORD-GA-URL'), 'ORD-GA-URL').gclid, `${landingClick}-new`);
  });

  test('a 401 renews the token once and sends again: the conversion is delivered with the new token', async () => {
    await sentOnce('ORD-GA-1');
    const before = tokenRequests().length;
    const old = issued.at(-1)!;
    revoked.add(old);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-renew-1', properties: { order_id: 'ORD-GA-RENEW', total: 3, currency: 'USD' } });
    const tries = await waitUntil(async () => withOrder('ORD-GA-RENEW').length >= 2 && withOrder('ORD-GA-RENEW'), 'the request sent again after the renewal');
    assert.deepEqual(tries.map(bearer), [old, issued.at(-1)], 'first with the refused token, then with the new one');
    assert.equal(tokenRequests().length, before + 1, 'one renewal');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withOrder('ORD-GA-RENEW').length, 2, 'sent no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'ga-renew-1' }, 5)).total, 0, 'delivered, not dead-lettered');
  });

  test('a second 401 after the renewal is the classifier\'s: dead-lettered at once, saying how to authorise Signal again', async () => {
    const refusal = { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED', details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors: [{ errorCode: { authenticationError: 'OAUTH_TOKEN_REVOKED' }, message: 'The OAuth token has been revoked.' }] }] } } };
    sim.script('POST', API_PATH, [refusal, refusal]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-revoked-1', properties: { order_id: 'ORD-GA-REVOKED', total: 4, currency: 'USD' } });
    const dead = await deadLetter(integrationId, 'ga-revoked-1');
    assert.equal(withOrder('ORD-GA-REVOKED').length, 2, 'sent twice: before and after the renewal');
    assert.match(dead.reason ?? '', /^Google Ads refused the access token \(HTTP 401, OAUTH_TOKEN_REVOKED: The OAuth token has been revoked\.\): Signal renewed it with the refresh token/);
    const text = JSON.stringify(dead);
    for (const secret of [...issued, REFRESH_TOKEN, CLIENT_SECRET, 'legacy-dev-token']) assert.equal(text.includes(secret), false, 'no token or secret in a dead letter');
  });

  test('a refresh token Google refuses dead-letters the conversions with what to do; nothing reaches the API', async () => {
    const refused = await install('Google Ads refused', { refresh_token: BAD_REFRESH_TOKEN });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-badgrant-1', properties: { order_id: 'ORD-GA-BADGRANT', total: 5, currency: 'USD' } }, refused.site.key);
    const dead = await deadLetter(refused.integrationId, 'ga-badgrant-1');
    assert.match(dead.reason ?? '', /Google refused the refresh token \(HTTP 400, invalid_grant: Token has been expired or revoked\.\)\. A Google refresh token stops working/);
    assert.equal(withOrder('ORD-GA-BADGRANT').length, 0);
    assert.equal(JSON.stringify(dead).includes(BAD_REFRESH_TOKEN), false, 'the refresh token is in no dead letter');
  });

  test('a partial failure: the conversion Google refused dead-lettered with its words, the expired click declined, the duplicate and the others delivered, nothing sent twice', async () => {
    sim.setDefault('POST', API_PATH, (request) => {
      const conversions = conversionsOf(request);
      const errors = conversions.flatMap((c, index) => (c.orderId === 'ORD-GA-EXPIRED'
        ? [{ errorCode: { conversionUploadError: 'EXPIRED_EVENT' }, message: 'The imported event can\'t be recorded because its click occurred before this conversion\'s click-through window.', location: { fieldPathElements: [{ fieldName: 'conversions', index }, { fieldName: 'gclid' }] } }]
        : c.orderId === 'ORD-GA-BEFORE'
        ? [{ errorCode: { conversionUploadError: 'CONVERSION_PRECEDES_EVENT' }, message: 'The conversion_date_time is before the click time.', location: { fieldPathElements: [{ fieldName: 'conversions', index }, { fieldName: 'conversion_date_time' }] } }]
        : c.orderId === 'ORD-GA-DUP' ? [{ errorCode: { conversionUploadError: 'CLICK_CONVERSION_ALREADY_EXISTS' }, message: 'The imported event has the same click and conversion_date_time as an existing conversion.', location: { fieldPathElements: [{ fieldName: 'conversions', index }] } }] : []));
      if (errors.length === 0) return accepted(request);
      return { status: 200, body: { results: conversions.map(() => ({})), partialFailureError: { code: 3, message: errors.map((e) => e.message).join(', '), details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors, requestId: 'r-1' }] } } };
    });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}`, 'x-forwarded-for': VISITOR_IP },
      body: JSON.stringify({ batch: ['ORD-GA-BEFORE', 'ORD-GA-DUP', 'ORD-GA-FINE', 'ORD-GA-EXPIRED'].map((orderId, i) => ({ type: 'track', event: 'Order Completed', messageId: `ga-partial-${i}`, anonymousId: visitor.id, timestamp: now(), context: { consent }, properties: { order_id: orderId, gclid: `${GCLID}${i}`, total: 1, currency: 'USD' } })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await deadLetter(integrationId, 'ga-partial-0');
    assert.equal(dead.reason, 'Google Ads refused the conversion (CONVERSION_PRECEDES_EVENT: The conversion_date_time is before the click time.): the conversion\'s time is before the click\'s');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const order of ['ORD-GA-BEFORE', 'ORD-GA-EXPIRED', 'ORD-GA-DUP', 'ORD-GA-FINE']) assert.equal(withOrder(order).length, 1, `${order} sent once`);
    for (const messageId of ['ga-partial-1', 'ga-partial-2', 'ga-partial-3']) assert.equal((await signal.delivery.list(integrationId, { messageId }, 5)).total, 0, `${messageId} not dead-lettered`);
    // The expired click: declined — in the log with Google's words, traced as dropped, no dead letter.
    const { body } = await signal.graphql<{ eventTrace: { integrations: Array<{ integrationId: string; status: string; reason: string; exchanges: Array<{ outcome: string }> }> } }>(
      'query($p: ID!, $m: String!) { eventTrace(pipelineId: $p, messageId: $m) { integrations { integrationId status reason exchanges { outcome } } } }', { p: site.id, m: 'ga-partial-3' });
    const expired = body.data!.eventTrace.integrations.find((i) => i.integrationId === integrationId)!;
    assert.equal(expired.status, 'dropped');
    assert.match(expired.reason, /^declined: Google Ads will not record the conversion \(EXPIRED_EVENT: .*\): its click is older than the conversion action's click-through window/);
    assert.equal(expired.exchanges[0]!.outcome, 'partial: 2 delivered, 0 retry, 1 dead_letter, 1 declined');
  });

  test('the quota (429 RESOURCE_EXHAUSTED): sent again after Google\'s retryDelay and delivered once', async () => {
    sim.script('POST', API_PATH, [{ status: 429, body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors: [{ errorCode: { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' }, message: 'Too many requests in a short amount of time.', details: { quotaErrorDetails: { rateScope: 'ACCOUNT', rateName: 'Requests per account', retryDelay: '60s' } } }] }] } } }]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'ga-429', properties: { order_id: 'ORD-GA-429', total: 5, currency: 'USD' } });
    const tries = await waitUntil(async () => withOrder('ORD-GA-429').length >= 2 && withOrder('ORD-GA-429'), 'the try after the quota');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 500, 'Google\'s retryDelay of 60 s (× 0.01)');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withOrder('ORD-GA-429').length, 2);
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'ga-429' }, 5)).total, 0);
  });

  test('validate_only sends validateOnly: Google checks and records nothing; the events count as delivered', async () => {
    const validating = await install('Google Ads validate', { validate_only: true }, 'default');
    await browser({ type: 'track', event: 'Signed Up', messageId: 'ga-validate-1', properties: { order_id: 'ORD-GA-VALIDATE', value: 25, currency: 'gbp' } }, validating.site.key);
    const request = await sentOnce('ORD-GA-VALIDATE');
    assert.deepEqual([(request.json as { validateOnly?: boolean }).validateOnly, (request.json as { partialFailure?: boolean }).partialFailure], [true, true]);
    assert.deepEqual([conversionOf(request, 'ORD-GA-VALIDATE').conversionAction, conversionOf(request, 'ORD-GA-VALIDATE').conversionValue], ['customers/1234567890/conversionActions/6543211', 25]);
    assert.equal(request.headers['developer-token'], undefined, 'no developer token configured: none sent');
  });

  test('a preview shows the exact request with [access token], asking neither Google origin', async () => {
    const [apiBefore, tokensBefore] = [apiRequests().length, tokenRequests().length];
    const events = [{
      type: 'track', event: 'Order Completed', messageId: 'ga-preview-1', anonymousId: visitor.id, timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-GA-P', total: 12, currency: 'USD', gclid: GCLID }, context: { ip: VISITOR_IP, page: { url: 'https://shop.example.com/thanks' } },
    }];
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; headers: Record<string, string>; body: { conversions: Conversion[] } }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'google_ads', variant: 'retail', pipelineId: site.id, config: { customer_id: '1234567890', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN, conversion_actions: ACTIONS } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'ga-preview-1')!;
    assert.deepEqual(order.errors, []);
    const [request] = order.requests;
    assert.equal(request!.url, 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions');
    assert.match(request!.headers.authorization ?? '', /^Bearer \[(access token|REDACTED)\]$/);
    assert.deepEqual([request!.body.conversions[0]!.gclid, request!.body.conversions[0]!.conversionValue], [GCLID, 12]);
    assert.deepEqual([apiRequests().length, tokenRequests().length], [apiBefore, tokensBefore], 'nothing asked');
  });
});

test('an older API version: accepted, and the admin is warned — in the install answer, on the revision, as a gauge', async () => {
  const pipeline = await signal.pipeline('Google Ads, older version');
  type Warning = { field: string; message: string };
  const answer = await adminCall<{ assignment: { id: string }; revision: { configWarnings: Warning[] } }>(signal, 'POST', '/v1/admin/integration-catalog/google_ads/install', {
    name: 'Google Ads v24', variant: 'retail', delivery_mode: 'server_side', pipeline_id: pipeline.id,
    config: { customer_id: '123-456-7890', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN, conversion_actions: ACTIONS, api_version: 'v24' },
  });
  assert.deepEqual(answer.revision.configWarnings.map((w) => w.field), ['api_version']);
  assert.match(answer.revision.configWarnings[0]!.message, /^is v24, older than v26: /);

  const { body } = await signal.graphql<{ integrations: Array<{ name: string; latestRevision: { configWarnings: Warning[] } }> }>(
    'query($p: ID) { integrations(pipelineId: $p) { name latestRevision { configWarnings { field message } } } }', { p: pipeline.id });
  assert.deepEqual(body.data!.integrations[0]!.latestRevision.configWarnings, answer.revision.configWarnings);

  const metrics = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
  const gauge = (id: string) => new RegExp(`^signal_integration_config_warnings\\{integration="${id}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1];
  assert.equal(gauge(answer.assignment.id), '1');
  assert.equal(gauge(integrationId), '0', 'the default version: nothing to say yet');
});
