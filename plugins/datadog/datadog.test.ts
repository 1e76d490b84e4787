import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ClassifyResult, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import datadog, { validateDatadogConfig } from './index.ts';
import { attributePaths, fitAttributes, MAX_ATTRIBUTES } from './attribute-limits.ts';
import { classifyDatadog, saidBy, waitAskedMs } from './classify.ts';
import { deletionUrlOf, logsUrlOf, optionsOf, SITES, tagProblem } from './config.ts';
import { DELETION_LOOKBACK_MS, echoesQuery, forgetPerson } from './forget-person.ts';
import { dateOf, messageOf } from './log-entry.ts';
import { MAX_BYTES, MAX_EVENTS } from './requests.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const APP_KEY = 'fedcba9876543210fedcba9876543210fedcba98';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = '2024-03-24T15:59:00.000Z';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const event = (overrides: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm-1', anonymousId: 'anon-1', timestamp: TS, receivedAt: '2024-03-24T15:59:00.100Z', context: {}, ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/datadog/default.yaml', import.meta.url), 'utf8');
const mapped = (e: CanonicalEvent, config: Record<string, JsonValue> = {}, yaml = blueprint) => createEventMapper(datadog, { variant: 'default', blueprint: yaml }, ctx(config))(e);
const logOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}, yaml = blueprint): JsonObject => {
  const result = mapped(e, config, yaml);
  assert.ok(result.payload, `mapped: ${result.error ?? `dropped (${(result.warnings ?? []).join('; ')})`}`);
  return result.payload;
};
const warningsOf = (e: CanonicalEvent, config: Record<string, JsonValue> = {}, yaml = blueprint): string => (mapped(e, config, yaml).warnings ?? []).join('\n');
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const record = (id: string, extra: JsonObject = {}): MappedEvent => ({ id, event: event({ messageId: id }), payload: { message: 'track A', ddsource: 'signal', service: 'signal', status: 'info', date: TS, messageId: id, ...extra } });
const request = (ids: string[]): RequestDescriptor => datadog.send(ids.map((id) => record(id)), ctx())[0]!;
const asClassification = (c: ClassifyResult): Classification => { assert.ok(!('next' in c)); return c as Classification; };
const statusOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'status' in x ? x.status : 'perEvent'; };
const reasonOf = (c: ClassifyResult): string => { const x = asClassification(c); return 'reason' in x ? String(x.reason) : ''; };
const bodyOf = (r: RequestDescriptor): unknown => (r.body instanceof Uint8Array ? JSON.parse(gunzipSync(r.body).toString('utf8')) : r.body);

test('track: one log — message, ddsource, service, status, date, evt.name, usr ids, http without query strings, nested properties and context; no IP, no contact information', () => {
  const log = logOf(event({
    event: 'Order Completed', userId: 'user-1',
    properties: { order_id: 'o-1', revenue: 29.98, coupon: null, first: true, products: [{ id: 'p1', name: 'Trail Shoe' }], shipping: { method: 'dhl', days: 2 }, email: 'wren@example.com' },
    context: {
      ip: '203.0.113.7', userAgent: 'Mozilla/5.0', locale: 'de-DE', traits: { email: 'wren@example.com' },
      page: { url: 'https://shop.example/checkout?email=wren%40example.com', path: '/checkout', title: 'Checkout', referrer: 'https://www.google.com/search?q=wren' },
      campaign: { source: 'google', medium: 'cpc' }, location: { country: 'DE' },
    },
  }));
  assert.deepEqual(log, {
    message: 'track Order Completed', ddsource: 'signal', service: 'signal', status: 'info', date: TS, type: 'track',
    evt: { name: 'Order Completed' }, usr: { id: 'user-1', anonymous_id: 'anon-1' }, messageId: 'm-1',
    http: { url: 'https://shop.example/checkout', referer: 'https://www.google.com/search', useragent: 'Mozilla/5.0' },
    properties: { order_id: 'o-1', revenue: 29.98, first: true, products: [{ id: 'p1', name: 'Trail Shoe' }], shipping: { method: 'dhl', days: 2 } },
    context: { page: { path: '/checkout', title: 'Checkout' }, campaign: { source: 'google', medium: 'cpc' }, locale: 'de-DE', location: { country: 'DE' } },
  });
});

