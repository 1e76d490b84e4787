import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import quora, { CONVERSION_URL } from './index.ts';
import { classifyQuora } from './classify.ts';
import { clickIdOf, PIXEL_QCLID_COOKIE, QCLID_COOKIE, STAPE_QCLID_COOKIE } from './click-id.ts';
import { validateQuoraConfig } from './config.ts';
import { toQuoraConversion } from './conversion.ts';
import { requestsFor } from './requests.ts';
import { hashedQuoraEmail, normalizeQuoraEmail, quoraDevice, quoraUser } from './user-data.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CLICK = '0|212106239366182|0';
const NEWER = '0|998877665544332|0';
const CONFIG = { access_token: 'quora-access-token-0123456789', account_id: '527745581653587' };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
/** A whole-request outcome (the plugin never answers per event: one conversion a request). */
const outcome = (response: VendorResponse) => classifyQuora(response) as Extract<Classification, { status: string }> & { reason?: string };
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: JsonValue | undefined;
  try { json = JSON.parse(body) as JsonValue; } catch { json = undefined; }
  return { status, body, headers, ...(json !== undefined ? { json } : {}) };
};

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-7', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-1', price: 24.99, quantity: 3 }] },
  context: {
    ip: '203.0.113.42', userAgent: 'Mozilla/5.0', locale: 'en-US', page: { url: 'https://shop.example.com/thanks', referrer: 'https://www.quora.com/' }, cookies: { [QCLID_COOKIE]: CLICK },
    traits: { email: ' John.Doe+shop@Gmail.com ', phone: '+1 (415) 555-0123', first_name: 'John', title: 'CTO', company: { name: 'Acme' }, address: { city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'United States' } },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/quora/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toQuoraConversion(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
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

test('config: the token (secret) and the account id required; problems told naming the field', () => {
  const validate = createConfigAjv().compile(quora.config);
  assert.equal(validate(CONFIG), true);
  assert.equal(validate({ account_id: CONFIG.account_id }), false, 'no token');
  assert.equal(validate({ access_token: CONFIG.access_token }), false, 'no account');
  assert.equal(validate({ ...CONFIG, account_id: 'acct-1' }), false, 'digits only');
  assert.equal(validate({ ...CONFIG, account_currency: 'US$' }), false);
  assert.equal(quora.config.properties.access_token?.secret, true);
  assert.deepEqual(validateQuoraConfig(CONFIG), []);
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, access_token: 'Bearer quora-token' }), [{ field: 'access_token', message: 'starts with "Bearer ": give the access token alone, Signal adds the prefix' }]);
  assert.deepEqual(validateQuoraConfig({ access_token: '527745581653587', account_id: '527745581653587' }).map((p) => p.field), ['access_token']);
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, account_id: '9999999999999999' }).map((p) => p.field), ['account_id']);
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, event_names: { 'Demo Requested': 'Lead' } }), [{ field: 'event_names', message: 'gives "Lead" for "Demo Requested": Quora takes Generic, AppInstall, Purchase, GenerateLead, CompleteRegistration, AddPaymentInfo, AddToCart, AddToWishlist, InitiateCheckout, Search, ViewContent (as written)' }]);
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, event_names: { 'Demo Requested': 'GenerateLead', page: 'Generic' } }), []);
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, event_names: { 'Demo Requested ': 'GenerateLead' } }).map((p) => p.field), ['event_names']);
  // Quora's own server-side tag sends product views as ViewContent: a config may name it.
  assert.deepEqual(validateQuoraConfig({ ...CONFIG, event_names: { 'Product Viewed': 'ViewContent' } }), []);
});

test('the plugin declares Signal\'s own click-id cookie for 28 days, reads the Pixel\'s and Stape\'s, advertising consent, Quora\'s rate limit, one conversion a request, no deletions', () => {
  assert.deepEqual(quora.clickIds, [{ param: 'qclid', cookie: '_dfqclid', days: 28 }]);
  assert.deepEqual(quora.cookies, ['_dfqclid', 'quora_qclid', 'qclid']);
  assert.ok(!quora.clickIds?.some((c) => c.cookie === PIXEL_QCLID_COOKIE || c.cookie === STAPE_QCLID_COOKIE), 'other tools\' cookies are read, never written');
  assert.deepEqual(quora.consent, ['advertising']);
  assert.ok(quora.rateLimit.rps * 60 + (quora.rateLimit.burst ?? 0) <= 1000, '1,000 events a minute');
  assert.equal(quora.batch.maxEvents, 1);
  assert.equal(quora.forgetPerson, undefined, 'Quora has no deletion API');
});

