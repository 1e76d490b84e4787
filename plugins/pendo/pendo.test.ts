import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import pendo, { validatePendoConfig } from './index.ts';
import { CONFIG_SCHEMA, optionsOf } from './config.ts';
import { NO_PENDO_VISITOR } from './forget-person.ts';
import { fitProperties, pendoName } from './pendo-event.ts';

const SECRET = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const KEY = '00000000-1111-4222-8333-444444444444.us';
const NOW = Date.parse('2024-03-24T16:00:05Z');
const TIME = '2024-03-24T16:00:00.000Z';
const TIME_MS = Date.parse(TIME);
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { track_secret: SECRET, integration_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'anon-1', timestamp: TIME, receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://app.example.com/signup?x=1', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/pendo/default.yaml', import.meta.url), 'utf8');
function mapped(event: CanonicalEvent, config: Record<string, JsonValue> = {}): { payload: JsonObject | null; error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const result = createEventMapper(pendo, { variant: 'default', blueprint }, { ...ctx(config), warn: (m) => warnings.push(m) })(event);
  return { payload: result.payload ?? null, ...(result.error ? { error: result.error } : {}), warnings: [...warnings, ...(result.warnings ?? [])] };
}
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'} ${result.warnings.join('; ')}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const mappedEvent = (id: string, payload: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const track = (id: string): MappedEvent => mappedEvent(id, { type: 'track', event: 'Viewed', visitorId: `u-${id}`, timestamp: TIME_MS, properties: {}, context: {} });
const meta = (id: string, visitorId: string, values: JsonObject = { plan: 'pro' }): MappedEvent => mappedEvent(id, { visitorId, values });
const classify = (response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue> = {}): ClassifyResult => pendo.classify!(response, request, ctx(config));
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const [trackRequest] = pendo.send([track('t1')], ctx());
const metadataRequest = (ids: Array<[string, string]>, config: Record<string, JsonValue> = {}): RequestDescriptor => pendo.send(ids.map(([id, visitor]) => meta(id, visitor)), ctx(config))[0]!;

test('default: a track event → {type track, event, visitorId, accountId, timestamp ms, properties, context}; a site\'s properties cannot choose the visitor', () => {
  const payload = payloadOf(browserEvent({ userId: 'user-1', context: { ...browserEvent().context, groupId: 'acct-9' } as CanonicalEvent['context'], properties: { method: 'email', visitorId: 'someone-else', trial: true } }));
  assert.deepEqual(payload, {
    type: 'track', event: 'Signed Up', visitorId: 'user-1', accountId: 'acct-9', timestamp: TIME_MS,
    properties: { utm_source: 'news', method: 'email', visitorId: 'someone-else', trial: true },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', url: 'https://app.example.com/signup?x=1', title: 'Sign up' },
  });
});

test('default: page → Page Viewed with url, path, title, referrer and page_name; screen → Screen Viewed', () => {
  const page = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'user-1', properties: { url: 'https://app.example.com/pricing', path: '/pricing', title: 'Pricing' } } as Partial<CanonicalEvent>));
  assert.equal(page.event, 'Page Viewed');
  assert.deepEqual(page.properties, { utm_source: 'news', url: 'https://app.example.com/signup?x=1', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', page_name: 'Pricing' });
  const screen = payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'user-1', properties: { tab: 'feed' } } as Partial<CanonicalEvent>));
  assert.equal(screen.event, 'Screen Viewed');
  assert.deepEqual(screen.properties, { utm_source: 'news', tab: 'feed', screen_name: 'Home' });
});

test('visitors without a userId: skipped with a warning by default; anonymous_id sends the anonymousId as visitorId', () => {
  const skipped = mapped(browserEvent());
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['not sent: the event has no userId (Pendo\'s visitorId), and config.anonymous_visitors is skip (the default; anonymous_id sends the anonymousId as visitorId)']);
  assert.equal(optionsOf({}).anonymousVisitors, 'skip');
  assert.equal((CONFIG_SCHEMA.properties.anonymous_visitors as { default?: string }).default, 'skip');
  assert.equal(payloadOf(browserEvent(), { anonymous_visitors: 'anonymous_id' }).visitorId, 'anon-1');
  assert.equal(mapped(browserEvent({ anonymousId: 'undefined' }), { anonymous_visitors: 'anonymous_id' }).payload, null, 'a placeholder names no one');
});

