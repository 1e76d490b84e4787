import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import appsflyer, { OPENDSR_URL } from './index.ts';
import { eventTimeText, eventValueOf, MAX_BODY_BYTES, toAppsFlyerBody } from './appsflyer-event.ts';
import { classifyAppsFlyer } from './classify.ts';
import { appsFlyerConfigWarnings, validateAppsFlyerConfig } from './config.ts';
import { NO_APPSFLYER_IDENTITY, readOpendsr, subjectRequestId } from './forget-person.ts';
import { eventsUrl, requestFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const AF_ID = '1715160000000-1234567';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const GAID = '9c9a82fb-d5de-4cd1-90c3-527441c11828';

const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ app_id: 'id123456789', platform: 'ios', s2s_key: 'S2S-KEY-1', ...extra });
const android = (extra: Record<string, JsonValue> = {}) => config({ app_id: 'com.example.shop', platform: 'android', ...extra });
const ctx = (cfg: Record<string, JsonValue> = config(), variant = 'default', warnings: string[] = []): PluginContext => ({
  config: cfg, variant, integrationId: 'int-1', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({
  status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers,
});
const whole = (result: ClassifyResult) => {
  assert.ok(!('perEvent' in result) && !('next' in result), JSON.stringify(result));
  return result as { status: string; reason?: string; retryAfterMs?: number; throttled?: boolean };
};

/** An app's call as Segment's iOS SDK sends it, with the device's AppsFlyer id. */
const appEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1002', anonymousId: 'F2A6C0DE-1B7E-4D39-9A51-3C1E7B0D5A10',
  timestamp: '2026-12-01T11:15:00.250Z', receivedAt: '2026-12-01T11:15:00.900Z',
  properties: { order_id: 'APP-5521', revenue: 19.99, currency: 'usd', products: [{ product_id: 'P-9', name: 'Gift card', price: 19.99, quantity: 1 }, { product_id: 'P-10', price: 5, quantity: 2 }] },
  integrations: { AppsFlyer: { appsFlyerId: AF_ID } },
  context: {
    ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0',
    app: { name: 'Shop', version: '3.2', build: '321', namespace: 'com.example.shop' },
    device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, type: 'ios' },
    os: { name: 'iOS', version: '17.4' },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/appsflyer/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, cfg: Record<string, JsonValue> = config(), warnings: string[] = []) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toAppsFlyerBody(mapped.vendorEvent as JsonObject, event, ctx(cfg, variant, warnings));
};
const valueOf = (body: JsonObject | null) => JSON.parse(String(body!.eventValue)) as JsonObject;

test('config: app id, platform and key required; an iOS id without "id" or an Android id that is no package named in words', () => {
  const validate = createConfigAjv().compile(appsflyer.config);
  assert.equal(validate(config()), true);
  assert.equal(validate(android({ key_type: 'dev_key', api_token: 'tok' })), true);
  assert.equal(validate({ app_id: 'id1', platform: 'ios' }), false, 'a key is required');
  assert.equal(validate(config({ platform: 'windows' })), false);
  assert.equal(validate(config({ key_type: 'bearer' })), false);
  assert.deepEqual(Object.entries(appsflyer.config.properties).filter(([, field]) => field.secret === true).map(([name]) => name), ['s2s_key', 'api_token']);
  for (const field of Object.values(appsflyer.config.properties)) assert.ok(field.title && field.description && field.examples, JSON.stringify(field));
  assert.deepEqual(validateAppsFlyerConfig(config()), []);
  assert.deepEqual(validateAppsFlyerConfig(android()), []);
  assert.deepEqual(validateAppsFlyerConfig(config({ app_id: '123456789' })), [{
    field: 'app_id', message: 'is "123456789": an iOS app id is "id" followed by the App Store digits (id123456789): write id123456789 (without "id" AppsFlyer answers 200 OK and records nothing); for an Android app set platform to android',
  }]);
  assert.match(validateAppsFlyerConfig(config({ app_id: 'com.example.shop' }))[0]!.message, /an iOS app id is "id" followed by the App Store digits.*set platform to android/);
  assert.deepEqual(validateAppsFlyerConfig(android({ app_id: 'id123456789' })).map((p) => p.field), ['app_id']);
  assert.match(validateAppsFlyerConfig(android({ app_id: 'id123456789' }))[0]!.message, /package name as in Google Play/);
  assert.deepEqual(validateAppsFlyerConfig(config({ app_id: '  ' })), [{ field: 'app_id', message: 'is blank: give the app id as the AppsFlyer dashboard shows it (id123456789 for iOS, com.example.myapp for Android)' }]);
  assert.deepEqual(validateAppsFlyerConfig(config({ s2s_key: 'abc def' })), [{ field: 's2s_key', message: 'has white space inside: paste the key alone, as AppsFlyer shows it' }]);
  assert.deepEqual(validateAppsFlyerConfig(config({ api_token: ' ' })), [{ field: 'api_token', message: 'is blank: paste the key AppsFlyer shows' }]);
  assert.deepEqual(appsFlyerConfigWarnings(config()), []);
  assert.deepEqual(appsFlyerConfigWarnings(config({ key_type: 'dev_key' })).map((w) => w.field), ['key_type']);
  assert.match(appsflyer.configWarnings!(config({ key_type: 'dev_key' }), NOW)[0]!.message, /api2\.appsflyer\.com, which AppsFlyer deprecated in December 2023/);
});

