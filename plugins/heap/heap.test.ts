import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import heap, { validateHeapConfig } from './index.ts';
import { readAuthTokenAnswer } from './access-token.ts';
import { fitProperties } from './heap-properties.ts';
import { heapUserIdOf, isHeapUserId } from './identity.ts';
import { NO_HEAP_ID } from './forget-person.ts';
import { CONFIG_SCHEMA, optionsOf } from './config.ts';
import { fitRecord } from './fit-to-heap.ts';

const APP_ID = '1234567890';
const API_KEY = '0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const VISITOR = 'df_heap0visitor1';
/** heapUserIdOf(VISITOR): pinned, so a change of the derivation (which would split every visitor in two) fails here. */
const VISITOR_USER_ID = '7553347561940865';
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { app_id: APP_ID, anonymous_visitors: 'heap_user_id', ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/signup?utm_source=news', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
  ...overrides,
} as CanonicalEvent);
const blueprints = { default: readFileSync(new URL('../../blueprints/heap/default.yaml', import.meta.url), 'utf8'), retail: readFileSync(new URL('../../blueprints/heap/retail.yaml', import.meta.url), 'utf8') };
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook (with its warnings). */
function mapped(event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: 'default' | 'retail' = 'default'): { payload: JsonObject | null; error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const result = createEventMapper(heap, { variant, blueprint: blueprints[variant] }, { ...ctx(config, variant), warn: (m) => warnings.push(m) })(event);
  return { payload: result.payload ?? null, ...(result.error ? { error: result.error } : {}), warnings: [...warnings, ...(result.warnings ?? [])] };
}
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: 'default' | 'retail' = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'} ${result.warnings.join('; ')}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const trackRecord = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { event: 'Viewed', identity: `u-${id}`, timestamp: '2024-03-24T16:00:00.000Z', idempotency_key: id, properties: {}, ...extra } });
const classify = (response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue> = {}): ClassifyResult => heap.classify!(response, request, ctx(config));
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');

test('identity: the visitor\'s Heap user id is the first 53 bits of the anonymousId\'s SHA-256, stable and within Heap\'s range', () => {
  assert.equal(heapUserIdOf(VISITOR), VISITOR_USER_ID);
  assert.equal(heapUserIdOf(VISITOR), heapUserIdOf(VISITOR));
  assert.notEqual(heapUserIdOf('df_other'), VISITOR_USER_ID);
  assert.ok(isHeapUserId(VISITOR_USER_ID));
  assert.ok(isHeapUserId('9007199254740991'), '2^53 - 1');
  assert.ok(!isHeapUserId('9007199254740992'), '2^53 is beyond Heap\'s range');
  assert.ok(!isHeapUserId('-1') && !isHeapUserId('12a') && !isHeapUserId(''));
});

test('default: a track event of a user → {event, identity, timestamp, idempotency_key, properties}; the site\'s properties cannot choose the identity', () => {
  const payload = payloadOf(browserEvent({ userId: 'user-1', properties: { method: 'email', identity: 'someone-else', user_id: '42', nested: { plan: 'pro', seats: 3 }, trial: true, tags: ['a', 'b'] } }));
  assert.deepEqual(payload, {
    event: 'Signed Up', identity: 'user-1', timestamp: '2024-03-24T16:00:00.000Z', idempotency_key: 'm-1',
    properties: { utm_source: 'news', method: 'email', identity: 'someone-else', user_id: '42', 'nested.plan': 'pro', 'nested.seats': 3, trial: 'true', tags: ['a', 'b'] },
  });
});

