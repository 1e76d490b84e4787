import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ClassifyResult, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import launchdarkly, { validateLaunchDarklyConfig } from './index.ts';
import { classifyLaunchDarkly } from './classify.ts';
import { contextKindProblem, optionsOf } from './config.ts';
import { attributeRef, contextAttributesOf, keyOf } from './context.ts';
import { API_VERSION, forgetPerson, kindKeysOf, ROUNDS } from './forget-person.ts';
import { eventData } from './launchdarkly-event.ts';
import { MAX_BYTES, MAX_EVENTS, payloadId } from './requests.ts';

const SDK_KEY = 'sdk-01234567-89ab-cdef-0123-456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = Date.parse('2024-03-24T15:59:00.000Z');
const BASE: Record<string, JsonValue> = { sdk_key: SDK_KEY, event_keys: { 'Order Completed': 'purchase', 'page:Pricing': 'pricing-viewed' } };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => warnings.push(m),
});
const event = (overrides: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm-1', anonymousId: 'anon-1', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.100Z', context: {}, ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/launchdarkly/default.yaml', import.meta.url), 'utf8');
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(launchdarkly, { variant: 'default', blueprint }, ctx(config))(e);
const payloadOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(e, config);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const droppedWhy = (e: CanonicalEvent, config: Record<string, JsonValue> = {}): string => {
  const result = mapped(e, config);
  assert.equal(result.payload ?? null, null, 'not sent');
  return (result.warnings ?? []).join('\n');
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: event({ messageId: id }), payload: { kind: 'custom', creationDate: TS, key: 'purchase', contextKeys: { user: `u-${id}` }, ...extra } });
const request = (ids: string[]): RequestDescriptor => launchdarkly.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };

test('Order Completed: a custom event under its mapped key, creationDate in ms, contextKeys by the userId, revenue as metricValue, properties as data without contact information', () => {
  const payload = payloadOf(event({
    event: 'Order Completed', userId: 'user-1',
    properties: { order_id: 'o-1', revenue: 29.98, total: 35, currency: 'EUR', email: 'wren@example.com', products: [{ product_id: 'p1', name: 'Trail Shoe' }], url: 'https://shop.example/thanks?email=wren%40example.com' },
  }));
  assert.deepEqual(payload, {
    kind: 'custom', creationDate: TS, key: 'purchase', contextKeys: { user: 'user-1' },
    data: { order_id: 'o-1', revenue: 29.98, total: 35, currency: 'EUR', products: [{ product_id: 'p1', name: 'Trail Shoe' }], url: 'https://shop.example/thanks' },
    metricValue: 29.98,
  });
});

test('an unmapped track event goes under its own name, with value (else total) as metricValue; without a userId the anonymousId is the key', () => {
  assert.deepEqual(payloadOf(event({ event: 'Signed Up', properties: { plan: 'pro', value: '12.5' } })), {
    kind: 'custom', creationDate: TS, key: 'Signed Up', contextKeys: { user: 'anon-1' }, data: { plan: 'pro', value: '12.5' }, metricValue: 12.5,
  });
  assert.equal(payloadOf(event({ event: 'Checkout', properties: { total: 7 } })).metricValue, 7);
  assert.equal('metricValue' in payloadOf(event({ event: 'Clicked' })), false, 'no number: no metricValue (a conversion metric)');
  assert.equal('data' in payloadOf(event({ event: 'Clicked' })), false, 'no properties: no data');
  assert.equal('data' in payloadOf(event({ event: 'Order Completed', properties: { revenue: 1 } }), { send_event_data: false }), false, 'send_event_data off');
  const why = droppedWhy(event({ event: 'Signed Up' }), { send_unmapped_events: false });
  assert.match(why, /config\.event_keys does not name "Signed Up" and config\.send_unmapped_events is off/);
});

