// End to end: browser calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for both Google origins — oauth2.googleapis.com's token
// endpoint and dfareporting.googleapis.com's conversions.batchinsert — which must receive
// exactly the request the Campaign Manager 360 API documents: the refresh token exchanged once,
// the access token as a Bearer, the ConversionsBatchInsertRequest of the conversions; the
// landing URL's dclid kept in Signal's first-party _dfdclid cookie for 60 days and carried by the
// purchase later; per-conversion statuses as per-event outcomes (INVALID_ARGUMENT and an old
// NOT_FOUND dead-lettered, the others delivered); a 503 and a 403 rate limit retried, a 400
// dead-lettered at once, a 400 naming one conversion of a batch dead-lettering it alone; an
// event without a click not sent.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { JsonValue } from '../../core/sdk/index.ts';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKEN_PATH = '/token';
const API_PATH = '/dfareporting/v5/userprofiles/1234567/conversions/batchinsert';
const CLIENT_ID = '123456789012-cm360e2e.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-cm360-e2e-secret';
const REFRESH_TOKEN = '1//0g-cm360-refresh-token-e2e';
const ACTIVITIES = { 'Order Completed': '12345678', 'Signed Up': '12345679' };
const VISITOR_IP = '203.0.113.42';
/** Two hours ago, to the second: old enough that CM360's NOT_FOUND is final (not a click too recent to match). */
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000).toISOString();
/** A dclid with a tag per test so each test finds its own requests. */
const dclid = (tag: string) => `CJKu8LrQxd4CFQ1qwQodmJ-${tag}`;

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;
const issued: string[] = [];

type Conversion = Record<string, JsonValue>;
const apiRequests = (): RecordedRequest[] => sim.requests({ path: API_PATH });
const tokenRequests = (): RecordedRequest[] => sim.requests({ path: TOKEN_PATH });
const conversionsOf = (request: RecordedRequest): Conversion[] => (request.json as { conversions?: Conversion[] }).conversions ?? [];
const withOrdinal = (ordinal: string) => apiRequests().filter((r) => conversionsOf(r).some((c) => c.ordinal === ordinal));
const conversionOf = (ordinal: string) => conversionsOf(withOrdinal(ordinal)[0]!).find((c) => c.ordinal === ordinal)!;
const sentOnce = (ordinal: string) => waitUntil(async () => withOrdinal(ordinal)[0], `${ordinal} sent to CM360`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

/**
 * CM360's answer: a status per conversion; a dclid tagged "refused" is INVALID_ARGUMENT, "unknown"
 * NOT_FOUND; one tagged "malformed" makes Google refuse the whole request with a 400 naming it.
 */
const inserted = (request: RecordedRequest) => {
  const malformed = conversionsOf(request).findIndex((conversion) => String(conversion.dclid ?? '').includes('malformed'));
  if (malformed >= 0) {
    const field = `conversions[${malformed}].quantity`;
    const message = `Invalid value at '${field}' (TYPE_INT64), "three"`;
    return { status: 400, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }] } } };
  }
  const status = conversionsOf(request).map((conversion) => {
    const id = String(conversion.dclid ?? '');
    const errors = id.includes('refused') ? [{ code: 'INVALID_ARGUMENT', message: 'Floodlight activity is not active.', kind: 'dfareporting#conversionError' }]
      : id.includes('unknown') ? [{ code: 'NOT_FOUND', message: 'Click not found.', kind: 'dfareporting#conversionError' }] : [];
    return { conversion, ...(errors.length > 0 ? { errors } : {}), kind: 'dfareporting#conversionStatus' };
  });
  return { status: 200, body: { hasFailures: status.some((s) => 'errors' in s), status, kind: 'dfareporting#conversionsBatchInsertResponse' } };
};

const visitor = (id: string, cookies?: string): Visitor => ({ id, ip: VISITOR_IP, ...(cookies ? { cookies } : {}) });
const consent = { advertising: true, google: { ad_user_data: 'granted', ad_personalization: 'denied' } };
/** A browser call with advertising consent and the visitor's cookies. */
const browser = (call: Record<string, unknown>, who: Visitor) => sendBrowserCall(signal, site.key, call, who, { timestamp: CALL_TIMESTAMP, context: { consent, page: { url: 'https://shop.example.com/checkout/thanks' } } });
const order = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: 'track', event: 'Order Completed', messageId,
  properties: { order_id: `O-${messageId}`, revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
  ...extra,
});

