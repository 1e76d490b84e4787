import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import singular, { EVENT_URL_V1, EVENT_URL_V2, GDPR_REQUESTS_URL } from './index.ts';
import { classifySingular } from './classify.ts';
import { singularEventName, validateSingularConfig } from './config.ts';
import { attStatusOf, deviceOf, platformOf } from './device-ids.ts';
import { forgetPerson, NO_USER_ID, readErasureAnswer, subjectRequestId } from './forget-person.ts';
import { requestFor } from './requests.ts';
import { attributesText, toSingularParams } from './singular-event.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const SDK_KEY = 'testcompany_4f2a9c1e';
const API_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const GAID = '38400000-8cf0-11bd-b23e-10b96e40000d';
const ANDROID_ID = '9774d56d682e549c';

const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ sdk_key: SDK_KEY, api_key: API_KEY, ...extra });
let warnings: string[] = [];
const ctx = (cfg: Record<string, JsonValue> = config()): PluginContext => ({
  config: cfg, variant: 'default', integrationId: 'int-1', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const whole = (result: ClassifyResult) => {
  assert.ok(!('perEvent' in result) && !('next' in result), JSON.stringify(result));
  return result as { status: string; reason?: string; retryAfterMs?: number; throttled?: boolean };
};

/** An iOS app's purchase as Segment's iOS SDK sends it. */
const appEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1', anonymousId: 'F2A6C0DE-1B7E-4D39-9A51-3C1E7B0D5A10',
  timestamp: '2026-12-01T11:00:00.250Z', receivedAt: '2026-12-01T11:00:00.400Z',
  properties: { order_id: 'APP-1', revenue: 19.99, currency: 'usd', coupon: 'WINTER', products: [{ product_id: 'P-9', price: 9.99, quantity: 1 }, { product_id: 'P-10', price: 10, quantity: 1 }] },
  context: {
    ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0',
    app: { name: 'Shop', namespace: 'com.example.shop', version: '3.2' },
    device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, manufacturer: 'Apple', model: 'iPhone15,2', type: 'ios' },
    os: { name: 'iOS', version: '17.4' },
  },
  ...overrides,
} as CanonicalEvent);
const androidContext = (device: Record<string, JsonValue> = {}) => ({
  ip: '198.51.100.4', app: { namespace: 'com.example.game' },
  device: { id: ANDROID_ID, advertisingId: GAID, adTrackingEnabled: true, manufacturer: 'Google', type: 'android', ...device }, os: { name: 'Android', version: '14' },
});

const blueprint = () => compileBlueprint(readFileSync(new URL('../../blueprints/singular/default.yaml', import.meta.url), 'utf8'), { config: config() });
const mapThrough = (event: CanonicalEvent, cfg: Record<string, JsonValue> = config()) => {
  const mapped = blueprint().mapEvent(event);
  assert.deepEqual(mapped.errors, [], event.event ?? event.type);
  return mapped.vendorEvent === null ? null : toSingularParams(mapped.vendorEvent as JsonObject, event, ctx(cfg));
};

test('config: the SDK Key (secret) required; app id, screens, event names and the API key optional; problems named by field', () => {
  const validate = createConfigAjv().compile(singular.config);
  assert.equal(validate(config()), true);
  assert.equal(validate({ sdk_key: SDK_KEY }), true);
  assert.equal(validate({ app_id: 'com.example.shop' }), false, 'the SDK Key is required');
  const properties = singular.config.properties as Record<string, { secret?: boolean }>;
  assert.equal(properties.sdk_key!.secret, true);
  assert.equal(properties.api_key!.secret, true);
  assert.deepEqual(validateSingularConfig(config({ app_id: 'com.example.shop', event_names: { 'Order Completed': 'sng_ecommerce_purchase' } })), []);
  assert.deepEqual(validateSingularConfig(config({ app_id: 'id123456789' })).map((p) => p.field), ['app_id']);
  assert.match(validateSingularConfig(config({ app_id: 'My Shop' }))[0]!.message, /bundle id \(iOS\) or package name \(Android\)/);
  const longName = validateSingularConfig(config({ event_names: { 'Order Completed': 'a purchase of the full basket today' } }));
  assert.deepEqual(longName, [{ field: 'event_names', message: 'gives "a purchase of the full basket today" for "Order Completed": Singular takes event names of 1 to 32 ASCII characters' }]);
  assert.equal(validateSingularConfig(config({ event_names: { 'Order Completed': 'Achat réussi' } }))[0]!.field, 'event_names', 'ASCII only');
  assert.equal(validateSingularConfig(config({ event_names: { '': 'x' } }))[0]!.message, 'has an empty event name: name the Signal event (e.g. "Order Completed")');
  assert.deepEqual(validateSingularConfig(config({ sdk_key: 'abc def' })).map((p) => p.field), ['sdk_key']);
  assert.deepEqual(validateSingularConfig(config({ api_key: 'Bearer abc' })).map((p) => p.field), ['api_key']);
  assert.equal(singularEventName('Order Completed', { event_names: { 'Order Completed': ' sng_ecommerce_purchase ' } }), 'sng_ecommerce_purchase');
  assert.equal(singularEventName('Level Up', {}), 'Level Up');
});