test('the config\'s service, source, tags and hostname on every log', () => {
  const log = logOf(event({ event: 'Clicked' }), { service: 'shop-web', source: 'website', tags: ['env:prod', ' team:web '], hostname: 'shop.example.com' });
  assert.deepEqual(Object.entries(log).slice(0, 7), [['message', 'track Clicked'], ['ddsource', 'website'], ['ddtags', 'env:prod,team:web'], ['service', 'shop-web'], ['hostname', 'shop.example.com'], ['status', 'info'], ['date', TS]]);
});

test('page, screen, identify, group, alias: their messages and attributes', () => {
  const page = logOf(event({ type: 'page', name: 'Pricing', properties: { path: '/pricing', url: 'https://shop.example/pricing?utm_source=x' } }));
  assert.equal(page.message, 'page Pricing');
  assert.deepEqual(page.evt, { name: 'Pricing' });
  assert.equal((page.properties as JsonObject).url, 'https://shop.example/pricing');
  assert.equal(logOf(event({ type: 'page', context: { page: { path: '/about' } } })).message, 'page /about');
  assert.equal(logOf(event({ type: 'screen', name: 'Cart' })).message, 'screen Cart');
  const identify = logOf(event({ type: 'identify', userId: 'u-1', traits: { email: 'a@b.example', name: 'Jane Doe', phone: '+44 7700 900123', plan: 'pro', seats: 3 } } as Partial<CanonicalEvent>));
  assert.equal(identify.message, 'identify');
  assert.equal(identify.evt, undefined);
  assert.deepEqual(identify.traits, { plan: 'pro', seats: 3 });
  const group = logOf(event({ type: 'group', groupId: 'acme', traits: { industry: 'retail' } } as Partial<CanonicalEvent>));
  assert.equal(group.message, 'group acme');
  assert.equal(group.groupId, 'acme');
  assert.deepEqual(group.traits, { industry: 'retail' });
  const alias = logOf(event({ type: 'alias', userId: 'u-2', previousId: 'anon-1' } as Partial<CanonicalEvent>));
  assert.equal(alias.message, 'alias');
  assert.equal(alias.previousId, 'anon-1');
  assert.equal(messageOf('track', 'x'.repeat(300), {}), `track ${'x'.repeat(200)}…`);
});

test('no contact information under any field an edited blueprint maps; the usr object read as a person\'s', () => {
  const edited = `version: 2\nglobal:\n  - { source: type, target: type }\n  - { source: traits.email, target: email }\n  - { source: traits.name, target: usr.name }\n  - { source: traits.plan, target: usr.plan }\n  - { source: traits.plan, target: plan }\n  - { source: groupId, target: groupId }\n  - { source: event, target: event }\n  - { source: properties, target: properties }\n`;
  const log = logOf(event({ type: 'group', groupId: 'jane@example.com', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }, properties: { list: [{ email: 'jane@example.com', sku: 's-1' }, 'jane@example.com'] } } as Partial<CanonicalEvent>), {}, edited);
  assert.equal(log.message, 'group');
  assert.deepEqual(log.usr, { plan: 'pro' });
  assert.equal(log.plan, 'pro');
  assert.deepEqual(log.properties, { list: [{ sku: 's-1' }] });
  assert.doesNotMatch(JSON.stringify(log), /jane/i);
  assert.equal(logOf(event({ event: 'jane@example.com' }), {}, edited).message, 'track', 'an event name that is an email is not the message');
});

test('send_ids off: no usr.id, usr.anonymous_id or previousId; SDK placeholders ("undefined") are never sent', () => {
  const log = logOf(event({ type: 'alias', userId: 'u-1', previousId: 'anon-0' } as Partial<CanonicalEvent>), { send_ids: false });
  assert.equal(log.usr, undefined);
  assert.equal(log.previousId, undefined);
  assert.deepEqual(logOf(event({ event: 'Clicked', userId: 'undefined' })).usr, { anonymous_id: 'anon-1' });
});

test('send_ip on: the IP as network.client.ip; off (default): no IP anywhere', () => {
  const e = event({ event: 'Clicked', context: { ip: '203.0.113.7' } });
  assert.deepEqual(logOf(e, { send_ip: true }).network, { client: { ip: '203.0.113.7' } });
  assert.doesNotMatch(JSON.stringify(logOf(e)), /203\.0\.113\.7/);
  const edited = `version: 2\nglobal:\n  - { source: context.ip, target: network.client.ip }\n  - { value: 443, target: network.client.port }\n`;
  assert.deepEqual(logOf(e, {}, edited).network, { client: { port: 443 } }, 'an edited blueprint\'s IP is left out too, its other network attributes kept');
  assert.deepEqual(logOf(e, { send_ip: true }, edited).network, { client: { port: 443, ip: '203.0.113.7' } });
});