test('Order Completed through the blueprint: the documented conversion, the email normalised and hashed, contact fields without documented hashing left out', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, {
    conversion: { event_name: 'Purchase', timestamp: Date.parse('2026-12-01T11:00:00.000Z') * 1000, event_id: 'm-1', click_id: CLICK, value: 74.97 },
    user: { email: sha('johndoe@gmail.com'), ip: '203.0.113.42', country: 'US', region: 'CA', city: 'San Francisco', postal_code: '94103', company_name: 'Acme', job_title: 'CTO' },
    device: { user_agent: 'Mozilla/5.0', referer: 'https://www.quora.com/', language: 'en-US' },
  });
  assert.deepEqual(warnings, []);
  const [request] = requestsFor([{ id: 'm-1', event: event(), payload: payload! }], ctx());
  assert.equal(request?.url, CONVERSION_URL);
  assert.equal(CONVERSION_URL, 'https://api.quora.com/ads/v0/conversion');
  assert.equal(request?.method, 'POST');
  assert.equal(request?.headers?.authorization, `Bearer ${CONFIG.access_token}`);
  assert.deepEqual(request?.eventIds, ['m-1']);
  assert.equal((request?.body as JsonObject).account_id, 527745581653587, 'a JSON number');
});

test('each Segment spec event as its Quora event; page calls and unnamed track events only through config.event_names', () => {
  const names: Record<string, string> = {
    'Products Searched': 'Search', 'Product Added': 'AddToCart', 'Product Added to Wishlist': 'AddToWishlist', 'Checkout Started': 'InitiateCheckout',
    'Payment Info Entered': 'AddPaymentInfo', 'Signed Up': 'CompleteRegistration', 'Lead Generated': 'GenerateLead', 'Application Installed': 'AppInstall',
  };
  for (const [name, quoraEvent] of Object.entries(names)) {
    const { payload } = mapThrough(event({ event: name, properties: {} }));
    assert.equal((payload?.conversion as JsonObject).event_name, quoraEvent, name);
  }
  const page = event({ type: 'page', event: undefined, properties: {} } as Partial<CanonicalEvent>);
  const unnamed = mapThrough(page);
  assert.equal(unnamed.payload, null, 'page calls not sent unless named');
  assert.match(unnamed.warnings[0] ?? '', /the page call not sent to Quora: no Quora event for it \(name one in config\.event_names, e\.g\. \{"page": "Generic"\}\)/);
  assert.equal(((mapThrough(page, { ...CONFIG, event_names: { page: 'Generic' } }).payload?.conversion) as JsonObject).event_name, 'Generic');
  assert.equal(mapThrough(event({ event: 'Demo Requested', properties: {} })).payload, null);
  const demo = mapThrough(event({ event: 'Demo Requested', properties: { value: 50, currency: 'USD' } }), { ...CONFIG, event_names: { 'Demo Requested': 'GenerateLead' } });
  assert.deepEqual([(demo.payload?.conversion as JsonObject).event_name, (demo.payload?.conversion as JsonObject).value], ['GenerateLead', 50]);
  assert.equal(((mapThrough(event({ event: 'Demo Requested' }), { ...CONFIG, event_names: { 'Demo Requested': 'add to cart' } }).payload?.conversion) as JsonObject).event_name, 'AddToCart', 'Quora\'s spelling');
  assert.equal(mapThrough(event({ event: 'Product Viewed', properties: {} })).payload, null, 'product views only when the config names them');
  assert.equal(((mapThrough(event({ event: 'Product Viewed', properties: {} }), { ...CONFIG, event_names: { 'Product Viewed': 'view content' } }).payload?.conversion) as JsonObject).event_name, 'ViewContent');
  assert.match(refusal(event({ event: 'Demo Requested' }), { ...CONFIG, event_names: { 'Demo Requested': 'Lead' } }), /^Quora has no event "Lead": it takes Generic, AppInstall, /);
  assert.equal(mapThrough(event({ type: 'identify', event: undefined } as Partial<CanonicalEvent>)).payload, null, 'identify not sent');
});

