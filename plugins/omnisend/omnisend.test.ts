import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import omnisend from './index.ts';
import { channelStatusIn, classifyOmnisend } from './classify.ts';
import { validateOmnisendConfig } from './config.ts';
import { eventIdOf } from './omnisend-event.ts';

const KEY = '6571a3c1f5a3d4c2b1e0a9f8-Xy8d0bQ4fA2mL9rT3vZ7wK1pE5sH6nC0';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const consenting = { context: { consent: { marketing: true }, ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11)' } } as Partial<CanonicalEvent>;
const blueprint = readFileSync(new URL('../../blueprints/omnisend/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(omnisend, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const requestsOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): RequestDescriptor[] => {
  const item: MappedEvent = { id: event.messageId, event, payload: recordOf(event, config) };
  return omnisend.send([item], ctx(config));
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const nextOf = (c: ClassifyResult): RequestDescriptor[] => ('next' in c ? c.next : []);
const HEADERS = { authorization: `Omnisend-API-Key ${KEY}`, 'omnisend-version': '2026-03-15', 'content-type': 'application/json', accept: 'application/json' };

test('config: the key pasted with its scheme or white space, and a country code that is none, are refused naming the field', () => {
  assert.deepEqual(validateOmnisendConfig({ api_key: `Omnisend-API-Key ${KEY}` }), [{ field: 'api_key', message: 'starts with "Omnisend-API-Key ": give the Omnisend API key alone, Signal sends it as Omnisend-API-Key itself' }]);
  assert.equal(validateOmnisendConfig({ api_key: `${KEY}\nthanks` })[0]?.field, 'api_key');
  assert.deepEqual(validateOmnisendConfig({ api_key: KEY, default_country_code: 'UK' }), [{ field: 'default_country_code', message: '"UK" is no country calling code: give its 1 to 3 digits, e.g. 44 for the United Kingdom' }]);
  assert.deepEqual(validateOmnisendConfig({ api_key: KEY, default_country_code: '+44' }), []);
  const validate = createConfigAjv().compile(omnisend.config);
  assert.equal(validate({ api_key: KEY, tags: ['source: signal'] }), true);
  assert.equal(validate({}), false, 'the key is required');
});

test('identify → POST /contacts: identifiers, default properties, tags, the other traits as custom properties; no channels without consent', () => {
  const [request] = requestsOf(identify({
    email: ' Jane@Example.com ', phone: '+44 7700 900123', first_name: 'Jane', lastName: 'Doe', birthday: '1990-02-16', gender: 'female',
    address: { street: '1 Main St', city: 'Leeds', postalCode: 'LS1 1AA', country: 'United Kingdom' }, tags: ['vip'], plan: 'pro', seats: 3, colors: ['red'], company: { name: 'Acme' },
  }), { tags: ['source: signal'], subscribe_email_with_consent: true });
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, 'https://api.omnisend.com/api/contacts');
  assert.deepEqual(request!.headers, HEADERS);
  assert.deepEqual(request!.body, {
    identifiers: [{ type: 'email', id: 'Jane@Example.com' }, { type: 'phone', id: '+447700900123' }],
    firstName: 'Jane', lastName: 'Doe', address: '1 Main St', city: 'Leeds', postalCode: 'LS1 1AA', country: 'United Kingdom', birthdate: '1990-02-16', gender: 'f',
    tags: ['source: signal', 'vip'], customProperties: { plan: 'pro', seats: 3, colors: ['red'] },
  });
  assert.equal(JSON.stringify(request!.body).includes('subscribed'), false, 'no consent: no channel status at all, never unsubscribed');
  const warnings = mapped(identify({ email: 'jane@example.com', company: { name: 'Acme' } })).warnings?.join('\n') ?? '';
  assert.match(warnings, /traits\.company left out: Omnisend custom properties are text, numbers, booleans or lists of text, not an object/);
});

test('with marketing consent and config.subscribe_email_with_consent, the email is looked up first; a remembered email or a denial subscribes nobody', () => {
  const [lookup] = requestsOf(identify({ email: 'jane@example.com' }, consenting), { subscribe_email_with_consent: true });
  assert.equal(lookup!.method, 'GET');
  assert.equal(lookup!.url, 'https://api.omnisend.com/api/contacts');
  assert.deepEqual(lookup!.query, [['email', 'jane@example.com']]);
  assert.equal(lookup!.body, undefined);
  const [off] = requestsOf(identify({ email: 'jane@example.com' }, consenting));
  assert.equal(off!.method, 'POST', 'config off (the default): no lookup, no subscription');
  const remembered = mapped(identify({ plan: 'pro' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { subscribe_email_with_consent: true });
  assert.deepEqual(remembered.payload?.subscriptions, [], 'the email Signal remembers names the contact but subscribes no one');
  assert.match(remembered.warnings?.join('\n') ?? '', /email channel not subscribed: the identify gives no email of its own/);
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } } as Partial<CanonicalEvent>), { subscribe_email_with_consent: true });
  assert.deepEqual(denied.subscriptions, []);
});