test('properties: renamed to Pendo\'s names (letters, digits, _, up to 32 characters), the largest left out past 512 bytes, with warnings', () => {
  assert.equal(pendoName('Plan Tier'), 'Plan_Tier');
  assert.equal(pendoName('2fa'), '_2fa');
  assert.equal(pendoName('__secret__'), 'secret__');
  assert.equal(pendoName('a'.repeat(40), 32), 'a'.repeat(32));
  assert.equal(pendoName('---'), '');
  // The 32-character cut never leaves a name Pendo refuses: begun and ended with __, or begun with a digit.
  assert.equal(pendoName(`__${'a'.repeat(28)}__tail`, 32), `${'a'.repeat(28)}__`);
  assert.equal(pendoName(`__${'1'.repeat(28)}__tail`, 32), `_${'1'.repeat(28)}__`);
  assert.equal(pendoName('9'.repeat(40), 32), `_${'9'.repeat(31)}`);
  const result = mapped(browserEvent({ userId: 'u', context: {}, properties: { 'Plan Tier': 'pro', 'Plan-Tier': 'dup', note: 'x'.repeat(600), ok: 1 } }));
  assert.deepEqual(result.payload!.properties, { Plan_Tier: 'pro', ok: 1 });
  assert.deepEqual(result.warnings, [
    'properties renamed to Pendo\'s names (letters, digits, _, up to 32 characters): Plan Tier → Plan_Tier',
    'properties left out (no Pendo name of their own): Plan-Tier',
    'properties left out to keep the properties JSON within Pendo\'s 512 bytes (the largest first): note',
  ]);
});

test('properties: thousands of them are fitted within 512 bytes at once, the smallest kept (sizes measured once, not per property left out)', () => {
  const many: JsonObject = {};
  for (let i = 0; i < 5000; i++) many[`k${i}`] = 'x'.repeat(i % 50);
  const warnings: string[] = [];
  const started = Date.now();
  const fitted = fitProperties(many, (m) => warnings.push(m));
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.ok(Buffer.byteLength(JSON.stringify(fitted)) <= 512);
  assert.ok(Object.keys(fitted).length > 30);
  assert.ok(Object.values(fitted).every((v) => v === ''), 'the largest values left out first');
  // Only as many left out as needed: one more property would not fit.
  const smallestLeft = Object.keys(many).find((k) => !(k in fitted) && many[k] === '')!;
  assert.ok(smallestLeft === undefined || Buffer.byteLength(JSON.stringify({ ...fitted, [smallestLeft]: '' })) > 512);
  assert.equal(warnings.length, 1);
});

test('a track event more than seven days old is dead-lettered: Pendo does not process it', () => {
  const old = mapped(browserEvent({ userId: 'u', timestamp: '2024-03-17T15:00:00.000Z' }));
  assert.equal(old.payload, null);
  assert.equal(old.error, 'Pendo does not process track events more than seven days old; this one is from 2024-03-17T15:00:00.000Z');
  assert.ok(mapped(browserEvent({ userId: 'u', timestamp: '2024-03-18T16:00:00.000Z' })).payload, 'six days old is sent');
});

test('identify: traits as visitor metadata values (scalars only), without an integration key not sent with a warning', () => {
  const event = browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: { email: 'jane@example.com', 'First Name': 'Jane', seats: 3, admin: true, id: 'x', tags: ['a'], address: { city: 'Paris' } } } as Partial<CanonicalEvent>);
  const result = mapped(event);
  assert.deepEqual(result.payload, { visitorId: 'user-1', values: { email: 'jane@example.com', First_Name: 'Jane', seats: 3, admin: true } });
  assert.deepEqual(result.warnings, [
    'traits renamed to Pendo\'s names (letters, digits, _): First Name → First_Name',
    'traits left out: Pendo metadata fields hold text, numbers, booleans or dates, not lists or objects: tags',
  ]);
  const withoutKey = mapped(event, { integration_key: undefined as unknown as JsonValue });
  assert.equal(withoutKey.payload, null);
  assert.deepEqual(withoutKey.warnings, ['not sent: identify traits go to Pendo\'s Metadata API, which needs config.integration_key (an integration key with write access)']);
  assert.equal(mapped(browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro' } } as Partial<CanonicalEvent>), { anonymous_visitors: 'anonymous_id' }).payload, null, 'no userId: no identify');
  assert.equal(mapped(browserEvent({ type: 'identify', event: undefined, userId: 'u', traits: { id: 'u' } } as Partial<CanonicalEvent>)).payload, null, 'nothing to set');
});

