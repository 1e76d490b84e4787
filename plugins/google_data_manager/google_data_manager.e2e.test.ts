// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for both Google origins — oauth2.googleapis.com's token
// endpoint and datamanager.googleapis.com's events:ingest — through the core's access tokens:
// the refresh token exchanged once and the token shared, a 401 renewing it once and sending
// again, a second 401 and a refused refresh token dead-lettered saying what to do, a service
// account's signed assertion; the gclid of a landing page kept in one _dfgclid cookie with the
// google_ads plugin beside, the Google tag's _gcl_aw read; two conversion actions in one request; a fast-fail refusal naming
// one event; the quota; validateOnly; a preview that asks no one.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { JsonValue } from '../../core/sdk/index.ts';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { adminCall, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKEN_PATH = '/token';
const API_PATH = '/v1/events:ingest';
const CLIENT_ID = '123456789012-e2e.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-data-manager-e2e-secret';
const REFRESH_TOKEN = '1//0g-data-manager-refresh-token-e2e';
const BAD_REFRESH_TOKEN = '1//0g-revoked-refresh-token-e2e';
const SA_EMAIL = 'signal-e2e@shop.iam.gserviceaccount.com';
const SA_KEY = JSON.stringify({
  type: 'service_account', project_id: 'shop', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const ACTIONS = { 'Order Completed': '6543210', 'Signed Up': '6543211' };
const VISITOR_IP = '203.0.113.42';
const GCLID = 'EAIaIQobChMIdataManagerE2eCookieClick';

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
/** Access tokens the token endpoint issued, in order; the simulated API refuses those in `revoked`. */
const issued: string[] = [];
const revoked = new Set<string>();

type IngestEvent = Record<string, JsonValue>;
interface IngestBody { destinations: Array<Record<string, JsonValue>>; events: IngestEvent[]; encoding?: string; validateOnly?: boolean; consent?: JsonValue }
const apiRequests = (): RecordedRequest[] => sim.requests({ path: API_PATH });
const tokenRequests = (): RecordedRequest[] => sim.requests({ path: TOKEN_PATH });
const bodyOf = (request: RecordedRequest) => request.json as IngestBody;
const withTransaction = (id: string) => apiRequests().filter((r) => bodyOf(r).events.some((e) => e.transactionId === id));
const eventOf = (request: RecordedRequest, id: string) => bodyOf(request).events.find((e) => e.transactionId === id)!;
const sentOnce = (id: string) => waitUntil(async () => withTransaction(id)[0], `${id} sent to the Data Manager API`);
const now = () => new Date().toISOString();
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
/** Google's receipt: a request id (here named after the request's first transaction, for the processing reports). */
const accepted = (request: RecordedRequest) => ({ status: 200, body: { requestId: `dm-req-${String(bodyOf(request).events[0]?.transactionId ?? 'none')}` } });
const STATUS_PATH = '/v1/requestStatus:retrieve';
/** requestStatus:retrieve's answers by request id, in order (the last repeats); SUCCESS for the others. */
const statusAnswers = new Map<string, JsonValue[]>();
const googleError = (status: number, code: string, message: string, details: JsonValue[] = []) => ({ status, body: { error: { code: status, message, status: code, details } } });

const visitor: Visitor = { id: 'df_dm0visitor', ip: VISITOR_IP, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)' };
const consent = { advertising: true, google: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' } };
/** A browser call as the site's SDK sends it, with the Google tag's cookie and consent. */
const browser = (call: Record<string, unknown>, key = site.key, cookies = `_gcl_aw=GCL.1796030000.${GCLID}`) =>
  sendBrowserCall(signal, key, call, { ...visitor, cookies }, { timestamp: now(), context: { consent, page: { url: 'https://shop.example.com/thanks' } } });
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { anonymousId: visitor.id, timestamp: now(), context: { consent } }, { 'x-forwarded-for': VISITOR_IP });

const credentials = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN };
const install = (name: string, config: Record<string, unknown>, variant = 'default') => installOnNewPipeline(signal, 'google_data_manager', name, {
  config: { customer_id: '123-456-7890', conversion_actions: ACTIONS, ...credentials, ...config }, variant, consentCategories: ['advertising'],
});

before(async () => {
  sim = await startVendorSim();
  // Google's token endpoint: an hour's token for the refresh token, or for a service account's assertion; the revoked refresh token refused.
  sim.setDefault('POST', TOKEN_PATH, (request) => {
    const form = new URLSearchParams(request.body);
    const grant = form.get('grant_type');
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as { iss?: string; scope?: string };
      if (claims.iss !== SA_EMAIL || claims.scope !== 'https://www.googleapis.com/auth/datamanager') return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    } else if (form.get('refresh_token') !== REFRESH_TOKEN) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    }
    const token = `ya29.data-manager-access-token-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
  });
  // events:ingest: a request id, unless the token is unknown or revoked.
  sim.setDefault('POST', API_PATH, (request) => {
    const token = bearer(request);
    if (!issued.includes(token) || revoked.has(token)) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    return accepted(request);
  });
  sim.setDefault('GET', STATUS_PATH, (request) => {
    const id = request.query.requestId ?? '';
    const answers = statusAnswers.get(id);
    const body = answers && answers.length > 1 ? answers.shift()! : answers?.[0] ?? { requestStatusPerDestination: [{ requestStatus: 'SUCCESS', eventsIngestionStatus: { recordCount: '1' } }] };
    return { status: 200, body };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://datamanager.googleapis.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'google_data_manager', vendors: ['google_data_manager', 'google_ads'] });
  ({ site, integrationId } = await install('Google Data Manager', { login_customer_id: '987-654-3210', default_country_code: '44' }, 'retail'));
});
after(() => closeAll(signal, sim));

describe('Google Data Manager API conversions', () => {
  test('an order from the browser: the refresh token exchanged once, the documented events:ingest with the access token, the Google tag\'s _gcl_aw gclid, the hashed person, consent', async () => {
    const timestamp = now();
    await browser({
      type: 'track', event: 'Order Completed', messageId: 'dm-order-1', timestamp,
      properties: { order_id: 'ORD-DM-1', revenue: 74.97, currency: 'eur' },
      context: { traits: { email: ' Jane.Doe+news@gmail.com ', phone: '07700 900123', firstName: 'Jane', lastName: 'Doe', address: { country: 'United Kingdom', postalCode: 'SW1A 1AA' } } },
    });
    const request = await sentOnce('ORD-DM-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body)), { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const body = bodyOf(request);
    assert.deepEqual(Object.keys(body), ['destinations', 'events', 'encoding']);
    assert.deepEqual(body.destinations, [{ reference: 'action_6543210', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' }, productDestinationId: '6543210' }]);
    assert.equal(body.encoding, 'HEX');
    assert.deepEqual(eventOf(request, 'ORD-DM-1'), {
      destinationReferences: ['action_6543210'], transactionId: 'ORD-DM-1', eventTimestamp: new Date(Date.parse(timestamp)).toISOString(),
      userData: { userIdentifiers: [{ emailAddress: sha256('janedoe@gmail.com') }, { phoneNumber: sha256('+447700900123') }, { address: { givenName: sha256('jane'), familyName: sha256('doe'), regionCode: 'GB', postalCode: 'SW1A 1AA' } }] },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' }, adIdentifiers: { gclid: GCLID },
      currency: 'EUR', conversionValue: 74.97, eventSource: 'WEB',
    });
    assert.equal(JSON.stringify(request.json).toLowerCase().includes('jane'), false, 'the person leaves hashed only');
    assert.equal(JSON.stringify(request.json).includes(VISITOR_IP), false, 'no IP address without send_device_info');
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'dm-other-1', properties: { order_id: 'ORD-DM-OTHER' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withTransaction('ORD-DM-OTHER').length, 0, 'an event no action names is not sent');
    assert.equal(tokenRequests().length, 1, 'the token is kept and reused');
  });

  test('two conversion actions in one batch: one request with a destination each, every event naming its own', async () => {
    const both = await install('Google Data Manager two actions', {});
    await batch(both.site.key, [
      { event: 'Order Completed', messageId: 'dm-two-1', properties: { order_id: 'ORD-DM-TWO-1', total: 10, currency: 'USD', gclid: `${GCLID}1` } },
      { event: 'Signed Up', messageId: 'dm-two-2', properties: { order_id: 'ORD-DM-TWO-2', gclid: `${GCLID}2` } },
    ]);
    await waitUntil(async () => withTransaction('ORD-DM-TWO-1').length > 0 && withTransaction('ORD-DM-TWO-2').length > 0, 'both sent');
    const [request] = withTransaction('ORD-DM-TWO-1');
    assert.deepEqual(withTransaction('ORD-DM-TWO-2'), [request], 'one request for both');
    assert.deepEqual(bodyOf(request!).destinations.map((d) => [d.reference, d.productDestinationId]), [['action_6543210', '6543210'], ['action_6543211', '6543211']]);
    assert.deepEqual([eventOf(request!, 'ORD-DM-TWO-1').destinationReferences, eventOf(request!, 'ORD-DM-TWO-2').destinationReferences], [['action_6543210'], ['action_6543211']]);
  });

  test('a landing page\'s gclid with google_ads installed beside: one _dfgclid Set-Cookie, the Google tag\'s _gcl_aw untouched, the purchase days later carrying it', async () => {
    await adminCall(signal, 'POST', '/v1/admin/integration-catalog/google_ads/install', {
      name: 'Google Ads beside', variant: 'default', delivery_mode: 'server_side', pipeline_id: site.id, consent_categories: ['advertising'],
      config: { customer_id: '123-456-7890', ...credentials, conversion_actions: { 'Never Sent': '1' } },
    });
    const landingClick = 'EAIaIQobChMIdmLandingPageClick0123';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: `_dfdid=df_dm1landing; _gcl_aw=GCL.1796030000.${GCLID}` },
      body: JSON.stringify({ writeKey: site.key, timestamp: now(), messageId: 'dm-landing-1', context: { consent, page: { url: `https://shop.example.com/shoes?utm_source=google&gclid=${landingClick}` } } }),
    });
    assert.equal(res.status, 200, await res.text());
    const setCookies = res.headers.getSetCookie();
    const cookies = setCookies.filter((c) => c.startsWith('_dfgclid='));
    assert.equal(cookies.length, 1, `one _dfgclid cookie among ${JSON.stringify(setCookies)}`);
    assert.match(cookies[0]!, new RegExp(`^_dfgclid=${landingClick}; Max-Age=7776000; Path=/; SameSite=Lax$`), 'the click id as it is, 90 days, not HttpOnly');
    assert.equal(setCookies.some((c) => c.startsWith('_gcl_aw=') || c.startsWith('FPGCLAW=')), false, 'the Google tags\' cookies are never written');
    // Days later: the thank-you page has no gclid; the browser sends Signal's cookie and the tag's older one.
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-later-1', properties: { order_id: 'ORD-DM-LATER', total: 20, currency: 'USD' } }, site.key, `_dfgclid=${landingClick}; _gcl_aw=GCL.1796030000.${GCLID}`);
    assert.deepEqual(eventOf(await sentOnce('ORD-DM-LATER'), 'ORD-DM-LATER').adIdentifiers, { gclid: landingClick }, 'Signal\'s cookie before the tag\'s');
  });

  test('a 401 renews the token once and sends again: the event is delivered with the new token', async () => {
    // The token this integration holds: the one its latest request carried (other installs hold their own).
    const old = bearer(await sentOnce('ORD-DM-LATER'));
    const before = tokenRequests().length;
    revoked.add(old);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-renew-1', properties: { order_id: 'ORD-DM-RENEW', total: 3, currency: 'USD' } });
    const tries = await waitUntil(async () => withTransaction('ORD-DM-RENEW').length >= 2 && withTransaction('ORD-DM-RENEW'), 'the request sent again after the renewal');
    assert.deepEqual(tries.map(bearer), [old, issued.at(-1)], 'first with the refused token, then with the new one');
    assert.equal(tokenRequests().length, before + 1, 'one renewal');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withTransaction('ORD-DM-RENEW').length, 2, 'sent no more');
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'dm-renew-1' }, 5)).total, 0, 'delivered, not dead-lettered');
  });

  test('a second 401 after the renewal is the classifier\'s: dead-lettered at once, saying how to authorise Signal again', async () => {
    const refusal = googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    sim.script('POST', API_PATH, [refusal, refusal]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-revoked-1', properties: { order_id: 'ORD-DM-REVOKED', total: 4, currency: 'USD' } });
    const dead = await waitForDeadLetter(signal, integrationId, 'dm-revoked-1');
    assert.equal(withTransaction('ORD-DM-REVOKED').length, 2, 'sent twice: before and after the renewal');
    assert.match(dead.reason ?? '', /^the Data Manager API refused the access token \(HTTP 401, UNAUTHENTICATED: Request had invalid authentication credentials\.\): Signal renewed it with the refresh token/);
    const text = JSON.stringify(dead);
    for (const secret of [...issued, REFRESH_TOKEN, CLIENT_SECRET]) assert.equal(text.includes(secret), false, 'no token or secret in a dead letter');
  });

  test('a refresh token Google refuses dead-letters the events with what to do; nothing reaches the API', async () => {
    const refused = await install('Google Data Manager refused', { refresh_token: BAD_REFRESH_TOKEN });
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-badgrant-1', properties: { order_id: 'ORD-DM-BADGRANT', total: 5, currency: 'USD' } }, refused.site.key);
    const dead = await waitForDeadLetter(signal, refused.integrationId, 'dm-badgrant-1');
    assert.match(dead.reason ?? '', /Google refused the refresh token \(HTTP 400, invalid_grant: Token has been expired or revoked\.\)\. A Google refresh token stops working/);
    assert.equal(withTransaction('ORD-DM-BADGRANT').length, 0);
    assert.equal(JSON.stringify(dead).includes(BAD_REFRESH_TOKEN), false, 'the refresh token is in no dead letter');
  });

  test('a service account: its signed assertion for the datamanager scope, then events:ingest with its token', async () => {
    const account = await install('Google Data Manager service account', { client_id: '', client_secret: '', refresh_token: '', service_account_key: SA_KEY });
    const before = tokenRequests().length;
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-sa-1', properties: { order_id: 'ORD-DM-SA', total: 6, currency: 'USD' } }, account.site.key);
    const request = await sentOnce('ORD-DM-SA');
    const exchange = tokenRequests().slice(before).find((r) => new URLSearchParams(r.body).get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.ok(exchange, 'a JWT bearer grant');
    assert.equal(request.headers.authorization, `Bearer ${issued.at(-1)}`);
    assert.equal(await deadLetters(account.integrationId, 'dm-sa-1'), 0, 'delivered');
  });

  test('a fast-fail refusal naming one event: that one dead-lettered with Google\'s words, the others sent again and delivered', async () => {
    const failing = await install('Google Data Manager fast fail', {});
    sim.setDefault('POST', API_PATH, (request) => {
      const events = bodyOf(request).events;
      const index = events.findIndex((e) => e.transactionId === 'ORD-DM-BAD');
      if (index < 0) return accepted(request);
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: `events[${index}].ad_identifiers.gclid`, description: 'The gclid could not be decoded.', reason: 'INVALID_FORMAT' }] },
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_ARGUMENT', domain: 'datamanager.googleapis.com' },
      ]);
    });
    try {
      await batch(failing.site.key, ['ORD-DM-FINE-1', 'ORD-DM-BAD', 'ORD-DM-FINE-2'].map((id, i) => ({ event: 'Order Completed', messageId: `dm-fast-${i}`, properties: { order_id: id, gclid: `${GCLID}${i}`, total: 1, currency: 'USD' } })));
      const dead = await waitForDeadLetter(signal, failing.integrationId, 'dm-fast-1');
      assert.equal(dead.reason, 'the Data Manager API refused the event (HTTP 400, events[1].ad_identifiers.gclid: The gclid could not be decoded. (INVALID_FORMAT)), then replay the dead letter');
      await waitUntil(async () => withTransaction('ORD-DM-FINE-2').length >= 2 && withTransaction('ORD-DM-FINE-1').length >= 2, 'the others sent again');
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of ['ORD-DM-FINE-1', 'ORD-DM-FINE-2']) assert.equal(withTransaction(id).length, 2, `${id}: refused with the request, then sent again once`);
      assert.equal(withTransaction('ORD-DM-BAD').length, 1, 'the refused event is not sent again');
      for (const messageId of ['dm-fast-0', 'dm-fast-2']) assert.equal((await signal.delivery.list(failing.integrationId, { messageId }, 5)).total, 0, `${messageId} delivered`);
      assert.deepEqual(await exchangeOutcomes(signal, failing.site.id, failing.integrationId, 'dm-fast-0'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered'], 'sent again at once, in the same delivery');
      assert.equal((await integrationStats(signal, failing.integrationId)).retried, 0, 'using no try');
    } finally {
      sim.setDefault('POST', API_PATH, (request) => (issued.includes(bearer(request)) && !revoked.has(bearer(request)) ? accepted(request) : googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')));
    }
  });

  test('the quota (429 RESOURCE_EXHAUSTED): sent again after Google\'s RetryInfo and delivered once', async () => {
    sim.script('POST', API_PATH, [googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric \'Requests\'.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '60s' }])]);
    await browser({ type: 'track', event: 'Order Completed', messageId: 'dm-429', properties: { order_id: 'ORD-DM-429', total: 5, currency: 'USD' } });
    const tries = await waitUntil(async () => withTransaction('ORD-DM-429').length >= 2 && withTransaction('ORD-DM-429'), 'the try after the quota');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 500, 'Google\'s retryDelay of 60 s (× 0.01)');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withTransaction('ORD-DM-429').length, 2);
    assert.equal((await signal.delivery.list(integrationId, { messageId: 'dm-429' }, 5)).total, 0);
  });

  test('validate_only sends validateOnly: Google checks and records nothing; the events count as delivered', async () => {
    const validating = await install('Google Data Manager validate', { validate_only: true, default_ad_user_data: 'granted' });
    await browser({ type: 'track', event: 'Signed Up', messageId: 'dm-validate-1', properties: { order_id: 'ORD-DM-VALIDATE', value: 25, currency: 'gbp' } }, validating.site.key);
    const request = await sentOnce('ORD-DM-VALIDATE');
    assert.deepEqual([bodyOf(request).validateOnly, bodyOf(request).consent], [true, { adUserData: 'CONSENT_GRANTED' }]);
    assert.deepEqual([eventOf(request, 'ORD-DM-VALIDATE').destinationReferences, eventOf(request, 'ORD-DM-VALIDATE').conversionValue], [['action_6543211'], 25]);
  });

  test('Google\'s processing report: asked for later with the token, again while processing; the failed events counted, the report in the delivery log', async () => {
    // Its own node, whose waits are scaled down further: the first check half an hour after becomes 0.9 s.
    const fast = await startTestSignal({
      SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://datamanager.googleapis.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.0005',
    }, { label: 'google_data_manager_reports', vendors: ['google_data_manager', 'google_ads'] });
    try {
      const reporting = await installOnNewPipeline(fast, 'google_data_manager', 'Google Data Manager reports', {
        config: { customer_id: '123-456-7890', conversion_actions: ACTIONS, ...credentials }, variant: 'retail', consentCategories: ['advertising'],
      });
      statusAnswers.set('dm-req-ORD-DM-REPORT-1', [
        { requestStatusPerDestination: [{ requestStatus: 'PROCESSING' }] },
        { requestStatusPerDestination: [{
          destination: { productDestinationId: '6543210' }, requestStatus: 'PARTIAL_SUCCESS', eventsIngestionStatus: { recordCount: '1' },
          errorInfo: { errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_INVALID_GCLID', recordCount: '1' }] },
          warningInfo: { warningCounts: [{ reason: 'PROCESSING_WARNING_REASON_UNUSED_FIELD', recordCount: '2' }] },
        }] },
      ]);
      const res = await fetch(`${fast.collectUrl}/v1/batch`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${reporting.site.key}:`).toString('base64')}` },
        body: JSON.stringify({ batch: [
          { type: 'track', event: 'Order Completed', messageId: 'dm-report-1', anonymousId: visitor.id, context: { consent }, properties: { order_id: 'ORD-DM-REPORT-1', total: 10, currency: 'EUR', gclid: GCLID } },
          { type: 'track', event: 'Order Completed', messageId: 'dm-report-2', anonymousId: visitor.id, context: { consent }, properties: { order_id: 'ORD-DM-REPORT-2', total: 12, currency: 'EUR', gclid: 'another-click-id' } },
        ] }),
      });
      assert.equal(res.status, 200, await res.text());
      await sentOnce('ORD-DM-REPORT-1');
      type Exchange = { eventIds: string[]; outcome: string; error: string | null; responseStatus: number | null; request: { url: string; headers: Record<string, string> } };
      const report = await waitUntil(async () => {
        const { body } = await fast.graphql<{ deliveryLog: Exchange[] }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds outcome error responseStatus request } }', { id: reporting.integrationId });
        return body.data!.deliveryLog.find((e) => e.outcome === 'report');
      }, 'the processing report', 30_000);
      assert.deepEqual(report.eventIds.sort(), ['dm-report-1', 'dm-report-2'], 'the events the accepted request carried');
      assert.equal(report.responseStatus, 200);
      assert.equal(report.error, 'Google processed the request: PARTIAL_SUCCESS (1 event ingested; failed: 1 × INVALID_GCLID; warnings: 2 × UNUSED_FIELD)');
      assert.equal(report.request.url, 'https://datamanager.googleapis.com/v1/requestStatus:retrieve?requestId=dm-req-ORD-DM-REPORT-1');
      assert.match(report.request.headers.authorization ?? '', /^Bearer \[REDACTED\]$/, 'the token is not logged');
      const asked = sim.requests({ method: 'GET', path: STATUS_PATH }).filter((r) => r.query.requestId === 'dm-req-ORD-DM-REPORT-1');
      assert.equal(asked.length, 2, 'asked again while Google was processing');
      assert.ok(asked.every((r) => issued.includes(bearer(r))), 'with the integration\'s access token');
      assert.deepEqual(await integrationStats(fast, reporting.integrationId, ['delivered', 'processingFailed'] as const), { delivered: 2, processingFailed: 1 }, 'still delivered: Google names no event to send again');
    } finally {
      await fast.close();
    }
  });

  test('a preview shows the exact request with [access token], asking neither Google origin', async () => {
    const [apiBefore, tokensBefore] = [apiRequests().length, tokenRequests().length];
    const events = [{
      type: 'track', event: 'Order Completed', messageId: 'dm-preview-1', anonymousId: visitor.id, timestamp: now(), receivedAt: now(),
      properties: { order_id: 'ORD-DM-P', total: 12, currency: 'USD', gclid: GCLID }, context: { ip: VISITOR_IP, page: { url: 'https://shop.example.com/thanks' } },
    }];
    const preview = await signal.graphql<{ previewIntegration: { results: Array<{ messageId: string; errors: string[]; requests: Array<{ url: string; headers: Record<string, string>; body: IngestBody }> }> } }>(
      'query($target: PreviewTarget!, $events: [JSON!]) { previewIntegration(target: $target, events: $events) { results { messageId errors requests } } }',
      { target: { vendor: 'google_data_manager', variant: 'retail', pipelineId: site.id, config: { customer_id: '1234567890', ...credentials, conversion_actions: ACTIONS } }, events },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
    const order = preview.body.data!.previewIntegration.results.find((r) => r.messageId === 'dm-preview-1')!;
    assert.deepEqual(order.errors, []);
    const [request] = order.requests;
    assert.equal(request!.url, 'https://datamanager.googleapis.com/v1/events:ingest');
    assert.match(request!.headers.authorization ?? '', /^Bearer \[(access token|REDACTED)\]$/);
    assert.deepEqual([request!.body.events[0]!.adIdentifiers, request!.body.events[0]!.conversionValue], [{ gclid: GCLID }, 12]);
    assert.deepEqual([apiRequests().length, tokenRequests().length], [apiBefore, tokensBefore], 'nothing asked');
  });
});

/** The number of dead letters of an event, a moment after its request was answered (0 when delivered). */
async function deadLetters(id: string, messageId: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (await signal.delivery.list(id, { messageId }, 5)).total;
}