test('the lookup decides: unsubscribed stays unsubscribed, already subscribed is left alone, unknown (empty list or 404) is subscribed with the consent evidence', () => {
  const config = { subscribe_email_with_consent: true, subscribe_sms_with_consent: true };
  const [lookup] = requestsOf(identify({ email: 'jane@example.com', phone: '+447700900123' }, consenting), config);
  const unsubscribed = { contacts: [{ identifiers: [{ type: 'email', id: 'Jane@Example.com', channels: { email: { status: 'unsubscribed' } } }] }] };
  const [phoneLookup] = nextOf(classifyOmnisend(answer(200, unsubscribed), lookup!, ctx(config)));
  assert.equal(phoneLookup!.method, 'GET');
  assert.deepEqual(phoneLookup!.query, [['phone', '+447700900123']], 'then the phone, looked up on its own');
  const [write] = nextOf(classifyOmnisend(answer(404, { title: 'Not Found', status: 404 }), phoneLookup!, ctx(config)));
  assert.equal(write!.method, 'POST');
  assert.deepEqual(write!.eventIds, ['m-1']);
  assert.deepEqual((write!.body as JsonObject).identifiers, [
    { type: 'email', id: 'jane@example.com' },
    { type: 'phone', id: '+447700900123', channels: { sms: { status: 'subscribed', statusChangedAt: '2024-03-24T16:00:00.000Z' } }, consent: { createdAt: '2024-03-24T16:00:00.000Z', source: 'signal', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11)' } },
  ], 'the unsubscribed email keeps its status (no channels sent); the phone Omnisend does not know is subscribed');

  const [emailOnly] = requestsOf(identify({ email: 'jane@example.com' }, consenting), config);
  const [fresh] = nextOf(classifyOmnisend(answer(200, { contacts: [], paging: {} }), emailOnly!, ctx(config)));
  assert.deepEqual((fresh!.body as JsonObject).identifiers, [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'subscribed', statusChangedAt: '2024-03-24T16:00:00.000Z' } }, consent: { createdAt: '2024-03-24T16:00:00.000Z', source: 'signal', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11)' } }]);
  const already = { contacts: [{ identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'subscribed' } } }] }] };
  const [same] = nextOf(classifyOmnisend(answer(200, already), emailOnly!, ctx(config)));
  assert.deepEqual((same!.body as JsonObject).identifiers, [{ type: 'email', id: 'jane@example.com' }]);
  assert.equal(channelStatusIn({ contacts: [{ identifiers: [{ type: 'email', id: 'jane@example.com' }] }] }, { type: 'email', id: 'jane@example.com', channel: 'email' }), 'nonSubscribed');
});

