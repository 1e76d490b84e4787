import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type ForgetOutcome, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import iterable from './index.ts';
import { classifyIterable } from './classify.ts';
import { apiBaseOf, validateIterableConfig } from './config.ts';
import { eventData, fitRecord, MAX_BODY_BYTES } from './fit-to-iterable.ts';
import { ANONYMOUS_NO_EMAIL, ANONYMOUS_ONLY, FORGOTTEN, forgetPerson } from './forget-person.ts';
import { MAX_USER_ID_CHARS, normalizeEmail, userIdProblem } from './identity.ts';
import { NEVER_FROM_SITE } from './user-data-fields.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = 1711296000;
const VISITOR = 'df_abc123def456';
const HEADERS = { 'content-type': 'application/json', 'Api-Key': KEY };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { api_key: KEY, project_type: 'hybrid', ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup', title: 'Sign up', path: '/signup' } },
  ...overrides,
} as CanonicalEvent);
const blueprints = { default: readFileSync(new URL('../../blueprints/iterable/default.yaml', import.meta.url), 'utf8'), with_page_views: readFileSync(new URL('../../blueprints/iterable/with_page_views.yaml', import.meta.url), 'utf8') };
type Variant = keyof typeof blueprints;
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default') => createEventMapper(iterable, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const errorOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): string => {
  const result = mapped(event, config, variant);
  assert.equal(result.payload, null, 'not mapped');
  return result.error ?? '';
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const user = (id: string, userId = `u-${id}`, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'user', item: { userId, dataFields: {}, mergeNestedObjects: false, ...extra } } });
const ev = (id: string, userId = `u-${id}`, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', item: { userId, eventName: 'Viewed', id, createdAt: TS, ...extra } } });
const purchase = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'purchase', item: { id: `o-${id}`, user: { userId: 'u-1' }, items: [{ id: 'P-1', name: 'Mug', price: 12.5, quantity: 2 }], total: 25, createdAt: TS } } });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const perEventOf = (c: Classification) => ('perEvent' in c ? c.perEvent : {});
const eventsRequest = (records: MappedEvent[]): RequestDescriptor => iterable.send(records, ctx())[0]!;

test('send: users to /api/users/bulkUpdate, events to /api/events/trackBulk, each purchase to /api/commerce/trackPurchase; header Api-Key; eventIds in the order of the records', () => {
  const requests = iterable.send([ev('e1'), user('i1'), purchase('p1'), ev('e2', 'u-9'), purchase('p2')], ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://api.iterable.com/api/users/bulkUpdate', headers: HEADERS, body: { users: [(user('i1').payload as { item: JsonObject }).item] }, eventIds: ['i1'], endpoint: 'bulkUpdate' },
    { method: 'POST', url: 'https://api.iterable.com/api/events/trackBulk', headers: HEADERS, body: { events: [(ev('e1').payload as { item: JsonObject }).item, (ev('e2', 'u-9').payload as { item: JsonObject }).item] }, eventIds: ['e1', 'e2'], endpoint: 'trackBulk' },
    { method: 'POST', url: 'https://api.iterable.com/api/commerce/trackPurchase', headers: HEADERS, body: (purchase('p1').payload as { item: JsonObject }).item, eventIds: ['p1'], endpoint: 'trackPurchase' },
    { method: 'POST', url: 'https://api.iterable.com/api/commerce/trackPurchase', headers: HEADERS, body: (purchase('p2').payload as { item: JsonObject }).item, eventIds: ['p2'], endpoint: 'trackPurchase' },
  ]);
  assert.equal(iterable.send([ev('e1')], ctx({ region: 'eu' }))[0]!.url, 'https://api.eu.iterable.com/api/events/trackBulk');
  assert.equal(apiBaseOf({}), 'https://api.iterable.com');
  assert.equal(iterable.send([ev('e1')], ctx({ api_key: ` ${KEY}\n` }))[0]!.headers!['Api-Key'], KEY, 'trimmed: a header value cannot end in a line break');
  assert.deepEqual(iterable.send([], ctx()), []);
  assert.throws(() => iterable.send([{ id: 'x', event: browserEvent(), payload: { eventName: 'raw' } }], ctx()), /event x holds no Iterable record/);
});

test('send: at most 1,000 records and 4,000,000 bytes a bulk request, every event once, in order; a user updated twice goes in two bulkUpdate requests (failures name users, not positions)', () => {
  const many = Array.from({ length: 2001 }, (_, i) => ev(`e${i}`));
  assert.deepEqual(iterable.send(many, ctx()).map((r) => r.eventIds.length), [1000, 1000, 1]);
  const big = Array.from({ length: 30 }, (_, i) => ev(`b${i}`, `u-${i}`, { dataFields: { blob: 'x'.repeat(300_000) } }));
  const requests = iterable.send(big, ctx());
  assert.ok(requests.length >= 3);
  for (const request of requests) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= 4_000_000, 'within 4,000,000 bytes');
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  assert.deepEqual(iterable.batch, { maxEvents: 1000, maxBytes: MAX_BODY_BYTES });
  const users = iterable.send([user('a', 'u-1'), user('b', 'u-2'), user('c', 'u-1'), user('d', 'u-3')], ctx());
  assert.deepEqual(users.map((r) => r.eventIds), [['a', 'b'], ['c', 'd']]);
  const events = iterable.send([ev('a', 'u-1'), ev('b', 'u-1'), ev('c', 'u-1')], ctx());
  assert.deepEqual(events.map((r) => r.eventIds), [['a', 'b', 'c']], 'a user\'s events share a request: their failures are the user\'s');
  const byEmail = iterable.send(['jane@example.com', 'JANE@example.com'].map((email, i) => ({ id: `m${i}`, event: browserEvent(), payload: { kind: 'user', item: { email, dataFields: {}, mergeNestedObjects: false } } })), ctx());
  assert.equal(byEmail.length, 2, 'emails compared without case');
});