test('device ids: the platform from device.type or the OS name; iOS idfa/idfv/ATT, Android aifa/amid/andi, sdid alone to v2', () => {
  assert.equal(platformOf({ type: 'ios' }), 'iOS');
  assert.equal(platformOf({ os: 'iPadOS' }), 'iOS');
  assert.equal(platformOf({ os: 'Android' }), 'Android');
  assert.equal(platformOf({ os: 'Mac OS X' }), undefined);
  assert.deepEqual(deviceOf({ device: { type: 'ios', advertising_id: IDFA.toLowerCase(), id: IDFV.toLowerCase() } }), {
    platform: 'iOS', version: 'v1', ids: [['idfa', IDFA], ['idfv', IDFV], ['att_authorization_status', '3']],
  });
  assert.deepEqual(deviceOf({ device: { type: 'ios', advertising_id: IDFA, ad_tracking_enabled: false, id: IDFV } }), {
    platform: 'iOS', version: 'v1', ids: [['idfv', IDFV], ['att_authorization_status', '0']],
  }, 'no IDFA when ad tracking is off');
  assert.deepEqual(deviceOf({ device: { type: 'ios', advertising_id: '00000000-0000-0000-0000-000000000000', id: IDFV, att_status: 2 } }), {
    platform: 'iOS', version: 'v1', ids: [['idfv', IDFV], ['att_authorization_status', '2']],
  });
  assert.match((deviceOf({ device: { type: 'ios', advertising_id: IDFA } }) as { notSent: string }).notSent, /requires the IDFV of an iOS device/);
  assert.deepEqual(deviceOf({ device: { type: 'android', advertising_id: GAID.toUpperCase(), id: ANDROID_ID.toUpperCase() } }), {
    platform: 'Android', version: 'v1', ids: [['aifa', GAID], ['andi', ANDROID_ID]],
  });
  assert.deepEqual(deviceOf({ device: { os: 'Android', manufacturer: 'Amazon', advertising_id: GAID } }), { platform: 'Android', version: 'v1', ids: [['amid', GAID]] });
  assert.deepEqual(deviceOf({ device: { type: 'android', id: 'a-uuid-not-an-android-id' }, singular: { asid: 'f1e2d3c4-0000-4000-8000-000000000001', oaid: 'oaid-1' } }), {
    platform: 'Android', version: 'v1', ids: [['asid', 'f1e2d3c4-0000-4000-8000-000000000001'], ['oaid', 'oaid-1']],
  });
  assert.match((deviceOf({ device: { type: 'android', advertising_id: GAID, ad_tracking_enabled: false } }) as { notSent: string }).notSent, /Android event by a device id/);
  assert.deepEqual(deviceOf({ device: { type: 'ios', id: IDFV }, singular: { singularDeviceId: 'sdid-1b2c3d' } }), {
    platform: 'iOS', version: 'v2', ids: [['sdid', 'sdid-1b2c3d'], ['att_authorization_status', '0']],
  });
  assert.deepEqual(deviceOf({ device: { type: 'android' }, singular: { sdid: 'null' } }).hasOwnProperty('notSent'), true, 'a placeholder is no sdid');
  assert.match((deviceOf({ device: { os: 'Windows' } }) as { notSent: string }).notSent, /iOS and Android apps/);
  assert.equal(attStatusOf('1', true), '1');
  assert.equal(attStatusOf(7, false), '0');
});