test('group and alias are not sent', () => {
  assert.equal(mapped(browserEvent({ type: 'group', event: undefined, userId: 'u', groupId: 'g' } as Partial<CanonicalEvent>)).payload, null);
  assert.equal(mapped(browserEvent({ type: 'alias', event: undefined, userId: 'u', previousId: 'p' } as Partial<CanonicalEvent>)).payload, null);
});

test('requests: each track event alone to /data/track with the Track Event shared secret; metadata in bulk with the integration key, per data center', () => {
  const requests = pendo.send([track('a'), meta('b', 'v-1'), track('c'), meta('d', 'v-2', { role: 'admin' })], ctx({ region: 'eu' }));
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.eventIds, r.endpoint]), [
    ['POST', 'https://app.eu.pendo.io/data/track', ['a'], 'track'],
    ['POST', 'https://app.eu.pendo.io/data/track', ['c'], 'track'],
    ['POST', 'https://app.eu.pendo.io/api/v1/metadata/visitor/custom/value', ['b', 'd'], 'metadata'],
  ]);
  assert.deepEqual(requests[0]!.headers, { 'content-type': 'application/json', 'x-pendo-integration-key': SECRET });
  assert.deepEqual(requests[0]!.body, track('a').payload);
  assert.deepEqual(requests[2]!.headers, { 'content-type': 'application/json', 'x-pendo-integration-key': KEY });
  assert.deepEqual(requests[2]!.body, [{ visitorId: 'v-1', values: { plan: 'pro' } }, { visitorId: 'v-2', values: { role: 'admin' } }]);
  assert.equal(requests[2]!.query, undefined);
  const agent = pendo.send([meta('b', 'v-1')], ctx({ region: 'jpn', metadata_group: 'agent', create_visitors: true }))[0]!;
  assert.equal(agent.url, 'https://app.jpn.pendo.io/api/v1/metadata/visitor/agent/value');
  assert.deepEqual(agent.query, [['create', 'true']]);
  for (const [region, origin] of [['us', 'https://app.pendo.io'], ['us1', 'https://us1.app.pendo.io'], ['au', 'https://app.au.pendo.io']]) {
    assert.equal(pendo.send([track('a')], ctx({ region: region! }))[0]!.url, `${origin}/data/track`);
  }
});

test('requests: a visitor identified twice in one batch is updated in order, never twice in one request', () => {
  const requests = pendo.send([meta('a', 'v-1', { n: 1 }), meta('b', 'v-2'), meta('c', 'v-1', { n: 2 }), meta('d', 'v-1', { n: 3 }), meta('e', 'v-3')], ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['a', 'b', 'e'], ['c'], ['d']]);
});

test('classify, track: 200 delivered; a web page dead-lettered naming config.region; 400 with Pendo\'s words; 401/403 name config.track_secret', () => {
  assert.deepEqual(classify(answer(200, ''), trackRequest!), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, 'OK', { 'content-type': 'text/plain' }), trackRequest!), { status: 'delivered' });
  assert.match(reasonOf(classify(answer(200, '<!DOCTYPE html><html></html>', { 'Content-Type': 'text/html' }), trackRequest!)), /^Pendo's Track Events API did not answer \(HTTP 200 with a web page\): https:\/\/app\.pendo\.io\/data\/track is not Pendo's — check config\.region \(us: https:\/\/app\.pendo\.io\)/);
  assert.deepEqual(classify(answer(400, { message: 'visitorId is required' }), trackRequest!), { status: 'dead_letter', reason: 'Pendo refused the track event (HTTP 400: visitorId is required)' });
  for (const status of [401, 403]) {
    assert.deepEqual(classify(answer(status, 'invalid key'), trackRequest!), { status: 'dead_letter', reason: `Pendo refused the Track Event shared secret (HTTP ${status}: invalid key): config.track_secret must be the app's Track Event shared secret (Settings > Subscription Settings > Applications > App Details), not an integration key, of the subscription in config.region` });
  }
  assert.equal((classify(answer(404, 'Not Found'), trackRequest!) as { status?: string }).status, 'dead_letter');
  assert.match(reasonOf(classify(answer(413, 'too large'), trackRequest!)), /^Pendo refused this event alone as too large/);
});