test('date: the event\'s time within 18 hours; older (a replay) or over 2 hours ahead goes as originalTimestamp, with a warning', () => {
  const old = mapped(event({ event: 'Late', timestamp: '2024-03-23T20:00:00.000Z' }));
  assert.equal(old.payload?.date, undefined);
  assert.equal(old.payload?.originalTimestamp, '2024-03-23T20:00:00.000Z');
  assert.match((old.warnings ?? []).join('\n'), /more than 18 hours ago, and Datadog rejects a log dated so far back/);
  assert.equal(logOf(event({ event: 'Recent', timestamp: '2024-03-23T22:10:00.000Z' })).date, '2024-03-23T22:10:00.000Z');
  const warnings: string[] = [];
  assert.deepEqual(dateOf(NOW + 3 * 3_600_000, NOW, (w) => warnings.push(w)), { originalTimestamp: '2024-03-24T19:00:00.000Z' });
  assert.match(warnings[0]!, /more than 2 hours ahead/);
  assert.deepEqual(dateOf(NOW + 3_600_000, NOW, undefined), { date: '2024-03-24T17:00:00.000Z' });
});

test('top-level names Datadog reads as the log\'s own (host, status, level, timestamp, source) are left out of an edited blueprint\'s, with a warning', () => {
  const edited = `version: 2\nglobal:\n  - { source: type, target: type }\n  - { source: properties.host, target: host }\n  - { source: properties.level, target: level }\n  - { source: properties.when, target: timestamp }\n  - { source: properties.plan, target: plan }\n`;
  const e = event({ event: 'X', properties: { host: 'evil', level: 'error', when: '2020-01-01T00:00:00Z', plan: 'pro' } });
  const log = logOf(e, {}, edited);
  assert.equal(log.host, undefined);
  assert.equal(log.level, undefined);
  assert.equal(log.timestamp, undefined);
  assert.equal(log.status, 'info');
  assert.equal(log.plan, 'pro');
  assert.match(warningsOf(e, {}, edited), /attribute\(s\) left out: host, level, timestamp — Datadog reads these top-level names/);
});

test('Datadog\'s limits: keys of 50 characters or more left out, objects 10 levels deep sent as JSON text, nulls left out, at most 255 attributes — each with a warning', () => {
  const deep = { l3: { l4: { l5: { l6: { l7: { l8: { l9: { l10: 'x' } } } } } } } };
  const e = event({ event: 'Big', properties: { ['k'.repeat(50)]: 1, ['k'.repeat(49)]: 2, deep, nothing: null } });
  const log = logOf(e);
  const properties = log.properties as JsonObject;
  assert.equal(properties['k'.repeat(50)], undefined);
  assert.equal(properties['k'.repeat(49)], 2);
  assert.ok(!('nothing' in properties));
  const l8 = ((((((properties.deep as JsonObject).l3 as JsonObject).l4 as JsonObject).l5 as JsonObject).l6 as JsonObject).l7 as JsonObject).l8 as JsonObject;
  assert.equal(l8.l9, '{"l10":"x"}', 'properties.deep.l3…l9 is the 9th level: its object goes as JSON text');
  for (const path of attributePaths(log)) assert.ok(path.length <= 9, path.join('.'));
  const warnings = warningsOf(e);
  assert.match(warnings, /their key being 50 characters or more .*properties\.kkkk/);
  assert.match(warnings, /sent as JSON text, their content nested 10 levels deep or more .*properties\.deep\.l3\.l4\.l5\.l6\.l7\.l8\.l9/);
  const many: JsonObject = {};
  for (let i = 0; i < 300; i += 1) many[`p${i}`] = i;
  const wide = mapped(event({ event: 'Wide', properties: many, context: { locale: 'en' } }));
  assert.equal(attributePaths(wide.payload!).length, MAX_ATTRIBUTES);
  assert.equal((wide.payload!.properties as JsonObject).p0, 0, 'the first properties kept');
  assert.equal(wide.payload!.context, undefined, 'the context comes after the properties, so it goes first');
  assert.match((wide.warnings ?? []).join('\n'), /attribute\(s\) left out .*Datadog takes less than 256 attributes a log/);
  assert.deepEqual(fitAttributes({ a: [{ '': 1, b: null, c: 2 }], d: {} }, undefined), { a: [{ c: 2 }] }, 'lists stay lists, their objects fitted; an empty object carries nothing');
});

