import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import customerio, { validateCustomerIoConfig } from './index.ts';
import { classifyCustomerIo } from './classify.ts';
import { eventData, fitItem } from './fit-to-customerio.ts';
import { dedupIdFor, dedupKeyOf } from './identity.ts';
import { personAttributes, siteMaySet } from './person-attributes.ts';
import { trackHostOf } from './regions.ts';
import { ANONYMOUS_EVENTS_REMAIN, forgetPerson } from './requests.ts';

const SITE = 'a1b2c3d4e5f6a7b8c9d0';
const KEY = '0123456789abcdef0123';
const BASIC = `Basic ${Buffer.from(`${SITE}:${KEY}`).toString('base64')}`;
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = 1711296000;
/** The dedup id fitItem derives for an item (messageId `m-1` unless given). */
const ulid = (action: string, name: string, identifiers: { id: string } | { anonymous_id: string }, ms = NOW, messageId = 'm-1') => dedupIdFor(dedupKeyOf(messageId, action, name, identifiers), ms);
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { site_id: SITE, api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup', title: 'Sign up', path: '/signup' } },
  ...overrides,
} as CanonicalEvent);
const fit = (payload: JsonObject, event = browserEvent(), config: Record<string, JsonValue> = {}) => fitItem(payload, event, { defaultCountryCode: typeof config.default_country_code === 'string' ? config.default_country_code : undefined });
const item = (action: string, user = 'u-1', extra: JsonObject = {}): JsonObject => ({ type: 'person', action, identifiers: { id: user }, timestamp: TS, ...extra });
const mapped = (id: string, payload: JsonObject = item('event', 'u-1', { name: 'Signed Up' })): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const perEventOf = (c: Classification) => ('perEvent' in c ? c.perEvent : {});
const batchRequest = (ids: string[], actions: string[] = ids.map(() => 'event')): RequestDescriptor =>
  customerio.send(ids.map((id, i) => mapped(id, item(actions[i]!, `u-${i}`, actions[i] === 'identify' ? { attributes: {} } : { name: 'Signed Up' }))), ctx())[0]!;

test('send: POST {region host}/api/v2/batch with HTTP Basic site_id:api_key; the items in order under batch; eventIds in the order of the items', () => {
  const requests = customerio.send([mapped('e1'), mapped('p1', item('identify', 'u-2', { attributes: { plan: 'pro' } })), mapped('e2', item('page', 'u-3', { name: 'https://shop.example.com/' }))], ctx());
  assert.deepEqual(requests, [{
    method: 'POST', url: 'https://track.customer.io/api/v2/batch',
    headers: { 'content-type': 'application/json', authorization: BASIC },
    body: { batch: [item('event', 'u-1', { name: 'Signed Up' }), item('identify', 'u-2', { attributes: { plan: 'pro' } }), item('page', 'u-3', { name: 'https://shop.example.com/' })] },
    eventIds: ['e1', 'p1', 'e2'],
  }]);
  assert.equal(customerio.send([mapped('e1')], ctx({ region: 'eu' }))[0]!.url, 'https://track-eu.customer.io/api/v2/batch');
  assert.equal(trackHostOf({}), 'https://track.customer.io');
});

test('send: at most 1,000 items and 500,000 bytes a request (Customer.io: "smaller than 500kb"), every event once, in order', () => {
  const many = Array.from({ length: 2001 }, (_, i) => mapped(`e${i}`, item('event', `u-${i}`, { name: 'Viewed' })));
  assert.deepEqual(customerio.send(many, ctx()).map((r) => r.eventIds.length), [1000, 1000, 1]);
  const big = Array.from({ length: 40 }, (_, i) => mapped(`b${i}`, item('event', `u-${i}`, { name: 'Viewed', attributes: { blob: 'x'.repeat(30_000) } })));
  const requests = customerio.send(big, ctx());
  for (const request of requests) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= 500_000, 'within 500,000 bytes');
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  assert.deepEqual(customerio.batch, { maxEvents: 1000, maxBytes: 500_000 });
});

