import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import posthog, { validatePostHogConfig } from './index.ts';
import { classifyPostHog } from './classify.ts';
import { fitRecord, MAX_EVENT_BYTES } from './fit-to-posthog.ts';
import { forgetPerson, NO_PERSON, NO_USABLE_ID } from './forget-person.ts';
import { baseUrlProblem, ingestionBaseOf, privateApiBaseOf } from './hosts.ts';
import { distinctIdText, MESSAGE_ID_NAMESPACE, usableDistinctId, uuidFor, uuidV5 } from './identity.ts';

const KEY = 'phc_0123456789abcdefABCDEF0123456789abcdefABCDE';
const PERSONAL = 'phx_0123456789abcdefABCDEF0123456789abcdefABCDEF';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const VISITOR = 'df_abc123def456';
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { api_key: KEY, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/signup?utm_source=news', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/search?q=shoes' } },
  ...overrides,
} as CanonicalEvent);
const blueprints = { default: readFileSync(new URL('../../blueprints/posthog/default.yaml', import.meta.url), 'utf8'), retail: readFileSync(new URL('../../blueprints/posthog/retail.yaml', import.meta.url), 'utf8') };
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: 'default' | 'retail' = 'default') => createEventMapper(posthog, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: 'default' | 'retail' = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { event: 'Viewed', distinct_id: `u-${id}`, properties: {}, uuid: uuidFor(id), ...extra } });
const request = (ids: string[]): RequestDescriptor => posthog.send(ids.map((id) => record(id)), ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('send: POST {host}/batch/ with the project API key in the body and the events under batch, in order; historical_migration only when configured', () => {
  const requests = posthog.send([record('e1'), record('e2')], ctx());
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://us.i.posthog.com/batch/', headers: { 'content-type': 'application/json' },
    body: { api_key: KEY, batch: [record('e1').payload, record('e2').payload] },
    eventIds: ['e1', 'e2'],
  }]);
  assert.deepEqual((posthog.send([record('e1')], ctx({ historical_migration: true }))[0]!.body as JsonObject).historical_migration, true);
  assert.equal(posthog.send([record('e1')], ctx({ host: 'https://eu.i.posthog.com/' }))[0]!.url, 'https://eu.i.posthog.com/batch/');
  assert.equal(posthog.send([record('e1')], ctx({ host: 'https://www.example.com/ingest' }))[0]!.url, 'https://www.example.com/ingest/batch/', 'a reverse proxy\'s path is kept');
  assert.deepEqual(posthog.send([], ctx()), []);
});

test('send: at most 1,000 events and 20,000,000 bytes a request (PostHog: "the entire request body must be less than 20MB"), every event once, in order', () => {
  const many = Array.from({ length: 2001 }, (_, i) => record(`e${i}`));
  assert.deepEqual(posthog.send(many, ctx()).map((r) => r.eventIds.length), [1000, 1000, 1]);
  const big = Array.from({ length: 50 }, (_, i) => record(`b${i}`, { properties: { blob: 'x'.repeat(800_000) } }));
  const requests = posthog.send(big, ctx());
  assert.ok(requests.length >= 3);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= 20_000_000, 'within 20,000,000 bytes, envelope included');
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  assert.deepEqual(posthog.batch, { maxEvents: 1000, maxBytes: 20_000_000 });
});