test('a log over 1 MB of JSON is dead-lettered at mapping, naming its size and largest attributes', () => {
  const huge: JsonObject = {};
  for (let i = 0; i < 5; i += 1) huge[`n${i}`] = 'x'.repeat(250_000);
  const result = mapped(event({ event: 'Huge', properties: huge }));
  assert.ok(!result.payload, 'no payload: dead-lettered');
  assert.match(result.error ?? '', /^the log is \d+ bytes of JSON, over the 1 MB Datadog's Logs intake keeps of a log \(it would truncate it\); its largest attributes: properties\.n\d \(250002 bytes\)/);
});

test('send: POST https://http-intake.logs.<site>/api/v2/logs with DD-API-KEY and a gzipped JSON array; every site; plain JSON with compression none', () => {
  const [r] = datadog.send([record('a'), record('b')], ctx());
  assert.equal(r!.method, 'POST');
  assert.equal(r!.url, 'https://http-intake.logs.datadoghq.com/api/v2/logs');
  assert.deepEqual(r!.headers, { 'content-type': 'application/json', 'dd-api-key': KEY, 'content-encoding': 'gzip' });
  assert.ok(r!.body instanceof Uint8Array);
  assert.deepEqual(bodyOf(r!), [record('a').payload, record('b').payload]);
  assert.deepEqual(r!.eventIds, ['a', 'b']);
  assert.deepEqual(datadog.send([record('a')], ctx())[0]!.body, datadog.send([record('a')], ctx())[0]!.body, 'the same bytes each time');
  const plain = datadog.send([record('a')], ctx({ site: 'datadoghq.eu', compression: 'none' }))[0]!;
  assert.equal(plain.url, 'https://http-intake.logs.datadoghq.eu/api/v2/logs');
  assert.deepEqual(plain.headers, { 'content-type': 'application/json', 'dd-api-key': KEY });
  assert.deepEqual(plain.body, [record('a').payload]);
  assert.deepEqual(SITES.map((site) => logsUrlOf({ site })), [
    'https://http-intake.logs.datadoghq.com/api/v2/logs', 'https://http-intake.logs.us3.datadoghq.com/api/v2/logs', 'https://http-intake.logs.us5.datadoghq.com/api/v2/logs',
    'https://http-intake.logs.datadoghq.eu/api/v2/logs', 'https://http-intake.logs.ap1.datadoghq.com/api/v2/logs', 'https://http-intake.logs.ap2.datadoghq.com/api/v2/logs',
    'https://http-intake.logs.uk1.datadoghq.com/api/v2/logs', 'https://http-intake.logs.ddog-gov.com/api/v2/logs', 'https://http-intake.logs.us2.ddog-gov.com/api/v2/logs',
  ]);
  assert.equal(deletionUrlOf({ site: 'ddog-gov.com' }), 'https://api.ddog-gov.com/api/v2/deletion/data/logs');
});

test('send: at most 1,000 logs and 5,000,000 bytes of JSON a request, every event once, in order', () => {
  const ids = Array.from({ length: 2001 }, (_, i) => `e${i}`);
  assert.deepEqual(datadog.send(ids.map((id) => record(id)), ctx()).map((r) => r.eventIds.length), [MAX_EVENTS, MAX_EVENTS, 1]);
  const big = Array.from({ length: 12 }, (_, i) => record(`b${i}`, { note: 'x'.repeat(900_000) }));
  const requests = datadog.send(big, ctx({ compression: 'none' }));
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  assert.ok(requests.length >= 3);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= MAX_BYTES);
  assert.deepEqual(datadog.send([], ctx()), []);
});

