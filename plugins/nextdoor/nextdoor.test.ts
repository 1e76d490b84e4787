import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import nextdoor, { TRACK_URL } from './index.ts';
import { classifyNextdoor } from './classify.ts';
import { clickIdOf, NDCLID_COOKIE, NDCLID_DAYS, STAPE_NDCLID_COOKIE } from './click-id.ts';
import { validateNextdoorConfig } from './config.ts';
import { normalizeCustomer } from './customer.ts';
import { fitCustomData, MAX_ORDER_VALUE } from './custom-data.ts';
import { toNextdoorConversion } from './conversion.ts';
import { conversionBody, requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CLICK = '0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f';
const NEWER = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const CONFIG = { access_token: 'nd-access-token-0123456789', data_source_id: 'ds-42' };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: JsonValue | undefined;
  try { json = JSON.parse(body) as JsonValue; } catch { json = undefined; }
  return { status, body, headers, ...(json !== undefined ? { json } : {}) };
};
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-7', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-1', name: 'Running Shoes', price: 24.99, quantity: 3 }] },
  context: {
    ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, cookies: { [NDCLID_COOKIE]: CLICK },
    traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123', first_name: 'Jane', address: { city: 'San Francisco', state: 'California', postal_code: '94103-1234', country: 'United States' } },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/nextdoor/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toNextdoorConversion(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};
const refusal = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  try {
    mapThrough(e, config);
  } catch (error) {
    assert.ok(error instanceof PermanentError, String(error));
    return error.message;
  }
  assert.fail('not refused');
};

test('config: the token (secret) and the Data Source ID required; problems told naming the field', () => {
  const validate = createConfigAjv().compile(nextdoor.config);
  assert.equal(validate(CONFIG), true);
  assert.equal(validate({ data_source_id: 'ds-42' }), false, 'no token');
  assert.equal(validate({ access_token: CONFIG.access_token }), false, 'no data source');
  assert.equal(validate({ ...CONFIG, action_source: 'web' }), false);
  assert.equal(validate({ ...CONFIG, default_country_code: '+1' }), false);
  assert.equal(nextdoor.config.properties.access_token?.secret, true);
  assert.deepEqual(validateNextdoorConfig(CONFIG), []);
  assert.deepEqual(validateNextdoorConfig({ ...CONFIG, access_token: 'Bearer nd-access-token' }), [{ field: 'access_token', message: 'starts with "Bearer ": give the access token alone, Signal adds the prefix' }]);
  assert.deepEqual(validateNextdoorConfig({ access_token: 'ds-42-pasted', data_source_id: 'ds-42-pasted' }).map((p) => p.field), ['access_token']);
  assert.deepEqual(validateNextdoorConfig({ ...CONFIG, event_names: { 'Demo Requested': 'Lead Form' } }), [{ field: 'event_names', message: 'gives "Lead Form" for "Demo Requested": Nextdoor takes purchase, lead, sign_up, add_to_cart, initiate_checkout, page_view, search, view_content, add_to_wishlist, subscribe or custom_conversion_1 … custom_conversion_10 (lower case)' }]);
  assert.deepEqual(validateNextdoorConfig({ ...CONFIG, event_names: { 'Demo Requested': 'custom_conversion_10', 'page:Pricing': 'view_content' } }), []);
  assert.deepEqual(validateNextdoorConfig({ ...CONFIG, event_names: { 'Demo Requested ': 'lead' } }).map((p) => p.field), ['event_names']);
});

test('the plugin declares Signal\'s own click-id cookie for 7 days, reads Stape\'s, advertising consent, Nextdoor\'s rate limit, one conversion a request, no deletions', () => {
  assert.deepEqual(nextdoor.clickIds, [{ param: 'ndclid', cookie: '_dfndclid', days: 7 }]);
  assert.equal(NDCLID_DAYS, 7);
  assert.deepEqual(nextdoor.cookies, ['_dfndclid', '_ndclid']);
  assert.ok(!nextdoor.clickIds?.some((c) => c.cookie === STAPE_NDCLID_COOKIE), 'Stape\'s cookie is read, never written');
  assert.deepEqual(nextdoor.consent, ['advertising']);
  assert.ok(nextdoor.rateLimit.rps * 60 + (nextdoor.rateLimit.burst ?? 0) <= 100, '100 requests a minute');
  assert.equal(nextdoor.batch.maxEvents, 1);
  assert.equal(nextdoor.forgetPerson, undefined, 'Nextdoor has no deletion API');
});