test('uuid: a messageId that is a UUID is sent as it is (lower case); other text as its UUIDv5, the same on every call; the nil UUID is derived too', () => {
  assert.equal(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2', 'RFC 9562, A.4');
  assert.equal(MESSAGE_ID_NAMESPACE, uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://signal.invalid/plugins/posthog/message-id'), 'the namespace is what its comment says');
  assert.equal(uuidFor('29FC2962-6D9C-455D-95AD-95B84F09B9E4'), '29fc2962-6d9c-455d-95ad-95b84f09b9e4');
  const derived = uuidFor('ajs-next-1711296000000-3f1c2d4e');
  assert.match(derived, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a version 5, RFC variant UUID');
  assert.equal(uuidFor('ajs-next-1711296000000-3f1c2d4e'), derived, 'a retry or a replay carries the same uuid');
  assert.notEqual(uuidFor('ajs-next-1711296000000-3f1c2d4f'), derived);
  assert.equal(derived, uuidV5(MESSAGE_ID_NAMESPACE, 'ajs-next-1711296000000-3f1c2d4e'));
  assert.notEqual(uuidFor('00000000-0000-0000-0000-000000000000'), '00000000-0000-0000-0000-000000000000', 'the nil UUID names no event');
});

test('distinct ids: the SDK\'s placeholders and PostHog\'s illegal ids (any case, quoted; NaN and None as cased) are refused; long ids cut to the 200 characters capture keeps', () => {
  for (const id of ['user-123', 'df_abc', 42, 'nan', 'Nan', 'Null?']) assert.equal(usableDistinctId(id), true, String(id));
  for (const id of ['null', ' undefined ', 'anonymous', 'Guest', 'DISTINCT_ID', 'id', 'email', 'not_authenticated', 'true', '"null"', "'guest'", 'NaN', 'None', '0', '[object Object]', 'NONE', '', '   ', null, undefined, {}]) {
    assert.equal(usableDistinctId(id), false, JSON.stringify(id));
  }
  assert.equal(distinctIdText('é'.repeat(250)), 'é'.repeat(200));
  assert.equal(distinctIdText('👍'.repeat(201)), '👍'.repeat(200), 'characters, not UTF-16 units');
  assert.equal(distinctIdText(7), '7');
});

test('track by a visitor: distinct_id the anonymousId, $device_id, an anonymous event ($process_person_profile: false), the visitor\'s $ip, the page\'s web properties, uuid and timestamp', () => {
  assert.deepEqual(payloadOf(browserEvent({ properties: { plan: 'pro', price: 12 } })), {
    event: 'Signed Up', distinct_id: VISITOR, uuid: uuidFor('m-1'), timestamp: '2024-03-24T16:00:00.000Z',
    properties: {
      plan: 'pro', price: 12,
      $current_url: 'https://shop.example.com/signup?utm_source=news', $referrer: 'https://www.google.com/search?q=shoes', $raw_user_agent: 'Mozilla/5.0 (Test)', $browser_language: 'en-GB', $lib: 'Datafly Signal',
      $device_id: VISITOR, $ip: '203.0.113.42', $process_person_profile: false, $host: 'shop.example.com', $referring_domain: 'www.google.com',
    },
  });
});

test('track by a user: distinct_id the userId, processed with a person profile; person_profiles: always processes the visitor\'s events too', () => {
  const user = payloadOf(browserEvent({ userId: 'user-123' }));
  assert.equal(user.distinct_id, 'user-123');
  assert.equal((user.properties as JsonObject).$process_person_profile, undefined);
  assert.equal((user.properties as JsonObject).$device_id, VISITOR);
  assert.equal((payloadOf(browserEvent(), { person_profiles: 'always' }).properties as JsonObject).$process_person_profile, undefined);
});

test('ids: a placeholder userId ("guest", "null") falls back to the visitor; no usable id at all dead-letters the event, saying why', () => {
  assert.equal(payloadOf(browserEvent({ userId: 'guest' })).distinct_id, VISITOR);
  const none = mapped(browserEvent({ userId: 'null', anonymousId: 'undefined' }));
  assert.equal(none.payload, null);
  assert.match(none.error ?? '', /^PostHog needs a distinct_id and this event has no usable id \(userId "null", anonymousId "undefined"\)/);
});

test('the site\'s properties never choose PostHog\'s reserved keys (ids, $ip, person operations, $process_person_profile, the key)', () => {
  const properties = payloadOf(browserEvent({
    userId: 'user-123',
    properties: { distinct_id: 'someone-else', $device_id: 'x', $anon_distinct_id: 'victim', $ip: '198.51.100.1', $set: { plan: 'free' }, $set_once: {}, $unset: ['plan'], $process_person_profile: true, token: 't', api_key: 'k', kept: 1 },
  })).properties as JsonObject;
  for (const key of ['distinct_id', '$anon_distinct_id', '$set', '$set_once', '$unset', '$process_person_profile', 'token', 'api_key']) assert.equal(properties[key], undefined, key);
  assert.equal(properties.$device_id, VISITOR);
  assert.equal(properties.$ip, '203.0.113.42');
  assert.equal(properties.kept, 1);
});

test('no visitor IP: $geoip_disable, so PostHog does not locate the visitor at Signal\'s address', () => {
  const properties = payloadOf(browserEvent({ context: {} })).properties as JsonObject;
  assert.equal(properties.$ip, undefined);
  assert.equal(properties.$geoip_disable, true);
});

test('page: $pageview with $current_url, $pathname, $referrer ($direct without one), title, $host, page_name; screen: $screen with $screen_name', () => {
  const page = payloadOf(browserEvent({ type: 'page', name: 'Pricing', event: undefined, properties: { url: 'https://shop.example.com/pricing', path: '/pricing', title: 'Pricing', referrer: '', plan: 'pro' }, context: { ip: '203.0.113.42' } } as Partial<CanonicalEvent>));
  assert.equal(page.event, '$pageview');
  assert.deepEqual(page.properties, {
    plan: 'pro', $lib: 'Datafly Signal', $current_url: 'https://shop.example.com/pricing', $pathname: '/pricing', title: 'Pricing', page_name: 'Pricing',
    $device_id: VISITOR, $ip: '203.0.113.42', $process_person_profile: false, $host: 'shop.example.com', $referrer: '$direct', $referring_domain: '$direct',
  });
  const withoutPath = payloadOf(browserEvent({ type: 'page', event: undefined, properties: {}, context: { page: { url: 'https://shop.example.com/a/b?x=1' } } } as Partial<CanonicalEvent>));
  assert.equal((withoutPath.properties as JsonObject).$pathname, '/a/b', 'from the URL when the page gives none');
  const screen = payloadOf(browserEvent({ type: 'screen', name: 'Home', event: undefined, properties: { tab: 1 }, context: {} } as Partial<CanonicalEvent>));
  assert.equal(screen.event, '$screen');
  assert.equal((screen.properties as JsonObject).$screen_name, 'Home');
  assert.equal((screen.properties as JsonObject).tab, 1);
});

test('identify: $identify on the userId, the traits as $set (ids left out), $anon_distinct_id the visitor so PostHog adds it to the user\'s person', () => {
  const identify = payloadOf(browserEvent({ type: 'identify', userId: 'user-123', event: undefined, traits: { email: 'jane@example.com', name: 'Jane', plan: 'pro', id: 'user-123', userId: 'user-123' } } as Partial<CanonicalEvent>));
  assert.equal(identify.event, '$identify');
  assert.equal(identify.distinct_id, 'user-123');
  const properties = identify.properties as JsonObject;
  assert.deepEqual(properties.$set, { email: 'jane@example.com', name: 'Jane', plan: 'pro' });
  assert.equal(properties.$anon_distinct_id, VISITOR);
  assert.equal(properties.$process_person_profile, undefined);
  const same = payloadOf(browserEvent({ type: 'identify', userId: VISITOR, event: undefined, traits: {} } as Partial<CanonicalEvent>)).properties as JsonObject;
  assert.equal(same.$anon_distinct_id, undefined, 'no merge of an id into itself');
  assert.deepEqual(same.$set, {});
  const placeholder = payloadOf(browserEvent({ type: 'identify', userId: 'user-9', anonymousId: 'anonymous', event: undefined, traits: {} } as Partial<CanonicalEvent>)).properties as JsonObject;
  assert.equal(placeholder.$anon_distinct_id, undefined, 'a placeholder is never merged');
});

test('identify without a userId: not sent with person_profiles: identified_only (no person for a visitor); a $set on the visitor\'s person with always', () => {
  const anonymous = browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro' } } as Partial<CanonicalEvent>);
  const dropped = mapped(anonymous);
  assert.equal(dropped.payload, null);
  assert.equal(dropped.error, undefined, 'dropped, not an error');
  const set = payloadOf(anonymous, { person_profiles: 'always' });
  assert.equal(set.event, '$set');
  assert.equal(set.distinct_id, VISITOR);
  assert.deepEqual((set.properties as JsonObject).$set, { plan: 'pro' });
  assert.equal((set.properties as JsonObject).$anon_distinct_id, undefined);
});

test('alias: $create_alias on the userId with the previousId as alias; without a usable userId or previousId, dead-lettered saying why; group calls are not sent', () => {
  const alias = payloadOf(browserEvent({ type: 'alias', userId: 'user-123', previousId: 'old-id-7', event: undefined } as Partial<CanonicalEvent>));
  assert.equal(alias.event, '$create_alias');
  assert.equal(alias.distinct_id, 'user-123');
  assert.equal((alias.properties as JsonObject).alias, 'old-id-7');
  assert.match(mapped(browserEvent({ type: 'alias', previousId: 'old-id-7', event: undefined } as Partial<CanonicalEvent>)).error ?? '', /\$create_alias needs the userId/);
  assert.match(mapped(browserEvent({ type: 'alias', userId: 'user-123', previousId: 'user-123', event: undefined } as Partial<CanonicalEvent>)).error ?? '', /no usable previousId different from it/);
  const group = mapped(browserEvent({ type: 'group', groupId: 'acme', event: undefined } as Partial<CanonicalEvent>));
  assert.equal(group.payload, null);
});

test('fitRecord: refuses what PostHog would drop or refuse with its whole request — no name, properties that are no object, an unreadable timestamp, an event over 900,000 bytes', () => {
  const event = browserEvent();
  const options = { personProfiles: 'identified_only' } as const;
  assert.throws(() => fitRecord({ event: ' ', $device_id: VISITOR }, event, options), /PostHog needs an event name/);
  assert.throws(() => fitRecord({ event: 'X', $device_id: VISITOR, properties: [1] }, event, options), /takes properties as an object/);
  assert.throws(() => fitRecord({ event: 'X', $device_id: VISITOR, timestamp: 'next tuesday' }, event, options), /ISO 8601/);
  assert.throws(() => fitRecord({ event: '$identify', distinct_id: 'u', $set: 'x' }, event, options), /takes \$set as an object/);
  assert.throws(() => fitRecord({ event: 'X', $device_id: VISITOR, properties: { blob: 'x'.repeat(MAX_EVENT_BYTES) } }, event, options), /PostHog refuses an event this large/);
  assert.equal(fitRecord({ event: 'X', $device_id: VISITOR, timestamp: '2024-03-24T17:00:00.123456+01:00' }, event, options)!.timestamp, '2024-03-24T17:00:00.123456+01:00', 'a date-time with its offset as it is');
  assert.equal(fitRecord({ event: 'X', $device_id: VISITOR, timestamp: '2024-03-24' }, event, options)!.timestamp, '2024-03-24T00:00:00.000Z', 'other readable text in UTC');
  assert.equal(fitRecord({ event: 'X', $device_id: VISITOR, timestamp: Date.parse('2024-03-24T16:00:00Z') }, event, options)!.timestamp, '2024-03-24T16:00:00.000Z', 'epoch milliseconds in UTC');
  const withoutTime = fitRecord({ event: 'X', $device_id: VISITOR }, { ...event, timestamp: undefined } as unknown as CanonicalEvent, options)!;
  assert.equal(withoutTime.timestamp, undefined, 'PostHog then stamps it');
  assert.equal(fitRecord({ event: 'X', distinct_id: 'u'.repeat(255) }, event, options)!.distinct_id, 'u'.repeat(200));
});

test('retail: Segment\'s and GA4\'s ecommerce events under the spec\'s names with typed revenue, currency and products; an unreadable currency is an error naming it', () => {
  const order = payloadOf(browserEvent({ event: 'purchase', userId: 'user-123', properties: { transaction_id: 5521, value: '89.99', currency: ' gbp ', items: [{ item_id: 'SKU-1', item_name: 'Shoe', price: '44.995', quantity: '2' }] } }), {}, 'retail');
  assert.equal(order.event, 'Order Completed');
  const properties = order.properties as JsonObject;
  assert.deepEqual([properties.order_id, properties.revenue, properties.currency], ['5521', 89.99, 'GBP']);
  assert.deepEqual(properties.products, [{ product_id: 'SKU-1', name: 'Shoe', price: 44.995, quantity: 2 }]);
  assert.equal(payloadOf(browserEvent({ event: 'view_item', properties: { items: [{ item_id: 'SKU-1', price: 10 }] } }), {}, 'retail').event, 'Product Viewed');
  const unreadable = mapped(browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', revenue: 10, currency: '$' } }), {}, 'retail');
  assert.equal(unreadable.payload, null);
  assert.match(unreadable.error ?? '', /currency is required but currency: "\$" is not an ISO 4217 code/);
  assert.equal(payloadOf(browserEvent({ type: 'page', event: undefined, properties: {} } as Partial<CanonicalEvent>), {}, 'retail').event, '$pageview', 'page views as the default');
});

test('classify: 2xx delivered; a 400 for one event of several (capture refuses the whole request for it) sent in halves; other 400s, and a single event\'s, dead-lettered with PostHog\'s message', () => {
  // Capture's answer, as its source gives it (the status by its variant's name, as JSON), and the older one its API page shows.
  assert.deepEqual(classifyPostHog(answer(200, { status: 'Ok' }, { 'content-type': 'application/json' }), request(['a', 'b'])), { status: 'delivered' });
  assert.deepEqual(classifyPostHog(answer(200, { status: 1 }), request(['a', 'b'])), { status: 'delivered' });
  for (const said of [
    'failed to parse request: invalid length: expected length 32 for simple format, found 3 at line 1 column 90', 'failed to hydrate events from request: missing field', 'maximum event size exceeded',
    'event submitted without a distinct_id', 'event submitted with an empty distinct_id', 'event submitted with an empty event name', 'event submitted with invalid timestamp', 'event submitted with invalid cookieless mode',
    'invalid event could not be processed',
  ]) {
    const split = classifyPostHog(answer(400, said), request(['a', 'b']));
    assert.equal(statusOf(split), 'split', said);
    assert.equal(reasonOf(split), `PostHog refused the batch, which it does for one bad event (HTTP 400: ${said}): sending it in halves to find that event`);
  }
  assert.deepEqual(classifyPostHog(answer(400, 'maximum event size exceeded'), request(['a'])), { status: 'dead_letter', reason: 'PostHog refused the event (HTTP 400: maximum event size exceeded)' });
  for (const said of ['failed to decode request: invalid body encoding', 'request holds no event', 'batch submitted with inconsistent api_key values', 'event submitted without an api_key']) {
    assert.deepEqual(classifyPostHog(answer(400, said), request(['a', 'b'])), { status: 'dead_letter', reason: `PostHog refused the request (HTTP 400: ${said})` }, said);
  }
  assert.deepEqual(classifyPostHog(answer(400, { type: 'validation_error', code: 'invalid_payload', detail: 'Malformed request data', attr: null }), request(['a', 'b'])), { status: 'dead_letter', reason: 'PostHog refused the request (HTTP 400: Malformed request data)' }, 'the older capture\'s JSON error, by its detail');
});

test('classify: 401 dead-letters the request naming the key to give; 413 halves, or a single event too large; 404 names config.host', () => {
  assert.deepEqual(classifyPostHog(answer(401, 'API key is not valid: personal_api_key'), request(['a', 'b'])), {
    status: 'dead_letter',
    reason: 'PostHog refused the project API key (HTTP 401: API key is not valid: personal_api_key): config.api_key must be the project API key, phc_… (Project settings > General > Project API key), not a personal (phx_) or secret (phs_) key',
  });
  assert.equal(statusOf(classifyPostHog(answer(413, 'length limit exceeded'), request(['a', 'b']))), 'split');
  assert.match(reasonOf(classifyPostHog(answer(413, 'length limit exceeded'), request(['a']))), /^PostHog refused this event alone as too large \(HTTP 413: length limit exceeded\)/);
  assert.match(reasonOf(classifyPostHog(answer(404, 'Not Found'), request(['a']))), /^PostHog has no batch endpoint at https:\/\/us\.i\.posthog\.com\/batch\/ \(HTTP 404: Not Found\): check config\.host/);
  assert.deepEqual(classifyPostHog(answer(422, 'nope'), request(['a'])), { status: 'dead_letter', reason: 'PostHog refused the request (HTTP 422: nope)' });
});

test('classify: a 2xx that is a web page (a reverse proxy path serving the site, not capture) is dead-lettered naming config.host, never counted delivered', () => {
  assert.deepEqual(classifyPostHog(answer(200, { status: 1 }), request(['a'])), { status: 'delivered' });
  assert.deepEqual(classifyPostHog(answer(200, ''), request(['a'])), { status: 'delivered' }, 'an empty 2xx is taken');
  assert.deepEqual(classifyPostHog(answer(204, ''), request(['a'])), { status: 'delivered' });
  const page = classifyPostHog(answer(200, '<!DOCTYPE html><html><body>Shop</body></html>'), request(['a', 'b']));
  assert.equal(statusOf(page), 'dead_letter');
  assert.match(reasonOf(page), /^PostHog's capture did not answer \(HTTP 200 with a web page, not capture's \{"status": "Ok"\}\): https:\/\/us\.i\.posthog\.com\/batch\/ is not a PostHog ingestion endpoint — check config\.host/);
  assert.equal(statusOf(classifyPostHog(answer(200, 'Shop', { 'Content-Type': 'text/html; charset=utf-8' }), request(['a']))), 'dead_letter', 'by its content type too');
});

test('classify: 429 and 5xx retried, honouring Retry-After', () => {
  assert.deepEqual(classifyPostHog(answer(429, 'rate limited', { 'Retry-After': '30' }), request(['a'])), { status: 'retry', reason: 'PostHog rate-limited the request (HTTP 429: rate limited)', retryAfterMs: 30_000 });
  assert.deepEqual(classifyPostHog(answer(503, 'transient error, please retry'), request(['a'])), { status: 'retry', reason: 'PostHog failed (HTTP 503: transient error, please retry)' });
  assert.equal(statusOf(classifyPostHog(answer(502, ''), request(['a']))), 'retry');
  assert.equal(statusOf(classifyPostHog(answer(408, ''), request(['a']))), 'retry');
});

test('validateConfig: the project API key is one (not a personal or secret key, no white space, at most 64 ASCII characters), naming the field', () => {
  assert.deepEqual(validatePostHogConfig({ api_key: KEY }), []);
  const problem = (api_key: string) => validatePostHogConfig({ api_key })[0];
  assert.deepEqual(problem('phx_abcdef0123456789'), { field: 'api_key', message: 'is a personal API key (phx_…), which PostHog\'s ingestion refuses: give the project API key (phc_…, Project settings > General > Project API key); a personal key goes in personal_api_key, for deletions' });
  assert.match(problem('phs_abcdef0123456789')!.message, /^is a project secret API key \(phs_…\)/);
  assert.match(problem('phc_0123 4567')!.message, /^holds white space or a line break/);
  assert.deepEqual(validatePostHogConfig({ api_key: `${KEY}\n`, personal_api_key: ` ${PERSONAL}\n`, project_id: '1' }), [], 'white space around a key is trimmed, as capture does');
  assert.equal((posthog.send([record('e1')], ctx({ api_key: ` ${KEY}\n` }))[0]!.body as JsonObject).api_key, KEY);
  assert.match(problem(`phc_${'x'.repeat(61)}`)!.message, /^is longer than 64 characters/);
  assert.match(problem('phc_clé')!.message, /not ASCII/);
  for (const config of [{ api_key: KEY, personal_api_key: 'x' }, { api_key: 'phx_y', personal_api_key: KEY }]) {
    for (const found of validatePostHogConfig(config)) assert.ok(!found.message.includes('phc_0123') && !found.message.includes('phx_y'), 'messages never repeat a key');
  }
});

test('validateConfig: host is an https:// URL of PostHog\'s ingestion host or a public instance, not its app host, naming the field', () => {
  for (const host of ['https://us.i.posthog.com', 'https://eu.i.posthog.com/', 'https://posthog.example.com', 'https://www.example.com/ingest', 'https://posthog.example.com:8443']) {
    assert.deepEqual(validatePostHogConfig({ api_key: KEY, host }), [], host);
  }
  const problem = (host: string) => validatePostHogConfig({ api_key: KEY, host })[0];
  assert.deepEqual(problem('https://us.posthog.com'), { field: 'host', message: 'is PostHog\'s app host, not its ingestion host: events go to https://us.i.posthog.com (PostHog: "make sure to send API requests to the correct domain")' });
  assert.match(problem('https://eu.posthog.com')!.message, /events go to https:\/\/eu\.i\.posthog\.com/);
  assert.match(problem('https://app.posthog.com')!.message, /events go to https:\/\/us\.i\.posthog\.com/);
  assert.match(problem('https://us-assets.i.posthog.com')!.message, /^is not one of PostHog Cloud's API hosts/);
  assert.match(problem('http://posthog.example.com')!.message, /^must start with https:\/\//);
  assert.match(problem('https://user:pw@posthog.example.com')!.message, /^must not carry credentials/);
  assert.match(problem('https://posthog.example.com/?x=1')!.message, /without a query or fragment/);
  assert.match(problem('https://10.0.0.5')!.message, /loopback, private or link-local address.*public address/);
  assert.match(problem('posthog')!.message, /^is not a URL/);
});

test('validateConfig: deletions need the personal API key and the project ID together; api_host only with them, and required behind a reverse proxy\'s path', () => {
  const deletions = { api_key: KEY, personal_api_key: PERSONAL, project_id: '12345' };
  assert.deepEqual(validatePostHogConfig(deletions), []);
  assert.deepEqual(validatePostHogConfig({ ...deletions, host: 'https://posthog.example.com' }), []);
  assert.deepEqual(validatePostHogConfig({ api_key: KEY, personal_api_key: PERSONAL }), [{ field: 'project_id', message: 'is required with personal_api_key: PostHog\'s persons API is per project (Project settings > General > Project ID)' }]);
  assert.deepEqual(validatePostHogConfig({ api_key: KEY, project_id: '12345' }).map((p) => p.field), ['personal_api_key']);
  assert.match(validatePostHogConfig({ ...deletions, personal_api_key: KEY })[0]!.message, /^is the project API key \(phc_…\)/);
  assert.deepEqual(validatePostHogConfig({ api_key: KEY, api_host: 'https://us.posthog.com' }).map((p) => p.field), ['api_host']);
  assert.deepEqual(validatePostHogConfig({ ...deletions, host: 'https://www.example.com/ingest' }), [{ field: 'api_host', message: 'is required for deletions when host is a reverse proxy\'s path (which does not forward PostHog\'s private API): give the address you log in to PostHog at' }]);
  assert.deepEqual(validatePostHogConfig({ ...deletions, host: 'https://www.example.com/ingest', api_host: 'https://us.posthog.com' }), []);
  assert.match(validatePostHogConfig({ ...deletions, api_host: 'https://eu.i.posthog.com' })[0]!.message, /^is PostHog's ingestion host, which has no private API: give https:\/\/eu\.posthog\.com/);
  assert.equal(baseUrlProblem('https://us.posthog.com', 'private'), undefined);
});

test('hosts: the ingestion host (US Cloud by default); the private API on the region\'s app host, the instance\'s own host, or api_host', () => {
  assert.equal(ingestionBaseOf({}), 'https://us.i.posthog.com');
  assert.equal(privateApiBaseOf({}), 'https://us.posthog.com');
  assert.equal(privateApiBaseOf({ host: 'https://eu.i.posthog.com/' }), 'https://eu.posthog.com');
  assert.equal(privateApiBaseOf({ host: 'https://posthog.example.com/' }), 'https://posthog.example.com');
  assert.equal(privateApiBaseOf({ host: 'https://www.example.com/ingest', api_host: 'https://eu.posthog.com/' }), 'https://eu.posthog.com');
});

test('forgetPerson: one bulk deletion on the private API host naming both ids as distinct ids, events and session recordings included, with the personal API key', () => {
  const config = { personal_api_key: PERSONAL, project_id: '12345', host: 'https://eu.i.posthog.com' };
  assert.equal(forgetPerson.enabled({ api_key: KEY, ...config }), true);
  assert.equal(forgetPerson.enabled({ api_key: KEY }), false);
  assert.equal(forgetPerson.enabled({ api_key: KEY, personal_api_key: PERSONAL }), false);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: VISITOR }, ctx(config)), {
    method: 'POST', url: 'https://eu.posthog.com/api/projects/12345/persons/bulk_delete/',
    headers: { authorization: `Bearer ${PERSONAL}`, 'content-type': 'application/json' },
    body: { distinct_ids: ['u-1', VISITOR], delete_events: true, delete_recordings: true }, eventIds: [],
  });
  assert.deepEqual((forgetPerson.request({ userId: null, anonymousId: VISITOR }, ctx(config)) as RequestDescriptor).body, { distinct_ids: [VISITOR], delete_events: true, delete_recordings: true });
  assert.deepEqual((forgetPerson.request({ userId: 'u-1', anonymousId: 'guest' }, ctx(config)) as RequestDescriptor).body, { distinct_ids: ['u-1'], delete_events: true, delete_recordings: true }, 'a placeholder is never named');
  assert.deepEqual((forgetPerson.request({ userId: 'same', anonymousId: 'same' }, ctx(config)) as RequestDescriptor).body, { distinct_ids: ['same'], delete_events: true, delete_recordings: true });
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: 'anonymous' }, ctx(config)), { skipped: NO_USABLE_ID });
});

