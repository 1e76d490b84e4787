import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import bigquery from './index.ts';
import { BIGQUERY_SCOPE, bigQueryTokenRequest, INSERT_SCOPE, readBigQueryTokenAnswer } from './access-token.ts';
import { classifyInsertAll } from './classify.ts';
import { sqlTableName, validateBigQueryConfig } from './config.ts';
import { withoutQueries } from '../../core/sdk/index.ts';
import { deleteStatement, readDeletionAnswer, settledStatement, WAIT_MS } from './forget-person.ts';
import { insertAllUrl, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow, timestampText } from './table-row.ts';

const SA_EMAIL = 'signal-writer@shop-analytics.iam.gserviceaccount.com';
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const CONFIG = { project_id: 'shop-analytics', dataset_id: 'signal', table_id: 'events', service_account_key: KEY_FILE };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({
  config: { ...CONFIG, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.test-token',
});
const INSERT_URL = 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/datasets/signal/tables/events/insertAll';
const VISITOR = 'df_bq0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 74.97 }] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/bigquery/${variant}.yaml`, import.meta.url), 'utf8');
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, variant = 'default') => createEventMapper(bigquery, { variant, blueprint: blueprint(variant) }, ctx({}, variant))(event);
const rowOf = (event: CanonicalEvent, variant = 'default'): JsonObject => {
  const result = mapped(event, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }),
});
const googleError = (status: number, reason: string, message: string, code = 'INVALID_ARGUMENT') => answer(status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: code } });
const record = (id: string, payload: JsonObject = { message_id: id }): MappedEvent => ({ id, event: browserEvent({ messageId: id.replace(/#\d+$/, '') }), payload });
const insertRequest = (ids: string[]): RequestDescriptor => bigquery.send(ids.map((id) => record(id)), ctx())[0]!;
const classify = (response: VendorResponse, ids = ['m-1']): Classification => classifyInsertAll(response, insertRequest(ids), ctx());
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('a track event maps to the README\'s row: ids and name as text, times as RFC 3339 in UTC, properties and context as JSON text', () => {
  const event = browserEvent();
  assert.deepEqual(rowOf(event), {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: JSON.stringify(event.properties), context: JSON.stringify(event.context),
  });
  // insertAll takes a JSON column's value as a string holding the JSON: it parses back to the event's own.
  assert.deepEqual(JSON.parse(String(rowOf(event).properties)), event.properties);
});

test('each call type: page and screen names, identify traits, group and alias ids; placeholder ids left out, never stored as someone\'s', () => {
  assert.deepEqual(rowOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { path: '/pricing' } })).name, 'Pricing');
  assert.equal(rowOf(browserEvent({ type: 'page', event: undefined, properties: { name: 'Home' } })).name, 'Home', 'analytics.js puts the name in properties too');
  assert.equal(rowOf(browserEvent({ type: 'track', name: 'ignored' })).name, undefined, 'a track call has no name column value');
  const identify = rowOf(browserEvent({ type: 'identify', event: undefined, properties: undefined, traits: { email: 'jane@example.com', plan: 'pro' } }));
  assert.equal(identify.traits, '{"email":"jane@example.com","plan":"pro"}', 'the default variant keeps personal data: the table is the customer\'s');
  assert.equal(identify.properties, undefined, 'no properties, no value (NULL)');
  assert.equal(rowOf(browserEvent({ type: 'group', event: undefined, groupId: 'acme', traits: { name: 'Acme' } })).group_id, 'acme');
  assert.equal(rowOf(browserEvent({ type: 'alias', event: undefined, previousId: 'old-1' })).previous_id, 'old-1');
  const anonymous = rowOf(browserEvent({ userId: 'undefined' }));
  assert.equal(anonymous.user_id, undefined, '"undefined" names no one');
  assert.equal(anonymous.anonymous_id, VISITOR);
  assert.equal(rowOf(browserEvent({ userId: ' NULL ', anonymousId: 'anonymous' })).anonymous_id, undefined);
});

test('the without_contact_info variant: no contact information at any depth, no IP, URLs without queries, no email as an id; other data kept', () => {
  const event = browserEvent({
    userId: 'jane.doe@example.com',
    properties: { order_id: 'ORD-1', email: 'jane@example.com', customer: { id: 'c-1', name: 'Jane Doe', phone: '+44 7700 900123' }, products: [{ product_id: 'SKU-1', name: 'Trail Shoe' }], url: 'https://shop.example.com/reset?email=jane%40example.com' },
    traits: { name: 'Jane Doe', plan: 'pro', address: { city: 'London' } },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', traits: { email: 'jane@example.com', name: 'Jane Doe', tier: 'gold' }, page: { url: 'https://shop.example.com/thanks?email=jane%40example.com#x', search: '?email=jane%40example.com', path: '/thanks' }, campaign: { source: 'news', name: 'spring' } },
  });
  const row = rowOf(event, 'without_contact_info');
  assert.equal(row.user_id, undefined, 'a userId that is an email address is contact information');
  assert.equal(row.anonymous_id, VISITOR);
  assert.deepEqual(JSON.parse(String(row.properties)), { order_id: 'ORD-1', customer: { id: 'c-1' }, products: [{ product_id: 'SKU-1', name: 'Trail Shoe' }], url: 'https://shop.example.com/reset' });
  assert.deepEqual(JSON.parse(String(row.traits)), { plan: 'pro' });
  assert.deepEqual(JSON.parse(String(row.context)), {
    userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks', path: '/thanks' }, campaign: { source: 'news', name: 'spring' }, traits: { tier: 'gold' },
  });
  assert.equal(JSON.stringify(row).includes('jane'), false, 'nothing of Jane\'s contact data leaves');
  assert.deepEqual(withoutQueries({ href: '/a?b=c', list: ['https://x.example/?q=1'], search: 'plain words' }), { href: '/a', list: ['https://x.example/'], search: 'plain words' });
});

test('TIMESTAMP columns: ISO 8601 (an offset, none, a date), epoch seconds or ms, in UTC; unreadable required times dead-letter the event, optional ones are left out', () => {
  assert.equal(timestampText('2024-03-24T17:00:00+01:00'), '2024-03-24T16:00:00.000Z');
  assert.equal(timestampText('2024-03-24T16:00:00'), '2024-03-24T16:00:00.000Z', 'no offset: UTC, not the server\'s zone');
  assert.equal(timestampText('2024-03-24T17:00:00+0100'), '2024-03-24T16:00:00.000Z', 'the offsets collect admits: ±hhmm and ±hh too');
  assert.equal(timestampText('2024-03-24T11:00:00-05'), '2024-03-24T16:00:00.000Z');
  assert.equal(timestampText('2024-03-24'), '2024-03-24T00:00:00.000Z');
  assert.equal(timestampText(1711296000), '2024-03-24T16:00:00.000Z');
  assert.equal(timestampText(1711296000123), '2024-03-24T16:00:00.123Z');
  for (const bad of ['next tuesday', '2024-02-31T00:00:00Z', '', true, { t: 1 }, Number.NaN]) assert.equal(timestampText(bad as JsonValue), undefined, JSON.stringify(bad));
  assert.equal(timestampText(3e14), undefined, 'beyond the year 9999');
  const result = createEventMapper(bigquery, { variant: 'default', blueprint: blueprint('default').replace('source: timestamp, target: timestamp', 'value: soon, target: timestamp') }, ctx())(browserEvent());
  assert.equal(result.payload, null);
  assert.match(result.error ?? '', /^timestamp: "soon" is not a time the table's TIMESTAMP column takes/);
  assert.equal(tableRow({ message_id: 'm', type: 'track', timestamp: 1711296000, received_at: 1711296000, sent_at: 'whenever' }, { variant: 'default' }).sent_at, undefined);
  assert.throws(() => tableRow({ type: 'track', timestamp: 1, received_at: 1 }, { variant: 'default' }), /the row has no message_id, which the table declares NOT NULL/);
  assert.deepEqual(tableRow({ message_id: 7, type: 'track', timestamp: 1711296000, received_at: 1711296000, page_url: 'https://x.example/', extra: { a: 1 } }, { variant: 'default' }), {
    message_id: '7', type: 'track', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.000Z', page_url: 'https://x.example/', extra: { a: 1 },
  }, 'columns a blueprint adds pass as mapped');
});

test('column names whatever their letter case: the second of two names alike but for case left out, said; a README column in another case is that column', () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const base = { message_id: 'm', type: 'track', timestamp: 1711296000, received_at: 1711296000 };
  assert.deepEqual(tableRow({ ...base, userId: 'u-1', userid: 'u-2', Plan: 'pro', PLAN: 'free', USER_ID: 'undefined', Anonymous_Id: 'df_1' }, { variant: 'default', warn }), {
    message_id: 'm', type: 'track', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.000Z', userId: 'u-1', Plan: 'pro', anonymous_id: 'df_1',
  });
  assert.deepEqual(warnings, [
    'userid left out: another column of the row has the same name in another letter case, and BigQuery reads both as one column',
    'PLAN left out: another column of the row has the same name in another letter case, and BigQuery reads both as one column',
  ]);
  // Through the blueprint, as delivery maps it: a twin of a README column, the warning kept with the event.
  const twin = blueprint('default').replace('  - { source: userId, target: user_id }', '  - { source: userId, target: user_id }\n  - { source: properties.user, target: User_Id }');
  const result = createEventMapper(bigquery, { variant: 'default', blueprint: twin }, ctx())(browserEvent({ userId: 'u-123', properties: { user: 'someone else' } }));
  assert.equal(result.payload?.user_id, 'u-123');
  assert.equal(result.payload && 'User_Id' in result.payload, false);
  assert.deepEqual(result.warnings, ['User_Id left out: another column of the row has the same name in another letter case, and BigQuery reads both as one column']);
});

test('send: one insertAll request per 500 rows with the access token, the messageId as insertId, both flags false; insert_id off sends none', () => {
  const rows = [record('m-1', { message_id: 'm-1', type: 'track' }), record('m-1#2', { message_id: 'm-1', type: 'track' })];
  assert.deepEqual(bigquery.send(rows, ctx()), [{
    method: 'POST', url: INSERT_URL, headers: { authorization: 'Bearer ya29.test-token', 'content-type': 'application/json' },
    body: { skipInvalidRows: false, ignoreUnknownValues: false, rows: [{ insertId: 'm-1', json: { message_id: 'm-1', type: 'track' } }, { insertId: 'm-1', json: { message_id: 'm-1', type: 'track' } }] },
    eventIds: ['m-1', 'm-1#2'],
  }], 'a repeated messageId is the same insertId (BigQuery keeps one), named by its delivery id');
  assert.deepEqual((bigquery.send([record('m-1')], ctx({ insert_id: false }))[0]!.body as { rows: JsonValue[] }).rows, [{ json: { message_id: 'm-1' } }]);
  assert.deepEqual(bigquery.send(Array.from({ length: 1001 }, (_, i) => record(`e${i}`)), ctx()).map((r) => r.eventIds.length), [500, 500, 1]);
  assert.deepEqual(bigquery.batch, { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES });
  assert.deepEqual([MAX_ROWS, MAX_BYTES], [500, 10_000_000]);
});

test('send: at most 10,000,000 bytes of body a request, envelope included; a row too large for any request is refused alone', () => {
  const big = Array.from({ length: 40 }, (_, i) => record(`b${i}`, { message_id: `b${i}`, properties: 'x'.repeat(700_000) }));
  const requests = bigquery.send(big, ctx());
  assert.ok(requests.length >= 3);
  for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify(r.body)) <= 10_000_000);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), big.map((e) => e.id));
  assert.throws(() => bigquery.send([record('huge', { properties: 'x'.repeat(10_000_000) })], ctx()), /more than a streaming insert request takes \(10 MB\)/);
});

