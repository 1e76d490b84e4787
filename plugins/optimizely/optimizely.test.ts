import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ClassifyResult, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import optimizely, { validateOptimizelyConfig } from './index.ts';
import { classifyOptimizely } from './classify.ts';
import { optionsOf, readDatafile } from './config.ts';
import { eventTags, eventUuid, revenueCents, visitorIdOf } from './conversion.ts';
import { forgetPerson } from './forget-person.ts';
import { MAX_BYTES } from './requests.ts';

const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = Date.parse('2024-03-24T15:59:00.000Z');
const BASE: Record<string, JsonValue> = { account_id: '12345678', project_id: '23456789', event_ids: { purchase: '20286250031', 'Signed Up': '20286250032' }, event_keys: { 'Order Completed': 'purchase' } };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => warnings.push(m),
});
const event = (overrides: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm-1', anonymousId: 'anon-1', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z', context: {}, ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/optimizely/default.yaml', import.meta.url), 'utf8');
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(optimizely, { variant: 'default', blueprint }, ctx(config))(e);
const payloadOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(e, config);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: event({ messageId: id }), payload: { visitor_id: `u-${id}`, attributes: [], snapshots: [{ decisions: [], events: [{ entity_id: '1', key: 'k', timestamp: TS, uuid: id }] }], ...extra } });
const request = (ids: string[]): RequestDescriptor => optimizely.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };

test('Order Completed: the purchase event\'s entity id, revenue in cents, value, properties as tags without contact info, the userId as visitor_id', () => {
  const payload = payloadOf(event({
    type: 'track', event: 'Order Completed', userId: 'user-1', messageId: '145A44A2-6320-48D6-80D6-BFF20B32CD65',
    properties: { order_id: 'o-1', revenue: 29.98, value: 3, currency: 'EUR', coupon: null, email: 'wren@example.com', products: [{ id: 'p1' }], first: true },
  }));
  assert.deepEqual(payload, {
    visitor_id: 'user-1',
    attributes: [],
    snapshots: [{ decisions: [], events: [{
      entity_id: '20286250031', key: 'purchase', timestamp: TS, uuid: '145a44a2-6320-48d6-80d6-bff20b32cd65', revenue: 2998, value: 3,
      tags: { order_id: 'o-1', currency: 'EUR', products: '[{"id":"p1"}]', first: true },
    }] }],
  });
});