test('classify: 429 and 5xx retried (after Retry-After), in Pendo\'s words', () => {
  assert.deepEqual(classify(answer(429, 'slow down', { 'retry-after': '30' }), trackRequest!), { status: 'retry', reason: 'Pendo rate-limited the request (Track Events API, HTTP 429: slow down)', retryAfterMs: 30_000 });
  for (const status of [500, 502, 503]) assert.equal((classify(answer(status, 'oops'), trackRequest!) as { status?: string }).status, 'retry');
  assert.equal(reasonOf(classify(answer(503, 'oops'), metadataRequest([['a', 'v-1']]))), 'Pendo failed (Metadata API, HTTP 503: oops)');
});

test('classify, metadata: counts read; missing visitors dead-lettered by event; unnamed failures in halves, or dead-lettered alone; no counts delivered unless the body says failure', () => {
  const request = metadataRequest([['a', 'v-1'], ['b', 'v-2'], ['c', 'v-3']]);
  assert.deepEqual(classify(answer(200, { total: 3, updated: 3, failed: 0 }), request), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, { total: 3, updated: 2, failed: 1, missing: ['v-2'] }), request), {
    perEvent: { b: { status: 'dead_letter', reason: 'Pendo reported visitor v-2 missing: it sets metadata on visitors it has seen only — turn on config.create_visitors to create them, or replay once the visitor\'s events reached Pendo' } },
  });
  assert.equal(reasonOf((classify(answer(200, { total: 3, updated: 2, failed: 1, missing: ['v-2'] }), request, { create_visitors: true }) as { perEvent: Record<string, ClassifyResult> }).perEvent.b!), 'Pendo reported visitor v-2 missing although the request asked it to create visitors (create=true)');
  assert.equal((classify(answer(200, { total: 3, updated: 1, failed: 2, missing: ['v-2'] }), request) as { status?: string }).status, 'split');
  const alone = metadataRequest([['a', 'v-1']]);
  assert.deepEqual(classify(answer(200, { total: 1, updated: 0, failed: 1 }), alone), { perEvent: { a: { status: 'dead_letter', reason: 'Pendo failed to set this visitor\'s metadata (HTTP 200: {"total":1,"updated":0,"failed":1}): each trait needs a custom visitor field of its type in Settings > Data Mappings (config.metadata_group)' } } });
  // Pendo's answer shape is unconfirmed: a 2xx without the counts is delivered unless it says failure.
  for (const body of [{}, '', 'OK', [], { kind: 'visitor', group: 'custom' }, { errors: [] }, { error: null }]) {
    assert.deepEqual(classify(answer(200, body), alone), { status: 'delivered' }, JSON.stringify(body));
    assert.deepEqual(classify(answer(200, body), request), { status: 'delivered' }, JSON.stringify(body));
  }
  assert.deepEqual(classify(answer(200, { error: 'field plan is not a custom field' }), alone), { status: 'dead_letter', reason: 'Pendo\'s Metadata API answered HTTP 200 saying it failed (field plan is not a custom field): each trait needs a custom visitor field of its type in Settings > Data Mappings (config.metadata_group)' });
  assert.deepEqual(classify(answer(200, { success: false, message: 'bad value' }), request), { status: 'split', reason: 'Pendo\'s Metadata API answered HTTP 200 saying it failed (bad value): sending the request in halves to find the visitor refused' });
  assert.equal((classify(answer(200, { errors: ['plan: wrong type'] }), alone) as { status?: string }).status, 'dead_letter');
  assert.equal((classify(answer(200, { status: 'error' }), alone) as { status?: string }).status, 'dead_letter');
  assert.equal(reasonOf(classify(answer(200, 'Error: invalid visitor values', { 'content-type': 'text/plain' }), alone)), 'Pendo\'s Metadata API answered HTTP 200 saying it failed (Error: invalid visitor values): each trait needs a custom visitor field of its type in Settings > Data Mappings (config.metadata_group)');
  assert.match(reasonOf(classify(answer(200, '<html><body>Sign in</body></html>', { 'content-type': 'text/html' }), alone)), /^Pendo's Metadata API did not answer \(HTTP 200 with a web page\)/);
  assert.equal((classify(answer(400, { message: 'bad value' }), request) as { status?: string }).status, 'split');
  assert.deepEqual(classify(answer(400, { message: 'field plan not found' }), alone, { metadata_group: 'agent' }), { status: 'dead_letter', reason: 'Pendo refused the visitor\'s metadata (HTTP 400: field plan not found): each trait needs an agent visitor field of its type in Settings > Data Mappings (config.metadata_group)' });
  assert.match(reasonOf(classify(answer(403, 'Forbidden'), alone)), /^Pendo refused the integration key \(HTTP 403: Forbidden\): config\.integration_key must be/);
  assert.deepEqual(classify(answer(200, pendo.successAnswer!.body), alone), { status: 'delivered' }, 'the declared success answer');
});

