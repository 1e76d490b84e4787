import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import braze, { validateBrazeConfig } from './index.ts';
import { classifyBraze, ownersOf } from './classify.ts';
import { customEndpointProblem, restEndpointOf } from './endpoints.ts';
import { cleanProperties, fitOptionsOf, fitRecord } from './fit-to-braze.ts';
import { forgetPerson } from './requests.ts';
import { normalizeAttributes, normalizeDob, normalizeEmail, normalizeGender } from './user-attributes.ts';

const KEY = 'a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup' } },
  ...overrides,
} as CanonicalEvent);
const TIME = '2024-03-24T16:00:00.000Z';
const ALIAS = { user_alias: { alias_name: 'df_abc123def456', alias_label: 'signal_anonymous_id' }, _update_existing_only: false };
const fit = (payload: JsonObject, event = browserEvent(), config: Record<string, JsonValue> = {}) => fitRecord(payload, event, fitOptionsOf({ api_key: KEY, ...config }));
const mappedEvent = (id: string, user = 'u-1', time = TIME): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { events: [{ external_id: user, name: 'Signed Up', time }] } });
const mappedProfile = (id: string, user = 'u-1'): MappedEvent => ({ id, event: browserEvent({ messageId: id, type: 'identify' }), payload: { attributes: [{ external_id: user, plan: 'pro' }] } });
const mappedOrder = (id: string, products: number, user = 'u-1', time = TIME): MappedEvent => ({
  id, event: browserEvent({ messageId: id }),
  payload: { purchases: Array.from({ length: products }, (_, i) => ({ external_id: user, product_id: `SKU-${i}`, currency: 'USD', price: 10, time })) },
});
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const perEventOf = (c: Classification) => ('perEvent' in c ? c.perEvent : {});

test('send: POST {rest endpoint}/users/track with the REST key as Bearer; attributes, events and purchases in one body; eventIds by array', () => {
  const requests = braze.send([mappedEvent('e1'), mappedProfile('p1', 'u-2'), mappedOrder('o1', 2, 'u-3'), mappedEvent('e2', 'u-4')], ctx());
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://rest.iad-01.braze.com/users/track',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: {
      attributes: [{ external_id: 'u-2', plan: 'pro' }],
      events: [{ external_id: 'u-1', name: 'Signed Up', time: TIME }, { external_id: 'u-4', name: 'Signed Up', time: TIME }],
      purchases: [
        { external_id: 'u-3', product_id: 'SKU-0', currency: 'USD', price: 10, time: TIME },
        { external_id: 'u-3', product_id: 'SKU-1', currency: 'USD', price: 10, time: TIME },
      ],
    },
    eventIds: ['p1', 'e1', 'e2', 'o1'],
  }]);
  assert.deepEqual(ownersOf(requests[0]!), { attributes: ['p1'], events: ['e1', 'e2'], purchases: ['o1', 'o1'] });
  assert.equal(braze.send([mappedEvent('e1')], ctx({ rest_endpoint: 'https://rest.fra-01.braze.eu' }))[0]!.url, 'https://rest.fra-01.braze.eu/users/track');
  assert.equal(braze.send([mappedEvent('e1')], ctx({ rest_endpoint: 'custom', custom_rest_endpoint: 'https://rest.iad-99.braze.com/' }))[0]!.url, 'https://rest.iad-99.braze.com/users/track');
  assert.deepEqual(Object.keys(braze.send([mappedEvent('e1')], ctx())[0]!.body as JsonObject), ['events'], 'empty arrays are not sent');
});

test('send: at most 75 objects a request (Braze\'s default: attributes, events and purchases combined), 75 per array on legacy rate limits, 50 combined on Monthly Active Users contracts; 4 MB', () => {
  const events = Array.from({ length: 76 }, (_, i) => mappedEvent(`e${i}`, `u-${i}`));
  const split = braze.send(events, ctx());
  assert.deepEqual(split.map((r) => r.eventIds.length), [75, 1]);
  assert.deepEqual(split[1], { ...split[1]!, eventIds: ['e75'], body: { events: [{ external_id: 'u-75', name: 'Signed Up', time: TIME }] } }, 'in order: the 76th in the second request');
  assert.deepEqual((split[0]!.body as { events: JsonObject[] }).events.map((e) => e.external_id), Array.from({ length: 75 }, (_, i) => `u-${i}`));
  const mixed = [...Array.from({ length: 75 }, (_, i) => mappedEvent(`e${i}`, 'same-user', `2024-03-24T16:00:${String(i % 60).padStart(2, '0')}.000Z`)), ...Array.from({ length: 75 }, (_, i) => mappedProfile(`p${i}`, 'same-user'))];
  assert.deepEqual(braze.send(mixed, ctx()).map((r) => r.eventIds.length), [75, 75], '75 objects in all');
  assert.deepEqual(braze.send(mixed, ctx({ request_limits: 'per_array_75' })).map((r) => r.eventIds.length), [150], 'legacy rate limits: 75 events and 75 attributes fit one request');
  assert.deepEqual(braze.send(events, ctx({ request_limits: 'per_array_75' })).map((r) => r.eventIds.length), [75, 1], 'legacy rate limits: 75 per array');
  const users = [...Array.from({ length: 50 }, (_, i) => mappedEvent(`e${i}`, `u-${i}`)), ...Array.from({ length: 30 }, (_, i) => mappedProfile(`p${i}`, `v-${i}`))];
  assert.deepEqual(braze.send(users, ctx({ request_limits: 'per_array_75' })).map((r) => r.eventIds.length), [80], 'no cap on distinct users besides the objects\' (legacy rate limits: 75 users per array, 225 in all)');
  assert.deepEqual(braze.send(events, ctx({ request_limits: 'combined_50' })).map((r) => r.eventIds.length), [50, 26]);
  const orders = [mappedOrder('o1', 30), mappedOrder('o2', 30, 'u-2'), mappedOrder('o3', 30, 'u-3')];
  assert.deepEqual(braze.send(orders, ctx()).map((r) => r.eventIds), [['o1', 'o2'], ['o3']], 'an order\'s purchases are never split across requests');
  const big = Array.from({ length: 5 }, (_, i): MappedEvent => ({ ...mappedEvent(`b${i}`, `u-${i}`), payload: { events: [{ external_id: `u-${i}`, name: 'Big', time: TIME, properties: { blob: 'x'.repeat(1_500_000) } }] } }));
  const sent = braze.send(big, ctx());
  assert.deepEqual(sent.map((r) => r.eventIds.length), [2, 2, 1]);
  for (const request of sent) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= 4_000_000);
});

test('send: an event without a Braze record is refused by the request builder (the core dead-letters it alone)', () => {
  assert.throws(() => braze.send([mappedEvent('e1'), { ...mappedEvent('e2'), payload: { name: 'x' } }], ctx()), /^Error: event e2 holds no Braze record \(attributes, events or purchases\) to send$/);
});