test('default: an iOS app purchase as af_purchase — the AppsFlyer id, CUID, IDFA and IDFV, eventValue stringified, eventTime in UTC', () => {
  const body = mapThrough('default', appEvent());
  assert.deepEqual(body, {
    appsflyer_id: AF_ID, customer_user_id: 'u-1002', idfa: IDFA, idfv: IDFV, ip: '203.0.113.77', eventName: 'af_purchase', eventCurrency: 'USD',
    eventValue: JSON.stringify({ af_revenue: 19.99, af_currency: 'USD', af_order_id: 'APP-5521', af_content_id: ['P-9', 'P-10'], af_price: [19.99, 5], af_quantity: [1, 2] }),
    eventTime: '2026-12-01 11:15:00.250', bundleIdentifier: 'com.example.shop', app_version_name: '3.2', os: '17.4', af_events_api: 'true', ua: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0',
  });
  assert.ok(Buffer.byteLength(JSON.stringify(body)) <= MAX_BODY_BYTES);
});

test('default: Android ids only on an Android app (GAID in lower case, aie); iOS ids only on iOS; limited ad tracking sends no advertising id', () => {
  const event = appEvent({ context: { ip: '203.0.113.77', device: { id: 'android-id-1', advertisingId: GAID.toUpperCase(), adTrackingEnabled: true }, os: { name: 'Android', version: '14' } } } as Partial<CanonicalEvent>);
  const body = mapThrough('default', event, android())!;
  assert.equal(body.advertising_id, GAID);
  assert.equal(body.aie, true);
  assert.equal(body.idfa, undefined);
  assert.equal(body.idfv, undefined);
  const limited = mapThrough('default', appEvent({ context: { device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: false } } } as Partial<CanonicalEvent>))!;
  assert.equal(limited.idfa, undefined, 'limited ad tracking: no IDFA');
  assert.equal(limited.idfv, IDFV, 'the IDFV is the vendor\'s id, not the advertising id');
  const limitedAndroid = mapThrough('default', appEvent({ context: { device: { advertisingId: GAID, adTrackingEnabled: false } } } as Partial<CanonicalEvent>), android())!;
  assert.equal(limitedAndroid.advertising_id, undefined);
  assert.equal(limitedAndroid.aie, false);
  const zeros = mapThrough('default', appEvent({ context: { device: { advertisingId: '00000000-0000-0000-0000-000000000000' } } } as Partial<CanonicalEvent>))!;
  assert.equal(zeros.idfa, undefined, 'the all-zero IDFA names no one');
  const att = mapThrough('default', appEvent({ integrations: { AppsFlyer: { appsFlyerId: AF_ID, att: 3 } } } as Partial<CanonicalEvent>))!;
  assert.equal(att.att, 3);
  assert.equal(att.aie, undefined, 'iOS 14 and later: att, not aie');
});

