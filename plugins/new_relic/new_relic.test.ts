import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { removeContactInfo, type CanonicalEvent, type Classification, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import newRelic, { validateNewRelicConfig } from './index.ts';
import { classifyNewRelic } from './classify.ts';
import { authHeaders, eventsUrlOf, eventTypeProblem, optionsOf } from './config.ts';
import { attributeValue, cutText, eventTypeOf, flatten, MAX_ATTRIBUTES, withoutContactInfo } from './new-relic-event.ts';
import { MAX_BYTES, MAX_EVENTS } from './requests.ts';

const KEY = '0123456789abcdef0123456789abcdef0123NRAL';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = Date.parse('2024-03-24T15:59:00.000Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { account_id: '1234567', api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const event = (overrides: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm-1', anonymousId: 'anon-1', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z', context: {}, ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/new_relic/default.yaml', import.meta.url), 'utf8');
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(newRelic, { variant: 'default', blueprint }, ctx(config))(e);
const payloadOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(e, config);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const warningsOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): string => (mapped(e, config).warnings ?? []).join('\n');
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: event({ messageId: id }), payload: { eventType: 'SignalEvent', timestamp: TS, messageId: id, ...extra } });
const request = (ids: string[]): RequestDescriptor => newRelic.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };
const bodyOf = (r: RequestDescriptor): unknown => (r.body instanceof Uint8Array ? JSON.parse(gunzipSync(r.body).toString('utf8')) : r.body);

test('track: one flat custom event — eventType, timestamp in ms, name, ids, dotted properties and context; no IP, no contact information, no URL query', () => {
  const payload = payloadOf(event({
    event: 'Order Completed', userId: 'user-1',
    properties: { order_id: 'o-1', revenue: 29.98, coupon: null, first: true, products: [{ id: 'p1' }], shipping: { method: 'dhl', days: 2 }, email: 'wren@example.com' },
    context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', locale: 'de-DE', page: { url: 'https://shop.example/checkout?email=wren%40example.com', path: '/checkout', title: 'Checkout' }, campaign: { source: 'google', medium: 'cpc' }, location: { country: 'DE' }, traits: { email: 'wren@example.com' } },
  }));
  assert.deepEqual(payload, {
    eventType: 'SignalEvent', timestamp: TS, type: 'track', eventName: 'Order Completed', messageId: 'm-1', userId: 'user-1', anonymousId: 'anon-1',
    'context.page.url': 'https://shop.example/checkout', 'context.page.path': '/checkout', 'context.page.title': 'Checkout',
    'context.campaign.source': 'google', 'context.campaign.medium': 'cpc', 'context.locale': 'de-DE', 'context.userAgent': 'Mozilla/5.0', 'context.location.country': 'DE',
    'properties.order_id': 'o-1', 'properties.revenue': 29.98, 'properties.first': 'true', 'properties.products': '[{"id":"p1"}]',
    'properties.shipping.method': 'dhl', 'properties.shipping.days': 2,
  });
});

test('page and screen: their name as eventName; identify: traits without contact information; group: groupId and traits; alias: previousId', () => {
  const page = payloadOf(event({ type: 'page', name: 'Pricing', properties: { path: '/pricing', url: 'https://shop.example/pricing?utm_source=x' } }));
  assert.equal(page.eventName, 'Pricing');
  assert.equal(page.type, 'page');
  assert.equal(page['properties.url'], 'https://shop.example/pricing');
  assert.equal(payloadOf(event({ type: 'screen', name: 'Cart' })).eventName, 'Cart');
  assert.deepEqual(payloadOf(event({ type: 'identify', userId: 'u-1', traits: { email: 'a@b.example', name: 'Jane Doe', phone: '+44 7700 900123', plan: 'pro', seats: 3 } } as Partial<CanonicalEvent>)), {
    eventType: 'SignalEvent', timestamp: TS, type: 'identify', messageId: 'm-1', userId: 'u-1', anonymousId: 'anon-1', 'traits.plan': 'pro', 'traits.seats': 3,
  });
  const group = payloadOf(event({ type: 'group', groupId: 'acme', traits: { industry: 'retail' } } as Partial<CanonicalEvent>));
  assert.equal(group.groupId, 'acme');
  assert.equal(group['traits.industry'], 'retail');
  assert.equal(payloadOf(event({ type: 'alias', userId: 'u-2', previousId: 'anon-1' } as Partial<CanonicalEvent>)).previousId, 'anon-1');
});