test('URLs: ids percent-encoded (a table name may hold spaces), a domain-scoped project\'s colon kept; the SQL name quoted with backticks', () => {
  assert.equal(insertAllUrl({ projectId: 'example.com:shop-analytics', datasetId: 'signal', tableId: 'web events' }), 'https://bigquery.googleapis.com/bigquery/v2/projects/example.com:shop-analytics/datasets/signal/tables/web%20events/insertAll');
  assert.equal(sqlTableName({ projectId: 'shop-analytics', datasetId: 'signal', tableId: 'web events' }), '`shop-analytics.signal.web events`');
  // A revision that skipped validateConfig (written by hand) still cannot close the identifier: escaped as GoogleSQL escapes in backticks.
  assert.equal(sqlTableName({ projectId: 'shop-analytics', datasetId: 'signal', tableId: 'x` WHERE TRUE; --\\\n' }), '`shop-analytics.signal.x\\` WHERE TRUE; --\\\\\\n`');
});

test('classify: a 200 without insertErrors is delivered; insertErrors give per-row outcomes — invalid dead-lettered with BigQuery\'s words, stopped rows sent again', () => {
  assert.deepEqual(classify(answer(200, { kind: 'bigquery#tableDataInsertAllResponse' })), { status: 'delivered' });
  // BigQuery's answer as it comes (JSON, insertErrors absent), and a page that is not BigQuery's: sent again, never counted inserted.
  assert.deepEqual(classify(answer(200, { kind: 'bigquery#tableDataInsertAllResponse' }, { 'content-type': 'application/json; charset=UTF-8' }), ['m-1', 'm-2']), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(answer(200, page, { 'content-type': 'text/html' })), { status: 'retry', reason: `HTTP 200 without BigQuery's JSON answer (bigquery#tableDataInsertAllResponse): ${page} — not BigQuery's answer (a proxy?), so the rows are sent again (their insertId lets BigQuery drop a copy)` });
  assert.equal((classify(answer(200, '')) as { status: string }).status, 'retry', 'an empty 200 is not BigQuery\'s either');
  assert.deepEqual(classify(answer(200, { kind: 'bigquery#tableDataInsertAllResponse', insertErrors: [] })), { status: 'delivered' });
  const outcome = classify(answer(200, { insertErrors: [
    { index: 0, errors: [{ reason: 'stopped', location: '', debugInfo: '', message: '' }] },
    { index: 1, errors: [{ reason: 'invalid', location: 'timestamp', debugInfo: '', message: 'Could not parse \'soon\' as a timestamp.' }] },
    { index: 2, errors: [{ reason: 'stopped', location: '', debugInfo: '', message: '' }] },
  ] }), ['m-1', 'm-2', 'm-3']);
  assert.deepEqual(outcome, { perEvent: {
    'm-1': { status: 'resend', reason: 'BigQuery did not insert this row because another row of the request was refused (stopped): sent again without it' },
    'm-2': { status: 'dead_letter', reason: 'BigQuery refused the row (invalid at timestamp: Could not parse \'soon\' as a timestamp.): fix the blueprint or the table\'s column types, then replay the dead letters' },
    'm-3': { status: 'resend', reason: 'BigQuery did not insert this row because another row of the request was refused (stopped): sent again without it' },
  } });
  // An invalid row and no word on the others: with skipInvalidRows false none was inserted, so they are sent again, never counted delivered.
  assert.deepEqual(classify(answer(200, { insertErrors: [{ index: 1, errors: [{ reason: 'invalid', location: 'colour', message: 'no such field: colour.' }] }] }), ['m-1', 'm-2', 'm-3']), { perEvent: {
    'm-2': { status: 'dead_letter', reason: 'BigQuery refused the row (invalid at colour: no such field: colour.): the table has no column colour — add the column (see the CREATE TABLE of the plugin README) or leave it out of the blueprint, then replay the dead letters' },
    'm-1': { status: 'resend', reason: 'BigQuery refused another row of the request as invalid, so (skipInvalidRows false) it inserted none of them, and named no error for this one: sent again' },
    'm-3': { status: 'resend', reason: 'BigQuery refused another row of the request as invalid, so (skipInvalidRows false) it inserted none of them, and named no error for this one: sent again' },
  } });
  const missing = classify(answer(200, { insertErrors: [{ index: 0, errors: [{ reason: 'invalid', location: 'colour', message: 'no such field: colour.' }] }] }));
  assert.match(JSON.stringify(missing), /the table has no column colour — add the column \(see the CREATE TABLE of the plugin README\) or leave it out of the blueprint/);
  assert.deepEqual(classify(answer(200, { insertErrors: [{ index: '1', errors: [{ reason: 'backendError', message: 'try again' }] }] }), ['m-1', 'm-2']), {
    perEvent: { 'm-2': { status: 'retry', reason: 'BigQuery did not insert this row (backendError: try again): sent again' } },
  }, 'int64 indexes may come as text; rows not named were inserted');
  assert.equal((classify(answer(200, { insertErrors: [{ index: 5, errors: [{ reason: 'invalid' }] }] })) as { status: string }).status, 'retry', 'a row the request does not have: all sent again');
});

