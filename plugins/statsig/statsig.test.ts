import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ClassifyResult, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import statsig, { validateStatsigConfig } from './index.ts';
import { classifyStatsig } from './classify.ts';
import { forgetPerson } from './forget-person.ts';
import { sizeOf } from './statsig-event.ts';

const KEY = 'secret-0123456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = Date.parse('2024-03-24T15:59:00.000Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { server_secret: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const event = (overrides: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm-1', anonymousId: 'anon-1', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z', context: {}, ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/statsig/default.yaml', import.meta.url), 'utf8');
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(statsig, { variant: 'default', blueprint }, ctx(config))(e);
const payloadOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(e, config);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: event({ messageId: id }), payload: { eventName: 'x', user: { userID: `u-${id}` }, time: TS, ...extra } });
const request = (ids: string[]): RequestDescriptor => statsig.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };

test('track: the event under its own name, the user from the ids and context, properties as string metadata, revenue as value', () => {
  const payload = payloadOf(event({
    type: 'track', event: 'Order Completed', userId: 'user-1',
    properties: { order_id: 'o-1', revenue: 29.98, currency: 'EUR', coupon: null, products: [{ id: 'p1' }], first: true },
    context: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', locale: 'de-DE', location: { country: 'DE' }, app: { version: '1.2.3' }, traits: { email: 'wren@example.com', plan: 'pro', seats: 3, address: { city: 'Berlin' } } },
  }));
  assert.deepEqual(payload, {
    eventName: 'Order Completed',
    user: { userID: 'user-1', email: 'wren@example.com', ip: '203.0.113.7', userAgent: 'Mozilla/5.0', country: 'DE', locale: 'de-DE', appVersion: '1.2.3', customIDs: { stableID: 'anon-1' }, custom: { plan: 'pro', seats: 3 } },
    value: 29.98,
    metadata: { order_id: 'o-1', revenue: '29.98', currency: 'EUR', products: '[{"id":"p1"}]', first: 'true' },
    time: TS,
  });
});

test('page: page_view with url, path, title, referrer and the page name; screen: screen_view', () => {
  assert.deepEqual(payloadOf(event({ type: 'page', name: 'Home', properties: { url: 'https://shop.example/', path: '/', title: 'Shop', referrer: 'https://google.com/', section: 'top' } })), {
    eventName: 'page_view', user: { customIDs: { stableID: 'anon-1' } }, time: TS,
    metadata: { section: 'top', url: 'https://shop.example/', path: '/', title: 'Shop', referrer: 'https://google.com/', page_name: 'Home' },
  });
  assert.equal(payloadOf(event({ type: 'screen', name: 'Cart' })).eventName, 'screen_view');
  assert.deepEqual(payloadOf(event({ type: 'screen', name: 'Cart' })).metadata, { screen_name: 'Cart' });
});

test('identify, alias and group are not sent', () => {
  for (const type of ['identify', 'alias', 'group'] as const) {
    assert.equal(mapped(event({ type, userId: 'u-1', traits: { plan: 'pro' } } as Partial<CanonicalEvent>)).payload ?? null, null, type);
  }
});

test('the anonymousId under the configured ID type; the environment tier; an event naming no user is not sent', () => {
  const payload = payloadOf(event({ event: 'Clicked', properties: {} }), { stable_id_name: 'anonymousID', environment_tier: 'staging' });
  assert.deepEqual(payload.user, { customIDs: { anonymousID: 'anon-1' }, statsigEnvironment: { tier: 'staging' } });
  const none = mapped(event({ event: 'Clicked', anonymousId: 'undefined', userId: undefined }));
  assert.equal(none.payload ?? null, null);
  assert.match((none.warnings ?? []).join('\n'), /names no user/);
});