test('send: two orders of one user at one time go in separate requests, so each error index finds its order', () => {
  const requests = braze.send([mappedOrder('o1', 2), mappedOrder('o2', 1)], ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['o1'], ['o2']]);
  assert.deepEqual(braze.send([mappedOrder('o1', 2), mappedOrder('o2', 1, 'u-1', '2024-03-24T16:00:01.000Z')], ctx()).map((r) => r.eventIds), [['o1', 'o2']]);
});

test('send and classify: an order interleaved with other records, and with another order of the same user and time, is still told apart by the error index', () => {
  // An event between two orders of one user and time: the purchases would still be side by side.
  const apart = braze.send([mappedOrder('o1', 2), mappedEvent('e1'), mappedOrder('o2', 1)], ctx());
  assert.deepEqual(apart.map((r) => r.eventIds), [['e1', 'o1'], ['o2']]);
  // Another user's order between them: three runs of purchases, each its own order.
  const [mixed] = braze.send([mappedOrder('o1', 2), mappedOrder('o3', 2, 'u-2'), mappedOrder('o2', 1), mappedEvent('e1')], ctx());
  assert.deepEqual(mixed!.eventIds, ['e1', 'o1', 'o3', 'o2']);
  assert.deepEqual(ownersOf(mixed!), { attributes: [], events: ['e1'], purchases: ['o1', 'o1', 'o3', 'o3', 'o2'] });
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: [{ type: 'Invalid price', input_array: 'purchases', index: 4 }, { type: 'Invalid price', input_array: 'purchases', index: 2 }] }), mixed!, ctx()), { perEvent: {
    o2: { status: 'dead_letter', reason: 'Braze refused the purchase: Invalid price' },
    o3: { status: 'dead_letter', reason: 'Braze refused the purchase 1 of 2 of this order: Invalid price; its other 1 purchase was recorded, so a replay would record it again' },
  } });
  // A request laid out otherwise (not by send): no owner is guessed, the errors name no event.
  assert.equal(ownersOf({ ...mixed!, eventIds: ['e1', 'o1', 'o2'] }), undefined);
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: [{ type: 'bad', input_array: 'purchases', index: 0 }] }), { ...mixed!, eventIds: ['e1', 'o1', 'o2'] }, ctx()), { status: 'delivered' });
});

const trackRequest = () => braze.send([mappedEvent('e1'), mappedEvent('e2', 'u-2'), mappedProfile('p1'), mappedOrder('o1', 3, 'u-3')], ctx())[0]!;

test('classify: 201 success delivered; 202 queued delivered; per-object errors dead-letter exactly the events they name, the others were processed', () => {
  const request = trackRequest();
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', events_processed: 2 }), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyBraze(answer(202, { message: 'queued' }), request, ctx()), { status: 'delivered' });
  // Braze's documented answer with its content type; an empty 201 (as RudderStack recorded one); a page that is not Braze's: sent again.
  assert.deepEqual(classifyBraze(answer(201, { attributes_processed: 2, events_processed: 2, purchases_processed: 0, message: 'success' }, { 'content-type': 'application/json' }), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyBraze(answer(201, ''), request, ctx()), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyBraze(answer(200, page, { 'content-type': 'text/html' }), request, ctx()), { status: 'retry', reason: `HTTP 200 without Braze's JSON answer: ${page} — not Braze's answer (a proxy?), so the request is sent again` });
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: [
    { type: "'time' must be a valid ISO 8601 date", input_array: 'events', index: 1 },
    { type: 'Invalid value for price', input_array: 'purchases', index: 1 },
    { type: "'dob' is invalid", input_array: 'attributes', index: 0 },
  ] }), request, ctx()), { perEvent: {
    e2: { status: 'dead_letter', reason: "Braze refused the event: 'time' must be a valid ISO 8601 date" },
    o1: { status: 'dead_letter', reason: 'Braze refused the purchase 2 of 3 of this order: Invalid value for price; its other 2 purchases were recorded, so a replay would record them again' },
    p1: { status: 'dead_letter', reason: "Braze refused the profile update (attributes): 'dob' is invalid" },
  } });
  // An error naming no object cannot be told to any event, and Braze processed the rest: all
  // are delivered (retrying would record them twice; a 2xx with JSON is delivered, as the
  // conformance suite requires), and Braze's answer stays in the delivery log.
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: ['a minor error'] }), request, ctx()), { status: 'delivered' }, 'an error naming no object leaves the processed rest delivered');
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: [{ type: 'Invalid time' }] }), request, ctx()), { status: 'delivered' }, 'nor one without an index');
  assert.deepEqual(classifyBraze(answer(201, { message: 'success', errors: [{ type: 'bad event', input_array: 'events', index: 0 }, { type: 'out of range', input_array: 'events', index: 9 }] }), request, ctx()),
    { perEvent: { e1: { status: 'dead_letter', reason: 'Braze refused the event: bad event' } } });
});

test('classify: a fatal 400 naming objects dead-letters them and retries the others (nothing was processed); too many ids splits; another 400 dead-letters with Braze\'s message', () => {
  const request = trackRequest();
  const named = classifyBraze(answer(400, { message: "'external_id' or 'braze_id' or 'user_alias' is required", errors: [{ type: 'missing identifier', input_array: 'events', index: 0 }] }), request, ctx());
  assert.deepEqual(named, { perEvent: {
    e1: { status: 'dead_letter', reason: "Braze refused the event: missing identifier (HTTP 400: 'external_id' or 'braze_id' or 'user_alias' is required)" },
    e2: { status: 'resend', reason: "Braze refused the whole request (HTTP 400: 'external_id' or 'braze_id' or 'user_alias' is required) for other events of it, and recorded nothing: sent again without them" },
    p1: { status: 'resend', reason: "Braze refused the whole request (HTTP 400: 'external_id' or 'braze_id' or 'user_alias' is required) for other events of it, and recorded nothing: sent again without them" },
    o1: { status: 'resend', reason: "Braze refused the whole request (HTTP 400: 'external_id' or 'braze_id' or 'user_alias' is required) for other events of it, and recorded nothing: sent again without them" },
  } });
  assert.deepEqual(classifyBraze(answer(400, { message: 'Bad Request', errors: [{ type: 'bad', input_array: 'events', index: 0 }, { type: 'no index' }] }), request, ctx()),
    { status: 'dead_letter', reason: 'Braze refused the request (HTTP 400: Bad Request) (bad; no index)' }, 'an error naming no object: which events caused it is unknown');
  assert.deepEqual(classifyBraze(answer(400, { message: 'Max Input Length Exceeded' }), request, ctx()), { status: 'split', reason: 'Braze: more objects than one request takes (HTTP 400: Max Input Length Exceeded); sending it in halves (set config.request_limits to your contract\'s: combined_75 for most, combined_50 on Monthly Active Users CY 24-25)' });
  assert.deepEqual(classifyBraze(answer(400, { message: "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields." }), request, ctx()),
    { status: 'dead_letter', reason: "Braze refused the request (HTTP 400: Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.)" });
  assert.deepEqual(perEventOf(classifyBraze(answer(200, { message: 'Bad Request', errors: [{ type: 'bad', input_array: 'attributes', index: 0 }] }), request, ctx())).p1,
    { status: 'dead_letter', reason: 'Braze refused the profile update (attributes): bad (HTTP 200: Bad Request)' }, 'a 2xx whose message is an error is read as the 400 it is');
});