test('the click id: the landing URL\'s qclid first, then Signal\'s cookie, the Pixel\'s, Stape\'s', () => {
  const clickOf = (e: CanonicalEvent) => (mapThrough(e).payload?.conversion as JsonObject).click_id;
  const base = event().context!;
  assert.equal(clickOf(event({ context: { ...base, page: { url: `https://shop.example.com/?qclid=${encodeURIComponent(NEWER)}` } } })), NEWER);
  assert.equal(clickOf(event()), CLICK);
  assert.equal(clickOf(event({ context: { ...base, cookies: { [PIXEL_QCLID_COOKIE]: NEWER, [STAPE_QCLID_COOKIE]: CLICK } } })), NEWER);
  assert.equal(clickOf(event({ context: { ...base, cookies: { [STAPE_QCLID_COOKIE]: CLICK } } })), CLICK);
  assert.equal(clickOf(event({ context: { ...base, cookies: { [QCLID_COOKIE]: 'undefined' } } })), undefined);
  assert.equal(clickIdOf('0%7C212106239366182%7C0'), '0%7C212106239366182%7C0', 'URL-encoded, as Quora takes it too');
  assert.equal(clickIdOf('qclid'), undefined, 'an unexpanded macro');
  assert.equal(clickIdOf('<script>'), undefined);
});

test('email normalisation as Quora documents it; a digest passes; other user and device fields', () => {
  assert.equal(normalizeQuoraEmail(' John.Doe+checkout@Gmail.com '), 'johndoe@gmail.com');
  assert.equal(normalizeQuoraEmail('jane.doe+news@example.com'), 'jane.doe@example.com');
  assert.equal(normalizeQuoraEmail('+tag@example.com'), undefined);
  assert.equal(normalizeQuoraEmail('no address'), undefined);
  assert.equal(hashedQuoraEmail(sha('a@b.co').toUpperCase()), sha('a@b.co'));
  assert.deepEqual(quoraUser({ email: 'nope', ip: '999.1.1.1', phone_number: '+14155550123', name: 'Jane', country: 'Atlantis', city: 'Paris' }), { user: { city: 'Paris' }, left: ['email', 'ip', 'phone_number', 'name', 'country'] });
  assert.deepEqual(quoraDevice({ user_agent: 'UA', referer: 'javascript:alert(1)', mobile_device_id: '00000000-0000-0000-0000-000000000000', os: 'iOS' }), { device: { user_agent: 'UA' }, left: ['referer', 'mobile_device_id', 'os'] });
  const { warnings } = mapThrough(event(), CONFIG);
  assert.deepEqual(warnings, [], 'the blueprint maps no withheld field');
});

test('the value: a number, left out in another currency than the account\'s or when negative; a time ahead as now', () => {
  const value = (props: JsonObject, config: Record<string, JsonValue> = CONFIG) => {
    const { payload, warnings } = mapThrough(event({ properties: props }), config);
    return { value: (payload?.conversion as JsonObject).value, warnings };
  };
  assert.deepEqual(value({ revenue: '12.5', currency: 'EUR' }), { value: 12.5, warnings: [] }, 'no account currency: sent as it is');
  assert.deepEqual(value({ revenue: 12.5, currency: 'EUR' }, { ...CONFIG, account_currency: 'usd' }), { value: undefined, warnings: ['conversion.value 12.5 EUR left out: Quora takes no currency and the account counts in USD (config.account_currency)'] });
  assert.deepEqual(value({ revenue: 12.5, currency: 'usd' }, { ...CONFIG, account_currency: 'USD' }), { value: 12.5, warnings: [] });
  assert.equal(value({ revenue: -3 }).value, undefined);
  // No value mapped: the products' price × quantity, as the other ad plugins count it.
  assert.deepEqual(value({ currency: 'usd', products: [{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }] }), { value: 75.17, warnings: [] });
  const added = (props: JsonObject) => (mapThrough(event({ event: 'Product Added', properties: props })).payload?.conversion as JsonObject).value;
  assert.equal(added({ price: 24.99, quantity: 3, currency: 'USD' }), 74.97, 'a product added three times is worth three prices');
  assert.equal(added({ price: 24.99 }), 24.99, 'quantity 1 when absent');
  assert.equal(added({ value: 50, price: 24.99, quantity: 3 }), 50, 'a mapped value first');
  assert.equal('products' in (mapThrough(event()).payload ?? {}), false, 'the products are never sent');
  assert.match(blueprint.mapEvent(event({ properties: { revenue: 5, currency: '$' } })).errors[0] ?? '', /^currency is required but currency: "\$" is not an ISO 4217 code/, 'an unreadable currency dead-letters rather than a value counted wrong');
  const ahead = mapThrough(event({ timestamp: '2027-01-01T00:00:00Z' })).payload;
  assert.equal((ahead?.conversion as JsonObject).timestamp, NOW * 1000);
});

