import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import fullstory, { validateFullstoryConfig } from './index.ts';
import { CONFIG_SCHEMA, optionsOf } from './config.ts';
import { fitProperties, propertyName } from './fullstory-properties.ts';
import { keyRegion } from './hosts.ts';
import { NO_UID, readDeletion } from './forget-person.ts';

const API_KEY = 'na1.0123456789abcdefABCDEF/o-1A2B3C-na1';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { api_key: API_KEY, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_visitor1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
  ...overrides,
} as CanonicalEvent);
const blueprints = { default: readFileSync(new URL('../../blueprints/fullstory/default.yaml', import.meta.url), 'utf8'), retail: readFileSync(new URL('../../blueprints/fullstory/retail.yaml', import.meta.url), 'utf8') };
function mapped(event: CanonicalEvent, variant: 'default' | 'retail' = 'default'): { payload: JsonObject | null; error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const result = createEventMapper(fullstory, { variant, blueprint: blueprints[variant] }, { ...ctx({}, variant), warn: (m) => warnings.push(m) })(event);
  return { payload: result.payload ?? null, ...(result.error ? { error: result.error } : {}), warnings: [...warnings, ...(result.warnings ?? [])] };
}
const payloadOf = (event: CanonicalEvent, variant: 'default' | 'retail' = 'default'): JsonObject => {
  const result = mapped(event, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'} ${result.warnings.join('; ')}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const asMapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const send = (batch: MappedEvent[], config: Record<string, JsonValue> = {}): RequestDescriptor[] => fullstory.send(batch, ctx(config)) as RequestDescriptor[];
const classify = (response: VendorResponse, request: RequestDescriptor): ClassifyResult => fullstory.classify!(response, request, ctx());
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const eventRequest = (): RequestDescriptor => send([asMapped('m-1', { name: 'Viewed', user: { uid: 'u-1' } })])[0]!;
const userRequest = (): RequestDescriptor => send([asMapped('m-2', { uid: 'u-1', email: 'a@example.com' })])[0]!;

test('default: a track event of a user → Create Event body with the uid, time, properties and browser context', () => {
  const payload = payloadOf(browserEvent({ userId: 'user-1', properties: { method: 'email', plan: { tier: 'pro', seats: 3 }, trial: true, tags: ['a', 'b'], 'Order ID': 'o-9', empty: null } }));
  assert.deepEqual(payload, {
    name: 'Signed Up', timestamp: '2024-03-24T16:00:00.000Z', user: { uid: 'user-1' },
    properties: { utm_source: 'news', method: 'email', plan: { tier: 'pro', seats: 3 }, trial: true, tags: ['a', 'b'], Order_ID: 'o-9' },
    context: { browser: { url: 'https://shop.example.com/signup', user_agent: 'Mozilla/5.0 (Test)', initial_referrer: 'https://www.google.com/' } },
  });
  assert.deepEqual(mapped(browserEvent({ userId: 'user-1', properties: { 'Order ID': 'o-9' } })).warnings, ['properties.Order ID sent as Order_ID: Fullstory property names start with a letter and hold letters, digits and _']);
});

test('default: an event without a userId (or with a placeholder one) is not sent, with a warning saying why', () => {
  for (const userId of [undefined, 'undefined', 'null']) {
    const result = mapped(browserEvent(userId === undefined ? {} : { userId }));
    assert.equal(result.payload, null);
    assert.deepEqual(result.warnings, ['not sent: it has no userId, and Fullstory\'s server API attributes events and properties to a user\'s uid (its browser capture records anonymous visitors itself)']);
  }
  const long = mapped(browserEvent({ userId: 'u'.repeat(257) }));
  assert.equal(long.payload, null);
  assert.match(long.warnings[0]!, /longer than 256 characters/);
});

test('default: page views as Page Viewed, screens as Screen Viewed', () => {
  const page = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'user-1', properties: { url: 'https://shop.example.com/pricing' } } as Partial<CanonicalEvent>));
  assert.equal(page.name, 'Page Viewed');
  assert.deepEqual(page.properties, { utm_source: 'news', url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', page_name: 'Pricing' });
  const screen = payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'user-1', context: {} } as Partial<CanonicalEvent>));
  assert.deepEqual(screen, { name: 'Screen Viewed', timestamp: '2024-03-24T16:00:00.000Z', user: { uid: 'user-1' }, properties: { screen_name: 'Home' } });
});

test('default: identify → Create User body {uid, display_name, email, properties}; a uid alone sent; without a userId not sent', () => {
  const user = payloadOf(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: { name: 'Jane Doe', email: ' jane@example.com ', plan: 'premium', id: 'x', 'Signup Date': '2024-01-01' } } as Partial<CanonicalEvent>));
  assert.deepEqual(user, { uid: 'user-1', display_name: 'Jane Doe', email: 'jane@example.com', properties: { plan: 'premium', Signup_Date: '2024-01-01' } });
  const anonymous = mapped(browserEvent({ type: 'identify', event: undefined, traits: { plan: 'x' } } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload, null);
  const nothing = mapped(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: {} } as Partial<CanonicalEvent>));
  assert.deepEqual(nothing.payload, { uid: 'user-1' }, 'Create User with only a uid is valid: the identified user is created');
  assert.deepEqual(nothing.warnings, []);
});