test('classify: auth errors dead-letter the request saying what to fix; 404 names the endpoint; 413 splits; 429 waits for X-RateLimit-Reset or Retry-After; 5xx retries', () => {
  const request = trackRequest();
  assert.equal(reasonOf(classifyBraze(answer(401, { message: 'Invalid API Key' }), request, ctx())),
    'Braze refused the REST API key (HTTP 401: Invalid API Key): check config.api_key (Braze: Settings > APIs and Identifiers > API Keys) and that config.rest_endpoint is your instance\'s — a key works on its own instance only (EU-01 dashboards use https://rest.fra-01.braze.eu)');
  assert.deepEqual(classifyBraze(answer(403, { message: 'Access Denied' }), request, ctx()),
    { status: 'dead_letter', reason: 'Braze refused the request (HTTP 403: Access Denied): the REST API key lacks the users.track permission: add it to the key (Braze: Settings > APIs and Identifiers > API Keys) and replay' });
  assert.equal(reasonOf(classifyBraze(answer(403, { message: 'Forbidden' }), request, ctx())),
    'Braze refused the request (HTTP 403: Forbidden): Braze says the account\'s plan does not include this API or the account is inactive; if the key has an IP allowlist, Signal\'s egress address must be on it (Braze: Settings > APIs and Identifiers > API Keys)');
  assert.deepEqual(classifyBraze(answer(404, { message: 'Invalid URL' }), request, ctx()),
    { status: 'dead_letter', reason: 'Braze answered HTTP 404 (Invalid URL): the URL is not Braze\'s /users/track; check config.rest_endpoint (and config.custom_rest_endpoint)' });
  assert.deepEqual(classifyBraze(answer(413, 'Request Entity Too Large'), request, ctx()), { status: 'split', reason: 'Braze: the request is too large (HTTP 413: Request Entity Too Large); sending it in halves' });
  const single = braze.send([mappedEvent('e1')], ctx())[0]!;
  assert.deepEqual(classifyBraze(answer(413, 'Request Entity Too Large'), single, ctx()), { status: 'dead_letter', reason: 'Braze refused this event alone as too large (HTTP 413: Request Entity Too Large): leave its largest properties out with a pipeline transformation or the blueprint\'s exclude' });
  assert.deepEqual(classifyBraze(answer(429, { message: 'Rate Limited' }, { 'X-RateLimit-Reset': String(NOW / 1000 + 12) }), request, ctx()),
    { status: 'retry', reason: 'Braze rate-limited the workspace (HTTP 429: Rate Limited)', retryAfterMs: 12_000 });
  assert.deepEqual(classifyBraze(answer(429, { message: 'Rate Limited' }, { 'retry-after': '3', 'x-ratelimit-reset': String(NOW / 1000 + 12) }), request, ctx()),
    { status: 'retry', reason: 'Braze rate-limited the workspace (HTTP 429: Rate Limited)', retryAfterMs: 3000 });
  assert.deepEqual(classifyBraze(answer(429, 'Rate Limited', { 'x-ratelimit-reset': String(NOW / 1000 - 5) }), request, ctx()), { status: 'retry', reason: 'Braze rate-limited the workspace (HTTP 429: Rate Limited)' }, 'a reset already past: the core\'s own wait');
  assert.deepEqual(classifyBraze(answer(503, 'Service Unavailable'), request, ctx()), { status: 'retry', reason: 'Braze HTTP 503: Service Unavailable' });
  assert.deepEqual(classifyBraze(answer(500, { message: 'Internal Server Error' }), request, ctx()), { status: 'retry', reason: 'Braze HTTP 500: Internal Server Error' });
  // Braze sends its rate-limit headers on every answer: the reset of an hourly window is no time for a 5xx or a 408.
  const hourly = { 'X-RateLimit-Limit': '100000', 'X-RateLimit-Remaining': '99000', 'X-RateLimit-Reset': String(NOW / 1000 + 3600) };
  assert.deepEqual(classifyBraze(answer(503, 'Service Unavailable', hourly), request, ctx()), { status: 'retry', reason: 'Braze HTTP 503: Service Unavailable' }, 'a 503 retries on the core\'s schedule');
  assert.deepEqual(classifyBraze(answer(408, 'Request Timeout', hourly), request, ctx()), { status: 'retry', reason: 'Braze HTTP 408: Request Timeout' });
  assert.deepEqual(classifyBraze(answer(502, 'Bad Gateway', { ...hourly, 'Retry-After': '7' }), request, ctx()), { status: 'retry', reason: 'Braze HTTP 502: Bad Gateway', retryAfterMs: 7000 }, 'a Retry-After is honoured whatever the status');
  assert.deepEqual(classifyBraze(answer(429, { message: 'Rate Limited' }, hourly), request, ctx()), { status: 'retry', reason: 'Braze rate-limited the workspace (HTTP 429: Rate Limited)', retryAfterMs: 3_600_000 }, 'a 429 waits for the window');
  assert.equal(statusOf(classifyBraze(answer(408, ''), request, ctx())), 'retry');
  assert.deepEqual(classifyBraze(answer(405, { message: 'Method Not Allowed' }), request, ctx()), { status: 'dead_letter', reason: 'Braze refused the request (HTTP 405: Method Not Allowed)' });
});

test('identity: external_id for a known user, else a user alias with the configured label and _update_existing_only false; placeholders identify nobody', () => {
  assert.deepEqual(fit({ external_id: 'user-123', alias_name: 'df_abc123def456', name: 'Signed Up', time: TIME }), { events: [{ external_id: 'user-123', name: 'Signed Up', time: TIME }] });
  assert.deepEqual(fit({ alias_name: 'df_abc123def456', name: 'Signed Up', time: TIME }), { events: [{ ...ALIAS, name: 'Signed Up', time: TIME }] });
  assert.deepEqual(fit({ external_id: 'null', alias_name: 'df_abc123def456', name: 'Signed Up', time: TIME }, browserEvent(), { alias_label: 'web_visitor', app_id: 'app-1' }),
    { events: [{ user_alias: { alias_name: 'df_abc123def456', alias_label: 'web_visitor' }, _update_existing_only: false, app_id: 'app-1', name: 'Signed Up', time: TIME }] });
  assert.throws(() => fit({ name: 'Signed Up' }, browserEvent({ anonymousId: 'undefined', userId: 'anonymous' })), /Braze needs an external_id or a user alias and this event has no usable id \(userId "anonymous", anonymousId "undefined"\)/);
  assert.deepEqual(fit({ name: 'Signed Up' }, browserEvent({ userId: 'user-9' })), { events: [{ external_id: 'user-9', name: 'Signed Up', time: TIME }] }, 'without the blueprint\'s ids and time: the event\'s');
});

