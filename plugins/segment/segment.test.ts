import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import segment, { validateSegmentConfig } from './index.ts';
import { basicAuthorization, MAX_BYTES, MAX_EVENTS, MAX_MESSAGE_BYTES } from './batch-request.ts';
import { classifySegment, retryAfterMs } from './classify.ts';
import { withoutQueries as urlsWithoutQueries } from '../../core/sdk/index.ts';
import { forgetPerson, NO_USER_ID, PLACEHOLDER_USER_ID, readRegulationAnswer } from './forget-person.ts';
import { SIGNAL_LIBRARY } from './segment-message.ts';

const WRITE_KEY = 'DmBXIN4JnwqBnTqXccTF0wBnLXNQmFtk';
const TOKEN = 'sgp_0123456789abcdefABCDEF0123456789abcdefABCDEF';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const VISITOR = 'df_abc123def456';
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { write_key: WRITE_KEY, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2026-12-01T09:59:58.000Z', receivedAt: '2026-12-01T09:59:59.000Z',
  sentAt: '2026-12-01T09:59:58.500Z', originalTimestamp: '2026-12-01T09:59:57.000Z', properties: { plan: 'pro' },
  context: {
    ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', library: { name: 'analytics.js', version: 'next-1.70.0' },
    page: { url: 'https://shop.example.com/signup?utm_source=news', path: '/signup', search: '?utm_source=news', title: 'Sign up', referrer: 'https://www.google.com/' },
    campaign: { source: 'news' }, consent: { categoryPreferences: { Analytics: true } },
    cookies: { _fbp: 'fb.1.1700000000000.123' }, clientAnonymousId: 'ajs-anon-1',
  },
  integrations: { All: true, Mixpanel: false },
  ...overrides,
} as CanonicalEvent);
const blueprints = {
  default: readFileSync(new URL('../../blueprints/segment/default.yaml', import.meta.url), 'utf8'),
  without_contact_info: readFileSync(new URL('../../blueprints/segment/without_contact_info.yaml', import.meta.url), 'utf8'),
};
type VariantName = keyof typeof blueprints;
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: VariantName = 'default') => createEventMapper(segment, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const messageOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: VariantName = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, payload: JsonObject = { type: 'track', event: 'Viewed', userId: `u-${id}`, messageId: id }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const requestFor = (ids: string[]): RequestDescriptor => segment.send(ids.map((id) => record(id)), ctx())[0]!;
const classify = (response: VendorResponse, ids = ['a', 'b']): Classification => classifySegment(response, requestFor(ids), NOW);

test('map (default): the Segment message as the event was — ids, messageId, timestamp, properties, context and integrations; Signal\'s cookies and clientAnonymousId left out', () => {
  assert.deepEqual(messageOf(browserEvent()), {
    type: 'track', messageId: 'm-1', timestamp: '2026-12-01T09:59:58.000Z', anonymousId: VISITOR, event: 'Signed Up',
    properties: { plan: 'pro' },
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', library: { name: 'analytics.js', version: 'next-1.70.0' },
      page: { url: 'https://shop.example.com/signup?utm_source=news', path: '/signup', search: '?utm_source=news', title: 'Sign up', referrer: 'https://www.google.com/' },
      campaign: { source: 'news' }, consent: { categoryPreferences: { Analytics: true } },
    },
    integrations: { All: true, Mixpanel: false },
  });
});