test('long names cut to 128 characters (never half an emoji), metadata and user.custom kept within 4,096 characters of keys and values, with warnings', () => {
  const result = mapped(event({ event: 'E'.repeat(150), userId: 'u', properties: { a: 'x'.repeat(3000), b: 'y'.repeat(1100), c: 'z', value: 'v'.repeat(200) } }));
  assert.equal(result.payload?.eventName, 'E'.repeat(128));
  assert.equal(result.payload?.value, undefined, 'a text value is not a number: to_number leaves it out');
  assert.deepEqual(Object.keys(result.payload?.metadata as JsonObject), ['a']);
  const warnings = (result.warnings ?? []).join('\n');
  assert.match(warnings, /eventName .* cut to 128 characters/);
  assert.match(warnings, /metadata "b", "c", "value" left out/);
  // 4,096 exactly is kept: 'a' (1) + 4,095 characters.
  assert.deepEqual(Object.keys(payloadOf(event({ event: 'E', properties: { a: 'x'.repeat(4095) } })).metadata as JsonObject), ['a']);
  // An emoji straddling character 128 is left out whole, not cut into a lone surrogate.
  const emoji = payloadOf(event({ event: `${'E'.repeat(127)}😀tail` })).eventName as string;
  assert.equal(emoji, 'E'.repeat(127));
  assert.equal(sizeOf({ plan: 'pro', seats: 3 }), 13);
  // The user's remembered traits give way first when the user passes 4,096.
  const traits = mapped(event({ event: 'E', userId: 'u-1', context: { traits: { plan: 'pro', bio: 'b'.repeat(4000), notes: 'n'.repeat(500) } } }));
  const user = traits.payload?.user as JsonObject;
  assert.deepEqual(user.custom, { plan: 'pro', bio: 'b'.repeat(4000) });
  assert.ok(sizeOf(user) <= 4096, String(sizeOf(user)));
  assert.match((traits.warnings ?? []).join('\n'), /user\.custom "notes" left out/);
});

test('requests: POST /v1/log_event with the key and client time, at most 500 events; the api host', () => {
  const [first, second, third] = statsig.send(Array.from({ length: 1001 }, (_, i) => record(`e${i}`)), ctx()) as RequestDescriptor[];
  assert.equal(first!.method, 'POST');
  assert.equal(first!.url, 'https://events.statsigapi.net/v1/log_event');
  assert.deepEqual(first!.headers, { 'content-type': 'application/json', 'statsig-api-key': KEY, 'statsig-client-time': String(NOW) });
  assert.deepEqual([first!.eventIds.length, second!.eventIds.length, third!.eventIds.length], [500, 500, 1]);
  assert.deepEqual((first!.body as JsonObject).events && ((first!.body as { events: JsonObject[] }).events[0]), record('e0').payload);
  assert.equal((statsig.send([record('a')], ctx({ host: 'api' })) as RequestDescriptor[])[0]!.url, 'https://api.statsig.com/v1/log_event');
  const big = Array.from({ length: 30 }, (_, i) => record(`b${i}`, { metadata: { blob: 'x'.repeat(60_000) } }));
  const parts = statsig.send(big, ctx()) as RequestDescriptor[];
  assert.ok(parts.length > 1);
  for (const part of parts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= 1_000_000);
});