test('default: a visitor without a userId → the Heap user_id derived from the anonymousId (never both identity and user_id); skip drops it with a warning', () => {
  const payload = payloadOf(browserEvent());
  assert.equal(payload.user_id, VISITOR_USER_ID);
  assert.equal('identity' in payload, false);
  const skipped = mapped(browserEvent(), { anonymous_visitors: 'skip' });
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['not sent: the event has no userId, and config.anonymous_visitors is skip (the default; heap_user_id sends it on a user_id derived from the anonymousId)']);
  // Skip is the default: Heap documents user_id as its SDK's own, not one a gateway derives.
  const byDefault = createEventMapper(heap, { variant: 'default', blueprint: blueprints.default }, { ...ctx(), config: { app_id: APP_ID } })(browserEvent());
  assert.equal(byDefault.payload ?? null, null);
  assert.equal(optionsOf({ app_id: APP_ID }).anonymousVisitors, 'skip');
  assert.equal((CONFIG_SCHEMA.properties!.anonymous_visitors as { default?: string }).default, 'skip');
  // A Heap SDK user_id the blueprint maps is Heap's own: sent in either mode.
  const withSdkId = fitRecord({ event: 'Viewed', user_id: '42', properties: {} }, browserEvent(), optionsOf({ app_id: APP_ID }));
  assert.equal(withSdkId?.user_id, '42');
  const placeholder = mapped(browserEvent({ anonymousId: 'undefined' }));
  assert.equal(placeholder.payload, null, 'a placeholder anonymousId names no one');
});

test('default: page → Page Viewed with url, path, title, referrer and page_name; screen → Screen Viewed', () => {
  const page = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing' } } as Partial<CanonicalEvent>));
  assert.deepEqual(page, {
    event: 'Page Viewed', user_id: VISITOR_USER_ID, timestamp: '2024-03-24T16:00:00.000Z', idempotency_key: 'm-1',
    properties: { utm_source: 'news', url: 'https://shop.example.com/signup?utm_source=news', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', page_name: 'Pricing' },
  });
  const screen = payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'u-2' } as Partial<CanonicalEvent>));
  assert.equal(screen.event, 'Screen Viewed');
  assert.equal((screen.properties as JsonObject).screen_name, 'Home');
});

test('default: identify → user properties on the userId (email lower-cased into Heap\'s built-in Email; id keys left out) and the visitor to merge', () => {
  const payload = payloadOf(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: { Email: ' Jane@Example.com ', name: 'Jane', plan: 'pro', id: 'x', address: { city: 'Lyon' } } } as Partial<CanonicalEvent>));
  assert.deepEqual(payload, { identity: 'user-1', properties: { name: 'Jane', plan: 'pro', 'address.city': 'Lyon', email: 'jane@example.com' }, user_id: VISITOR_USER_ID, timestamp: '2024-03-24T16:00:00.000Z' });
  const anonymous = mapped(browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro' } } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload, null, 'Heap sets user properties on identified users only');
  const skipNoTraits = mapped(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: {} } as Partial<CanonicalEvent>), { anonymous_visitors: 'skip' });
  assert.equal(skipNoTraits.payload, null, 'nothing to set and no visitor to merge');
});

test('fit: Heap\'s limits — event names cut to 1024, values to 1023 characters, identities over 255 refused naming the field, null and arrays of objects left out with warnings', () => {
  const long = mapped(browserEvent({ userId: 'u-1', event: 'E'.repeat(1100), properties: { note: 'n'.repeat(1500), gone: null, products: [{ id: 1 }], score: 1.5 } }));
  assert.equal((long.payload!.event as string).length, 1024);
  assert.deepEqual(long.payload!.properties, { utm_source: 'news', note: 'n'.repeat(1023), score: 1.5 });
  assert.deepEqual(long.warnings, [
    'event name cut to 1024 characters, Heap\'s limit',
    'properties.note cut to 1023 characters: Heap keeps values of fewer than 1024',
    'properties.products left out: Heap takes arrays of numbers and text only (map the values you need to properties of their own)',
  ]);
  const tooLong = mapped(browserEvent({ userId: 'u'.repeat(300) }));
  assert.equal(tooLong.payload, null);
  assert.match(tooLong.error ?? '', /Heap: identity is 300 characters, and Heap takes identities of up to 255/);
  // Cut in UTF-16 units, never through an emoji's surrogate pair.
  const emoji = fitProperties({ note: `${'n'.repeat(1022)}😀😀` }, 'event');
  assert.equal(emoji.properties.note, 'n'.repeat(1022));
  assert.deepEqual(fitProperties({ ID: 1, user_id: 'x', list: [1, 2] }, 'user'), {
    properties: {},
    warnings: [
      'properties.ID left out: Heap refuses a user property named id (any casing) or user_id',
      'properties.user_id left out: Heap refuses a user property named id (any casing) or user_id',
      'properties.list left out: Heap takes numbers and text as user properties (map the values you need to properties of their own)',
    ],
  });
});