test('click ids: URL-safe text; placeholders and the parameter\'s own name are none', () => {
  assert.equal(clickIdOf(` ${CLICK} `), CLICK);
  for (const value of ['undefined', 'null', 'ndclid', 'has space', '', 42]) assert.equal(clickIdOf(value), undefined, String(value));
});

test('customer: hashed as Nextdoor documents (lower case, E.164 phones, US ZIP by 5 digits, codes for state and country); IP and user agent in clear', () => {
  const { fields, unusable } = normalizeCustomer({
    email: ' Jane.Doe@Example.com ', phone_number: '+1 (415) 555-0123', first_name: ' Jane ', last_name: "O'Neil", gender: 'Female', date_of_birth: '1990-01-15',
    street_address: ' 123  Main St ', city: 'San Francisco', state: 'California', zip_code: '94103-1234', country: 'United States', external_id: 'User-7',
    client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', em: 'jane@example.com',
  });
  assert.deepEqual(fields, {
    email: sha('jane.doe@example.com'), phone_number: sha('+14155550123'), first_name: sha('jane'), last_name: sha('oneil'), gender: sha('f'), date_of_birth: sha('19900115'),
    street_address: sha('123 main st'), city: sha('sanfrancisco'), state: sha('ca'), zip_code: sha('94103'), country: sha('us'), external_id: sha('user-7'),
    client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0',
  });
  assert.deepEqual(unusable, ['em'], 'a key Nextdoor does not take is left out');
  assert.equal(normalizeCustomer({ email: sha('jane@example.com').toUpperCase() }).fields.email, sha('jane@example.com'), 'hashed already: not hashed twice');
});

test('phones: a 10-digit national number without default_country_code is dropped and warned, not guessed; with it, E.164', () => {
  const national = event({ context: { ...event().context, traits: { phone: '(415) 555-0123' } } } as Partial<CanonicalEvent>);
  const dropped = mapThrough(national);
  assert.equal((dropped.payload?.customer as JsonObject).phone_number, undefined);
  assert.deepEqual(dropped.warnings, ['customer.phone_number left out: not a number in E.164 (+14155550123), and without config.default_country_code a number written without its country code is not guessed']);
  const kept = mapThrough(national, { ...CONFIG, default_country_code: '1' });
  assert.equal((kept.payload?.customer as JsonObject).phone_number, sha('+14155550123'));
  assert.deepEqual(kept.warnings, []);
});

test('mapping: the documented purchase (event id, epoch seconds, website URL, hashed customer, click id, order value as USD74.97, order id, products)', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, {
    event_name: 'purchase', event_id: 'm-1', event_time_epoch: Date.parse('2026-12-01T11:00:00Z') / 1000, action_source: 'website', action_source_url: 'https://shop.example.com/thanks',
    customer: {
      external_id: sha('user-7'), email: sha('jane.doe@example.com'), phone_number: sha('+14155550123'), first_name: sha('jane'), city: sha('sanfrancisco'), state: sha('ca'),
      zip_code: sha('94103'), country: sha('us'), client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', click_id: CLICK,
    },
    custom: { order_value: 'USD74.97', order_id: 'ORD-1', product_context: [{ id: 'SKU-1', content_name: 'Running Shoes', quantity: 3, item_price: 24.99 }] },
  });
  assert.deepEqual(warnings, []);
});