test('classify: 202 delivered; 401/403 name the API key and site; 404 the site; 400 dead-letters; 413 splits; 408, 429, 500, 503 retry after Retry-After or X-RateLimit-Reset', () => {
  const two = request(['a', 'b']);
  const one = request(['a']);
  assert.equal(statusOf(classifyDatadog(answer(202, {}), two)), 'delivered');
  const forbidden = classifyDatadog(answer(403, { errors: [{ status: '403', title: 'Forbidden', detail: 'Invalid API key' }] }), two);
  assert.equal(statusOf(forbidden), 'dead_letter');
  assert.match(reasonOf(forbidden), /^Datadog refused the API key \(HTTP 403: Invalid API key\): check config\.api_key .* and config\.site/);
  assert.match(reasonOf(classifyDatadog(answer(401, { errors: [{ status: '401', title: 'Unauthorized' }] }), two)), /^Datadog refused the API key \(HTTP 401: Unauthorized\)/);
  assert.match(reasonOf(classifyDatadog(answer(404, 'Not Found'), two)), /config\.site/);
  const bad = classifyDatadog(answer(400, { errors: [{ status: '400', title: 'Bad Request', detail: 'Malformed payload' }] }), two);
  assert.equal(statusOf(bad), 'dead_letter');
  assert.match(reasonOf(bad), /^Datadog refused the request as malformed \(HTTP 400: Malformed payload\)/);
  assert.equal(statusOf(classifyDatadog(answer(413, { errors: [{ status: '413', title: 'Payload Too Large' }] }), two)), 'split');
  assert.match(reasonOf(classifyDatadog(answer(413, ''), one)), /refused this log alone as too large/);
  assert.equal(statusOf(classifyDatadog(answer(408, ''), two)), 'retry');
  const limited = asClassification(classifyDatadog(answer(429, { errors: [{ status: '429', title: 'Too Many Requests' }] }, { 'x-ratelimit-reset': '12' }), two));
  assert.deepEqual(limited, { status: 'retry', reason: 'Datadog rate-limited the request (HTTP 429: Too Many Requests)', retryAfterMs: 12_000 });
  assert.equal((asClassification(classifyDatadog(answer(503, '', { 'Retry-After': '30' }), two)) as { retryAfterMs?: number }).retryAfterMs, 30_000);
  assert.deepEqual(asClassification(classifyDatadog(answer(500, { errors: [{ status: '500', title: 'Internal Server Error' }] }), two)), { status: 'retry', reason: 'Datadog failed (HTTP 500: Internal Server Error)' });
  assert.match(reasonOf(classifyDatadog(answer(422, 'nope'), two)), /^Datadog refused the request \(HTTP 422: nope\)/);
  assert.equal(saidBy(answer(400, { errors: ['Bad Request', 'Bad Request'] })), 'Bad Request');
  assert.equal(waitAskedMs(answer(429, '', { 'X-RateLimit-Reset': 'soon' })), undefined);
});

test('validateDatadogConfig: the key, service and source as tags, key:value tags, the hostname, the application key for deletions', () => {
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, tags: ['env:prod'], service: 'shop-web', source: 'signal', hostname: 'shop.example.com' }), []);
  assert.match(validateDatadogConfig({ api_key: `${KEY} x` })[0]!.message, /^holds white space/);
  assert.deepEqual(validateDatadogConfig({ api_key: '  ' }).map((p) => p.field), ['api_key']);
  const tags = validateDatadogConfig({ api_key: KEY, tags: ['env prod', '1env:x', 'env:', 'prod', 'service:web', 'Env:Prod', 'env:prod', 3] });
  assert.ok(tags.every((p) => p.field === 'tags'));
  assert.deepEqual(tags.map((p) => p.message), [
    '"env prod" holds characters other than letters, digits, _, -, :, . and / (Datadog would turn them into _); give key:value tags, e.g. env:prod',
    '"1env:x" does not start with a letter; give key:value tags, e.g. env:prod',
    '"env:" ends with a colon; give key:value tags, e.g. env:prod',
    '"prod" is not key:value: give it a key, e.g. env:prod',
    '"service:web" sets service, which the log\'s own service sets: use config.service instead',
    '"env:prod" is given twice (Datadog lower-cases tags)',
    'holds 3, which is not text: give key:value tags, e.g. env:prod',
  ]);
  assert.match(validateDatadogConfig({ api_key: KEY, service: 'shop web' })[0]!.message, /^"shop web" makes the tag service:shop web, which holds characters/);
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, service: '2shop' }), [], 'the tag service:2shop starts with a letter');
  assert.match(validateDatadogConfig({ api_key: KEY, source: 'Website' })[0]!.message, /lower case/);
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, hostname: 'a b' }).map((p) => p.field), ['hostname']);
  assert.match(validateDatadogConfig({ api_key: KEY, forward_deletions: true })[0]!.message, /^is required to forward person deletions/);
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, forward_deletions: true, application_key: APP_KEY }), []);
  assert.match(validateDatadogConfig({ api_key: KEY, application_key: KEY })[0]!.message, /^is the API key/);
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, service: 'shop:web' }), [], 'a tag may hold ":"');
  assert.deepEqual(validateDatadogConfig({ api_key: KEY, forward_deletions: true, application_key: APP_KEY, service: 'shop:web', source: 'web/app' }).map((p) => [p.field, p.message.slice(0, 40)]), [
    ['service', '"shop:web" holds ":" or "/", which Datad'], ['source', '"web/app" holds ":" or "/", which Datado'],
  ]);
  for (const p of validateDatadogConfig({ api_key: `${KEY} x`, application_key: `${APP_KEY} y` })) assert.doesNotMatch(p.message, /0123456789abcdef|fedcba/, 'never the key');
  assert.equal(tagProblem(`a:${'b'.repeat(199)}`), 'is longer than 200 characters');
  assert.equal(tagProblem('région:île-de-france'), undefined, 'Unicode letters');
  assert.deepEqual(optionsOf({ api_key: KEY, tags: ['env:prod', 'bad tag'], site: 'nowhere' }).tags, ['env:prod']);
  assert.equal(optionsOf({ site: 'nowhere' }).site, 'datadoghq.com');
});