test('total when there is no revenue; an event under its own name as the key; the anonymousId without a userId; a derived uuid, stable', () => {
  const order = payloadOf(event({ event: 'Order Completed', properties: { total: 10.005 } }));
  assert.equal(((order.snapshots as JsonObject[])[0]!.events as JsonObject[])[0]!.revenue, 1001);
  const signup = payloadOf(event({ event: 'Signed Up', messageId: 'msg-7' }));
  assert.equal(signup.visitor_id, 'anon-1');
  const conversion = ((signup.snapshots as JsonObject[])[0]!.events as JsonObject[])[0]!;
  assert.equal(conversion.key, 'Signed Up');
  assert.equal(conversion.entity_id, '20286250032');
  assert.match(String(conversion.uuid), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(conversion.uuid, eventUuid('msg-7'));
  assert.notEqual(eventUuid('msg-7'), eventUuid('msg-8'));
});

test('an event whose key has no entity id is skipped with a warning naming the key and the fields', () => {
  const result = mapped(event({ event: 'Product Viewed' }));
  assert.equal(result.payload ?? null, null);
  assert.match((result.warnings ?? []).join('\n'), /not sent: the Optimizely event key "Product Viewed" has no entity id in config\.event_ids nor in the datafile/);
  const viaKeys = mapped(event({ event: 'Order Completed' }), { event_keys: { 'Order Completed': 'checkout' } });
  assert.match((viaKeys.warnings ?? []).join('\n'), /"checkout" \(config\.event_keys maps "Order Completed" to it\)/);
});

test('the visitor id by config.visitor_id; an event without it is skipped with a warning', () => {
  assert.equal(visitorIdOf('u', 'a', 'userId_then_anonymousId'), 'u');
  assert.equal(visitorIdOf('u', 'a', 'anonymousId_then_userId'), 'a');
  assert.equal(visitorIdOf(undefined, 'a', 'userId'), undefined);
  assert.equal(payloadOf(event({ event: 'Signed Up', userId: 'u-1' }), { visitor_id: 'anonymousId' }).visitor_id, 'anon-1');
  const result = mapped(event({ event: 'Signed Up' }), { visitor_id: 'userId' });
  assert.equal(result.payload ?? null, null);
  assert.match((result.warnings ?? []).join('\n'), /not sent: the event has no userId \(config\.visitor_id userId\)/);
});

test('the user agent as $opt_user_agent for bot filtering, unless config.send_user_agent is off', () => {
  const e = event({ event: 'Signed Up', userId: 'u-1', context: { userAgent: 'Mozilla/5.0' } });
  assert.deepEqual(payloadOf(e).attributes, [{ entity_id: '$opt_user_agent', key: '$opt_user_agent', type: 'custom', value: 'Mozilla/5.0' }]);
  assert.deepEqual(payloadOf(e, { send_user_agent: false }).attributes, []);
});

test('identify, page, screen, alias and group are not sent, each with the reason', () => {
  for (const type of ['identify', 'page', 'screen', 'alias', 'group'] as const) {
    const result = mapped(event({ type, userId: 'u-1', name: 'Home', traits: { plan: 'pro' } } as Partial<CanonicalEvent>));
    assert.equal(result.payload ?? null, null, type);
    assert.match((result.warnings ?? []).join('\n'), new RegExp(`^not sent: an? ${type} call`), type);
  }
});

test('remembered traits with an attribute id (config or datafile) become attributes; the datafile gives event ids and account', () => {
  const datafile = JSON.stringify({ accountId: '111', projectId: '222', anonymizeIP: false, events: [{ id: '333', key: 'add_to_cart', experimentIds: [] }], attributes: [{ id: '444', key: 'plan' }] });
  const config = { account_id: '', project_id: '', event_ids: {}, datafile, attribute_ids: { seats: '555' } };
  const payload = payloadOf(event({ event: 'add_to_cart', userId: 'u-1', context: { traits: { plan: 'pro', seats: 3, address: { city: 'Berlin' } } } }), config);
  assert.deepEqual(payload.attributes, [{ entity_id: '444', key: 'plan', type: 'custom', value: 'pro' }, { entity_id: '555', key: 'seats', type: 'custom', value: 3 }]);
  const options = optionsOf({ ...config });
  assert.equal(options.accountId, '111');
  assert.equal(options.projectId, '222');
  assert.equal(options.anonymizeIp, false);
  assert.equal(optionsOf({ ...config, anonymize_ip: true }).anonymizeIp, true);
  assert.deepEqual(readDatafile('{"events":[{"id":"1","key":"a"}]}'), { ids: { events: { a: '1' }, attributes: {} } });
  assert.match((readDatafile('{nope') as { problem: string }).problem, /^is not JSON/);
});

test('send: POST /v1/events with the envelope Optimizely documents; the EU host; batches within 500 visitors and 3 MB', () => {
  const req = request(['a', 'b']);
  assert.equal(req.method, 'POST');
  assert.equal(req.url, 'https://logx.optimizely.com/v1/events');
  assert.deepEqual(req.headers, { 'content-type': 'application/json' });
  const body = req.body as JsonObject;
  assert.deepEqual({ ...body, visitors: undefined }, { account_id: '12345678', project_id: '23456789', visitors: undefined, anonymize_ip: true, client_name: 'signal', client_version: '1.0.0', enrich_decisions: true });
  assert.equal((body.visitors as JsonObject[]).length, 2);
  assert.deepEqual(req.eventIds, ['a', 'b']);
  assert.equal(optimizely.send([record('a')], ctx({ region: 'eu' }))[0]!.url, 'https://eu.logx.optimizely.com/v1/events');
  const many = Array.from({ length: 1001 }, (_, i) => record(`e${i}`));
  assert.deepEqual(optimizely.send(many, ctx()).map((r) => r.eventIds.length), [500, 500, 1]);
  const big = Array.from({ length: 40 }, (_, i) => record(`b${i}`, { pad: 'x'.repeat(100_000) }));
  const parts = optimizely.send(big, ctx());
  assert.ok(parts.length > 1);
  for (const part of parts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= MAX_BYTES);
  assert.deepEqual(optimizely.send([], ctx()), []);
});

test('classify: 204 delivered; 400 dead-lettered with Optimizely\'s words; 413 of several split, one alone dead-lettered; 404 names config.region; 429 and 5xx retried', () => {
  assert.equal(statusOf(classifyOptimizely(answer(204, ''), request(['a']))), 'delivered');
  const refused = classifyOptimizely(answer(400, { message: 'Invalid payload' }), request(['a', 'b']));
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^Optimizely refused the request \(HTTP 400: Invalid payload\): resending it cannot help/);
  assert.equal(statusOf(classifyOptimizely(answer(413, 'too large'), request(['a', 'b']))), 'split');
  assert.equal(statusOf(classifyOptimizely(answer(413, 'too large'), request(['a']))), 'dead_letter');
  assert.match(reasonOf(classifyOptimizely(answer(404, 'Not Found'), request(['a']))), /check config\.region/);
  const limited = classifyOptimizely(answer(429, 'slow down', { 'retry-after': '30' }), request(['a']));
  assert.equal(statusOf(limited), 'retry');
  assert.match(reasonOf(limited), /^Optimizely rate-limited the request/);
  assert.equal(statusOf(classifyOptimizely(answer(503, 'down'), request(['a']))), 'retry');
  assert.equal(statusOf(classifyOptimizely(answer(403, 'Forbidden'), request(['a']))), 'dead_letter');
});

