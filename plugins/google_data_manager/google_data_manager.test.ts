import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, GOOGLE_CLICK_ID_COOKIES, GOOGLE_TAG_GCLID_COOKIES, GOOGLE_TOKEN_URL, PermanentError, RetryableError, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import dataManager, { ingestRequest, sendEvents, validateDataManagerConfig } from './index.ts';
import { DATAMANAGER_SCOPE, dataManagerAccessToken } from './access-token.ts';
import { actionKeys, conversionActionFor, conversionActionId, credentialOf, customerIdOf } from './config.ts';
import { actionOfEvent, consentSignal, consentStatus, destinationReference, MAX_AGE_MS, toIngestEvent } from './ingest-event.ts';
import { destinationOf, INGEST_URL, MAX_BYTES } from './ingest-request.ts';
import { MAX_IDENTIFIERS, userIdentifiers } from './user-data.ts';
import { dataManagerProcessingReport, readRequestStatus } from './processing-report.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const AT = Date.parse('2026-11-30T11:00:00Z');
const GCLID = 'EAIaIQobChMI8eGclidFromTheAd';
const ACTIONS = { 'Order Completed': '6543210', 'Signed Up': 'customers/1234567890/conversionActions/6543211', page: '6543212', 'page:Pricing': '6543213', 'Product Added': '6543214' };
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SA_KEY = JSON.stringify({ type: 'service_account', project_id: 'shop', client_email: 'signal@shop.iam.gserviceaccount.com', private_key: PRIVATE_KEY, token_uri: 'https://oauth2.googleapis.com/token' });
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({
  customer_id: '123-456-7890', client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-client-secret', refresh_token: '1//0g-refresh-token', conversion_actions: ACTIONS, ...extra,
});
const saConfig = (extra: Record<string, JsonValue> = {}) => config({ client_id: undefined as never, client_secret: undefined as never, refresh_token: undefined as never, service_account_key: SA_KEY, ...extra });
const ctx = (c = config(), extra: Partial<PluginContext> = {}): PluginContext => ({ config: c, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.access-token', ...extra });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const payload = (overrides: JsonObject = {}): JsonObject => ({ eventTimestamp: AT, gclid: `GCL.1796030000.${GCLID}`, ...overrides });
const fit = (p: JsonObject = payload(), event = browserEvent(), c = ctx()) => toIngestEvent(p, event, c);
const answer = (status: number, json: JsonObject): VendorResponse => ({ status, headers: {}, body: JSON.stringify(json), json });

test('customer ids: ten digits, with or without dashes; conversion actions by id (or a Google Ads API resource name); the events\' keys', () => {
  assert.deepEqual([customerIdOf('1234567890'), customerIdOf(' 123-456-7890 '), customerIdOf('123-4567-890'), customerIdOf('12345678901'), customerIdOf(1234567890), customerIdOf(undefined)], ['1234567890', '1234567890', undefined, undefined, undefined, undefined]);
  assert.deepEqual([conversionActionId('6543210'), conversionActionId(6543210), conversionActionId('customers/1234567890/conversionActions/6543210'), conversionActionId('customers/123/conversionActions/1'), conversionActionId('Purchase'), conversionActionId('0'), conversionActionId(null)],
    ['6543210', '6543210', '6543210', undefined, undefined, undefined, undefined]);
  assert.deepEqual(actionKeys(browserEvent()), ['Order Completed']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'page', event: undefined, name: 'Pricing' })), ['page:Pricing', 'page']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'page', event: undefined })), ['page']);
  assert.deepEqual(actionKeys(browserEvent({ type: 'identify', event: undefined })), []);
  assert.deepEqual(actionKeys(browserEvent({ event: undefined })), []);
  assert.equal(conversionActionFor(browserEvent(), config()), '6543210');
  assert.equal(conversionActionFor(browserEvent({ event: 'Signed Up' }), config()), '6543211');
  assert.equal(conversionActionFor(browserEvent({ type: 'page', event: undefined, name: 'Home' }), config()), '6543212');
  assert.equal(conversionActionFor(browserEvent({ event: 'toString' }), config()), undefined, 'only the config\'s own keys');
  assert.equal(conversionActionFor(browserEvent(), config({ conversion_actions: [] as never })), undefined);
  assert.deepEqual([credentialOf(config()), credentialOf(saConfig()), credentialOf({})], ['refresh_token', 'service_account', 'none']);
});