test('forgetPerson.read: PostHog\'s 202 summary (deleted, nobody found, deletion errors tried again); refused keys, scopes and projects failed saying what to fix; 429 and 5xx tried again', () => {
  const bulk = forgetPerson.request({ userId: 'u-1', anonymousId: VISITOR }, ctx({ personal_api_key: PERSONAL, project_id: '12345' })) as RequestDescriptor;
  const read = (response: VendorResponse, req: RequestDescriptor = bulk): ForgetOutcome => forgetPerson.read!(response, req);
  assert.deepEqual(read(answer(202, { persons_found: 1, persons_deleted: 1, events_queued_for_deletion: true, recordings_queued_for_deletion: true, deletion_errors: [] })),
    { done: true, message: 'PostHog deleted 1 person (HTTP 202) and queued their events and session recordings for deletion (PostHog deletes them in a batch job, which may take days)' });
  assert.deepEqual(read(answer(202, { persons_found: 1, persons_deleted: 1, events_queued_for_deletion: true, recordings_queued_for_deletion: false, deletion_errors: [] })),
    { done: true, message: 'PostHog deleted 1 person (HTTP 202) and queued their events for deletion (PostHog deletes them in a batch job, which may take days)' }, 'says what PostHog queued');
  assert.deepEqual(read(answer(202, { persons_found: 0, persons_deleted: 0, events_queued_for_deletion: false, deletion_errors: [] })), { done: true, message: NO_PERSON });
  assert.deepEqual(read(answer(202, { persons_found: 2, persons_deleted: 1, deletion_errors: [{ person_uuid: '0190…' }] })), { retry: 'PostHog could not delete 1 of the persons it found (HTTP 202): tried again' });
  assert.deepEqual(read(answer(202, '')), { done: true, message: 'accepted (HTTP 202): PostHog deletes the persons holding these distinct ids and queued their events and session recordings for deletion (PostHog deletes them in a batch job, which may take days)' });
  assert.match(String((read(answer(401, { type: 'authentication_error', detail: 'Invalid personal API key.' })) as { failed: string }).failed), /^PostHog refused the personal API key \(HTTP 401: Invalid personal API key\.\): check config\.personal_api_key/);
  assert.match(String((read(answer(403, { detail: 'API key missing required scope \'person:write\'' })) as { failed: string }).failed), /needs the person:write scope and access to the project of config\.project_id/);
  assert.match(String((read(answer(404, { detail: 'Not found.' })) as { failed: string }).failed), /^PostHog found no project there \(HTTP 404: Not found\.\): check config\.project_id/);
  assert.deepEqual(read(answer(429, { detail: 'Request was throttled.' })), { retry: 'HTTP 429: Request was throttled.' });
  assert.deepEqual(read(answer(503, 'busy')), { retry: 'HTTP 503: busy' });
  assert.deepEqual(read(answer(400, { detail: 'You can only pass 1000 distinct_ids in one call' })), { failed: 'PostHog refused the deletion (HTTP 400: You can only pass 1000 distinct_ids in one call)' });
});