test('map: each call keeps its own fields (page and screen name, identify and group traits, groupId, previousId); receivedAt, sentAt and originalTimestamp are Segment\'s to set', () => {
  const page = messageOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { url: 'https://shop.example.com/pricing' } }));
  assert.equal(page.name, 'Pricing');
  assert.equal(page.event, undefined);
  const identify = messageOf(browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits: { email: 'jane@example.com', plan: 'pro' } }));
  assert.deepEqual(identify.traits, { email: 'jane@example.com', plan: 'pro' });
  assert.equal(identify.userId, 'u-1');
  const group = messageOf(browserEvent({ type: 'group', event: undefined, userId: 'u-1', groupId: 'acme', traits: { name: 'Acme Inc' } }));
  assert.deepEqual([group.groupId, group.traits], ['acme', { name: 'Acme Inc' }]);
  const alias = messageOf(browserEvent({ type: 'alias', event: undefined, userId: 'u-1', previousId: VISITOR }));
  assert.equal(alias.previousId, VISITOR);
  const screen = messageOf(browserEvent({ type: 'screen', event: undefined, name: 'Home' }));
  assert.equal(screen.name, 'Home');
  for (const message of [page, identify, group, alias, screen]) {
    assert.equal(message.receivedAt, undefined);
    assert.equal(message.sentAt, undefined);
    assert.equal(message.originalTimestamp, undefined);
  }
});

test('map: placeholder ids are left out; an event left without any id is dead-lettered saying why (Segment would answer 200 and drop it)', () => {
  const message = messageOf(browserEvent({ userId: 'undefined' }));
  assert.equal(message.userId, undefined);
  assert.equal(message.anonymousId, VISITOR);
  const none = mapped(browserEvent({ userId: 'null', anonymousId: 'anonymous' }));
  assert.equal(none.payload, null);
  assert.match(none.error ?? '', /no userId or anonymousId that names someone .*no_user_anon_id/);
});

test('map: a placeholder groupId or previousId is left out, and a group or alias without one is dead-lettered (it would tie every visitor together)', () => {
  const group = mapped(browserEvent({ type: 'group', event: undefined, userId: 'u-1', groupId: 'undefined', traits: { name: 'Acme' } }));
  assert.equal(group.payload, null);
  assert.match(group.error ?? '', /the group call has no groupId that names something/);
  const alias = mapped(browserEvent({ type: 'alias', event: undefined, userId: 'u-1', previousId: 'null' }));
  assert.equal(alias.payload, null);
  assert.match(alias.error ?? '', /the alias call has no previousId/);
  const emailAlias = mapped(browserEvent({ type: 'alias', event: undefined, userId: 'u-1', previousId: 'jane@example.com' }), {}, 'without_contact_info');
  assert.equal(emailAlias.payload, null, 'without_contact_info: an email previousId leaves no alias');
  assert.equal(messageOf(browserEvent({ type: 'group', event: undefined, userId: 'u-1', groupId: 'acme' })).groupId, 'acme');
});

test('map: anonymous_id "sdk" sends the site SDK\'s own anonymousId (context.clientAnonymousId) when there is one, else Signal\'s', () => {
  assert.equal(messageOf(browserEvent(), { anonymous_id: 'sdk' }).anonymousId, 'ajs-anon-1');
  assert.equal(messageOf(browserEvent(), { anonymous_id: 'signal' }).anonymousId, VISITOR);
  const withoutSdkId = browserEvent();
  delete (withoutSdkId.context as Record<string, unknown>).clientAnonymousId;
  assert.equal(messageOf(withoutSdkId, { anonymous_id: 'sdk' }).anonymousId, VISITOR);
  assert.equal(messageOf(browserEvent(), { anonymous_id: 'sdk' }).context && (messageOf(browserEvent(), { anonymous_id: 'sdk' }).context as JsonObject).clientAnonymousId, undefined);
});

test('map: the site\'s context.library is kept; an event without one (a server call) names Signal', () => {
  const server = browserEvent({ context: { ip: '203.0.113.42' } });
  assert.deepEqual((messageOf(server).context as JsonObject).library, SIGNAL_LIBRARY);
  assert.deepEqual((messageOf(browserEvent({ context: undefined })).context as JsonObject), { library: SIGNAL_LIBRARY });
});

