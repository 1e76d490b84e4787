import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import attentive from './index.ts';
import { classifyAttentive } from './classify.ts';
import { validateAttentiveConfig } from './config.ts';
import { eventPropertiesOf, eventTypeOf, occurredAtOf } from './custom-event.ts';
import { ANONYMOUS_ONLY, forgetPerson, REQUEST_MESSAGE } from './forget-person.ts';

const KEY = 'c2lnbmFsLWF0dGVudGl2ZS1rZXk';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${KEY}` };
const API = 'https://api.attentivemobile.com/v1';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const blueprint = readFileSync(new URL('../../blueprints/attentive/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(attentive, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
/** The one request delivery sends for an event. */
const requestOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): RequestDescriptor => {
  const requests = attentive.send([{ id: event.messageId, event, payload: recordOf(event, config) }], ctx(config));
  assert.equal(requests.length, 1);
  return requests[0]!;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, kind: string, body: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind, body } });
const customEventRequest = (): RequestDescriptor => attentive.send([record('e1', 'custom_event', { type: 'Viewed', user: { email: 'jane@example.com' } })], ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('a track call → POST /v1/events/custom: type, properties without contact data, the messageId as externalEventId, occurredAt, the user by phone, email and clientUserId', () => {
  const event = browserEvent({
    event: 'Order Shipped', messageId: 'msg-42',
    properties: { carrier: 'fedex', 'tracking[number]': '1Z999', email: 'someone@example.com', shipment: { eta: 'May 10', recipient_phone: '+1 212 555 0100' }, empty: null },
    context: { traits: { email: 'Jane@Example.com', phone: '(212) 555-0100' } },
  });
  const request = requestOf(event, { default_country_code: '1' });
  assert.deepEqual(request, {
    method: 'POST', url: `${API}/events/custom`, headers: HEADERS, endpoint: 'custom_event', eventIds: ['msg-42'],
    body: {
      type: 'Order Shipped',
      properties: { carrier: 'fedex', trackingnumber: '1Z999', shipment: { eta: 'May 10' } },
      externalEventId: 'msg-42',
      occurredAt: '2024-03-24T16:00:00.000Z',
      user: { phone: '+12125550100', email: 'Jane@Example.com', externalIdentifiers: { clientUserId: 'u-1' } },
    },
  });
});

test('event types lose the characters Attentive refuses; a name with nothing left is dead-lettered saying so', () => {
  assert.equal(eventTypeOf('Signed Up (trial), "pro"'), 'Signed Up trial pro');
  assert.equal(eventTypeOf('x'.repeat(300)).length, 255);
  assert.throws(() => eventTypeOf('()[]'), /Attentive needs a custom event type, and "\(\)\[\]" leaves none/);
  const result = mapped(browserEvent({ event: '"|"' }));
  assert.match(String(result.error), /Attentive needs a custom event type/);
});

test('occurredAt: ISO text with or without an offset (UTC, never the server\'s zone) and epoch numbers in UTC; an unreadable time or a year outside 1–9999 left out with a warning', () => {
  const warnings: string[] = [];
  const warnCtx = { ...ctx(), warn: (m: string) => warnings.push(m) };
  assert.equal(occurredAtOf('2024-03-24T17:00:00+01:00', warnCtx), '2024-03-24T16:00:00.000Z');
  assert.equal(occurredAtOf('2024-03-24 16:00', warnCtx), '2024-03-24T16:00:00.000Z');
  assert.equal(occurredAtOf(1711296000, warnCtx), '2024-03-24T16:00:00.000Z');
  assert.equal(occurredAtOf(1711296000000, warnCtx), '2024-03-24T16:00:00.000Z');
  assert.deepEqual(warnings, []);
  assert.equal(occurredAtOf('March 24', warnCtx), undefined);
  assert.equal(occurredAtOf(-1e14, warnCtx), undefined, 'year -1199: toISOString would write -001199-…');
  assert.equal(occurredAtOf('2024-02-31T00:00:00Z', warnCtx), undefined);
  assert.deepEqual(warnings, [
    'occurredAt left out: "March 24" is no time Attentive can read, so Attentive records the time it receives the event',
    'occurredAt left out: -100000000000000 is no time Attentive can read, so Attentive records the time it receives the event',
    'occurredAt left out: "2024-02-31T00:00:00Z" is no time Attentive can read, so Attentive records the time it receives the event',
  ]);
});

test('properties over 64 KB are dead-lettered naming the limit; keys clashing once fitted are left out with a warning', () => {
  const warnings: string[] = [];
  const warnCtx = { ...ctx(), warn: (m: string) => warnings.push(m) };
  assert.deepEqual(eventPropertiesOf({ 'a[1]': 1, a1: 2 }, warnCtx), { a1: 1 });
  assert.deepEqual(warnings, ['properties.a1 left out: without the characters Attentive refuses it is a1, which an earlier property has']);
  assert.throws(() => eventPropertiesOf({ blob: 'x'.repeat(70_000) }, ctx()), /the event's properties take 70011 bytes; the plugin sends Attentive at most 64000/);
});

test('an anonymous visitor\'s events, page views and an identify with no attribute are not sent', () => {
  assert.equal(mapped(browserEvent({ userId: undefined, context: {} })).payload, null, 'no phone, email or userId');
  assert.equal(mapped(browserEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>)).payload, null);
  assert.equal(mapped(identify({ email: 'jane@example.com' })).payload, null, 'nothing to set');
});

test('identify → POST /v1/attributes/custom: traits without contact data, lists or objects; firstName and lastName; the phone in E.164', () => {
  const result = mapped(identify({ email: 'jane@example.com', phone: '+44 7700 900123', firstName: 'Jane', last_name: 'Doe', plan: 'pro', vip: true, seats: 3, tags: ['a', 'b'], address: { city: 'Leeds' }, company: { name: 'Acme' } }));
  assert.deepEqual(result.payload, {
    kind: 'custom_attributes',
    body: { properties: { plan: 'pro', vip: true, seats: 3, firstName: 'Jane', lastName: 'Doe' }, user: { phone: '+447700900123', email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } } },
  });
  assert.ok(result.warnings?.includes('attributes.tags left out: a list: Attentive\'s custom attributes take no arrays (it answers 400)'), JSON.stringify(result.warnings));
  assert.ok(result.warnings?.some((w) => w.startsWith('attributes.company left out: an object')), JSON.stringify(result.warnings));
  const request = attentive.send([{ id: 'i1', event: identify({}), payload: result.payload! }], ctx())[0]!;
  assert.equal(request.url, `${API}/attributes/custom`);
  assert.equal(request.endpoint, 'custom_attributes');
});

test('identifiers: a phone without country code and no default is left out with a warning; an invalid email alone is dead-lettered naming it; a userId alone names the person', () => {
  const withoutCode = mapped(browserEvent({ context: { traits: { email: 'jane@example.com', phone: '(212) 555-0100' } } }));
  assert.deepEqual((withoutCode.payload?.body as JsonObject).user, { email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } });
  assert.ok(withoutCode.warnings?.some((w) => /^user\.phone left out: "\(212\) 555-0100" is no phone number with its country code \(set config\.default_country_code/.test(w)), JSON.stringify(withoutCode.warnings));
  const badEmail = mapped(browserEvent({ userId: undefined, context: { traits: { email: 'not-an-email' } } }));
  assert.match(String(badEmail.error), /Attentive needs a phone, an email or a clientUserId .*user\.email left out, "not-an-email" is not an email address/);
  const byUserId = recordOf(browserEvent({ context: {} }));
  assert.deepEqual((byUserId.body as JsonObject).user, { externalIdentifiers: { clientUserId: 'u-1' } });
  const longId = mapped(browserEvent({ userId: 'u'.repeat(101) }));
  assert.deepEqual((longId.payload?.body as JsonObject).user, { email: 'jane@example.com' });
  assert.ok(longId.warnings?.some((w) => w.startsWith('user.externalIdentifiers.clientUserId left out: the userId is 101 characters long')));
});

test('Segment\'s Product Viewed → POST /v1/events/ecommerce/product-view with the product as its one item; GA4\'s add_to_cart items → add-to-cart', () => {
  const viewed = requestOf(browserEvent({ event: 'Product Viewed', messageId: 'pv-1', properties: { product_id: 'p-1', variant_id: 'v-1', name: 'T-Shirt', price: '19.99', currency: 'usd', image_url: 'https://cdn.example.com/t.png', url: 'https://shop.example.com/t', quantity: 1 } }));
  assert.equal(viewed.url, `${API}/events/ecommerce/product-view`);
  assert.equal(viewed.endpoint, 'product_view');
  assert.deepEqual(viewed.body, {
    items: [{ productId: 'p-1', productVariantId: 'v-1', name: 'T-Shirt', productImage: 'https://cdn.example.com/t.png', productUrl: 'https://shop.example.com/t', price: [{ value: 19.99, currency: 'USD' }], quantity: 1 }],
    occurredAt: '2024-03-24T16:00:00.000Z',
    user: { email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } },
  });
  const added = requestOf(browserEvent({ event: 'add_to_cart', messageId: 'atc-1', properties: { currency: 'EUR', items: [{ item_id: 'SKU_1', item_name: 'Socks', price: 5, quantity: 2 }, { item_name: 'no id' }] } }));
  assert.equal(added.url, `${API}/events/ecommerce/add-to-cart`);
  assert.deepEqual((added.body as JsonObject).items, [{ productId: 'SKU_1', productVariantId: 'SKU_1', name: 'Socks', price: [{ value: 5, currency: 'EUR' }], quantity: 2 }], 'the variant is the product itself when none is named; the item without an id left out');
});

test('Order Completed → POST /v1/events/ecommerce/purchase with orderId and its products; an order none of whose items can go is a custom event instead', () => {
  const order = requestOf(browserEvent({ event: 'Order Completed', messageId: 'oc-1', properties: { order_id: 50314, currency: 'USD', total: 27.5, products: [{ product_id: '507f', sku: 'G-32', name: 'Monopoly', price: 18.99, quantity: 1 }, { product_id: '505b', price: 8.51, quantity: 2, currency: 'CAD' }] } }));
  assert.equal(order.url, `${API}/events/ecommerce/purchase`);
  assert.equal(order.endpoint, 'purchase');
  assert.deepEqual(order.body, {
    items: [
      { productId: '507f', productVariantId: '507f', name: 'Monopoly', price: [{ value: 18.99, currency: 'USD' }], quantity: 1 },
      { productId: '505b', productVariantId: '505b', price: [{ value: 8.51, currency: 'CAD' }], quantity: 2 },
    ],
    orderId: '50314',
    occurredAt: '2024-03-24T16:00:00.000Z',
    user: { email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } },
  });
  const priceless = mapped(browserEvent({ event: 'Order Completed', messageId: 'oc-2', properties: { order_id: 'o-2', products: [{ product_id: 'p-9' }] } }));
  assert.deepEqual(priceless.payload, {
    kind: 'custom_event',
    body: { type: 'Order Completed', properties: { order_id: 'o-2', products: [{ product_id: 'p-9' }] }, externalEventId: 'oc-2', occurredAt: '2024-03-24T16:00:00.000Z', user: { email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } } },
  });
  assert.ok(priceless.warnings?.includes('items.0 left out: product p-9 has no price Attentive can read (null)'), JSON.stringify(priceless.warnings));
  assert.ok(priceless.warnings?.includes('sent as a custom event: none of its items has the product id and price Attentive\'s purchase event needs'));
});

test('classify: Attentive\'s bare 200 delivered, a proxy\'s page retried, 429 retried after Retry-After, 401/403/400/404 dead-lettered naming what to fix, 5xx retried', () => {
  const request = customEventRequest();
  const c = ctx();
  assert.deepEqual(classifyAttentive(answer(200, ''), request, c), { status: 'delivered' });
  assert.deepEqual(classifyAttentive(answer(200, {}), request, c), { status: 'delivered' });
  assert.equal(statusOf(classifyAttentive(answer(200, '<html>Sign in</html>', { 'content-type': 'text/html' }), request, c)), 'retry');
  assert.deepEqual(classifyAttentive(answer(429, '', { 'retry-after': '3', 'x-ratelimit-limit': '150' }), request, c), { status: 'retry', reason: 'Attentive rate-limited the app (HTTP 429): 150 requests a second for this endpoint', retryAfterMs: 3000 });
  assert.deepEqual(classifyAttentive(answer(401, { error: { id: 7, message: 'Unauthorized' } }), request, c), { status: 'dead_letter', reason: 'Attentive refused the API key (HTTP 401: Unauthorized): check config.api_key: the API key of a custom app of the Attentive account (Marketplace > Manage custom apps), which Attentive shows once — an app deleted or a key regenerated since needs the new key' });
  assert.match(reasonOf(classifyAttentive(answer(403, { error: { id: 8, message: 'Access Denied' } }), request, c)), /^Attentive refused the custom event \(HTTP 403: Access Denied\): give the custom app Write permission for the Custom Events API/);
  assert.match(reasonOf(classifyAttentive(answer(400, { error: { id: 9, message: 'Invalid phone number' } }), request, c)), /^Attentive refused the custom event \(HTTP 400: Invalid phone number\): check the event's type and properties/);
  const byClientUserId = attentive.send([record('e2', 'custom_event', { type: 'Viewed', user: { externalIdentifiers: { clientUserId: 'u-1' } } })], c)[0]!;
  assert.match(reasonOf(classifyAttentive(answer(404, { error: { id: 10, message: 'User not found' } }), byClientUserId, c)), /names the person by the userId \(clientUserId\) alone/);
  assert.equal(reasonOf(classifyAttentive(answer(404, ''), request, c)), 'Attentive refused the custom event (HTTP 404)');
  assert.deepEqual(classifyAttentive(answer(503, 'upstream down'), request, c), { status: 'retry', reason: 'Attentive HTTP 503: upstream down' });
  const purchase = attentive.send([record('p1', 'purchase', { items: [], user: { email: 'a@b.co' } })], c)[0]!;
  assert.match(reasonOf(classifyAttentive(answer(403, ''), purchase, c)), /^Attentive refused the eCommerce event \(HTTP 403\): give the custom app Write permission for the eCommerce API/);
});

test('config: the schema gives every field a title, a type, a description and examples; validateConfig names the field', () => {
  const ajv = createConfigAjv();
  assert.ok(ajv.validate(attentive.config, { api_key: KEY, default_country_code: '1' }));
  assert.equal(ajv.validate(attentive.config, { api_key: KEY, default_country_code: '+1' }), false);
  for (const [name, field] of Object.entries(attentive.config.properties)) {
    assert.ok(field.title && field.type && field.description, name);
    if (field.type !== 'boolean') assert.ok(field.examples?.length, name);
  }
  assert.deepEqual(validateAttentiveConfig({ api_key: 'Bearer abcdefgh' }), [{ field: 'api_key', message: 'starts with "Bearer ": give the API key alone, the plugin adds the Bearer scheme' }]);
  assert.deepEqual(validateAttentiveConfig({ api_key: 'abc defgh' }), [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' }]);
  assert.deepEqual(validateAttentiveConfig({ api_key: KEY }), []);
});

test('person deletions: a privacy request by clientUserId, and by email for an email userId; anonymousId alone skipped; answers read', () => {
  const c = ctx();
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: 'df_abc' }, c), [
    { method: 'POST', url: `${API}/privacy/delete-request`, headers: HEADERS, body: { subjectEmail: 'Jane@Example.com', requestMsg: REQUEST_MESSAGE }, eventIds: [] },
    { method: 'POST', url: `${API}/privacy/delete-request`, headers: HEADERS, body: { clientUserId: 'Jane@Example.com', requestMsg: REQUEST_MESSAGE }, eventIds: [] },
  ], 'the email first: a refusal of the clientUserId alone (unconfirmed whether Attentive takes one) must not keep it from being asked');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, c), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, c), { skipped: ANONYMOUS_ONLY });
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ api_key: KEY }), true);
  const [byId] = forgetPerson.request({ userId: 'u-1', anonymousId: null }, c) as RequestDescriptor[];
  const read = forgetPerson.read!;
  assert.deepEqual(read(answer(200, { id: '123abc' }), byId, c), { done: true, message: 'accepted (HTTP 200, privacy request 123abc): Attentive deletes the subscriber with this clientUserId within thirty days' });
  assert.ok('retry' in read(answer(200, '<html>proxy</html>'), byId, c));
  assert.deepEqual(read(answer(429, '', { 'retry-after': '10' }), byId, c), { retry: 'HTTP 429', afterSeconds: 10 });
  assert.match(String((read(answer(403, { error: { id: 1, message: 'Access Denied' } }), byId, c) as { failed: string }).failed), /^HTTP 403: the custom app may not make privacy requests: give it the Privacy Requests permission/);
  assert.deepEqual(read(answer(400, { error: 'Must either specify subscriberPhone or subscriberEmail' }), byId, c), { failed: 'HTTP 400 (Attentive: Must either specify subscriberPhone or subscriberEmail): delete the subscriber in Attentive\'s platform' });
});

test('person deletions by the emails Signal found for the person: a privacy request by subjectEmail each, before the clientUserId\'s; the userId\'s address once; an entry that is no address left out', () => {
  const c = ctx();
  const by = (field: 'clientUserId' | 'subjectEmail', value: string): RequestDescriptor => ({ method: 'POST', url: `${API}/privacy/delete-request`, headers: HEADERS, body: { [field]: value, requestMsg: REQUEST_MESSAGE }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: ['jane@example.com'] }, c), [by('subjectEmail', 'jane@example.com')], 'a visitor whose identify gave an email');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'j.doe@work.example'] }, c), [by('subjectEmail', 'jane@example.com'), by('subjectEmail', 'j.doe@work.example'), by('clientUserId', 'u-1')]);
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'jane@example'] }, c), [by('subjectEmail', 'Jane@Example.com'), by('clientUserId', 'Jane@Example.com')], 'the userId\'s address once, whatever its case; none without a domain dot');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, c), [by('clientUserId', 'u-1')], 'no email found: the clientUserId alone, as before');
});

test('sizes: items past 100 KB and attributes past 64 KB are left out with a warning, so a request stays within batch.maxBytes', () => {
  const url = `https://shop.example.com/${'p'.repeat(1_900)}`;
  const products = Array.from({ length: 120 }, (_, i) => ({ product_id: `p-${i}`, price: 1, url, image_url: url }));
  const order = mapped(browserEvent({ event: 'Order Completed', properties: { order_id: 'big', currency: 'USD', products } }));
  const items = ((order.payload?.body as JsonObject).items as JsonObject[]);
  assert.ok(items.length > 0 && items.length < 120, `items: ${items.length}`);
  assert.ok(order.warnings?.some((w) => w.startsWith(`items from items.${items.length} on left out: the plugin sends at most 200 items and 100000 bytes`)), JSON.stringify(order.warnings));
  const traits: JsonObject = {};
  for (let i = 0; i < 50; i += 1) traits[`note${i}`] = 'x'.repeat(1_900);
  const big = mapped(identify(traits));
  assert.ok(big.warnings?.some((w) => /^attributes\.note\d+ left out: the plugin sends at most 64000 bytes of attributes/.test(w)), JSON.stringify(big.warnings?.slice(0, 2)));
  for (const payload of [order.payload!, big.payload!]) {
    const [request] = attentive.send([{ id: 'x', event: browserEvent(), payload }], ctx());
    assert.ok(Buffer.byteLength(JSON.stringify(request!.body)) <= attentive.batch!.maxBytes!, 'within maxBytes');
  }
});