test('mapping: Segment\'s spec events and page calls as Nextdoor\'s standard events; the config names others (custom conversions) and overrides', () => {
  const cases: Array<[string, string]> = [
    ['Product Viewed', 'view_content'], ['Products Searched', 'search'], ['Product Added', 'add_to_cart'], ['Product Added to Wishlist', 'add_to_wishlist'],
    ['Checkout Started', 'initiate_checkout'], ['Order Completed', 'purchase'], ['Signed Up', 'sign_up'], ['Lead Generated', 'lead'], ['Subscription Started', 'subscribe'],
  ];
  for (const [segment, name] of cases) assert.equal(mapThrough(event({ event: segment, properties: {} })).payload?.event_name, name, segment);
  assert.equal(mapThrough(event({ type: 'page', event: undefined, properties: {} } as Partial<CanonicalEvent>)).payload?.event_name, 'page_view');
  const added = mapThrough(event({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'GBP' } })).payload;
  assert.deepEqual(added?.custom, { order_value: 'GBP49.98', product_context: [{ id: 'SKU-1', quantity: 2, item_price: 24.99 }] }, 'price × quantity as the value');
  const demo = event({ event: 'Demo Requested', properties: { value: 50, currency: 'USD' } });
  const skipped = mapThrough(demo);
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"Demo Requested" not sent to Nextdoor: no Nextdoor event for it (name one in config.event_names, e.g. {"Demo Requested": "lead"})']);
  assert.deepEqual(mapThrough(demo, { ...CONFIG, event_names: { 'Demo Requested': 'custom_conversion_3' } }).payload?.custom, { order_value: 'USD50' });
  assert.equal(mapThrough(demo, { ...CONFIG, event_names: { 'Demo Requested': 'custom_conversion_3' } }).payload?.event_name, 'custom_conversion_3');
  assert.equal(mapThrough(event(), { ...CONFIG, event_names: { 'Order Completed': 'custom_conversion_1' } }).payload?.event_name, 'custom_conversion_1');
  assert.equal(blueprint.mapEvent(event({ type: 'identify', event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, 'identify is no conversion');
});

test('mapping: the landing URL\'s ndclid before Signal\'s cookie, Signal\'s before Stape\'s _ndclid; placeholders are no click id', () => {
  const landing = event({ context: { page: { url: `https://shop.example.com/?utm_source=nextdoor&ndclid=${NEWER}` }, cookies: { [NDCLID_COOKIE]: CLICK } } } as Partial<CanonicalEvent>);
  assert.equal((mapThrough(landing).payload?.customer as JsonObject).click_id, NEWER);
  const stape = event({ context: { page: { url: 'https://shop.example.com/thanks' }, cookies: { [STAPE_NDCLID_COOKIE]: NEWER } } } as Partial<CanonicalEvent>);
  assert.equal((mapThrough(stape).payload?.customer as JsonObject).click_id, NEWER, 'Stape\'s cookie read as a fallback');
  const both = event({ context: { page: { url: 'https://shop.example.com/thanks' }, cookies: { [NDCLID_COOKIE]: CLICK, [STAPE_NDCLID_COOKIE]: NEWER } } } as Partial<CanonicalEvent>);
  assert.equal((mapThrough(both).payload?.customer as JsonObject).click_id, CLICK, 'Signal\'s own cookie first');
  const placeholder = event({ context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/?ndclid=undefined' }, cookies: { [NDCLID_COOKIE]: 'null' } } } as Partial<CanonicalEvent>);
  assert.equal((mapThrough(placeholder).payload?.customer as JsonObject).click_id, undefined);
});

test('mapping: a blueprint revision mapping Nextdoor\'s own customer.click_id sends it as the click id, not left out as unusable', () => {
  const warnings: string[] = [];
  const revised = toNextdoorConversion({ event_name: 'lead', action_source_url: 'https://x.example/', customer: { click_id: ` ${CLICK} `, email: 'a@b.co' } }, event({ context: { page: { url: 'https://x.example/' } } } as Partial<CanonicalEvent>), ctx(CONFIG, warnings));
  assert.deepEqual(revised?.customer, { email: sha('a@b.co'), click_id: CLICK });
  assert.deepEqual(warnings, []);
  const only = toNextdoorConversion({ event_name: 'lead', action_source_url: 'https://x.example/', customer: { click_id: CLICK } }, event({ context: { page: { url: 'https://x.example/' } } } as Partial<CanonicalEvent>), ctx());
  assert.deepEqual(only?.customer, { click_id: CLICK }, 'a click id alone is something to match on');
  const landing = toNextdoorConversion({ event_name: 'lead', action_source_url: 'https://x.example/', customer: { click_id: CLICK } }, event({ context: { page: { url: `https://x.example/?ndclid=${NEWER}` } } } as Partial<CanonicalEvent>), ctx());
  assert.equal((landing?.customer as JsonObject).click_id, NEWER, 'the landing URL\'s newer click first');
});

test('order values: a huge one refused with the reason, not sent; a negative one too; a purchase without any currency refused, another event\'s left out; the default currency', () => {
  const huge = refusal(event({ properties: { order_id: 'O', revenue: 5e15, currency: 'USD' } }));
  assert.equal(huge, 'the order value 5000000000000000 is beyond what Nextdoor takes (under 1e+12): not sent — a price in cents or micro-units, or an id mapped as the value? Check the blueprint\'s custom.value');
  assert.match(refusal(event({ properties: { revenue: 1e21, currency: 'USD' } })) ?? '', /beyond what Nextdoor takes/);
  assert.match(refusal(event({ properties: { revenue: -5, currency: 'USD' } })) ?? '', /^Nextdoor takes an order value of 0 or more/);
  assert.equal(refusal(event({ properties: { revenue: 20 } })), 'the order value 20 has no currency, and Nextdoor takes it only with one (USD123.45): send properties.currency, or set config.default_currency');
  assert.equal((mapThrough(event({ properties: { revenue: 20 } }), { ...CONFIG, default_currency: 'eur' }).payload?.custom as JsonObject).order_value, 'EUR20');
  const cart = mapThrough(event({ event: 'Product Added', properties: { product_id: 'S', price: 5 } }));
  assert.deepEqual(cart.payload?.custom, { product_context: [{ id: 'S', quantity: 1, item_price: 5 }] });
  assert.match(cart.warnings[0] ?? '', /^custom\.order_value left out: the order value 5 has no currency/);
  assert.equal((mapThrough(event({ properties: { revenue: 0.1 + 0.2, currency: 'USD' } })).payload?.custom as JsonObject).order_value, 'USD0.3');
  assert.equal(fitCustomData({ value: MAX_ORDER_VALUE - 0.01, currency: 'JPY' }, { eventName: 'purchase', warn: () => {} })?.order_value, 'JPY999999999999.99');
  const warnings: string[] = [];
  assert.equal(fitCustomData({}, { eventName: 'purchase', warn: (m) => warnings.push(m) }), undefined);
  assert.deepEqual(warnings, ['purchase sent without an order value: Nextdoor asks one of every purchase (map properties.revenue, total or value with a currency)']);
  assert.deepEqual(fitCustomData({ delivery_category: 'Home_Delivery', order_id: 7 }, { eventName: 'lead', warn: () => {} }), { order_id: '7', delivery_category: 'home_delivery' });
  assert.throws(() => fitCustomData({ value: 5, currency: '$' }, { eventName: 'purchase', warn: () => {} }), /ISO 4217/);
});

test('mapping: refusals Nextdoor would answer with a 400 — a website event without its page URL, nothing to match on, an event name it does not take', () => {
  const server = event({ context: { ip: '203.0.113.42' } } as Partial<CanonicalEvent>);
  assert.match(refusal(server) ?? '', /^Nextdoor requires the page URL \(action_source_url, http or https\) of a website event, and "Order Completed" has none/);
  assert.equal(mapThrough(server, { ...CONFIG, action_source: 'system_generated' }).payload?.action_source, 'system_generated', 'another action source needs no URL');
  const nobody = event({ userId: undefined, context: { page: { url: 'https://shop.example.com/thanks' } } } as Partial<CanonicalEvent>);
  assert.match(refusal(nobody) ?? '', /^Nextdoor cannot match "Order Completed" to anyone/);
  const wrong = toNextdoorConversion.bind(null, { event_name: 'Purchased', action_source_url: 'https://x.example/', customer: { client_ip_address: '203.0.113.42' } });
  assert.throws(() => wrong(event(), ctx()), /^PermanentError: Nextdoor has no event "Purchased"/);
  const spelled = toNextdoorConversion({ event_name: 'Add to Cart', action_source_url: 'https://x.example/', customer: { client_ip_address: '203.0.113.42' } }, event({ event: 'Added' }), ctx());
  assert.equal(spelled?.event_name, 'add_to_cart', 'Nextdoor\'s display name read as its event name');
  assert.throws(() => toNextdoorConversion({ event_name: 'lead', action_source: 'web', customer: { email: 'a@b.co' } }, event(), ctx()), /no action_source "web"/);
});

test('mapping: a time ahead of Signal\'s clock is sent as now; a mapped event id kept unless a placeholder; app events carry their app', () => {
  const ahead = mapThrough(event({ timestamp: '2026-12-01T13:00:00.000Z' })).payload;
  assert.equal(ahead?.event_time_epoch, NOW / 1000);
  const mapped = toNextdoorConversion({ event_name: 'lead', event_id: 'lead-9', action_source_url: 'https://x.example/', customer: { email: 'a@b.co' } }, event(), ctx());
  assert.equal(mapped?.event_id, 'lead-9');
  const placeholder = toNextdoorConversion({ event_name: 'lead', event_id: 'undefined', action_source_url: 'https://x.example/', customer: { email: 'a@b.co' } }, event(), ctx());
  assert.equal(placeholder?.event_id, 'm-1');
  const app = toNextdoorConversion({ event_name: 'purchase', action_source: 'APP', app: { app_id: 'com.example.shop', platform: 'iOS', app_tracking_enabled: true, app_version: '2.0.0', extra: 'x' }, customer: { email: 'a@b.co' } }, event(), ctx());
  assert.deepEqual(app?.app, { app_id: 'com.example.shop', app_tracking_enabled: true, platform: 'ios', app_version: '2.0.0' });
  assert.equal(app?.action_source, 'app');
  const mobile = event({ context: { ip: '203.0.113.42', app: { name: 'Shop', version: '3.1.0', build: '310', namespace: 'com.example.shop' }, os: { name: 'Android', version: '14' }, device: { adTrackingEnabled: false } } } as Partial<CanonicalEvent>);
  assert.deepEqual(mapThrough(mobile, { ...CONFIG, action_source: 'app' }).payload?.app, { app_id: 'com.example.shop', app_tracking_enabled: false, platform: 'android', app_version: '3.1.0' }, 'the default blueprint maps a mobile SDK\'s app, OS and device');
  assert.equal(mapThrough(event()).payload?.app, undefined, 'a website event carries no app');
});

test('requests: one POST a conversion to conversions/track with the Bearer token, the Data Source ID, Signal as partner; test and restricted-data-usage flags', () => {
  const mapped: MappedEvent[] = [
    { id: 'm-1', event: event(), payload: { event_name: 'purchase', event_id: 'm-1' } },
    { id: 'm-2', event: event(), payload: { event_name: 'lead', event_id: 'm-2' } },
  ];
  const requests = requestsFor(mapped, ctx({ ...CONFIG, data_source_id: ' ds-42 ' }));
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0], {
    method: 'POST', url: 'https://ads.nextdoor.com/v2/api/conversions/track', eventIds: ['m-1'],
    headers: { authorization: 'Bearer nd-access-token-0123456789', 'content-type': 'application/json', accept: 'application/json' },
    body: { event_name: 'purchase', event_id: 'm-1', data_source_id: 'ds-42', partner_id: 'signal' },
  });
  assert.equal(TRACK_URL, requests[1]?.url);
  assert.deepEqual(conversionBody({ event_name: 'lead' }, { ...CONFIG, test_event: true, restricted_data_usage: true }), {
    event_name: 'lead', data_source_id: 'ds-42', partner_id: 'signal', test_event: 'true', restricted_data_usage: 1, restricted_data_usage_country: 1,
  });
  assert.deepEqual(conversionBody({ event_name: 'lead' }, CONFIG, true), {
    event_name: 'lead', data_source_id: 'ds-42', partner_id: 'signal', restricted_data_usage: 1, restricted_data_usage_country: 1,
  }, 'a visitor\'s Global Privacy Control restricts their conversion (SIGNAL_GPC=restrict)');
});

test('classify: 2xx delivered (a web page retried); 429 throttled after Retry-After; 5xx retried; 401, 403 and 400 dead-lettered naming what to check', () => {
  assert.deepEqual(classifyNextdoor(answer(200, '{}')), { status: 'delivered' });
  assert.deepEqual(classifyNextdoor(answer(204)), { status: 'delivered' });
  assert.equal(whole(classifyNextdoor(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>'))).status, 'retry');
  const limited = whole(classifyNextdoor(answer(429, '{"message":"Too Many Requests"}', { 'retry-after': '7' })));
  assert.equal(limited.status, 'retry');
  assert.equal(limited.throttled, true);
  assert.equal(limited.retryAfterMs, 7000);
  assert.equal(whole(classifyNextdoor(answer(503, 'Service Unavailable'))).status, 'retry');
  const token = whole(classifyNextdoor(answer(401, '{"message":"Invalid token"}')));
  assert.equal(token.status, 'dead_letter');
  assert.match(token.reason ?? '', /^Nextdoor refused the access token \(HTTP 401: Invalid token\): Nextdoor's tokens expire after a year, .*config\.access_token/);
  assert.match(whole(classifyNextdoor(answer(403, 'Forbidden'))).reason ?? '', /config\.data_source_id/);
  assert.deepEqual(classifyNextdoor(answer(400, '{"errors":["event_name is invalid"]}')), { status: 'dead_letter', reason: 'Nextdoor refused the conversion (HTTP 400: ["event_name is invalid"])' });
  assert.deepEqual(classifyNextdoor(answer(400, '')), { status: 'dead_letter', reason: 'Nextdoor refused the conversion (HTTP 400: (no body))' });
  assert.equal(whole(classifyNextdoor(answer(404, 'Not Found'))).status, 'dead_letter');
});