test('map (without_contact_info): no contact information, IP or URL query; ids that are an email left out; the rest as the default', () => {
  const event = browserEvent({
    type: 'identify', event: undefined, properties: undefined, userId: 'jane@example.com',
    traits: { email: 'jane@example.com', name: 'Jane Doe', phone: '+44 7700 900123', plan: 'pro', address: { city: 'Leeds' } },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/reset?email=jane%40example.com#top', search: '?email=jane%40example.com', path: '/reset' }, traits: { email: 'jane@example.com', plan: 'pro' }, campaign: { source: 'news' } },
  });
  assert.deepEqual(messageOf(event, {}, 'without_contact_info'), {
    type: 'identify', messageId: 'm-1', timestamp: '2026-12-01T09:59:58.000Z', anonymousId: VISITOR,
    traits: { plan: 'pro' },
    context: { userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/reset', path: '/reset' }, campaign: { source: 'news' }, traits: { plan: 'pro' }, library: SIGNAL_LIBRARY },
    integrations: { All: true, Mixpanel: false },
  });
  const track = messageOf(browserEvent({ properties: { plan: 'pro', customer: { email: 'jane@example.com', id: 'c-1' }, products: [{ name: 'Trail Shoe', url: 'https://shop.example.com/p/1?ref=jane%40example.com' }] } }), {}, 'without_contact_info');
  assert.deepEqual(track.properties, { plan: 'pro', customer: { id: 'c-1' }, products: [{ name: 'Trail Shoe', url: 'https://shop.example.com/p/1' }] });
  assert.equal((track.context as JsonObject).ip, undefined);
  const onlyEmail = mapped(browserEvent({ userId: 'jane@example.com', anonymousId: undefined }), {}, 'without_contact_info');
  assert.equal(onlyEmail.payload, null, 'an email as the only id: nothing left to name the visitor by');
  assert.deepEqual(urlsWithoutQueries({ href: 'https://a.example/x?y=1', note: 'see ?x', search: 'shoes' }), { href: 'https://a.example/x', note: 'see ?x', search: 'shoes' });
});

test('send: POST /v1/batch with the write key as the Basic user name (empty password) and as the body\'s writeKey, { batch, sentAt, writeKey } with the delivery\'s time; EU workspaces at events.eu1.segmentapis.com', () => {
  const [request] = segment.send([record('e1'), record('e2')], ctx());
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.segment.io/v1/batch',
    headers: { authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: { batch: [record('e1').payload, record('e2').payload], sentAt: '2026-12-01T10:00:00.000Z', writeKey: WRITE_KEY },
    eventIds: ['e1', 'e2'],
  });
  assert.equal(basicAuthorization('abc123'), 'Basic YWJjMTIzOg==', 'Segment\'s documented example');
  assert.equal(segment.send([record('e1')], ctx({ region: 'eu' }))[0]!.url, 'https://events.eu1.segmentapis.com/v1/batch');
  const trimmed = segment.send([record('e1')], ctx({ write_key: `  ${WRITE_KEY} ` }))[0]!;
  assert.equal(trimmed.headers!.authorization, `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`, 'trimmed');
  assert.equal((trimmed.body as JsonObject).writeKey, WRITE_KEY, 'trimmed in the body too');
  assert.deepEqual(segment.send([], ctx()), []);
});

test('send: at most 2,500 messages and 475,000 bytes of body a request (Segment: 500 KB, 2,500 events), every event once, in order', () => {
  assert.deepEqual(segment.batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES });
  assert.deepEqual([MAX_EVENTS, MAX_BYTES, MAX_MESSAGE_BYTES], [2500, 475_000, 32_768]);
  const many = Array.from({ length: 5001 }, (_, i) => record(`e${i}`));
  assert.deepEqual(segment.send(many, ctx()).map((r) => r.eventIds.length), [2500, 2500, 1]);
  const big = Array.from({ length: 40 }, (_, i) => record(`b${i}`, { type: 'track', event: 'Big', userId: 'u', messageId: `b${i}`, properties: { blob: 'x'.repeat(30_000) } }));
  const requests = segment.send(big, ctx());
  assert.ok(requests.length >= 3);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES, 'within 475,000 bytes, envelope included');
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('send: a message over 32 KB is refused with what to do (the core then dead-letters that event alone), as Segment would refuse the whole batch', () => {
  const huge = record('h', { type: 'track', event: 'Huge', userId: 'u', messageId: 'h', properties: { blob: 'x'.repeat(33_000) } });
  assert.throws(() => segment.send([record('e1'), huge], ctx()), { name: 'PermanentError', message: /more than the 32 KB Segment takes for one event .*exclude/ });
});