test('identify, hybrid project: the user by userId, traits as dataFields with the email among them, firstName/lastName and phoneNumber in E.164; mergeNestedObjects as configured', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, userId: 'user-123', messageId: 'id-1', traits: { email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', phone: '07700 900123', plan: 'premium', address: { city: 'Leeds' } } });
  assert.deepEqual(recordOf(identify, { default_country_code: '44' }), {
    kind: 'user',
    item: { userId: 'user-123', dataFields: { plan: 'premium', address: { city: 'Leeds' }, firstName: 'Jane', lastName: 'Doe', phoneNumber: '+447700900123', email: 'jane@example.com' }, mergeNestedObjects: false },
  });
  assert.equal((recordOf(identify, { default_country_code: '44', merge_nested_objects: true }).item as JsonObject).mergeNestedObjects, true);
  // Without a userId, a hybrid project takes the email as the identifier.
  assert.deepEqual(recordOf({ ...identify, userId: undefined, traits: { email: 'jane@example.com', plan: 'pro' } } as CanonicalEvent), { kind: 'user', item: { email: 'jane@example.com', dataFields: { plan: 'pro' }, mergeNestedObjects: false } });
});

test('identify: userID-based projects identify by userId (email in dataFields); email-based projects by email (userId in dataFields, which is how Iterable sets it there)', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, userId: 'user-123', traits: { email: 'jane@example.com', plan: 'pro' } });
  assert.deepEqual(recordOf(identify, { project_type: 'userid' }).item, { userId: 'user-123', dataFields: { plan: 'pro', email: 'jane@example.com' }, mergeNestedObjects: false });
  assert.deepEqual(recordOf(identify, { project_type: 'email' }).item, { email: 'jane@example.com', dataFields: { plan: 'pro', userId: 'user-123' }, mergeNestedObjects: false });
  assert.deepEqual(recordOf({ ...identify, userId: 'null' } as CanonicalEvent, { project_type: 'email' }).item, { email: 'jane@example.com', dataFields: { plan: 'pro' }, mergeNestedObjects: false }, 'a placeholder userId is no userId');
});

test('identify: profile fields Iterable manages, identity fields and blank text are never sent, whatever the traits or the blueprint hold', () => {
  const traits: JsonObject = { plan: 'pro', email: 'jane@example.com', emailListIds: [12], unsubscribedChannelIds: [3], subscribedMessageTypeIds: [4], userListIds: [5], devices: [], itblInternal: {}, signupDate: '2020-01-01', ' userId ': 'evil', nickname: '  ', cleared: null };
  const item = recordOf(browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits })).item as JsonObject;
  assert.deepEqual(item.dataFields, { plan: 'pro', cleared: null, email: 'jane@example.com' });
  for (const field of ['emailListIds', 'unsubscribedMessageTypeIds', 'shoppingCartItems', 'profileUpdatedAt', 'itblUserId']) assert.ok(NEVER_FROM_SITE.has(field), field);
});

test('identify: what Iterable would refuse dead-letters it saying why — a phone without a country code, a malformed email, a userId over 52 characters or not ASCII', () => {
  const identify = (traits: JsonObject, userId: string = 'u-1', config: Record<string, JsonValue> = {}) => errorOf(browserEvent({ type: 'identify', event: undefined, userId, traits }), config);
  assert.match(identify({ phone: '07700 900123' }), /phoneNumber "07700 900123" cannot be read as a phone number in E\.164 \(it has no country code: set config\.default_country_code\)/);
  assert.match(identify({ email: 'jane@example' }), /^the identify was not sent: the email "jane@example" \(traits\.email, or context\.traits\.email\) is not an email address Iterable accepts/);
  assert.match(identify({}, 'u'.repeat(53)), /^the userId has 53 characters, and Iterable takes at most 52/);
  assert.match(identify({}, 'usér-1'), /^the userId holds characters other than printable ASCII, which Iterable refuses/);
  assert.match(identify({ email: 'jane@example.com' }, 'usér-1', { project_type: 'email' }), /^the identify was not sent: the userId holds characters other than printable ASCII/);
  assert.equal(MAX_USER_ID_CHARS, 52);
  assert.equal(userIdProblem('u'.repeat(52)), undefined);
  assert.equal(normalizeEmail(' Jane@Example.COM '), 'jane@example.com');
  for (const bad of ['jane', 'jane@example', 'jane doe@example.com', 'a@b@c.com', 42]) assert.equal(normalizeEmail(bad), undefined, String(bad));
});

test('track: a custom event with the messageId as id (Iterable updates, not duplicates, an id it has), createdAt in Unix seconds, properties as dataFields without contact information', () => {
  const event = browserEvent({ userId: 'user-123', messageId: 'ajs-1', properties: { plan: 'pro', seats: 3, email: 'jane@example.com', customer: { phone: '+44 7700 900123', tier: 'gold' } } });
  assert.deepEqual(recordOf(event), { kind: 'event', item: { userId: 'user-123', eventName: 'Signed Up', id: 'ajs-1', createdAt: TS, dataFields: { plan: 'pro', seats: 3, customer: { tier: 'gold' } } } });
  assert.deepEqual(eventData({ email: 'jane@example.com' }, 'event'), undefined, 'nothing left: no dataFields');
  assert.deepEqual(recordOf(browserEvent({ userId: 'u-1', properties: {} })).item, { userId: 'u-1', eventName: 'Signed Up', id: 'm-1', createdAt: TS });
});

