import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, normalizeGoogleConversionEmail as normalizeEmail, PermanentError, RetryableError, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import googleAds, { conversionRounds, sendConversions, uploadRequest, uploadUrl, validateGoogleAdsConfig } from './index.ts';
import { googleAdsAccessToken } from './access-token.ts';
import { classifyGoogleAds, durationMs } from './classify.ts';
import { conversionDateTime, MAX_AGE_MS, toClickConversion } from './click-conversion.ts';
import { actionKeys, apiVersionOf, conversionActionFor, conversionActionId, customerIdOf, googleAdsConfigWarnings } from './config.ts';
import { MAX_IDENTIFIERS, userIdentifiers } from './user-identifiers.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const AT = Date.parse('2026-11-30T11:00:00Z');
const GCLID = 'EAIaIQobChMI8eGclidFromTheAd';
const ACTIONS = { 'Order Completed': '6543210', 'Signed Up': 'customers/1234567890/conversionActions/6543211', page: '6543212', 'page:Pricing': '6543213', 'Product Added': '6543214' };
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({
  customer_id: '123-456-7890', client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-client-secret', refresh_token: '1//0g-refresh-token', conversion_actions: ACTIONS, ...extra,
});
const ctx = (c = config(), extra: Partial<PluginContext> = {}): PluginContext => ({ config: c, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.access-token', ...extra });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const payload = (overrides: JsonObject = {}): JsonObject => ({ conversionDateTime: AT, gclid: `GCL.1796030000.${GCLID}`, ...overrides });
const fit = (p: JsonObject = payload(), event = browserEvent(), c = ctx()) => toClickConversion(p, event, c);
const reasonOf = (c: unknown) => (c as { reason: string }).reason;
const statusOf = (c: unknown) => (c as { status?: string }).status;

test('customer ids: ten digits, with or without the dashes Google Ads shows; conversion actions by id or resource name', () => {
  assert.deepEqual([customerIdOf('1234567890'), customerIdOf(' 123-456-7890 '), customerIdOf('123-4567-890'), customerIdOf('12345678901'), customerIdOf(1234567890), customerIdOf(undefined)], ['1234567890', '1234567890', undefined, undefined, undefined, undefined]);
  assert.deepEqual([conversionActionId('6543210'), conversionActionId(6543210), conversionActionId('customers/1234567890/conversionActions/6543210'), conversionActionId('customers/123/conversionActions/1'), conversionActionId('Purchase'), conversionActionId('0'), conversionActionId(null)],
    ['6543210', '6543210', '6543210', undefined, undefined, undefined, undefined]);
  assert.deepEqual(actionKeys(browserEvent()), ['Order Completed']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'page', event: undefined, name: 'Pricing' })), ['page:Pricing', 'page']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'page', event: undefined })), ['page']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'identify', event: undefined })), []);
  assert.deepEqual(actionKeys(browserEvent({ event: undefined })), []);
  assert.equal(conversionActionFor(browserEvent(), config()), '6543210');
  assert.equal(conversionActionFor(browserEvent({ event: 'Signed Up' }), config()), '6543211', 'a resource name is read as its id');
  assert.equal(conversionActionFor(browserEvent({ type: 'page', event: undefined, name: 'Pricing' }), config()), '6543213');
  assert.equal(conversionActionFor(browserEvent({ type: 'page', event: undefined, name: 'Home' }), config()), '6543212');
  assert.equal(conversionActionFor(browserEvent({ event: 'toString' }), config()), undefined, 'only the config\'s own keys');
  assert.equal(conversionActionFor(browserEvent(), config({ conversion_actions: [] as never })), undefined);
  assert.deepEqual([apiVersionOf({}), apiVersionOf({ api_version: ' v25 ' })], ['v26', 'v25']);
});