test('classify: 2xx delivered; success false retried, as Statsig\'s server core does; 401/403 name config.server_secret; 400 dead-lettered; 413 split; 404 config.host; 429 and 5xx retried', () => {
  assert.equal(statusOf(classifyStatsig(answer(202, { success: true }), request(['a']))), 'delivered');
  assert.equal(statusOf(classifyStatsig(answer(200, ''), request(['a']))), 'delivered');
  const refused = classifyStatsig(answer(202, { success: false }), request(['a']));
  assert.equal(statusOf(refused), 'retry');
  assert.match(reasonOf(refused), /^Statsig did not take the events \(HTTP 202.*success false\)/);
  assert.equal(statusOf(classifyStatsig(answer(503, { success: false }), request(['a']))), 'retry');
  for (const status of [401, 403]) {
    const c = classifyStatsig(answer(status, 'Unauthorized'), request(['a', 'b']));
    assert.equal(statusOf(c), 'dead_letter');
    assert.match(reasonOf(c), new RegExp(`^Statsig refused the key \\(HTTP ${status}: Unauthorized\\): check config\\.server_secret`));
  }
  assert.equal(statusOf(classifyStatsig(answer(400, { message: 'Bad event' }), request(['a', 'b']))), 'dead_letter');
  assert.match(reasonOf(classifyStatsig(answer(400, { message: 'Bad event' }), request(['a']))), /^Statsig refused the request \(HTTP 400: Bad event\)/);
  assert.equal(statusOf(classifyStatsig(answer(413, 'too large'), request(['a', 'b']))), 'split');
  assert.match(reasonOf(classifyStatsig(answer(404, 'Not Found'), request(['a']))), /check config\.host/);
  const limited = asClassification(classifyStatsig(answer(429, 'slow down', { 'retry-after': '30' }), request(['a'])));
  assert.equal(statusOf(limited), 'retry');
  assert.match(reasonOf(limited), /^Statsig rate-limited the request/);
  assert.equal(statusOf(classifyStatsig(answer(503, 'down'), request(['a']))), 'retry');
});

test('config validation: the server secret, not a client or console key; the ID type name', () => {
  assert.deepEqual(validateStatsigConfig({ server_secret: KEY }), []);
  assert.match(validateStatsigConfig({ server_secret: 'client-abc' })[0]!.message, /Client SDK key/);
  assert.match(validateStatsigConfig({ server_secret: 'console-abc' })[0]!.message, /Console API key/);
  assert.match(validateStatsigConfig({ server_secret: 'abc' })[0]!.message, /start with "secret-"/);
  assert.deepEqual(validateStatsigConfig({ server_secret: KEY, stable_id_name: 'my id' }).map((p) => p.field), ['stable_id_name']);
});

test('deletions: only with forward_deletions; POST /v1/delete_user_data by user_id; anonymous-only skipped; answers read', () => {
  assert.equal(forgetPerson.enabled({ server_secret: KEY }), false);
  assert.equal(forgetPerson.enabled({ server_secret: KEY, forward_deletions: true }), true);
  const req = forgetPerson.request({ userId: 'user-1', anonymousId: 'anon-1' }, ctx({ forward_deletions: true })) as RequestDescriptor;
  assert.deepEqual(req, { method: 'POST', url: 'https://api.statsig.com/v1/delete_user_data', headers: { 'content-type': 'application/json', 'statsig-api-key': KEY }, body: { unit_type: 'user_id', ids: 'user-1' }, eventIds: [] });
  assert.deepEqual((forgetPerson.request({ userId: 'a,b', anonymousId: null }, ctx()) as RequestDescriptor).body, { unit_type: 'user_id', ids: 'a,b', delimiter: '|' });
  assert.ok('skipped' in (forgetPerson.request({ userId: null, anonymousId: 'anon-1' }, ctx()) as object));
  // An id holding every delimiter is not sent: Statsig would split it into other people's ids.
  assert.match((forgetPerson.request({ userId: 'a,b|c;d\te\nf', anonymousId: null }, ctx()) as { skipped: string }).skipped, /no other user's data/);
  assert.deepEqual(forgetPerson.read!(answer(200, { request_id: 'r-1' })), { done: true, message: 'Statsig accepted the deletion request r-1 (HTTP 200); it deletes within 30 days' });
  assert.match((forgetPerson.read!(answer(403, 'Forbidden')) as { failed: string }).failed, /Enterprise/);
  assert.ok('retry' in forgetPerson.read!(answer(503, 'down')));
  assert.equal((forgetPerson.read!(answer(400, 'duplicate')) as { failed: string }).failed, 'Statsig refused the deletion (HTTP 400: duplicate)');
});