test('retail: Order Completed with typed revenue and currency, the products as lists; GA4 purchase the same', () => {
  const order = payloadOf(browserEvent({ userId: 'u-1', event: 'Order Completed', properties: { order_id: 50314, revenue: '25.00', currency: 'eur', products: [{ product_id: 'p-1', name: 'Shirt', price: 10, quantity: 1 }, { product_id: 'p-2', name: 'Socks', price: 7.5, quantity: 2 }] } }), {}, 'retail');
  assert.deepEqual(order.properties, { utm_source: 'news', order_id: '50314', revenue: 25, currency: 'EUR', product_ids: ['p-1', 'p-2'], product_names: ['Shirt', 'Socks'], product_quantities: [1, 2], product_prices: [10, 7.5] });
  const purchase = payloadOf(browserEvent({ userId: 'u-1', event: 'purchase', properties: { transaction_id: 'T-1', value: 30, currency: 'USD', items: [{ item_id: 'SKU-1', item_name: 'Hat', quantity: 1, price: 30 }] } }), {}, 'retail');
  assert.equal(purchase.event, 'Order Completed');
  assert.deepEqual(purchase.properties, { utm_source: 'news', order_id: 'T-1', revenue: 30, currency: 'USD', product_ids: ['SKU-1'], product_names: ['Hat'], product_quantities: [1], product_prices: [30] });
});

test('send: bulk track to the data center\'s /api/track with the app_id, at most 250 events a request, every event once, named endpoint track', () => {
  const requests = heap.send([trackRecord('e1'), trackRecord('e2')], ctx());
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://heapanalytics.com/api/track', headers: { 'content-type': 'application/json' },
    body: { app_id: APP_ID, events: [trackRecord('e1').payload, trackRecord('e2').payload] }, eventIds: ['e1', 'e2'], endpoint: 'track',
  }]);
  assert.equal(heap.send([trackRecord('e1')], ctx({ data_center: 'eu' }))[0]!.url, 'https://c.eu.heap-api.com/api/track');
  assert.deepEqual(heap.send(Array.from({ length: 501 }, (_, i) => trackRecord(`e${i}`)), ctx()).map((r) => r.eventIds.length), [250, 250, 1]);
  const big = heap.send(Array.from({ length: 20 }, (_, i) => trackRecord(`b${i}`, { properties: { blob: 'x'.repeat(100_000) } })), ctx());
  for (const r of big) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= 1_000_000);
  assert.deepEqual(heap.send([], ctx()), []);
});

test('send: identifies → bulk add_user_properties {app_id, users: [{identity, properties}]} with the merges in its memo; a merge alone → /api/v1/identify', () => {
  const user = (id: string, payload: JsonObject): MappedEvent => ({ id, event: browserEvent({ type: 'identify', messageId: id } as Partial<CanonicalEvent>), payload });
  const requests = heap.send([
    trackRecord('t1'),
    user('i1', { identity: 'u-1', properties: { plan: 'pro' }, user_id: '42', timestamp: '2024-03-24T16:00:00.000Z' }),
    user('i2', { identity: 'u-2', properties: { plan: 'free' }, timestamp: '2024-03-24T16:00:00.000Z' }),
    user('i3', { identity: 'u-3', properties: {}, user_id: '43', timestamp: '2024-03-24T16:00:00.000Z' }),
  ], ctx());
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds, r.endpoint]), [
    ['https://heapanalytics.com/api/track', ['t1'], 'track'],
    ['https://heapanalytics.com/api/add_user_properties', ['i1', 'i2'], 'add_user_properties'],
    ['https://heapanalytics.com/api/v1/identify', ['i3'], 'identify'],
  ]);
  assert.deepEqual(requests[1]!.body, { app_id: APP_ID, users: [{ identity: 'u-1', properties: { plan: 'pro' } }, { identity: 'u-2', properties: { plan: 'free' } }] });
  assert.deepEqual(requests[1]!.memo, { merges: [{ id: 'i1', body: { app_id: APP_ID, user_id: '42', identity: 'u-1', timestamp: '2024-03-24T16:00:00.000Z' } }] });
  assert.deepEqual(requests[2]!.body, { app_id: APP_ID, user_id: '43', identity: 'u-3', timestamp: '2024-03-24T16:00:00.000Z' });

  // Heap took the user properties: the merge follows, carrying its identify alone.
  const followed = classify(answer(200, {}), requests[1]!);
  assert.deepEqual(followed, { next: [{ method: 'POST', url: 'https://heapanalytics.com/api/v1/identify', headers: { 'content-type': 'application/json' }, body: { app_id: APP_ID, user_id: '42', identity: 'u-1', timestamp: '2024-03-24T16:00:00.000Z' }, eventIds: ['i1'], endpoint: 'identify' }] });
  assert.deepEqual(classify(answer(200, ''), requests[2]!), { status: 'delivered' });
});