test('config validation names the field', () => {
  assert.deepEqual(validatePendoConfig({ track_secret: SECRET, integration_key: KEY }), []);
  assert.deepEqual(validatePendoConfig({ track_secret: 'abc def12', integration_key: SECRET, create_visitors: false }).map((p) => p.field), ['track_secret']);
  assert.deepEqual(validatePendoConfig({ track_secret: SECRET, integration_key: SECRET }), [{ field: 'integration_key', message: 'is the Track Event shared secret again: give an integration key (Settings > Integrations > Integration Keys) with write access, or leave it empty' }]);
  assert.deepEqual(validatePendoConfig({ track_secret: SECRET, integration_key: 'clé-intégration' }).map((p) => p.field), ['integration_key']);
  assert.deepEqual(validatePendoConfig({ track_secret: ` ${SECRET}\n` }), [{ field: 'track_secret', message: 'starts or ends with white space: give the Track Event shared secret alone' }]);
  assert.deepEqual(validatePendoConfig({ track_secret: SECRET, create_visitors: true }), [{ field: 'create_visitors', message: 'creates visitors through the Metadata API, which needs integration_key: set it, or leave create_visitors off' }]);
});

test('deletions: one bulk delete naming the userId (and the anonymousId when sent as a visitor); skipped without one; answers read', () => {
  const forget = pendo.forgetPerson!;
  assert.equal(forget.enabled({ track_secret: SECRET }), false, 'no integration key, no forwarding');
  assert.equal(forget.enabled({ track_secret: SECRET, integration_key: KEY }), true);
  assert.deepEqual(forget.request({ userId: 'u-1', anonymousId: 'a-1' }, ctx({ region: 'eu' })), {
    method: 'POST', url: 'https://app.eu.pendo.io/api/v1/bulkdelete/visitor',
    headers: { 'content-type': 'application/json', 'x-pendo-integration-key': KEY }, body: { visitors: ['u-1'] }, eventIds: [],
  });
  assert.deepEqual((forget.request({ userId: 'u-1', anonymousId: 'a-1' }, ctx({ anonymous_visitors: 'anonymous_id' })) as RequestDescriptor).body, { visitors: ['u-1', 'a-1'] });
  assert.deepEqual(forget.request({ userId: null, anonymousId: 'a-1' }, ctx()), { skipped: NO_PENDO_VISITOR });
  const read = (response: VendorResponse): ForgetOutcome => forget.read!(response);
  assert.deepEqual(read(answer(200, { id: 'job-1' })), { done: true, message: 'Pendo queued the deletion (request job-1): it deletes the visitors\' events and metadata within 21 days and marks them Do Not Process at once' });
  assert.match(('failed' in read(answer(403, 'Forbidden')) ? (read(answer(403, 'Forbidden')) as { failed: string }).failed : ''), /^Pendo refused the deletion \(HTTP 403: Forbidden\): config\.integration_key/);
  assert.deepEqual(read(answer(400, { message: 'too many visitors' })), { failed: 'Pendo refused the deletion (HTTP 400: too many visitors)' });
  // A sign-in or proxy page in a 2xx is no deletion: it fails naming config.region.
  assert.deepEqual(forget.read!(answer(200, '<!doctype html><html>Sign in</html>', { 'content-type': 'text/html; charset=utf-8' }), undefined, ctx({ region: 'eu' })), { failed: 'Pendo\'s bulk delete API did not answer (HTTP 200 with a web page): check config.region (eu: https://app.eu.pendo.io) must be the data center of the subscription, the host you sign in to Pendo at and any proxy between Signal and Pendo' });
  assert.deepEqual(read(answer(200, '')), { done: true, message: 'Pendo queued the deletion (HTTP 200): it deletes the visitors\' events and metadata within 21 days and marks them Do Not Process at once' });
  assert.equal((read(answer(429, 'slow down')) as { retry: string }).retry, 'Pendo\'s deletion failed (HTTP 429: slow down)');
  assert.ok('retry' in read(answer(503, 'oops')));
});