test('config validation: ids here or in the datafile, digits, an event id, a token for deletions', () => {
  assert.deepEqual(validateOptimizelyConfig(BASE), []);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, account_id: undefined as unknown as JsonValue }).map((p) => p.field), ['account_id']);
  const { account_id: _a, ...withoutAccount } = BASE;
  assert.match(validateOptimizelyConfig(withoutAccount)[0]!.message, /^is required \(or a datafile with its accountId\)/);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, project_id: 'abc' }).map((p) => p.field), ['project_id']);
  assert.match(validateOptimizelyConfig({ ...BASE, event_ids: { purchase: 'x1' } })[0]!.message, /"purchase": "x1" is not an Optimizely entity id/);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, event_ids: {} }).map((p) => p.field), ['event_ids']);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, datafile: '{oops' }).map((p) => p.field), ['datafile']);
  const datafile = JSON.stringify({ accountId: '1', projectId: '2', events: [{ id: '3', key: 'purchase' }] });
  assert.deepEqual(validateOptimizelyConfig({ datafile }), []);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, forward_deletions: true }).map((p) => p.field), ['api_token']);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, forward_deletions: true, api_token: 'tok en' }).map((p) => p.field), ['api_token']);
});

test('helpers: revenue cents, tags', () => {
  assert.equal(revenueCents(29.98), 2998);
  assert.equal(revenueCents(1.005), 101);
  assert.equal(revenueCents(-5), -500);
  assert.equal(revenueCents(1e-7), 0);
  assert.equal(revenueCents(1234567.89), 123456789);
  assert.deepEqual(eventTags({ revenue: 1, value: 2, n: Number.NaN as unknown as JsonValue, s: 's' }), { s: 's' });
  assert.equal(eventTags({ revenue: 1 }), undefined);
});

test('deletions: only with forward_deletions and a token; one subject access request per id as fullstack_id; answers read', () => {
  assert.equal(forgetPerson.enabled(BASE), false);
  assert.equal(forgetPerson.enabled({ ...BASE, forward_deletions: true }), false);
  assert.equal(forgetPerson.enabled({ ...BASE, forward_deletions: true, api_token: 't-1' }), true);
  const reqs = forgetPerson.request({ userId: 'user-1', anonymousId: 'anon-1' }, ctx({ forward_deletions: true, api_token: 't-1' })) as RequestDescriptor[];
  assert.deepEqual(reqs.map((r) => r.body), [
    { data_type: 'visitor', identifier: 'user-1', identifier_type: 'fullstack_id', request_type: 'delete' },
    { data_type: 'visitor', identifier: 'anon-1', identifier_type: 'fullstack_id', request_type: 'delete' },
  ]);
  assert.equal(reqs[0]!.url, 'https://api.optimizely.com/v2/subject-access-requests');
  assert.deepEqual(reqs[0]!.headers, { 'content-type': 'application/json', authorization: 'Bearer t-1' });
  assert.equal((forgetPerson.request({ userId: 'same', anonymousId: 'same' }, ctx({ api_token: 't' })) as RequestDescriptor[]).length, 1);
  assert.ok('skipped' in (forgetPerson.request({ userId: null, anonymousId: null }, ctx()) as object));
  assert.deepEqual(forgetPerson.read!(answer(200, { id: 7, status: 'pending' })), { done: true, message: 'Optimizely accepted the subject access request 7 (pending, HTTP 200)' });
  assert.match((forgetPerson.read!(answer(401, { message: 'Unauthorized' })) as { failed: string }).failed, /check config\.api_token/);
  assert.ok('retry' in forgetPerson.read!(answer(503, 'down')));
  assert.equal((forgetPerson.read!(answer(400, { message: 'bad identifier' })) as { failed: string }).failed, 'Optimizely refused the deletion (HTTP 400: bad identifier)');
});