test('validateConfig names the field of each problem', () => {
  assert.deepEqual(validateGoogleAdsConfig(config()), []);
  assert.deepEqual(validateGoogleAdsConfig(config({ customer_id: '1234567890', login_customer_id: '987-654-3210', developer_token: 'abcDEF123', api_version: 'v23' })), []);
  assert.deepEqual(validateGoogleAdsConfig(config({ login_customer_id: '' })), [], 'an empty manager account is none');
  const customer = validateGoogleAdsConfig(config({ customer_id: '123-456-789', login_customer_id: 'mcc' }));
  assert.deepEqual(customer.map((p) => p.field), ['customer_id', 'login_customer_id']);
  assert.match(customer[0]!.message, /is "123-456-789": a Google Ads customer id is ten digits, written 1234567890 or as Google Ads shows it, 123-456-7890/);
  const credentials = validateGoogleAdsConfig(config({ refresh_token: 'Bearer 1//0g', client_secret: 'GOCSPX secret', developer_token: 'tok\n' }));
  assert.deepEqual(credentials.map((p) => `${p.field}: ${p.message}`), [
    'refresh_token: starts with "Bearer ": give the refresh token alone',
    'client_secret: holds white space or a line break (copied with the text around it?): give the client secret alone',
  ], 'a trailing line break is trimmed, not refused');
  assert.deepEqual(validateGoogleAdsConfig(config({ developer_token: 'dev token' })).map((p) => p.field), ['developer_token']);
  assert.match(validateGoogleAdsConfig(config({ client_id: 'GOCSPX-client-secret' }))[0]!.message, /ends with \.apps\.googleusercontent\.com/);
  assert.deepEqual(validateGoogleAdsConfig(config({ client_id: 'a b.apps.googleusercontent.com' })).map((p) => p.field), ['client_id']);
  assert.match(validateGoogleAdsConfig(config({ refresh_token: 'same', client_secret: 'same' }))[0]!.message, /is the client secret again/);
  assert.deepEqual(validateGoogleAdsConfig(config({ conversion_actions: {} })).map((p) => p.field), ['conversion_actions']);
  assert.deepEqual(validateGoogleAdsConfig(config({ conversion_actions: null })).map((p) => p.field), ['conversion_actions']);
  const actions = validateGoogleAdsConfig(config({ conversion_actions: { ' ': '1', ' Signed Up': '2', Lead: 'Lead action', 'Page:Pricing': '3', 'page: Pricing': '4', 'page:': '5', 'page:Pricing': '6' } })).map((p) => p.message);
  assert.equal(actions.length, 6);
  // The keys' problems first (the SDK's eventMapKeyProblems), then the ids'.
  assert.match(actions[0]!, /empty Signal event name/);
  assert.match(actions[1]!, /" Signed Up" with white space/);
  for (const [i, key] of [[2, 'Page:Pricing'], [3, 'page: Pricing'], [4, 'page:']] as const) assert.match(actions[i]!, new RegExp(`has "${key}": a page call of a name is page:<its name>`));
  assert.match(actions[5]!, /gives "Lead action" for "Lead": a conversion action is its id \(digits, e\.g\. "6543210"\)/);
  assert.match(validateGoogleAdsConfig(config({ api_version: 'v22' }))[0]!.message, /is v22, which Google no longer serves \(v22 was sunset on October 7, 2026/);
  assert.match(validateGoogleAdsConfig(config({ api_version: '26' }))[0]!.message, /a Google Ads API version is v and its major number, e\.g\. v26/);
  const schema = createConfigAjv().compile(googleAds.config);
  assert.equal(schema(config()), true);
  assert.equal(schema(config({ conversion_actions: { Lead: 6543210 } })), false, 'action ids are text (JSON strings)');
  assert.equal(schema(config({ api_version: 'v26.1' })), false, 'minor versions are not called separately');
  const { refresh_token: _, ...without } = config();
  assert.equal(schema(without), false, 'the refresh token is required');
});

test('the token request: Google\'s refresh-token grant with the OAuth client in the form; refused credentials said in Google\'s terms', () => {
  const request = googleAdsAccessToken.request(ctx(config({ client_id: ' 123456789012-abc.apps.googleusercontent.com ' })));
    assert.equal(request.url, 'https://oauth2.googleapis.com/token');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body as string)), { grant_type: 'refresh_token', refresh_token: '1//0g-refresh-token', client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-client-secret' });
  assert.deepEqual(request.eventIds, []);
  const answer = (status: number, json: JsonObject): VendorResponse => ({ status, headers: {}, body: JSON.stringify(json), json });
  assert.deepEqual(googleAdsAccessToken.read(answer(200, { access_token: 'ya29.a0', expires_in: 3599, scope: 'https://www.googleapis.com/auth/adwords', token_type: 'Bearer' })), { accessToken: 'ya29.a0', expiresInSeconds: 3599 });
  assert.throws(() => googleAdsAccessToken.read(answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })),
    (error: Error) => error instanceof PermanentError && /^Google refused the refresh token \(HTTP 400, invalid_grant: Token has been expired or revoked\.\)\. .*seven days after it was issued/.test(error.message));
  assert.throws(() => googleAdsAccessToken.read(answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' })), /Google refused the OAuth client \(HTTP 401, invalid_client: The OAuth client was not found\.\): config\.client_id and config\.client_secret/);
  assert.throws(() => googleAdsAccessToken.read({ status: 400, headers: {}, body: 'Bad Request' }), /Google refused the refresh token \(HTTP 400, Bad Request\)/);
  assert.throws(() => googleAdsAccessToken.read(answer(503, { error: 'unavailable' })), RetryableError);
  assert.throws(() => googleAdsAccessToken.read(answer(404, { error: 'not_found' })), (error: Error) => error instanceof PermanentError && /token endpoint refused the request \(HTTP 404/.test(error.message), 'other statuses: the SDK\'s words');
});

test('click ids: Signal\'s own cookies as the SDK declares them for every Google plugin (never the Google tag\'s), the tags\' cookies read', () => {
  assert.deepEqual(googleAds.clickIds!.map((c) => [c.param, c.cookie, c.days, c.value]), [['gclid', '_dfgclid', 90, undefined], ['gbraid', '_dfgbraid', 90, undefined], ['wbraid', '_dfwbraid', 90, undefined]]);
  assert.deepEqual(googleAds.cookies, ['_dfgclid', '_dfgbraid', '_dfwbraid', '_gcl_aw', 'FPGCLAW'], 'the Google tags\' cookies are read, not set');
  assert.equal(googleAds.clickIds!.some((c) => c.cookie === '_gcl_aw' || c.cookie === 'FPGCLAW'), false);
});

test('user identifiers: Google\'s normalisation (Gmail dots), E.164 phones with +, hashed once, at most five', () => {
  assert.deepEqual([normalizeEmail(' Jane.Doe@GMail.com '), normalizeEmail('jane.doe+shop@googlemail.com'), normalizeEmail('Jane.Doe@Example.com'), normalizeEmail('.@gmail.com'), normalizeEmail('jane'), normalizeEmail('a@b')],
    ['janedoe@gmail.com', 'janedoe+shop@googlemail.com', 'jane.doe@example.com', undefined, undefined, undefined]);
  const { identifiers, left } = userIdentifiers({ email: [' Jane.Doe@gmail.com ', 'janedoe@gmail.com', 'jd@example.com'], phone: '07700 900123', first_name: 'Jane' }, { defaultCountryCode: '44' });
  assert.deepEqual(identifiers, [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedEmail: sha256('jd@example.com') }, { hashedPhoneNumber: sha256('+447700900123') }]);
  assert.deepEqual(left, ['first_name'], 'a key Google does not take in uploads is never sent');
  assert.deepEqual(userIdentifiers({ phone: '07700 900123' }), { identifiers: [], left: ['phone'] }, 'no country code and no default: unusable');
  assert.deepEqual(userIdentifiers({ email: sha256('x@y.z').toUpperCase() }).identifiers, [{ hashedEmail: sha256('x@y.z') }], 'a digest is not hashed twice');
  const many = userIdentifiers({ email: ['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'], phone: ['+447700900123', '+447700900124'] });
  assert.equal(many.identifiers.length, MAX_IDENTIFIERS);
  assert.deepEqual(many.left, ['1 identifier(s) past Google\'s five']);
  assert.deepEqual(userIdentifiers(undefined), { identifiers: [], left: [] });
});