test('context kinds and keys: config.context_kind, config.context_key, the anonymousId under config.anonymous_context_kind; an event without the id asked is skipped', () => {
  const both = event({ event: 'Order Completed', userId: 'user-1', properties: {} });
  assert.deepEqual(payloadOf(both, { context_kind: 'account', anonymous_context_kind: 'device' }).contextKeys, { account: 'user-1', device: 'anon-1' });
  assert.deepEqual(payloadOf(both, { context_key: 'anonymousId_then_userId' }).contextKeys, { user: 'anon-1' });
  assert.deepEqual(payloadOf(event({ event: 'Order Completed', anonymousId: undefined, userId: 'user-1' } as Partial<CanonicalEvent>), { anonymous_context_kind: 'device' }).contextKeys, { user: 'user-1' }, 'no anonymousId: no device context');
  assert.match(droppedWhy(event({ event: 'Order Completed' }), { context_key: 'userId' }), /not sent: the event has no userId \(config\.context_key userId\)/);
  assert.match(droppedWhy(event({ event: 'Order Completed', anonymousId: 'undefined' })), /neither a userId nor an anonymousId/, 'a placeholder id names no one');
  assert.deepEqual(keyOf('u', 'a', 'anonymousId'), { key: 'a', anonymous: true });
  assert.equal(keyOf('u', undefined, 'anonymousId'), undefined);
});

test('page calls: sent only when config.event_keys names them (page:<name>, then page); screen, group and alias not sent, each with the reason', () => {
  const pricing = payloadOf(event({ type: 'page', name: 'Pricing', properties: { path: '/pricing', url: 'https://shop.example/pricing?utm_source=x' } }));
  assert.deepEqual(pricing, { kind: 'custom', creationDate: TS, key: 'pricing-viewed', contextKeys: { user: 'anon-1' }, data: { path: '/pricing', url: 'https://shop.example/pricing' } });
  assert.match(droppedWhy(event({ type: 'page', name: 'Home' })), /page calls go to LaunchDarkly only when config\.event_keys names them/);
  assert.equal(payloadOf(event({ type: 'page', name: 'Home' }), { event_keys: { page: 'page-viewed' } }).key, 'page-viewed');
  assert.match(droppedWhy(event({ type: 'screen', name: 'Cart' })), /screen call has none/);
  assert.match(droppedWhy(event({ type: 'group', groupId: 'acme' } as Partial<CanonicalEvent>)), /group call is no LaunchDarkly event/);
  assert.match(droppedWhy(event({ type: 'alias', userId: 'u-2', previousId: 'anon-1' } as Partial<CanonicalEvent>)), /no alias events/);
});

test('neverSends: screen, group and alias calls, identify calls with send_identify off, page calls config.event_keys does not name and (send_unmapped_events off) track events it does not name; nothing the mapping may send', () => {
  const never = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => launchdarkly.neverSends!(e, ctx(config));
  assert.match(never(event({ type: 'page', name: 'Home' }))!, /^page calls go to LaunchDarkly only when config\.event_keys names them/);
  assert.equal(never(event({ type: 'page', name: 'Pricing' })), undefined, 'page:Pricing is named');
  assert.equal(never(event({ type: 'page', name: 'Home' }), { event_keys: { page: 'page-viewed' } }), undefined, 'page names every page');
  for (const type of ['screen', 'group', 'alias'] as const) assert.ok(never(event({ type } as Partial<CanonicalEvent>)), type);
  assert.equal(never(event({ type: 'identify', userId: 'u-1' } as Partial<CanonicalEvent>)), undefined);
  assert.equal(never(event({ type: 'identify', userId: 'u-1' } as Partial<CanonicalEvent>), { send_identify: false }), 'config.send_identify is off');
  assert.equal(never(event({ event: 'Signed Up' })), undefined, 'unmapped track events are sent under their name by default');
  assert.equal(never(event({ event: 'Signed Up' }), { send_unmapped_events: false }), 'config.event_keys does not name "Signed Up" and config.send_unmapped_events is off');
  assert.equal(never(event({ event: 'Order Completed' }), { send_unmapped_events: false }), undefined);
  // Each refusal is the mapping's own first check: it drops the event with the same words.
  for (const [e, config] of [[event({ type: 'page', name: 'Home' }), {}], [event({ event: 'Signed Up' }), { send_unmapped_events: false }], [event({ type: 'identify', userId: 'u-1' } as Partial<CanonicalEvent>), { send_identify: false }]] as const) {
    assert.equal(droppedWhy(e, config), `not sent: ${never(e, config)}`);
  }
});