test('dedup id: a ULID (26 characters of Crockford\'s base 32), its time the event\'s, the same for the same messageId and time, another for another messageId', () => {
  // The ULID specification's example: 01ARYZ6S41… encodes 1469918176385.
  assert.equal(dedupIdFor('m-1', 1469918176385).slice(0, 10), '01ARYZ6S41');
  const id = dedupIdFor('ajs-next-1711296000000-3f1c2d4e', NOW);
  assert.match(id, /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  assert.equal(dedupIdFor('ajs-next-1711296000000-3f1c2d4e', NOW), id, 'a retry or a replay carries the same id');
  assert.notEqual(dedupIdFor('ajs-next-1711296000000-3f1c2d4f', NOW).slice(10), id.slice(10));
  assert.equal(dedupIdFor('m', -5).slice(0, 10), '0000000000', 'a time before 1970 is clamped');
  assert.equal(dedupIdFor('m', 2 ** 50).slice(0, 10), '7ZZZZZZZZZ', 'past what 48 bits hold, clamped');
});

test('dedup id: two events sharing a client-set messageId and second get different ids unless action, name and person match too (Customer.io ignores a repeated id)', () => {
  const id = (payload: JsonObject, event = browserEvent()) => fit({ timestamp: TS, id: 'order-5521', ...payload }, event).id;
  const completed = id({ action: 'event', name: 'Order Completed', user_id: 'u-1' });
  assert.match(String(completed), /^01HSRK1C00[0-9A-HJKMNP-TV-Z]{16}$/, 'the time prefix of 2024-03-24T16:00:00Z');
  assert.equal(id({ action: 'event', name: 'Order Completed', user_id: 'u-1', attributes: { total: 2 } }), completed, 'the same event again (a retry, a replay): the same id');
  assert.notEqual(id({ action: 'event', name: 'Checkout Step Completed', user_id: 'u-1' }), completed, 'another event name');
  assert.notEqual(id({ action: 'event', name: 'Order Completed', user_id: 'u-2' }), completed, 'another person');
  assert.notEqual(id({ action: 'event', name: 'Order Completed' }), completed, 'the visitor, not the user');
  assert.notEqual(id({ action: 'screen', name: 'Order Completed', user_id: 'u-1' }), completed, 'another action');
  assert.equal(id({ action: 'event', name: 'X', id: 7 }), ulid('event', 'X', { anonymous_id: 'df_abc123def456' }, NOW, '7'), 'a number mapped to id is its digits');
  assert.equal(id({ action: 'event', name: 'X', id: '' }), ulid('event', 'X', { anonymous_id: 'df_abc123def456' }, NOW, 'm-1'), 'nothing mapped: the messageId');
  assert.throws(() => fit({ action: 'event', name: 'X', id: null }, browserEvent({ messageId: undefined as unknown as string })), /Customer\.io deduplicates events by an id the plugin derives from the messageId, and this event has none \(the blueprint mapped null to id, messageId null\)/);
});

test('events: a person item with the id (else the visitor\'s anonymous_id), the ULID, the name, Unix seconds and the data without contact information or the keys that redirect a triggered email', () => {
  const event = browserEvent({ userId: 'user-123' });
  assert.deepEqual(fit({ action: 'event', name: 'Signed Up', user_id: 'user-123', anonymous_id: 'df_abc123def456', timestamp: TS, id: 'm-1', attributes: { plan: 'pro', email: 'jane@example.com', recipient: 'boss', from_address: 'x', reply_to: 'y', nested: { phone: '+44 7700 900123', n: 1 } } }, event),
    { type: 'person', action: 'event', identifiers: { id: 'user-123' }, id: ulid('event', 'Signed Up', { id: 'user-123' }), name: 'Signed Up', timestamp: TS, attributes: { plan: 'pro', nested: { n: 1 } } });
  assert.deepEqual(fit({ action: 'event', name: 'Viewed', anonymous_id: 'df_abc123def456' }),
    { type: 'person', action: 'event', identifiers: { anonymous_id: 'df_abc123def456' }, id: ulid('event', 'Viewed', { anonymous_id: 'df_abc123def456' }), name: 'Viewed', timestamp: TS }, 'a visitor: by anonymous_id; no data, no attributes; time and id from the canonical event');
  assert.deepEqual(fit({ action: 'event', name: 'Viewed', user_id: 'null' }).identifiers, { anonymous_id: 'df_abc123def456' }, 'a placeholder userId names nobody');
  assert.deepEqual(fit({ action: 'event', name: 42, user_id: 7, timestamp: '2024-03-24T16:00:00.900Z' }), { type: 'person', action: 'event', identifiers: { id: '7' }, id: ulid('event', '42', { id: '7' }, NOW + 900), name: '42', timestamp: TS });
  assert.equal(fit({ action: 'event', name: 'X', timestamp: NOW }).timestamp, TS, 'milliseconds read as such');
  assert.throws(() => fit({ action: 'event', name: 'X' }, browserEvent({ anonymousId: 'undefined' })), /Customer\.io needs a person's id or an anonymous_id and this event has no usable id \(userId null, anonymousId "undefined"\)/);
  assert.throws(() => fit({ action: 'event', name: 'X', user_id: 'u'.repeat(151) }), /the userId has 151 bytes and Customer\.io takes ids of at most 150/);
  assert.throws(() => fit({ action: 'event', name: 'é'.repeat(51) }), /the event name has 102 bytes and Customer\.io takes at most 100/);
  assert.throws(() => fit({ action: 'event', name: ' ' }), /Customer\.io needs the event's name and the blueprint mapped none/);
  assert.throws(() => fit({ action: 'event', name: 'X', attributes: ['a'] }), /Customer\.io takes event data as an object/);
  assert.throws(() => fit({ action: 'event', name: 'X', attributes: { blob: 'x'.repeat(32_000) } }), /this event is 32\d{3} bytes as Customer\.io would receive it, over its 32 KB for one item/);
  assert.throws(() => fit({ action: 'merge', name: 'X' }), /the blueprint mapped the action "merge": Signal sends Customer\.io the person actions identify, event, page, screen/);
  assert.throws(() => fit({ name: 'X' }), /the blueprint mapped no action/);
  assert.throws(() => fit({ action: 'event', name: 'X', timestamp: 'noon' }), /Customer\.io needs the time as Unix seconds; the blueprint mapped "noon" to timestamp/);
  assert.deepEqual(eventData({ recipient: 'someone', plan: 'pro' }), { plan: 'pro' });
  assert.equal(eventData(null), undefined);
});

test('page and screen views: named by the page\'s URL (fewer than 500 characters) or the screen\'s name', () => {
  assert.deepEqual(fit({ action: 'page', name: 'https://shop.example.com/signup', attributes: { title: 'Sign up' } }),
    { type: 'person', action: 'page', identifiers: { anonymous_id: 'df_abc123def456' }, id: ulid('page', 'https://shop.example.com/signup', { anonymous_id: 'df_abc123def456' }), name: 'https://shop.example.com/signup', timestamp: TS, attributes: { title: 'Sign up' } });
  assert.equal(fit({ action: 'page', name: `https://shop.example.com/${'a'.repeat(400)}` }).action, 'page', 'a long URL is no event name: not held to 100 bytes');
  assert.throws(() => fit({ action: 'page', name: `https://shop.example.com/${'a'.repeat(480)}` }), /the page name has 505 characters and Customer\.io takes fewer than 500/);
  assert.throws(() => fit({ action: 'page' }), /Customer\.io names a page view by its URL and this page call has none/);
  assert.deepEqual(fit({ action: 'screen', name: 'Home', user_id: 'u-1' }), { type: 'person', action: 'screen', identifiers: { id: 'u-1' }, id: ulid('screen', 'Home', { id: 'u-1' }), name: 'Home', timestamp: TS });
});

test('identify: the person by id, the time for ordering, the attributes without what a site must not set, the visitor\'s anonymous_id so its events merge; what Customer.io would refuse is named', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, userId: 'user-123' });
  assert.deepEqual(fit({ action: 'identify', user_id: 'user-123', anonymous_id: 'df_abc123def456', timestamp: TS, attributes: { email: ' jane@example.com ', phone: '07700 900123', plan: 'pro', unsubscribed: false, cio_subscription_preferences: {}, id: 'x', cio_id: 'y', anonymous_id: 'z', cio_relationships: [], _timestamp: 1, '': 1, nested: { a: 1 } } }, identify, { default_country_code: '44' }),
    { type: 'person', action: 'identify', identifiers: { id: 'user-123' }, timestamp: TS, attributes: { email: 'jane@example.com', phone: '+447700900123', plan: 'pro', nested: { a: 1 }, anonymous_id: 'df_abc123def456' } });
  assert.deepEqual(fit({ action: 'identify', user_id: 'user-123', anonymous_id: 'anonymous' }, identify), { type: 'person', action: 'identify', identifiers: { id: 'user-123' }, timestamp: TS, attributes: {} }, 'no attributes, a placeholder anonymousId: nothing to merge');
  assert.throws(() => fit({ action: 'identify', anonymous_id: 'df_abc123def456', attributes: { plan: 'pro' } }), /Customer\.io identifies a person by id and this event has no usable userId \(null\)/);
  assert.throws(() => fit({ action: 'identify', user_id: 'u', attributes: 'pro' }, identify), /Customer\.io takes a person's attributes as an object/);
  assert.throws(() => fit({ action: 'identify', user_id: 'u', attributes: { phone: '07700 900123', bio: 'x'.repeat(1001), ['k'.repeat(151)]: 1 } }, identify),
    /the identify was not sent: attributes\.phone "07700 900123" cannot be read as a phone number in E\.164 \(it has no country code: set config\.default_country_code\); attributes\.bio has 1001 bytes \(Customer\.io takes values of at most 1000\); attributes\.k{40}… is a name of 151 bytes \(Customer\.io takes at most 150\)\. Fix the value at the source/);
  const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`a${i}`, i]));
  assert.equal(Object.keys(personAttributes(many, {}).attributes).length, 300, '300 attributes pass');
  assert.deepEqual(personAttributes(many, {}, 'df_1').problems, [{ key: '(all)', reason: '301 attributes, the anonymous_id included: Customer.io takes at most 300 in one identify' }]);
  assert.deepEqual(personAttributes({ tags: ['a'.repeat(600), 'b'.repeat(600)], gone: null }, {}).problems.map((p) => p.key), ['tags'], 'a list measured as JSON; null (removes the attribute) passes');
});