test('a ClickConversion: the click id, the action\'s resource name, the time with its offset, the order id; no action: not sent', () => {
  assert.deepEqual(fit(), { gclid: GCLID, conversionAction: 'customers/1234567890/conversionActions/6543210', conversionDateTime: '2026-11-30 11:00:00+00:00', orderId: 'm-1' });
  assert.equal(fit(payload(), browserEvent({ event: 'Newsletter Opened' })), null, 'no action: dropped, not an error');
  assert.equal(fit(payload({ conversionAction: 'customers/1234567890/conversionActions/555' }), browserEvent({ event: 'Newsletter Opened' }))!.conversionAction, 'customers/1234567890/conversionActions/555', 'an action the blueprint maps wins');
  assert.throws(() => fit(payload({ conversionAction: 'Purchase' })), /the blueprint mapped conversionAction "Purchase"/);
  assert.equal(conversionDateTime(Date.parse('2026-01-02T03:04:05.678Z')), '2026-01-02 03:04:05+00:00');
  for (const time of [AT, String(AT), '2026-11-30T11:00:00Z', '2026-11-30T12:00:00+01:00', '2026-11-30 06:00:00-05:00', AT + 999]) {
    assert.equal(fit(payload({ conversionDateTime: time }))!.conversionDateTime, '2026-11-30 11:00:00+00:00', JSON.stringify(time));
  }
  assert.equal(fit(payload({ conversionDateTime: undefined as never }))!.conversionDateTime, '2026-11-30 11:00:00+00:00', 'the event\'s timestamp unless mapped');
  assert.throws(() => fit(payload({ conversionDateTime: 'yesterday' })), /needs the conversion's time; the blueprint mapped conversionDateTime "yesterday"/);
  assert.equal(fit(payload({ conversionDateTime: NOW + 30 * 60_000 }))!.conversionDateTime, '2026-11-30 12:00:00+00:00', 'clock skew: the delivery\'s time');
  assert.throws(() => fit(payload({ conversionDateTime: NOW + 2 * 3_600_000 })), /takes no conversions from the future/);
  assert.equal(fit(payload({ conversionDateTime: NOW - MAX_AGE_MS }))!.conversionDateTime, '2026-09-01 12:00:00+00:00', '90 days exactly');
  assert.throws(() => fit(payload({ conversionDateTime: NOW - MAX_AGE_MS - 1000 })), /at most 90 days before it .* it happened on 2026-09-01T11:59:59\.000Z, 90 days before this delivery/);
  assert.equal(fit(payload({ orderId: 'ORD-1' }))!.orderId, 'ORD-1');
  for (const placeholder of ['undefined', ' NULL ', '']) assert.equal(fit(payload({ orderId: placeholder }))!.orderId, 'm-1', `a placeholder order id (${placeholder}) gives way to the messageId`);
  assert.equal('orderId' in fit(payload({ orderId: 'null' }), browserEvent({ messageId: 'undefined' }))!, false);
  assert.deepEqual(Object.keys(fit(payload({ event_name: 'x', user: { first_name: 'Jane' }, products: [] }))!), ['gclid', 'conversionAction', 'conversionDateTime', 'orderId'], 'only ClickConversion fields');
});

test('the value: mapped, else the products\' sum; the currency mapped, else the default, else the action\'s own', () => {
  const value = (p: JsonObject, c = config()) => { const out = fit(payload(p), browserEvent(), ctx(c))!; return [out.conversionValue, out.currencyCode]; };
  assert.deepEqual(value({ conversionValue: 89.99, currencyCode: 'gbp' }), [89.99, 'GBP']);
  assert.deepEqual(value({ conversionValue: '0' }, config({ default_currency: 'usd' })), [0, 'USD']);
  assert.deepEqual(value({ conversionValue: 5 }), [5, undefined], 'no currency at all: the conversion action\'s default applies');
  assert.deepEqual(value({ products: [{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }], currencyCode: 'EUR' }), [75.17, 'EUR'], 'micro-units');
  assert.deepEqual(value({ products: { price: 24.99 }, currencyCode: 'EUR' }), [24.99, 'EUR'], 'one product, quantity 1');
  assert.deepEqual(value({ products: [{ price: 5 }, { quantity: 1 }], currencyCode: 'EUR' }), [undefined, undefined], 'a product without a price: no partial sum');
  assert.deepEqual(value({ products: [{ price: 5 }, 'x'] }), [undefined, undefined]);
  assert.deepEqual(value({ currencyCode: 'EUR' }), [undefined, undefined], 'no value: no currency either');
  assert.throws(() => value({ conversionValue: 5, currencyCode: 'dollars' }), /currencyCode as an ISO 4217 code/);
  assert.throws(() => value({ conversionValue: 'ten' }), /takes conversionValue as a number/);
  assert.throws(() => value({ products: [{ price: 'free' }] }), /takes products\[0\]\.price as a number/);
  assert.throws(() => value({ products: [{ price: 1e303, quantity: 10 }] }), /the products' sum of price × quantity is too large/, 'no Infinity (sent as null)');
});

test('the click: the page URL\'s first, then the cookie; one click id, gclid before gbraid before wbraid; none and no person: dead-lettered alone', () => {
  const withUrl = (url: string, p: JsonObject) => fit(payload({ gclid: undefined as never, ...p }), browserEvent({ context: { page: { url } } } as Partial<CanonicalEvent>));
  assert.equal(withUrl(`https://shop.example.com/?gclid=${GCLID}-new`, { gclid: `GCL.1.${GCLID}` })!.gclid, `${GCLID}-new`, 'a newer click wins');
  assert.equal(withUrl('https://shop.example.com/?gclid=undefined', { gclid: `GCL.1796030000.${GCLID}` })!.gclid, GCLID);
  const braid = withUrl(`https://shop.example.com/?wbraid=${GCLID}-w`, { gbraid: `${GCLID}-g`, user: { email: 'a@x.com' } })!;
  assert.deepEqual([braid.gbraid, braid.wbraid, braid.userIdentifiers], [`${GCLID}-g`, undefined, undefined], 'gbraid before wbraid; no user identifiers beside it');
  assert.deepEqual(Object.keys(withUrl('https://shop.example.com/', { gclid: `GCL.1.${GCLID}`, wbraid: `${GCLID}-w` })!).filter((k) => k === 'gclid' || k.endsWith('braid')), ['gclid'], 'a gclid leaves the braids out');
  const lead = withUrl('https://shop.example.com/', { user: { email: ' Jane.Doe@gmail.com ', phone: '+44 7700 900123' } })!;
  assert.deepEqual(lead.userIdentifiers, [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }], 'enhanced conversions for leads: no click id needed');
  assert.equal('gclid' in lead, false);
  assert.equal(JSON.stringify(lead).includes('jane'), false, 'the email leaves hashed only');
  assert.deepEqual(fit(payload({ user: { email: 'a@x.com' } }))!.userIdentifiers, [{ hashedEmail: sha256('a@x.com') }], 'beside a gclid too');
  assert.throws(() => withUrl('https://shop.example.com/', { user: { email: 'nobody', first_name: 'Jane' } }), (error: Error) => error instanceof PermanentError
    && /cannot attribute this conversion: it needs a gclid .* and the event has none \(left out as unusable: email, first_name\)/.test(error.message));
  assert.throws(() => withUrl('https://shop.example.com/', {}), /and the event has none$/);
  const off = (c: Record<string, JsonValue>, p: JsonObject) => fit(payload({ gclid: undefined as never, ...p }), browserEvent(), ctx(c));
  assert.throws(() => off(config({ enhanced_conversions: false }), { user: { email: 'a@x.com' } }), /and the event has none \(its email or phone is not sent: config\.enhanced_conversions is off\)/);
  assert.throws(() => off(config(), { user: { email: 'a@x.com' }, consent: { ad_user_data: 'denied' } }), /not sent: the visitor denied ad_user_data/);
  assert.equal(fit(payload({ user: { email: 'a@x.com' } }), browserEvent(), ctx(config({ enhanced_conversions: false })))!.userIdentifiers, undefined);
  assert.deepEqual(off(config({ default_country_code: '44' }), { user: { phone: '07700 900123' } })!.userIdentifiers, [{ hashedPhoneNumber: sha256('+447700900123') }], 'config.default_country_code');
});

test('consent: Google Consent Mode\'s ad_user_data and ad_personalization as Google\'s GRANTED/DENIED, a denial anywhere in the event winning; a denied ad_user_data sends no email or phone', () => {
  assert.deepEqual(fit(payload({ consent: { ad_user_data: 'granted', ad_personalization: 'Denied' } }))!.consent, { adUserData: 'GRANTED', adPersonalization: 'DENIED' });
  assert.deepEqual(fit(payload({ consent: { ad_user_data: 'maybe' } }))!.consent, undefined, 'unknown values are not said');
  const withConsent = (consent: JsonObject, p: JsonObject = {}) => fit(payload({ user: { email: 'a@x.com' }, ...p }), browserEvent({ context: { page: { url: 'https://shop.example.com/thanks' }, consent } } as Partial<CanonicalEvent>))!;
  for (const consent of [{ ad_user_data: false }, { categories: { ad_user_data: false } }, { categoryPreferences: { ad_user_data: false } }, { google: { ad_user_data: 'denied' } }] as JsonObject[]) {
    const out = withConsent(consent, { consent: { ad_user_data: 'granted' } });
    assert.deepEqual([out.userIdentifiers, out.consent], [undefined, { adUserData: 'DENIED' }], `a denial anywhere the consent gate reads wins: ${JSON.stringify(consent)}`);
  }
  assert.deepEqual(withConsent({ ad_user_data: true, ad_personalization: false }).consent, { adUserData: 'GRANTED', adPersonalization: 'DENIED' }, 'the categories as booleans, without Google\'s object');
  assert.equal(withConsent({ advertising: true }).consent, undefined, 'not said: not sent');
  const denied = fit(payload({ consent: { ad_user_data: 'DENIED' }, user: { email: 'a@x.com' } }))!;
  assert.deepEqual([denied.gclid, denied.userIdentifiers, denied.consent], [GCLID, undefined, { adUserData: 'DENIED' }], 'the click is sent with the visitor\'s answer for Google to apply');
});

const mapped = (id: string, p: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id.split('#')[0] }), payload: p });