test('forgetPerson: off unless forward_deletions with an application key; one data deletion request per id, scoped to the service and source', () => {
  assert.equal(forgetPerson.enabled({ api_key: KEY }), false);
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: true }), false);
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: true, application_key: APP_KEY }), true);
  const config = { forward_deletions: true, application_key: APP_KEY, site: 'datadoghq.eu', service: 'shop-web' };
  const built = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_anon1' }, ctx(config)) as RequestDescriptor[];
  assert.equal(built.length, 2);
  assert.deepEqual(built[0], {
    method: 'POST', url: 'https://api.datadoghq.eu/api/v2/deletion/data/logs',
    headers: { 'content-type': 'application/json', 'dd-api-key': KEY, 'dd-application-key': APP_KEY },
    body: { data: { type: 'create_deletion_req', attributes: { from: NOW - DELETION_LOOKBACK_MS, to: NOW, query: { service: 'shop-web', source: 'signal', '@usr.id': 'u-1' } } } },
    eventIds: [],
  });
  assert.deepEqual(((built[1]!.body as JsonObject).data as { attributes: { query: JsonObject } }).attributes.query, { service: 'shop-web', source: 'signal', '@usr.anonymous_id': 'df_anon1' });
  assert.equal((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(config)) as RequestDescriptor[]).length, 1);
  assert.match((forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx(config)) as { skipped: string }).skipped, /the userId is an email address or a phone number \(never sent/);
  assert.match((forgetPerson.request({ userId: 'a b"c', anonymousId: 'undefined' }, ctx(config)) as { skipped: string }).skipped, /operators.*placeholder/);
  assert.match((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ ...config, send_ids: false })) as { skipped: string }).skipped, /send_ids is off/);
});