test('retail: Order Completed (and GA4 purchase) with typed revenue, currency and the products as lists', () => {
  const order = payloadOf(browserEvent({ event: 'purchase', userId: 'user-1', context: {}, properties: { transaction_id: 'T-1', value: '42.5', currency: 'eur', items: [{ item_id: 'sku-1', item_name: 'Shoe', price: 20, quantity: 2 }, { item_id: 'sku-2', item_name: 'Sock', price: 2.5, quantity: 1 }] } }), 'retail');
  assert.equal(order.name, 'Order Completed');
  assert.deepEqual(order.properties, { order_id: 'T-1', revenue: 42.5, currency: 'EUR', product_ids: ['sku-1', 'sku-2'], product_names: ['Shoe', 'Sock'], product_quantities: [2, 1], product_prices: [20, 2.5] });
});

test('properties: names fitted to Fullstory\'s rules; over-long values cut or left out; 500 at most', () => {
  assert.equal(propertyName('plan_name'), 'plan_name');
  assert.equal(propertyName('Order ID'), 'Order_ID');
  assert.equal(propertyName('$revenue'), 'revenue');
  assert.equal(propertyName('2nd-try'), 'nd_try');
  assert.equal(propertyName('€'), '');
  const fitted = fitProperties({ '€': 1, a: 'x'.repeat(9000), b: Array.from({ length: 2000 }, () => 'long text'), 'c d': 1, c_d: 2 });
  assert.deepEqual(Object.keys(fitted.properties), ['a', 'c_d']);
  assert.equal(Buffer.byteLength(fitted.properties.a as string), 8192);
  assert.deepEqual(fitted.warnings, [
    'properties.€ left out: Fullstory property names start with a letter and hold letters, digits and _',
    'properties.a cut to 8192 bytes, Fullstory\'s largest value',
    'properties.b left out: larger than 8192 bytes, which Fullstory rejects',
    'properties.c d sent as c_d: Fullstory property names start with a letter and hold letters, digits and _',
    'properties.c_d left out: its Fullstory name c_d is another property\'s',
  ]);
  const many = fitProperties(Object.fromEntries(Array.from({ length: 502 }, (_, i) => [`p${i}`, i])));
  assert.equal(Object.keys(many.properties).length, 500);
  assert.equal(many.warnings.length, 2);
});

test('requests: one Create Event per event with Basic <key>, no Idempotency-Key (a saved 500 would be replayed to every retry) and session.use_most_recent; users to Create User; EU1 host', () => {
  const [event, user] = send([asMapped('m-1', { name: 'Viewed', user: { uid: 'u-1' } }), asMapped('m-2', { uid: 'u-1', email: 'a@example.com' })]);
  const eventBody = { name: 'Viewed', user: { uid: 'u-1' }, session: { use_most_recent: true } };
  assert.deepEqual(event, {
    method: 'POST', url: 'https://api.fullstory.com/v2/events',
    headers: { authorization: `Basic ${API_KEY}`, 'content-type': 'application/json', accept: 'application/json' },
    body: eventBody, eventIds: ['m-1'], endpoint: 'events',
  });
  assert.equal(user!.url, 'https://api.fullstory.com/v2/users');
  assert.deepEqual(user!.body, { uid: 'u-1', email: 'a@example.com' });
  assert.equal(user!.endpoint, 'users');
  const [eu] = send([asMapped('m-1', { name: 'Viewed', user: { uid: 'u-1' } })], { data_center: 'eu1', use_most_recent_session: false });
  assert.equal(eu!.url, 'https://api.eu1.fullstory.com/v2/events');
  assert.deepEqual(eu!.body, { name: 'Viewed', user: { uid: 'u-1' } }, 'no session when use_most_recent_session is off');
  assert.equal(user!.headers!['idempotency-key'], undefined, 'Create User is an upsert: no key either');
});

test('classify: 200 delivered; a web page in a 200 is not; 400 with Fullstory\'s message and code', () => {
  assert.deepEqual(classify(answer(200, {}), eventRequest()), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, ''), eventRequest()), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, { id: '1234567' }), userRequest()), { status: 'delivered' });
  const page = classify(answer(200, '<!DOCTYPE html><html></html>', { 'content-type': 'text/html' }), eventRequest());
  assert.equal('status' in page && page.status, 'dead_letter');
  assert.match(reasonOf(page), /^Fullstory's Create Event API did not answer \(HTTP 200 without its JSON answer\): https:\/\/api\.fullstory\.com\/v2\/events is not Fullstory's — check config\.data_center/);
  assert.deepEqual(classify(answer(400, { message: 'invalid property name', code: 'invalid_argument' }), eventRequest()), { status: 'dead_letter', reason: 'Fullstory refused the event (Create Event, HTTP 400: invalid property name (invalid_argument))' });
  assert.deepEqual(classify(answer(400, { message: 'email is invalid' }), userRequest()), { status: 'dead_letter', reason: 'Fullstory refused the user (Create User, HTTP 400: email is invalid)' });
});