test('validateConfig names the field of each problem', () => {
  assert.deepEqual(validateDataManagerConfig(config()), []);
  assert.deepEqual(validateDataManagerConfig(saConfig({ login_customer_id: '987-654-3210' })), [], 'a service account alone');
  assert.deepEqual(validateDataManagerConfig(config({ login_customer_id: '' })), [], 'an empty manager account is none');
  const accounts = validateDataManagerConfig(config({ customer_id: '123-456-789', login_customer_id: 'mcc' }));
  assert.deepEqual(accounts.map((p) => p.field), ['customer_id', 'login_customer_id']);
  assert.match(accounts[0]!.message, /is "123-456-789": a Google Ads customer id is ten digits/);
  assert.match(validateDataManagerConfig(config({ login_customer_id: '1234567890' }))[0]!.message, /is config\.customer_id again/);
  const none = validateDataManagerConfig(config({ refresh_token: ' ', client_id: '', client_secret: '' }));
  assert.deepEqual(none.map((p) => p.field), ['refresh_token']);
  assert.match(none[0]!.message, /give one credential: the refresh token of an OAuth client/);
  assert.match(validateDataManagerConfig(config({ service_account_key: SA_KEY })).map((p) => `${p.field}: ${p.message}`).join(), /service_account_key: is given with refresh_token: give one credential/);
  assert.deepEqual(validateDataManagerConfig(config({ client_id: undefined as never, client_secret: ' ' })).map((p) => p.field), ['client_id', 'client_secret'], 'a refresh token needs its OAuth client');
  assert.deepEqual(validateDataManagerConfig(config({ refresh_token: 'Bearer 1//0g', client_secret: 'GOCSPX secret' })).map((p) => `${p.field}: ${p.message}`), [
    'refresh_token: starts with "Bearer ": give the refresh token alone',
    'client_secret: holds white space or a line break (copied with the text around it?): give the client secret alone',
  ]);
  assert.match(validateDataManagerConfig(config({ client_id: 'GOCSPX-client-secret' }))[0]!.message, /ends with \.apps\.googleusercontent\.com/);
  assert.match(validateDataManagerConfig(config({ refresh_token: 'same', client_secret: 'same' }))[0]!.message, /is the client secret again/);
  for (const [key, message] of [['{"type":"authorized_user"}', /of type "authorized_user"/], ['not json', /is not JSON/], [JSON.stringify({ type: 'service_account', client_email: 'a@b', private_key: 'x' }), /no private_key in PEM form/]] as const) {
    const problems = validateDataManagerConfig(saConfig({ service_account_key: key }));
    assert.deepEqual(problems.map((p) => p.field), ['service_account_key']);
    assert.match(problems[0]!.message, message);
  }
  assert.deepEqual(validateDataManagerConfig(config({ conversion_actions: {} })).map((p) => p.field), ['conversion_actions']);
  assert.deepEqual(validateDataManagerConfig(config({ conversion_actions: null })).map((p) => p.field), ['conversion_actions']);
  const actions = validateDataManagerConfig(config({ conversion_actions: { ' ': '1', ' Signed Up': '2', Lead: 'Lead action', 'Page:Pricing': '3' } })).map((p) => p.message);
  assert.equal(actions.length, 4);
  // The keys' problems first (the SDK's eventMapKeyProblems), then the ids'.
  assert.match(actions[0]!, /empty Signal event name/);
  assert.match(actions[1]!, /" Signed Up" with white space/);
  assert.match(actions[2]!, /has "Page:Pricing": a page call of a name is page:<its name>/);
  assert.match(actions[3]!, /gives "Lead action" for "Lead": a conversion action is its id/);
  const schema = createConfigAjv().compile(dataManager.config);
  assert.equal(schema(config()), true);
  assert.equal(schema(config({ conversion_actions: { Lead: 6543210 } })), false, 'action ids are text (JSON strings)');
  assert.equal(schema(config({ default_ad_user_data: 'yes' })), false, 'consent defaults: granted or denied');
});