test('forgetPerson.read: 200 done only when the echoed query is exactly the terms asked for; otherwise cancelled at once (fail closed); 401/403 name the keys; 429 and 5xx retried', () => {
  const [built] = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ forward_deletions: true, application_key: APP_KEY })) as RequestDescriptor[];
  const accepted = (query: string | undefined, id: string | null = '754') => answer(200, { data: { ...(id !== null ? { id } : {}), type: 'deletion_request', attributes: { ...(query !== undefined ? { query } : {}), status: 'pending', product: 'logs' } }, meta: { product: 'logs' } });
  // The core hides the person's ids in the answer before read sees it: "@usr.id:[…]".
  assert.deepEqual(forgetPerson.read!(accepted('service:signal source:signal @usr.id:[…]'), built), { done: true, message: 'Datadog accepted data deletion request 754 (pending) for the logs of service:signal source:signal whose @usr.id is the id' });
  const cancel = { method: 'PUT', url: 'https://api.datadoghq.com/api/v2/deletion/requests/754/cancel', headers: { 'dd-api-key': KEY, 'dd-application-key': APP_KEY }, eventIds: [] };
  for (const echoed of [
    'service:signal source:signal', // the id left out: every log of the service
    'service:signal OR source:signal OR @usr.id:[…]', // OR: far more than the person's logs
    'service:signal source:signal […]', // the id as a bare word: any log mentioning it
    'service:signal source:signal usr.id:[…]', // without @: a tag, not the attribute
    'service:signal source:signal @usr.id:*', // a wildcard
    'service:signal source:signal @usr.id:[…] -status:error', // a term not asked for
    '{"service":"signal","source":"signal","@usr.id":"[…]"}', // another form than search terms
    '',
    undefined, // no echo: nothing to check
  ]) assert.deepEqual(forgetPerson.read!(accepted(echoed), built), { next: cancel }, String(echoed));
  assert.match((forgetPerson.read!(accepted(undefined, null), built) as { failed: string }).failed, /without echoing its query or naming the request, so it could not be checked or cancelled: look for it on Datadog's Data Deletion page/);
  assert.match((forgetPerson.read!(accepted('service:signal', null), built) as { failed: string }).failed, /without echoing its query as asked or naming the request/);
  assert.match((forgetPerson.read!(answer(200, { data: { id: '754', attributes: { status: 'canceled' } } }), cancel as RequestDescriptor) as { failed: string }).failed, /^Datadog did not echo the deletion's query as asked .*so data deletion request 754 was cancelled before it ran/);
  assert.match((forgetPerson.read!(answer(500, ''), cancel as RequestDescriptor) as { failed: string }).failed, /cancelling data deletion request 754 failed \(HTTP 500\): .*cancel it there within 10 days of the request/);
  const forbidden = forgetPerson.read!(answer(403, { errors: ['Forbidden'] }), built) as { failed: string };
  assert.match(forbidden.failed, /^Datadog refused the data deletion request \(HTTP 403: Forbidden\): check config\.application_key .*Logs Delete Data permission/);
  assert.deepEqual(forgetPerson.read!(answer(429, { errors: ['Too many requests'] }, { 'x-ratelimit-reset': '7' }), built), { retry: 'Datadog could not take the data deletion request now (HTTP 429: Too many requests)', afterSeconds: 7 } satisfies ForgetOutcome);
  assert.match((forgetPerson.read!(answer(412, { errors: [{ status: '412', code: 'INVALID_BODY', title: 'INVALID_BODY', detail: 'INVALID_BODY' }] }), built) as { failed: string }).failed, /HTTP 412: INVALID_BODY/);
  assert.ok('done' in forgetPerson.read!({ status: forgetPerson.successAnswer!.status!, headers: {}, body: JSON.stringify(forgetPerson.successAnswer!.body), json: forgetPerson.successAnswer!.body }, built));
});

test('echoesQuery: the asked terms in any order, quoted or not, an explicit AND, ids hidden by the core; service and source without case', () => {
  const query = { service: 'shop-web', source: 'signal', '@usr.id': 'u-1' };
  assert.equal(echoesQuery('@usr.id:u-1 source:signal service:shop-web', query), true);
  assert.equal(echoesQuery('service:"shop-web" AND source:signal AND @usr.id:"[…]"', query), true);
  assert.equal(echoesQuery('service:Shop-Web source:signal @usr.id:[…]', query), true);
  assert.equal(echoesQuery('service:shop-web source:signal @usr.id:U-1', query), false, 'an id of another case is another id');
  assert.equal(echoesQuery('service:shop-[…] source:signal @usr.id:[…]', { ...query, '@usr.id': 'web' }), true, 'an id hidden inside the service name');
  assert.equal(echoesQuery('service:shop-web source:signal @[…].id:[…]', { ...query, '@usr.id': 'usr' }), false, 'an id hidden inside the key cannot be checked');
  assert.equal(echoesQuery('service:shop-web service:shop-web source:signal', query), false);
  assert.equal(echoesQuery('service:shop-web source:signal @usr.id:u-1', {}), false);
});

test('forgetPerson.request: no deletion when config.service or source holds query operators (":" or "/")', () => {
  const config = { forward_deletions: true, application_key: APP_KEY };
  assert.match((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ ...config, service: 'shop:web' })) as { skipped: string }).skipped, /^config\.service "shop:web" holds characters Datadog's query syntax reads as operators/);
  assert.match((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ ...config, source: 'web/shop' })) as { skipped: string }).skipped, /^config\.source "web\/shop"/);
});