test('track: the identifier by project type — an email-based project takes the email a person\'s identify left in context.traits; events without the identifier are dead-lettered saying why', () => {
  const remembered = browserEvent({ userId: 'user-123', context: { traits: { email: 'Jane@Example.com' } } });
  assert.deepEqual((recordOf(remembered, { project_type: 'email' }).item as JsonObject).email, 'jane@example.com');
  assert.equal((recordOf(remembered, { project_type: 'email' }).item as JsonObject).userId, undefined, 'one identifier: Iterable wants "an email or a userId (but not both)"');
  assert.equal((recordOf(remembered, { project_type: 'userid' }).item as JsonObject).userId, 'user-123');
  assert.deepEqual(Object.keys(recordOf(remembered, { project_type: 'hybrid' }).item as JsonObject).slice(0, 1), ['userId']);
  assert.equal((recordOf(browserEvent({ context: { traits: { email: 'jane@example.com' } } })).item as JsonObject).email, 'jane@example.com', 'hybrid: a visitor who left an email');

  assert.match(errorOf(browserEvent(), { project_type: 'userid' }), /^Iterable's userID-based projects identify users by userId, and this event has none \(userId null: an anonymous visitor's, or a placeholder such as "null"\)/);
  assert.match(errorOf(browserEvent({ userId: 'undefined' }), { project_type: 'userid' }), /userId "undefined"/);
  assert.match(errorOf(browserEvent({ userId: 'u-1' }), { project_type: 'email' }), /^Iterable's email-based projects identify users by email, and this event has none \(neither traits\.email nor context\.traits\.email/);
  assert.match(errorOf(browserEvent()), /^Iterable identifies users by userId or email, and this event has neither/);
  // A malformed email is refused only where it would be sent.
  const malformed = browserEvent({ userId: 'u-1', context: { traits: { email: 'not-an-email' } } });
  assert.equal((recordOf(malformed, { project_type: 'userid' }).item as JsonObject).userId, 'u-1');
  assert.match(errorOf(malformed, { project_type: 'email' }), /the email "not-an-email" .* is not an email address Iterable accepts/);
});

test('track: email campaign attribution from Iterable\'s cookies as campaignId and templateId (whole numbers; anything else left out)', () => {
  const clicked = (cookies: Record<string, string>) => recordOf(browserEvent({ userId: 'u-1', context: { cookies } })).item as JsonObject;
  assert.deepEqual([clicked({ iterableEmailCampaignId: '1234567', iterableTemplateId: '89012' }).campaignId, clicked({ iterableEmailCampaignId: '1234567', iterableTemplateId: '89012' }).templateId], [1234567, 89012]);
  assert.equal(clicked({ iterableEmailCampaignId: 'abc' }).campaignId, undefined);
  assert.equal(clicked({ iterableEmailCampaignId: '-5' }).campaignId, undefined);
  assert.deepEqual(iterable.cookies, ['iterableEmailCampaignId', 'iterableTemplateId']);
  assert.equal((fitRecord({ kind: 'event', userId: 'u-1', eventName: 'X', campaignId: 0, templateId: 1.5 }, browserEvent(), { projectType: 'hybrid', mergeNestedObjects: false }).item as JsonObject).campaignId, undefined);
});

test('track: Segment\'s product events keep the product\'s name as product_name (a top-level name would be taken for a person\'s)', () => {
  const item = recordOf(browserEvent({ userId: 'u-1', event: 'Product Viewed', properties: { product_id: 'P-1', name: 'Trail Shoe', price: 89 } })).item as JsonObject;
  assert.deepEqual(item.dataFields, { product_id: 'P-1', price: 89, product_name: 'Trail Shoe' });
});