test('requests: the versioned upload URL, the token, the optional developer token and manager account, partial failure always, 2,000 conversions at most', () => {
  const request = uploadRequest([mapped('m-1', { gclid: GCLID })], ctx());
  assert.deepEqual(request, {
    method: 'POST', url: 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions',
    headers: { authorization: 'Bearer ya29.access-token', 'content-type': 'application/json' },
    body: { conversions: [{ gclid: GCLID }], partialFailure: true }, eventIds: ['m-1'],
  });
  const full = uploadRequest([mapped('m-1', {})], ctx(config({ developer_token: ' dev-token ', login_customer_id: '987-654-3210', validate_only: true, api_version: 'v25' })));
  assert.equal(full.url, 'https://googleads.googleapis.com/v25/customers/1234567890:uploadClickConversions');
  assert.deepEqual(full.headers, { authorization: 'Bearer ya29.access-token', 'content-type': 'application/json', 'developer-token': 'dev-token', 'login-customer-id': '9876543210' });
  assert.deepEqual(full.body, { conversions: [{}], partialFailure: true, validateOnly: true });
  assert.throws(() => uploadRequest([mapped('m-1', {})], ctx(config(), { accessToken: undefined })), /no access token was obtained/);
  assert.throws(() => uploadUrl({ customer_id: 'abc' }), /config\.customer_id "abc" is not a Google Ads customer id/);
  const batch = Array.from({ length: 4001 }, (_, i) => mapped(`m-${i}`, { gclid: `${GCLID}${i}` }));
  const requests = sendConversions(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [2000, 2000, 1]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((m) => m.id));
  assert.deepEqual([googleAds.accessToken!.enabled(config()), googleAds.accessToken!.enabled(config({ refresh_token: ' ' }))], [true, false], 'the core exchanges the refresh token');
  assert.deepEqual(googleAds.accessToken!.usedBy, ['delivery']);
  assert.equal(googleAds.accessToken!.rotates, 'refresh_token', 'a refresh token Google might issue is kept');
  assert.equal(googleAds.map!(payload(), browserEvent(), ctx())!.gclid, GCLID, 'the definition\'s map hook');
  assert.deepEqual(googleAds.classify!({ status: 200, headers: {}, body: '{}', json: {} }, request, ctx()), { status: 'delivered' }, 'the definition\'s classifier');
  // Google's answer as it comes (JSON, partialFailureError absent when every conversion was recorded), and a page that is not Google's.
  const results = { results: [{ gclid: GCLID, conversionAction: 'customers/1234567890/conversionActions/6543210', conversionDateTime: '2026-11-30 11:00:00+00:00' }], jobId: '1234567890123' };
  assert.deepEqual(googleAds.classify!({ status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(results), json: results }, request, ctx()), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(googleAds.classify!({ status: 200, headers: { 'content-type': 'text/html' }, body: page }, request, ctx()), { status: 'retry', reason: `HTTP 200 without Google Ads' JSON answer (results): ${page} — not Google Ads' answer (a proxy?), so the conversions are sent again (Google Ads records a conversion once)` });
  const action = 'customers/1234567890/conversionActions/6543210';
  const conversion = (id: string, p: JsonObject) => mapped(id, { conversionAction: action, conversionDateTime: '2026-11-30 11:00:00+00:00', ...p });
  const orders = [conversion('o-1', { orderId: 'ORD-1', gclid: `${GCLID}1` }), conversion('o-1-again', { orderId: 'ORD-1', gclid: `${GCLID}2` }), conversion('o-2', { orderId: 'ORD-2', gclid: `${GCLID}1` }),
    conversion('o-1-other-action', { orderId: 'ORD-1', conversionAction: 'customers/1234567890/conversionActions/6543211' }), conversion('o-1-thrice', { orderId: 'ORD-1' }), conversion('o-3', { orderId: 'ORD-3', gclid: `${GCLID}2`, conversionDateTime: '2026-11-30 11:00:01+00:00' })];
  assert.deepEqual(conversionRounds(orders).map((round) => round.map((m) => m.id)), [['o-1', 'o-1-other-action', 'o-3'], ['o-1-again', 'o-2'], ['o-1-thrice']],
    'one order of one action, or one click and time of one action, once a request (DUPLICATE_ORDER_ID, DUPLICATE_CLICK_CONVERSION_IN_REQUEST); other actions and times are other conversions');
  assert.deepEqual(sendConversions(orders, ctx()).map((r) => r.eventIds), [['o-1', 'o-1-other-action', 'o-3'], ['o-1-again', 'o-2'], ['o-1-thrice']]);
  const large = Array.from({ length: 3 }, (_, i) => mapped(`big-${i}`, { orderId: `${i}${'x'.repeat(900_000)}` }));
  assert.deepEqual(sendConversions(large, ctx()).map((r) => r.eventIds.length), [2, 1], 'under 2 MB a request');
});

const json = (status: number, body: JsonValue, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: JSON.stringify(body), json: body });
const request = (count = 2): RequestDescriptor => ({ method: 'POST', url: 'https://googleads.googleapis.com/v26/customers/1234567890:uploadClickConversions', eventIds: Array.from({ length: count }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, count = 2, c = config()) => classifyGoogleAds(response, request(count), { config: c });
const adsError = (kind: string, code: string, message: string, index?: number | string, details?: JsonObject): JsonObject => ({
  errorCode: { [kind]: code }, message, ...(index === undefined ? {} : { location: { fieldPathElements: [{ fieldName: 'conversions', index }, { fieldName: 'gclid' }] } }), ...(details ? { details } : {}),
});
const failure = (...errors: JsonObject[]): JsonObject => ({ code: 3, message: 'partial failure', details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors, requestId: 'req-1' }] });
const rpcError = (status: number, grpc: string, ...errors: JsonObject[]): VendorResponse => json(status, { error: { code: status, message: 'Request failed.', status: grpc, details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors, requestId: 'req-2' }] } });