test('events: properties without contact information at any depth, Braze\'s reserved keys, $ keys or ids; time from the blueprint as ISO 8601', () => {
  const record = fit({
    external_id: 'u-1', name: 'Signed Up', time: '2024-03-24T17:00:00+01:00',
    properties: { plan: 'pro', email: 'jane@example.com', time: 'noon', event_name: 'x', $ref: 'y', customer: { id: 'c-1', phone: '+44 7700 900123', name: 'Jane Doe' }, items: [{ sku: 'S-1', buyer_email: 'a@b.co' }], external_id: 'someone-else' },
  });
  assert.deepEqual(record, { events: [{ external_id: 'u-1', name: 'Signed Up', time: TIME, properties: { plan: 'pro', customer: { id: 'c-1' }, items: [{ sku: 'S-1' }], external_id: 'someone-else' } }] },
    'a property named external_id stays inside properties: it cannot identify the user');
  assert.throws(() => fit({ external_id: 'u-1', name: 'X', time: 'next tuesday' }), /Braze needs the time as an ISO 8601 date-time; the blueprint mapped "next tuesday" to time/);
  assert.throws(() => fit({ external_id: 'u-1', name: 'x'.repeat(256) }), /at most 255 characters; this one has 256/);
  assert.deepEqual(cleanProperties({ name: 'Jane Doe', products: [{ name: 'Mug' }] }), { products: [{ name: 'Mug' }] });
});

const viewed = { product_id: 'P-1', product_name: 'Mug', variant_id: 'P-1-BLU', price: 4, source: 'web' };
const product = { product_id: 'P-1', product_name: 'Mug', variant_id: 'P-1-BLU', quantity: 1, price: 4 };

test('eCommerce events: fitted to Braze\'s strict schema (it drops one that fails): the default currency, other properties under metadata, every required field or a dead letter naming it', () => {
  assert.deepEqual(fit({ external_id: 'u-1', name: 'ecommerce.product_viewed', time: TIME, properties: viewed }, browserEvent(), { default_currency: 'eur' }),
    { events: [{ external_id: 'u-1', name: 'ecommerce.product_viewed', time: TIME, properties: { ...viewed, currency: 'EUR' } }] }, 'the default currency');
  const order = fit({ external_id: 'u-1', name: 'ecommerce.order_placed', time: TIME, properties: {
    order_id: 'O-1', total_value: 8, currency: 'GBP', source: 'web', channel: 'app', metadata: { coupon: 'SPRING' }, products: [{ ...product, quantity: 2, colour: 'blue' }],
  } });
  assert.deepEqual((order.events as JsonObject[])[0]!.properties, {
    order_id: 'O-1', total_value: 8, currency: 'GBP', source: 'web', metadata: { channel: 'app', coupon: 'SPRING' }, products: [{ ...product, quantity: 2, metadata: { colour: 'blue' } }],
  }, 'properties the schema does not name go under metadata, the event\'s or the product\'s');
  assert.throws(() => fit({ external_id: 'u-1', name: 'ecommerce.product_viewed', time: TIME, properties: { product_id: 'P-1' } }),
    /^PermanentError: Braze drops an ecommerce\.product_viewed event its schema refuses, so it was not sent: properties\.product_name, properties\.variant_id, properties\.price, properties\.source are missing\. Map the field in the blueprint \(or fix the source\), then replay$/);
  assert.throws(() => fit({ external_id: 'u-1', name: 'ecommerce.order_cancelled', time: TIME, properties: { order_id: 'O-1', total_value: -5, source: 'web', products: [{ product_id: 'P-1', price: 'four', quantity: 1.5 }] } }),
    /: properties\.cancel_reason is missing; properties\.total_value -5 is not an amount Braze takes \(a number ≥ 0\); properties\.products\[0\]\.product_name, properties\.products\[0\]\.variant_id are missing; properties\.products\[0\]\.price "four" is not an amount Braze takes \(a number ≥ 0\); properties\.products\[0\]\.quantity 1\.5 is not a whole number ≥ 0\./);
  assert.throws(() => fit({ external_id: 'u-1', name: 'ecommerce.cart_updated', time: TIME, properties: { cart_id: 'c', source: 'web', products: [] } }),
    /properties\.products, properties\.total_value are missing/, 'an empty cart; a full cart needs its total');
  assert.deepEqual((fit({ external_id: 'u-1', name: 'ecommerce.cart_updated', time: TIME, properties: { cart_id: 'c', action: 'add', source: 'web', products: [product] } }).events as JsonObject[])[0]!.properties,
    { cart_id: 'c', action: 'add', source: 'web', products: [product], currency: 'USD' }, 'an incremental update needs no total');
  assert.throws(() => fit({ external_id: 'u-1', name: 'ecommerce.order_refunded', time: TIME }), /properties\.order_id, properties\.total_value, properties\.products, properties\.source are missing/, 'no properties at all');
  assert.deepEqual(fit({ external_id: 'u-1', name: 'ecommerce.custom_thing', time: TIME, properties: { a: 1 } }), { events: [{ external_id: 'u-1', name: 'ecommerce.custom_thing', time: TIME, properties: { a: 1 } }] },
    'a name that is none of the six is an ordinary custom event');
});