test('Order Completed: a purchase with the order id as id, the products as items (id, sku, name, categories, price, quantity, url, imageUrl), the total, the order\'s other properties as dataFields; one request each', () => {
  const order = browserEvent({
    userId: 'user-123', event: 'Order Completed', messageId: 'order-msg-1',
    context: { cookies: { iterableEmailCampaignId: '555', iterableTemplateId: '777' } },
    properties: {
      order_id: 'SO-1', total: 131, revenue: 124.5, currency: 'EUR', coupon: 'SUMMER',
      products: [
        { product_id: 'P-1', sku: 'MUG-BLK', name: 'Mug', price: '12.5', quantity: 2, category: 'Kitchen', url: 'https://shop.example.com/p/1', image_url: 'https://shop.example.com/p/1.jpg', brand: 'Acme' },
        { product_id: 'P-2', name: 'T-shirt', price: 99.5 },
        { sku: 'NO-NAME', price: 3 },
      ],
    },
  });
  const result = mapped(order);
  assert.deepEqual(result.payload, {
    kind: 'purchase',
    item: {
      id: 'SO-1', user: { userId: 'user-123' },
      items: [
        { id: 'P-1', sku: 'MUG-BLK', name: 'Mug', categories: ['Kitchen'], price: 12.5, quantity: 2, imageUrl: 'https://shop.example.com/p/1.jpg', url: 'https://shop.example.com/p/1', dataFields: { brand: 'Acme' } },
        { id: 'P-2', name: 'T-shirt', price: 99.5, quantity: 1 },
      ],
      total: 131, createdAt: TS, dataFields: { order_id: 'SO-1', total: 131, revenue: 124.5, currency: 'EUR', coupon: 'SUMMER' }, campaignId: 555, templateId: 777,
    },
  });
  assert.deepEqual(result.warnings, ['items[2].name is required but name / item_name are missing; the element was left out']);
  const { order_id: _orderId, ...withoutOrderId } = order.properties!;
  assert.equal((recordOf({ ...order, properties: withoutOrderId }).item as JsonObject).id, 'order-msg-1', 'no order id: the messageId');
  assert.deepEqual((recordOf({ ...order, context: { traits: { email: 'jane@example.com' } } } as CanonicalEvent, { project_type: 'email' }).item as JsonObject).user, { email: 'jane@example.com' }, 'the identifier the project takes');
  assert.match(errorOf({ ...order, properties: { order_id: 'SO-2', total: 5, products: [] } } as CanonicalEvent), /items is required/);
  assert.match(errorOf({ ...order, properties: { order_id: 'SO-2', products: [{ product_id: 'P', name: 'N', price: 1 }] } } as CanonicalEvent), /total is required/);
  assert.throws(() => fitRecord({ kind: 'purchase', userId: 'u-1', total: 1, items: [{ id: 'P', name: 'N', price: 1 }] }, order, { projectType: 'hybrid', mergeNestedObjects: false }), /items\[0\] has no quantity as a whole number/);
  assert.throws(() => fitRecord({ kind: 'purchase', userId: 'u-1', total: 1, items: [] }, order, { projectType: 'hybrid', mergeNestedObjects: false }), /Iterable needs a purchase's items/);
});

test('page and screen calls: not sent by the default variant; custom events Page Viewed and Screen Viewed with with_page_views', () => {
  const page = browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'u-1', properties: { plan_shown: 'pro' }, context: { page: { url: 'https://shop.example.com/pricing?x=1', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/', search: '?x=1' } } });
  assert.equal(mapped(page).payload, null);
  assert.equal(mapped(page).error, undefined, 'dropped, not an error');
  assert.deepEqual(recordOf(page, {}, 'with_page_views').item, {
    userId: 'u-1', eventName: 'Page Viewed', id: 'm-1', createdAt: TS,
    dataFields: { plan_shown: 'pro', url: 'https://shop.example.com/pricing?x=1', path: '/pricing', title: 'Pricing', referrer: 'https://www.google.com/', search: '?x=1', page_name: 'Pricing' },
  });
  const screen = browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'u-1', properties: {} });
  assert.deepEqual((recordOf(screen, {}, 'with_page_views').item as JsonObject).eventName, 'Screen Viewed');
  assert.deepEqual((recordOf(screen, {}, 'with_page_views').item as JsonObject).dataFields, { screen_name: 'Home' });
  for (const type of ['alias', 'group'] as const) assert.equal(mapped(browserEvent({ type, event: undefined, userId: 'u-1' }), {}, 'with_page_views').payload, null, type);
});

test('fitRecord: a kind the plugin does not send, an id over 512 bytes, a record over 4 MB are refused saying so', () => {
  const options = { projectType: 'hybrid' as const, mergeNestedObjects: false };
  assert.throws(() => fitRecord({ kind: 'cart', userId: 'u-1' }, browserEvent(), options), /the kind "cart": Signal sends Iterable the kinds user, event, purchase/);
  assert.throws(() => fitRecord({ kind: 'event', userId: 'u-1', eventName: 'X', id: 'i'.repeat(513) }, browserEvent(), options), /id has 513 bytes and Iterable takes at most 512/);
  assert.throws(() => fitRecord({ kind: 'event', userId: 'u-1', eventName: '  ' }, browserEvent(), options), /Iterable needs the event's name/);
  assert.throws(() => fitRecord({ kind: 'event', userId: 'u-1', eventName: 'X', dataFields: { blob: 'x'.repeat(4_000_000) } }, browserEvent(), options), /over the 4000000 bytes of one request/);
  assert.deepEqual(fitRecord({ kind: 'event', userId: 'u-1', eventName: 'X', createdAt: 1711296000123 }, browserEvent(), options).item, { userId: 'u-1', eventName: 'X', id: 'm-1', createdAt: TS }, 'milliseconds read as such');
});

test('classify: a bulk 200 without failures delivers every event; failures named by userId or email dead-letter exactly those events with what Iterable\'s list means', () => {
  const request = eventsRequest([ev('e1', 'u-1'), ev('e2', 'u-2'), ev('e3', 'u-2'), { ...ev('e4'), payload: { kind: 'event', item: { email: 'jane@example.com', eventName: 'Viewed', id: 'e4', createdAt: TS } } }]);
  assert.deepEqual(classifyIterable(answer(200, { successCount: 4, failCount: 0, failedUpdates: {} }), request, ctx()), { status: 'delivered' });
  const forgotten = classifyIterable(answer(200, { successCount: 1, failCount: 3, failedUpdates: { forgottenUserIds: ['u-2'], invalidEmails: ['JANE@example.com'] } }), request, ctx());
  assert.deepEqual(Object.keys(perEventOf(forgotten)), ['e2', 'e3', 'e4'], 'every event of the named user; emails compared without case');
  assert.deepEqual(perEventOf(forgotten).e2, { status: 'dead_letter', reason: 'Iterable did not record the event: Iterable has forgotten this user (a GDPR forget): it records nothing more about them unless they are unforgotten in Iterable (failedUpdates.forgottenUserIds)' });
  assert.deepEqual(perEventOf(forgotten).e4, { status: 'dead_letter', reason: 'Iterable did not record the event: Iterable found the email address malformed (failedUpdates.invalidEmails)' });
});

test('classify: an event of a user Iterable does not have yet (notFound…) is tried again — the bulkUpdate creating the user may still be in progress — and a disallowed event name is dead-lettered', () => {
  const request = eventsRequest([ev('e1', 'u-1'), { ...ev('e2', 'u-2'), payload: { kind: 'event', item: { userId: 'u-2', eventName: 'Blocked', id: 'e2', createdAt: TS } } }]);
  const outcome = classifyIterable(answer(200, { successCount: 0, failCount: 2, failedUpdates: { notFoundUserIds: ['u-1'] }, disallowedEventNames: ['Blocked'] }), request, ctx());
  assert.equal(perEventOf(outcome).e1!.status, 'retry');
  assert.match(reasonOf(perEventOf(outcome).e1!), /^Iterable did not record the event: Iterable has no user with this userId \(failedUpdates\.notFoundUserIds\)\. It records events of existing users only: sent again/);
  assert.deepEqual(perEventOf(outcome).e2, { status: 'dead_letter', reason: 'Iterable did not record the event: the project does not accept events of this name (disallowedEventNames)' });
});

test('classify: bulkUpdate failures — a conflict names the email given in dataFields, invalid data the user, a malformed value found in dataFields too', () => {
  const users = iterable.send([
    user('i1', 'u-1', { dataFields: { email: 'taken@example.com' } }),
    user('i2', 'u-2', { dataFields: { plan: 3 } }),
    user('i3', 'u-3', { dataFields: { email: 'bad@' } }),
    user('i4', 'u-4', { dataFields: { email: 'fine@example.com' } }),
  ], ctx())[0]!;
  const outcome = classifyIterable(answer(200, { successCount: 1, failCount: 3, failedUpdates: { conflictEmails: ['taken@example.com'], invalidDataUserIds: ['u-2'], invalidEmails: ['bad@'] } }), users, ctx());
  assert.deepEqual(Object.keys(perEventOf(outcome)).sort(), ['i1', 'i2', 'i3']);
  assert.match(reasonOf(perEventOf(outcome).i1!), /^Iterable did not record the user update: the email given in dataFields belongs to another Iterable user.*\(failedUpdates\.conflictEmails\)$/);
  assert.match(reasonOf(perEventOf(outcome).i2!), /Iterable refused the user's data fields .*\(failedUpdates\.invalidDataUserIds\)$/);
  assert.equal(perEventOf(outcome).i3!.status, 'dead_letter');
  // The deprecated top-level lists, when an answer has no failedUpdates.
  const old = classifyIterable(answer(200, { successCount: 3, failCount: 1, invalidUserIds: ['u-4'] }), users, ctx());
  assert.deepEqual(Object.keys(perEventOf(old)), ['i4']);
});

test('classify: more failures counted than named splits the request to find them; one event alone is dead-lettered saying Iterable gave no reason', () => {
  const request = eventsRequest([ev('e1', 'u-1'), ev('e2', 'u-2'), ev('e3', 'u-3')]);
  const split = classifyIterable(answer(200, { successCount: 1, failCount: 2, failedUpdates: { forgottenUserIds: ['u-1'] } }), request, ctx());
  assert.equal(statusOf(split), 'split');
  assert.match(reasonOf(split), /^Iterable reported 2 of 3 events failed and named 1 in its answer: sending the request in halves to find the other$/);
  const alone = classifyIterable(answer(200, { successCount: 0, failCount: 1, failedUpdates: {} }), eventsRequest([ev('e1')]), ctx());
  assert.deepEqual(perEventOf(alone), { e1: { status: 'dead_letter', reason: 'Iterable did not record the event (failCount 1) and named no reason in failedUpdates (one documented cause: Iterable requires identically named data fields of events of the same name to be of the same type, so compare this event\'s dataFields with earlier ones of its name)' } });
});

test('classify: a bulk 200 is read for its failure lists even without a failCount (a record a list names is never counted delivered); a 2xx failure code that counts nothing splits several records and dead-letters one', () => {
  const request = eventsRequest([ev('e1', 'u-1'), ev('e2', 'u-2')]);
  const noCount = classifyIterable(answer(200, { failedUpdates: { forgottenUserIds: ['u-2'] } }), request, ctx());
  assert.deepEqual(Object.keys(perEventOf(noCount)), ['e2']);
  assert.equal(perEventOf(noCount).e2!.status, 'dead_letter');
  assert.deepEqual(classifyIterable(answer(200, { disallowedEventNames: ['Viewed'] }), eventsRequest([ev('e1')]), ctx()), { perEvent: { e1: { status: 'dead_letter', reason: 'Iterable did not record the event: the project does not accept events of this name (disallowedEventNames)' } } });
  assert.deepEqual(classifyIterable(answer(200, {}), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyIterable(answer(200, ''), request, ctx()), { status: 'delivered' });
  // trackBulk's documented answer with its content type, and a page that is not Iterable's: sent again, never counted recorded.
  const documented = { successCount: 2, failCount: 0, invalidEmails: [], invalidUserIds: [], disallowedEventNames: [], filteredOutFields: [], createdFields: [], failedUpdates: { invalidEmails: [], invalidUserIds: [], notFoundEmails: [], notFoundUserIds: [], forgottenEmails: [], forgottenUserIds: [], conflictEmails: [], conflictUserIds: [], invalidDataEmails: [], invalidDataUserIds: [] } };
  assert.deepEqual(classifyIterable(answer(200, documented, { 'content-type': 'application/json' }), request, ctx()), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyIterable(answer(200, page, { 'content-type': 'text/html' }), request, ctx()), { status: 'retry', reason: `HTTP 200 without Iterable's JSON answer: ${page} — not Iterable's answer (a proxy?), so the records are sent again` });
  const failed = answer(200, { msg: 'Could not process', code: 'GenericError' });
  assert.equal(statusOf(classifyIterable(failed, request, ctx())), 'split');
  assert.deepEqual(classifyIterable(failed, eventsRequest([ev('e1')]), ctx()), { status: 'dead_letter', reason: 'Iterable did not record the event (HTTP 200: GenericError: Could not process)' });
  assert.deepEqual(classifyIterable(answer(200, { successCount: 2, failCount: 0, code: 'Success' }), request, ctx()), { status: 'delivered' });
});

test('classify: the deprecated top-level invalidUserIds names users not found in trackBulk\'s answer (tried again), malformed userIds in bulkUpdate\'s (dead-lettered)', () => {
  const events = classifyIterable(answer(200, { successCount: 1, failCount: 1, invalidUserIds: ['u-2'] }), eventsRequest([ev('e1', 'u-1'), ev('e2', 'u-2')]), ctx());
  assert.equal(perEventOf(events).e2!.status, 'retry');
  assert.match(reasonOf(perEventOf(events).e2!), /^Iterable did not record the event: Iterable has no user with this userId \(invalidUserIds\)/);
  const users = classifyIterable(answer(200, { successCount: 1, failCount: 1, invalidUserIds: ['u-2'] }), iterable.send([user('i1', 'u-1'), user('i2', 'u-2')], ctx())[0]!, ctx());
  assert.deepEqual(perEventOf(users), { i2: { status: 'dead_letter', reason: 'Iterable did not record the user update: Iterable found the userId malformed (empty, too long, non-ASCII or non-printable characters, or a trailing space) (invalidUserIds)' } });
  const notFoundUser = classifyIterable(answer(200, { successCount: 0, failCount: 1, failedUpdates: { notFoundUserIds: ['u-1'] } }), iterable.send([user('i1', 'u-1')], ctx())[0]!, ctx());
  assert.equal(perEventOf(notFoundUser).i1!.status, 'dead_letter', 'a user update is not an event: bulkUpdate creates users, nothing to wait for');
});

test('classify: trackPurchase — 200 Success delivered, a 2xx whose code is no success dead-lettered, 409 (email/userId conflict) dead-lettered with Iterable\'s words; a bulk request\'s 409 split', () => {
  const request = iterable.send([purchase('p1')], ctx())[0]!;
  assert.deepEqual(classifyIterable(answer(200, { msg: '', code: 'Success', params: { id: 'o-p1' } }), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyIterable(answer(200, { msg: 'Purchase could not be tracked', code: 'GenericError' }), request, ctx()), { status: 'dead_letter', reason: 'Iterable did not record the purchase (HTTP 200: GenericError: Purchase could not be tracked)' });
  assert.deepEqual(classifyIterable(answer(409, { msg: 'Email and userId belong to different users', code: 'ExternalKeyConflict' }), request, ctx()), { status: 'dead_letter', reason: 'Iterable refused the purchase for an email/userId conflict (HTTP 409: ExternalKeyConflict: Email and userId belong to different users): the user\'s email and userId belong to different Iterable users' });
  assert.equal(statusOf(classifyIterable(answer(409, { msg: 'conflict', code: 'ExternalKeyConflict' }), eventsRequest([ev('e1'), ev('e2')]), ctx())), 'split', 'a bulk request\'s conflict is one record\'s: not every record dead-lettered');
});

test('classify: 400 — a bulk request of several events in Iterable\'s shape is split to find the record; one event, or an answer not in Iterable\'s shape, dead-lettered with Iterable\'s code and message', () => {
  const several = eventsRequest([ev('e1'), ev('e2')]);
  const badParams = answer(400, { msg: 'Field type mismatch for plan', code: 'RequestFieldsTypesMismatched', params: null });
  assert.equal(statusOf(classifyIterable(badParams, several, ctx())), 'split');
  assert.deepEqual(classifyIterable(badParams, eventsRequest([ev('e1')]), ctx()), { status: 'dead_letter', reason: 'Iterable refused the event (HTTP 400: RequestFieldsTypesMismatched: Field type mismatch for plan)' });
  assert.deepEqual(classifyIterable(answer(400, '<html>Bad Request</html>'), several, ctx()), { status: 'dead_letter', reason: 'Iterable refused the events (HTTP 400: <html>Bad Request</html>)' });
  assert.equal(statusOf(classifyIterable(answer(400, { msg: 'Too many', code: 'BatchTooLarge' }), several, ctx())), 'split');
  assert.equal(statusOf(classifyIterable(answer(413, ''), several, ctx())), 'split');
  assert.match(reasonOf(classifyIterable(answer(413, ''), eventsRequest([ev('e1')]), ctx())), /^Iterable refused this event alone as too large \(HTTP 413\)/);
});

test('classify: refused keys (401, 403, BadApiKey in a 400) dead-letter naming api_key and region; 404 names the URL; 429 waits for Retry-After; RateLimitExceeded in another status is a rate limit; 5xx retried', () => {
  const request = eventsRequest([ev('e1'), ev('e2')]);
  const refused = classifyIterable(answer(401, { msg: 'Invalid API key', code: 'BadApiKey' }), request, ctx());
  assert.deepEqual(refused, { status: 'dead_letter', reason: 'Iterable refused the API key (HTTP 401: BadApiKey: Invalid API key): check config.api_key (a Server-side API key of the project: JavaScript and Mobile keys cannot call this endpoint) and that config.region is the project\'s data center (a key works only in its own: api.iterable.com or api.eu.iterable.com)' });
  assert.equal(statusOf(classifyIterable(answer(400, { msg: 'bad key', code: 'BadApiKey' }), request, ctx())), 'dead_letter', 'not split: no record caused it');
  assert.match(reasonOf(classifyIterable(answer(403, { msg: 'Forbidden', code: 'Forbidden' }), request, ctx())), /^Iterable refused the API key \(HTTP 403: Forbidden: Forbidden\): check config\.api_key/);
  assert.match(reasonOf(classifyIterable(answer(404, ''), request, ctx())), /^Iterable answered HTTP 404: the URL is not an endpoint of its API \(https:\/\/api\.iterable\.com\/api\/events\/trackBulk\)$/);
  const throttled = classifyIterable(answer(429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' }, { 'Retry-After': '7' }), request, ctx());
  assert.deepEqual(throttled, { status: 'retry', reason: 'Iterable rate-limited the project (HTTP 429: RateLimitExceeded: Rate limit exceeded)', retryAfterMs: 7000 });
  assert.deepEqual(classifyIterable(answer(400, { msg: 'slow down', code: 'RateLimitExceeded' }), request, ctx()), { status: 'retry', reason: 'Iterable rate-limited the project (HTTP 400: RateLimitExceeded: slow down)', throttled: true });
  assert.deepEqual(classifyIterable(answer(503, 'upstream unavailable'), request, ctx()), { status: 'retry', reason: 'Iterable HTTP 503: upstream unavailable' });
  assert.equal(statusOf(classifyIterable(answer(408, ''), request, ctx())), 'retry');
});

test('config: the schema requires the key and the project type; validateIterableConfig refuses white space in the key and an email-based project in the EU data center, naming the field', () => {
  const validate = createConfigAjv().compile(iterable.config);
  assert.equal(validate({ api_key: KEY }), false);
  assert.match(JSON.stringify(validate.errors), /project_type/);
  assert.equal(validate({ api_key: KEY, project_type: 'other' }), false);
  const config: Record<string, JsonValue> = { api_key: KEY, project_type: 'userid' };
  assert.equal(validate(config), true);
  assert.deepEqual([config.region, config.deletion_action, config.forward_deletions, config.merge_nested_objects], ['us', 'forget', true, false], 'defaults');
  assert.deepEqual(validateIterableConfig({ api_key: KEY, project_type: 'hybrid', region: 'eu' }), []);
  assert.deepEqual(validateIterableConfig({ api_key: `${KEY}\n`, project_type: 'hybrid' }), [], 'a trailing line break is trimmed when sent');
  const problems = validateIterableConfig({ api_key: '0123 4567 89ab cdef', project_type: 'email', region: 'eu' });
  assert.deepEqual(problems.map((p) => p.field), ['api_key', 'project_type']);
  assert.match(problems[0]!.message, /^holds white space or a line break/);
  assert.match(problems[1]!.message, /Iterable's European data center \(EDC\) has no email-based projects/);
  assert.ok(!problems.some((p) => p.message.includes('0123')), 'messages never repeat the key');
});

test('person deletions: GDPR forget by userId in hybrid and userID-based projects; an anonymousId alone, a placeholder or a malformed userId skipped; forward_deletions false turns it off', () => {
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: VISITOR }, ctx()), { method: 'POST', url: 'https://api.iterable.com/api/users/forget', headers: HEADERS, body: { userId: 'u-1' }, eventIds: [] });
  assert.deepEqual((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ project_type: 'userid', region: 'eu' })) as RequestDescriptor).url, 'https://api.eu.iterable.com/api/users/forget');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: VISITOR }, ctx()), { skipped: ANONYMOUS_NO_EMAIL });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: VISITOR, emails: ['jane@example.com'] }, ctx({ project_type: 'userid' })), { skipped: ANONYMOUS_ONLY }, 'userID-based projects find users by userId only');
  assert.match((forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()) as { skipped: string }).skipped, /placeholders the plugin never sends/);
  assert.match((forgetPerson.request({ userId: 'x'.repeat(60), anonymousId: null }, ctx()) as { skipped: string }).skipped, /^the userId has 60 characters, and Iterable takes at most 52, so the plugin never sent it/);
  assert.equal(forgetPerson.enabled({ api_key: KEY, project_type: 'hybrid' }), true);
  assert.equal(forgetPerson.enabled({ api_key: KEY, project_type: 'hybrid', forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ project_type: 'hybrid' }), false);
});