test('classify 2xx: delivered; partial failures by conversion index, duplicates and unmatched leads delivered, duplicates within the request and too-recent clicks retried', () => {
  assert.deepEqual(classify(json(200, { results: [{ gclid: GCLID }, {}], jobId: '123' })), { status: 'delivered' });
  assert.deepEqual(classify(json(200, { partialFailureError: { code: 0 } })), { status: 'delivered' });
  assert.deepEqual(classify(json(200, { partialFailureError: {} })), { status: 'delivered' });
  assert.deepEqual(classify(json(200, {})), { status: 'delivered' }, 'validateOnly answers no results');
  assert.deepEqual(classify(json(200, { results: [{}, {}], partialFailureError: failure(adsError('conversionUploadError', 'EXPIRED_EVENT', 'The imported event can\'t be recorded because its click occurred before this conversion\'s click-through window.', 1)) })), {
    perEvent: { e1: { status: 'declined', reason: 'Google Ads will not record the conversion (EXPIRED_EVENT: The imported event can\'t be recorded because its click occurred before this conversion\'s click-through window.): its click is older than the conversion action\'s click-through window, which no retry or replay changes' } },
  });
  const mixed = classify(json(200, { partialFailureError: failure(
    adsError('conversionUploadError', 'CLICK_CONVERSION_ALREADY_EXISTS', 'The imported event has the same click and conversion_date_time as an existing conversion.', 0),
    adsError('conversionUploadError', 'TOO_RECENT_EVENT', 'The click associated with the given identifier occurred less than 6 hours ago.', '1'),
    adsError('conversionUploadError', 'CLICK_NOT_FOUND', 'The email address or phone number for this event can\'t be matched to a click.', 2),
    adsError('databaseError', 'CONCURRENT_MODIFICATION', 'Multiple requests were attempting to modify the same resource at once.', 3),
    adsError('conversionUploadError', 'INVALID_CONVERSION_ACTION_TYPE', 'The conversion action is not of a type that can be uploaded.', 4),
    adsError('conversionUploadError', 'ORDER_ID_ALREADY_IN_USE', 'order id used', 4),
  ) }), 5) as { perEvent: Record<string, { status: string; reason?: string; retryAfterMs?: number }> };
  assert.deepEqual(Object.keys(mixed.perEvent).sort(), ['e1', 'e3', 'e4'], 'duplicates and unmatched leads are delivered');
  assert.equal(mixed.perEvent.e1!.retryAfterMs, 6 * 3600 * 1000);
  assert.match(mixed.perEvent.e1!.reason!, /^Google Ads takes this conversion later \(TOO_RECENT_EVENT: .*from 6 hours after the click/);
  assert.deepEqual(mixed.perEvent.e3, { status: 'retry', reason: 'Google Ads failed to record the conversion (CONCURRENT_MODIFICATION: Multiple requests were attempting to modify the same resource at once.)' });
  assert.match(mixed.perEvent.e4!.reason!, /INVALID_CONVERSION_ACTION_TYPE: .*create one of type "Import > Clicks"/, 'the worst error of a conversion wins');
  for (const code of ['DUPLICATE_ORDER_ID', 'DUPLICATE_CLICK_CONVERSION_IN_REQUEST']) {
    assert.deepEqual(classify(json(200, { partialFailureError: failure(adsError('conversionUploadError', code, 'Imported events include multiple conversions with the same order ID and were not processed.', 1)) }), 2), { perEvent: {
      e1: { status: 'retry', reason: `Google Ads refused conversions of one order (or one click and time) sent in one request (${code}: Imported events include multiple conversions with the same order ID and were not processed.): sent again in requests of their own, so Google records one` },
    } }, `${code}: not processed, so not delivered`);
  }
  assert.match(reasonOf((classify(json(200, { partialFailureError: failure(adsError('authorizationError', 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE', 'not allowlisted', 0)) }), 1) as { perEvent: Record<string, unknown> }).perEvent.e0), /since June 15, 2026 the Google Ads API takes offline click conversions only from developers who uploaded them between December 2025 and June 2026; others must use the Data Manager API/);
  for (const [code, remedy] of [['CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS', /turn it on, or set config\.enhanced_conversions to false/], ['INVALID_CUSTOMER_FOR_CLICK', /config\.customer_id must be the conversion account/], ['ORDER_ID_CONTAINS_PII', /map an order id without it/], ['ONE_PER_CLICK_CONVERSION_ACTION_NOT_PERMITTED_WITH_BRAID', /set its count to "Every"/]] as const) {
    assert.match(reasonOf((classify(json(200, { partialFailureError: failure(adsError('conversionUploadError', code, 'x', 0)) }), 1) as { perEvent: Record<string, unknown> }).perEvent.e0), remedy, code);
  }
  assert.deepEqual(classify(json(200, { partialFailureError: failure(adsError('conversionUploadError', 'UNPARSEABLE_GCLID', 'bad', 0)) }), 1), { perEvent: { e0: { status: 'dead_letter', reason: 'Google Ads refused the conversion (UNPARSEABLE_GCLID: bad): the gclid was changed on its way (truncated, re-encoded): check what the site stores' } } });
  assert.deepEqual(classify(json(200, { partialFailureError: failure(adsError('fieldError', 'REQUIRED', 'The required field was not present.')) }), 1), { status: 'dead_letter', reason: 'Google Ads refused the conversion (REQUIRED: The required field was not present.)' }, 'one conversion: an error naming none is its');
  assert.equal(statusOf(classify(json(200, { partialFailureError: failure(adsError('fieldError', 'REQUIRED', 'x', 7)) }), 2)), 'split', 'an index the request does not have: not trusted');
  assert.equal(statusOf(classify(json(200, { partialFailureError: { code: 3, message: 'no details' } }), 2)), 'split');
  assert.deepEqual(classify(json(200, { partialFailureError: { code: 3, message: 'no details' } }), 1), { status: 'dead_letter', reason: 'Google Ads refused the conversion (no details)' });
});

test('classify TOO_RECENT_EVENT: the wait reaches 6 hours after the conversion\'s time (its click came at or before it), at least 15 minutes; the dead letter says when to replay', () => {
  const upload = (...times: string[]): RequestDescriptor => ({ ...request(times.length), body: { conversions: times.map((conversionDateTime) => ({ gclid: GCLID, conversionDateTime })), partialFailure: true } });
  const tooRecent = (index: number) => adsError('conversionUploadError', 'TOO_RECENT_EVENT', 'The click associated with the given identifier or iOS URL parameter occurred less than 6 hours ago.', index);
  const outcomes = classifyGoogleAds(json(200, { partialFailureError: failure(tooRecent(0), tooRecent(1), tooRecent(2)) }), upload('2026-11-30 11:50:00+00:00', '2026-11-30 06:00:00+00:00', '2026-11-30 08:00:00-01:00'), { config: config(), now: NOW }) as { perEvent: Record<string, { status: string; reason: string; retryAfterMs: number }> };
  assert.equal(outcomes.perEvent.e0!.retryAfterMs, (5 * 60 + 55) * 60_000, 'a conversion 10 minutes old: 6 hours after it, and 5 minutes for the clocks (the core waits at most an hour a try)');
  assert.match(outcomes.perEvent.e0!.reason, /came at or before the conversion \(2026-11-30T11:50:00\.000Z\), so by 2026-11-30T17:55:00\.000Z; sent again then — if its tries run out before, replay the dead letter after that time$/);
  assert.equal(outcomes.perEvent.e1!.retryAfterMs, 15 * 60_000, 'a conversion 6 hours old whose click Google still finds too recent: a quarter of an hour');
  assert.equal(outcomes.perEvent.e2!.retryAfterMs, (3 * 60 + 5) * 60_000, 'the conversion\'s offset counts (09:00 UTC)');
  const action = classifyGoogleAds(json(200, { partialFailureError: failure(adsError('conversionUploadError', 'TOO_RECENT_CONVERSION_ACTION', 'Can\'t import events to a conversion action that was just created.', 0)) }), upload('2026-11-30 11:50:00+00:00'), { config: config(), now: NOW }) as { perEvent: Record<string, { retryAfterMs: number; reason: string }> };
  assert.equal(action.perEvent.e0!.retryAfterMs, 6 * 3600 * 1000, 'a new action: its creation time is not known');
  assert.match(action.perEvent.e0!.reason, /a new conversion action's conversions from 6 hours after its creation/);
  const unreadable = classifyGoogleAds(json(200, { partialFailureError: failure(tooRecent(0)) }), upload('soon'), { config: config(), now: NOW }) as { perEvent: Record<string, { retryAfterMs: number }> };
  assert.equal(unreadable.perEvent.e0!.retryAfterMs, 6 * 3600 * 1000, 'no time to count from: Google\'s 6 hours');
});

test('classify errors: quota as a rate limit after Google\'s retryDelay; Google\'s outages retried; account, token and version problems dead-lettered naming the field', () => {
  const quota = classify(rpcError(429, 'RESOURCE_EXHAUSTED', adsError('quotaError', 'RESOURCE_EXHAUSTED', 'Too many requests.', undefined, { quotaErrorDetails: { rateScope: 'DEVELOPER', rateName: 'Number of operations for explorer access', retryDelay: '29101s' } })));
  assert.deepEqual(quota, { status: 'retry', reason: 'Google Ads quota reached (HTTP 429, RESOURCE_EXHAUSTED: Too many requests.): the Cloud project\'s daily operations and Google\'s per-account request rates', retryAfterMs: 29_101_000, throttled: true });
  assert.equal((classify(json(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }), 2) as { retryAfterMs: number }).retryAfterMs, 60_000, 'a minute without retryDelay');
  assert.equal((classify(json(429, {}, { 'Retry-After': '5' })) as { retryAfterMs: number }).retryAfterMs, 5000);
  assert.deepEqual(classify(rpcError(500, 'INTERNAL', adsError('internalError', 'INTERNAL_ERROR', 'An internal error has occurred.'))), { status: 'retry', reason: 'Google Ads HTTP 500: INTERNAL_ERROR: An internal error has occurred.' });
  assert.deepEqual(classify(json(503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }, { 'retry-after': '3' })), { status: 'retry', reason: 'Google Ads HTTP 503: UNAVAILABLE: The service is currently unavailable.', retryAfterMs: 3000 });
  assert.equal(statusOf(classify(rpcError(409, 'ABORTED', adsError('databaseError', 'CONCURRENT_MODIFICATION', 'x')))), 'retry');
  assert.equal(statusOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('databaseError', 'CONCURRENT_MODIFICATION', 'x')))), 'retry');
  assert.match(reasonOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('requestError', 'UNSUPPORTED_VERSION', 'Version v22 is deprecated. Requests to this version will be blocked.')), 2, config({ api_version: 'v22' }))),
    /^Google Ads refused the upload \(HTTP 400, UNSUPPORTED_VERSION: Version v22 is deprecated\. Requests to this version will be blocked\.\): Google no longer serves API version v22: set config\.api_version/);
  assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', 'USER_PERMISSION_DENIED', 'User doesn\'t have permission to access customer.')))), /may not reach account 1234567890 directly: if it reaches it through a manager account, set config\.login_customer_id/);
  assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', 'USER_PERMISSION_DENIED', 'x')), 2, config({ login_customer_id: '987-654-3210' }))), /through manager account 9876543210: check config\.login_customer_id/);
  for (const code of ['CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION', 'DEVELOPER_TOKEN_NOT_APPROVED']) {
    assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', code, 'x')))), /Test access only, .*apply for Explorer or Basic access/);
  }
  assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', 'DEVELOPER_TOKEN_PROHIBITED', 'x')))), /remove config\.developer_token/);
  assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', 'CUSTOMER_NOT_ENABLED', 'x')))), /account 1234567890 is not enabled/);
  assert.match(reasonOf(classify(rpcError(403, 'PERMISSION_DENIED', adsError('authorizationError', 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE', 'x')))), /Data Manager API/);
  assert.match(reasonOf(classify(rpcError(401, 'UNAUTHENTICATED', adsError('authenticationError', 'NOT_ADS_USER', 'User in the cookie is not a valid Ads user.')))), /has no access to any Google Ads account/);
  assert.match(reasonOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('authenticationError', 'CUSTOMER_NOT_FOUND', 'No customer found for the provided customer id.')))), /no Google Ads account 1234567890: check config\.customer_id/);
  assert.match(reasonOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('headerError', 'INVALID_LOGIN_CUSTOMER_ID', 'The login customer id header is invalid.')))), /config\.login_customer_id is not a manager account/);
  assert.match(reasonOf(classify(rpcError(401, 'UNAUTHENTICATED', adsError('authenticationError', 'OAUTH_TOKEN_REVOKED', 'The OAuth token has been revoked.')))), /^Google Ads refused the access token \(HTTP 401, OAUTH_TOKEN_REVOKED: The OAuth token has been revoked\.\): Signal renewed it/);
  assert.match(reasonOf(classify(json(403, { error: { code: 403, message: 'Google Ads API has not been used in project 123 before or it is disabled.', status: 'PERMISSION_DENIED' } }))), /not enabled in the Google Cloud project/);
  assert.match(reasonOf(classify(json(403, { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } }))), /may not upload to this account: check config\.customer_id and config\.login_customer_id/);
  assert.match(reasonOf(classify({ status: 404, headers: {}, body: '<html>Not Found</html>' })), /^Google Ads answered 404 \(<html>Not Found<\/html>\): .*config\.api_version/);
});