test('classify: quota and rate limits (403 or 429) are retried as throttling, after Retry-After; 5xx retried', () => {
  assert.deepEqual(classify(googleError(403, 'quotaExceeded', 'Exceeded rate limits: too many table update operations', 'PERMISSION_DENIED')), {
    status: 'retry', reason: 'BigQuery\'s streaming quota or rate limit was reached (HTTP 403 quotaExceeded: Exceeded rate limits: too many table update operations)', throttled: true,
  });
  assert.deepEqual(classify(googleError(403, 'rateLimitExceeded', 'Exceeded rate limits', 'PERMISSION_DENIED')), {
    status: 'retry', reason: 'BigQuery\'s streaming quota or rate limit was reached (HTTP 403 rateLimitExceeded: Exceeded rate limits)', throttled: true,
  });
  const limited = classify(answer(429, { error: { code: 429, message: 'Too many requests', status: 'RESOURCE_EXHAUSTED' } }, { 'Retry-After': '30' }));
  assert.deepEqual(limited, { status: 'retry', reason: 'BigQuery\'s streaming quota or rate limit was reached (HTTP 429 RESOURCE_EXHAUSTED: Too many requests)', throttled: true, retryAfterMs: 30_000 });
  assert.deepEqual(classify(googleError(503, 'backendError', 'Error encountered during execution. Retrying may solve the problem.', 'UNAVAILABLE')), {
    status: 'retry', reason: 'BigQuery failed (HTTP 503 backendError: Error encountered during execution. Retrying may solve the problem.)',
  });
  assert.equal((classify(answer(502, '<html>Bad Gateway</html>')) as { status: string }).status, 'retry');
  assert.equal((classify(googleError(400, 'tableUnavailable', 'The table is unavailable')) as { status: string }).status, 'retry');
});

