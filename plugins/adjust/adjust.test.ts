import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import adjust, { EVENT_URL, FORGET_DEVICE_URL } from './index.ts';
import { toAdjustParams, paramsText } from './adjust-event.ts';
import { classifyAdjust } from './classify.ts';
import { eventKeys, eventTokenFor, validateAdjustConfig } from './config.ts';
import { deviceIdsOf, platformOf } from './device-ids.ts';
import { forgetPerson, NO_ADID, NOT_ADID_CONFIG, readForgetAnswer } from './forget-person.ts';
import { requestFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const APP = '4w565xzmb54d';
const TOKEN = 'v8s5opi0zs45607l8h8c48wak2vxb5oe';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const GAID = '38400000-8cf0-11bd-b23e-10b96e40000d';
const ADID = '18546f6171f67e29d1cb983322ad1329';

const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({
  app_token: APP, event_tokens: { 'Order Completed': 'f0ob4r', 'Signed Up': 'abc123', 'screen:Checkout': 'chk001', page: 'pge001' }, s2s_token: TOKEN, ...extra,
});
const warnings: string[] = [];
const ctx = (cfg: Record<string, JsonValue> = config(), variant = 'default'): PluginContext => ({
  config: cfg, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const whole = (result: ClassifyResult) => {
  assert.ok(!('perEvent' in result) && !('next' in result), JSON.stringify(result));
  return result as { status: string; reason?: string; retryAfterMs?: number; throttled?: boolean };
};

/** An iOS app's purchase as Segment's iOS SDK sends it. */
const appEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1', anonymousId: 'F2A6C0DE-1B7E-4D39-9A51-3C1E7B0D5A10',
  timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.400Z',
  properties: { order_id: 'APP-1', revenue: 19.99, currency: 'usd', coupon: 'WINTER', products: [{ product_id: 'P-9', price: 9.99, quantity: 1 }, { product_id: 'P-10', price: 10, quantity: 1 }] },
  context: {
    ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0',
    device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, manufacturer: 'Apple', model: 'iPhone15,2', type: 'ios' },
    os: { name: 'iOS', version: '17.4' },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/adjust/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, cfg: Record<string, JsonValue> = config()) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toAdjustParams(mapped.vendorEvent as JsonObject, event, ctx(cfg, variant));
};

test('config: an app token, event tokens by Signal event name, the S2S token a secret; problems named by field', () => {
  const validate = createConfigAjv().compile(adjust.config);
  assert.equal(validate(config()), true);
  assert.equal(validate({ app_token: APP, event_tokens: { 'Order Completed': 'f0ob4r' } }), true, 'the S2S token is optional');
  assert.equal(validate({ event_tokens: {} }), false, 'an app token is required');
  assert.equal(validate(config({ environment: 'staging' })), false);
  assert.equal(adjust.config.properties.s2s_token!.secret, true);
  assert.deepEqual(validateAdjustConfig(config()), []);
  assert.deepEqual(validateAdjustConfig(config({ app_token: 'ABC' })), [{ field: 'app_token', message: 'is "ABC": an Adjust app token is 12 lower-case letters and digits (e.g. 4w565xzmb54d), as AppView shows it for your app' }]);
  assert.deepEqual(validateAdjustConfig(config({ event_tokens: {} })).map((p) => p.field), ['event_tokens']);
  assert.deepEqual(validateAdjustConfig(config({ event_tokens: { 'Order Completed': 'Purchase event' } })), [{ field: 'event_tokens', message: 'gives "Purchase event" for "Order Completed": an Adjust event token is the token AppView shows for the event, lower-case letters and digits (e.g. f0ob4r)' }]);
  assert.match(validateAdjustConfig(config({ event_tokens: { ' Signed Up': 'abc123' } }))[0]!.message, /with white space around it/);
  assert.match(validateAdjustConfig(config({ event_tokens: { 'screen: Home': 'abc123' } }))[0]!.message, /screen:<its name>/);
  assert.deepEqual(validateAdjustConfig(config({ s2s_token: `${TOKEN}\n` })), [], 'a trailing newline is trimmed');
  assert.deepEqual(validateAdjustConfig(config({ s2s_token: 'abc def' })).map((p) => p.field), ['s2s_token']);
  assert.deepEqual(validateAdjustConfig(config({ s2s_token: `Bearer ${TOKEN}` })), [{ field: 's2s_token', message: 'starts with "Bearer ": give the S2S Security token alone, Signal adds the prefix' }]);
});

test('event tokens: a track event by its name, screens and pages by screen:<name> then screen; unnamed events have none', () => {
  assert.deepEqual(eventKeys(appEvent({ type: 'screen', name: 'Checkout', event: undefined })), ['screen:Checkout', 'screen']);
  assert.deepEqual(eventKeys(appEvent({ type: 'identify', event: undefined })), []);
  assert.equal(eventTokenFor(appEvent(), config()), 'f0ob4r');
  assert.equal(eventTokenFor(appEvent({ event: 'Order Completed ' }), config()), undefined, 'names match exactly');
  assert.equal(eventTokenFor(appEvent({ type: 'screen', name: 'Checkout', event: undefined }), config()), 'chk001');
  assert.equal(eventTokenFor(appEvent({ type: 'screen', name: 'Home', event: undefined }), config()), undefined, 'no screen token: only screen:Checkout');
  assert.equal(eventTokenFor(appEvent({ type: 'page', name: 'Pricing', event: undefined }), config()), 'pge001', 'page counts every page call');
});

test('device ids: integrations.Adjust first, the advertising id by platform, the IDFV or Android ID, the anonymousId as adid only when configured', () => {
  assert.equal(platformOf({ type: 'ios' }), 'ios');
  assert.equal(platformOf({ os: 'iPadOS' }), 'ios');
  assert.equal(platformOf({ type: 'android', manufacturer: 'Amazon' }), 'amazon');
  assert.equal(platformOf({ type: 'android' }), 'android');
  assert.equal(platformOf({}), 'other');
  assert.deepEqual(deviceIdsOf({ device: { type: 'ios', advertising_id: IDFA.toLowerCase(), id: IDFV } }, false), [['idfa', IDFA], ['idfv', IDFV]]);
  assert.deepEqual(deviceIdsOf({ device: { type: 'android', advertising_id: GAID.toUpperCase(), id: '9774D56D682E549C' } }, false), [['gps_adid', GAID], ['android_id', '9774d56d682e549c']]);
  assert.deepEqual(deviceIdsOf({ device: { type: 'android', manufacturer: 'Amazon', advertising_id: GAID } }, false), [['fire_adid', GAID]]);
  assert.deepEqual(deviceIdsOf({ device: { type: 'ios', advertising_id: IDFA, ad_tracking_enabled: false } }, false), [], 'no IDFA when ad tracking is off');
  assert.deepEqual(deviceIdsOf({ device: { type: 'ios', advertising_id: '00000000-0000-0000-0000-000000000000' } }, false), [], 'the all-zero IDFA names no device');
  assert.deepEqual(deviceIdsOf({ device: { advertising_id: IDFA } }, false), [], 'an advertising id of no known platform');
  assert.deepEqual(deviceIdsOf({ device: { type: 'android', id: 'a1b2c3d4-0000-1111-2222-333344445555' } }, false), [], 'a UUID device id on Android is not the ANDROID_ID');
  assert.deepEqual(deviceIdsOf({ adjust: { adid: ADID, oaid: 'oaid-1', idfa: 'null', gps_adid: 'has space' }, device: { type: 'ios', advertising_id: IDFA } }, false), [['adid', ADID], ['idfa', IDFA], ['oaid', 'oaid-1']], 'placeholders and ids with spaces left out');
  assert.deepEqual(deviceIdsOf({ adjust: { idfa: '00000000-0000-0000-0000-000000000000', adid: ADID }, device: { type: 'ios' } }, false), [['adid', ADID]], 'the all-zero IDFA the Adjust SDK may pass is no device either');
  assert.deepEqual(deviceIdsOf({ adjust: { adid: ADID, idfa: IDFA, gps_adid: GAID, oaid: 'oaid-1' }, device: { type: 'ios', id: IDFV, ad_tracking_enabled: false } }, false), [['adid', ADID], ['idfv', IDFV]], 'ad tracking off: no advertising id from any source; the adid and the IDFV still sent');
  assert.deepEqual(deviceIdsOf({ anonymous_id: ADID.toUpperCase() }, true), [['adid', ADID]]);
  assert.deepEqual(deviceIdsOf({ anonymous_id: ADID }, false), [], 'the anonymousId is never sent unless configured');
  assert.deepEqual(deviceIdsOf({ anonymous_id: 'df_visitor1' }, true), [], 'an anonymousId that is no adid');
});

test('default blueprint: the documented parameters of an iOS purchase; revenue with its currency; the order id as a callback parameter', () => {
  warnings.length = 0;
  assert.deepEqual(mapThrough('default', appEvent()), {
    event_token: 'f0ob4r', idfa: IDFA, idfv: IDFV, created_at_unix: String(Date.parse('2026-12-01T11:00:00Z') / 1000), ip_address: '203.0.113.77',
    revenue: '19.99', currency: 'USD', callback_params: '{"order_id":"APP-1"}',
  });
  assert.deepEqual(warnings, []);
  assert.equal(mapThrough('default', appEvent({ type: 'identify', event: undefined, traits: { email: 'a@example.com' } })), null, 'identify is not an in-app event');
});

test('retail blueprint: Segment\'s Order Completed with revenue, currency, order id, coupon and product ids; the Adjust SDK\'s adid from integrations', () => {
  const params = mapThrough('retail', appEvent({ integrations: { Adjust: { adid: ADID } } }));
  assert.deepEqual(params, {
    event_token: 'f0ob4r', adid: ADID, idfa: IDFA, idfv: IDFV, created_at_unix: '1796122800', ip_address: '203.0.113.77',
    revenue: '19.99', currency: 'USD', callback_params: '{"order_id":"APP-1","coupon":"WINTER","product_ids":"P-9,P-10"}',
  });
  const signedUp = mapThrough('retail', appEvent({ event: 'Signed Up', properties: { method: 'apple' } }));
  assert.deepEqual(signedUp, { event_token: 'abc123', idfa: IDFA, idfv: IDFV, created_at_unix: '1796122800', ip_address: '203.0.113.77', callback_params: '{"method":"apple"}' });
});

test('events not sent say why: no event token for them, no device (a browser\'s event); an IPv6 address and a revenue without currency left out', () => {
  warnings.length = 0;
  assert.equal(mapThrough('default', appEvent({ event: 'Product Viewed' })), null);
  assert.deepEqual(warnings, ['not sent: config.event_tokens names no Adjust event token for "Product Viewed"']);
  warnings.length = 0;
  assert.equal(mapThrough('default', appEvent({ context: { ip: '198.51.100.1', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/' } } })), null);
  assert.match(warnings[0]!, /^not sent: Adjust records an event against a device its SDK knows, and this one names none/);
  warnings.length = 0;
  const params = mapThrough('default', appEvent({ properties: { revenue: 5 }, context: { ip: '2001:db8::42', device: { type: 'ios', advertisingId: IDFA } } }));
  assert.deepEqual(params, { event_token: 'f0ob4r', idfa: IDFA, created_at_unix: '1796122800' });
  assert.deepEqual(warnings, ['ip_address left out: Adjust takes IPv4 addresses only, and this one is "2001:db8::42"', 'revenue left out: Adjust needs its currency (an ISO 4217 code such as EUR), and the event gives nothing']);
});

test('mapping rules: time in whole seconds never after the delivery; revenue refused out of range; a mapped event token checked; parameters as flat text JSON', () => {
  const params = toAdjustParams({ created_at: '2027-01-01T00:00:00Z', device: { type: 'ios', advertising_id: IDFA } }, appEvent(), ctx());
  assert.equal(params!.created_at_unix, String(NOW / 1000), 'a future time is the delivery\'s');
  warnings.length = 0;
  const tiny = toAdjustParams({ created_at: 1796122800.7, device: { type: 'ios', advertising_id: IDFA }, revenue: 1e-7, currency: 'EUR' }, appEvent(), ctx());
  assert.deepEqual(tiny, { event_token: 'f0ob4r', idfa: IDFA, created_at_unix: '1796122800' }, 'Adjust takes revenue from 0.001: the event is sent without it');
  assert.deepEqual(warnings, ['revenue left out: Adjust takes revenue from 0.001, and the event gives 1e-7']);
  warnings.length = 0;
  const free = toAdjustParams({ device: { type: 'ios', advertising_id: IDFA }, revenue: 0, currency: 'EUR' }, appEvent(), ctx());
  assert.deepEqual(free, { event_token: 'f0ob4r', idfa: IDFA, created_at_unix: '1796122800' }, 'a free order is sent as the event alone (no revenue=0 Adjust would refuse)');
  assert.deepEqual(warnings, []);
  assert.equal(toAdjustParams({ device: { type: 'ios', advertising_id: IDFA }, revenue: 0.001, currency: 'EUR' }, appEvent(), ctx())!.revenue, '0.001');
  // Adjust rejects events older than 58 days: dead-lettered with the reason, not sent.
  const old = new Date(NOW - 59 * 24 * 3600 * 1000).toISOString();
  assert.throws(() => toAdjustParams({ created_at: old, device: { type: 'ios', advertising_id: IDFA } }, appEvent(), ctx()), (error: unknown) => error instanceof PermanentError && error.message === `Adjust rejects events older than 58 days, and this one is from ${old}`);
  assert.equal(toAdjustParams({ created_at: new Date(NOW - 57 * 24 * 3600 * 1000).toISOString(), device: { type: 'ios', advertising_id: IDFA } }, appEvent(), ctx())!.created_at_unix, String((NOW - 57 * 24 * 3600 * 1000) / 1000));
  assert.throws(() => toAdjustParams({ device: { type: 'ios', advertising_id: IDFA }, revenue: -1, currency: 'EUR' }, appEvent(), ctx()), (error: unknown) => error instanceof PermanentError && /Adjust takes revenue from 0 to 100,000,000,000; the blueprint mapped -1/.test(error.message));
  assert.throws(() => toAdjustParams({ device: { type: 'ios', advertising_id: IDFA }, revenue: 'ten' }, appEvent(), ctx()), /Adjust takes revenue as a number/);
  assert.throws(() => toAdjustParams({ event_token: 'Purchase!', device: { type: 'ios', advertising_id: IDFA } }, appEvent(), ctx()), /the blueprint mapped event_token "Purchase!"/);
  assert.equal(toAdjustParams({ event_token: 'zz9999', device: { type: 'ios', advertising_id: IDFA } }, appEvent({ event: 'Unnamed' }), ctx())!.event_token, 'zz9999', 'a blueprint may name the token itself');
  assert.equal(paramsText({ order_id: 'A-1', items: 2, paid: true, note: null, empty: '', nested: { a: 1 } }), '{"order_id":"A-1","items":"2","paid":"true","nested":"{\\"a\\":1}"}');
  assert.equal(paramsText({ note: null }), undefined);
  assert.equal(paramsText('text'), undefined);
});

test('request: one event a POST to s2s.adjust.com/event, form parameters, the S2S token as a Bearer token', () => {
  const mapped = { id: 'm-1#2', event: appEvent(), payload: { event_token: 'f0ob4r', idfa: IDFA, created_at_unix: '1796122800', revenue: '19.99', currency: 'USD', callback_params: '{"order_id":"APP-1"}' } };
  const request = requestFor(mapped, ctx());
  assert.deepEqual(request, {
    method: 'POST', url: EVENT_URL,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` },
    body: `s2s=1&app_token=${APP}&event_token=f0ob4r&idfa=${IDFA}&created_at_unix=1796122800&revenue=19.99&currency=USD&callback_params=%7B%22order_id%22%3A%22APP-1%22%7D&environment=production`,
    eventIds: ['m-1#2'],
  });
  assert.equal(EVENT_URL, 'https://s2s.adjust.com/event');
  const sandbox = requestFor(mapped, ctx(config({ s2s_token: '', environment: 'sandbox' })));
  assert.equal(sandbox.headers!.authorization, undefined, 'no token: no Authorization header');
  assert.equal(new URLSearchParams(sandbox.body as string).get('environment'), 'sandbox');
  const requests = adjust.send([mapped, { ...mapped, id: 'm-2' }], ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['m-1#2'], ['m-2']], 'one event a request');
  assert.deepEqual(adjust.batch, { maxEvents: 1, maxBytes: 1_000_000 });
});

test('classify: Adjust\'s OK delivered; its documented errors retried or dead-lettered with its words', () => {
  const error = (status: number, message: string) => whole(classifyAdjust(answer(status, { error: `Event request failed (${message})` })));
  assert.deepEqual(whole(classifyAdjust(answer(200, { status: 'OK' }))), { status: 'delivered' });
  assert.deepEqual(whole(classifyAdjust(answer(200, 'OK'))), { status: 'delivered' });
  assert.deepEqual(whole(classifyAdjust(answer(200, { app_token: '4w565xzmb54d', adid: ADID, timestamp: '2026-12-01T11:00:00.000Z+0000', message: 'Event tracked' }))), { status: 'delivered' }, 'the developer guide\'s tracked answer');
  // Adjust does not deduplicate S2S events: a 2xx that is not a web page is taken as recorded, never retried.
  assert.deepEqual(whole(classifyAdjust(answer(200, { conversion_value: 12 }))), { status: 'delivered' }, 'a JSON answer without error (iOS 14+ conversion value)');
  assert.deepEqual(whole(classifyAdjust(answer(200, ''))), { status: 'delivered' }, 'an empty 200: a retry could record the event twice');
  assert.deepEqual(whole(classifyAdjust(answer(200, { error: { code: 1 } }))).status, 'dead_letter', 'a 2xx with any error is refused');
  assert.deepEqual(whole(classifyAdjust(answer(200, '<!DOCTYPE html><html>Sign in to Wi-Fi</html>'))), { status: 'retry', reason: 'HTTP 200 with a web page, not Adjust\'s answer (a proxy or captive portal in the way?)' });
  assert.deepEqual(whole(classifyAdjust(answer(200, { error: 'Event request failed (Bad event state)' }))), { status: 'dead_letter', reason: 'Adjust refused the event (HTTP 200): Event request failed (Bad event state)' });
  assert.deepEqual(error(400, 'Ignoring event, earlier unique event tracked'), { status: 'delivered' }, 'a unique event Adjust already has');
  assert.deepEqual(error(400, 'Invalid event token'), { status: 'dead_letter', reason: 'Adjust refused the event (HTTP 400): Event request failed (Invalid event token): check config.event_tokens (each event\'s token in AppView > your app > Events, of this app)' });
  assert.match(error(400, 'Invalid app token').reason!, /check config\.app_token/);
  assert.match(error(400, 'Invalid revenue').reason!, /the blueprint's revenue and currency$/);
  assert.match(error(400, 'Bad event state').reason!, /^Adjust refused the event \(HTTP 400\): Event request failed \(Bad event state\)$/);
  assert.match(error(401, 'Failed to authorize request').reason!, /HTTP 401.*check config\.s2s_token/);
  assert.deepEqual(error(403, 'App is inactive'), { status: 'dead_letter', reason: 'Adjust refused the event (HTTP 403): Event request failed (App is inactive)' });
  assert.match(error(403, 'Event token blocklisted').reason!, /check config\.event_tokens/);
  assert.match(error(404, 'App token not found').reason!, /^Adjust refused the event \(HTTP 404\).*check config\.app_token/);
  const unknown = error(404, 'Device not found');
  assert.equal(unknown.status, 'retry', 'Adjust may not know the device yet');
  assert.match(unknown.reason!, /^Adjust does not know this device \(HTTP 404, Event request failed \(Device not found\)\)/);
  assert.match(error(413, 'Request size too large').reason!, /too large \(HTTP 413.*1 MB/);
  assert.match(error(451, 'Device is opted out').reason!, /the device is opted out \(HTTP 451/);
  assert.deepEqual(whole(classifyAdjust(answer(429, 'Too Many Requests', { 'Retry-After': '30' }))), { status: 'retry', reason: 'Adjust rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(error(500, 'Internal error, contact support@adjust.com'), { status: 'retry', reason: 'Adjust HTTP 500: Event request failed (Internal error, contact support@adjust.com)' });
  assert.deepEqual(whole(classifyAdjust(answer(503, '', { 'retry-after': '5' }))), { status: 'retry', reason: 'Adjust HTTP 503: (no body)', retryAfterMs: 5000 });
  assert.equal(whole(classifyAdjust(answer(408, ''))).status, 'retry');
});

test('deletions: a forget request for the adid the anonymousId is, when configured; skipped otherwise, saying why; answers read', () => {
  const on = config({ anonymous_id_is_adid: true });
  assert.equal(forgetPerson.enabled(on), true);
  assert.equal(forgetPerson.enabled(config({ forward_deletions: false })), false);
  const request = forgetPerson.request({ userId: 'u-1', anonymousId: ADID.toUpperCase() }, ctx(on)) as RequestDescriptor;
  assert.deepEqual(request, {
    method: 'POST', url: FORGET_DEVICE_URL, query: [['s2s', '1'], ['app_token', APP], ['adid', ADID]], headers: { authorization: `Bearer ${TOKEN}` }, eventIds: [],
  });
  assert.equal(FORGET_DEVICE_URL, 'https://gdpr.adjust.com/gdpr_forget_device');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: ADID }, ctx(config({ s2s_token: '', anonymous_id_is_adid: true }))), { ...request, headers: {} });
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: ADID }, ctx()), { skipped: NOT_ADID_CONFIG });
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(on)), { skipped: NO_ADID });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_visitor1' }, ctx(on)), { skipped: NO_ADID });
  assert.deepEqual(readForgetAnswer(answer(200, 'OK')), { done: true, message: 'Adjust forgot the device for this app (HTTP 200): its data is deleted and no longer recorded' });
  assert.ok('done' in readForgetAnswer(answer(451, '')));
  assert.deepEqual(readForgetAnswer(answer(400, { error: 'Bad request' })), { failed: 'Adjust refused the deletion (HTTP 400, Bad request): check config.app_token' });
  assert.match((readForgetAnswer(answer(401, '')) as { failed: string }).failed, /config\.s2s_token/);
  assert.deepEqual(readForgetAnswer(answer(429, 'Too Many Requests', { 'retry-after': '60' })), { retry: 'Adjust\'s deletion failed (HTTP 429, Too Many Requests)', afterSeconds: 60 });
  assert.ok('retry' in readForgetAnswer(answer(502, '')));
  assert.deepEqual(readForgetAnswer(answer(404, 'Not Found')), { failed: 'Adjust refused the deletion (HTTP 404, Not Found)' });
});