test('identify: subscription state in JSON dot notation and blank text are never sent (Customer.io would resubscribe the person, or erase the attribute)', () => {
  const identify = browserEvent({ type: 'identify', event: undefined, userId: 'user-123' });
  assert.deepEqual(fit({ action: 'identify', user_id: 'user-123', attributes: {
    'cio_subscription_preferences.topics.topic_1': true, 'cio_subscription_preferences.channels.email': true, ' unsubscribed ': false, 'cio_relationships.0': 'x', 'id.x': 'y',
    email: '', phone: '  ', plan: ' ', gone: null, 'address.city': 'Leeds',
  } }, identify), { type: 'person', action: 'identify', identifiers: { id: 'user-123' }, timestamp: TS, attributes: { gone: null, 'address.city': 'Leeds', anonymous_id: 'df_abc123def456' } });
  assert.equal(siteMaySet('plan'), true);
  assert.equal(siteMaySet('unsubscribed_at'), true, 'only the attribute itself, or a part of it');
  for (const key of ['cio_subscription_preferences', 'cio_subscription_preferences.topics.topic_2', '_update', ' _x', '', ' ']) assert.equal(siteMaySet(key), false, key);
});

test('classify: 200 delivered; a 207\'s errors dead-letter exactly the items they name by batch_index, with Customer.io\'s field, message and reason; the others were accepted', () => {
  const request = batchRequest(['e1', 'p1', 'e2'], ['event', 'identify', 'page']);
  assert.deepEqual(classifyCustomerIo(answer(200, ''), request, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyCustomerIo(answer(200, {}), request, ctx()), { status: 'delivered' });
  // A page that is not Customer.io's (a proxy's): sent again, never counted accepted.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyCustomerIo(answer(200, page, { 'content-type': 'text/html' }), request, ctx()), { status: 'retry', reason: `Customer.io did not answer (HTTP 200: ${page}): not its Track API's answer (none, or its JSON) — a proxy? — so the request is sent again` });
  const partial = classifyCustomerIo(answer(207, { errors: [
    { batch_index: 1, reason: 'invalid', field: 'attributes.email', message: 'email is not valid' },
    { batch_index: 2, reason: 'required', field: 'name', message: 'name must be set' },
    { batch_index: 2, message: 'second problem' },
    { batch_index: 9, message: 'out of range' }, { message: 'no index' }, null,
  ] }), request, ctx());
  assert.deepEqual(partial, { perEvent: {
    p1: { status: 'dead_letter', reason: 'Customer.io refused the identify: attributes.email: email is not valid (invalid)' },
    e2: { status: 'dead_letter', reason: 'Customer.io refused the page view: name: name must be set (required); second problem' },
  } });
  assert.deepEqual(classifyCustomerIo(answer(207, { errors: [{ message: 'unattributable' }] }), request, ctx()), { status: 'delivered' }, 'errors naming no item: nothing to tell apart (a retry would record the others twice)');
  assert.deepEqual(perEventOf(classifyCustomerIo(answer(200, { errors: [{ batch_index: 0, reason: 'x' }] }), request, ctx())), { e1: { status: 'dead_letter', reason: 'Customer.io refused the event: x' } }, 'errors in a 200 read the same');
});

test('classify: 400 naming items dead-letters them and retries the others; one naming none splits (a single item dead-letters with Customer.io\'s message); other answers say what to fix', () => {
  const request = batchRequest(['e1', 'e2']);
  assert.deepEqual(classifyCustomerIo(answer(400, { errors: [{ batch_index: 1, field: 'identifiers', message: 'identifiers must be set' }] }), request, ctx()), { perEvent: {
    e1: { status: 'resend', reason: 'Customer.io refused the whole request (HTTP 400) for other items of it: sent again without them' },
    e2: { status: 'dead_letter', reason: 'Customer.io refused the event: identifiers: identifiers must be set (HTTP 400)' },
  } });
  assert.deepEqual(classifyCustomerIo(answer(400, { meta: { error: 'name cannot be blank' } }), request, ctx()), { status: 'split', reason: 'Customer.io refused the request (HTTP 400: name cannot be blank) without naming the item; sending it in halves to find it' });
  const single = batchRequest(['e1']);
  assert.deepEqual(classifyCustomerIo(answer(400, { meta: { error: 'name cannot be blank' } }), single, ctx()), { status: 'dead_letter', reason: 'Customer.io refused the event (HTTP 400: name cannot be blank)' });
  assert.deepEqual(classifyCustomerIo(answer(400, '<html>Bad Request</html>'), request, ctx()), { status: 'dead_letter', reason: 'Customer.io refused the request (HTTP 400: <html>Bad Request</html>)' }, 'not Customer.io\'s answer: no halves');
  assert.deepEqual(classifyCustomerIo(answer(422, { meta: { errors: [{ message: 'bad' }] } }), single, ctx()), { status: 'dead_letter', reason: 'Customer.io refused the event (HTTP 422: bad)' });
  assert.deepEqual(classifyCustomerIo(answer(400, { meta: { errors: ['email is invalid', 'name is required'] } }), single, ctx()), { status: 'dead_letter', reason: 'Customer.io refused the event (HTTP 400: email is invalid; name is required)' }, 'v1\'s errors are strings');
  assert.deepEqual(classifyCustomerIo(answer(400, { errors: [{ reason: 'invalid', field: 'batch', message: 'batch must be an array' }] }), request, ctx()), { status: 'split', reason: 'Customer.io refused the request (HTTP 400: batch: batch must be an array (invalid)) without naming the item; sending it in halves to find it' }, 'v2\'s 400: the entire request, no batch_index');
  assert.equal(statusOf(classifyCustomerIo(answer(400, { meta: null }), request, ctx())), 'dead_letter', 'a null meta is no answer of Customer.io\'s');
  const credentials = 'check config.site_id and config.api_key (a Track API key of the workspace: Account Settings > API Credentials > Track API Keys, not an App API key), that config.region is the workspace\'s (its account\'s Privacy page names it; the EU host refuses a US workspace\'s credentials), and, if the workspace restricts API access by IP address, that Signal\'s egress address is on its allowlist';
  assert.deepEqual(classifyCustomerIo(answer(401, ''), request, ctx()), { status: 'dead_letter', reason: `Customer.io refused the credentials (HTTP 401): ${credentials}` });
  assert.equal(reasonOf(classifyCustomerIo(answer(403, { meta: { error: 'forbidden' } }), request, ctx())), `Customer.io refused the credentials (HTTP 403: forbidden): ${credentials}`);
  assert.deepEqual(classifyCustomerIo(answer(404, 'Not Found'), request, ctx()), { status: 'dead_letter', reason: 'Customer.io answered HTTP 404 (Not Found): the URL is not its Track API\'s /api/v2/batch' });
  assert.deepEqual(classifyCustomerIo(answer(307, '', { Location: 'https://track-eu.customer.io/api/v2/batch' }), request, ctx()),
    { status: 'dead_letter', reason: 'Customer.io redirected the request (HTTP 307) (it redirected to its EU host: set config.region to "eu"): the workspace is in the other region; set config.region to the workspace\'s region (its account\'s Privacy page names it) and replay' });
  assert.match(reasonOf(classifyCustomerIo(answer(301, '', { location: 'https://track.customer.io/api/v2/batch' }), request, ctx())), /it redirected to its US host: set config\.region to "us"/);
  assert.match(reasonOf(classifyCustomerIo(answer(302, ''), request, ctx())), /^Customer\.io redirected the request \(HTTP 302\): the workspace is in the other region/);
  assert.deepEqual(classifyCustomerIo(answer(413, 'Payload Too Large'), request, ctx()), { status: 'split', reason: 'Customer.io: the request is too large (HTTP 413); sending it in halves' });
  assert.deepEqual(classifyCustomerIo(answer(413, 'Payload Too Large'), single, ctx()), { status: 'dead_letter', reason: 'Customer.io refused this event alone as too large (HTTP 413: Payload Too Large): leave its largest properties out with a pipeline transformation or the blueprint\'s exclude' });
  assert.deepEqual(classifyCustomerIo(answer(429, 'Too Many Requests', { 'Retry-After': '3' }), request, ctx()), { status: 'retry', reason: 'Customer.io rate-limited the workspace (HTTP 429: Too Many Requests)', retryAfterMs: 3000 });
  assert.deepEqual(classifyCustomerIo(answer(429, ''), request, ctx()), { status: 'retry', reason: 'Customer.io rate-limited the workspace (HTTP 429)' });
  assert.deepEqual(classifyCustomerIo(answer(503, 'Service Unavailable', { 'retry-after': '7' }), request, ctx()), { status: 'retry', reason: 'Customer.io HTTP 503: Service Unavailable', retryAfterMs: 7000 });
  assert.deepEqual(classifyCustomerIo(answer(500, { meta: { error: 'internal' } }), request, ctx()), { status: 'retry', reason: 'Customer.io HTTP 500: internal' });
  assert.equal(statusOf(classifyCustomerIo(answer(408, ''), request, ctx())), 'retry');
  assert.deepEqual(classifyCustomerIo(answer(405, 'Method Not Allowed'), request, ctx()), { status: 'dead_letter', reason: 'Customer.io refused the request (HTTP 405: Method Not Allowed)' });
  assert.equal(reasonOf(classifyCustomerIo(answer(400, { meta: { error: 'x'.repeat(400) } }), single, ctx())).length < 400, true, 'long answers are cut');
});

test('validateConfig: white space in the site ID or key, a colon in the site ID, the key equal to the site ID, each naming its field', () => {
  assert.deepEqual(validateCustomerIoConfig({ site_id: SITE, api_key: KEY }), []);
  assert.deepEqual(validateCustomerIoConfig({ site_id: `${SITE}:${KEY}`, api_key: ` ${KEY}\n` }), [
    { field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the value alone' },
    { field: 'site_id', message: 'holds a colon, which HTTP Basic auth cannot carry in the site ID: give the Site ID alone (Account Settings > API Credentials > Track API Keys) and the key in api_key' },
  ]);
  assert.deepEqual(validateCustomerIoConfig({ site_id: 'site 1', api_key: KEY }), [{ field: 'site_id', message: 'holds white space or a line break (copied with the text around it?): give the value alone' }]);
  assert.deepEqual(validateCustomerIoConfig({ site_id: SITE, api_key: SITE }), [{ field: 'api_key', message: 'is the Site ID again: give the Track API key shown beside the Site ID (Account Settings > API Credentials > Track API Keys)' }]);
  assert.deepEqual(customerio.config.required, ['site_id', 'api_key']);
  assert.equal(customerio.config.properties.api_key!.secret, true);
  assert.deepEqual(customerio.config.properties.region!.enum, ['us', 'eu']);
  assert.equal(customerio.category, 'cdp');
});

test('forgetPerson: a delete (or suppress) item naming the userId to /api/v2/entity; a visitor named only by anonymousId is skipped; answers read', () => {
  assert.equal(forgetPerson.enabled({ site_id: SITE, api_key: KEY }), true);
  assert.equal(forgetPerson.enabled({ site_id: SITE, api_key: KEY, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ site_id: SITE }), false);
  assert.deepEqual(forgetPerson.request({ userId: ' u-1 ', anonymousId: 'df_abc' }, ctx()), {
    method: 'POST', url: 'https://track.customer.io/api/v2/entity', headers: { 'content-type': 'application/json', authorization: BASIC },
    body: { type: 'person', action: 'delete', identifiers: { id: 'u-1' } }, eventIds: [],
  });
  const suppressed = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ deletion_action: 'suppress', region: 'eu' })) as RequestDescriptor;
  assert.equal(suppressed.url, 'https://track-eu.customer.io/api/v2/entity');
  assert.deepEqual(suppressed.body, { type: 'person', action: 'suppress', identifiers: { id: 'u-1' } });
  assert.match((forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()) as { skipped: string }).skipped, /^Customer\.io deletes people by id, and this deletion names an anonymousId only/);
  assert.match((forgetPerson.request({ userId: 'anonymous', anonymousId: 'df_abc' }, ctx()) as { skipped: string }).skipped, /names an anonymousId only/, 'a placeholder userId');
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: 'undefined' }, ctx()), { skipped: 'the ids named are placeholders the plugin never sends to Customer.io, so no profile of theirs can exist there' });
  assert.match((forgetPerson.request({ userId: 'u'.repeat(151), anonymousId: null }, ctx()) as { skipped: string }).skipped, /151 bytes: Customer\.io takes ids of at most 150/);
  const read = (response: VendorResponse) => forgetPerson.read!(response, suppressed);
  assert.deepEqual(read(answer(200, '')), { done: true, message: `accepted (HTTP 200): Customer.io deletes the person's profile and what it recorded of them. ${ANONYMOUS_EVENTS_REMAIN}` });
  assert.match((read(answer(307, '')) as { failed: string }).failed, /^HTTP 307: Customer\.io redirected the deletion: the workspace is in the other region; set config\.region/);
  assert.match((read(answer(401, '')) as { failed: string }).failed, /^HTTP 401: Customer\.io refused the credentials: check config\.site_id and config\.api_key/);
  assert.match((read(answer(403, { meta: { error: 'no' } })) as { failed: string }).failed, /\(Customer\.io: \{"meta":\{"error":"no"\}\}\)$/);
  assert.deepEqual(read(answer(429, 'slow down')), { retry: 'HTTP 429: slow down' });
  assert.deepEqual(read(answer(502, '')), { retry: 'HTTP 502' });
  assert.deepEqual(read(answer(400, { meta: { error: 'identifiers must be set' } })), { failed: 'HTTP 400: {"meta":{"error":"identifiers must be set"}}' });
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/customerio/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
const mappedItem = (variant: string, event: CanonicalEvent): JsonObject | null => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  return result.vendorEvent === null ? null : customerio.map!(result.vendorEvent, event, ctx())!;
};

