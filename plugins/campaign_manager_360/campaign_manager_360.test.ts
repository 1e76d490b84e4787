import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, GOOGLE_CLICK_ID_COOKIES, GOOGLE_TOKEN_URL, googleConsentStatus, normalizeGoogleConversionEmail as normalizeEmail, PermanentError,
  type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import cm360, { batchInsertRequest, batchInsertUrl, sendConversions, validateCm360Config } from './index.ts';
import { cm360AccessToken, DDMCONVERSIONS_SCOPE } from './access-token.ts';
import { blamedConversions, classifyCm360, MATCHABLE_AFTER_MS, readGoogleJsonError } from './classify.ts';
import { clickOf, dclidOfCookie } from './click-ids.ts';
import { apiVersionOf, idOf } from './config.ts';
import { MAX_AGE_MS, toConversion } from './conversion.ts';
import { MAX_BYTES, MAX_EVENTS } from './requests.ts';
import { MAX_IDENTIFIERS, normalizeFirstName, normalizeLastName, normalizeStreet, userIdentifiers } from './user-identifiers.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const AT = '2026-12-01T09:00:00.000Z';
const AT_MICROS = `${Date.parse(AT)}000`;
const DCLID = 'CJKu8LrQxd4CFQ1qwQodmJIElw';
const NEWER = 'CJKu8LrQxd4CFQ1qwQnewerClick';
const GCLID = 'EAIaIQobChMI8eGclidFromTheAd';
const ACTIVITIES = { 'Order Completed': '12345678', 'Signed Up': '12345679', 'page:Pricing': '12345680', 'Product Added': '12345681' };
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SA_KEY = JSON.stringify({ type: 'service_account', project_id: 'shop', client_email: 'signal@shop.iam.gserviceaccount.com', private_key: PRIVATE_KEY, token_uri: 'https://oauth2.googleapis.com/token' });

const config = (extra: Record<string, JsonValue | undefined> = {}): Record<string, JsonValue> => Object.fromEntries(Object.entries({
  profile_id: '1234567', floodlight_configuration_id: '2345678', floodlight_activities: ACTIVITIES,
  client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-client-secret', refresh_token: '1//0g-refresh-token', ...extra,
}).filter(([, v]) => v !== undefined)) as Record<string, JsonValue>;
const saConfig = (extra: Record<string, JsonValue | undefined> = {}) => config({ client_id: undefined, client_secret: undefined, refresh_token: undefined, service_account_key: SA_KEY, ...extra });
const ctx = (c = config(), warnings: string[] = [], extra: Partial<PluginContext> = {}): PluginContext => ({
  config: c, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.access-token', warn: (m) => warnings.push(m), ...extra,
});
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_visitor1', userId: 'u-42', timestamp: AT, receivedAt: '2026-12-01T09:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 2 }, { product_id: 'SKU-2', price: 24.99 }] },
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, cookies: { _dfdclid: DCLID } },
  ...overrides,
} as CanonicalEvent);
const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/campaign_manager_360/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, c = config()) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toConversion(mapped.vendorEvent as JsonObject, e, ctx(c, warnings));
  return { payload, warnings };
};
const fit = (payload: JsonObject, e = event({ context: {} } as Partial<CanonicalEvent>), c = config(), warnings: string[] = []) => toConversion({ timestampMicros: Date.parse(AT), ...payload }, e, ctx(c, warnings));
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json: json as JsonValue }) });
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };
const conversion = (overrides: Record<string, JsonValue | undefined> = {}): JsonObject => Object.fromEntries(Object.entries({ floodlightConfigurationId: '2345678', floodlightActivityId: '12345678', dclid: DCLID, timestampMicros: AT_MICROS, value: 74.97, quantity: '3', ordinal: 'm-1', ...overrides }).filter(([, v]) => v !== undefined)) as JsonObject;
const insert = (conversions: JsonObject[]): RequestDescriptor => ({
  method: 'POST', url: batchInsertUrl(config()), headers: {}, body: { conversions }, eventIds: conversions.map((_, i) => `m-${i + 1}`),
});