test('the datafile\'s region (US or EU) when config.region is unset; a config.region against it is refused, naming the field', () => {
  const datafile = (region: string) => JSON.stringify({ accountId: '1', projectId: '2', region, events: [{ id: '3', key: 'purchase' }] });
  assert.equal(optionsOf({ datafile: datafile('EU') }).url, 'https://eu.logx.optimizely.com/v1/events');
  assert.equal(optionsOf({ datafile: datafile('US') }).url, 'https://logx.optimizely.com/v1/events');
  assert.equal(optionsOf({ datafile: datafile('EU'), region: 'eu' }).url, 'https://eu.logx.optimizely.com/v1/events');
  assert.equal(optionsOf({ event_ids: { purchase: '3' } }).url, 'https://logx.optimizely.com/v1/events');
  assert.deepEqual(validateOptimizelyConfig({ datafile: datafile('EU') }), []);
  const mismatch = validateOptimizelyConfig({ datafile: datafile('EU'), region: 'us' });
  assert.deepEqual(mismatch.map((p) => p.field), ['region']);
  assert.match(mismatch[0]!.message, /^is us, but the datafile's region is EU/);
  assert.match((readDatafile(datafile('APAC')) as { problem: string }).problem, /^its region "APAC" is not one Optimizely logs events in \(US or EU\)/);
  assert.equal(optimizely.config.properties!.region!.default, undefined, 'no default, so the datafile\'s region can apply');
});

test('datafile errors name what is wrong: not JSON, not an object, a list that is not one, an id that is not digits, no events', () => {
  assert.match((readDatafile('{nope') as { problem: string }).problem, /^is not JSON \(.+\): paste the datafile's whole text$/);
  assert.match((readDatafile('[1]') as { problem: string }).problem, /^is not a datafile: a JSON object with events\[\] was expected/);
  assert.match((readDatafile('{"events":{}}') as { problem: string }).problem, /^is not a datafile: its events is not a list/);
  assert.match((readDatafile('{"events":[{"id":"ev-1","key":"purchase"}]}') as { problem: string }).problem, /^its events\[\] "purchase" has the id "ev-1", not an Optimizely entity id \(digits\)/);
  assert.match((readDatafile('{"accountId":"1"}') as { problem: string }).problem, /has no events\[\]/);
  assert.deepEqual(validateOptimizelyConfig({ ...BASE, datafile: '{"events":[{"id":"x","key":"a"}]}' }).map((p) => p.field), ['datafile']);
});

test('attributes never carry contact information, even when the datafile has an attribute for it', () => {
  const datafile = JSON.stringify({ accountId: '1', projectId: '2', events: [{ id: '3', key: 'purchase' }], attributes: [{ id: '10', key: 'email' }, { id: '11', key: 'plan' }, { id: '12', key: 'contact' }] });
  const payload = payloadOf(event({ event: 'purchase', userId: 'u-1', context: { traits: { email: 'wren@example.com', plan: 'pro', contact: '+4915112345678' } } }), { datafile, event_ids: {} });
  assert.deepEqual(payload.attributes, [{ entity_id: '11', key: 'plan', type: 'custom', value: 'pro' }]);
});

test('a revenue whose cents cannot be sent as an exact integer dead-letters the event alone, naming revenue', () => {
  assert.throws(() => revenueCents(1e19), /^PermanentError: Optimizely takes revenue as an integer of cents \(int64\)/);
  const result = mapped(event({ event: 'Order Completed', userId: 'u-1', properties: { revenue: 1e19 } }));
  assert.equal(result.payload ?? null, null);
  assert.match(String(result.error), /Optimizely takes revenue as an integer of cents/);
});