test('classify: 2xx delivered, a web page dead-lettered naming config.data_center; 400 split when it names an item, app_id → config.app_id; 401, 404, 413, 429, 5xx', () => {
  const request = heap.send([trackRecord('a'), trackRecord('b')], ctx())[0]!;
  const single = heap.send([trackRecord('a')], ctx())[0]!;
  assert.deepEqual(classify(answer(200, {}), request), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, ''), request), { status: 'delivered' });
  assert.match(reasonOf(classify(answer(200, '<!DOCTYPE html><html>Login</html>', { 'Content-Type': 'text/html' }), request)), /^Heap's track API did not answer \(HTTP 200 with a web page\): https:\/\/heapanalytics\.com\/api\/track is not Heap's — check config\.data_center/);
  assert.deepEqual(classify(answer(400, 'Property values must be fewer than 1024 characters'), request), { status: 'split', reason: 'Heap refused the track request, which it does whole for one bad event (HTTP 400: Property values must be fewer than 1024 characters): sending it in halves to find that event' });
  assert.deepEqual(classify(answer(400, 'Property values must be fewer than 1024 characters'), single), { status: 'dead_letter', reason: 'Heap refused the event (HTTP 400: Property values must be fewer than 1024 characters): Heap takes event names of up to 1024 characters, identities of up to 255, and properties of numbers and text of fewer than 1024 characters' });
  assert.deepEqual(classify(answer(400, { error: 'Invalid app_id' }), request), { status: 'dead_letter', reason: 'Heap refused the app ID (HTTP 400: Invalid app_id): config.app_id must be the ID of a Heap environment of the account, digits only (Account > Manage > Projects)' });
  assert.equal(classify(answer(400, 'Bad Request'), request).constructor, Object);
  assert.equal((classify(answer(400, 'Bad Request'), request) as { status: string }).status, 'dead_letter', 'a 400 naming no item refuses the request itself');
  assert.match(reasonOf(classify(answer(401, 'Unauthorized'), request)), /check config\.app_id/);
  assert.equal(reasonOf(classify(answer(404, 'Not Found'), request, { data_center: 'eu' })), 'Heap has no track API at https://heapanalytics.com/api/track (HTTP 404: Not Found): check config.data_center (eu: c.eu.heap-api.com)');
  assert.deepEqual(classify(answer(413, 'Request Entity Too Large'), request), { status: 'split', reason: 'Heap: the track request is too large (HTTP 413: Request Entity Too Large); sending it in halves' });
  assert.equal((classify(answer(413, 'too large'), single) as { status: string }).status, 'dead_letter');
  assert.deepEqual(classify(answer(429, 'Too Many Requests', { 'Retry-After': '30' }), request), { status: 'retry', reason: 'Heap rate-limited the request (track, HTTP 429: Too Many Requests)', retryAfterMs: 30_000 });
  assert.deepEqual(classify(answer(503, 'Service Unavailable'), request), { status: 'retry', reason: 'Heap failed (track, HTTP 503: Service Unavailable)' });
});

test('config: app_id digits only, api_key one key that is not the app ID; the conformance config is valid', () => {
  assert.deepEqual(validateHeapConfig({ app_id: '1234567890' }), []);
  assert.deepEqual(validateHeapConfig({ app_id: 'my-app' }), [{ field: 'app_id', message: 'must be the Heap environment\'s ID, digits only (Account > Manage > Projects), e.g. 1234567890' }]);
  assert.deepEqual(validateHeapConfig({ app_id: APP_ID, api_key: APP_ID }).map((p) => p.field), ['api_key']);
  assert.deepEqual(validateHeapConfig({ app_id: APP_ID, api_key: 'abc def ghi' }).map((p) => p.field), ['api_key']);
  assert.deepEqual(validateHeapConfig(JSON.parse(readFileSync(new URL('./conformance-config.json', import.meta.url), 'utf8')) as Record<string, JsonValue>), []);
});