test('classify: 401 and 403 name config.api_key; 404 config.data_center; 429 and 5xx retried with Retry-After', () => {
  assert.deepEqual(classify(answer(401, { message: 'access is unauthorized', code: 'unauthorized' }), eventRequest()), { status: 'dead_letter', reason: 'Fullstory refused the API key (Create Event, HTTP 401: access is unauthorized (unauthorized)): check config.api_key (Settings > Integrations > API Keys) — revoked, mistyped, or of another data center than config.data_center' });
  assert.match(reasonOf(classify(answer(403, { message: 'insufficient permissions', code: 'forbidden' }), eventRequest())), /^Fullstory refused the request \(Create Event, HTTP 403: insufficient permissions \(forbidden\)\): the key in config\.api_key lacks the permission/);
  assert.match(reasonOf(classify(answer(404, { message: 'Requested resource does not exist', code: 'resource_not_found' }), eventRequest())), /check config\.data_center$/);
  assert.deepEqual(classify(answer(429, { message: 'Too many requests.', code: 'too_many_requests' }, { 'retry-after': '3' }), eventRequest()), { status: 'retry', reason: 'Fullstory rate-limited the request (Create Event, HTTP 429: Too many requests. (too_many_requests))', retryAfterMs: 3000 });
  assert.deepEqual(classify(answer(503, 'unavailable'), userRequest()), { status: 'retry', reason: 'Fullstory failed (Create User, HTTP 503: unavailable)' });
  assert.deepEqual(classify(answer(409, { message: 'conflict' }), eventRequest()), { status: 'dead_letter', reason: 'Fullstory refused the event (Create Event, HTTP 409: conflict)' });
});

test('config: the schema describes every field; a key with "Basic ", white space or another region\'s prefix is named', () => {
  for (const [name, field] of Object.entries(CONFIG_SCHEMA.properties)) assert.ok(field.title && field.description, name);
  assert.equal(CONFIG_SCHEMA.properties.api_key!.secret, true);
  assert.deepEqual(validateFullstoryConfig({ api_key: API_KEY }), []);
  assert.deepEqual(validateFullstoryConfig({ api_key: `Basic ${API_KEY}` }), [{ field: 'api_key', message: 'starts with "Basic ": give the API key alone, Signal adds "Basic "' }]);
  assert.deepEqual(validateFullstoryConfig({ api_key: 'abc def ghi' }), [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' }]);
  assert.deepEqual(validateFullstoryConfig({ api_key: 'eu1.abcdefgh/o-1-eu1' }), [{ field: 'data_center', message: 'is na1, but the API key is an eu1 key: set data_center to eu1 (https://api.eu1.fullstory.com), where the account\'s data lives' }]);
  assert.deepEqual(validateFullstoryConfig({ api_key: 'eu1.abcdefgh/o-1-eu1', data_center: 'eu1' }), []);
  assert.equal(keyRegion('legacykey'), undefined);
  assert.deepEqual(optionsOf({ api_key: ` ${API_KEY} `, data_center: 'eu1', use_most_recent_session: false }), { apiKey: API_KEY, origin: 'https://api.eu1.fullstory.com', useMostRecentSession: false });
});

test('deletions: DELETE /v2/users?uid=<userId> with the key; skipped without a userId or when turned off; answers read', () => {
  const forget = fullstory.forgetPerson!;
  assert.equal(forget.enabled({ api_key: API_KEY }), true);
  assert.equal(forget.enabled({ api_key: API_KEY, forward_deletions: false }), false);
  assert.deepEqual(forget.request({ userId: 'user-1', anonymousId: 'df_1' }, ctx({ data_center: 'eu1' })), { method: 'DELETE', url: 'https://api.eu1.fullstory.com/v2/users', query: [['uid', 'user-1']], headers: { authorization: `Basic ${API_KEY}`, accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(forget.request({ userId: null, anonymousId: 'df_1' }, ctx()), { skipped: NO_UID });
  assert.deepEqual(readDeletion(answer(200, {})), { done: true, message: 'Fullstory deleted the user (HTTP 200): its sessions, events and properties' });
  assert.deepEqual(readDeletion(answer(404, { message: 'Requested resource does not exist', code: 'resource_not_found' })), { done: true, message: 'Fullstory has no user with this uid (HTTP 404: Requested resource does not exist (resource_not_found)): nothing to delete' });
  assert.deepEqual(readDeletion(answer(403, { message: 'insufficient permissions', code: 'forbidden' })), { failed: 'Fullstory refused the deletion (HTTP 403: insufficient permissions (forbidden)): deleting users needs an Architect or Admin API key in config.api_key (a Standard key only sends data), or turn config.forward_deletions off' });
  assert.deepEqual(readDeletion(answer(429, { code: 'too_many_requests' }, { 'retry-after': '30' })), { retry: 'Fullstory\'s deletion failed (HTTP 429: too_many_requests)', afterSeconds: 30 });
  assert.deepEqual(readDeletion(answer(400, { message: 'uid is required', code: 'required_field' })), { failed: 'Fullstory refused the deletion (HTTP 400: uid is required (required_field))' });
});