test('classify 400 and 413: conversions named by index dead-lettered and the others sent again; too many or too large split; other refusals dead-lettered whole', () => {
  assert.deepEqual(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('fieldError', 'INVALID_VALUE', 'The field\'s value is invalid.', 1)), 3), { perEvent: {
    e0: { status: 'resend', reason: 'Google Ads refused the whole upload (HTTP 400) for another conversion of it, so this one was not recorded: sending it again without it' },
    e1: { status: 'dead_letter', reason: 'Google Ads refused the conversion (HTTP 400, INVALID_VALUE: The field\'s value is invalid.)' },
    e2: { status: 'resend', reason: 'Google Ads refused the whole upload (HTTP 400) for another conversion of it, so this one was not recorded: sending it again without it' },
  } });
  assert.match(reasonOf((classify(rpcError(400, 'INVALID_ARGUMENT', adsError('fieldError', 'INVALID_VALUE', 'a', 0), adsError('fieldError', 'INVALID_VALUE', 'b', 1)), 3) as { perEvent: Record<string, unknown> }).perEvent.e2), /for 2 other conversions of it, .* without them/);
  assert.equal(statusOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('conversionUploadError', 'TOO_MANY_CONVERSIONS_IN_REQUEST', 'Upload fewer than 2001 events in a single request.')))), 'split');
  assert.equal(statusOf(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('conversionUploadError', 'TOO_MANY_CONVERSIONS_IN_REQUEST', 'x')), 1)), 'dead_letter');
  assert.equal(statusOf(classify({ status: 413, headers: {}, body: 'Request Entity Too Large' })), 'split');
  assert.equal(statusOf(classify({ status: 413, headers: {}, body: '' }, 1)), 'dead_letter');
  assert.deepEqual(classify(rpcError(400, 'INVALID_ARGUMENT', adsError('requestError', 'INVALID_INPUT', 'The request is invalid.'))), { status: 'dead_letter', reason: 'Google Ads refused the upload (HTTP 400, INVALID_INPUT: The request is invalid.)' }, 'not split: halves spend the daily quota');
  assert.deepEqual(classify(json(400, { error: 'HTTP 400' })), { status: 'dead_letter', reason: 'Google Ads refused the upload (HTTP 400, {"error":"HTTP 400"})' });
  assert.deepEqual(classify({ status: 418, headers: {}, body: '' }), { status: 'dead_letter', reason: 'Google Ads HTTP 418: (no body)' });
  assert.deepEqual([durationMs('30s'), durationMs('1.5s'), durationMs('30'), durationMs(30)], [30_000, 1500, undefined, undefined]);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/google_ads/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent) => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, [], `${variant} ${event.event ?? event.type}`);
  return result.vendorEvent === null ? null : toClickConversion(result.vendorEvent as JsonObject, event, ctx(config(), { variant }));
};