test('config: profile, Floodlight configuration and activities required; each field titled, typed, described, with examples; credentials secret', () => {
  const validate = createConfigAjv().compile(cm360.config);
  assert.equal(validate(config()), true);
  assert.equal(validate(saConfig()), true);
  assert.equal(validate({ profile_id: '1', floodlight_configuration_id: '2' }), false, 'the activities are required');
  assert.equal(validate(config({ default_country_code: '+44' })), false);
  assert.equal(validate(config({ currency: 'euro' })), false);
  for (const [key, field] of Object.entries(cm360.config.properties)) {
    assert.ok(field.title && field.type && field.description, `${key} has a title, a type and a description`);
    if (field.secret !== true && field.type !== 'boolean') assert.ok(Array.isArray(field.examples), `${key} has examples`);
  }
  assert.deepEqual(Object.entries(cm360.config.properties).filter(([, f]) => f.secret === true).map(([k]) => k), ['client_secret', 'refresh_token', 'service_account_key']);
  assert.deepEqual([idOf(' 2345678 '), idOf(2345678), idOf('DC-123'), idOf('0'), idOf(null)], ['2345678', '2345678', undefined, undefined, undefined]);
  assert.deepEqual([apiVersionOf({}), apiVersionOf({ api_version: ' v6 ' })], ['v5', 'v6']);
});

test('validateConfig names the field of each problem, in words saying what was expected', () => {
  assert.deepEqual(validateCm360Config(config()), []);
  assert.deepEqual(validateCm360Config(saConfig()), [], 'a service account alone');
  const ids = validateCm360Config(config({ profile_id: 'me@example.com', floodlight_configuration_id: 'DC-2345678' }));
  assert.deepEqual(ids.map((p) => p.field), ['profile_id', 'floodlight_configuration_id']);
  assert.match(ids[0]!.message, /^is "me@example\.com": a CM360 id is digits only/);
  assert.deepEqual(validateCm360Config(config({ refresh_token: undefined })).map((p) => [p.field, p.message]), [['refresh_token', 'give one credential: the refresh token of an OAuth client (with client_id and client_secret), or a service account\'s JSON key in service_account_key (see the plugin README)']]);
  assert.deepEqual(validateCm360Config(config({ service_account_key: SA_KEY })).map((p) => p.field), ['service_account_key'], 'two credentials');
  assert.deepEqual(validateCm360Config(config({ client_secret: undefined })).map((p) => p.field), ['client_secret']);
  assert.match(validateCm360Config(config({ refresh_token: 'Bearer 1//0g' }))[0]!.message, /^starts with "Bearer "/);
  assert.match(validateCm360Config(config({ client_id: 'my-client' }))[0]!.message, /ends with \.apps\.googleusercontent\.com/);
  const key = validateCm360Config(saConfig({ service_account_key: '{"type":"authorized_user"}' }));
  assert.deepEqual(key.map((p) => p.field), ['service_account_key']);
  assert.equal(JSON.stringify(validateCm360Config(saConfig({ service_account_key: SA_KEY.replace('PRIVATE KEY', 'PRIVATE KEE') }))).includes('BEGIN'), false, 'a message never quotes the key');
  assert.deepEqual(validateCm360Config(config({ floodlight_activities: {} })).map((p) => p.message), ['name at least one Signal event and the Floodlight activity it counts for, e.g. {"Order Completed": "12345678"} (Floodlight > Activities: the activity\'s ID)']);
  const activities = validateCm360Config(config({ floodlight_activities: { 'Order Completed ': '1', 'page: Pricing': '2', Lead: 'cat=lead01', ' ': '3' } }));
  assert.ok(activities.every((p) => p.field === 'floodlight_activities'));
  assert.deepEqual(activities.map((p) => p.message.slice(0, 40)), [
    'has "Order Completed " with white space ', 'has "page: Pricing": a page call of a na', 'has an empty Signal event name: name the', 'gives "cat=lead01" for "Lead": a Floodli',
  ], 'the keys as the SDK checks every event map\'s, then the activity IDs');
  assert.match(validateCm360Config(config({ api_version: 'v4' }))[0]!.message, /^is v4, which Google no longer serves \(v4 was sunset on February 26, 2026/);
  assert.deepEqual(validateCm360Config(config({ api_version: '5' })).map((p) => p.field), ['api_version']);
  assert.deepEqual(validateCm360Config(config({ api_version: 'v6' })), [], 'a newer version');
});

test('mapping: the order, by the dclid Signal keeps (value, quantity of items, the messageId as ordinal)', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, { floodlightConfigurationId: '2345678', floodlightActivityId: '12345678', dclid: DCLID, timestampMicros: AT_MICROS, value: 74.97, quantity: '3', ordinal: 'm-1' });
  assert.deepEqual(warnings, []);
});