test('forgetPerson.read: an instance older than bulk_delete (405) looks the person up by distinct_id, then deletes it by its id with its events', () => {
  const bulk = forgetPerson.request({ userId: 'u-1', anonymousId: VISITOR }, ctx({ personal_api_key: PERSONAL, project_id: '12345', host: 'https://posthog.example.com' })) as RequestDescriptor;
  const lookup = forgetPerson.read!(answer(405, { detail: 'Method "POST" not allowed.' }), bulk);
  assert.deepEqual(lookup, { next: { method: 'GET', url: 'https://posthog.example.com/api/projects/12345/persons/', query: [['distinct_id', 'u-1']], headers: { authorization: `Bearer ${PERSONAL}`, 'content-type': 'application/json' }, eventIds: [] } });
  const lookupRequest = (lookup as { next: RequestDescriptor }).next;
  const deletion = forgetPerson.read!(answer(200, { next: null, results: [{ id: 2296750, uuid: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', distinct_ids: ['[hidden]'] }] }), lookupRequest);
  assert.deepEqual(deletion, { next: { method: 'DELETE', url: 'https://posthog.example.com/api/projects/12345/persons/2296750/', query: [['delete_events', 'true'], ['delete_recordings', 'true']], headers: { authorization: `Bearer ${PERSONAL}`, 'content-type': 'application/json' }, eventIds: [] } });
  assert.deepEqual(forgetPerson.read!(answer(200, { results: [] }), lookupRequest), { done: true, message: NO_PERSON });
  assert.match(String((forgetPerson.read!(answer(403, { detail: 'missing scope' }), lookupRequest) as { failed: string }).failed), /needs the person:read scope/);
  const deleteRequest = (deletion as { next: RequestDescriptor }).next;
  assert.deepEqual(forgetPerson.read!(answer(204, ''), deleteRequest), { done: true, message: 'PostHog deleted the person (HTTP 204) and its events and session recordings (PostHog deletes them in a batch job, which may take days)' });
  assert.deepEqual(forgetPerson.read!(answer(404, { detail: 'Person not found.' }), deleteRequest), { done: true, message: NO_PERSON });
  assert.deepEqual(forgetPerson.read!(answer(500, 'oops'), deleteRequest), { retry: 'HTTP 500: oops' });
});

test('definition: analytics consent, rate limit, variants with their blueprints, no click ids or cookies', () => {
  assert.deepEqual(posthog.consent, ['analytics']);
  assert.deepEqual(posthog.rateLimit, { rps: 10, burst: 20 });
  assert.deepEqual(Object.fromEntries(Object.entries(posthog.variants).map(([name, v]) => [name, v.blueprint])), { default: 'posthog/default.yaml', retail: 'posthog/retail.yaml' });
  assert.equal(posthog.clickIds, undefined);
  assert.equal(posthog.config.properties.personal_api_key!.secret, true);
  assert.equal(posthog.config.properties.api_key!.secret, undefined, 'the project API key is public (PostHog puts it in web pages)');
});