test('default blueprint: identify to person attributes (signed-up date in Unix seconds), track to events, page to page views named by URL, screen views; product and promotion names kept; alias and group, and identify without a userId, not sent', () => {
  assert.deepEqual(mappedItem('default', browserEvent({ type: 'identify', event: undefined, userId: 'user-123', traits: { email: 'jane@example.com', firstName: 'Jane', last_name: 'Doe', createdAt: '2024-01-01T00:00:00Z', plan: 'premium', unsubscribed: false, id: 'x' } })), {
    type: 'person', action: 'identify', identifiers: { id: 'user-123' }, timestamp: TS,
    attributes: { email: 'jane@example.com', plan: 'premium', first_name: 'Jane', last_name: 'Doe', created_at: 1704067200, anonymous_id: 'df_abc123def456' },
  });
  assert.equal(mappedItem('default', browserEvent({ type: 'identify', event: undefined, traits: { email: 'jane@example.com' } })), null);
  assert.deepEqual(mappedItem('default', browserEvent({ userId: 'user-123', properties: { method: 'email', email: 'jane@example.com' } })),
    { type: 'person', action: 'event', identifiers: { id: 'user-123' }, id: ulid('event', 'Signed Up', { id: 'user-123' }), name: 'Signed Up', timestamp: TS, attributes: { method: 'email' } });
  assert.deepEqual(mappedItem('default', browserEvent({ type: 'page', event: undefined, name: 'Sign up', properties: { url: 'https://shop.example.com/signup?x=1', category: 'Auth' } })), {
    type: 'person', action: 'page', identifiers: { anonymous_id: 'df_abc123def456' }, id: ulid('page', 'https://shop.example.com/signup', { anonymous_id: 'df_abc123def456' }), name: 'https://shop.example.com/signup', timestamp: TS,
    attributes: { category: 'Auth', title: 'Sign up', path: '/signup', page_name: 'Sign up' },
  });
  assert.deepEqual(mappedItem('default', browserEvent({ type: 'screen', event: undefined, name: 'Home', properties: { tab: 2 } })),
    { type: 'person', action: 'screen', identifiers: { anonymous_id: 'df_abc123def456' }, id: ulid('screen', 'Home', { anonymous_id: 'df_abc123def456' }), name: 'Home', timestamp: TS, attributes: { tab: 2 } });
  assert.deepEqual(mappedItem('default', browserEvent({ event: 'Product Viewed', properties: { product_id: 'P1', name: 'Trail Shoe', price: 59.99 } }))!.attributes, { product_id: 'P1', price: 59.99, product_name: 'Trail Shoe' });
  assert.deepEqual(mappedItem('default', browserEvent({ event: 'Promotion Viewed', properties: { name: 'Spring' } }))!.attributes, { promotion_name: 'Spring' });
  for (const type of ['alias', 'group'] as const) assert.equal(mappedItem('default', browserEvent({ type, event: undefined } as Partial<CanonicalEvent>)), null, type);
});