test('person deletions, email-based projects: the user looked up by userId, then forgotten by the email Iterable has; no such user is nothing to forget', () => {
  const lookup = forgetPerson.request({ userId: 'u/1', anonymousId: null }, ctx({ project_type: 'email' })) as RequestDescriptor;
  assert.deepEqual(lookup, { method: 'GET', url: 'https://api.iterable.com/api/users/byUserId', query: [['userId', 'u/1']], headers: HEADERS, eventIds: [] });
  const found = forgetPerson.read!(answer(200, { user: { email: 'jane@example.com', userId: 'u/1', dataFields: {} } }), lookup) as { next: RequestDescriptor };
  assert.deepEqual(found.next, { method: 'POST', url: 'https://api.iterable.com/api/users/forget', headers: HEADERS, body: { email: 'jane@example.com' }, eventIds: [] });
  assert.deepEqual(forgetPerson.read!(answer(200, {}), lookup), { done: true, message: 'no Iterable user has this userId: nothing to forget' });
  assert.deepEqual(forgetPerson.read!(answer(404, ''), lookup), { done: true, message: 'no Iterable user has this userId: nothing to forget' });
  assert.match((forgetPerson.read!(answer(401, { msg: 'Invalid API key', code: 'BadApiKey' }), lookup) as { failed: string }).failed, /^HTTP 401: Iterable refused the API key for the lookup of the user by userId/);
  assert.ok('retry' in forgetPerson.read!(answer(503, ''), lookup));
});