test('blueprints: an order\'s value, currency and order id, the gclid of Signal\'s cookie or the Google tag\'s, the person, the consent signals; only configured events', () => {
  const context = (extra: JsonObject = {}) => ({ ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, traits: { email: ' Jane.Doe@gmail.com ', phone: '+44 7700 900123' }, cookies: { _dfgclid: GCLID, _gcl_aw: `GCL.1796030000.${GCLID}-tag` }, consent: { google: { ad_user_data: 'granted', ad_personalization: 'denied' } }, ...extra });
  const order = (properties: JsonObject) => browserEvent({ properties, context: context() } as Partial<CanonicalEvent>);
  for (const variant of ['default', 'retail']) {
    assert.deepEqual(mapThrough(variant, order({ order_id: 5521, revenue: '64.98', total: 70, currency: 'gbp' })), {
      gclid: GCLID, conversionAction: 'customers/1234567890/conversionActions/6543210', conversionDateTime: '2026-11-30 11:00:00+00:00', conversionValue: 64.98, currencyCode: 'GBP', orderId: '5521',
      userIdentifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }], consent: { adUserData: 'GRANTED', adPersonalization: 'DENIED' },
    }, variant);
    assert.equal(mapThrough(variant, order({ products: [{ price: 10, quantity: 2 }, { price: 2.5 }], currency: 'EUR' }))!.conversionValue, 22.5, `${variant}: the products' sum`);
    assert.match(blueprint(variant).mapEvent(order({ total: 5, currency: '$' })).errors.join(), /currency/, `${variant}: an unreadable currency is an error`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Pricing', context: context({ page: { url: `https://shop.example.com/pricing?gclid=${GCLID}-url` } }) } as Partial<CanonicalEvent>))!.gclid, `${GCLID}-url`, `${variant}: a named page, the URL's click`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { price: 24.99, quantity: 3, currency: 'usd' }, context: context() } as Partial<CanonicalEvent>))!;
    assert.deepEqual([added.conversionValue, added.currencyCode], variant === 'retail' ? [74.97, 'USD'] : [undefined, undefined], `${variant}: a cart add's value is retail's`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as Partial<CanonicalEvent>)), null, `${variant}: no identify`);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Newsletter Opened', context: context() } as Partial<CanonicalEvent>)), null, `${variant}: an event no action names is not sent`);
    assert.equal(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: context({ cookies: { _dfwbraid: `${GCLID}-w` } }) } as Partial<CanonicalEvent>))!.wbraid, `${GCLID}-w`, `${variant}: Signal's wbraid cookie`);
    assert.equal(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: context({ cookies: { _gcl_aw: `GCL.1796030000.${GCLID}-tag` } }) } as Partial<CanonicalEvent>))!.gclid, `${GCLID}-tag`, `${variant}: the Google tag's _gcl_aw without Signal's`);
    assert.equal(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: context({ cookies: { FPGCLAW: `2.1.k${GCLID}-sgtm$i1796030000` } }) } as Partial<CanonicalEvent>))!.gclid, `${GCLID}-sgtm`, `${variant}: server-side GTM's FPGCLAW`);
  }
  const signup = mapThrough('default', browserEvent({ event: 'Signed Up', properties: { value: 25, currency: 'usd' }, context: context() } as Partial<CanonicalEvent>))!;
  assert.deepEqual([signup.conversionAction, signup.conversionValue, signup.orderId], ['customers/1234567890/conversionActions/6543211', 25, 'm-1'], 'default: any event\'s value; the messageId as order id');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed Up', context: context() } as Partial<CanonicalEvent>)), null, 'retail: the funnel only');
});

test('configWarnings: a version older than the default goes first; the default from 60 days before its projected end', () => {
  assert.equal(googleAds.configWarnings, googleAdsConfigWarnings, 'declared on the plugin');
  const now = Date.UTC(2026, 11, 1);
  assert.deepEqual(googleAdsConfigWarnings({}, now), []);
  assert.deepEqual(googleAdsConfigWarnings({ api_version: 'v27' }, Date.UTC(2027, 10, 30)), [], 'a newer version');
  const older = googleAdsConfigWarnings({ api_version: 'v24' }, now);
  assert.equal(older.length, 1);
  assert.equal(older[0]!.field, 'api_version');
  assert.match(older[0]!.message, /^is v24, older than v26: .*set api_version to v26 or newer/);
  assert.deepEqual(googleAdsConfigWarnings({}, Date.UTC(2027, 7, 1)), [], 'August 2027: more than 60 days before November');
  assert.match(googleAdsConfigWarnings({}, Date.UTC(2027, 8, 15))[0]!.message, /^is v26 \(the default, as no api_version is set\), which Google's schedule projected to be retired in about November 2027/);
  assert.deepEqual(googleAdsConfigWarnings({ api_version: 'twenty' }, now), [], 'an invalid version is validateConfig\'s to refuse');
});