test('retail blueprint: Segment\'s and GA4\'s ecommerce events under Segment\'s names with typed data; an unreadable currency is an error naming it', () => {
  const order = mappedItem('retail', browserEvent({ event: 'purchase', userId: 'user-123', properties: { transaction_id: 5521, value: '89.99', tax: '10', currency: 'gbp', items: [{ item_id: 'SKU-1', item_name: 'Shoe', price: '59.99', quantity: '1', item_brand: 'Stride' }, { sku: 'SKU-2', name: 'Socks' }] } }));
  assert.deepEqual(order, { type: 'person', action: 'event', identifiers: { id: 'user-123' }, id: ulid('event', 'Order Completed', { id: 'user-123' }), name: 'Order Completed', timestamp: TS, attributes: {
    order_id: '5521', total: 89.99, tax: 10, currency: 'GBP',
    products: [{ product_id: 'SKU-1', name: 'Shoe', brand: 'Stride', price: 59.99, quantity: 1 }, { product_id: 'SKU-2', sku: 'SKU-2', name: 'Socks', quantity: 1 }],
  } });
  assert.deepEqual(mappedItem('retail', browserEvent({ event: 'Product Added', properties: { product_id: 42, name: 'Cup', price: '4', currency: 'eur', cart_id: 7 } }))!.attributes,
    { product_id: '42', product_name: 'Cup', price: 4, quantity: 1, currency: 'EUR', cart_id: '7' });
  assert.equal(mappedItem('retail', browserEvent({ event: 'view_item_list', properties: { item_list_name: 'Shoes', items: [{ item_id: 'A' }] } }))!.name, 'Product List Viewed');
  assert.equal(mappedItem('retail', browserEvent({ event: 'search', properties: { search_term: 'boots' } }))!.name, 'Products Searched');
  assert.deepEqual(mappedItem('retail', browserEvent({ type: 'identify', event: undefined, userId: 'u-9', traits: { plan: 'pro' } }))!.attributes, { plan: 'pro', anonymous_id: 'df_abc123def456' }, 'identify as the default');
  assert.match(blueprint('retail').mapEvent(browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1', total: 1, currency: '$' } })).errors.join(), /currency is required but currency: "\$" is not an ISO 4217 code/);
});