test('person deletions by the emails Signal found for the person, in email-based and hybrid projects: each looked up by email, then forgotten; or deleted by email', () => {
  const lookupOf = (email: string): RequestDescriptor => ({ method: 'GET', url: 'https://api.iterable.com/api/users/getByEmail', query: [['email', email]], headers: HEADERS, eventIds: [] });
  const forgetOf = (body: { userId: string } | { email: string }): RequestDescriptor => ({ method: 'POST', url: 'https://api.iterable.com/api/users/forget', headers: HEADERS, body, eventIds: [] });
  // Emails only: a visitor whose identify gave an email (it used to be skipped).
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: VISITOR, emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), [lookupOf('jane@example.com'), lookupOf('j.doe@work.example')]);
  // The userId's request first (hybrid: its forget), then the emails'.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx()), [forgetOf({ userId: 'u-1' }), lookupOf('jane@example.com')]);
  // A malformed userId gives way to the emails; malformed and repeated emails are left out.
  assert.deepEqual(forgetPerson.request({ userId: 'x'.repeat(60), anonymousId: null, emails: ['jane@example', 'Jane@Example.com', 'jane@example.com'] }, ctx()), [lookupOf('jane@example.com')]);
  // UserID-based projects: the userId only.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx({ project_type: 'userid' })), forgetOf({ userId: 'u-1' }));
  // Email-based projects: an email userId is an email to look up too, once.
  const emailBased = ctx({ project_type: 'email' });
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, emailBased), [
    { method: 'GET', url: 'https://api.iterable.com/api/users/byUserId', query: [['userId', 'Jane@Example.com']], headers: HEADERS, eventIds: [] }, lookupOf('jane@example.com'), lookupOf('j.doe@work.example'),
  ]);
  // A lookup by email: the user found is forgotten by the email asked for (the answer's is hidden: it is the person's).
  const lookup = lookupOf('jane@example.com');
  assert.deepEqual(forgetPerson.read!(answer(200, { user: { email: '[…]', userId: 'u-9', dataFields: {} } }), lookup), { next: forgetOf({ email: 'jane@example.com' }) });
  assert.deepEqual(forgetPerson.read!(answer(200, {}), lookup), { done: true, message: 'no Iterable user has this email: nothing to forget' });
  assert.deepEqual(forgetPerson.read!(answer(404, ''), lookup), { done: true, message: 'no Iterable user has this email: nothing to forget' });
  assert.match((forgetPerson.read!(answer(401, { msg: 'Invalid API key', code: 'BadApiKey' }), lookup) as { failed: string }).failed, /^HTTP 401: Iterable refused the API key for the lookup of the user by email/);
  // The lookup by userId answering one of the person's emails (hidden): its own request forgets it.
  const byUserId = (forgetPerson.request({ userId: 'u-2', anonymousId: null, emails: ['jane@example.com'] }, emailBased) as RequestDescriptor[])[0]!;
  assert.deepEqual(forgetPerson.read!(answer(200, { user: { email: '[…]', userId: '[…]' } }), byUserId), { done: true, message: 'the Iterable user with this userId has one of the person\'s emails, which this deletion forgets by its own request' });
  assert.ok('failed' in forgetPerson.read!(answer(200, { user: { email: 'x-[…]@example.com' } }), byUserId), 'an email with the person\'s id inside it cannot be forgotten by');
  // deletion_action delete: DELETE /api/users/{email} (encoded).
  const deletions = forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['j+doe@example.com'] }, ctx({ deletion_action: 'delete' })) as RequestDescriptor[];
  assert.deepEqual(deletions.map((r) => [r.method, r.url]), [['DELETE', 'https://api.iterable.com/api/users/byUserId/u-1'], ['DELETE', 'https://api.iterable.com/api/users/j%2Bdoe%40example.com']]);
  assert.deepEqual(forgetPerson.read!(answer(404, ''), deletions[1]), { done: true, message: 'no Iterable user has this email: nothing to delete' });
  assert.match((forgetPerson.read!(answer(200, { msg: 'deleted', code: 'Success' }), deletions[1]) as { message: string }).message, /^accepted \(HTTP 200\): Iterable deletes the user/);
});