test('deletions: the token by HTTP Basic app_id:api_key, 5 minutes; one user_deletion naming the identity and the visitor\'s Heap user_id, with the token', () => {
  const config = { api_key: API_KEY };
  assert.equal(heap.accessToken!.enabled(ctx(config).config), true);
  assert.equal(heap.accessToken!.enabled(ctx().config), false, 'no API key: no deletions');
  assert.deepEqual(heap.accessToken!.request(ctx(config)), {
    method: 'POST', url: 'https://heapanalytics.com/api/public/v0/auth_token',
    headers: { authorization: `Basic ${Buffer.from(`${APP_ID}:${API_KEY}`).toString('base64')}`, accept: 'application/json' }, eventIds: [],
  });
  assert.deepEqual(readAuthTokenAnswer(answer(200, { access_token: 'tok' })), { accessToken: 'tok', expiresInSeconds: 300 });
  assert.throws(() => readAuthTokenAnswer(answer(401, { err: 'Unauthorized' })), { name: 'PermanentError', message: /^Heap refused the app ID and API key \(HTTP 401: Unauthorized\): .*config\.app_id the Main Production environment's ID/ });
  assert.throws(() => readAuthTokenAnswer(answer(503, 'busy')), { name: 'RetryableError' });
  // Heap's doc gives `err` "if unsuccessful" without its status: in a 200 it names the fields too.
  assert.throws(() => readAuthTokenAnswer(answer(200, { err: 'Invalid credentials' })), { name: 'PermanentError', message: /^Heap refused the app ID and API key \(HTTP 200: Invalid credentials\): config\.api_key/ });

  const forget = heap.forgetPerson!;
  const withToken = { ...ctx({ ...config, data_center: 'eu' }), accessToken: 'tok' };
  assert.deepEqual(forget.request({ userId: 'user-1', anonymousId: VISITOR }, withToken), {
    method: 'POST', url: 'https://heapanalytics.com/api/public/v0/user_deletion', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: { users: [{ identity: 'user-1' }, { user_id: VISITOR_USER_ID }] }, eventIds: [],
  });
  assert.deepEqual((forget.request({ userId: 'user-1', anonymousId: VISITOR }, { ...withToken, config: { ...withToken.config, anonymous_visitors: 'skip' } }) as RequestDescriptor).body, { users: [{ identity: 'user-1' }] });
  assert.deepEqual(forget.request({ userId: 'null', anonymousId: null }, withToken), { skipped: NO_HEAP_ID });

  const read = (response: VendorResponse): ForgetOutcome => forget.read!(response);
  assert.deepEqual(read(answer(201, { deletion_request_id: 'c93fae81', status: 'pending', deletion_request_location: 'https://heapanalytics.com/api/public/v0/deletion_status/c93fae81' })), { done: true, message: 'Heap accepted the deletion (request c93fae81, pending): it deletes the users\' records and data in every environment of the account' });
  assert.match((read(answer(401, { err: 'Unauthorized' })) as { failed: string }).failed, /config\.app_id must be the Main Production environment's ID/);
  assert.deepEqual(read(answer(429, 'slow down', { 'retry-after': '60' })), { retry: 'Heap\'s deletion failed (HTTP 429: slow down)', afterSeconds: 60 });
  assert.ok('failed' in read(answer(400, { err: 'users must be an array' })));
});

test('the definition: rate limits per endpoint, batch limits, consent, success answer', () => {
  assert.deepEqual(heap.batch, { maxEvents: 250, maxBytes: 1_000_000 });
  assert.deepEqual(heap.rateLimit.endpoints, { track: { rps: 1, burst: 2 }, add_user_properties: { rps: 1, burst: 2 }, identify: { rps: 3, burst: 6 } });
  assert.deepEqual(heap.consent, ['analytics']);
  assert.deepEqual(heap.successAnswer, { status: 200, headers: { 'content-type': 'application/json' }, body: {} });
});