test('mapping: the landing URL\'s dclid, then its gclid, before the cookies; a dclid before a gclid; the Google tag\'s _gcl_dc and _gcl_aw read', () => {
  const landing = (url: string, cookies: JsonObject = { _dfdclid: DCLID }) => mapThrough(event({ context: { page: { url }, cookies } } as Partial<CanonicalEvent>)).payload;
  assert.equal(landing(`https://shop.example.com/?utm_source=cm&dclid=${NEWER}`)?.dclid, NEWER);
  const gclid = landing(`https://shop.example.com/?gclid=${GCLID}`);
  assert.equal(gclid?.gclid, GCLID);
  assert.equal(gclid?.dclid, undefined, 'one identifier: CM360 takes them mutually exclusive');
  assert.equal(landing('https://shop.example.com/?dclid=%edclid!')?.dclid, DCLID, 'an unexpanded macro is no click');
  assert.equal(landing('https://shop.example.com/', { _gcl_dc: `GCL.1796030000.${NEWER}` })?.dclid, NEWER);
  assert.equal(landing('https://shop.example.com/', { _dfgclid: GCLID, _dfdclid: DCLID })?.dclid, DCLID, 'the display click first');
  assert.equal(landing('https://shop.example.com/', { _gcl_aw: `GCL.1796030000.${GCLID}` })?.gclid, GCLID);
  assert.equal(landing('https://shop.example.com/', { FPGCLAW: `2.1.k${GCLID}$i1796030000` })?.gclid, GCLID);
  assert.deepEqual([dclidOfCookie(DCLID), dclidOfCookie(`GCL.1796030000.${DCLID}`), dclidOfCookie(`2.1.k${DCLID}$i1796030000`), dclidOfCookie('undefined'), dclidOfCookie(7)], [DCLID, DCLID, undefined, undefined, undefined]);
  assert.deepEqual(clickOf(event({ context: {} } as Partial<CanonicalEvent>), { dclid: ['undefined', DCLID] }), { field: 'dclid', id: DCLID });
});

test('mapping: no click — the userId as matchId only with config.match_id_from_user_id; else not sent, saying why', () => {
  const anonymous = event({ context: { page: { url: 'https://shop.example.com/thanks' } } } as Partial<CanonicalEvent>);
  const skipped = mapThrough(anonymous);
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"Order Completed" not sent to Campaign Manager 360: no click to attribute it to — no dclid or gclid in the landing URL or Signal\'s _dfdclid / _dfgclid cookies (or a match ID: config.match_id_from_user_id, when your Floodlight tags pass the userId as match_id)']);
  const matched = mapThrough(anonymous, config({ match_id_from_user_id: true })).payload;
  assert.equal(matched?.matchId, 'u-42');
  assert.equal(mapThrough(event(), config({ match_id_from_user_id: true })).payload?.matchId, undefined, 'a click wins');
  const placeholder = mapThrough(event({ userId: 'undefined', context: {} } as Partial<CanonicalEvent>), config({ match_id_from_user_id: true }));
  assert.equal(placeholder.payload, null);
  assert.match(placeholder.warnings[0]!, /and it has no userId for the match ID$/);
});