test('an event Quora could attribute to no one is dead-lettered with what it needs', () => {
  const message = refusal(event({ context: { traits: { phone: '+14155550123' } } }));
  assert.match(message, /^Quora cannot attribute "Order Completed" to anyone: it needs the click id \(the landing URL's qclid\), an email, the visitor's IP address or a mobile device id/);
  assert.ok(mapThrough(event({ context: { traits: { email: 'a@b.co' } } })).payload, 'an email is enough');
});

test('Quora\'s answers: 200 delivered, 429/5xx/408 retried, 401/403/400 dead-lettered naming what to check', () => {
  assert.deepEqual(classifyQuora(answer(200, 'OK', { 'content-type': 'text/plain' })), { status: 'delivered' });
  assert.deepEqual(classifyQuora(answer(200, '{"status":"OK","warnings":[{"code":"CLICK_ID_MISSING"}]}')), { status: 'delivered' });
  assert.deepEqual(classifyQuora(answer(200, '{"status":"ERROR","error_code":"INVALID_EVENT","error_message":"event_name is invalid"}')), { status: 'dead_letter', reason: 'Quora refused the conversion (HTTP 200, status ERROR: event_name is invalid (INVALID_EVENT))' });
  assert.equal(outcome(answer(200, '<!DOCTYPE html><html><body>portal</body></html>')).status, 'retry');
  // The batch endpoint's shape (one schema summary gives it to the single endpoint too): a refusal in it is no delivery.
  assert.deepEqual(classifyQuora(answer(200, '{"events_received":1,"events_errored":1,"events":[{"status":"ERROR","index":0,"error_code":"INVALID_VALUE","error_message":"value is invalid"}]}')), { status: 'dead_letter', reason: 'Quora refused the conversion (HTTP 200, status ERROR: value is invalid (INVALID_VALUE))' });
  assert.equal(outcome(answer(200, '{"events_received":1,"events_errored":1}')).status, 'dead_letter');
  assert.deepEqual(classifyQuora(answer(200, '{"events_received":1,"events_errored":0,"events":[{"status":"OK","index":0}]}')), { status: 'delivered' });
  assert.deepEqual(classifyQuora(answer(429, 'Too Many Requests', { 'retry-after': '30' })), { status: 'retry', reason: 'Quora rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(classifyQuora(answer(503, '')), { status: 'retry', reason: 'Quora HTTP 503: (no body)' });
  assert.equal(outcome(answer(408)).status, 'retry');
  const unauthorized = outcome(answer(401, '{"message":"Invalid token"}'));
  assert.equal(unauthorized.status, 'dead_letter');
  assert.match(unauthorized.reason ?? '', /^Quora refused the access token \(HTTP 401: Invalid token\): .*config\.access_token/);
  assert.match(outcome(answer(403, 'Forbidden')).reason ?? '', /config\.account_id/);
  assert.deepEqual(classifyQuora(answer(400, '{"message":"timestamp is invalid"}')), { status: 'dead_letter', reason: 'Quora refused the conversion (HTTP 400: timestamp is invalid)' });
  assert.equal(outcome(answer(418, 'teapot')).status, 'dead_letter');
});