test('no contact information under any field an edited blueprint maps: top-level targets, a group id that is an email, lists sent as JSON text', () => {
  const edited = `version: 2\nglobal:\n  - { source: type, target: type }\n  - { source: traits.email, target: email }\n  - { source: traits.phone, target: contactPhone }\n  - { source: traits.plan, target: plan }\n  - { source: groupId, target: groupId }\n  - { source: properties, target: properties }\n`;
  const map = createEventMapper(newRelic, { variant: 'default', blueprint: edited }, ctx());
  const result = map(event({ type: 'group', groupId: 'jane@example.com', traits: { email: 'jane@example.com', phone: '+44 7700 900123', plan: 'pro' }, properties: { list: [{ email: 'jane@example.com', sku: 's-1' }, 'jane@example.com'] } } as Partial<CanonicalEvent>));
  assert.deepEqual(result.payload, { eventType: 'SignalEvent', timestamp: TS, type: 'group', plan: 'pro', 'properties.list': '[{"sku":"s-1"}]' });
  // Keys that are an email or a phone number would become attribute names or JSON text: left out, and not named in a warning.
  const keyed = mapped(event({ event: 'Sent', properties: { recipients: { 'jane@example.com': 'sent', 'Jane.Doe@Example.com': 'sent', total: 2 }, list: [{ '+44 7700 900123': 1, sku: 's' }] } }));
  assert.equal(keyed.payload!['properties.recipients.total'], 2);
  assert.equal(keyed.payload!['properties.list'], '[{"sku":"s"}]');
  assert.doesNotMatch(JSON.stringify(keyed), /jane|7700/i);
  assert.deepEqual(removeContactInfo({ a: { 'x@y.example': 1, b: 2 }, order_1234: 3 }), { a: { b: 2 }, order_1234: 3 }, 'the SDK leaves out keys that are contact information');
  assert.deepEqual(withoutContactInfo({ type: 'track', messageId: 'm-1', customer: { name: 'Jane Doe', id: 'c-1' } }), { type: 'track', messageId: 'm-1', customer: { id: 'c-1' } });
});

test('eventType: config.event_type, then config.event_types by event name, then by call type', () => {
  const config = { event_type: 'SiteEvent', event_types: { page: 'SitePageView', 'Order Completed': 'SitePurchase', track: 'SiteTrack' } };
  assert.equal(payloadOf(event({ event: 'Order Completed' }), config).eventType, 'SitePurchase');
  assert.equal(payloadOf(event({ event: 'Clicked' }), config).eventType, 'SiteTrack');
  assert.equal(payloadOf(event({ type: 'page', name: 'Home' }), config).eventType, 'SitePageView');
  assert.equal(payloadOf(event({ type: 'screen', name: 'Home' }), config).eventType, 'SiteEvent');
  assert.equal(payloadOf(event({ event: 'Clicked' })).eventType, 'SignalEvent');
  // A page named like an event is still a page.
  assert.equal(eventTypeOf('page', 'Order Completed', optionsOf(config)), 'SitePageView');
});

test('send_ids off: no userId, anonymousId or previousId; SDK placeholders ("undefined") are never sent', () => {
  const payload = payloadOf(event({ event: 'Clicked', userId: 'u-1' }), { send_ids: false });
  assert.equal(payload.userId, undefined);
  assert.equal(payload.anonymousId, undefined);
  assert.equal(payloadOf(event({ event: 'Clicked', userId: 'undefined' })).userId, undefined);
});

test('a time more than 24 hours from the sending time goes as originalTimestamp, with a warning', () => {
  const old = mapped(event({ event: 'Late', timestamp: '2024-03-20T10:00:00.000Z' }));
  assert.equal(old.payload?.timestamp, undefined);
  assert.equal(old.payload?.originalTimestamp, Date.parse('2024-03-20T10:00:00.000Z'));
  assert.match((old.warnings ?? []).join('\n'), /more than 24 hours from now/);
  assert.equal(payloadOf(event({ event: 'Recent', timestamp: '2024-03-23T17:00:00.000Z' })).timestamp, Date.parse('2024-03-23T17:00:00.000Z'));
});