test('mapping: only events config.floodlight_activities names, to their activity; page calls by page:<name>; identify is none', () => {
  assert.equal(mapThrough(event({ event: 'Demo Requested', properties: {} })).payload, null);
  assert.deepEqual(mapThrough(event({ event: 'Demo Requested', properties: {} })).warnings, [], 'an event the config does not name is no conversion: nothing to say');
  const signedUp = mapThrough(event({ event: 'Signed Up', properties: {} })).payload;
  assert.deepEqual(signedUp, { floodlightConfigurationId: '2345678', floodlightActivityId: '12345679', dclid: DCLID, timestampMicros: AT_MICROS, value: 0, quantity: '1', ordinal: 'm-1' });
  const pricing = mapThrough(event({ type: 'page', event: undefined, name: 'Pricing', properties: {} } as Partial<CanonicalEvent>)).payload;
  assert.equal(pricing?.floodlightActivityId, '12345680');
  assert.equal(mapThrough(event({ type: 'page', event: undefined, name: 'Home', properties: {} } as Partial<CanonicalEvent>)).payload, null);
  for (const type of ['identify', 'group', 'alias', 'screen']) assert.equal(blueprint.mapEvent(event({ type, event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, type);
  assert.throws(() => toConversion({}, event(), ctx(config({ floodlight_activities: { 'Order Completed': 'cat=sales0' } }))), (e: Error) => e instanceof PermanentError && /no activity ID/.test(e.message));
  assert.equal(fit({ floodlightActivityId: '99', dclid: DCLID }, event({ event: 'Other' }))?.floodlightActivityId, '99', 'an edited blueprint\'s activity');
});

test('mapping: a cart add by its price × quantity; the value in the advertiser currency only; negative values as 0, saying why', () => {
  const added = mapThrough(event({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'EUR' } })).payload;
  assert.deepEqual([added?.value, added?.quantity], [24.99, '2']);
  assert.equal(fit({ dclid: DCLID, products: [{ price: 24.99, quantity: 3 }, { price: 0.1 }] })?.value, 75.07, 'the products\' sum, in micros');
  assert.equal(fit({ dclid: DCLID, products: [{ price: 24.99, quantity: 3 }, { price: 0.1 }] })?.quantity, '4');
  const eur = config({ currency: 'EUR' });
  assert.equal(mapThrough(event(), eur).payload?.value, 74.97, 'eur is the advertiser\'s EUR');
  const usd = mapThrough(event({ properties: { revenue: 80, currency: 'USD' } }), eur);
  assert.equal(usd.payload?.value, 0);
  assert.deepEqual(usd.warnings, ['value 80 left out (sent as 0): in USD, and CM360 counts values in the advertiser\'s EUR (config.currency) with no currency of their own']);
  const refund = [] as string[];
  assert.equal(fit({ dclid: DCLID, value: -5 }, undefined, config(), refund)?.value, 0);
  assert.deepEqual(refund, ['value -5 left out (sent as 0): a conversion\'s value is 0 or more']);
  assert.throws(() => fit({ dclid: DCLID, value: '12,50' }), PermanentError);
  assert.equal(fit({ dclid: DCLID, quantity: 0 })?.quantity, '1', 'a quantity below 1 is none');
});

test('mapping: the time — within 28 days, an hour of clock skew taken as now, else dead-lettered saying why', () => {
  assert.equal(fit({ dclid: DCLID, timestampMicros: NOW + 30 * 60_000 })?.timestampMicros, `${NOW}000`);
  assert.throws(() => fit({ dclid: DCLID, timestampMicros: NOW + 2 * 3_600_000 }), /takes no conversions from the future/);
  assert.equal(fit({ dclid: DCLID, timestampMicros: NOW - MAX_AGE_MS + 1000 })?.timestampMicros, `${NOW - MAX_AGE_MS + 1000}000`);
  assert.throws(() => fit({ dclid: DCLID, timestampMicros: NOW - MAX_AGE_MS - 86_400_000 }), (e: Error) => e instanceof PermanentError && /at most 28 days old.*29 days before this delivery/.test(e.message));
  assert.throws(() => fit({ dclid: DCLID, timestampMicros: 'yesterday' }), /map timestamp with to_unix_ms/);
  assert.equal(fit({ dclid: DCLID, timestampMicros: '2026-12-01T10:00:00Z' })?.timestampMicros, '1796119200000000', 'ISO 8601 read too');
  assert.equal(fit({ dclid: DCLID, timestampMicros: `${Date.parse(AT)}000` })?.timestampMicros, AT_MICROS, 'epoch microseconds an edited blueprint maps, read as such');
  assert.equal(fit({ dclid: DCLID, timestampMicros: Date.parse(AT) * 1000 + 999 })?.timestampMicros, AT_MICROS);
  assert.equal(fit({ dclid: DCLID, ordinal: 'ORD-1' })?.ordinal, 'ORD-1', 'an edited blueprint\'s ordinal');
  assert.equal(fit({ dclid: DCLID, ordinal: 'undefined' }, event({ context: {} } as Partial<CanonicalEvent>))?.ordinal, 'm-1', 'a placeholder would make CM360 count one conversion of all that carry it: the messageId instead');
});

test('enhanced conversions: email (Gmail dots removed, +tag kept), phone in E.164, name with address, hashed as CM360 normalises; at most five', () => {
  assert.deepEqual([normalizeEmail(' Jane.Doe+shop@GMail.com '), normalizeEmail('jane.doe@example.com'), normalizeEmail('jane'), normalizeEmail('.@gmail.com')], ['janedoe+shop@gmail.com', 'jane.doe@example.com', undefined, undefined]);
  assert.deepEqual([normalizeFirstName('  Mary   Ann '), normalizeLastName(" O'Brien-Smith "), normalizeStreet(' 1600  Amphitheatre Pkwy ')], ['mary ann', 'obriensmith', '1600 amphitheatre pkwy']);
  const person = { email: ' Jane.Doe@gmail.com ', phone: '07700 900123', first_name: 'Jane', last_name: 'Doe', street: '10 Downing St', city: 'London', country: 'United Kingdom', postal_code: ' SW1A  2AA ' };
  assert.deepEqual(userIdentifiers(person, { defaultCountryCode: '44' }), {
    identifiers: [
      { hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') },
      { addressInfo: { hashedFirstName: sha256('jane'), hashedLastName: sha256('doe'), hashedStreetAddress: sha256('10 downing st'), city: 'London', postalCode: 'SW1A 2AA', countryCode: 'GB' } },
    ],
    left: [],
  });
  assert.deepEqual(userIdentifiers({ phone: '07700 900123', first_name: 'Jane' }), { identifiers: [], left: ['phone', 'address (needs first_name, last_name, country and postal_code)'] });
  const many = userIdentifiers({ email: ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'], phone: ['+447700900123', '+447700900124'] });
  assert.equal(many.identifiers.length, MAX_IDENTIFIERS);
  assert.deepEqual(many.left, ['1 identifier(s) past CM360\'s five']);
  assert.deepEqual(userIdentifiers({ email: sha256('jane@example.com') }).identifiers, [{ hashedEmail: sha256('jane@example.com') }], 'a hash is not hashed again');
  assert.deepEqual(userIdentifiers({ ip: '203.0.113.42' }).left, ['ip'], 'a key CM360 does not take is never sent');

  const traits = { email: 'Jane@Example.com', phone: '+44 7700 900123', first_name: 'Jane' };
  const { payload, warnings } = mapThrough(event({ context: { cookies: { _dfdclid: DCLID }, traits, consent: { google: { ad_user_data: 'granted' } } } } as Partial<CanonicalEvent>));
  assert.deepEqual(payload?.userIdentifiers, [{ hashedEmail: sha256('jane@example.com') }, { hashedPhoneNumber: sha256('+447700900123') }]);
  assert.equal(payload?.adUserDataConsent, 'GRANTED');
  assert.deepEqual(warnings, ['left out of the conversion: user.address (needs first_name, last_name, country and postal_code)']);
  const denied = mapThrough(event({ context: { cookies: { _dfdclid: DCLID }, traits, consent: { google: { ad_user_data: 'denied', ad_personalization: 'denied' } } } } as Partial<CanonicalEvent>)).payload;
  assert.equal(denied?.userIdentifiers, undefined, 'ad_user_data denied: no user identifiers');
  assert.equal(denied?.adUserDataConsent, 'DENIED');
  assert.equal(denied?.limitAdTracking, true, 'ad_personalization denied: reporting only');
  assert.equal(mapThrough(event({ context: { cookies: { _dfdclid: DCLID }, traits } } as Partial<CanonicalEvent>), config({ enhanced_conversions: false })).payload?.userIdentifiers, undefined);
  assert.equal(googleConsentStatus('granted', { categories: { ad_user_data: false } } as never, 'ad_user_data'), 'DENIED', 'a denial anywhere wins');
  assert.equal(googleConsentStatus(undefined, undefined, 'ad_user_data'), undefined);
});

test('mapping: child-directed and underage treatment from the config; custom Floodlight variables U1–U100, without contact information', () => {
  const flagged = fit({ dclid: DCLID }, undefined, config({ child_directed_treatment: true, treatment_for_underage: true }));
  assert.deepEqual([flagged?.childDirectedTreatment, flagged?.treatmentForUnderage], [true, true]);
  const warnings: string[] = [];
  const custom = fit({ dclid: DCLID, customVariables: { U1: 'gold', U100: 42, U101: 'x', u2: 'y', U3: 'jane@example.com', U4: 'x'.repeat(101), U5: '' } }, undefined, config(), warnings);
  assert.deepEqual(custom?.customVariables, [{ type: 'U1', value: 'gold' }, { type: 'U100', value: '42' }]);
  assert.deepEqual(warnings, ['left out of the conversion: customVariables.U101 (a custom Floodlight variable is U1 to U100); customVariables.u2 (a custom Floodlight variable is U1 to U100); customVariables.U3 (it holds contact information); customVariables.U4 (101 characters, more than 100)']);
});

const mapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: event(), payload });

test('requests: batchinsert on dfareporting.googleapis.com/dfareporting/v5 for the user profile, the Bearer token, the conversions as CM360 takes them', () => {
  const requests = sendConversions([mapped('m-1', conversion()), mapped('m-1#2', conversion())], ctx());
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://dfareporting.googleapis.com/dfareporting/v5/userprofiles/1234567/conversions/batchinsert',
    headers: { authorization: 'Bearer ya29.access-token', 'content-type': 'application/json' },
    body: { conversions: [conversion(), conversion()] }, eventIds: ['m-1', 'm-1#2'],
  }]);
  assert.equal(batchInsertUrl(config({ api_version: 'v6' })), 'https://dfareporting.googleapis.com/dfareporting/v6/userprofiles/1234567/conversions/batchinsert');
  assert.throws(() => batchInsertUrl({ profile_id: 'me' }), PermanentError);
  assert.throws(() => batchInsertRequest([mapped('m-1', conversion())], ctx(config(), [], { accessToken: undefined })), /no access token/);
  const many = Array.from({ length: 2 * MAX_EVENTS + 1 }, (_, n) => mapped(`m-${n}`, conversion({ ordinal: `m-${n}` })));
  assert.deepEqual(sendConversions(many, ctx()).map((r) => r.eventIds.length), [1000, 1000, 1], 'up to 1,000 a request');
  assert.deepEqual(cm360.batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES });
});