test('the token request: the refresh-token grant with the OAuth client, or the service account\'s assertion for the datamanager scope', () => {
  const refresh = dataManagerAccessToken.request(ctx(config({ client_id: ' 123456789012-abc.apps.googleusercontent.com ' })));
  assert.equal(refresh.url, GOOGLE_TOKEN_URL);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(refresh.body as string)), { grant_type: 'refresh_token', refresh_token: '1//0g-refresh-token', client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-client-secret' });
  const assertion = dataManagerAccessToken.request(ctx(saConfig()));
  assert.equal(assertion.url, 'https://oauth2.googleapis.com/token');
  const form = new URLSearchParams(assertion.body as string);
  assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.deepEqual(claims, { iss: 'signal@shop.iam.gserviceaccount.com', scope: DATAMANAGER_SCOPE, aud: 'https://oauth2.googleapis.com/token', iat: NOW / 1000, exp: NOW / 1000 + 3600 });
  assert.equal(DATAMANAGER_SCOPE, 'https://www.googleapis.com/auth/datamanager');
  assert.deepEqual(dataManagerAccessToken.request(ctx(saConfig())), assertion, 'deterministic: the same assertion for the same time');
  assert.throws(() => dataManagerAccessToken.request(ctx(saConfig({ service_account_key: '{}' }))), /config\.service_account_key has no client_email/);
  assert.deepEqual([dataManager.accessToken!.enabled(config()), dataManager.accessToken!.enabled(saConfig()), dataManager.accessToken!.enabled({})], [true, true, false]);
  assert.deepEqual(dataManager.accessToken!.usedBy, ['delivery']);
});