test('identify: an identify event with the context — traits without contact information, not sent when keyed by the anonymousId only, a multi-context with the device kind', () => {
  const warnings: string[] = [];
  const identify = event({ type: 'identify', userId: 'user-1', traits: { plan: 'pro', seats: 3, email: 'jane@example.com', name: 'Jane Doe', phone: '+44 7700 900123', address: { city: 'Leeds' }, kind: 'x' } } as Partial<CanonicalEvent>);
  const result = createEventMapper(launchdarkly, { variant: 'default', blueprint }, ctx({}, warnings))(identify);
  assert.deepEqual(result.payload, { kind: 'identify', creationDate: TS, context: { kind: 'user', key: 'user-1', plan: 'pro', seats: 3 } });
  assert.match((result.warnings ?? []).join('\n'), /trait\(s\) not sent as context attributes: contact information/);
  assert.match((result.warnings ?? []).join('\n'), /"kind" not sent: a context sets kind, key, anonymous and _meta itself/);
  assert.doesNotMatch(JSON.stringify(result), /jane|7700|Leeds/i);

  const anonymous = event({ type: 'identify', traits: { plan: 'free' } } as Partial<CanonicalEvent>);
  assert.match(droppedWhy(anonymous), /not sent: the identify call's context is keyed by the anonymousId only \(anonymous\), and LaunchDarkly shows no anonymous context/);
  assert.match(droppedWhy(anonymous, { anonymous_context_kind: 'device' }), /keyed by the anonymousId only/, 'user and device both keyed by the anonymousId');
  assert.match(droppedWhy(identify, { context_key: 'anonymousId' }), /keyed by the anonymousId only/);

  const multi = payloadOf(identify, { anonymous_context_kind: 'device', context_attributes: ['plan', 'email'], private_attributes: ['plan'] });
  assert.deepEqual(multi.context, {
    kind: 'multi',
    user: { key: 'user-1', email: 'jane@example.com', _meta: { redactedAttributes: ['plan'] } },
    device: { key: 'anon-1', anonymous: true },
  }, 'the listed traits as they are (the admin named email), plan redacted as private');
  assert.match(droppedWhy(identify, { send_identify: false }), /config\.send_identify is off/);
});

test('context attributes: a name that is not text is left out; private attributes as escaped references; none without traits', () => {
  const warnings: string[] = [];
  assert.deepEqual(contextAttributesOf({ name: 42, plan: 'pro', '/odd~name': 1 }, { contextAttributes: ['name', 'plan', '/odd~name'], privateAttributes: ['/odd~name'] }, (m) => warnings.push(m)), { attributes: { plan: 'pro' }, redacted: ['/~1odd~0name'] });
  assert.match(warnings.join('\n'), /"name" is not text/);
  assert.deepEqual(contextAttributesOf(undefined, { contextAttributes: undefined, privateAttributes: [] }, undefined), { attributes: {}, redacted: [] });
  assert.equal(attributeRef('plan'), 'plan');
});

test('eventData: properties without contact information and URL queries; nothing left gives no data', () => {
  assert.deepEqual(eventData({ order_id: 'o-1', email: 'a@b.example', customer: { name: 'Jane', id: 'c-1' }, referrer: 'https://x.example/?token=1' }), { order_id: 'o-1', customer: { id: 'c-1' }, referrer: 'https://x.example/' });
  assert.equal(eventData({ email: 'a@b.example' }), undefined);
  assert.equal(eventData('text'), undefined);
});

test('a metric value that is not a number dead-letters the event, naming metricValue', () => {
  const result = mapped(event({ event: 'Order Completed', properties: {} }), {});
  assert.ok(result.payload);
  const edited = `version: 2\nevent_name_target: event_name\nglobal:\n  - { source: userId, target: user_id }\n  - { source: anonymousId, target: anonymous_id }\n  - { source: properties.amount, target: metric_value }\n`;
  const bad = createEventMapper(launchdarkly, { variant: 'default', blueprint: edited }, ctx())(event({ event: 'Order Completed', properties: { amount: '12,50' } }));
  assert.match(String(bad.error), /LaunchDarkly takes metricValue as a number; the blueprint mapped "12,50"/);
});

test('send: POST /bulk with the SDK key as Authorization, event schema 4 and a payload id fixed by the events; the EU and federal hosts', () => {
  const sent = request(['m-1', 'm-2']);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.url, 'https://events.launchdarkly.com/bulk');
  assert.deepEqual(sent.headers, {
    'content-type': 'application/json', authorization: SDK_KEY, 'x-launchdarkly-event-schema': '4', 'x-launchdarkly-payload-id': payloadId(SDK_KEY, ['m-1', 'm-2']),
  });
  assert.deepEqual(sent.body, [record('m-1').payload, record('m-2').payload]);
  assert.deepEqual(sent.eventIds, ['m-1', 'm-2']);
  assert.match(String(sent.headers!['x-launchdarkly-payload-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(request(['m-1', 'm-2']).headers!['x-launchdarkly-payload-id'], sent.headers!['x-launchdarkly-payload-id'], 'the same events, the same payload id (a retry)');
  assert.notEqual(request(['m-1']).headers!['x-launchdarkly-payload-id'], sent.headers!['x-launchdarkly-payload-id'], 'other events, another id (a half after a 413)');
  // The name-based UUID as RFC 9562's version 5 defines it (Python's uuid.uuid5 of the namespace and 'sdk key\nm-1\nm-2' gives the same).
  assert.equal(payloadId(SDK_KEY, ['m-1', 'm-2']), '576aa531-2538-58ef-85f4-07de4f4a3610');
  const otherEnvironment = launchdarkly.send([record('m-1'), record('m-2')], ctx({ sdk_key: 'sdk-another-environment' }))[0]!;
  assert.notEqual(otherEnvironment.headers!['x-launchdarkly-payload-id'], sent.headers!['x-launchdarkly-payload-id'], 'the same events to another environment, another id');
  assert.equal(launchdarkly.send([record('a')], ctx({ instance: 'eu' }))[0]!.url, 'https://events.eu.launchdarkly.com/bulk');
  assert.equal(launchdarkly.send([record('a')], ctx({ instance: 'federal' }))[0]!.url, 'https://events.launchdarkly.us/bulk');
  assert.deepEqual(launchdarkly.send([], ctx()), []);
});

test('batches of at most 10,000 events and 2,000,000 bytes, every event once, in order', () => {
  const many = Array.from({ length: 2 * MAX_EVENTS + 1 }, (_, i) => record(`m-${i}`));
  const requests = launchdarkly.send(many, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [MAX_EVENTS, MAX_EVENTS, 1]);
  const big = Array.from({ length: 30 }, (_, i) => record(`b-${i}`, { data: { note: 'x'.repeat(100_000) } }));
  const parts = launchdarkly.send(big, ctx());
  assert.ok(parts.length > 1);
  for (const part of parts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= MAX_BYTES);
  assert.deepEqual(parts.flatMap((p) => p.eventIds), big.map((e) => e.id));
});

test('classify: 202 delivered; 401/403 name config.sdk_key; 404 names config.instance; 400 dead-lettered with LaunchDarkly\'s words; 413 of several split, one alone dead-lettered; 429 and 5xx retried', () => {
  const two = request(['a', 'b']);
  const one = request(['a']);
  assert.deepEqual(classifyLaunchDarkly(answer(202, ''), two), { status: 'delivered' });
  for (const status of [401, 403]) {
    assert.equal(statusOf(classifyLaunchDarkly(answer(status, ''), two)), 'dead_letter');
    assert.match(reasonOf(classifyLaunchDarkly(answer(status, ''), two)), new RegExp(`^LaunchDarkly refused the SDK key \\(HTTP ${status}\\): check config\\.sdk_key`));
  }
  assert.match(reasonOf(classifyLaunchDarkly(answer(404, 'not found'), two)), /check config\.instance/);
  const refused = classifyLaunchDarkly(answer(400, { message: 'invalid event payload' }), two);
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^LaunchDarkly refused the request as invalid \(HTTP 400: invalid event payload\)/);
  assert.equal(statusOf(classifyLaunchDarkly(answer(413, 'Request Entity Too Large'), two)), 'split');
  assert.equal(statusOf(classifyLaunchDarkly(answer(413, 'Request Entity Too Large'), one)), 'dead_letter');
  const limited = asClassification(classifyLaunchDarkly(answer(429, '', { 'retry-after': '7' }), two));
  assert.deepEqual(limited, { status: 'retry', reason: 'LaunchDarkly rate-limited the request (HTTP 429)', retryAfterMs: 7000 });
  for (const status of [408, 500, 502, 503]) assert.equal(statusOf(classifyLaunchDarkly(answer(status, 'busy'), two)), 'retry');
  assert.equal(statusOf(classifyLaunchDarkly(answer(409, 'conflict'), two)), 'dead_letter');
});

test('config validation names the field: SDK key kinds, context kinds, event keys, attributes, deletion fields', () => {
  assert.deepEqual(validateLaunchDarklyConfig(BASE), []);
  const fields = (config: Record<string, JsonValue>) => validateLaunchDarklyConfig(config).map((p) => `${p.field}: ${p.message}`);
  assert.match(fields({ sdk_key: 'mob-0123' })[0]!, /^sdk_key: is a mobile key/);
  assert.match(fields({ sdk_key: 'api-0123' })[0]!, /^sdk_key: is an API access token/);
  assert.match(fields({ sdk_key: '5f0a5c3c1a2b4c3d9e8f0a1b' })[0]!, /^sdk_key: is a client-side ID/);
  assert.match(fields({ sdk_key: 'sdk-1 sdk-2' })[0]!, /^sdk_key: holds white space/);
  assert.match(fields({ sdk_key: '  ' })[0]!, /^sdk_key: is empty/);
  assert.doesNotMatch(fields({ sdk_key: 'mob-secret-0123' }).join(), /secret-0123/, 'never repeats the key');
  assert.match(fields({ ...BASE, context_kind: 'multi' })[0]!, /^context_kind: is "multi", which LaunchDarkly reserves/);
  assert.match(fields({ ...BASE, context_kind: 'my kind' })[0]!, /^context_kind: holds characters other than letters/);
  assert.match(fields({ ...BASE, context_kind: '' })[0]!, /^context_kind: is empty/);
  assert.match(fields({ ...BASE, anonymous_context_kind: 'user' })[0]!, /^anonymous_context_kind: is the same kind as context_kind/);
  assert.deepEqual(fields({ ...BASE, anonymous_context_kind: '' }), [], 'empty: none');
  assert.match(fields({ ...BASE, event_keys: { ' Order Completed': 'purchase' } })[0]!, /^event_keys: has " Order Completed" with white space/);
  assert.match(fields({ ...BASE, event_keys: { 'Page:Pricing': 'x' } })[0]!, /^event_keys: has "Page:Pricing"/);
  assert.match(fields({ ...BASE, event_keys: { Signup: ' ' } })[0]!, /^event_keys: "Signup": the event key is empty/);
  assert.match(fields({ ...BASE, event_keys: ['x'] })[0]!, /^event_keys: is not an object/);
  assert.match(fields({ sdk_key: SDK_KEY, send_unmapped_events: false })[0]!, /^send_unmapped_events: is off and event_keys names no event/);
  assert.match(fields({ ...BASE, private_attributes: ['key'] })[0]!, /^private_attributes: names "key", which a context sets itself .*cannot be made private/);
  assert.match(fields({ ...BASE, context_attributes: ['ok', ''] })[0]!, /^context_attributes: holds an empty name/);
  assert.match(fields({ ...BASE, context_attributes: 'plan' })[0]!, /^context_attributes: is not a list/);
  assert.deepEqual(fields({ ...BASE, api_access_token: 'api-1' }), [
    'project_key: is required to forward person deletions, with api_access_token, project_key and environment_key; give it, or clear the other two',
    'environment_key: is required to forward person deletions, with api_access_token, project_key and environment_key; give it, or clear the other two',
  ]);
  assert.match(fields({ ...BASE, api_access_token: SDK_KEY, project_key: 'p', environment_key: 'e' })[0]!, /^api_access_token: is an SDK or mobile key/);
  assert.match(fields({ ...BASE, api_access_token: 'api-1', project_key: 'My Project', environment_key: 'production' })[0]!, /^project_key: holds white space/);
  assert.equal(contextKindProblem('org.unit_2-b'), undefined);
  assert.equal(optionsOf({ sdk_key: ' k ', instance: 'nowhere' }).eventsUrl, 'https://events.launchdarkly.com/bulk');
});

const DELETION: Record<string, JsonValue> = { api_access_token: 'api-token-1', project_key: 'default', environment_key: 'production' };
const readAnswer = (response: VendorResponse, sent: RequestDescriptor, config: Record<string, JsonValue> = DELETION): ForgetOutcome => forgetPerson.read!(response, sent, ctx(config));

test('deletions: enabled with an access token, a project and an environment; the search for the person\'s context instances by kind and key', () => {
  assert.equal(forgetPerson.enabled(BASE), false);
  assert.equal(forgetPerson.enabled({ ...BASE, api_access_token: 'api-1', project_key: 'default' }), false);
  assert.equal(forgetPerson.enabled({ ...BASE, ...DELETION }), true);
  const searches = forgetPerson.request({ userId: 'u-1', anonymousId: 'a-1' }, ctx({ ...DELETION, anonymous_context_kind: 'device' })) as RequestDescriptor[];
  assert.equal(searches.length, ROUNDS, 'one search a round');
  assert.deepEqual(searches[0], {
    method: 'POST', url: 'https://app.launchdarkly.com/api/v2/projects/default/environments/production/context-instances/search',
    headers: { authorization: 'api-token-1', 'content-type': 'application/json', 'ld-api-version': API_VERSION },
    body: { filter: 'kindKeys anyOf ["user:u-1","user:a-1","device:a-1"]', limit: 2 }, eventIds: [], memo: { round: 1 },
  });
  assert.deepEqual(searches.map((s) => s.memo), [1, 2, 3, 4, 5].map((round) => ({ round })));
  for (const later of searches.slice(1)) assert.deepEqual({ ...later, memo: undefined }, { ...searches[0], memo: undefined }, 'every round the same search');
  const first = (config: Record<string, JsonValue>) => (forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(config)) as RequestDescriptor[])[0]!;
  assert.equal(first({ ...DELETION, instance: 'eu' }).url.startsWith('https://app.eu.launchdarkly.com/api/v2/'), true);
  assert.equal(first({ ...DELETION, instance: 'federal' }).url.startsWith('https://app.launchdarkly.us/api/v2/'), true);
  assert.deepEqual(kindKeysOf({ userId: 'u-1', anonymousId: 'a-1' }, { contextKind: 'user', contextKey: 'userId', anonymousKind: undefined }), ['user:u-1']);
  assert.deepEqual(kindKeysOf({ userId: 'u-1', anonymousId: 'a-1' }, { contextKind: 'user', contextKey: 'anonymousId', anonymousKind: undefined }), ['user:a-1']);
  assert.deepEqual(kindKeysOf({ userId: 'null', anonymousId: ' ' }, { contextKind: 'user', contextKey: 'userId_then_anonymousId', anonymousKind: 'device' }), []);
  const skipped = forgetPerson.request({ userId: null, anonymousId: 'a-1' }, ctx({ ...DELETION, context_key: 'userId' }));
  assert.match((skipped as { skipped: string }).skipped, /no id named can be a context key here \(config\.context_key userId\)/);
});

test('deletions: each round\'s instances deleted in turn, the first round leaving none the last, the last round finding two tried again; 404 gone already', () => {
  const searches = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(DELETION)) as RequestDescriptor[];
  const search = searches[0]!;
  assert.deepEqual(readAnswer(answer(200, { items: [], totalCount: 0 }), search), { done: true, last: true, message: 'LaunchDarkly holds no context instance of theirs in the environment' });
  assert.deepEqual(readAnswer(answer(200, { items: [], totalCount: 0 }), searches[2]!), { done: true, last: true, message: 'no more context instances' }, 'a later round finding none ends the list too');

  const one = readAnswer(answer(200, { items: [{ id: 'dXNlcjp1LTE', context: { kind: 'user', key: '[…]' } }] }), search);
  assert.ok('next' in one);
  assert.deepEqual(one.next, {
    method: 'DELETE', url: 'https://app.launchdarkly.com/api/v2/projects/default/environments/production/context-instances/dXNlcjp1LTE',
    headers: { authorization: 'api-token-1', 'ld-api-version': API_VERSION }, eventIds: [], memo: { round: 1, rest: [], found: 1, more: false },
  });
  assert.deepEqual(readAnswer(answer(204, ''), one.next), { done: true, last: true, message: 'LaunchDarkly deleted 1 context instance of theirs (HTTP 204)' }, 'fewer than two found: all there were, all gone');
  assert.deepEqual(readAnswer(answer(404, { code: 'not_found', message: 'Unknown context instance' }), one.next), { done: true, last: true, message: 'LaunchDarkly deleted 1 context instance of theirs (HTTP 404)' }, 'gone already');

  // Two found: both deleted, and the next round searches again.
  const two = readAnswer(answer(200, { items: [{ id: 'A' }, { id: 'B/C' }] }), search);
  assert.ok('next' in two);
  assert.match(two.next.url, /context-instances\/A$/);
  const second = readAnswer(answer(204, ''), two.next);
  assert.ok('next' in second);
  assert.match(second.next.url, /context-instances\/B%2FC$/);
  assert.deepEqual(second.next.memo, { round: 1, rest: [], found: 2, more: true });
  assert.deepEqual(readAnswer(answer(204, ''), second.next), { done: true, message: 'LaunchDarkly deleted 2 context instances of theirs (HTTP 204); more may be left: searched again' }, 'not last: the next round searches');

  // The last round finding two: more may be left, tried again after the core's wait.
  const lastRound = searches[ROUNDS - 1]!;
  const lastTwo = readAnswer(answer(200, { items: [{ id: 'D' }, { id: 'E' }] }), lastRound);
  assert.ok('next' in lastTwo);
  const lastSecond = readAnswer(answer(204, ''), lastTwo.next);
  assert.ok('next' in lastSecond);
  assert.deepEqual(readAnswer(answer(204, ''), lastSecond.next), { retry: `LaunchDarkly deleted 2 context instances of theirs (HTTP 204); more may be left after ${ROUNDS} rounds (10 instances): searching again on the next try` });
  const lastOne = readAnswer(answer(200, { items: [{ id: 'F' }] }), lastRound);
  assert.ok('next' in lastOne);
  assert.deepEqual(readAnswer(answer(204, ''), lastOne.next), { done: true, last: true, message: 'LaunchDarkly deleted 1 context instance of theirs (HTTP 204)' }, 'the last round finding one: all gone');
});