test('classify: a 200 without failures delivered; per-conversion errors as outcomes, the others delivered', () => {
  const request = insert([conversion(), conversion({ ordinal: 'm-2' }), conversion({ ordinal: 'm-3', dclid: undefined, matchId: 'u-42' }), conversion({ ordinal: 'm-4' }), conversion({ ordinal: 'm-5' })]);
  const ok = { status: [{ conversion: conversion(), kind: 'dfareporting#conversionStatus' }], hasFailures: false, kind: 'dfareporting#conversionsBatchInsertResponse' };
  assert.deepEqual(classifyCm360(answer(200, ok), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyCm360(answer(200, cm360.successAnswer!.body), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyCm360(answer(200, {}), request, ctx()), { status: 'delivered' }, 'no failures said');
  const failures = {
    hasFailures: true,
    status: [
      { conversion: conversion() },
      { conversion: conversion(), errors: [{ code: 'INVALID_ARGUMENT', message: 'Floodlight activity 12345678 is not active.', kind: 'dfareporting#conversionError' }] },
      { conversion: conversion(), errors: [{ code: 'NOT_FOUND', message: 'Match ID not found.' }] },
      { conversion: conversion(), errors: [{ code: 'PERMISSION_DENIED', message: 'No access to the Floodlight configuration.' }] },
      { conversion: conversion(), errors: [{ code: 'INTERNAL', message: 'Internal error.' }] },
    ],
  };
  const { perEvent } = classifyCm360(answer(200, failures), request, ctx()) as { perEvent: Record<string, { status: string; reason?: string }> };
  assert.deepEqual(Object.keys(perEvent), ['m-2', 'm-3', 'm-4', 'm-5'], 'the first conversion delivered');
  assert.equal(perEvent['m-2']!.status, 'dead_letter');
  assert.match(perEvent['m-2']!.reason!, /^Campaign Manager 360 did not insert the conversion \(INVALID_ARGUMENT: Floodlight activity 12345678 is not active\.\): check config\.floodlight_activities/);
  assert.equal(perEvent['m-3']!.status, 'dead_letter', 'three hours old: not too recent');
  assert.match(perEvent['m-3']!.reason!, /\(NOT_FOUND: Match ID not found\.\): the match ID is unknown to CM360/);
  assert.equal(perEvent['m-4']!.status, 'dead_letter');
  assert.match(perEvent['m-4']!.reason!, /PERMISSION_DENIED.*config\.profile_id \(1234567\) has no access to Floodlight configuration 2345678/);
  assert.equal(perEvent['m-5']!.status, 'retry');
});

test('classify: a NOT_FOUND of a conversion younger than an hour tried again once it is an hour old (CM360 matches a click about an hour after it)', () => {
  const fresh = NOW - 10 * 60_000;
  const request = insert([conversion({ timestampMicros: `${fresh}000` }), conversion({ gclid: GCLID, dclid: undefined, timestampMicros: `${NOW - 59 * 60_000}000` })]);
  const notFound = { hasFailures: true, status: [0, 1].map(() => ({ errors: [{ code: 'NOT_FOUND', message: 'Click not found.' }] })) };
  const { perEvent } = classifyCm360(answer(200, notFound), request, ctx()) as { perEvent: Record<string, { status: string; reason: string; retryAfterMs?: number }> };
  assert.deepEqual([perEvent['m-1']!.status, perEvent['m-1']!.retryAfterMs], ['retry', fresh + MATCHABLE_AFTER_MS - NOW]);
  assert.match(perEvent['m-1']!.reason, /CM360 matches a dclid about an hour after its click or Floodlight call/);
  assert.deepEqual([perEvent['m-2']!.status, perEvent['m-2']!.retryAfterMs], ['retry', 60_000], 'at least a minute');
  const old = classifyCm360(answer(200, { hasFailures: true, status: [{ errors: [{ code: 'NOT_FOUND' }] }] }), insert([conversion({ gclid: GCLID, dclid: undefined })]), ctx()) as { perEvent: Record<string, { reason: string }> };
  assert.match(old.perEvent['m-1']!.reason, /\(NOT_FOUND\): the gclid is invalid, is not of a Search Ads 360 campaign or a Display & Video 360 YouTube line item/);
});

test('classify: hasFailures with statuses that cannot be matched to the conversions sent: all sent again', () => {
  const request = insert([conversion(), conversion({ ordinal: 'm-2' })]);
  for (const body of [{ hasFailures: true }, { hasFailures: true, status: [{ errors: [{ code: 'INTERNAL' }] }] }, { hasFailures: true, status: [{}, {}] }]) {
    const result = whole(classifyCm360(answer(200, body), request, ctx()));
    assert.equal(result.status, 'retry', JSON.stringify(body));
    assert.match(result.reason!, /naming none it can be matched to: all sent again/);
  }
});

test('classify: 403 quotas throttled (the rate limit; the daily quota after an hour); other 403s dead-lettered saying what to fix', () => {
  const forbidden = (reason: string, message: string, extra: JsonObject = {}) => whole(classifyCm360(answer(403, { error: { code: 403, message, errors: [{ domain: 'usageLimits', reason, message }], ...extra } }), insert([conversion()]), ctx()));
  assert.deepEqual(forbidden('userRateLimitExceeded', 'User Rate Limit Exceeded'), { status: 'retry', reason: 'Campaign Manager 360 rate limit reached (HTTP 403, User Rate Limit Exceeded (userRateLimitExceeded))', throttled: true });
  const daily = forbidden('dailyLimitExceeded', 'Daily Limit Exceeded');
  assert.deepEqual([daily.status, daily.throttled, daily.retryAfterMs], ['retry', true, 3_600_000]);
  assert.match(forbidden('forbidden', '3140 : Version v4 of the DCM/DFA Trafficking and Reporting API is no longer supported. Please upgrade to the latest version of the API.').reason!, /no longer serves API version v5 .*config\.api_version/);
  assert.match(forbidden('accessNotConfigured', 'Campaign Manager 360 API has not been used in project 123 before or it is disabled.').reason!, /not enabled in the credential's Google Cloud project/);
  assert.match(forbidden('insufficientPermissions', 'Request had insufficient authentication scopes.').reason!, /ddmconversions/);
  const profile = forbidden('forbidden', 'The current user profile does not have access.', { status: 'PERMISSION_DENIED' });
  assert.equal(profile.status, 'dead_letter');
  assert.match(profile.reason!, /^Campaign Manager 360 refused the request \(HTTP 403, PERMISSION_DENIED: The current user profile does not have access\. \(forbidden\)\): config\.profile_id must be a user profile/);
  assert.deepEqual(readGoogleJsonError('nope'), { message: '', reasons: [] });
});

test('classify: 401 after renewal, 404, 400 dead-lettered; 413 split (one conversion: dead-lettered); 429, 408 and 5xx retried after Retry-After', () => {
  const request = insert([conversion(), conversion({ ordinal: 'm-2' })]);
  const single = insert([conversion()]);
  const google = (status: number, message: string) => ({ error: { code: status, message, errors: [{ domain: 'global', reason: 'x', message }] } });
  assert.match(whole(classifyCm360(answer(401, google(401, 'Invalid Credentials')), request, ctx())).reason!, /also once renewed.*config\.refresh_token or config\.service_account_key/);
  assert.match(whole(classifyCm360(answer(404, undefined), request, ctx())).reason!, /answered 404 \(HTTP 404, \(no body\)\): API version v5 \(config\.api_version\)/);
  assert.equal(whole(classifyCm360(answer(400, google(400, 'Invalid value')), request, ctx())).status, 'dead_letter');
  const fieldViolation = (field: string) => ({ error: { code: 400, status: 'INVALID_ARGUMENT', message: `Invalid value at '${field}' (TYPE_INT64), "x"`, details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: `Invalid value at '${field}' (TYPE_INT64), "x"` }] }] } });
  const three = insert([conversion(), conversion({ ordinal: 'm-2' }), conversion({ ordinal: 'm-3' })]);
  const { perEvent } = classifyCm360(answer(400, fieldViolation('conversions[1].quantity')), three, ctx()) as { perEvent: Record<string, { status: string; reason: string }> };
  assert.deepEqual(Object.entries(perEvent).map(([id, o]) => [id, o.status]), [['m-1', 'resend'], ['m-2', 'dead_letter'], ['m-3', 'resend']], 'the conversion CM360 names dead-lettered, the others sent again');
  assert.match(perEvent['m-2']!.reason, /^Campaign Manager 360 refused the request \(HTTP 400, INVALID_ARGUMENT: Invalid value at 'conversions\[1\]\.quantity' .*naming this conversion/);
  assert.match(perEvent['m-1']!.reason, /refused the request for another conversion in it .*: sent again without it$/);
  assert.equal(whole(classifyCm360(answer(400, fieldViolation('conversions[7].quantity')), three, ctx())).status, 'dead_letter', 'a conversion the request does not have: all dead-lettered');
  assert.deepEqual([blamedConversions(fieldViolation('conversions[0].ordinal'), 1), blamedConversions({ error: { message: "Invalid value at 'conversions[2].value'; conversions[0].quantity" } }, 3), blamedConversions('nope', 3)], [[0], [0, 2], []]);
  assert.equal(whole(classifyCm360(answer(413, undefined), request, ctx())).status, 'split');
  assert.equal(whole(classifyCm360(answer(413, undefined), single, ctx())).status, 'dead_letter');
  assert.deepEqual(classifyCm360(answer(429, google(429, 'Too many'), { 'Retry-After': '7' }), request, ctx()), { status: 'retry', reason: 'Campaign Manager 360 rate limit reached (HTTP 429, Too many (x))', throttled: true, retryAfterMs: 7000 });
  for (const status of [408, 500, 502, 503]) assert.equal(whole(classifyCm360(answer(status, google(status, 'Backend Error')), request, ctx())).status, 'retry', String(status));
  assert.equal(whole(classifyCm360(answer(503, undefined, { 'retry-after': '2' }), request, ctx())).retryAfterMs, 2000);
  assert.equal(whole(classifyCm360(answer(409, undefined), request, ctx())).status, 'dead_letter');
});