test('iOS before 14: aie says whether ad tracking is limited (AppsFlyer: aie for Android and iOS before 14, att after)', () => {
  const old = (adTrackingEnabled: boolean, version: string) => mapThrough('default', appEvent({ context: { device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled }, os: { name: 'iOS', version } } } as Partial<CanonicalEvent>))!;
  assert.equal(old(true, '13.7').aie, true);
  assert.equal(old(true, '13.7').idfa, IDFA);
  assert.equal(old(false, '12.5.1').aie, false);
  assert.equal(old(false, '12.5.1').idfa, undefined);
  assert.equal(old(true, '14.0').aie, undefined);
  assert.equal(old(true, '17.4').aie, undefined);
  assert.equal(old(true, 'unknown').aie, undefined);
  const noTracking = mapThrough('default', appEvent({ context: { device: { id: IDFV }, os: { name: 'iOS', version: '13.1' } } } as Partial<CanonicalEvent>))!;
  assert.equal(noTracking.aie, undefined, 'ad tracking not said: no aie');
});

test('a customer user id that cannot be sent is left out with a warning, the event still sent', () => {
  const warnings: string[] = [];
  const body = mapThrough('default', appEvent({ userId: 'user 1002' }), config(), warnings)!;
  assert.equal(body.customer_user_id, undefined);
  assert.equal(body.appsflyer_id, AF_ID);
  assert.deepEqual(warnings.filter((w) => w.startsWith('customer_user_id')), ['customer_user_id left out: "user 1002" has white space or is over 256 characters (AppsFlyer matches it to the app SDK\'s CUID as written)']);
});

test('a refund: negative af_revenue is sent as a negative number (AppsFlyer: negative values preceded by "-")', () => {
  const body = mapThrough('default', appEvent({ properties: { order_id: 'R-1', revenue: -19.99, currency: 'EUR' } }));
  assert.deepEqual(valueOf(body), { af_revenue: -19.99, af_currency: 'EUR', af_order_id: 'R-1' });
  assert.equal(body!.eventCurrency, 'EUR');
  assert.deepEqual(eventValueOf({ af_revenue: '-5.50' }, ctx()), { af_revenue: -5.5 });
});