test('mapping: a purchase from the iOS app as a revenue event with every documented param', () => {
  warnings = [];
  assert.deepEqual(mapThrough(appEvent()), {
    n: 'Order Completed', p: 'iOS', i: 'com.example.shop', idfa: IDFA, idfv: IDFV, att_authorization_status: '3', ip: '203.0.113.77', ve: '17.4',
    ua: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0', utime: '1796122800', umilisec: '1796122800250', custom_user_id: 'u-1',
    is_revenue_event: 'true', amt: '19.99', cur: 'USD', purchase_transaction_id: 'APP-1',
    e: '{"order_id":"APP-1","coupon":"WINTER","product_ids":"P-9,P-10"}',
  });
  assert.deepEqual(warnings, []);
  const renamed = mapThrough(appEvent(), config({ app_id: 'com.example.shop.ios', event_names: { 'Order Completed': 'sng_ecommerce_purchase' } }))!;
  assert.equal(renamed.n, 'sng_ecommerce_purchase');
  assert.equal(renamed.i, 'com.example.shop.ios', 'config.app_id wins');
  const free = mapThrough(appEvent({ properties: { order_id: 'FREE-1' } }))!;
  assert.equal(free.is_revenue_event, 'true', 'a revenue event without an amount');
  assert.equal(free.amt, undefined);
  warnings = [];
  const noCurrency = mapThrough(appEvent({ properties: { order_id: 'X', revenue: 5 } }))!;
  assert.deepEqual([noCurrency.is_revenue_event, noCurrency.amt], ['true', undefined]);
  assert.match(warnings[0]!, /^amt left out: Singular needs its currency/);
});