before(async () => {
  sim = await startVendorSim();
  // Google's token endpoint: an hour's access token for the refresh token.
  sim.setDefault('POST', TOKEN_PATH, (request) => {
    const form = new URLSearchParams(request.body);
    if (form.get('refresh_token') !== REFRESH_TOKEN) return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    const token = `ya29.cm360-access-token-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, expires_in: 3599, scope: 'https://www.googleapis.com/auth/ddmconversions', token_type: 'Bearer' } };
  });
  sim.setDefault('POST', API_PATH, (request) => (issued.includes(String(request.headers.authorization).replace(/^Bearer /, ''))
    ? inserted(request)
    : { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } }));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://dfareporting.googleapis.com=${sim.url}`, SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
  }, { label: 'campaign_manager_360', vendors: ['campaign_manager_360'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'campaign_manager_360', 'CM360 shop', {
    config: { profile_id: '1234567', floodlight_configuration_id: '2345678', floodlight_activities: ACTIVITIES, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH_TOKEN, default_country_code: '44' },
    consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Campaign Manager 360 offline conversions', () => {
  test('the landing URL\'s dclid is kept in _dfdclid for 60 days; the purchase later is the documented batchinsert, with the refresh token exchanged once', async () => {
    const id = dclid('landing1');
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_cm360visitor1' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'cm-landing', context: { consent, page: { url: `https://shop.example.com/?utm_source=cm360&dclid=${id}` } } }),
    });
    assert.equal(res.status, 200);
    const setCookies = res.headers.getSetCookie();
    assert.equal(setCookies.some((c) => c.startsWith('_gcl_dc=')), false, 'the Google tag\'s cookie is its own');
    assert.equal(setCookies.find((c) => c.startsWith('_dfdclid=')), `_dfdclid=${id}; Max-Age=5184000; Path=/; SameSite=Lax`, 'the dclid itself, 60 days');

    await browser(order('cm-order-1', { context: { traits: { email: ' Jane.Doe@gmail.com ', phone: '07700 900123' } } }), visitor('df_cm360visitor1', `_dfdclid=${id}`));
    const request = await sentOnce('cm-order-1');
    assert.equal(tokenRequests().length, 1, 'one token request');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body)), { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.json as object), ['conversions']);
    assert.deepEqual(conversionOf('cm-order-1'), {
      floodlightConfigurationId: '2345678', floodlightActivityId: '12345678', dclid: id, timestampMicros: `${Date.parse(CALL_TIMESTAMP)}000`,
      value: 74.97, quantity: '3', ordinal: 'cm-order-1',
      userIdentifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }],
      adUserDataConsent: 'GRANTED', limitAdTracking: true,
    });
    assert.equal(JSON.stringify(request.json).toLowerCase().includes('jane'), false, 'the email leaves hashed only');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('the landing URL\'s gclid is kept in _dfgclid as every Google plugin keeps it, and sent as the gclid', async () => {
    const gclid = 'EAIaIQobChMIcm360SearchAds360Click';
    const res = await fetch(`${signal.collectUrl}/v1/page`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_cm360visitor2' },
      body: JSON.stringify({ writeKey: site.key, type: 'page', messageId: 'cm-landing-2', context: { consent, page: { url: `https://shop.example.com/?gclid=${gclid}` } } }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.getSetCookie().find((c) => c.startsWith('_dfgclid=')), `_dfgclid=${gclid}; Max-Age=7776000; Path=/; SameSite=Lax`);
    await browser({ type: 'track', event: 'Signed Up', messageId: 'cm-signup-1' }, visitor('df_cm360visitor2', `_dfgclid=${gclid}`));
    await sentOnce('cm-signup-1');
    const signup = conversionOf('cm-signup-1');
    assert.deepEqual([signup.gclid, signup.dclid, signup.floodlightActivityId, signup.value, signup.quantity], [gclid, undefined, '12345679', 0, '1']);
  });

  test('an event without a click is not sent (not dead-lettered); an event no activity names is not sent', async () => {
    const before = apiRequests().length;
    await browser(order('cm-noclick'), visitor('df_cm360visitor3'));
    await browser({ type: 'track', event: 'Newsletter Opened', messageId: 'cm-unnamed' }, visitor('df_cm360visitor3', `_dfdclid=${dclid('unnamed1')}`));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(apiRequests().length, before, 'nothing sent');
    assert.equal(await notDeadLettered('cm-noclick'), true, 'skipped, not dead-lettered');
  });

  test('a batch: each conversion its own outcome — INVALID_ARGUMENT and an old NOT_FOUND dead-lettered with CM360\'s words, the other delivered, nothing sent twice', async () => {
    const delivered = (await integrationStats(signal, integrationId)).delivered;
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_cm360visitor4' },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [['cm-batch-1', 'batchok1'], ['cm-batch-2', 'refused1'], ['cm-batch-3', 'unknown1']].map(([messageId, tag]) => ({
          ...order(messageId!), timestamp: CALL_TIMESTAMP, context: { consent, page: { url: `https://shop.example.com/thanks?dclid=${dclid(tag!)}` } },
        })),
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const refused = await waitForDeadLetter(signal, integrationId, 'cm-batch-2');
    assert.equal(refused.attempts, 1, 'not retried: sending again cannot help');
    assert.match(refused.reason, /^Campaign Manager 360 did not insert the conversion \(INVALID_ARGUMENT: Floodlight activity is not active\.\): check config\.floodlight_activities/);
    const unknown = await waitForDeadLetter(signal, integrationId, 'cm-batch-3');
    assert.match(unknown.reason, /\(NOT_FOUND: Click not found\.\): the dclid is invalid, or its click is more than 60 days old$/);
    await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= delivered + 1) || undefined, 'the other delivered');
    for (const ordinal of ['cm-batch-1', 'cm-batch-2', 'cm-batch-3']) assert.equal(withOrdinal(ordinal).length, 1, `${ordinal} sent once`);
    assert.equal(await notDeadLettered('cm-batch-1'), true);
  });

  test('a 400 naming one conversion of a batch dead-letters it alone; the others are sent again and delivered', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, cookie: '_dfdid=df_cm360visitor7' },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [['cm-400b-1', 'fine4001'], ['cm-400b-2', 'malformed1']].map(([messageId, tag]) => ({
          ...order(messageId!), timestamp: CALL_TIMESTAMP, context: { consent, page: { url: `https://shop.example.com/thanks?dclid=${dclid(tag!)}` } },
        })),
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const dead = await waitForDeadLetter(signal, integrationId, 'cm-400b-2');
    assert.equal(dead.attempts, 1, 'not retried: sending it again cannot help');
    assert.match(dead.reason, /^Campaign Manager 360 refused the request \(HTTP 400, INVALID_ARGUMENT: Invalid value at 'conversions\[\d\]\.quantity' .*naming this conversion/);
    await waitUntil(async () => withOrdinal('cm-400b-1').length >= 2 || undefined, 'the other conversion sent again');
    await waitUntil(async () => ((await integrationStats(signal, integrationId, ['retrying'])).retrying === 0) || undefined, 'settled');
    assert.equal(await notDeadLettered('cm-400b-1'), true, 'delivered');
    assert.equal(conversionsOf(withOrdinal('cm-400b-1').at(-1)!).length, 1, 'sent again alone');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'cm-400b-1'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 1 sent again', 'delivered'], 'sent again at once, in the same delivery');
  });

  test('a 400 dead-letters the conversion at the first try with CM360\'s words', async () => {
    sim.script('POST', API_PATH, [{ status: 400, body: { error: { code: 400, message: 'Invalid value for field floodlightConfigurationId.', errors: [{ domain: 'global', reason: 'invalid', message: 'Invalid value for field floodlightConfigurationId.' }] } } }]);
    await browser(order('cm-400'), visitor('df_cm360visitor5', `_dfdclid=${dclid('bad400xx')}`));
    const dead = await waitForDeadLetter(signal, integrationId, 'cm-400');
    assert.equal(dead.attempts, 1);
    assert.equal(dead.reason, 'Campaign Manager 360 refused the request (HTTP 400, Invalid value for field floodlightConfigurationId. (invalid)): check config.floodlight_configuration_id and config.floodlight_activities');
    assert.equal(withOrdinal('cm-400').length, 1);
  });

  test('a 503 and a 403 rate limit (CM360\'s quota answer) are retried, then the conversion is delivered once', { timeout: 30_000 }, async () => {
    sim.script('POST', API_PATH, [
      { status: 503, body: { error: { code: 503, message: 'Backend Error', errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }] } } },
      { status: 403, body: { error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' }] } } },
    ]);
    await browser(order('cm-retry'), visitor('df_cm360visitor6', `_dfdclid=${dclid('retry001')}`));
    await waitUntil(async () => withOrdinal('cm-retry').length >= 3 || undefined, 'the tries after the 503 and the 403', 20_000);
    await waitUntil(async () => ((await integrationStats(signal, integrationId, ['retrying'])).retrying === 0) || undefined, 'settled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(withOrdinal('cm-retry').length, 3, 'two failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('cm-retry'), true);
  });
});