test('the token answer: the token and its life; refused credentials said in Google\'s terms, by which credential; failures retried', () => {
  assert.deepEqual(dataManagerAccessToken.read(answer(200, { access_token: 'ya29.a0', expires_in: 3599, token_type: 'Bearer' })), { accessToken: 'ya29.a0', expiresInSeconds: 3599 });
  assert.throws(() => dataManagerAccessToken.read(answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })),
    (error: Error) => error instanceof PermanentError && /^Google refused the refresh token \(HTTP 400, invalid_grant: Token has been expired or revoked\.\)\. .*datamanager scope/.test(error.message));
  assert.throws(() => dataManagerAccessToken.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })), /Google refused the service account's assertion \(HTTP 400, invalid_grant: Invalid JWT Signature\.\)\. The service account key was deleted/);
  assert.throws(() => dataManagerAccessToken.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid grant: account not found' })), /service account's assertion/);
  assert.throws(() => dataManagerAccessToken.read(answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' })), /Google refused the OAuth client \(HTTP 401, invalid_client: The OAuth client was not found\.\): config\.client_id and config\.client_secret/);
  assert.throws(() => dataManagerAccessToken.read(answer(400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope.' })), /Google refused the scope https:\/\/www\.googleapis\.com\/auth\/datamanager/);
  assert.throws(() => dataManagerAccessToken.read({ status: 400, headers: {}, body: 'Bad Request' }), /Google refused the refresh token \(HTTP 400, Bad Request\)/);
  assert.throws(() => dataManagerAccessToken.read(answer(503, { error: 'unavailable' })), RetryableError);
  assert.throws(() => dataManagerAccessToken.read(answer(404, { error: 'not_found' })), /token endpoint refused the request \(HTTP 404/);
});

test('user identifiers: Google\'s normalisation, hex SHA-256 once, emails then phones then the address, at most ten', () => {
  assert.deepEqual(userIdentifiers({ email: [' Jane.Doe+shop@Gmail.com ', 'jane.doe@example.com', 'janedoe@gmail.com'], phone: '+44 7700 900123', first_name: 'Mrs. Jane', last_name: "O'Brien", country: 'United Kingdom', postal_code: ' SW1A 1AA ' }), {
    identifiers: [
      { emailAddress: sha256('janedoe@gmail.com') }, { emailAddress: sha256('jane.doe@example.com') }, { phoneNumber: sha256('+447700900123') },
      { address: { givenName: sha256('jane'), familyName: sha256('obrien'), regionCode: 'GB', postalCode: 'SW1A 1AA' } },
    ],
    left: [],
  });
  assert.deepEqual(userIdentifiers({ phone: '07700 900123' }, { defaultCountryCode: '44' }).identifiers, [{ phoneNumber: sha256('+447700900123') }]);
  assert.deepEqual(userIdentifiers({ phone: '07700 900123', email: 'jane', name: 'Jane Doe' }), { identifiers: [], left: ['phone', 'email', 'name'] }, 'unusable values and unknown keys are named, never sent');
  assert.deepEqual(userIdentifiers({ email: 'a@example.com', first_name: 'Jane', country: 'GB' }).left, ['address (needs first_name, last_name, country and postal_code)']);
  assert.deepEqual(userIdentifiers({ email: sha256('x@example.com') }).identifiers, [{ emailAddress: sha256('x@example.com') }], 'hashed already: not hashed twice');
  const many = userIdentifiers({ email: Array.from({ length: 12 }, (_, i) => `p${i}@example.com`) });
  assert.equal(many.identifiers.length, MAX_IDENTIFIERS);
  assert.deepEqual(many.left, ['2 identifier(s) past Google\'s ten']);
  assert.deepEqual(userIdentifiers(undefined), { identifiers: [], left: [] });
});

test('an Event: its destination, transaction id, RFC 3339 time, the click, value and currency; no action: not sent', () => {
  assert.deepEqual(fit(payload({ transactionId: 'ORD-1', conversionValue: '64.98', currency: 'eur', eventSource: 'web' })), {
    destinationReferences: ['action_6543210'], transactionId: 'ORD-1', eventTimestamp: '2026-11-30T11:00:00.000Z',
    adIdentifiers: { gclid: GCLID }, currency: 'EUR', conversionValue: 64.98, eventSource: 'WEB',
  });
  assert.equal(fit(payload(), browserEvent({ event: 'Newsletter Opened' })), null, 'no action named: dropped');
  assert.equal(fit(payload(), browserEvent({ type: 'identify', event: undefined })), null);
  assert.deepEqual(fit(payload({ conversionAction: 'customers/1234567890/conversionActions/777' }), browserEvent({ event: 'Newsletter Opened' }))!.destinationReferences, ['action_777'], 'a mapped action wins');
  assert.throws(() => fit(payload({ conversionAction: 'Purchase' })), /the blueprint mapped conversionAction "Purchase"/);
  assert.equal(fit(payload({ transactionId: 'undefined' }))!.transactionId, 'm-1', 'a placeholder gives way to the messageId');
  assert.equal(fit(payload({ transactionId: 5521 }))!.transactionId, '5521');
  assert.equal(fit(payload({ eventTimestamp: '2026-11-30T12:00:00+01:00' }))!.eventTimestamp, '2026-11-30T11:00:00.000Z', 'ISO 8601 with an offset, sent in UTC');
  assert.equal(fit(payload({ eventTimestamp: String(AT) }))!.eventTimestamp, '2026-11-30T11:00:00.000Z');
  assert.equal(fit(payload({ eventTimestamp: undefined as never }), browserEvent({ timestamp: '2026-11-30T10:00:00.250Z' }))!.eventTimestamp, '2026-11-30T10:00:00.250Z', 'the event\'s timestamp unless mapped');
  assert.equal(fit(payload({ eventTimestamp: NOW + 30 * 60_000 }))!.eventTimestamp, '2026-11-30T12:00:00.000Z', 'clock skew: the delivery\'s time');
  assert.throws(() => fit(payload({ eventTimestamp: NOW + 2 * 3600_000 })), /takes no conversions from the future/);
  assert.throws(() => fit(payload({ eventTimestamp: NOW - MAX_AGE_MS - 86_400_000 })), /at most 90 days before it .* 91 days before this delivery/);
  assert.throws(() => fit(payload({ eventTimestamp: 'yesterday' })), /needs the event's time; the blueprint mapped eventTimestamp "yesterday"/);
  assert.deepEqual([destinationReference('1'), actionOfEvent({ destinationReferences: ['action_1'] }), actionOfEvent({ destinationReferences: ['other'] }), actionOfEvent({})], ['action_1', '1', undefined, undefined]);
  assert.deepEqual(['granted', ' DENIED ', 'CONSENT_GRANTED', 'yes', undefined].map((v) => consentStatus(v)), ['CONSENT_GRANTED', 'CONSENT_DENIED', 'CONSENT_GRANTED', undefined, undefined]);
});

test('the value: mapped, else the products\' sum; the currency mapped, else the default, else the action\'s own; the event source', () => {
  assert.equal(fit(payload({ products: [{ price: 24.99, quantity: 3 }, { price: '5' }] }))!.conversionValue, 79.97);
  assert.equal(fit(payload({ products: [{ price: 1 }, 'x'] }))!.conversionValue, undefined, 'a product that is no object: no sum');
  assert.equal(fit(payload({ products: [{ quantity: 2 }] }))!.conversionValue, undefined, 'a product without a price: no sum');
  assert.throws(() => fit(payload({ products: [{ price: 1e303, quantity: 10 }] })), /the products' sum of price × quantity is too large/, 'no Infinity (sent as null)');
  assert.throws(() => fit(payload({ conversionValue: '12,50' })), /the Data Manager API takes conversionValue as a number; the blueprint mapped "12,50"/);
  assert.equal(fit(payload({ conversionValue: 5 }), browserEvent(), ctx(config({ default_currency: 'gbp' })))!.currency, 'GBP');
  assert.equal(fit(payload({ conversionValue: 5 }))!.currency, undefined, 'no currency: the action\'s own');
  assert.equal(fit(payload({ currency: 'USD' }))!.currency, undefined, 'no value: no currency');
  assert.throws(() => fit(payload({ conversionValue: 5, currency: 'dollars' })), /currency as an ISO 4217 code \(USD, EUR\); the event has "dollars"/);
  assert.deepEqual(['in store', 'IN_STORE', 'phone', 'message'].map((s) => fit(payload({ eventSource: s }))!.eventSource), ['IN_STORE', 'IN_STORE', 'PHONE', 'MESSAGE']);
  assert.throws(() => fit(payload({ eventSource: 'kiosk' })), /eventSource as one of WEB, APP, IN_STORE, PHONE, MESSAGE, OTHER; the blueprint mapped "kiosk"/);
  assert.equal(fit(payload())!.eventSource, 'WEB', 'none mapped, a page\'s event: WEB (Google requires eventSource for offline conversions)');
  assert.equal(fit(payload(), browserEvent({ context: {} }))!.eventSource, 'OTHER', 'none mapped, no page: OTHER');
  assert.equal(fit(payload({ eventSource: ' ' }), browserEvent({ context: { page: { url: '' } } }))!.eventSource, 'OTHER', 'blank: none said');
});

test('the click: the page URL\'s first, then the cookie; gclid before gbraid before wbraid; braids without user identifiers; nothing to attribute: dead-lettered alone', () => {
  const person = { user: { email: 'jane@example.com' } };
  assert.deepEqual(fit(payload(person), browserEvent({ context: { page: { url: `https://shop.example.com/?gclid=${GCLID}-new` } } }))!.adIdentifiers, { gclid: `${GCLID}-new` });
  assert.deepEqual(fit(payload({ ...person, gclid: undefined as never, gbraid: '0AAAAAbraid123', wbraid: '0AAAAAwbraid12' })), {
    destinationReferences: ['action_6543210'], transactionId: 'm-1', eventTimestamp: '2026-11-30T11:00:00.000Z', adIdentifiers: { gbraid: '0AAAAAbraid123' }, eventSource: 'WEB',
  }, 'a gbraid: no user identifiers beside it');
  assert.deepEqual(fit(payload({ ...person, gclid: undefined as never }))!.userData, { userIdentifiers: [{ emailAddress: sha256('jane@example.com') }] }, 'no click: the person alone');
  assert.deepEqual(fit(payload(person))!.userData, { userIdentifiers: [{ emailAddress: sha256('jane@example.com') }] }, 'a gclid and the person');
  assert.throws(() => fit(payload({ gclid: undefined as never })), /Google Ads cannot attribute this conversion: .* and the event has none$/);
  assert.throws(() => fit(payload({ gclid: undefined as never, user: { phone: '07700 900123' } })), /left out as unusable: phone/);
  assert.throws(() => fit(payload({ gclid: undefined as never, ...person }), browserEvent(), ctx(config({ enhanced_conversions: false }))), /its email, phone or address is not sent: config\.enhanced_conversions is off/);
});

test('consent: Consent Mode\'s answers as CONSENT_GRANTED/CONSENT_DENIED; a denied ad_user_data sends no user data; the device only when asked', () => {
  const consented = fit(payload({ user: { email: 'jane@example.com' }, consent: { ad_user_data: 'granted', ad_personalization: 'denied' } }))!;
  assert.deepEqual(consented.consent, { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' });
  assert.ok(consented.userData);
  const denied = fit(payload({ user: { email: 'jane@example.com' }, consent: { ad_user_data: 'denied' } }))!;
  assert.deepEqual([denied.consent, denied.userData, denied.adIdentifiers], [{ adUserData: 'CONSENT_DENIED' }, undefined, { gclid: GCLID }], 'the click goes, with the denial for Google to apply');
  assert.throws(() => fit(payload({ gclid: undefined as never, user: { email: 'jane@example.com' }, consent: { ad_user_data: 'denied' } })), /the visitor denied ad_user_data/);
  assert.deepEqual(fit(payload({ user: { email: 'jane@example.com' }, consent: { ad_user_data: 'granted' } }), browserEvent({ context: { consent: { categories: { ad_user_data: false } } } }))!.consent, { adUserData: 'CONSENT_DENIED' }, 'a denial anywhere the consent gate reads wins');
  assert.equal(fit(payload({ user: { email: 'jane@example.com' } }), browserEvent({ context: { consent: { ad_user_data: false } } }))!.userData, undefined, 'and withholds the user data, mapped or not');
  assert.deepEqual([
    consentSignal(undefined, { categoryPreferences: { ad_personalization: true } }, 'ad_personalization'), consentSignal(undefined, { google: { ad_user_data: 'granted' } }, 'ad_user_data'),
    consentSignal('denied', { ad_user_data: true }, 'ad_user_data'), consentSignal(undefined, undefined, 'ad_user_data'), consentSignal(42, {}, 'ad_user_data'),
  ], ['CONSENT_GRANTED', 'CONSENT_GRANTED', 'CONSENT_DENIED', undefined, undefined]);
  const device = { device: { user_agent: 'Mozilla/5.0', ip: '203.0.113.42' } };
  assert.equal(fit(payload(device))!.eventDeviceInfo, undefined, 'off by default');
  assert.deepEqual(fit(payload(device), browserEvent(), ctx(config({ send_device_info: true })))!.eventDeviceInfo, { userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.42' });
  assert.deepEqual(fit(payload({ device: { user_agent: 'UA', ip: 'not-an-ip' } }), browserEvent(), ctx(config({ send_device_info: true })))!.eventDeviceInfo, { userAgent: 'UA' });
  assert.equal(fit(payload({ device: { ip: 'x' } }), browserEvent(), ctx(config({ send_device_info: true })))!.eventDeviceInfo, undefined);
});

const mapped = (id: string, action = '6543210', extra: JsonObject = {}): MappedEvent => ({
  id, event: browserEvent({ messageId: id.split('#')[0] }), payload: { destinationReferences: [destinationReference(action)], transactionId: id, eventTimestamp: '2026-11-30T11:00:00.000Z', adIdentifiers: { gclid: GCLID }, ...extra },
});

test('requests: events:ingest with a destination per conversion action, the manager account, HEX encoding, the default consent and validateOnly when configured', () => {
  const request = ingestRequest([mapped('m-1'), mapped('m-2', '6543211'), mapped('m-3')], ctx());
  assert.deepEqual(request, {
    method: 'POST', url: 'https://datamanager.googleapis.com/v1/events:ingest',
    headers: { authorization: 'Bearer ya29.access-token', 'content-type': 'application/json' },
    body: {
      destinations: [
        { reference: 'action_6543210', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '6543210' },
        { reference: 'action_6543211', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '6543211' },
      ],
      events: [mapped('m-1').payload, mapped('m-2', '6543211').payload, mapped('m-3').payload],
      encoding: 'HEX',
    },
    eventIds: ['m-1', 'm-2', 'm-3'],
  });
  assert.equal(INGEST_URL, request.url);
  const full = ingestRequest([mapped('m-1')], ctx(config({ login_customer_id: '987-654-3210', validate_only: true, default_ad_user_data: 'granted', default_ad_personalization: 'denied' })));
  assert.deepEqual(full.body, {
    destinations: [{ reference: 'action_6543210', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' }, productDestinationId: '6543210' }],
    events: [mapped('m-1').payload], consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' }, validateOnly: true, encoding: 'HEX',
  });
  assert.throws(() => ingestRequest([mapped('m-1')], ctx(config(), { accessToken: undefined })), /no access token was obtained/);
  assert.throws(() => destinationOf('1', { customer_id: 'abc' }), /config\.customer_id "abc" is not a Google Ads customer id/);
  assert.throws(() => sendEvents([{ ...mapped('m-1'), payload: {} }], ctx()), /event m-1 names no conversion action destination/);
});

test('requests honour the limits: 2,000 events, ten conversion actions, 2 MB; every event once, in order', () => {
  const batch = Array.from({ length: 4001 }, (_, i) => mapped(`m-${i}`));
  const requests = sendEvents(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [2000, 2000, 1]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((m) => m.id));
  const actions = Array.from({ length: 12 }, (_, i) => mapped(`a-${i}`, String(1000 + i)));
  const mixed = sendEvents([...actions, mapped('a-again', '1000')], ctx());
  assert.deepEqual(mixed.map((r) => (r.body as { destinations: unknown[] }).destinations.length), [10, 3], 'a new request at the eleventh action');
  assert.deepEqual(mixed.map((r) => r.eventIds.length), [10, 3]);
  const large = Array.from({ length: 3 }, (_, i) => mapped(`big-${i}`, '6543210', { transactionId: 'x'.repeat(900_000) }));
  const sized = sendEvents(large, ctx());
  assert.deepEqual(sized.map((r) => r.eventIds.length), [2, 1], 'under 2 MB a request');
  for (const r of sized) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES);
  assert.deepEqual(sendEvents([mapped('huge', '6543210', { transactionId: 'x'.repeat(MAX_BYTES) })], ctx()).map((r) => r.eventIds), [['huge']], 'an event over the limit alone');
  assert.deepEqual(dataManager.batch, { maxEvents: 2000, maxBytes: 2_000_000 });
  assert.deepEqual(dataManager.rateLimit, { rps: 4, burst: 8, daily: 100_000 });
});

test('the definition: the shared Google click id cookies, the map and send hooks, the classifier', () => {
  assert.deepEqual(dataManager.clickIds, [...GOOGLE_CLICK_ID_COOKIES]);
  assert.deepEqual(dataManager.cookies, ['_dfgclid', '_dfgbraid', '_dfwbraid', '_gcl_aw', 'FPGCLAW']);
  assert.deepEqual(GOOGLE_TAG_GCLID_COOKIES, ['_gcl_aw', 'FPGCLAW'], 'the Google tags\' cookies: read, never set (no clickIds entry)');
  assert.deepEqual(dataManager.map!(payload(), browserEvent(), ctx())!.adIdentifiers, { gclid: GCLID });
  assert.equal(dataManager.send([mapped('m-1')], ctx()).length, 1);
  assert.deepEqual(dataManager.classify!({ status: 200, headers: {}, body: '{"requestId":"r"}', json: { requestId: 'r' } }, ingestRequest([mapped('m-1')], ctx()), ctx()), { status: 'delivered' });
  assert.deepEqual(dataManager.consent, ['advertising']);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/google_data_manager/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, c = config()) => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, [], `${variant} ${event.event ?? event.type}`);
  return result.vendorEvent === null ? null : toIngestEvent(result.vendorEvent as JsonObject, event, ctx(c, { variant }));
};

test('blueprints: an order\'s value, currency and order id, the _dfgclid cookie\'s gclid (else the Google tags\'), the person and address, the consent signals, the device; only configured events', () => {
  const traits = { email: ' Jane.Doe@gmail.com ', phone: '+44 7700 900123', firstName: 'Jane', lastName: 'Doe', address: { country: 'GB', postalCode: 'SW1A 1AA' } };
  const context = (extra: JsonObject = {}) => ({ ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, traits, cookies: { _dfgclid: GCLID, _gcl_aw: `GCL.1796030000.${GCLID}-tag` }, consent: { google: { ad_user_data: 'granted', ad_personalization: 'denied' } }, ...extra });
  const order = (properties: JsonObject) => browserEvent({ properties, context: context() } as Partial<CanonicalEvent>);
  for (const variant of ['default', 'retail']) {
    assert.deepEqual(mapThrough(variant, order({ order_id: 5521, revenue: '64.98', total: 70, currency: 'gbp' }), config({ send_device_info: true })), {
      destinationReferences: ['action_6543210'], transactionId: '5521', eventTimestamp: '2026-11-30T11:00:00.000Z',
      userData: { userIdentifiers: [{ emailAddress: sha256('janedoe@gmail.com') }, { phoneNumber: sha256('+447700900123') }, { address: { givenName: sha256('jane'), familyName: sha256('doe'), regionCode: 'GB', postalCode: 'SW1A 1AA' } }] },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' }, adIdentifiers: { gclid: GCLID },
      currency: 'GBP', conversionValue: 64.98, eventSource: 'WEB', eventDeviceInfo: { userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.42' },
    }, variant);
    assert.equal(mapThrough(variant, order({ products: [{ price: 10, quantity: 2 }, { price: 2.5 }], currency: 'EUR' }))!.conversionValue, 22.5, `${variant}: the products' sum`);
    assert.match(blueprint(variant).mapEvent(order({ total: 5, currency: '$' })).errors.join(), /currency/, `${variant}: an unreadable currency is an error`);
    assert.deepEqual(mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Pricing', context: context({ page: { url: `https://shop.example.com/pricing?gclid=${GCLID}-url` } }) } as Partial<CanonicalEvent>))!.adIdentifiers, { gclid: `${GCLID}-url` }, `${variant}: a named page, the URL's click`);
    assert.equal(mapThrough(variant, order({ event_source: 'in_store', total: 1, currency: 'USD' }))!.eventSource, 'IN_STORE', `${variant}: the site's event source`);
    assert.equal(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: { traits, cookies: { _gcl_aw: `GCL.1.${GCLID}` } } } as Partial<CanonicalEvent>))!.eventSource, 'OTHER', `${variant}: a server's event without a page: OTHER (Google requires a source)`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { price: 24.99, quantity: 3, currency: 'usd' }, context: context() } as Partial<CanonicalEvent>))!;
    assert.deepEqual([added.conversionValue, added.currency], variant === 'retail' ? [74.97, 'USD'] : [undefined, undefined], `${variant}: a cart add's value is retail's`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as Partial<CanonicalEvent>)), null, `${variant}: no identify`);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Newsletter Opened', context: context() } as Partial<CanonicalEvent>)), null, `${variant}: an event no action names is not sent`);
    assert.deepEqual(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: context({ cookies: { _dfwbraid: '0AAAAAwbraid12' } }) } as Partial<CanonicalEvent>))!.adIdentifiers, { wbraid: '0AAAAAwbraid12' }, `${variant}: Signal's wbraid cookie`);
    for (const [cookies, gclid] of [[{ _gcl_aw: `GCL.1796030000.${GCLID}-tag` }, `${GCLID}-tag`], [{ FPGCLAW: `2.1.k${GCLID}-sgtm$i1796030000` }, `${GCLID}-sgtm`]] as const) {
      assert.deepEqual(mapThrough(variant, browserEvent({ properties: { total: 1, currency: 'USD' }, context: context({ cookies }) } as Partial<CanonicalEvent>))!.adIdentifiers, { gclid }, `${variant}: without _dfgclid, ${Object.keys(cookies)[0]}`);
    }
  }
  const signup = mapThrough('default', browserEvent({ event: 'Signed Up', properties: { value: 25, currency: 'usd' }, context: context() } as Partial<CanonicalEvent>))!;
  assert.deepEqual([signup.destinationReferences, signup.conversionValue, signup.transactionId], [['action_6543211'], 25, 'm-1'], 'default: any event\'s value; the messageId as transaction id');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed Up', context: context() } as Partial<CanonicalEvent>)), null, 'retail: the funnel only');
});

test('processing report: pending while Google processes; done with the failed events counted and Google\'s reasons in words', () => {
  assert.equal(dataManager.processingReport, dataManagerProcessingReport);
  assert.deepEqual(readRequestStatus({}), { pending: true, message: 'Google reported no destination yet' });
  assert.deepEqual(readRequestStatus({ requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }, { requestStatus: 'PROCESSING' }] }), { pending: true, message: 'Google is still processing the request (SUCCESS, PROCESSING)' });
  assert.deepEqual(readRequestStatus({ requestStatusPerDestination: [{ requestStatus: 'SUCCESS', eventsIngestionStatus: { recordCount: '3' } }] }), { done: true, failed: 0, message: 'Google processed the request: SUCCESS (3 events ingested)' });
  assert.deepEqual(readRequestStatus({ requestStatusPerDestination: [
    { requestStatus: 'PARTIAL_SUCCESS', eventsIngestionStatus: { recordCount: '1' }, errorInfo: { errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_INVALID_GCLID', recordCount: '2' }] } },
    { requestStatus: 'FAILED', errorInfo: { errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_EVENT_TOO_OLD', recordCount: 1 }] } },
  ] }), { done: true, failed: 3, message: 'Google processed the request: PARTIAL_SUCCESS, FAILED (1 event ingested; failed: 2 × INVALID_GCLID, 1 × EVENT_TOO_OLD)' });
  const failedUncounted = readRequestStatus({ requestStatusPerDestination: [{ requestStatus: 'FAILED' }] });
  assert.ok('done' in failedUncounted && failedUncounted.failed === Number.MAX_SAFE_INTEGER, 'FAILED without counts: every event of the request (the core caps it)');
  const receipt = dataManagerProcessingReport.receipt;
  assert.equal(receipt({ status: 200, headers: {}, body: '', json: { requestId: 'req-9' } }, { method: 'POST', url: 'x', eventIds: [] }, {} as PluginContext), 'req-9');
  assert.equal(receipt({ status: 200, headers: {}, body: '', json: {} }, { method: 'POST', url: 'x', eventIds: [] }, {} as PluginContext), undefined, 'validateOnly: no requestId, no report');
  assert.deepEqual(dataManagerProcessingReport.request('req-9', { accessToken: 'ya29.t' } as PluginContext), {
    method: 'GET', url: 'https://datamanager.googleapis.com/v1/requestStatus:retrieve', query: [['requestId', 'req-9']], headers: { authorization: 'Bearer ya29.t' }, eventIds: [],
  });
});