test('purchases: one per product (sku when no product_id), the order\'s properties under each, currency from the product, the order or the config; quantities over 100 in parts', () => {
  const record = fit({
    external_id: 'u-1', time: TIME, currency: 'GBP', properties: { order_id: 'O-1', email: 'jane@example.com', shipping_address: { street: '1 Main St' }, coupon: 'SPRING' },
    purchases: [{ product_id: 'SKU-1', price: 9.5, quantity: 2, properties: { product_name: 'Mug' } }, { product_id: 42, price: '3', quantity: 250, currency: 'eur' }],
  });
  const base = { external_id: 'u-1' };
  assert.deepEqual(record, { purchases: [
    { ...base, product_id: 'SKU-1', currency: 'GBP', price: 9.5, quantity: 2, time: TIME, properties: { order_id: 'O-1', coupon: 'SPRING', product_name: 'Mug' } },
    { ...base, product_id: '42', currency: 'EUR', price: 3, quantity: 100, time: TIME, properties: { order_id: 'O-1', coupon: 'SPRING' } },
    { ...base, product_id: '42', currency: 'EUR', price: 3, quantity: 100, time: TIME, properties: { order_id: 'O-1', coupon: 'SPRING' } },
    { ...base, product_id: '42', currency: 'EUR', price: 3, quantity: 50, time: TIME, properties: { order_id: 'O-1', coupon: 'SPRING' } },
  ] });
  assert.deepEqual(fit({ external_id: 'u-1', time: TIME, purchases: [{ product_id: 'S', price: 1 }] }, browserEvent(), { default_currency: 'cad' }),
    { purchases: [{ external_id: 'u-1', product_id: 'S', currency: 'CAD', price: 1, time: TIME }] }, 'no quantity: Braze\'s default 1');
  assert.throws(() => fit({ external_id: 'u-1', purchases: [{ price: 1 }] }), /purchases\[0\] has no product_id: Braze needs one/);
  assert.throws(() => fit({ external_id: 'u-1', purchases: [{ product_id: 'S', price: 'lots' }] }), /purchases\[0\]\.price is not a number \("lots"\)/);
  assert.throws(() => fit({ external_id: 'u-1', purchases: [{ product_id: 'S', price: 1, quantity: 0 }] }), /purchases\[0\]\.quantity 0 is not a whole number of at least 1/);
  assert.throws(() => fit({ external_id: 'u-1', purchases: [{ product_id: 'S', price: 1, currency: '$' }] }), /purchases\[0\]\.currency "\$" is not an ISO 4217 code/);
  assert.throws(() => fit({ external_id: 'u-1', purchases: Array.from({ length: 51 }, (_, i) => ({ product_id: `S${i}`, price: 1 })) }, browserEvent(), { request_limits: 'combined_50' }),
    /this order has 51 purchase objects and one Braze request takes at most 50/);
  assert.deepEqual(fit({ external_id: 'u-1', name: 'Order Completed', time: TIME, purchases: [] }), { events: [{ external_id: 'u-1', name: 'Order Completed', time: TIME }] }, 'no products: the custom event');
  assert.deepEqual(fit({ external_id: 'u-1', time: TIME, properties: { order_id: 'O-1', price: 9, quantity: 3, product_id: 'x', currency: 'EUR' }, purchases: [{ product_id: 'S', price: 1, properties: { price: 2, colour: 'red' } }] }),
    { purchases: [{ external_id: 'u-1', product_id: 'S', currency: 'USD', price: 1, time: TIME, properties: { order_id: 'O-1', colour: 'red' } }] }, 'Braze refuses purchase properties named product_id, quantity, price or currency');
});