test('classify: 404 retried (a new table), 403, 401, 400 dead-letter saying what to fix, naming the config fields and the service account; a too-large request is split', () => {
  const notFound = classify(googleError(404, 'notFound', 'Not found: Table shop-analytics:signal.events', 'NOT_FOUND'));
  // Retried: streaming may not find a table created minutes ago; dead-lettered with this reason once the tries run out.
  assert.deepEqual(notFound, { status: 'retry', reason: 'BigQuery has no table shop-analytics.signal.events (HTTP 404 notFound: Not found: Table shop-analytics:signal.events): check config.project_id, config.dataset_id and config.table_id, and create the table with the CREATE TABLE of the plugin README (a table created in the last minutes may not be found yet); then replay the dead letters' });
  // A missing dataset, or a 404 that is not BigQuery's answer: a wrong config, dead-lettered at once.
  assert.match(JSON.stringify(classify(googleError(404, 'notFound', 'Not found: Dataset shop-analytics:signals', 'NOT_FOUND'))), /^\{"status":"dead_letter","reason":"BigQuery has no table shop-analytics\.signal\.events \(HTTP 404 notFound: Not found: Dataset shop-analytics:signals\): check config\.project_id, config\.dataset_id/);
  assert.equal((classify(answer(404, '<html>Not Found</html>')) as { status: string }).status, 'dead_letter');
  const denied = reasonOf(classify(googleError(403, 'accessDenied', 'Access Denied: Table shop-analytics:signal.events: Permission bigquery.tables.updateData denied', 'PERMISSION_DENIED')));
  assert.match(denied, /^BigQuery denied access \(HTTP 403 accessDenied: Access Denied: .*\): grant signal-writer@shop-analytics\.iam\.gserviceaccount\.com the BigQuery Data Editor role \(roles\/bigquery\.dataEditor\) on the dataset signal/);
  assert.match(reasonOf(classify(googleError(403, 'accessDenied', 'Access Denied: BigQuery BigQuery: Streaming insert is not allowed in the free tier', 'PERMISSION_DENIED'))), /streaming is not available in BigQuery's free tier — enable billing on project shop-analytics \(config\.project_id\)/);
  assert.match(reasonOf(classify(answer(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }))), /^BigQuery refused the access token, also once renewed \(HTTP 401 UNAUTHENTICATED: Request had invalid authentication credentials\.\): check that the key in config\.service_account_key is current/);
  assert.deepEqual(classify(googleError(400, 'invalid', 'Invalid table ID "events$x".'), ['m-1', 'm-2']), { status: 'dead_letter', reason: 'BigQuery refused the request (HTTP 400 invalid: Invalid table ID "events$x".): check the table shop-analytics.signal.events and the config, then replay the dead letters' });
  assert.deepEqual(classify(googleError(400, 'badRequest', 'Request payload size exceeds the limit: 10485760 bytes.'), ['m-1', 'm-2']), { status: 'split', reason: 'BigQuery refused the request as too large (HTTP 400 badRequest: Request payload size exceeds the limit: 10485760 bytes.): sending it in halves' });
  assert.equal((classify(answer(413, 'Request Entity Too Large')) as { status: string }).status, 'dead_letter', 'one row alone is not split');
});

test('config: project, dataset and table ids as BigQuery names them, a readable service account key; every message names its field', () => {
  assert.deepEqual(validateBigQueryConfig(CONFIG), []);
  assert.deepEqual(validateBigQueryConfig({ ...CONFIG, project_id: 'example.com:shop-analytics', table_id: 'web events', insert_id: false, forward_deletions: false }), []);
  const problems = (config: Record<string, JsonValue>) => validateBigQueryConfig({ ...CONFIG, ...config }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(problems({ project_id: '123456789012' }), ['project_id: is "123456789012", a project number: give the project ID (Cloud console > project picker, the ID column, e.g. shop-analytics)']);
  assert.deepEqual(problems({ project_id: 'shop-analytics.signal' }), ['project_id: is "shop-analytics.signal": give the project ID alone, and the dataset and table in dataset_id and table_id']);
  assert.match(problems({ project_id: 'My Shop' })[0]!, /^project_id: is "My Shop": a project ID is 6 to 30 lower-case letters/);
  assert.deepEqual(problems({ dataset_id: 'shop-analytics.signal' }), ['dataset_id: is "shop-analytics.signal": give the dataset ID alone (e.g. signal), the project in project_id and the table in table_id']);
  assert.deepEqual(problems({ dataset_id: 'web-events' }), ['dataset_id: is "web-events": a dataset ID holds only letters, digits and underscores (a hyphen is refused by BigQuery)']);
  assert.match(problems({ table_id: 'signal.events' })[0]!, /^table_id: is "signal\.events": give the table ID alone/);
  assert.match(problems({ table_id: 'events$20240324' })[0]!, /^table_id: .*without a partition or snapshot decorator/);
  for (const unsafe of ['events`; DROP TABLE x; --', 'ev\\ents', 'ev"ents', 'ev\nents']) assert.match(problems({ table_id: unsafe })[0] ?? '', /^table_id: /, JSON.stringify(unsafe));
  assert.deepEqual(problems({ service_account_key: '{"type":"authorized_user"}' }), ['service_account_key: is a key file of type "authorized_user", not "service_account"']);
  assert.deepEqual(validateBigQueryConfig({}).map((p) => p.field), ['project_id', 'dataset_id', 'table_id', 'service_account_key']);
  assert.equal(JSON.stringify(validateBigQueryConfig({ ...CONFIG, service_account_key: KEY_FILE.replace('PRIVATE KEY', 'PRIVATE KEE') })).includes('BEGIN'), false, 'a message never quotes the key');
});

test('the token: the service account\'s assertion at Google\'s token endpoint, for the bigquery scope with deletions, bigquery.insertdata without', () => {
  const claimsOf = (config: Record<string, JsonValue>) => {
    const request = bigQueryTokenRequest(ctx(config));
    assert.equal(request.url, 'https://oauth2.googleapis.com/token');
    const form = new URLSearchParams(request.body as string);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    return JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as { iss: string; scope: string; iat: number };
  };
  assert.deepEqual(bigquery.accessToken!.usedBy, ['delivery', 'forgetPerson']);
  const claims = claimsOf({});
  assert.deepEqual([claims.iss, claims.scope, claims.iat], [SA_EMAIL, BIGQUERY_SCOPE, NOW / 1000]);
  assert.equal(claimsOf({ forward_deletions: false }).scope, INSERT_SCOPE);
  assert.throws(() => bigQueryTokenRequest(ctx({ service_account_key: '{' })), /config\.service_account_key is not JSON/);
  assert.throws(() => readBigQueryTokenAnswer(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })), /^PermanentError: Google refused the service account's assertion \(HTTP 400, invalid_grant: Invalid JWT Signature\.\): the key in config\.service_account_key was deleted or disabled/);
  assert.deepEqual(readBigQueryTokenAnswer(answer(200, { access_token: 'ya29.c', expires_in: 3599 })), { accessToken: 'ya29.c', expiresInSeconds: 3599 });
});

test('person deletions: one jobs.query DELETE with the ids as named parameters, never in the statement; placeholders skipped; off with forward_deletions false', () => {
  const forget = bigquery.forgetPerson!;
  assert.equal(forget.enabled(CONFIG), true);
  assert.equal(forget.enabled({ ...CONFIG, forward_deletions: false }), false);
  const sneaky = "u-1' OR '1'='1";
  assert.deepEqual(forget.request({ userId: sneaky, anonymousId: VISITOR }, ctx()), {
    method: 'POST', url: 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/queries',
    headers: { authorization: 'Bearer ya29.test-token', 'content-type': 'application/json' },
    body: {
      query: 'DELETE FROM `shop-analytics.signal.events` WHERE user_id = @user_id OR previous_id = @user_id OR anonymous_id = @anonymous_id OR previous_id = @anonymous_id',
      useLegacySql: false, parameterMode: 'NAMED',
      queryParameters: [
        { name: 'user_id', parameterType: { type: 'STRING' }, parameterValue: { value: sneaky } },
        { name: 'anonymous_id', parameterType: { type: 'STRING' }, parameterValue: { value: VISITOR } },
      ],
      timeoutMs: WAIT_MS,
    },
    eventIds: [],
  });
  assert.deepEqual(deleteStatement({ userId: null, anonymousId: VISITOR }, { projectId: 'p-shop', datasetId: 'd', tableId: 't' })?.query, 'DELETE FROM `p-shop.d.t` WHERE anonymous_id = @anonymous_id OR previous_id = @anonymous_id');
  assert.deepEqual(forget.request({ userId: 'undefined', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no row under them' });
});

test('deletion answers: done with the rows deleted; a running job waited for once through getQueryResults, then tried again; the streaming buffer: older rows deleted at once, then tried again; roles, table and statement problems failed in words', () => {
  const query = bigquery.forgetPerson!.request({ userId: 'u-1', anonymousId: null }, ctx()) as RequestDescriptor;
  const done = { kind: 'bigquery#queryResponse', jobReference: { projectId: 'shop-analytics', jobId: 'job_abc', location: 'EU' }, jobComplete: true, numDmlAffectedRows: '3', dmlStats: { deletedRowCount: '3' } };
  assert.deepEqual(readDeletionAnswer(answer(200, done), query), { done: true, message: 'BigQuery deleted 3 rows (job job_abc)' });
  assert.deepEqual(readDeletionAnswer(answer(200, { ...done, dmlStats: undefined, numDmlAffectedRows: '1' }), query), { done: true, message: 'BigQuery deleted 1 row (job job_abc)' });
  const running = readDeletionAnswer(answer(200, { jobReference: done.jobReference, jobComplete: false }), query);
  assert.deepEqual(running, { next: {
    method: 'GET', url: 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/queries/job_abc',
    query: [['location', 'EU'], ['maxResults', '0'], ['timeoutMs', String(WAIT_MS)]], headers: { authorization: 'Bearer ya29.test-token' }, eventIds: [],
  } });
  const wait = (running as { next: RequestDescriptor }).next;
  assert.deepEqual(readDeletionAnswer(answer(200, { jobReference: done.jobReference, jobComplete: true, numDmlAffectedRows: '0' }), wait), { done: true, message: 'BigQuery deleted 0 rows (job job_abc)' });
  assert.deepEqual(readDeletionAnswer(answer(200, { jobReference: done.jobReference, jobComplete: false }), wait), { retry: 'BigQuery\'s DELETE job job_abc was still running: asked again later (deleting again is harmless)' });
  // The streaming buffer: the person's older rows deleted at once (the same DELETE, limited to rows received over 90 minutes ago), then tried again.
  const refusal = googleError(400, 'invalidQuery', 'UPDATE or DELETE statement over table shop-analytics.signal.events would affect rows in the streaming buffer, which is not supported');
  const buffer = readDeletionAnswer(refusal, query);
  const queryBody = query.body as JsonObject;
  const settled = { ...query, body: { ...queryBody, query: 'DELETE FROM `shop-analytics.signal.events` WHERE (user_id = @user_id OR previous_id = @user_id) AND received_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 90 MINUTE)' } };
  assert.deepEqual(buffer, { next: settled }, 'same url, token, parameters and job options; the ids still only as parameters');
  const advice = 'tried again in 90 minutes, once the streaming buffer has let the rows go; should the tries still run out, request the deletion again (deletePerson with the same ids)';
  assert.deepEqual(readDeletionAnswer(answer(200, { ...done, dmlStats: { deletedRowCount: '12' } }), settled), {
    retry: `BigQuery refused the DELETE: the person's rows streamed in the last 30 to 90 minutes are still in its streaming buffer; 12 of their rows received more than 90 minutes ago were deleted (job job_abc): ${advice}`,
    afterSeconds: 5400,
  }, 'never done: the latest rows are still there; the next try after the buffer\'s 90 minutes');
  assert.match(JSON.stringify(readDeletionAnswer(answer(200, { jobReference: done.jobReference, jobComplete: false }), settled)), /"retry":".*was still running \(job job_abc\): tried again in 90 minutes.*","afterSeconds":5400/);
  assert.deepEqual(readDeletionAnswer(refusal, settled), {
    retry: `BigQuery refused the DELETE: the person's rows streamed in the last 30 to 90 minutes are still in its streaming buffer; deleting their older rows alone failed too (HTTP 400 invalidQuery: UPDATE or DELETE statement over table shop-analytics.signal.events would affect rows in the streaming buffer, which is not supported): ${advice}`,
    afterSeconds: 5400,
  });
  assert.ok('retry' in readDeletionAnswer(googleError(400, 'invalidQuery', 'Unrecognized name: received_at at [1:120]'), settled), 'a table without received_at: still only tried again, the full DELETE decides');
  assert.deepEqual(readDeletionAnswer(refusal, wait), { retry: `BigQuery cannot delete rows streamed in the last 30 to 90 minutes (its streaming buffer) and refused the DELETE (HTTP 400 invalidQuery: UPDATE or DELETE statement over table shop-analytics.signal.events would affect rows in the streaming buffer, which is not supported): ${advice}`, afterSeconds: 5400 }, 'a job waited for carries no statement to limit');
  assert.equal(settledStatement('DELETE FROM `p.d.a WHERE b` WHERE anonymous_id = @anonymous_id OR previous_id = @anonymous_id'), 'DELETE FROM `p.d.a WHERE b` WHERE (anonymous_id = @anonymous_id OR previous_id = @anonymous_id) AND received_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 90 MINUTE)', 'a table named with " WHERE " keeps its name');
  assert.match(JSON.stringify(readDeletionAnswer(googleError(403, 'accessDenied', 'Access Denied: Project shop-analytics: User does not have bigquery.jobs.create permission in project shop-analytics.', 'PERMISSION_DENIED'), query)), /"failed":"HTTP 403 accessDenied: .* — grant the service account of config\.service_account_key the BigQuery Job User role \(roles\/bigquery\.jobUser\) on project shop-analytics/);
  assert.match(JSON.stringify(readDeletionAnswer(googleError(404, 'notFound', 'Not found: Table shop-analytics:signal.events', 'NOT_FOUND'), query)), /check config\.project_id, config\.dataset_id and config\.table_id/);
  assert.match(JSON.stringify(readDeletionAnswer(googleError(400, 'invalidQuery', 'Cannot query over table \'signal.events\' without a filter over column(s) \'received_at\' that can be used for partition elimination'), query)), /requires a partition filter/);
  assert.match(JSON.stringify(readDeletionAnswer(googleError(400, 'invalidQuery', 'Unrecognized name: previous_id at [1:90]'), query)), /lacks a column the deletion reads/);
  assert.ok('retry' in readDeletionAnswer(googleError(403, 'rateLimitExceeded', 'Exceeded rate limits', 'PERMISSION_DENIED'), query));
  assert.ok('retry' in readDeletionAnswer(answer(503, ''), query));
  assert.ok('failed' in readDeletionAnswer(answer(401, { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } }), query));
});
