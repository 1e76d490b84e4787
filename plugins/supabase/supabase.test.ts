import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import supabase from './index.ts';
import { classifyInsert } from './classify.ts';
import { authHeaders, dataApiBase, validateSupabaseConfig } from './config.ts';
import { deletionRequest, personFilter, readDeletionAnswer } from './forget-person.ts';
import { columnsParam, MAX_ROWS } from './insert-request.ts';
import { missingColumn, postgrestError } from './postgrest-error.ts';

const URL_ = 'https://abcdefghijklmnopqrst.supabase.co';
const CONFIG = { url: URL_, table: 'events', api_key: 'sb_secret_test-key-1' };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const warnings: string[] = [];
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'int_sb_1', revisionId: 'r', options: {}, now: NOW, warn: (message: string) => { warnings.push(message); },
});
const VISITOR = 'df_sb0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks?email=jane@example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/supabase/${variant}.yaml`, import.meta.url), 'utf8');
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const rowOf = (event: CanonicalEvent, variant = 'default'): JsonObject => {
  const result = createEventMapper(supabase, { variant, blueprint: blueprint(variant) }, { ...ctx(), variant })(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const row = (id: string, extra: JsonObject = {}): JsonObject => ({ message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', ...extra });
const record = (id: string, payload: JsonObject = row(id)): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const insertOf = (records: MappedEvent[], config: Record<string, JsonValue> = {}): RequestDescriptor => supabase.send(records, ctx(config))[0]!;
const answer = (status: number, body: JsonValue | string, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const pgError = (status: number, code: string, message: string, details: string | null = null, hint: string | null = null) => answer(status, { code, details, hint, message });
const classify = (response: VendorResponse, records: MappedEvent[] = [record('m-1')], config: Record<string, JsonValue> = {}): Classification => classifyInsert(response, insertOf(records, config), ctx(config));
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('a track event maps to the README\'s row: ids and name as text, times as ISO 8601 in UTC, properties and context as JSON values for jsonb', () => {
  const event = browserEvent();
  assert.deepEqual(rowOf(event), {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: event.properties as JsonObject, context: event.context as JsonObject,
  });
});

test('placeholder ids are left out; without_contact_info drops the IP, query strings and contact traits', () => {
  const page = rowOf(browserEvent({ type: 'page', event: undefined, name: 'Home', userId: 'undefined' } as Partial<CanonicalEvent>));
  assert.equal(page.name, 'Home');
  assert.equal(page.user_id, undefined);
  const clean = rowOf(browserEvent({ type: 'identify', event: undefined, userId: 'jane@example.com', traits: { email: 'jane@example.com', plan: 'pro' } } as Partial<CanonicalEvent>), 'without_contact_info');
  assert.equal(clean.user_id, undefined, 'an id that is an email is left out');
  assert.deepEqual(clean.traits, { plan: 'pro' });
  const context = clean.context as { ip?: string; page: { url: string } };
  assert.equal(context.ip, undefined);
  assert.equal(context.page.url, 'https://shop.example.com/thanks');
});

test('an extra column whose name is no plain identifier is left out, said with a warning', () => {
  warnings.length = 0;
  const mapped = supabase.map!(row('m-1', { 'Plan Name': 'pro', plan: 'pro' }), browserEvent(), ctx());
  assert.equal((mapped as JsonObject).plan, 'pro');
  assert.equal((mapped as JsonObject)['Plan Name'], undefined);
  assert.match(warnings[0]!, /^Plan Name left out: a column name Signal writes holds letters/);
});

test('the config: field-naming problems for a URL with a path, a publishable or anon key, a Bearer prefix, a dotted table, http to supabase.co', () => {
  assert.deepEqual(validateSupabaseConfig(CONFIG), []);
  assert.deepEqual(validateSupabaseConfig({ ...CONFIG, url: `${URL_}/rest/v1/` }), [], 'the REST URL pasted is the same project');
  const anonJwt = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ role: 'anon', iss: 'supabase' })).toString('base64url')}.sig`;
  const problems = (config: Record<string, JsonValue>) => validateSupabaseConfig({ ...CONFIG, ...config }).map(({ field, message }) => `${field}: ${message}`);
  assert.deepEqual(problems({ url: `${URL_}/rest/v1/events` }), [`url: must be the project's URL only (scheme, host and port), without a path or query: ${URL_} — a Data API at another path goes in api_path`]);
  assert.deepEqual(problems({ url: 'http://abcdefghijklmnopqrst.supabase.co' }), ['url: must use https: Supabase projects answer over https only']);
  assert.deepEqual(problems({ api_key: 'sb_publishable_abc' }), ['api_key: is a publishable key, which Row Level Security limits to what a browser may do: give a secret key (sb_secret_…, Project Settings > API Keys)']);
  assert.deepEqual(problems({ api_key: anonJwt }), ['api_key: is the legacy anon key (its role is anon), which Row Level Security limits to what a browser may do: give a secret key (sb_secret_…) or the legacy service_role key']);
  assert.deepEqual(problems({ api_key: 'Bearer sb_secret_x' }), ['api_key: starts with "Bearer ": give the key alone, Signal sends it in the apikey header (and as a Bearer token when it is a JWT)']);
  assert.deepEqual(problems({ table: 'public.events' }), ['table: is "public.events": give the table alone (e.g. events); the schema goes in schema and the table in table']);
  assert.deepEqual(problems({ schema: 'my-schema' }), ['schema: is "my-schema": the schema Signal writes to may hold letters, digits, _ and $, from a letter or _, at most 63 characters']);
  assert.deepEqual(problems({ api_path: 'rest/v1' }), ['api_path: is "rest/v1": give a path from /, e.g. /rest/v1 (Supabase) or / (a PostgREST server at its host\'s root)']);
  assert.equal(problems({ url: 'http://10.0.0.5:3000' })[0]?.startsWith('url: '), true, 'a private address not allow-listed');
  assert.deepEqual(problems({ url: 'http://10.0.0.5:3000', api_path: '/', allow_private_targets: ['10.0.0.0/16'] }), []);
});

test('the key: a new secret key in apikey alone, a JWT also as the Bearer token; the schema always named', () => {
  assert.deepEqual(authHeaders({ api_key: 'sb_secret_abc' }), { apikey: 'sb_secret_abc', 'content-profile': 'public' });
  assert.deepEqual(authHeaders({ api_key: 'eyJ.a.b', schema: 'analytics' }), { apikey: 'eyJ.a.b', authorization: 'Bearer eyJ.a.b', 'content-profile': 'analytics' });
  assert.equal(dataApiBase({ url: 'http://postgrest.internal:3000', api_path: '/' }), 'http://postgrest.internal:3000');
  assert.equal(dataApiBase({ url: `${URL_}/rest/v1` }), `${URL_}/rest/v1`);
});

test('the insert: one JSON array per request, every key of its rows in columns, ON CONFLICT (message_id) DO NOTHING, return=minimal', () => {
  const request = insertOf([record('m-1'), record('m-2', row('m-2', { name: 'Home', user_id: 'u-1' }))]);
  assert.equal(request.method, 'POST');
  assert.equal(request.url, `${URL_}/rest/v1/events`);
  assert.deepEqual(request.query, [['columns', '"message_id","type","timestamp","received_at","name","user_id"'], ['on_conflict', 'message_id']]);
  assert.deepEqual(request.headers, { apikey: 'sb_secret_test-key-1', 'content-profile': 'public', prefer: 'return=minimal,resolution=ignore-duplicates,missing=default', 'content-type': 'application/json' });
  assert.deepEqual(request.body, [row('m-1'), row('m-2', { name: 'Home', user_id: 'u-1' })]);
  assert.deepEqual(request.eventIds, ['m-1', 'm-2']);
  assert.equal(columnsParam([{ 'a"b\\c': 1 }]), '"a\\"b\\\\c"', 'a quote or backslash in a name escaped');
  const many = supabase.send(Array.from({ length: MAX_ROWS + 1 }, (_, i) => record(`m-${i}`)), ctx());
  assert.deepEqual(many.map((r) => r.eventIds.length), [MAX_ROWS, 1]);
  assert.throws(() => supabase.send([record('big', row('big', { properties: { blob: 'x'.repeat(4_000_001) } }))], ctx()), /more than an insert request carries/);
  assert.deepEqual(insertOf([record('m-1')], { url: 'http://10.0.0.5:3000', api_path: '/', allow_private_targets: ['10.0.0.0/16'] }).allowPrivateTargets, ['10.0.0.0/16']);
});

test('PostgREST\'s error answers are read defensively', () => {
  assert.deepEqual(postgrestError({ body: '{"code":"42P01","details":null,"hint":null,"message":"relation \\"public.events\\" does not exist"}' }), { code: '42P01', message: 'relation "public.events" does not exist', details: '', hint: '' });
  assert.deepEqual(postgrestError({ body: '<html>bad gateway</html>' }), { code: '', message: '', details: '', hint: '' });
  assert.equal(missingColumn(postgrestError({ body: '{"code":"PGRST204","message":"Could not find the \'colour\' column of \'events\' in the schema cache"}' })), 'colour');
  assert.equal(missingColumn(postgrestError({ body: '{"code":"42703","message":"column \\"colour\\" of relation \\"events\\" does not exist"}' })), 'colour');
});

test('2xx delivered; a web page in a 2xx retried naming the URL; 429 throttled after Retry-After; 5xx and passing database failures retried', () => {
  assert.deepEqual(classify(answer(201, '')), { status: 'delivered' });
  const page = classify(answer(200, '<!DOCTYPE html><title>Sign in</title>', { 'content-type': 'text/html' }));
  assert.equal(statusOf(page), 'retry');
  assert.match(reasonOf(page), /check config\.url \(the project's URL\) and config\.api_path/);
  assert.deepEqual(classify(answer(429, 'Too many requests', { 'retry-after': '3' })), { status: 'retry', reason: 'Supabase rate limit reached (HTTP 429: Too many requests)', retryAfterMs: 3000, throttled: true });
  assert.deepEqual(classify(pgError(503, 'PGRST001', 'Database client error. Retrying the connection.')), { status: 'retry', reason: 'Supabase HTTP 503: PGRST001: Database client error. Retrying the connection.' });
  assert.equal(statusOf(classify(pgError(500, '40P01', 'deadlock detected'))), 'retry');
  assert.equal(statusOf(classify(pgError(500, '25006', 'cannot execute INSERT in a read-only transaction'))), 'retry');
  assert.equal(statusOf(classify(answer(502, '<html>Bad gateway</html>'))), 'retry');
});

test('refused key, Row Level Security, grants, schema, table and primary key: dead-lettered naming what to fix', () => {
  assert.equal(reasonOf(classify(answer(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }))),
    'the Data API refused the insert (HTTP 401: Invalid API key (Double check your Supabase `anon` or `service_role` API key.)): check config.api_key — a secret key (sb_secret_…) or the legacy service_role key of the project at config.url; then replay the dead letters');
  assert.match(reasonOf(classify(pgError(401, 'PGRST301', 'No suitable key or wrong key type'), undefined, { api_key: 'eyJ.a.b' })), /^the Data API refused the key \(HTTP 401, PGRST301: No suitable key or wrong key type\): check config\.api_key/);
  assert.match(reasonOf(classify(pgError(403, '42501', 'new row violates row-level security policy for table "events"'))), /^Row Level Security refused the insert .*: config\.api_key is not a secret or service_role key/);
  // A JWT naming a role the database lacks: PostgREST's 401 with 22023 — the key's fault, not one row's (22 is the data class).
  assert.match(reasonOf(classify(pgError(401, '22023', 'role "signal_writer" does not exist'), [record('m-1'), record('m-2')], { api_key: 'eyJ.a.b' })), /^the Data API refused the key \(HTTP 401, 22023: role "signal_writer" does not exist\): check config\.api_key/);
  assert.equal(statusOf(classify(pgError(400, '22023', 'invalid value for parameter "x"'), [record('m-1'), record('m-2')])), 'split');
  assert.match(reasonOf(classify(pgError(403, '42501', 'permission denied for table events'))), /run GRANT USAGE ON SCHEMA public TO service_role; GRANT SELECT, INSERT, DELETE ON public\.events TO service_role/);
  assert.match(reasonOf(classify(pgError(406, 'PGRST106', 'Invalid schema: analytics', null, 'Only the following schemas are exposed: public, graphql_public'), undefined, { schema: 'analytics' })),
    /^the Data API does not serve the schema analytics \(HTTP 406, PGRST106: Invalid schema: analytics \(Only the following schemas are exposed: public, graphql_public\)\): check config\.schema, or expose the schema/);
  assert.match(reasonOf(classify(pgError(404, 'PGRST205', 'Could not find the table \'public.events\' in the schema cache'))), /^the Data API has no table public\.events .*check config\.schema and config\.table/);
  assert.match(reasonOf(classify(pgError(400, '42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification'))), /has no primary key or unique constraint on message_id .*ALTER TABLE public\.events ADD PRIMARY KEY \(message_id\)/);
  // A DEFERRABLE key: 55000, a 500 from PostgREST, yet no passing failure.
  const deferrable = classify(pgError(500, '55000', 'ON CONFLICT does not support deferrable unique constraints/exclusion constraints as arbiters'), [record('m-1'), record('m-2')]);
  assert.equal(statusOf(deferrable), 'dead_letter');
  assert.match(reasonOf(deferrable), /key on message_id is DEFERRABLE .*NOT DEFERRABLE/);
  assert.match(reasonOf(classify(answer(404, ''))), /^no Data API table answered at config\.url and config\.api_path \(HTTP 404\)/);
  for (const c of [classify(answer(401, '')), classify(pgError(404, '42P01', 'relation "public.events" does not exist'))]) assert.equal(statusOf(c), 'dead_letter');
});

test('a column the table lacks: the rows holding it dead-lettered naming it, the others sent again; none holding it: split', () => {
  const records = [record('m-1'), record('m-2', row('m-2', { colour: 'red' })), record('m-3')];
  const c = classify(pgError(400, 'PGRST204', 'Could not find the \'colour\' column of \'events\' in the schema cache'), records);
  assert.ok('perEvent' in c);
  assert.equal(c.perEvent['m-2']!.status, 'dead_letter');
  assert.match(reasonOf(c.perEvent['m-2']!), /the table public\.events has no column colour — add it \(ALTER TABLE public\.events ADD COLUMN colour …/);
  assert.deepEqual([c.perEvent['m-1']!.status, c.perEvent['m-3']!.status], ['resend', 'resend']);
  assert.equal(statusOf(classify(pgError(400, '42703', 'column "shade" of relation "events" does not exist'), records)), 'split');
});

test('a row Postgres refuses: split while several, dead-lettered alone naming the column; too large split; a timeout split, alone retried', () => {
  const two = [record('m-1'), record('m-2')];
  const invalid = pgError(400, '22007', 'invalid input syntax for type timestamp with time zone: "soon"');
  assert.equal(statusOf(classify(invalid, two)), 'split');
  const notNull = classify(pgError(400, '23502', 'null value in column "type" of relation "events" violates not-null constraint', 'Failing row contains (m-1, null, …).'));
  assert.equal(statusOf(notNull), 'dead_letter');
  assert.match(reasonOf(notNull), /^Postgres refused this row \(HTTP 400, 23502: null value in column "type" .*\): the value of type, which the column does not take in public\.events/);
  assert.equal(statusOf(classify(pgError(400, 'P0001', 'rejected by trigger'), two)), 'split');
  assert.equal(statusOf(classify(pgError(400, '22P99', 'some future data error'), two)), 'split', 'an unnamed 400 code is one row\'s data');
  assert.equal(statusOf(classify(answer(413, 'Payload Too Large'), two)), 'split');
  assert.equal(statusOf(classify(answer(413, 'Payload Too Large'))), 'dead_letter');
  assert.equal(statusOf(classify(pgError(500, '57014', 'canceling statement due to statement timeout'), two)), 'split');
  assert.equal(statusOf(classify(pgError(500, '57014', 'canceling statement due to statement timeout'))), 'retry');
});

test('a person deletion: one DELETE, each id double-quoted in the or filter (PostgREST\'s reserved characters), URL-encoded; placeholders skipped', () => {
  assert.equal(personFilter({ userId: 'u-1', anonymousId: 'df_1' }), '(user_id.eq."u-1",previous_id.eq."u-1",anonymous_id.eq."df_1",previous_id.eq."df_1")');
  assert.equal(personFilter({ userId: 'Doe, J. (x:1) "q" \\', anonymousId: null }), '(user_id.eq."Doe, J. (x:1) \\"q\\" \\\\",previous_id.eq."Doe, J. (x:1) \\"q\\" \\\\")');
  assert.deepEqual(deletionRequest({ userId: 'undefined', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no row under them' });
  const request = deletionRequest({ userId: 'a+b&c=d', anonymousId: null }, ctx({ schema: 'analytics' })) as RequestDescriptor;
  assert.equal(request.method, 'DELETE');
  assert.deepEqual(request.headers, { apikey: 'sb_secret_test-key-1', 'content-profile': 'analytics', prefer: 'return=minimal' });
  const url = new URL(request.url);
  for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
  assert.equal(url.search, '?or=%28user_id.eq.%22a%2Bb%26c%3Dd%22%2Cprevious_id.eq.%22a%2Bb%26c%3Dd%22%29', 'as the core sends it: + and & encoded');
  assert.equal(url.searchParams.get('or'), '(user_id.eq."a+b&c=d",previous_id.eq."a+b&c=d")');
  assert.equal(supabase.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
  assert.equal(supabase.forgetPerson!.enabled(CONFIG), true);
});

test('the answer to a deletion: 204 done; a refused key, grant, schema, table or column failed naming the fix; 5xx and 429 tried again', () => {
  const read = (response: VendorResponse) => readDeletionAnswer(response, undefined, ctx());
  assert.deepEqual(read(answer(204, '')), { done: true, message: 'Supabase deleted the person\'s rows from the table' });
  assert.deepEqual(read(pgError(403, '42501', 'permission denied for table events')), { failed: 'HTTP 403, 42501: permission denied for table events — run GRANT SELECT, DELETE ON public.events TO service_role, or turn config.forward_deletions off' });
  assert.match(String((read(answer(401, { message: 'Invalid API key' })) as { failed: string }).failed), /check config\.api_key/);
  assert.match(String((read(pgError(401, '22023', 'role "signal_writer" does not exist')) as { failed: string }).failed), /check config\.api_key/);
  assert.match(String((read(pgError(400, '42703', 'column events.previous_id does not exist')) as { failed: string }).failed), /the table lacks a column the deletion reads/);
  assert.match(String((read(pgError(404, '42P01', 'relation "public.events" does not exist')) as { failed: string }).failed), /check config\.schema and config\.table/);
  assert.deepEqual(read(answer(503, '', { 'retry-after': '30' })), { retry: 'HTTP 503', afterSeconds: 30 });
  assert.deepEqual(read(answer(429, 'slow down')), { retry: 'HTTP 429: slow down' });
  assert.ok('retry' in read(answer(200, '<!DOCTYPE html><p>portal</p>', { 'content-type': 'text/html' })));
});