test('an event without the AppsFlyer id is not sent, saying why; a malformed id, name or currency is dead-lettered naming it', () => {
  const warnings: string[] = [];
  assert.equal(mapThrough('default', appEvent({ integrations: {} }), config(), warnings), null);
  assert.deepEqual(warnings, ['not sent: no AppsFlyer id (integrations.AppsFlyer.appsFlyerId, which the app\'s AppsFlyer SDK gives the device): AppsFlyer\'s S2S events API attributes an event to an app install by it alone']);
  assert.equal(mapThrough('default', appEvent({ integrations: { AppsFlyer: { appsFlyerId: 'undefined' } } })), null, 'a placeholder is no id');
  assert.throws(() => mapThrough('default', appEvent({ integrations: { AppsFlyer: { appsFlyerId: 'abc' } } })),
    (error: Error) => error instanceof PermanentError && /AppsFlyer ids are 13 digits, a dash and digits .* the blueprint mapped appsflyer_id "abc"/.test(error.message));
  assert.throws(() => toAppsFlyerBody({ appsflyer_id: AF_ID }, appEvent(), ctx()), /AppsFlyer needs an event name \(eventName, at most 100 characters\): the blueprint mapped nothing/);
  assert.throws(() => toAppsFlyerBody({ appsflyer_id: AF_ID, eventName: 'x', eventCurrency: 'dollars' }, appEvent(), ctx()), /ISO 4217 currency code \(USD\): the blueprint mapped eventCurrency "dollars"/);
  // A web page view (no AppsFlyer id) and an identify are not sent at all.
  assert.equal(blueprint('default').mapEvent({ type: 'page', messageId: 'p', anonymousId: 'a', timestamp: '2026-12-01T11:00:00Z', receivedAt: '2026-12-01T11:00:00Z' } as CanonicalEvent).vendorEvent, null);
  assert.equal(blueprint('default').mapEvent(appEvent({ type: 'identify', event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null);
});

test('default: ecommerce and lifecycle events as AppsFlyer rich events; a custom event under its own name, nested values and contact information left out', () => {
  const product = mapThrough('default', appEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', category: 'Shoes', price: '24.50', quantity: 2, currency: 'EUR' } }))!;
  assert.equal(product.eventName, 'af_add_to_cart');
  assert.deepEqual(valueOf(product), { af_content_id: 'SKU-1', af_content_type: 'Shoes', af_price: 24.5, af_quantity: 2, af_currency: 'EUR' });
  assert.equal(product.eventCurrency, 'EUR');
  assert.equal(mapThrough('default', appEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1' } }))!.eventName, 'af_content_view');
  const checkout = mapThrough('default', appEvent({ event: 'Checkout Started', properties: { value: 30, currency: 'EUR', products: [{ product_id: 'A', quantity: 1 }] } }))!;
  assert.equal(checkout.eventName, 'af_initiated_checkout');
  assert.deepEqual(valueOf(checkout), { af_price: 30, af_currency: 'EUR', af_content_id: ['A'], af_quantity: [1] });
  const signUp = mapThrough('default', appEvent({ event: 'Signed Up', properties: { method: 'apple' } }))!;
  assert.equal(signUp.eventName, 'af_complete_registration');
  assert.deepEqual(valueOf(signUp), { af_registration_method: 'apple' });
  assert.equal(mapThrough('default', appEvent({ event: 'Signed In', properties: {} }))!.eventValue, '', 'no parameters: eventValue ""');
  assert.equal(mapThrough('default', appEvent({ event: 'Signed In', properties: {} }))!.eventName, 'af_login');
  const search = mapThrough('default', appEvent({ event: 'Products Searched', properties: { query: 'boots' } }))!;
  assert.deepEqual([search.eventName, valueOf(search)], ['af_search', { af_search_string: 'boots' }]);
  const warnings: string[] = [];
  const custom = mapThrough('default', appEvent({ event: 'Level Achieved', properties: { level: 7, hero: 'mage', email: 'jane@example.com', meta: { a: 1 }, tags: ['x', 'y'] } }), config(), warnings)!;
  assert.equal(custom.eventName, 'Level Achieved');
  assert.deepEqual(valueOf(custom), { level: 7, hero: 'mage', tags: ['x', 'y'] });
  assert.deepEqual(warnings, ['eventValue: meta left out: AppsFlyer\'s event parameters are text, numbers, booleans or lists of them']);
});

test('retail: the funnel only; other events not sent', () => {
  assert.equal(mapThrough('retail', appEvent())!.eventName, 'af_purchase');
  assert.equal(mapThrough('retail', appEvent({ event: 'Product List Viewed', properties: { category: 'Shoes', products: [{ product_id: 'A' }, { product_id: 'B' }] } }))!.eventName, 'af_list_view');
  assert.deepEqual(valueOf(mapThrough('retail', appEvent({ event: 'Product List Viewed', properties: { category: 'Shoes', products: [{ product_id: 'A' }, { product_id: 'B' }] } }))), { af_content_type: 'Shoes', af_content_list: ['A', 'B'] });
  assert.equal(mapThrough('retail', appEvent({ event: 'Level Achieved', properties: { level: 7 } })), null);
  assert.equal(mapThrough('retail', appEvent({ event: 'Signed In', properties: {} })), null);
});

test('consent, IP, time and size: advertising refused shares the event with no partner; an IPv6 address left out; past 1 KB the user agent goes first, then the event is refused', () => {
  const refused = mapThrough('default', appEvent({ context: { ip: '2001:db8::42', consent: { advertising: false }, device: { advertisingId: IDFA } } } as Partial<CanonicalEvent>), config())!;
  assert.equal(refused.sharing_filter, 'all');
  assert.equal(refused.ip, undefined);
  const mappedV4 = mapThrough('default', appEvent({ context: { ip: '::ffff:203.0.113.7' } } as Partial<CanonicalEvent>))!;
  assert.equal(mappedV4.ip, '203.0.113.7', 'an IPv4-mapped IPv6 address is sent as its IPv4 address');
  assert.equal(eventTimeText('2024-05-02T13:15:00.250+02:00'), '2024-05-02 11:15:00.250');
  assert.equal(eventTimeText('soon'), undefined);
  const warnings: string[] = [];
  const long = toAppsFlyerBody({ appsflyer_id: AF_ID, eventName: 'x', eventValue: { note: 'n'.repeat(700) }, ua: 'u'.repeat(400) }, appEvent(), ctx(config(), 'default', warnings))!;
  assert.equal(long.ua, undefined);
  assert.deepEqual(warnings, ['ua left out: the event would pass AppsFlyer\'s 1 KB payload limit with the user agent']);
  assert.throws(() => toAppsFlyerBody({ appsflyer_id: AF_ID, eventName: 'x', eventValue: { note: 'n'.repeat(1100) } }, appEvent(), ctx()),
    /the event is \d+ bytes as AppsFlyer's JSON, past its 1 KB payload limit: map fewer event parameters \(eventValue holds 1\)/);
  assert.deepEqual(eventValueOf({ af_revenue: '19.99', af_price: ['1', 2], n: null }, ctx()), { af_revenue: 19.99, af_price: [1, 2] });
  assert.throws(() => eventValueOf({ af_revenue: '12,50' }, ctx()), PermanentError);
});

test('requests: one event a request, to api3 with the S2S key in authentication (api2 with a dev key), the app id in the path', () => {
  const payload = { appsflyer_id: AF_ID, eventName: 'af_login', eventValue: '', af_events_api: 'true' };
  const batch: MappedEvent[] = [{ id: 'm-1', event: appEvent(), payload }, { id: 'm-2', event: appEvent(), payload }];
  const requests = appsflyer.send(batch, ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://api3.appsflyer.com/inappevent/id123456789', headers: { authentication: 'S2S-KEY-1', 'content-type': 'application/json', accept: 'application/json' }, body: payload, eventIds: ['m-1'] },
    { method: 'POST', url: 'https://api3.appsflyer.com/inappevent/id123456789', headers: { authentication: 'S2S-KEY-1', 'content-type': 'application/json', accept: 'application/json' }, body: payload, eventIds: ['m-2'] },
  ]);
  assert.equal(eventsUrl(android({ key_type: 'dev_key' })), 'https://api2.appsflyer.com/inappevent/com.example.shop');
  assert.equal(requestFor(batch[0]!, ctx(config({ s2s_key: ' KEY-2 ' }))).headers!.authentication, 'KEY-2');
});

test('classify: every documented answer', () => {
  assert.deepEqual(classifyAppsFlyer(answer(200, 'ok')), { status: 'delivered' });
  assert.deepEqual(classifyAppsFlyer(answer(200, 'OK')), { status: 'delivered' });
  assert.deepEqual(classifyAppsFlyer(answer(200, '')), { status: 'delivered' });
  assert.deepEqual(classifyAppsFlyer(answer(200, 'ok', { 'content-type': 'text/plain' })), { status: 'delivered' });
  assert.deepEqual(whole(classifyAppsFlyer(answer(200, '<!doctype html><html>portal</html>'))).status, 'retry');
  assert.match(whole(classifyAppsFlyer(answer(200, '<!doctype html><html>portal</html>'))).reason!, /HTTP 200 with a web page, not AppsFlyer's "ok"/);
  // Any other 2xx is taken as recorded: AppsFlyer does not deduplicate S2S events, a resend would count the event twice.
  assert.deepEqual(classifyAppsFlyer(answer(200, { code: 200 })), { status: 'delivered' });
  assert.deepEqual(classifyAppsFlyer(answer(202, 'accepted')), { status: 'delivered' });
  assert.deepEqual(classifyAppsFlyer(answer(400, 'appsflyer_id is a mandatory field')), { status: 'dead_letter', reason: 'AppsFlyer refused the event (HTTP 400): appsflyer_id is a mandatory field' });
  assert.deepEqual(classifyAppsFlyer(answer(400, 'Payload is missing or failed to parse')), { status: 'dead_letter', reason: 'AppsFlyer refused the event (HTTP 400): Payload is missing or failed to parse' });
  assert.deepEqual(classifyAppsFlyer(answer(400, 'Bad request')), { status: 'dead_letter', reason: 'AppsFlyer refused the event (HTTP 400): Bad request' });
  assert.match(whole(classifyAppsFlyer(answer(400, 'Failed to Authenticate'))).reason!, /^AppsFlyer refused the key \(HTTP 400, Failed to Authenticate\): config\.s2s_key must be/);
  assert.match(whole(classifyAppsFlyer(answer(400, 'app_id doesn\'t match the authentication token'))).reason!, /^AppsFlyer refused the app id .*config\.app_id must be/);
  assert.match(whole(classifyAppsFlyer(answer(401, 'Unauthorized'))).reason!, /^AppsFlyer refused the key \(HTTP 401, Unauthorized\): config\.s2s_key/);
  assert.equal(whole(classifyAppsFlyer(answer(401, 'Unauthorized'))).status, 'dead_letter');
  assert.match(whole(classifyAppsFlyer(answer(403, 'Forbidden'))).reason!, /"Zero Package"/);
  assert.deepEqual(classifyAppsFlyer(answer(500, 'Internal Server Error')), { status: 'retry', reason: 'AppsFlyer HTTP 500: Internal Server Error' });
  assert.deepEqual(classifyAppsFlyer(answer(503, '', { 'retry-after': '7' })), { status: 'retry', reason: 'AppsFlyer HTTP 503: (no body)', retryAfterMs: 7000 });
  assert.deepEqual(classifyAppsFlyer(answer(429, 'Too Many Requests', { 'retry-after': '2' })), { status: 'retry', reason: 'AppsFlyer rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 2000, throttled: true });
  assert.deepEqual(classifyAppsFlyer(answer(429, 'Too Many Requests')), { status: 'retry', reason: 'AppsFlyer rate limit reached (HTTP 429: Too Many Requests)', throttled: true });
  assert.equal(whole(classifyAppsFlyer(answer(408, ''))).status, 'retry');
  assert.equal(whole(classifyAppsFlyer(answer(404, 'Not Found'))).status, 'dead_letter');
});

test('deletions: an OpenDSR erasure by customer user id with the V2 token; an AppsFlyer id as anonymousId too; none without an id AppsFlyer erases by', () => {
  const forget = appsflyer.forgetPerson!;
  assert.equal(forget.enabled(config()), false, 'no API token: not forwarded');
  assert.equal(forget.enabled(config({ api_token: 'TOKEN-1' })), true);
  const request = forget.request({ userId: 'u-1002', anonymousId: 'F2A6C0DE-1B7E-4D39-9A51-3C1E7B0D5A10' }, ctx(config({ api_token: 'TOKEN-1' }))) as RequestDescriptor;
  const id = subjectRequestId('int-1', 'id123456789', ['customer_user_id:u-1002']);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(request, {
    method: 'POST', url: OPENDSR_URL,
    headers: { authorization: 'Bearer TOKEN-1', 'content-type': 'application/json', accept: 'application/json' },
    body: {
      subject_request_id: id, subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z',
      subject_identities: [{ identity_type: 'customer_user_id', identity_value: 'u-1002', identity_format: 'raw' }],
      api_version: '1.0', property_id: 'id123456789', platform: 'ios',
    },
    eventIds: [],
  });
  assert.deepEqual(forget.request({ userId: 'u-1002', anonymousId: null }, ctx(config({ api_token: 'TOKEN-1' }))), request, 'the same request again: safe to repeat');
  const both = forget.request({ userId: 'u-7', anonymousId: AF_ID }, ctx(android({ api_token: 'TOKEN-1' }))) as RequestDescriptor;
  assert.deepEqual((both.body as JsonObject).subject_identities, [
    { identity_type: 'customer_user_id', identity_value: 'u-7', identity_format: 'raw' },
    { identity_type: 'appsflyer_id', identity_value: AF_ID, identity_format: 'raw' },
  ]);
  assert.equal((both.body as JsonObject).platform, 'android');
  assert.deepEqual(forget.request({ userId: null, anonymousId: 'df_visitor' }, ctx(config({ api_token: 'TOKEN-1' }))), { skipped: NO_APPSFLYER_IDENTITY });
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx(config({ api_token: 'TOKEN-1' }))), { skipped: NO_APPSFLYER_IDENTITY });
});

test('deletions: the subject_request_id is the deletion\'s (ctx.deletionId): the same on every try of it, another when the person is deleted again', () => {
  const forget = appsflyer.forgetPerson!;
  const person = { userId: 'u-1002', anonymousId: null };
  const idOf = (deletionId: string, now = NOW) => ((forget.request(person, { ...ctx(config({ api_token: 'TOKEN-1' })), deletionId, now }) as RequestDescriptor).body as JsonObject).subject_request_id;
  const first = idOf('6f1d2c3b-0000-4000-8000-000000000001');
  assert.match(String(first), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID v4, as OpenDSR asks');
  assert.equal(idOf('6f1d2c3b-0000-4000-8000-000000000001', NOW + 6 * 3_600_000), first, 'a try hours later: the same request (e213 "already exists" is a resend)');
  assert.notEqual(idOf('6f1d2c3b-0000-4000-8000-000000000002', NOW + 40 * 86_400_000), first, 'the person deleted again weeks later: a new request');
  assert.equal(first, subjectRequestId('int-1', 'id123456789', ['customer_user_id:u-1002'], '6f1d2c3b-0000-4000-8000-000000000001'));
});

test('deletions: OpenDSR\'s answers', () => {
  assert.deepEqual(readOpendsr(answer(201, { subject_request_id: 'a7551968', expected_completion_time: '2026-12-31T12:00:00Z' })), { done: true, message: 'AppsFlyer accepted the erasure request a7551968 (expected completion 2026-12-31T12:00:00Z)' });
  assert.deepEqual(readOpendsr(answer(400, { error: { code: 400, message: 'Request already exists', af_gdpr_code: 'e213' } })), { done: true, message: 'AppsFlyer has this erasure request already (HTTP 400 e213: Request already exists)' });
  assert.equal('done' in readOpendsr(answer(400, { error: { message: 'One or more subject-identities already exist in an open request', af_gdpr_code: 'e215' } })), true);
  assert.deepEqual(readOpendsr(answer(400, { error: { message: 'Internal problem. Wait 60 mins and try again', af_gdpr_code: 'e511' } })), { retry: 'AppsFlyer\'s OpenDSR API had an internal problem (HTTP 400 e511: Internal problem. Wait 60 mins and try again)', afterSeconds: 3600 });
  assert.match((readOpendsr(answer(401, 'Unauthorized')) as { failed: string }).failed, /config\.api_token must be a V2 API token/);
  assert.match((readOpendsr(answer(400, { error: { message: 'AppID is incorrect or does not belong to your account', af_gdpr_code: 'e411' } })) as { failed: string }).failed, /config\.app_id must be an app of the token's account/);
  assert.match((readOpendsr(answer(400, { error: { message: 'Application platform does not match identity types', af_gdpr_code: 'e319' } })) as { failed: string }).failed, /check config\.platform/);
  assert.deepEqual(readOpendsr(answer(400, { error: { message: 'Invalid identity_type', af_gdpr_code: 'e318' } })), { failed: 'AppsFlyer refused the erasure request (HTTP 400 e318: Invalid identity_type)' });
  assert.equal('retry' in readOpendsr(answer(503, 'unavailable')), true);
  assert.equal('retry' in readOpendsr(answer(429, 'slow down')), true);
});