test('attributes: profile fields in Braze\'s formats, identity keys never taken from traits; a field Braze cannot use dead-letters the update naming it', () => {
  const record = fit({ external_id: 'u-1', attributes: {
    email: ' Jane.Doe@Example.com ', phone: '07700 900123', dob: '1988-02-14T00:00:00Z', gender: 'Female', country: 'gb', home_city: 'London', plan: 'pro', nickname: '',
    external_id: 'someone-else', user_alias: { alias_name: 'x', alias_label: 'y' }, braze_id: 'b', _update_existing_only: true, push_tokens: [], favourite: null,
  } }, browserEvent(), { default_country_code: '44' });
  assert.deepEqual(record, { attributes: [{ external_id: 'u-1', email: 'jane.doe@example.com', phone: '+447700900123', dob: '1988-02-14', gender: 'F', country: 'GB', home_city: 'London', plan: 'pro', favourite: null }] });
  assert.deepEqual(fit({ attributes: { plan: 'pro' } }), { attributes: [{ ...ALIAS, plan: 'pro' }] }, 'an anonymous visitor\'s traits create its alias-only profile');
  assert.throws(() => fit({ external_id: 'u-1', attributes: { email: 'Jane Doe', phone: '07700 900123' } }),
    /^PermanentError: the profile update was not sent: attributes\.email is not one email address; attributes\.phone has no country code \(written without \+ or 00\) and config\.default_country_code is not set\. Fix the value at the source \(or set config\.default_country_code\), or leave it out with a pipeline transformation, then replay$/);
  assert.throws(() => fit({ external_id: 'u-1', attributes: { points: { inc: 10 } } }), /attributes\.points is a "inc" operation, which would count twice when a request is retried/);
  assert.throws(() => fit({ external_id: 'u-1', attributes: { gender: 'robot', email_subscribe: 'yes' } }), /attributes\.gender is not one of Braze's genders.*attributes\.email_subscribe is not a subscription state/);
  assert.throws(() => fit({ external_id: 'u-1', attributes: { plan: 'pro' }, name: 'Signed Up' }), /mapped both attributes and an event/);
  assert.throws(() => fit({ external_id: 'u-1' }), /the blueprint mapped nothing Braze records: map attributes \(a profile update\), name \(an event\) or purchases \(an order\)/);
  assert.deepEqual(normalizeAttributes({ phone: '+44 (0)7700 900123', list: { add: ['a'] } }), { attributes: { phone: '+447700900123', list: { add: ['a'] } }, leftOut: [] });
  assert.deepEqual([normalizeEmail('a@b.co'), normalizeEmail('a@b'), normalizeDob('1988-02-30'), normalizeDob('14/02/1988'), normalizeGender('prefer not to say'), normalizeGender('M')], ['a@b.co', undefined, undefined, undefined, 'P', 'M']);
});

test('attributes: subscription groups and the update modes are never taken from what the site sent; the global subscription states are, validated', () => {
  const record = fit({ external_id: 'u-1', attributes: {
    plan: 'pro', email_subscribe: 'Opted_In',
    subscription_groups: [{ subscription_group_id: 'sms-marketing', subscription_state: 'subscribed' }], _merge_objects: true, _update_existing_only: true,
  } });
  assert.deepEqual(record, { attributes: [{ external_id: 'u-1', plan: 'pro', email_subscribe: 'opted_in' }] });
});

test('attributes: nested custom attributes without nulls (Braze would drop every nested update of the request); what cannot be left out is named', () => {
  const record = fit({ external_id: 'u-1', attributes: {
    company: { name: 'Acme', plan: null, address: { city: 'London', street: null }, founded: { $time: '1999-04-01' }, closed: { $time: null } },
    pets: [{ name: 'Rex', age: null }, null, { name: null }], tags: ['a', null, 'b'], empty: { only: null }, nothing: [null], removed: null, kept: [],
  } });
  assert.deepEqual(record, { attributes: [{ external_id: 'u-1',
    company: { name: 'Acme', address: { city: 'London' }, founded: { $time: '1999-04-01' } },
    pets: [{ name: 'Rex' }], tags: ['a', 'b'], removed: null, kept: [],
  }] }, 'a null at the top still removes the attribute, as Braze documents; an object or array holding only nulls is left out');
  assert.deepEqual(normalizeAttributes({ orders: { $update: [{ $identifier_key: 'id', $identifier_value: 7, $new_object: { status: 'sent', note: null } }] } }).attributes,
    { orders: { $update: [{ $identifier_key: 'id', $identifier_value: 7, $new_object: { status: 'sent' } }] } }, 'Braze\'s array-of-objects operators pass');
  assert.throws(() => fit({ external_id: 'u-1', attributes: { email: 'jane@example.com', company: { founded: { $time: 'last spring' } } } }),
    /^PermanentError: the profile update was not sent: attributes\.company\.founded is a \$time Braze cannot read \("last spring"\): give an ISO 8601 date/);
  assert.deepEqual(normalizeAttributes({ company: { 'head office': 'x' }, pets: [{ 'name.first': 'Rex' }], bio: { text: 'x'.repeat(256) } }).leftOut, [
    { key: 'company.head office', reason: 'is a key Braze does not take in a nested custom attribute (no spaces or periods)' },
    { key: 'pets[0].name.first', reason: 'is a key Braze does not take in a nested custom attribute (no spaces or periods)' },
    { key: 'bio.text', reason: 'has 256 characters; Braze takes nested string values of at most 255' },
  ]);
});

test('validateConfig: custom endpoint required with "custom" and restricted to Braze hosts over https; no white space in the key; a blank alias label', () => {
  assert.deepEqual(validateBrazeConfig({ api_key: KEY }), []);
  assert.deepEqual(validateBrazeConfig({ api_key: KEY, rest_endpoint: 'custom' }), [{ field: 'custom_rest_endpoint', message: 'is required when rest_endpoint is "custom": give the REST endpoint Braze lists for your instance (Braze: API and SDK endpoints), e.g. https://rest.iad-01.braze.com' }]);
  assert.deepEqual(validateBrazeConfig({ api_key: `Bearer ${KEY}`, rest_endpoint: 'custom', custom_rest_endpoint: 'https://braze.example.com', alias_label: ' ' }), [
    { field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the REST API key alone, without "Bearer"' },
    { field: 'custom_rest_endpoint', message: 'must be a Braze REST host, rest.<cluster>.braze.com or rest.<cluster>.braze.eu (got braze.example.com): the REST API key is sent there (the dashboard and sdk.* hosts are no REST API)' },
    { field: 'alias_label', message: 'must not be blank: it names the alias anonymous visitors are sent under (default "signal_anonymous_id")' },
  ]);
  assert.equal(customEndpointProblem('http://rest.iad-01.braze.com'), 'must start with https:// (Braze serves its REST API over HTTPS only)');
  assert.equal(customEndpointProblem('https://rest.iad-01.braze.com/users/track'), 'must be the endpoint alone, without a path or query (Signal adds /users/track and /users/delete)');
  assert.equal(customEndpointProblem('https://rest.iad-01.braze.com.evil.example'), 'must be a Braze REST host, rest.<cluster>.braze.com or rest.<cluster>.braze.eu (got rest.iad-01.braze.com.evil.example): the REST API key is sent there (the dashboard and sdk.* hosts are no REST API)');
  for (const host of ['dashboard-01.braze.com', 'sdk.iad-01.braze.com', 'www.braze.com', 'status.braze.com', 'braze.com', 'rest.braze.com', 'rest.iad-01.evil.braze.com', 'rest.fra-01.braze.eu.example']) {
    assert.match(customEndpointProblem(`https://${host}`) ?? '', /^must be a Braze REST host/, host);
  }
  for (const host of ['rest.iad-09.braze.com', 'rest.fra-03.braze.eu', 'REST.KR-01.BRAZE.COM']) assert.equal(customEndpointProblem(`https://${host}`), undefined, host);
  assert.equal(customEndpointProblem('https://user:pw@rest.fra-02.braze.eu'), 'must not carry credentials: the REST API key goes in config.api_key');
  assert.equal(customEndpointProblem('not a url'), 'is not a URL: give the REST endpoint Braze lists for your instance, e.g. https://rest.iad-01.braze.com');
  assert.equal(customEndpointProblem('https://rest.fra-02.braze.eu'), undefined);
  assert.equal(restEndpointOf({}), 'https://rest.iad-01.braze.com');
  assert.equal(restEndpointOf({ rest_endpoint: 'https://rest.kr-01.braze.com' }), 'https://rest.kr-01.braze.com');
  assert.deepEqual((braze.config.properties.rest_endpoint as { enum: string[] }).enum.slice(-2), ['https://rest.kr-01.braze.com', 'custom'], 'KR-01 is listed (Braze: API and SDK endpoints)');
});

test('forgetPerson: /users/delete by external_id, then by the visitor\'s alias (one kind of id a request); 403 names the users.delete permission', () => {
  assert.equal(forgetPerson.enabled({ api_key: KEY }), true);
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: false }), false);
  const byUser: RequestDescriptor = { method: 'POST', url: 'https://rest.iad-01.braze.com/users/delete', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: { external_ids: ['u-1'] }, eventIds: [] };
  const byAlias: RequestDescriptor = { ...byUser, body: { user_aliases: [{ alias_name: 'df_abc', alias_label: 'signal_anonymous_id' }] } };
  // Both ids named: the user's profile, then the alias-only profile from before login.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc' }, ctx()), [byUser, byAlias]);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx()), [byUser]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx({ alias_label: 'web_visitor', rest_endpoint: 'https://rest.fra-01.braze.eu' })),
    [{ method: 'POST', url: 'https://rest.fra-01.braze.eu/users/delete', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: { user_aliases: [{ alias_name: 'df_abc', alias_label: 'web_visitor' }] }, eventIds: [] }]);
  assert.deepEqual(forgetPerson.request({ userId: 'anonymous', anonymousId: 'df_abc' }, ctx()), [byAlias], 'a placeholder userId: by the alias alone');
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders the plugin never sends to Braze, so no profile of theirs can exist there' });
  const read = (response: VendorResponse, request = byUser) => forgetPerson.read!(response, request);
  assert.deepEqual(read(answer(201, { deleted: 1 })), { done: true, message: 'Braze queued 1 profile for deletion: the user\'s profile (external_id)' });
  assert.deepEqual(read(answer(201, { deleted: 0 }), byAlias), { done: true, message: 'Braze queued 0 profiles for deletion: the visitor\'s alias-only profile (anonymousId)' });
  assert.deepEqual(read(answer(200, '')), { done: true, message: 'accepted (HTTP 200): Braze queued the user\'s profile (external_id) for deletion' });
  assert.deepEqual(read(answer(403, { message: 'Access Denied' })), { failed: 'HTTP 403: Braze refused the deletion. The REST API key needs the users.delete permission: add it to the key (Braze: Settings > APIs and Identifiers > API Keys) or set config.forward_deletions to false (Braze: {"message":"Access Denied"})' });
  assert.deepEqual(read(answer(401, { message: 'Invalid API Key' })), { failed: 'HTTP 401: Braze refused the REST API key: check config.api_key and that config.rest_endpoint is your instance\'s (Braze: {"message":"Invalid API Key"})' });
  assert.deepEqual(read(answer(429, 'Rate Limited')), { retry: 'HTTP 429: Rate Limited' });
  assert.deepEqual(read(answer(502, '')), { retry: 'HTTP 502' });
  assert.deepEqual(read(answer(400, { message: 'Bad Request' })), { failed: 'HTTP 400: {"message":"Bad Request"}' });
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/braze/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
const mapped = (variant: string, event: CanonicalEvent): JsonObject | null => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  return result.vendorEvent === null ? null : braze.map!(result.vendorEvent, event, ctx())!;
};