test('access token: the refresh token grant at oauth2.googleapis.com, or a service account\'s assertion for the ddmconversions scope; refusals said in Google\'s terms', () => {
  const refresh = cm360AccessToken.request(ctx());
  assert.equal(refresh.url, GOOGLE_TOKEN_URL);
  assert.equal(refresh.body, 'grant_type=refresh_token&refresh_token=1%2F%2F0g-refresh-token&client_id=123456789012-abc.apps.googleusercontent.com&client_secret=GOCSPX-client-secret');
  const assertion = cm360AccessToken.request(ctx(saConfig()));
  assert.equal(assertion.url, 'https://oauth2.googleapis.com/token');
  const form = new URLSearchParams(String(assertion.body));
  assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.deepEqual([claims.iss, claims.scope, claims.iat], ['signal@shop.iam.gserviceaccount.com', DDMCONVERSIONS_SCOPE, NOW / 1000]);
  assert.deepEqual([cm360AccessToken.enabled(config()), cm360AccessToken.enabled(saConfig()), cm360AccessToken.enabled({})], [true, true, false]);
  const refused = (status: number, json: JsonObject) => { try { cm360AccessToken.read(answer(status, json)); } catch (error) { return (error as Error).message; } return 'read'; };
  assert.match(refused(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), /^Google refused the refresh token \(HTTP 400, .*Token has been expired or revoked.*\)\. A Google refresh token stops working/);
  assert.match(refused(401, { error: 'invalid_client', error_description: 'Unauthorized' }), /^Google refused the OAuth client/);
  assert.match(refused(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }), /^Google refused the service account's assertion/);
  assert.match(refused(400, { error: 'invalid_scope' }), /ddmconversions/);
  assert.deepEqual(cm360AccessToken.read(answer(200, { access_token: 'ya29.t', expires_in: 3599 })), { accessToken: 'ya29.t', expiresInSeconds: 3599 });
});

test('definition: advertising consent, the dclid kept 60 days in _dfdclid and the gclid as every Google plugin declares it, the Google tags\' cookies read; no deletion API', () => {
  assert.equal(cm360.id, 'campaign_manager_360');
  assert.equal(cm360.category, 'advertising');
  assert.deepEqual(cm360.consent, ['advertising']);
  assert.deepEqual(cm360.clickIds, [{ param: 'dclid', cookie: '_dfdclid', days: 60 }, GOOGLE_CLICK_ID_COOKIES[0]]);
  assert.deepEqual(cm360.cookies, ['_dfdclid', '_dfgclid', '_gcl_aw', 'FPGCLAW', '_gcl_dc']);
  assert.equal(cm360.forgetPerson, undefined);
  assert.deepEqual(cm360.rateLimit, { rps: 1, burst: 1, daily: 50_000 });
  assert.deepEqual(cm360.accessToken?.usedBy, ['delivery']);
});
