import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ClassifyResult, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import algolia, { validateAlgoliaConfig } from './index.ts';
import { classifyAlgolia } from './classify.ts';
import { forgetPerson } from './forget-person.ts';
import { insightsBaseOf } from './hosts.ts';
import { userTokenOf } from './user-token.ts';

const APP = 'LATENCY123';
const KEY = '0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const VISITOR = 'df_abc123def456';
const QUERY = '43b15df305339e827f0ac0bdc5ebcaa7';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { app_id: APP, api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const track = (event: string, properties: JsonObject, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event, properties, messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z', context: {},
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/algolia_insights/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(algolia, { variant: 'default', blueprint }, ctx(config))(event);
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const TS = Date.parse('2024-03-24T15:59:00.000Z');
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: track('Product Viewed', {}, { messageId: id }), payload: { eventType: 'view', eventName: 'Product Viewed', index: 'products', userToken: `u-${id}`, objectIDs: ['sku-1'], ...extra } });
const request = (ids: string[]): RequestDescriptor => algolia.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };

test('Product Clicked after a search: a click with the product as objectIDs, its position and the query; the visitor as userToken, the user as authenticatedUserToken', () => {
  const payload = payloadOf(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', query_id: QUERY, position: 3, name: 'Shoe' }, { userId: 'user-1' }));
  assert.deepEqual(payload, {
    eventType: 'click', eventName: 'Product Clicked', index: 'products', userToken: VISITOR, authenticatedUserToken: 'user-1', timestamp: TS,
    queryID: QUERY, objectIDs: ['sku-1'], positions: [3],
  });
});

test('Product Clicked without a search: no queryID nor positions; with a query but no position, the query is left out with a warning (Algolia would refuse it)', () => {
  assert.deepEqual(payloadOf(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', position: 2 })), {
    eventType: 'click', eventName: 'Product Clicked', index: 'products', userToken: VISITOR, timestamp: TS, objectIDs: ['sku-1'],
  });
  const result = mapped(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', query_id: QUERY }));
  assert.equal(result.payload?.queryID, undefined);
  assert.match((result.warnings ?? []).join('\n'), /query_id left out: a click after a search needs the product's position/);
  const bad = mapped(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', query_id: 'not-a-query', position: 1 }));
  assert.equal(bad.payload?.queryID, undefined);
  assert.match((bad.warnings ?? []).join('\n'), /query_id left out: "not-a-query" is not an Algolia query ID/);
  // Algolia's queryID pattern also takes agentic analytics' `message_…` ids, as they are.
  const agentic = mapped(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', query_id: 'message_Chat-42', position: 2 }));
  assert.equal(agentic.payload?.queryID, 'message_Chat-42');
  assert.deepEqual(agentic.payload?.positions, [2]);
  const agenticTooLong = mapped(track('Product Clicked', { product_id: 'sku-1', search_index: 'products', query_id: `message_${'x'.repeat(121)}`, position: 2 }));
  assert.equal(agenticTooLong.payload?.queryID, undefined);
});

test('Product Viewed: a view; the index from config.default_index when the event names none; the configured event name', () => {
  assert.deepEqual(payloadOf(track('Product Viewed', { product_id: 42 }), { default_index: 'catalog', product_viewed_name: 'Viewed Item' }), {
    eventType: 'view', eventName: 'Viewed Item', index: 'catalog', userToken: VISITOR, timestamp: TS, objectIDs: ['42'],
  });
});

test('Product Added: a conversion addToCart with objectData (price, quantity) and currency', () => {
  assert.deepEqual(payloadOf(track('Product Added', { product_id: 'sku-9', price: 19.99, quantity: 2, currency: 'eur', search_index: 'products', query_id: QUERY })), {
    eventType: 'conversion', eventSubtype: 'addToCart', eventName: 'Product Added', index: 'products', userToken: VISITOR, timestamp: TS, queryID: QUERY,
    objectIDs: ['sku-9'], objectData: [{ price: 19.99, quantity: 2 }], currency: 'EUR',
  });
  const noCurrency = mapped(track('Product Added', { product_id: 'sku-9', price: 19.99, quantity: 1, search_index: 'products' }));
  assert.deepEqual(noCurrency.payload?.objectData, [{ quantity: 1 }]);
  assert.equal(noCurrency.payload?.currency, undefined);
  assert.match((noCurrency.warnings ?? []).join('\n'), /value and prices left out: Algolia needs the currency/);
});

test('Order Completed: a conversion purchase with every product (at most 20), revenue as value, each product\'s own query', () => {
  const products = Array.from({ length: 22 }, (_, i) => ({ product_id: `p${i}`, price: 10, quantity: 1, ...(i === 0 ? { query_id: QUERY, discount: -1 } : {}) }));
  const result = mapped(track('Order Completed', { order_id: 'o-1', revenue: 220, currency: 'USD', products, search_index: 'products' }, { userId: 'jane@example.com' }));
  const payload = result.payload!;
  assert.equal(payload.eventType, 'conversion');
  assert.equal(payload.eventSubtype, 'purchase');
  assert.equal(payload.eventName, 'Order Completed');
  assert.deepEqual(payload.objectIDs, Array.from({ length: 20 }, (_, i) => `p${i}`));
  assert.deepEqual((payload.objectData as JsonObject[])[0], { price: 10, quantity: 1, discount: 1, queryID: QUERY });
  assert.equal((payload.objectData as JsonObject[]).length, 20);
  assert.equal(payload.value, 220);
  assert.equal(payload.currency, 'USD');
  assert.equal(payload.authenticatedUserToken, `sha256-${createHash('sha256').update('jane@example.com').digest('hex')}`, 'an email is never sent in clear');
  assert.match((result.warnings ?? []).join('\n'), /2 product\(s\) left out: Algolia takes at most 20 objectIDs/);
});

test('Product List Filtered: a click with filters as attribute:value, the value URL-encoded', () => {
  assert.deepEqual(payloadOf(track('Product List Filtered', { search_index: 'products', filters: [{ type: 'brand', value: 'Acme & Co' }, { attribute: 'discount', value: '10%' }, { type: 'empty' }] }, { anonymousId: undefined, userId: 'user-7' })), {
    eventType: 'click', eventName: 'Product List Filtered', index: 'products', userToken: 'user-7', authenticatedUserToken: 'user-7', timestamp: TS,
    filters: ['brand:Acme%20%26%20Co', 'discount:10%25'],
  });
  // A value cut inside an emoji (a lone surrogate) is sent, its broken half as U+FFFD, rather than failing the mapping.
  assert.deepEqual(payloadOf(track('Product List Filtered', { search_index: 'products', filters: [{ type: 'mood', value: 'ok\uD83D' }] })).filters, ['mood:ok%EF%BF%BD']);
});

test('Product List Viewed: a view of the listed products (at most 20)', () => {
  const products = Array.from({ length: 21 }, (_, i) => ({ product_id: `l${i}` }));
  const result = mapped(track('Product List Viewed', { list_id: 'shoes', search_index: 'products', query_id: QUERY, products }));
  assert.deepEqual(result.payload, {
    eventType: 'view', eventName: 'Product List Viewed', index: 'products', userToken: VISITOR, timestamp: TS, queryID: QUERY,
    objectIDs: Array.from({ length: 20 }, (_, i) => `l${i}`),
  });
  assert.match((result.warnings ?? []).join('\n'), /1 product\(s\) left out/);
});

test('not sent, with a warning: no index, no product, no user token, older than 30 days (Algolia\'s window since February 2026, 4 days before); other events are not sent', () => {
  const noIndex = mapped(track('Product Viewed', { product_id: 'sku-1' }));
  assert.equal(noIndex.payload, null);
  assert.match((noIndex.warnings ?? []).join('\n'), /not sent: no Algolia index/);
  const noProduct = mapped(track('Product Viewed', { search_index: 'products' }));
  assert.equal(noProduct.payload, null);
  assert.match((noProduct.warnings ?? []).join('\n'), /not sent: no product_id \(objectIDs\) and no filters/);
  const nobody = mapped(track('Product Viewed', { product_id: 'a', search_index: 'products' }, { anonymousId: 'undefined' }));
  assert.equal(nobody.payload, null);
  assert.match((nobody.warnings ?? []).join('\n'), /not sent: no user token/);
  const old = mapped(track('Product Viewed', { product_id: 'a', search_index: 'products' }, { timestamp: '2024-02-19T15:00:00.000Z' }));
  assert.equal(old.payload, null);
  assert.match((old.warnings ?? []).join('\n'), /more than 30 days before its delivery/);
  // Ten days old: within Algolia's 30 days, so sent (the 4 days of its former reference would lose it).
  const tenDays = mapped(track('Product Viewed', { product_id: 'a', search_index: 'products' }, { timestamp: new Date(NOW - 10 * 86_400_000).toISOString() }));
  assert.equal(tenDays.payload?.timestamp, NOW - 10 * 86_400_000);
  const thirtyOneDays = mapped(track('Product Viewed', { product_id: 'a', search_index: 'products' }, { timestamp: new Date(NOW - 31 * 86_400_000).toISOString() }));
  assert.equal(thirtyOneDays.payload, null);
  assert.equal(mapped(track('Signed Up', {})).payload, null);
  assert.equal(mapped({ ...track('x', {}), type: 'page' } as CanonicalEvent).payload, null);
});

test('user tokens: an id Algolia takes as it is; any other as sha256- and its hex digest; placeholders name no one', () => {
  assert.equal(userTokenOf('user-123_=/+'), 'user-123_=/+');
  assert.equal(userTokenOf(12345), '12345');
  assert.equal(userTokenOf('a.b'), `sha256-${createHash('sha256').update('a.b').digest('hex')}`);
  assert.equal(userTokenOf('x'.repeat(129)), `sha256-${createHash('sha256').update('x'.repeat(129)).digest('hex')}`);
  assert.equal(userTokenOf('null'), undefined);
  assert.equal(userTokenOf(''), undefined);
});

test('send: POST {region}/1/events with the application id and API key headers and the events under events', () => {
  assert.deepEqual(algolia.send([record('e1'), record('e2')], ctx()), [{
    method: 'POST', url: 'https://insights.algolia.io/1/events',
    headers: { 'content-type': 'application/json', 'x-algolia-application-id': APP, 'x-algolia-api-key': KEY },
    body: { events: [record('e1').payload, record('e2').payload] }, eventIds: ['e1', 'e2'],
  }]);
  assert.equal(algolia.send([record('e1')], ctx({ region: 'us' }))[0]!.url, 'https://insights.us.algolia.io/1/events');
  assert.equal(algolia.send([record('e1')], ctx({ region: 'de' }))[0]!.url, 'https://insights.de.algolia.io/1/events');
  assert.equal(insightsBaseOf({}), 'https://insights.algolia.io');
  assert.deepEqual(algolia.send([], ctx()), []);
});

test('send: at most 1,000 events and under 2 MB a request, every event once, in order', () => {
  assert.deepEqual(algolia.send(Array.from({ length: 2001 }, (_, i) => record(`e${i}`)), ctx()).map((r) => r.eventIds.length), [1000, 1000, 1]);
  const big = Array.from({ length: 30 }, (_, i) => record(`b${i}`, { index: 'x'.repeat(200_000) }));
  const requests = algolia.send(big, ctx());
  assert.ok(requests.length >= 4);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) < 2_000_000);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('classify: 200 {"status":200,"message":"OK"} delivered; a web page or a failure status inside a 200 is not', () => {
  assert.equal(statusOf(classifyAlgolia(answer(200, { status: 200, message: 'OK' }), request(['a']))), 'delivered');
  const page = classifyAlgolia(answer(200, '<!DOCTYPE html><html></html>', { 'content-type': 'text/html' }), request(['a']));
  assert.equal(statusOf(page), 'dead_letter');
  assert.match(reasonOf(page), /check config\.region/);
  assert.equal(statusOf(classifyAlgolia(answer(200, { status: 422, message: 'Invalid payload' }), request(['a', 'b']))), 'split');
});

test('classify: 422 splits a batch (Algolia refuses it whole for one event and does not say which); one event alone is dead-lettered with Algolia\'s words and what to fix', () => {
  const split = classifyAlgolia(answer(422, { status: 422, message: 'The timestamp is too far in the past' }), request(['a', 'b']));
  assert.equal(statusOf(split), 'split');
  const one = classifyAlgolia(answer(422, { status: 422, message: 'The timestamp is too far in the past' }), request(['a']));
  assert.equal(statusOf(one), 'dead_letter');
  assert.equal(reasonOf(one), 'Algolia refused the event (HTTP 422: The timestamp is too far in the past): Algolia takes events of the last 30 days only: replaying older dead letters cannot succeed');
  assert.match(reasonOf(classifyAlgolia(answer(422, { status: 422, message: 'EventName must contain only visible ASCII characters, and be between 1 and 64 characters long' }), request(['a']))), /config\.product_clicked_name/);
  assert.equal(statusOf(classifyAlgolia(answer(422, { status: 422, message: 'No events to process' }), request(['a', 'b']))), 'dead_letter');
});

test('classify: 400, 401/403 naming the credentials, 404 naming the region, 413 split or dead-lettered', () => {
  assert.match(reasonOf(classifyAlgolia(answer(400, 'Error: Bad Request. Your client has issued a malformed or illegal request.', { 'content-type': 'text/html' }), request(['a', 'b']))), /^Algolia refused the request as malformed \(HTTP 400: Error: Bad Request/);
  for (const status of [401, 403]) {
    const refused = classifyAlgolia(answer(status, { status, message: 'Invalid credentials' }), request(['a']));
    assert.equal(statusOf(refused), 'dead_letter');
    assert.match(reasonOf(refused), /^Algolia refused the credentials \(HTTP \d+: Invalid credentials\): check config\.app_id .* config\.api_key, a key of that application with the search ACL/);
  }
  assert.match(reasonOf(classifyAlgolia(answer(404, { status: 404, message: 'Path not supported by Insights REST API.' }), request(['a']))), /check config\.region/);
  assert.equal(statusOf(classifyAlgolia(answer(413, { status: 413, message: 'Request Entity Too Large' }), request(['a', 'b']))), 'split');
  assert.equal(statusOf(classifyAlgolia(answer(413, { status: 413, message: 'Request Entity Too Large' }), request(['a']))), 'dead_letter');
});

test('classify: 429 and 5xx retried, Retry-After honoured', () => {
  const limited = asClassification(classifyAlgolia(answer(429, { status: 429, message: 'Too Many Requests' }, { 'Retry-After': '30' }), request(['a'])));
  assert.deepEqual(limited, { status: 'retry', reason: 'Algolia rate-limited the request (HTTP 429: Too Many Requests)', retryAfterMs: 30_000 });
  for (const status of [500, 502, 503]) assert.equal(statusOf(classifyAlgolia(answer(status, 'upstream'), request(['a']))), 'retry');
});

test('config: the schema\'s required fields; white space and event names Algolia refuses are named', () => {
  assert.deepEqual(algolia.config.required, ['app_id', 'api_key']);
  assert.equal(algolia.config.properties.api_key!.secret, true);
  assert.deepEqual(validateAlgoliaConfig({ app_id: APP, api_key: KEY }), []);
  assert.deepEqual(validateAlgoliaConfig({ app_id: 'LATENCY 123', api_key: `${KEY}\nx`, deletion_api_key: 'a b', order_completed_name: 'Commande réglée' }), [
    { field: 'app_id', message: 'holds white space (copied with the text around it?): give the application ID alone' },
    { field: 'api_key', message: 'holds white space (copied with the text around it?): give the API key alone' },
    { field: 'deletion_api_key', message: 'holds white space (copied with the text around it?): give the API key alone' },
    { field: 'order_completed_name', message: 'must be 1 to 64 visible ASCII characters (Algolia refuses other event names): Commande réglée' },
  ]);
  for (const property of Object.values(algolia.config.properties)) {
    assert.ok(property.title && property.description, 'every field has a title and a description');
    if (!property.secret) assert.ok(property.examples || property.enum, `${property.title}: examples`);
  }
});

test('forgetPerson: one DELETE /1/usertokens/{token} per distinct token of the person, with the credentials; 204 done, 429 after x-ratelimit-reset, 422 failed', () => {
  assert.equal(forgetPerson.enabled({ app_id: APP, api_key: KEY }), true);
  assert.equal(forgetPerson.enabled({ app_id: APP }), false);
  // Algolia gives the deletion the deleteObject ACL, which the events' search key lacks: the
  // deletion key, when given, is the one sent.
  assert.equal(forgetPerson.enabled({ app_id: APP, deletion_api_key: 'del-key' }), true);
  const withDeletionKey = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ deletion_api_key: ' del-key ' })) as RequestDescriptor[];
  assert.deepEqual(withDeletionKey.map((r) => r.headers), [{ 'x-algolia-application-id': APP, 'x-algolia-api-key': 'del-key' }]);
  const requests = forgetPerson.request({ userId: 'jane@example.com', anonymousId: VISITOR }, ctx({ region: 'de' })) as RequestDescriptor[];
  assert.deepEqual(requests, [
    { method: 'DELETE', url: `https://insights.de.algolia.io/1/usertokens/sha256-${createHash('sha256').update('jane@example.com').digest('hex')}`, headers: { 'x-algolia-application-id': APP, 'x-algolia-api-key': KEY }, eventIds: [] },
    { method: 'DELETE', url: `https://insights.de.algolia.io/1/usertokens/${VISITOR}`, headers: { 'x-algolia-application-id': APP, 'x-algolia-api-key': KEY }, eventIds: [] },
  ]);
  assert.equal((forgetPerson.request({ userId: 'u-1', anonymousId: 'u-1' }, ctx()) as RequestDescriptor[]).length, 1);
  assert.ok('skipped' in (forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()) as object));
  const read = forgetPerson.read!;
  assert.ok('done' in read(answer(204, ''), requests[0], ctx()));
  assert.deepEqual(read(answer(429, { status: 429, message: 'Too Many Requests' }, { 'x-ratelimit-reset': String(NOW / 1000 + 90) }), requests[0], ctx()), { retry: 'Algolia: HTTP 429: Too Many Requests', afterSeconds: 90 });
  assert.deepEqual(read(answer(422, { status: 422, message: 'Invalid user token' }), requests[0], ctx()), { failed: 'Algolia refused the deletion (HTTP 422: Invalid user token)' });
  assert.match((read(answer(403, { status: 403, message: 'Method not allowed with this API key' }), requests[0], ctx()) as { failed: string }).failed, /^Algolia refused the credentials \(HTTP 403: Method not allowed with this API key\): check config\.app_id and config\.deletion_api_key, a key with the deleteObject ACL/);
  assert.ok('retry' in read(answer(503, 'busy'), requests[0], ctx()));
});