test('mapping: other track events by name with their properties as attributes; Android ids; screens only when asked', () => {
  warnings = [];
  const level = mapThrough(appEvent({ event: 'Level Up', properties: { level: 7, hero: 'Ana', tags: ['a', 'b'], nested: { x: 1 }, email: 'a@b.c' }, context: androidContext() }))!;
  assert.deepEqual(level, {
    n: 'Level Up', p: 'Android', i: 'com.example.game', aifa: GAID, andi: ANDROID_ID, ip: '198.51.100.4', ve: '14',
    utime: '1796122800', umilisec: '1796122800250', custom_user_id: 'u-1', e: '{"level":7,"hero":"Ana","tags":["a","b"]}',
  });
  assert.deepEqual(warnings, ['attributes nested left out: Singular\'s event attributes are text of up to 500 characters, numbers, booleans or lists of them']);
  const paid = mapThrough(appEvent({ event: 'Subscription Renewed', properties: { value: 4.99, currency: 'eur' } }))!;
  assert.deepEqual([paid.is_revenue_event, paid.amt, paid.cur], ['true', '4.99', 'EUR'], 'another event with revenue and currency');

  warnings = [];
  const screen = appEvent({ type: 'screen', event: undefined, name: 'Checkout', properties: { category: 'Shop' } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(screen), null);
  assert.deepEqual(warnings, ['not sent: screen calls are sent only with config.send_screens on']);
  const sent = mapThrough(screen, config({ send_screens: true }))!;
  assert.equal(sent.n, 'Screen Viewed');
  assert.equal(sent.e, '{"screen_name":"Checkout","screen_category":"Shop"}');
  assert.equal(blueprint().mapEvent(appEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>)).vendorEvent, null, 'page calls not sent');
  assert.equal(blueprint().mapEvent(appEvent({ type: 'identify', event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null);
});

test('mapping: events Singular could not attribute are dropped, saying why; a name it cannot take dead-letters the event', () => {
  const dropped = (event: CanonicalEvent, cfg?: Record<string, JsonValue>) => {
    warnings = [];
    assert.equal(mapThrough(event, cfg), null);
    return warnings[0]!;
  };
  assert.match(dropped(appEvent({ context: { ip: '203.0.113.7', app: { namespace: 'com.example.shop' }, page: { url: 'https://shop.example/' }, userAgent: 'Mozilla/5.0' } })), /^not sent: Singular's S2S events here are of iOS and Android apps/);
  assert.match(dropped(appEvent({ context: { ...appEvent().context, ip: '2001:db8::7' } })), /^not sent: Singular requires the device's IPv4 address \(ip\), and this event gives "2001:db8::7"/);
  assert.match(dropped(appEvent({ context: { ...appEvent().context, ip: undefined } })), /gives none \(context\.ip\)/);
  assert.match(dropped(appEvent({ context: { ...appEvent().context, app: { name: 'Shop' } } })), /^not sent: Singular requires the app's bundle id or package name \(i\)/);
  assert.match(dropped(appEvent({ context: { ...appEvent().context, device: { type: 'android', adTrackingEnabled: false, advertisingId: GAID } , os: { name: 'Android' } } })), /Android event by a device id/);
  const v4in6 = mapThrough(appEvent({ context: { ...appEvent().context, ip: '::ffff:203.0.113.9' } }))!;
  assert.equal(v4in6.ip, '203.0.113.9');
  assert.throws(() => mapThrough(appEvent({ event: 'A very long event name that Singular refuses' })), (error: unknown) => error instanceof PermanentError && /1 to 32 ASCII characters.*config\.event_names/.test(error.message));
  assert.throws(() => toSingularParams({ name: 'x', device: { type: 'ios', id: IDFV }, ip: '203.0.113.7', app_id: 'com.a.b', revenue: 'lots', currency: 'USD' }, appEvent(), ctx()), PermanentError);
  const future = toSingularParams({ name: 'x', device: { type: 'ios', id: IDFV }, ip: '203.0.113.7', app_id: 'com.a.b', created_at: NOW + 60_000 }, appEvent(), ctx())!;
  assert.equal(future.umilisec, String(NOW), 'never after the delivery');
  assert.equal(attributesText({ long: 'x'.repeat(501), ok: 1 }, ctx()), '{"ok":1}');
});

test('requests: one form POST per event, the SDK Key as a, to /api/v1/evt, or /api/v2/evt with an sdid', () => {
  const request = requestFor({ id: 'm-1', event: appEvent(), payload: { n: 'Level Up', p: 'Android', i: 'com.example.game', aifa: GAID, ip: '198.51.100.4' } }, ctx());
  assert.deepEqual(request, {
    method: 'POST', url: EVENT_URL_V1, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `a=${SDK_KEY}&n=Level+Up&p=Android&i=com.example.game&aifa=${GAID}&ip=198.51.100.4`, eventIds: ['m-1'],
  });
  assert.equal(EVENT_URL_V1, 'https://s2s.singular.net/api/v1/evt');
  const v2 = requestFor({ id: 'm-2', event: appEvent(), payload: { n: 'Level Up', p: 'iOS', i: 'com.example.game', sdid: 'sdid-1', ip: '198.51.100.4' } }, ctx());
  assert.equal(v2.url, EVENT_URL_V2);
  assert.equal(EVENT_URL_V2, 'https://s2s.singular.net/api/v2/evt');
  const sent = singular.send([{ id: 'a', event: appEvent(), payload: { n: 'x' } }, { id: 'b', event: appEvent(), payload: { n: 'y' } }], ctx()) as RequestDescriptor[];
  assert.deepEqual(sent.map((r) => r.eventIds), [['a'], ['b']]);
});

test('classify: Singular\'s ok delivered; its 200 invalid-parameter error dead-lettered with its reason and what to fix; other errors, 429 and 5xx retried', () => {
  assert.deepEqual(whole(classifySingular(answer(200, { status: 'ok' }))), { status: 'delivered' });
  assert.deepEqual(whole(classifySingular(answer(200, { status: 'error', reason: 'missing argument: a' }))), {
    status: 'dead_letter', reason: 'Singular refused the event: missing argument: a: check config.sdk_key (Developer Tools > SDK Integration > SDK Keys: the SDK Key, not the Reporting API Key)',
  });
  assert.match(whole(classifySingular(answer(200, { status: 'error', reason: 'missing argument: i' }))).reason!, /check config\.app_id/);
  assert.match(whole(classifySingular(answer(200, { status: 'error', reason: 'no device ID supplied' }))).reason!, /the event's device ids/);
  assert.match(whole(classifySingular(answer(200, { status: 'error', reason: 'platform: iOS should have an idfv param' }))).reason!, /^Singular refused the event: platform: iOS should have an idfv param: the event's device ids/);
  assert.match(whole(classifySingular(answer(200, { status: 'error', reason: 'missing argument: ve' }))).reason!, /context\.os\.version/);
  // An error not naming an invalid parameter did not queue the event: another try counts nothing twice.
  assert.deepEqual(whole(classifySingular(answer(200, { status: 'error', reason: 'internal error, try later' }))), { status: 'retry', reason: 'Singular did not queue the event: internal error, try later (not an invalid parameter: tried again)' });
  assert.equal(whole(classifySingular(answer(200, { status: 'error' }))).status, 'retry', 'an error without a reason');
  assert.deepEqual(whole(classifySingular(answer(200, '<!DOCTYPE html><html>Sign in</html>'))).status, 'retry');
  assert.deepEqual(whole(classifySingular(answer(200, ''))), { status: 'delivered' }, 'Singular does not deduplicate: no resend of what may be queued');
  assert.deepEqual(whole(classifySingular(answer(429, 'Too Many Requests', { 'retry-after': '3' }))), { status: 'retry', reason: 'Singular rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 3000, throttled: true });
  assert.deepEqual(whole(classifySingular(answer(502, 'Bad Gateway'))), { status: 'retry', reason: 'Singular HTTP 502: Bad Gateway' });
  assert.match(whole(classifySingular(answer(403, 'Forbidden'))).reason!, /HTTP 403.*config\.sdk_key/);
  assert.deepEqual(whole(classifySingular(answer(404, 'Not Found'))), { status: 'dead_letter', reason: 'Singular refused the event (HTTP 404): Not Found' });
});

test('deletions: an OpenGDPR erasure by user id with the API key; skipped without a userId; answers read', () => {
  assert.equal(forgetPerson.enabled(config()), true);
  assert.equal(forgetPerson.enabled({ sdk_key: SDK_KEY }), false, 'no API key, no forwarding');
  const request = forgetPerson.request({ userId: ' u-1 ', anonymousId: 'anon' }, ctx()) as RequestDescriptor;
  assert.deepEqual(request, {
    method: 'POST', url: GDPR_REQUESTS_URL, headers: { authorization: API_KEY, 'content-type': 'application/json', accept: 'application/json' },
    body: {
      subject_request_id: subjectRequestId('int-1', 'u-1'), subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z',
      subject_identities: [{ identity_type: 'user_id', identity_value: 'u-1', identity_format: 'raw' }],
    },
    eventIds: [],
  });
  assert.equal(GDPR_REQUESTS_URL, 'https://gdpr.singular.net/api/gdpr/requests');
  const deletion1 = '6f1d2c3b-0000-4000-8000-000000000001';
  const idOf = (deletionId: string, now = NOW) => ((forgetPerson.request({ userId: 'u-1', anonymousId: null }, { ...ctx(), deletionId, now }) as RequestDescriptor).body as { subject_request_id: string }).subject_request_id;
  assert.match(idOf(deletion1), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(idOf(deletion1), subjectRequestId('int-1', 'u-1', deletion1));
  assert.equal(idOf(deletion1, NOW + 13 * 3_600_000), idOf(deletion1), 'the same request on every try of the deletion, past midnight too');
  assert.notEqual(subjectRequestId('int-1', 'u-1', deletion1), subjectRequestId('int-1', 'u-2', deletion1));
  // The person deleted again (they came back): a new request, not a resend Singular says it has.
  assert.notEqual(idOf('6f1d2c3b-0000-4000-8000-000000000002', NOW + 30 * 86_400_000), idOf(deletion1));
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'anon' }, ctx()), { skipped: NO_USER_ID });
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()), { skipped: NO_USER_ID });
  assert.deepEqual(readErasureAnswer(answer(201, { subject_request_id: 'a7', expected_completion_time: '2026-12-31T00:00:00Z' })), { done: true, message: 'Singular accepted the erasure request a7 (expected completion 2026-12-31T00:00:00Z)' });
  assert.match((readErasureAnswer(answer(401, { message: 'Invalid API key' })) as { failed: string }).failed, /HTTP 401: Invalid API key.*config\.api_key/);
  assert.ok('done' in readErasureAnswer(answer(400, { error: { message: 'Request already exists' } })));
  assert.deepEqual(readErasureAnswer(answer(400, { message: 'Invalid identity_type' })), { failed: 'Singular refused the erasure request (HTTP 400: Invalid identity_type)' });
  assert.deepEqual(readErasureAnswer(answer(429, 'slow down', { 'retry-after': '60' })), { retry: 'Singular\'s GDPR API failed (HTTP 429: slow down)', afterSeconds: 60 });
  assert.ok('retry' in readErasureAnswer(answer(503, '')));
});