test('person deletions: deletion_action delete sends DELETE /api/users/byUserId/{userId} (encoded) in every project type; answers read', () => {
  const deletion = forgetPerson.request({ userId: 'u/1 2', anonymousId: null }, ctx({ project_type: 'email', deletion_action: 'delete' })) as RequestDescriptor;
  assert.deepEqual(deletion, { method: 'DELETE', url: 'https://api.iterable.com/api/users/byUserId/u%2F1%202', headers: HEADERS, eventIds: [] });
  assert.match((forgetPerson.read!(answer(200, { msg: 'deleted', code: 'Success' }), deletion) as { done: true; message: string }).message, /^accepted \(HTTP 200\): Iterable deletes the user and their data asynchronously/);
  assert.deepEqual(forgetPerson.read!(answer(404, ''), deletion), { done: true, message: 'no Iterable user has this userId: nothing to delete' });
  assert.deepEqual(forgetPerson.read!(answer(400, { msg: 'User not found', code: 'NotFound' }), deletion), { done: true, message: 'no Iterable user has this userId: nothing to delete' });
});

test('person deletions: the forget\'s answers — 2xx Success done saying what Iterable does, a 2xx with another code failed, 429 (3 a second, 1,000 a day) and 5xx tried again, other 4xx failed with Iterable\'s words', () => {
  const forget = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx()) as RequestDescriptor;
  const read = (response: VendorResponse): ForgetOutcome => forgetPerson.read!(response, forget);
  assert.deepEqual(read(answer(200, { msg: '', code: 'Success', params: null })), { done: true, message: `accepted (HTTP 200): ${FORGOTTEN}` });
  assert.deepEqual(read(answer(200, { msg: 'nope', code: 'GenericError' })), { failed: 'HTTP 200, code GenericError (Iterable: {"msg":"nope","code":"GenericError"})' });
  assert.ok('retry' in read(answer(429, { msg: 'Daily cap', code: 'RateLimitExceeded' })));
  assert.ok('retry' in read(answer(400, { msg: 'slow', code: 'RateLimitExceeded' })));
  assert.ok('retry' in read(answer(502, '')));
  assert.deepEqual(read(answer(400, { msg: 'Invalid userId', code: 'InvalidUserIdError' })), { failed: 'HTTP 400 (Iterable: {"msg":"Invalid userId","code":"InvalidUserIdError"})' });
  assert.match((read(answer(403, '')) as { failed: string }).failed, /^HTTP 403: Iterable refused the API key for the forget: check config\.api_key/);
  assert.deepEqual(forgetPerson.read!(answer(200, {})), { done: true, message: `accepted (HTTP 200): ${FORGOTTEN}` }, 'read without its request (the conformance suite) is a forget\'s');
});

test('metadata: category other, consent marketing, Iterable\'s rates per endpoint (bulkUpdate 5 requests a second per project, trackBulk 10), the two variants\' blueprints', () => {
  assert.equal(iterable.id, 'iterable');
  assert.equal(iterable.category, 'other');
  assert.deepEqual(iterable.consent, ['marketing']);
  assert.deepEqual(iterable.rateLimit, { rps: 20, burst: 20, endpoints: { bulkUpdate: { rps: 5, burst: 5 }, trackBulk: { rps: 10, burst: 10 }, trackPurchase: { rps: 5, burst: 5 } } });
  assert.deepEqual(Object.fromEntries(Object.entries(iterable.variants).map(([name, v]) => [name, v.blueprint])), { default: 'iterable/default.yaml', with_page_views: 'iterable/with_page_views.yaml' });
});