test('New Relic\'s limits: names renamed to its characters, values cut to 4,096 characters, long names and reserved names left out, at most 254 attributes — each with a warning', () => {
  const long = 'é'.repeat(5000);
  const payload = payloadOf(event({ event: 'Big', properties: { 'Order ID': 'o-1', 'size-cm': 3, note: long, ['k'.repeat(300)]: 1 } }));
  assert.equal(payload['properties.Order_ID'], 'o-1');
  assert.equal(payload['properties.size_cm'], 3);
  assert.equal((payload['properties.note'] as string).length, 4096);
  assert.ok(!Object.keys(payload).some((k) => k.length > 255));
  const warnings = warningsOf(event({ event: 'Big', properties: { 'Order ID': 'o-1', note: long, ['k'.repeat(300)]: 1 } }));
  assert.match(warnings, /renamed.*"properties\.Order ID" as properties\.Order_ID/);
  assert.match(warnings, /cut to 4096 characters.*properties\.note/);
  assert.match(warnings, /left out: "properties\.kkkk.*a name over 255 characters/);
  const many: JsonObject = {};
  for (let i = 0; i < 300; i += 1) many[`p${i}`] = i;
  const wide = mapped(event({ event: 'Wide', properties: many }));
  assert.equal(Object.keys(wide.payload!).length, MAX_ATTRIBUTES);
  assert.match((wide.warnings ?? []).join('\n'), /attribute\(s\) left out .* more than 254 attributes/);
  // Two names New Relic would read as one: the second is left out.
  assert.match(warningsOf(event({ event: 'Twice', properties: { 'a b': 1, a_b: 2 } })), /"properties\.a_b" \(its name, as New Relic takes it, is another attribute's/);
});

test('an event over 1 MB of JSON on its own is dead-lettered at mapping, naming its size and largest attributes', () => {
  const huge: JsonObject = {};
  for (let i = 0; i < 130; i += 1) huge[`n${i}`] = '😀'.repeat(2048); // 4,096 UTF-16 units, 8,192 bytes each
  const result = mapped(event({ event: 'Huge', properties: huge }));
  assert.ok(!result.payload, 'no payload: dead-lettered');
  assert.match(result.error ?? '', /^the event is \d+ bytes of JSON, over the 1000000 bytes New Relic's Event API takes in one POST even alone \(it would answer 413\); its largest attributes: properties\.n\d+ \(8194 bytes\)/);
  assert.ok(payloadOf(event({ event: 'Fits', properties: Object.fromEntries(Object.entries(huge).slice(0, 100)) })));
});

test('helpers: flatten, attributeValue, cutText never splits an emoji', () => {
  assert.deepEqual(flatten({ a: { b: { c: 1 } }, d: [1], e: {} }), [['a.b.c', 1], ['d', [1]]]);
  assert.equal(attributeValue(false), 'false');
  assert.equal(attributeValue(Number.NaN), undefined);
  assert.equal(attributeValue({ a: 1 }), '{"a":1}');
  assert.equal(cutText('ab😀', 3), 'ab');
});

test('send: POST /v1/accounts/{id}/events, Api-Key, gzipped JSON array; EU host; X-Insert-Key for an insert key; plain JSON with compression none', () => {
  const [r] = newRelic.send([record('a'), record('b')], ctx());
  assert.equal(r!.method, 'POST');
  assert.equal(r!.url, 'https://insights-collector.newrelic.com/v1/accounts/1234567/events');
  assert.deepEqual(r!.headers, { 'content-type': 'application/json', 'api-key': KEY, 'content-encoding': 'gzip' });
  assert.ok(r!.body instanceof Uint8Array);
  assert.deepEqual(bodyOf(r!), [record('a').payload, record('b').payload]);
  assert.deepEqual(r!.eventIds, ['a', 'b']);
  assert.deepEqual(newRelic.send([record('a')], ctx())[0]!.body, r && newRelic.send([record('a')], ctx())[0]!.body, 'the same bytes each time');
  const eu = newRelic.send([record('a')], ctx({ region: 'eu', key_type: 'insert', api_key: 'NRII-abc', compression: 'none' }))[0]!;
  assert.equal(eu.url, 'https://insights-collector.eu01.nr-data.net/v1/accounts/1234567/events');
  assert.deepEqual(eu.headers, { 'content-type': 'application/json', 'x-insert-key': 'NRII-abc' });
  assert.deepEqual(eu.body, [record('a').payload]);
  assert.deepEqual(authHeaders({ api_key: ' k ' }), { 'api-key': 'k' });
  assert.equal(eventsUrlOf({ account_id: '42' }), 'https://insights-collector.newrelic.com/v1/accounts/42/events');
});

test('send: at most 1,000 events and 1,000,000 bytes of JSON a request, every event once, in order', () => {
  const ids = Array.from({ length: 2001 }, (_, i) => `e${i}`);
  assert.deepEqual(newRelic.send(ids.map((id) => record(id)), ctx()).map((r) => r.eventIds.length), [MAX_EVENTS, MAX_EVENTS, 1]);
  const big = Array.from({ length: 5 }, (_, i) => record(`b${i}`, { note: 'x'.repeat(300_000) }));
  const requests = newRelic.send(big, ctx({ compression: 'none' }));
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES);
  assert.deepEqual(newRelic.send([], ctx()), []);
});

test('classify: 200 delivered; 403 names the key fields; 404 the account; 400/415 dead-letter; 413 splits; 408, 429, 503 retry', () => {
  const two = request(['a', 'b']);
  const one = request(['a']);
  assert.equal(statusOf(classifyNewRelic(answer(200, { success: true, uuid: 'u' }), two)), 'delivered');
  const refused = classifyNewRelic(answer(403, ''), two);
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^New Relic refused the key \(HTTP 403\): check config\.api_key .* config\.region/);
  assert.match(reasonOf(classifyNewRelic(answer(404, 'Not Found'), two)), /config\.account_id/);
  assert.equal(statusOf(classifyNewRelic(answer(400, 'Unable to process empty request'), two)), 'dead_letter');
  assert.match(reasonOf(classifyNewRelic(answer(415, { error: 'Invalid content type' }), two)), /HTTP 415: Invalid content type/);
  assert.equal(statusOf(classifyNewRelic(answer(413, 'Content too large'), two)), 'split');
  assert.equal(statusOf(classifyNewRelic(answer(413, 'Content too large'), one)), 'dead_letter');
  for (const status of [408, 429, 500, 503]) assert.equal(statusOf(classifyNewRelic(answer(status, 'x'), two)), 'retry', String(status));
  assert.match(reasonOf(classifyNewRelic(answer(429, 'Too Many Requests'), two)), /^New Relic rate-limited the request/);
});

test('validateConfig: account id, key kinds, key type, event types', () => {
  assert.deepEqual(validateNewRelicConfig({ account_id: '1234567', api_key: KEY }), []);
  assert.deepEqual(validateNewRelicConfig({ account_id: 'acme', api_key: KEY }).map((p) => p.field), ['account_id']);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: 'NRAK-ABC' })[0]!.message, /User key/);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: 'NRJS-abc' })[0]!.message, /browser key/);
  assert.deepEqual(validateNewRelicConfig({ account_id: '1', api_key: 'NRII-abc' }).map((p) => p.field), ['key_type']);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: 'NRII-abc' })[0]!.message, /^is license \(the key sent as Api-Key\), but the key is an Insights insert key/);
  assert.deepEqual(validateNewRelicConfig({ account_id: '1', api_key: 'NRII-abc', key_type: 'insert' }), []);
  // A License key with key_type insert would go as X-Insert-Key: named on key_type.
  const licenseAsInsert = validateNewRelicConfig({ account_id: '1', api_key: KEY, key_type: 'insert' });
  assert.deepEqual(licenseAsInsert.map((p) => p.field), ['key_type']);
  assert.match(licenseAsInsert[0]!.message, /^is insert \(the key sent as X-Insert-Key\), but the key is a License key \("…NRAL"\), which goes as Api-Key: set key_type to license$/);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: 'NRAK-ABC', key_type: 'insert' })[0]!.message, /give an Insights insert key/);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: '  ' })[0]!.message, /^is empty: give a License key/);
  for (const problems of [licenseAsInsert, validateNewRelicConfig({ account_id: '1', api_key: 'NRAK-SECRETKEY' })]) for (const p of problems) assert.doesNotMatch(p.message, /0123456789abcdef|SECRETKEY/, 'never the key');
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: `${KEY}\nNRAL` })[0]!.message, /white space/);
  assert.deepEqual(validateNewRelicConfig({ account_id: '1', api_key: KEY, event_type: 'Signal Event' }).map((p) => p.field), ['event_type']);
  assert.match(validateNewRelicConfig({ account_id: '1', api_key: KEY, event_types: { page: 'Public_Page' } })[0]!.message, /^"page": the event type is reserved/);
  assert.equal(eventTypeProblem('Metric1Minute') !== undefined, true);
  assert.equal(eventTypeProblem('MetricsOfMine'), undefined);
  assert.equal(eventTypeProblem('Signal:Event_1'), undefined);
});