test('deletions: refusals name the field; malformed answers fail; 429 and 5xx retried', () => {
  const search = (forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(DELETION)) as RequestDescriptor[])[0]!;
  const one = readAnswer(answer(200, { items: [{ id: 'dXNlcjp1LTE' }] }), search);
  assert.ok('next' in one);
  assert.match((readAnswer(answer(401, { code: 'unauthorized', message: 'Invalid access token' }), search) as { failed: string }).failed, /^LaunchDarkly refused the access token for the search for context instances \(HTTP 401: Invalid access token\): check config\.api_access_token/);
  assert.match((readAnswer(answer(403, { code: 'forbidden', message: 'Access to the requested resource was denied' }), one.next) as { failed: string }).failed, /role must allow viewing and deleting contexts/);
  assert.match((readAnswer(answer(404, { code: 'not_found', message: 'Unknown project' }), search) as { failed: string }).failed, /check config\.project_key and config\.environment_key/);
  assert.match((readAnswer(answer(400, { code: 'invalid_request', message: 'bad filter' }), search) as { failed: string }).failed, /HTTP 400: bad filter/);
  assert.match((readAnswer(answer(200, { items: [{ id: 'user:[…]' }] }), search) as { failed: string }).failed, /holds the person's id/);
  assert.match((readAnswer(answer(200, 'not json'), search) as { failed: string }).failed, /no items list/);
  assert.deepEqual(readAnswer(answer(429, '', { 'retry-after': '30' }), search), { retry: 'HTTP 429', afterSeconds: 30 });
  assert.deepEqual(readAnswer(answer(429, '', { 'x-ratelimit-reset': String(NOW + 4_500) }), one.next), { retry: 'HTTP 429', afterSeconds: 5 }, 'the rate limit window\'s end');
  assert.ok('retry' in readAnswer(answer(503, 'busy'), search));
});