const eventOf = (variant: string, event: CanonicalEvent): JsonObject => ((mapped(variant, event)!.events as JsonObject[])[0]!);
const errorsOf = (variant: string, event: CanonicalEvent): string[] => blueprint(variant).mapEvent(event).errors;

test('default blueprint: identify to attributes, track to custom events, Segment\'s ecommerce events (orders included) to Braze\'s eCommerce recommended events; page, screen, alias, group not sent', () => {
  const identify = mapped('default', browserEvent({ type: 'identify', event: undefined, userId: 'user-123', traits: { email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', phone: '+44 7700 900123', birthday: '1988-02-14', gender: 'male', address: { city: 'London', country: 'GB', street: '1 Main St' }, plan: 'premium', external_id: 'someone-else', id: 'x', subscription_groups: [{ subscription_group_id: 'g', subscription_state: 'subscribed' }] } }));
  assert.deepEqual(identify, { attributes: [{ external_id: 'user-123', plan: 'premium', email: 'jane@example.com', phone: '+447700900123', first_name: 'Jane', last_name: 'Doe', dob: '1988-02-14', gender: 'M', home_city: 'London', country: 'GB' }] });
  const track = mapped('default', browserEvent({ properties: { method: 'email', email: 'jane@example.com', time: 'noon' } }));
  assert.deepEqual(track, { events: [{ ...ALIAS, name: 'Signed Up', time: TIME, properties: { method: 'email' } }] });
  for (const type of ['page', 'screen', 'alias', 'group'] as const) assert.equal(mapped('default', browserEvent({ type, event: undefined, name: 'Home' } as Partial<CanonicalEvent>)), null, type);

  const order = mapped('default', browserEvent({ event: 'Order Completed', userId: 'user-123', properties: { order_id: 5521, total: '89.99', subtotal: 75, tax: 10, shipping: 4.99, discount: 5, coupon: 'SPRING', affiliation: 'Shop', currency: 'gbp', email: 'jane@example.com', products: [{ sku: 'RS-42', name: 'Shoes', price: 59.99, quantity: 1, brand: 'Stride' }, { product_id: 'SKU-2', name: 'Socks', price: '15', quantity: '2' }] } }));
  assert.deepEqual(order, { events: [{ external_id: 'user-123', name: 'ecommerce.order_placed', time: TIME, properties: {
    order_id: '5521', total_value: 89.99, subtotal_value: 75, tax: 10, shipping: 4.99, total_discounts: 5, discounts: [{ code: 'SPRING', amount: 5 }], metadata: { affiliation: 'Shop' }, currency: 'GBP',
    products: [
      { product_id: 'RS-42', product_name: 'Shoes', variant_id: 'RS-42', quantity: 1, price: 59.99, metadata: { sku: 'RS-42', brand: 'Stride' } },
      { product_id: 'SKU-2', product_name: 'Socks', variant_id: 'SKU-2', quantity: 2, price: 15 },
    ], source: 'web',
  } }] }, 'ecommerce.order_placed: subtotal_value, tax and shipping are in Braze\'s schema; the coupon and its amount as discounts[]');
  assert.deepEqual(eventOf('default', browserEvent({ event: 'Order Completed', properties: { order_id: 'O-2', total: 5, coupon: 'FREESHIP', products: [{ product_id: 'P', name: 'Mug', price: 5 }] } })).properties,
    { order_id: 'O-2', total_value: 5, metadata: { coupon: 'FREESHIP' }, products: [{ product_id: 'P', product_name: 'Mug', variant_id: 'P', quantity: 1, price: 5 }], source: 'web', currency: 'USD' }, 'a coupon without an amount under metadata');

  const viewed = mapped('default', browserEvent({ event: 'Product Viewed', properties: { sku: 'RS-42', name: 'Shoes', price: '59.99', brand: 'Stride', url: 'https://shop.example.com/p/shoes' } }));
  assert.deepEqual(viewed, { events: [{ ...ALIAS, name: 'ecommerce.product_viewed', time: TIME, properties: {
    product_id: 'RS-42', product_name: 'Shoes', variant_id: 'RS-42', price: 59.99, product_url: 'https://shop.example.com/p/shoes', source: 'web', metadata: { sku: 'RS-42', brand: 'Stride' }, currency: 'USD',
  } }] }, 'a sku-only product; no currency sent: the config\'s');
  const checkout = eventOf('default', browserEvent({ event: 'Checkout Started', properties: { checkout_id: 'CK-1', cart_id: 'cart-7', value: 20, tax: 2, currency: 'EUR', products: [{ product_id: 'P', name: 'Mug', price: 10, quantity: 2 }] } }));
  assert.deepEqual(checkout.properties, { checkout_id: 'CK-1', cart_id: 'cart-7', total_value: 20, tax: 2, currency: 'EUR', products: [{ product_id: 'P', product_name: 'Mug', variant_id: 'P', quantity: 2, price: 10 }], source: 'web', metadata: { checkout_url: 'https://shop.example.com/signup' } },
    'the checkout page under metadata (Braze\'s schema names checkout_url there)');
  assert.equal(eventOf('default', browserEvent({ event: 'Cart Viewed', properties: { cart_id: 'c', value: 1, products: [{ product_id: 'P', name: 'Mug', price: 1 }] } })).name, 'ecommerce.cart_updated');
  assert.deepEqual(eventOf('default', browserEvent({ event: 'Order Cancelled', properties: { order_id: 'O-2', total: 5, products: [{ product_id: 'P', name: 'Mug', price: 5 }] } })).properties,
    { order_id: 'O-2', cancel_reason: 'not given', total_value: 5, products: [{ product_id: 'P', product_name: 'Mug', variant_id: 'P', quantity: 1, price: 5 }], source: 'web', currency: 'USD' }, 'Braze requires a cancel_reason');
  assert.equal(eventOf('default', browserEvent({ event: 'Order Refunded', properties: { order_id: 'O-3', total: 5, products: [{ product_id: 'P', name: 'Mug', price: 5 }] } })).name, 'ecommerce.order_refunded');
  assert.deepEqual(eventOf('default', browserEvent({ event: 'Product Added', properties: { product_id: 42, name: 'Cup', price: '4', currency: 'eur' } })).properties, { product_id: '42', product_name: 'Cup', price: 4, quantity: 1, currency: 'EUR' });
  const unreadable = blueprint('default').mapEvent(browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', total: 1, currency: '$', products: [{ product_id: 'S', name: 'S', price: 1 }] } }));
  assert.match(unreadable.errors.join(), /currency is required but currency: "\$" is not an ISO 4217 code/);
});

test('default blueprint: an eCommerce event without what Braze\'s schema requires is dead-lettered naming the field; a product without one is left out; an empty cart is not sent', () => {
  assert.deepEqual(errorsOf('default', browserEvent({ event: 'Product Viewed', properties: { product_id: 'P' } })), [
    'properties.product_name is required but properties.name / properties.items.0.item_name are missing',
    'properties.price is required but properties.price / properties.items.0.price are missing',
  ]);
  assert.deepEqual(errorsOf('default', browserEvent({ event: 'Order Cancelled', properties: { order_id: 'O-1' } })), [
    'properties.total_value is required but properties.total / properties.revenue / properties.value are missing',
    'properties.products is required but properties.products / properties.items are missing',
  ]);
  assert.match(errorsOf('default', browserEvent({ event: 'Checkout Started', properties: { value: 1, products: [{ product_id: 'P', name: 'M', price: 1 }] } })).join(), /properties\.checkout_id is required/);
  assert.match(errorsOf('default', browserEvent({ event: 'Order Refunded', properties: { order_id: 'O-1', total: 5 } })).join(), /properties\.products is required/, 'Braze requires products even for an order-level refund');
  const partly = blueprint('default').mapEvent(browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', total: 9, products: [{ product_id: 'A', name: 'Mug', price: 4 }, { product_id: 'B', price: 5 }, { product_id: 'C', name: 'Cup' }] } }));
  assert.deepEqual(partly.errors, []);
  assert.deepEqual(partly.warnings, ['properties.products[1].product_name is required but name / item_name are missing; the element was left out', 'properties.products[2].price is required but price is missing; the element was left out']);
  assert.deepEqual((partly.vendorEvent!.properties as JsonObject).products, [{ product_id: 'A', product_name: 'Mug', variant_id: 'A', quantity: 1, price: 4 }]);
  assert.match(errorsOf('default', browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', total: 9, products: [{ product_id: 'B', price: 5 }] } })).join(), /properties\.products is required/, 'no product left: dead-lettered');
  for (const properties of [{ cart_id: 'c', products: [] }, { cart_id: 'c' }] as JsonObject[]) {
    const result = blueprint('default').mapEvent(browserEvent({ event: 'Cart Viewed', properties }));
    assert.deepEqual([result.vendorEvent, result.errors], [null, []], `an empty cart is dropped: ${JSON.stringify(properties)}`);
  }
  assert.match(errorsOf('default', browserEvent({ event: 'Cart Viewed', properties: { value: 1, products: [{ product_id: 'P', name: 'M', price: 1 }] } })).join(), /properties\.cart_id is required/);
});

test('default blueprint: Segment\'s product and promotion events keep the product\'s name (a top-level name would be taken for a person\'s and left out)', () => {
  for (const event of ['Product Clicked', 'Product Added to Wishlist', 'Product Removed from Wishlist', 'Wishlist Product Added to Cart', 'Product Shared']) {
    assert.deepEqual(eventOf('default', browserEvent({ event, properties: { product_id: 'P-1', name: 'Trail Shoe', price: 59.99, position: 3 } })),
      { ...ALIAS, name: event, time: TIME, properties: { product_id: 'P-1', price: 59.99, position: 3, product_name: 'Trail Shoe' } }, event);
  }
  assert.deepEqual(eventOf('default', browserEvent({ event: 'Promotion Clicked', properties: { promotion_id: 'promo-1', name: 'Summer Sale', creative: 'banner' } })).properties,
    { promotion_id: 'promo-1', creative: 'banner', promotion_name: 'Summer Sale' });
  assert.deepEqual(eventOf('default', browserEvent({ event: 'Coupon Entered', properties: { coupon_id: 'c', name: 'Jane Doe' } })).properties, { coupon_id: 'c' }, 'other events: a top-level name is a person\'s');
});

test('retail blueprint: the default, and Products Searched and Product List Viewed as typed custom events', () => {
  assert.deepEqual(eventOf('retail', browserEvent({ event: 'Products Searched', properties: { search_term: 'mugs' } })), { ...ALIAS, name: 'Products Searched', time: TIME, properties: { query: 'mugs' } });
  assert.deepEqual(eventOf('retail', browserEvent({ event: 'Product List Viewed', properties: { list_id: 7, category: 'Mugs', products: [{ product_id: 'P', name: 'Mug', position: 1 }, { sku: 'S' }] } })).properties,
    { list_id: '7', category: 'Mugs', products: [{ product_id: 'P', product_name: 'Mug', variant_id: 'P', position: 1 }, { product_id: 'S', variant_id: 'S', metadata: { sku: 'S' } }] }, 'a custom event: products kept whatever they lack');
  const event = browserEvent({ event: 'Order Completed', userId: 'user-123', properties: { order_id: 'O-1', total: 5, currency: 'EUR', products: [{ product_id: 'P', name: 'Mug', price: 5 }] } });
  assert.deepEqual(mapped('retail', event), mapped('default', event));
});

test('legacy_purchases blueprint: Order Completed as purchases, product_id the product\'s name (Braze: names, not SKUs; 5,000 at most); an order whose products are all unusable is dead-lettered', () => {
  const order = mapped('legacy_purchases', browserEvent({ event: 'Order Completed', userId: 'user-123', properties: { order_id: 5521, total: '89.99', currency: 'gbp', price: 1, quantity: 2, products: [{ product_id: 'SKU-1', sku: 'RS-42', name: 'Shoes', price: 59.99, quantity: 1, brand: 'Stride' }, { sku: 'SS-M', price: '15', quantity: '2' }] } }));
  assert.deepEqual(order, { purchases: [
    { external_id: 'user-123', product_id: 'Shoes', currency: 'GBP', price: 59.99, quantity: 1, time: TIME, properties: { order_id: '5521', total: 89.99, item_id: 'SKU-1', sku: 'RS-42', brand: 'Stride' } },
    { external_id: 'user-123', product_id: 'SS-M', currency: 'GBP', price: 15, quantity: 2, time: TIME, properties: { order_id: '5521', total: 89.99, sku: 'SS-M' } },
  ] }, 'a product without a name by its id or sku; no property named price or quantity (Braze reserves them)');
  assert.deepEqual(mapped('legacy_purchases', browserEvent({ event: 'Order Completed', userId: 'user-123', properties: { order_id: 'O-9', total: 5 } })),
    { events: [{ external_id: 'user-123', name: 'Order Completed', time: TIME, properties: { order_id: 'O-9', total: 5 } }] }, 'no products: the custom event');
  assert.match(errorsOf('legacy_purchases', browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', products: [{ name: 'Mug' }, { name: 'Cup', price: 'n/a' }] } })).join(), /purchases is required/,
    'products all without a price: dead-lettered, not a custom event without revenue');
  assert.equal(eventOf('legacy_purchases', browserEvent({ event: 'Product Viewed', properties: { product_id: 'P', name: 'Mug', price: 1 } })).name, 'ecommerce.product_viewed', 'the other ecommerce events as the default\'s');
});