test('classify: 200 delivered; 429 retried after Retry-After, or X-RateLimit-Reset; 5xx and 408 retried', () => {
  assert.deepEqual(classify(answer(200, { success: true })), { status: 'delivered' });
  assert.deepEqual(classify(answer(429, 'Too Many Requests', { 'Retry-After': '20' })), { status: 'retry', reason: 'Segment rate-limited the request (HTTP 429: Too Many Requests)', retryAfterMs: 20_000 });
  assert.deepEqual(classify(answer(429, '', { 'X-RateLimit-Reset': '7' })), { status: 'retry', reason: 'Segment rate-limited the request (HTTP 429)', retryAfterMs: 7000 });
  assert.equal(retryAfterMs(answer(429, '', { 'x-ratelimit-reset': 'Tue, 01 Dec 2026 10:00:30 GMT' }), NOW), 30_000, 'the Public API\'s RFC 5322 reset time');
  assert.deepEqual(classify(answer(503, 'upstream unavailable')), { status: 'retry', reason: 'Segment failed (HTTP 503: upstream unavailable)' });
  assert.equal(statusOf(classify(answer(408, ''))), 'retry');
});

test('classify: a 2xx that is not Segment\'s answer (a captive portal\'s page, text, success false) is sent again, quoting it; the declared answer, or no body, is delivered', () => {
  const declared = segment.successAnswer!;
  assert.deepEqual(classify({ status: declared.status!, headers: declared.headers ?? {}, body: JSON.stringify(declared.body), json: declared.body }), { status: 'delivered' });
  const portal: VendorResponse = { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Hotel Wi-Fi</title></head>\n<body>Log in to continue</body></html>' };
  assert.deepEqual(classify(portal), {
    status: 'retry',
    reason: 'HTTP 200 with <html><head><title>Hotel Wi-Fi</title></head> <body>Log in to continue</body></html>: not Segment\'s answer ({"success": true}) — a proxy? — so the batch is sent again (Segment drops a messageId it already has)',
  });
  assert.equal(statusOf(classify(answer(200, 'OK'))), 'retry', 'text');
  assert.deepEqual(classify(answer(204, '')), { status: 'delivered' }, 'no body: Segment documents the status, not the body');
  assert.equal(statusOf(classify(answer(200, { success: false }))), 'retry');
  assert.equal(statusOf(classify(answer(200, [1]))), 'retry', 'a JSON list');
});

test('classify: a 413, or a 400 about size or bare ("Bad Request", Segment\'s documented size answer), halves a batch down to the event alone; a 400 saying something else dead-letters the request', () => {
  assert.deepEqual(classify(answer(400, 'Exceed payload limit')), { status: 'split', reason: 'Segment refused the batch (HTTP 400: Exceed payload limit), as it does one over its size limits: sending it in halves to find the event too large' });
  assert.equal(statusOf(classify(answer(413, 'Request Entity Too Large'))), 'split');
  assert.equal(statusOf(classify(answer(400, 'Bad Request'))), 'split', 'a bare 400 is halved: one event too large must not dead-letter the batch');
  assert.equal(statusOf(classify(answer(400, ''))), 'split');
  const alone = classify(answer(400, 'Bad Request'), ['a']);
  assert.equal(statusOf(alone), 'dead_letter');
  assert.match(reasonOf(alone), /^Segment refused this event alone \(HTTP 400: Bad Request\), as it does an event over 32 KB .*config\.write_key/);
  assert.deepEqual(classify(answer(400, { message: 'Invalid JSON' })), { status: 'dead_letter', reason: 'Segment refused the request (HTTP 400: Invalid JSON)' });
  assert.deepEqual(classify(answer(400, { error: 'HTTP 400' }), ['a']), { status: 'dead_letter', reason: 'Segment refused the event (HTTP 400: HTTP 400)' });
});

test('classify: as Segment\'s own libraries — 410 and 460 retried, 501, 505 and 511 dead-lettered (not retried forever)', () => {
  assert.equal(statusOf(classify(answer(410, 'Gone'))), 'retry');
  assert.equal(statusOf(classify(answer(460, ''))), 'retry');
  for (const status of [501, 505, 511]) assert.deepEqual(classify(answer(status, 'nope')), { status: 'dead_letter', reason: `Segment refused the request (HTTP ${status}: nope)` });
  assert.equal(statusOf(classify(answer(502, 'Bad Gateway'))), 'retry');
});

test('classify: 401/403 dead-letter naming config.write_key and config.region; 404 names the region; other 4xx dead-letter with Segment\'s message', () => {
  assert.equal(reasonOf(classify(answer(401, 'Unauthorized'))), 'Segment refused the write key (HTTP 401: Unauthorized): check config.write_key (the source\'s Settings > API Keys) and that config.region is the workspace\'s; replay the dead letters once fixed');
  assert.equal(statusOf(classify(answer(403, { error: 'forbidden' }))), 'dead_letter');
  assert.equal(reasonOf(classify(answer(404, 'Not Found'))), 'Segment has no batch endpoint at https://api.segment.io/v1/batch (HTTP 404: Not Found): check config.region');
  assert.deepEqual(classify(answer(422, { errors: [{ type: 'validation', message: 'bad field' }] })), { status: 'dead_letter', reason: 'Segment refused the request (HTTP 422: bad field)' });
});

test('validateConfig: each problem names its field; a good config has none', () => {
  assert.deepEqual(validateSegmentConfig({ write_key: WRITE_KEY }), []);
  assert.deepEqual(validateSegmentConfig({ write_key: WRITE_KEY, region: 'eu', public_api_token: TOKEN, source_id: 'qQEHquLrjRDN9j1ByrChyn', deletion_type: 'SUPPRESS_WITH_DELETE' }), []);
  const fields = (config: Record<string, JsonValue>) => validateSegmentConfig(config).map((p) => p.field);
  assert.deepEqual(fields({ write_key: 'abc 123' }), ['write_key']);
  assert.match(validateSegmentConfig({ write_key: `${WRITE_KEY}:` })[0]!.message, /^write_key holds a colon/);
  assert.match(validateSegmentConfig({ write_key: TOKEN })[0]!.message, /^write_key is a Public API token \(sgp_…\), not a source's write key/);
  assert.match(validateSegmentConfig({ write_key: '   ' })[0]!.message, /^write_key is empty/);
  assert.deepEqual(fields({ write_key: WRITE_KEY, public_api_token: 'sgp_abc def12345' }), ['public_api_token']);
  assert.deepEqual(fields({ write_key: WRITE_KEY, public_api_token: WRITE_KEY }), ['public_api_token']);
  assert.deepEqual(fields({ write_key: WRITE_KEY, public_api_token: '   ' }), ['public_api_token']);
  assert.deepEqual(fields({ write_key: WRITE_KEY, source_id: 'qQEHquLrjRDN9j1ByrChyn' }), ['source_id']);
  for (const problem of validateSegmentConfig({ write_key: 'abc 123', public_api_token: 'sgp_x y 123456' })) assert.ok(!problem.message.includes('abc 123'), 'never repeats a secret');
});

test('forgetPerson: a workspace regulation (DELETE_ONLY) by userId with the Public API token; source-scoped with source_id; EU at eu1.api.segmentapis.com', () => {
  const config = { public_api_token: TOKEN };
  assert.equal(forgetPerson.enabled({ write_key: WRITE_KEY }), false, 'no token: not forwarded');
  assert.equal(forgetPerson.enabled({ write_key: WRITE_KEY, ...config }), true);
  assert.deepEqual(forgetPerson.request({ userId: 'u-123', anonymousId: VISITOR }, ctx(config)), {
    method: 'POST', url: 'https://api.segmentapis.com/regulations',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
    body: { regulationType: 'DELETE_ONLY', subjectType: 'USER_ID', subjectIds: ['u-123'] },
    eventIds: [],
  });
  const scoped = forgetPerson.request({ userId: 'u-123', anonymousId: null }, ctx({ ...config, region: 'eu', source_id: 'qQEHquLrjRDN9j1ByrChyn', deletion_type: 'SUPPRESS_WITH_DELETE' })) as RequestDescriptor;
  assert.equal(scoped.url, 'https://eu1.api.segmentapis.com/regulations/sources/qQEHquLrjRDN9j1ByrChyn');
  assert.deepEqual(scoped.body, { regulationType: 'SUPPRESS_WITH_DELETE', subjectType: 'USER_ID', subjectIds: ['u-123'] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: VISITOR }, ctx(config)), { skipped: NO_USER_ID });
  assert.deepEqual(forgetPerson.request({ userId: 'undefined', anonymousId: VISITOR }, ctx(config)), { skipped: PLACEHOLDER_USER_ID });
});

test('forgetPerson.read: 200 done naming the regulation; 401/403/404 failed saying what to fix; 429 retried after the quota\'s reset; 5xx retried; other failed with Segment\'s message', () => {
  const c = ctx({ public_api_token: TOKEN });
  const request = forgetPerson.request({ userId: 'u-1', anonymousId: null }, c) as RequestDescriptor;
  assert.deepEqual(readRegulationAnswer(answer(200, { data: { regulateId: '2Z3YmRbvJqRWp9ZLmQ5PRdXmnNt' } }), request, c), {
    done: true, message: 'Segment created regulation 2Z3YmRbvJqRWp9ZLmQ5PRdXmnNt (DELETE_ONLY, workspace-wide; HTTP 200): it deletes the person\'s data in Segment and in its destinations that support deletion on its own schedule — follow it under Privacy > Deletion requests',
  });
  assert.match((readRegulationAnswer(answer(401, { errors: [{ type: 'unauthorized', message: 'Unauthorized' }] }), request, c) as { failed: string }).failed, /^Segment refused the Public API token \(HTTP 401: Unauthorized\): check config\.public_api_token/);
  assert.match((readRegulationAnswer(answer(403, { errors: [{ type: 'forbidden', message: 'Forbidden' }] }), request, c) as { failed: string }).failed, /role may not create regulations/);
  assert.match((readRegulationAnswer(answer(404, { errors: [{ type: 'not-found', message: 'source not found' }] }), request, c) as { failed: string }).failed, /check config\.source_id .* and config\.region/);
  assert.deepEqual(readRegulationAnswer(answer(429, { errors: [{ type: 'rate-limit', message: 'Too many requests' }] }, { 'X-RateLimit-Reset': 'Tue, 01 Dec 2026 11:00:00 GMT' }), request, c), { retry: 'HTTP 429: Too many requests', afterSeconds: 3600 });
  assert.deepEqual(readRegulationAnswer(answer(502, 'Bad Gateway'), request, c), { retry: 'HTTP 502: Bad Gateway' });
  const unscoped = readRegulationAnswer(answer(429, '', { 'x-ratelimit-reset': new Date(Date.now() + 60_000).toUTCString() }), request, undefined);
  assert.ok('afterSeconds' in unscoped && unscoped.afterSeconds !== undefined && unscoped.afterSeconds <= 61, 'without ctx: read against the clock, not the epoch');
  assert.deepEqual(readRegulationAnswer(answer(400, { errors: [{ type: 'validation', message: 'subjectIds must not be empty' }] }), request, c), { failed: 'Segment refused the regulation (HTTP 400: subjectIds must not be empty)' });
});

function reasonOf(c: Classification): string {
  return 'reason' in c ? c.reason : '';
}
function statusOf(c: Classification): string {
  return 'status' in c ? c.status : 'perEvent';
}