test('track → POST /events: eventName, a stable UUID v5 eventID, eventTime, origin api, the contact\'s identifiers, properties without contact data', () => {
  const [request] = requestsOf(browserEvent({ properties: { plan: 'pro', buyer_email: 'x@example.com', nested: { seats: 3 } } }));
  assert.equal(request!.url, 'https://api.omnisend.com/api/events');
  assert.deepEqual(request!.headers, HEADERS);
  assert.deepEqual(request!.body, {
    eventName: 'Signed Up', eventID: eventIdOf('m-1'), eventTime: '2024-03-24T16:00:00.000Z', origin: 'api',
    contact: { email: 'jane@example.com' }, properties: { plan: 'pro', nested: { seats: 3 } },
  });
  assert.match(eventIdOf('m-1'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(eventIdOf('m-1'), eventIdOf('m-1'), 'the same messageId, the same eventID on every retry');
  assert.notEqual(eventIdOf('m-1'), eventIdOf('m-2'));
});

test('Segment e-commerce events become Omnisend\'s recommended events with their documented version and properties', () => {
  const products = [{ product_id: 'p-1', sku: 'SKU-1', name: 'Trail Shoe', price: 59.9, quantity: 2, url: 'https://shop.example/p-1', image_url: 'https://shop.example/p-1.jpg', brand: 'Acme', category: 'Shoes' }];
  const [order] = requestsOf(browserEvent({ event: 'Order Completed', properties: { order_id: 'o-1', total: 119.8, currency: 'eur', coupon: 'SUMMER20', products } }));
  assert.deepEqual(order!.body, {
    eventName: 'placed order', eventID: eventIdOf('m-1'), eventTime: '2024-03-24T16:00:00.000Z', origin: 'api', eventVersion: 'v2', contact: { email: 'jane@example.com' },
    properties: {
      orderID: 'o-1', createdAt: '2024-03-24T16:00:00.000Z', currency: 'EUR', totalPrice: 119.8, discounts: [{ code: 'SUMMER20' }],
      lineItems: [{ productID: 'p-1', productSKU: 'SKU-1', productTitle: 'Trail Shoe', productPrice: 59.9, productQuantity: 2, productURL: 'https://shop.example/p-1', productImageURL: 'https://shop.example/p-1.jpg', productVendor: 'Acme', productCategories: [{ id: 'Shoes', title: 'Shoes' }] }],
    },
  });
  const [added] = requestsOf(browserEvent({ event: 'Product Added', properties: { cart_id: 'c-9', product_id: 'p-1', name: 'Trail Shoe', price: 59.9, quantity: 1, currency: 'EUR' } }));
  const body = added!.body as JsonObject;
  assert.equal(body.eventName, 'added product to cart');
  assert.equal(body.eventVersion, undefined, 'documented as empty: none sent');
  assert.deepEqual(body.properties, {
    cartID: 'c-9', currency: 'EUR',
    addedItem: { productID: 'p-1', productTitle: 'Trail Shoe', productPrice: 59.9, productQuantity: 1 },
    lineItems: [{ productID: 'p-1', productTitle: 'Trail Shoe', productPrice: 59.9, productQuantity: 1 }],
  });
  const [viewed] = requestsOf(browserEvent({ event: 'Product Viewed', properties: { product_id: 'p-1', name: 'Trail Shoe', price: 59.9, currency: 'usd' } }));
  assert.deepEqual([(viewed!.body as JsonObject).eventName, (viewed!.body as JsonObject).eventVersion, (viewed!.body as JsonObject).properties], ['viewed product', 'v4', { product: { id: 'p-1', title: 'Trail Shoe', price: 59.9, currency: 'USD' } }]);
  const custom = requestsOf(browserEvent({ event: 'Order Completed', properties: { order_id: 'o-1' } }), { ecommerce_events: false })[0]!.body as JsonObject;
  assert.deepEqual([custom.eventName, custom.eventVersion, custom.properties], ['Order Completed', undefined, { order_id: 'o-1' }], 'config.ecommerce_events off: a custom event under its own name');
  const noOrderId = mapped(browserEvent({ event: 'Order Completed', properties: { total: 10 } }));
  assert.match(noOrderId.error ?? '', /Omnisend's placed order event needs properties\.order_id/);
});

test('an anonymous visitor\'s event, and page, screen, group and alias calls, are not sent', () => {
  const anonymous = mapped(browserEvent({ userId: undefined, context: {} } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload ?? null, null);
  assert.match(anonymous.warnings?.join('\n') ?? '', /the event names no contact/);
  for (const type of ['page', 'screen', 'group', 'alias'] as const) assert.equal(mapped(browserEvent({ type })).payload ?? null, null, `${type} not sent`);
  assert.match(omnisend.neverSends?.(browserEvent({ type: 'page' }), ctx()) ?? '', /Events API documents no page view/);
});

test('answers: 202 delivered; 400 dead-lettered naming the fields; 401, 403 and 410 name what to fix; 429 waits as told; 5xx retried; a web page retried', () => {
  const [event] = requestsOf(browserEvent());
  const c = ctx();
  assert.deepEqual(classifyOmnisend(answer(202, ''), event!, c), { status: 'delivered' });
  const invalid = classifyOmnisend(answer(400, { title: 'Validation failed', status: 400, errors: [{ field: 'contact.email', code: 'invalid_format', message: 'Must be a valid email address' }] }), event!, c);
  assert.deepEqual(invalid, { status: 'dead_letter', reason: 'Omnisend refused the event (HTTP 400: Validation failed; contact.email: Must be a valid email address)' });
  assert.match(reasonOf(classifyOmnisend(answer(401, { title: 'Unauthorized', detail: 'Authentication is missing or invalid' }), event!, c)), /^Omnisend refused the API key \(HTTP 401: Authentication is missing or invalid\): check config\.api_key/);
  assert.match(reasonOf(classifyOmnisend(answer(403, { title: 'Forbidden' }), event!, c)), /permissions \(HTTP 403: Forbidden\): give the key the Contacts \(read and write\) and Events \(write\) permissions/);
  assert.match(reasonOf(classifyOmnisend(answer(410, { title: 'Gone' }), event!, c)), /retired the API version the plugin speaks \(2026-03-15/);
  assert.deepEqual(classifyOmnisend(answer(429, { title: 'Too Many Requests', retryAfter: 12 }), event!, c), { status: 'retry', reason: 'Omnisend rate limit reached (HTTP 429: Too Many Requests): 400 requests a minute', retryAfterMs: 12_000, throttled: true });
  assert.equal((classifyOmnisend(answer(429, { title: 'Too Many Requests', retryAfter: 12 }, { 'Retry-After': '3' }), event!, c) as { retryAfterMs?: number }).retryAfterMs, 3_000, 'the header first');
  assert.equal((classifyOmnisend(answer(429, 'slow down'), event!, c) as { retryAfterMs?: number }).retryAfterMs, 60_000, 'no wait given: a minute');
  assert.equal((classifyOmnisend(answer(503, 'unavailable'), event!, c) as { status: string }).status, 'retry');
  assert.equal((classifyOmnisend(answer(200, '<!DOCTYPE html><html>portal</html>'), event!, c) as { status: string }).status, 'retry');
});

test('the lookup reads every status Omnisend gives the contact: an identifier without channels cannot hide the contact\'s unsubscription', () => {
  const email = { type: 'email', id: 'jane@example.com', channel: 'email' } as const;
  const phone = { type: 'phone', id: '+447700900123', channel: 'sms' } as const;
  // The contact's own email status (its primary email's) and its per-channel statuses count too.
  assert.equal(channelStatusIn({ contacts: [{ email: 'jane@example.com', status: 'unsubscribed', identifiers: [{ type: 'email', id: 'jane@example.com' }] }] }, email), 'unsubscribed');
  assert.equal(channelStatusIn({ contacts: [{ identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'nonSubscribed' } } }], statuses: [{ channel: 'email', status: 'unsubscribed' }] }] }, email), 'unsubscribed');
  assert.equal(channelStatusIn({ contacts: [{ phone: ['+447700900123'], identifiers: [], statuses: [{ channel: 'sms', status: 'unsubscribed' }, { channel: 'email', status: 'subscribed' }] }] }, phone), 'unsubscribed', 'the read-only phone list names the contact');
  assert.equal(channelStatusIn({ contacts: [{ identifiers: [{ type: 'phone', id: '+447700900123' }], statuses: [{ channel: 'email', status: 'unsubscribed' }] }] }, phone), 'nonSubscribed', 'another channel\'s status is not the sms channel\'s');
  assert.equal(channelStatusIn({ contacts: [{ email: 'other@example.com', status: 'unsubscribed', identifiers: [{ type: 'email', id: 'other@example.com' }] }] }, email), undefined, 'a contact that does not hold the email says nothing of it');

  // And the write that follows keeps the unsubscribed email without channels.
  const config = { subscribe_email_with_consent: true };
  const [lookup] = requestsOf(identify({ email: 'jane@example.com' }, consenting), config);
  const [write] = nextOf(classifyOmnisend(answer(200, { contacts: [{ email: 'jane@example.com', status: 'unsubscribed', identifiers: [{ type: 'email', id: 'jane@example.com' }] }] }), lookup!, ctx(config)));
  assert.deepEqual((write!.body as JsonObject).identifiers, [{ type: 'email', id: 'jane@example.com' }]);
});

test('custom properties: at most the 200 Omnisend takes a contact, the rest left out with a warning', () => {
  const traits: JsonObject = { email: 'jane@example.com' };
  for (let i = 0; i < 205; i++) traits[`p${i}`] = i;
  const result = mapped(identify(traits));
  const custom = ((result.payload?.body as JsonObject).customProperties ?? {}) as JsonObject;
  assert.equal(Object.keys(custom).length, 200);
  assert.equal(custom.p199, 199);
  assert.equal(custom.p200, undefined);
  assert.match(result.warnings?.join('\n') ?? '', /traits\.p200 left out: Omnisend takes at most 200 custom properties a contact/);
});

test('a lookup answer the plugin cannot read, or a status Omnisend does not document, subscribes no one: the contact is written without channels', () => {
  const config = { subscribe_email_with_consent: true };
  const [lookup] = requestsOf(identify({ email: 'jane@example.com', firstName: 'Jane' }, consenting), config);
  for (const body of [{ data: [] }, { contacts: [{ identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'pending' } } }] }] }]) {
    const [write] = nextOf(classifyOmnisend(answer(200, body), lookup!, ctx(config)));
    assert.equal(write!.method, 'POST', JSON.stringify(body));
    assert.deepEqual(write!.body, { identifiers: [{ type: 'email', id: 'jane@example.com' }], firstName: 'Jane' }, JSON.stringify(body));
  }
});
