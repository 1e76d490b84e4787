import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import redshift from './index.ts';
import { classifyStatement, STALE_MARGIN_MS } from './classify.ts';
import { connectionFields, qualifiedTable, redshiftConfigWarnings, validateRedshiftConfig } from './config.ts';
import { errorKind } from './data-api-error.ts';
import { deleteStatement, deletionRequest, readDeletionAnswer } from './forget-person.ts';
import { derivedToken, endpointOf, insertRequests, insertStatement, MAX_ROWS, MAX_SQL_BYTES, signDataApiRequest, type StatementMemo } from './requests.ts';
import { tableRow } from './table-row.ts';

const CONFIG = {
  region: 'eu-west-1', cluster_identifier: 'analytics-cluster', database: 'dev', db_user: 'signal_writer', schema: 'signal', table: 'events',
  access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { ...CONFIG, ...config }, variant, integrationId: 'int_1', revisionId: 'rev_1', options: {}, now: NOW });
const VISITOR = 'df_rs0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks?e=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/amazon_redshift/${variant}.yaml`, import.meta.url), 'utf8');
const rowOf = (event: CanonicalEvent, variant = 'default'): JsonObject => {
  const result = createEventMapper(redshift, { variant, blueprint: blueprint(variant) }, ctx({}, variant))(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }),
});
const awsError = (status: number, type: string, message: string) => answer(status, { __type: type, Message: message }, { 'x-amzn-errortype': type });
const record = (id: string, payload: JsonObject = { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const insert = (ids: string[] = ['m-1']): RequestDescriptor => insertRequests(ids.map((id) => record(id)), ctx())[0]!;
const STATEMENT_ID = 'd9b6c0c9-0747-4bf4-b142-e8883122f766';
const described = (status: string, extra: Record<string, unknown> = {}) => answer(200, { Id: STATEMENT_ID, Status: status, CreatedAt: (NOW + 200) / 1000, ...extra });
/** The describe request an INSERT's ExecuteStatement answer leads to. */
function describeOf(ids: string[] = ['m-1']): RequestDescriptor {
  const result = classifyStatement(answer(200, { Id: STATEMENT_ID, ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer', CreatedAt: NOW / 1000 }), insert(ids), ctx());
  assert.ok('next' in result);
  return result.next[0]!;
}
const statusOf = (result: ClassifyResult): string => ('next' in result ? 'next' : 'status' in result ? result.status : 'perEvent');
const reasonOf = (result: ClassifyResult): string => ('reason' in result ? result.reason : '');

test('a track event maps to the README\'s row: ids and names as text, times in UTC, properties and context kept as JSON values', () => {
  const event = browserEvent();
  assert.deepEqual(rowOf(event), {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: event.properties as JsonObject, context: event.context as JsonObject,
  });
});

test('without_contact_info: no email in properties, no IP, URLs without queries, no id that is an email — whatever the blueprint maps', () => {
  const row = rowOf(browserEvent({ userId: 'jane@example.com' }), 'without_contact_info');
  assert.equal(row.user_id, undefined);
  assert.deepEqual(row.properties, { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR' });
  const context = row.context as { ip?: string; page: { url: string } };
  assert.equal(context.ip, undefined);
  assert.equal(context.page.url, 'https://shop.example.com/thanks');
  assert.equal(row.anonymous_id, VISITOR);
});

test('rows: placeholder ids left out, required columns and times checked, extra columns kept or left out with a warning', () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  assert.deepEqual(tableRow({ message_id: 'm', type: 'page', user_id: 'undefined', timestamp: 1774368000, received_at: '2026-03-24', Order_Total: 12, 'bad-name': 1, order_total: 3 }, { warn, variant: 'default' }), {
    message_id: 'm', type: 'page', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T00:00:00.000Z', order_total: 12,
  });
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^bad-name left out: a column name Redshift reads unquoted/);
  assert.match(warnings[1]!, /^order_total left out: another column of the row has the same name/);
  assert.throws(() => tableRow({ message_id: 'm', type: 'track', timestamp: 'soon', received_at: '2026-03-24' }, { variant: 'default' }), { name: 'PermanentError', message: /^timestamp: "soon" is not a time/ });
  assert.throws(() => tableRow({ type: 'track', timestamp: '2026-03-24', received_at: '2026-03-24' }, { variant: 'default' }), { name: 'PermanentError', message: /no message_id, which the table declares NOT NULL/ });
});

test('the INSERT: named parameters only, NULL for a missing column, \'\' for an empty text, TIMESTAMPTZ through CAST, SUPER through JSON_PARSE', () => {
  const { sql, parameters } = insertStatement('"signal"."events"', [
    { message_id: 'm-1', type: 'track', event: '', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' } },
    { message_id: 'm-2', type: 'page', name: 'Home', timestamp: '2026-03-24T16:00:02.000Z', received_at: '2026-03-24T16:00:03.000Z' },
  ]);
  assert.equal(sql, 'INSERT INTO "signal"."events" ("message_id", "type", "event", "timestamp", "received_at", "properties", "name") VALUES '
    + '(:p1, :p2, \'\', CAST(:p3 AS TIMESTAMPTZ), CAST(:p4 AS TIMESTAMPTZ), JSON_PARSE(:p5), NULL), '
    + '(:p6, :p7, NULL, CAST(:p8 AS TIMESTAMPTZ), CAST(:p9 AS TIMESTAMPTZ), NULL, :p10)');
  assert.deepEqual(parameters, [
    { name: 'p1', value: 'm-1' }, { name: 'p2', value: 'track' }, { name: 'p3', value: '2026-03-24 16:00:00.000+00' }, { name: 'p4', value: '2026-03-24 16:00:01.000+00' },
    { name: 'p5', value: '{"plan":"pro"}' }, { name: 'p6', value: 'm-2' }, { name: 'p7', value: 'page' }, { name: 'p8', value: '2026-03-24 16:00:02.000+00' },
    { name: 'p9', value: '2026-03-24 16:00:03.000+00' }, { name: 'p10', value: 'Home' },
  ]);
  assert.ok(parameters.every((parameter) => parameter.value.length >= 1), 'the Data API takes no empty parameter value');
});

test('the ExecuteStatement request: the Region\'s endpoint, JSON 1.1 target, connection fields per auth, a ClientToken derived from the events', () => {
  const [request] = insertRequests([record('m-1'), record('m-2')], ctx());
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, 'https://redshift-data.eu-west-1.amazonaws.com/');
  assert.deepEqual(request!.headers, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.ExecuteStatement' });
  assert.equal(request!.endpoint, 'execute_statement');
  const body = request!.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['ClusterIdentifier', 'Database', 'DbUser', 'Sql', 'Parameters', 'ClientToken', 'StatementName']);
  assert.deepEqual([body.ClusterIdentifier, body.Database, body.DbUser, body.StatementName], ['analytics-cluster', 'dev', 'signal_writer', 'signal-insert']);
  assert.match(String(body.ClientToken), /^[0-9a-f]{64}$/);
  assert.equal(insertRequests([record('m-1'), record('m-2')], ctx())[0]!.body && (insertRequests([record('m-1'), record('m-2')], ctx())[0]!.body as Record<string, unknown>).ClientToken, body.ClientToken, 'the same events, the same token');
  assert.notEqual((insertRequests([record('m-1')], ctx())[0]!.body as Record<string, unknown>).ClientToken, body.ClientToken, 'other events, another token');
  assert.deepEqual(request!.eventIds, ['m-1', 'm-2']);
  assert.deepEqual(connectionFields({ ...CONFIG, db_user: '', workgroup_name: 'signal-wg', cluster_identifier: '' }), { WorkgroupName: 'signal-wg', Database: 'dev' });
  assert.deepEqual(connectionFields({ ...CONFIG, db_user: '', secret_arn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rs-AbCdEf' }), { ClusterIdentifier: 'analytics-cluster', Database: 'dev', SecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rs-AbCdEf' });
  assert.deepEqual(connectionFields({ ...CONFIG, db_user: '' }), { ClusterIdentifier: 'analytics-cluster', Database: 'dev' });
  assert.equal(endpointOf('cn-north-1'), 'https://redshift-data.cn-north-1.amazonaws.com.cn/');
  assert.equal(qualifiedTable({ schema: 'Signal', table: 'Events' }), '"signal"."events"');
  assert.equal(qualifiedTable({ table: 'events' }), '"public"."events"');
  assert.throws(() => qualifiedTable({ schema: 'signal', table: 'events"; DROP TABLE x; --' }), /config.table is not a name/);
});

test('batches: at most 100 rows a statement, SQL text within 100 kB, a row too large alone refused naming its size', () => {
  const many = Array.from({ length: MAX_ROWS + 20 }, (_, index) => record(`m-${index}`));
  const requests = insertRequests(many, ctx());
  assert.deepEqual(requests.map((request) => request.eventIds.length), [MAX_ROWS, 20]);
  const wide: JsonObject = { message_id: 'w', type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' };
  for (let index = 0; index < 400; index++) wide[`column_with_a_long_name_number_${index}`] = 'x';
  const split = insertRequests(Array.from({ length: 40 }, (_, index) => record(`w-${index}`, { ...wide, message_id: `w-${index}` })), ctx());
  assert.ok(split.length > 1);
  for (const request of split) assert.ok(Buffer.byteLength((request.body as { Sql: string }).Sql) <= MAX_SQL_BYTES);
  assert.deepEqual(split.flatMap((request) => request.eventIds), Array.from({ length: 40 }, (_, index) => `w-${index}`));
  assert.throws(() => insertRequests([record('huge', { ...wide, properties: { blob: 'x'.repeat(1_100_000) } })], ctx()), { name: 'PermanentError', message: /^the row is [\d,]+ bytes of statement and parameters/ });
});

test('sign: SigV4 for redshift-data in the Region at the sending time, the session token signed along', () => {
  const signed = signDataApiRequest(insert(), { config: { ...CONFIG, access_key_id: 'ASIAIOSFODNN7EXAMPLE', session_token: 'FwoGZXIvYXdzEXAMPLE' }, now: NOW });
  assert.equal(signed.headers?.['x-amz-date'], '20261130T120000Z');
  assert.equal(signed.headers?.['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE');
  assert.match(signed.headers?.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE\/20261130\/eu-west-1\/redshift-data\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
});

test('classify: ExecuteStatement\'s Id followed by DescribeStatement; FINISHED delivered; running asked again up to 4 follow-ups, then retried', () => {
  const describe = describeOf(['m-1', 'm-2']);
  assert.equal(describe.url, 'https://redshift-data.eu-west-1.amazonaws.com/');
  assert.deepEqual(describe.headers, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.DescribeStatement' });
  assert.deepEqual(describe.body, { Id: STATEMENT_ID });
  assert.deepEqual(describe.eventIds, ['m-1', 'm-2']);
  assert.equal(describe.endpoint, 'describe_statement');
  assert.deepEqual(classifyStatement(described('FINISHED', { ResultRows: 2 }), describe, ctx()), { status: 'delivered' });
  let request = describe;
  for (let depth = 1; depth < 4; depth++) {
    const result = classifyStatement(described(['SUBMITTED', 'PICKED', 'STARTED'][depth - 1]!), request, ctx());
    assert.ok('next' in result, `still running at depth ${depth}: asked again`);
    request = result.next[0]!;
    assert.equal((request.memo as unknown as StatementMemo).depth, depth + 1);
  }
  const last = classifyStatement(described('STARTED'), request, ctx());
  assert.equal(statusOf(last), 'retry');
  assert.match(reasonOf(last), /still running statement d9b6c0c9-0747-4bf4-b142-e8883122f766 \(STARTED\) after 4 checks: sent again with the same ClientToken/);
  assert.equal(statusOf(classifyStatement(answer(200, '<html>proxy</html>'), insert(), ctx())), 'retry', 'a 2xx without an Id is not the Data API\'s');
  assert.equal(statusOf(classifyStatement(answer(200, {}), describe, ctx())), 'retry', 'a 2xx without a Status is not the Data API\'s');
});

test('classify: a FAILED statement — a bad value split down to its row, the table or grants dead-lettered naming what to fix', () => {
  const error = (message: string, ids = ['m-1', 'm-2']) => classifyStatement(described('FAILED', { Error: message }), describeOf(ids), ctx());
  const tooLong = error('ERROR: value too long for type character varying(256)');
  assert.equal(statusOf(tooLong), 'split');
  const alone = error('ERROR: value too long for type character varying(256)', ['m-1']);
  assert.equal(statusOf(alone), 'dead_letter');
  assert.match(reasonOf(alone), /Redshift refused a value of this row \(statement d9b6.* failed: ERROR: value too long for type character varying\(256\)\): fix what the blueprint maps, or the column's type or length in signal\.events/);
  assert.equal(statusOf(error('ERROR: Invalid JSON: parse error at position 4', ['m-1'])), 'dead_letter');
  assert.match(reasonOf(error('ERROR: relation "signal.events" does not exist')), /^Redshift has no table signal\.events .*check config\.database, config\.schema and config\.table/);
  assert.match(reasonOf(error('ERROR: column "colour" of relation "events" does not exist')), /has no column colour/);
  assert.match(reasonOf(error('ERROR: permission denied for relation events')), /database user signal_writer \(config\.db_user\) may not insert into signal\.events .*GRANT INSERT ON signal\.events/);
  assert.match(reasonOf(error('ERROR: syntax error at or near "order"')), /Redshift refused the INSERT's text/);
  assert.deepEqual(errorKind('ERROR: 1023 DETAIL: Serializable isolation violation on table - 123, transactions forming the cycle are: 1, 2'), { kind: 'transient' });
});

test('classify: a statement failing for a passing reason (or aborted) is run once more at once, as a new statement with a token of its own; then retried', () => {
  const describe = describeOf(['m-1', 'm-2']);
  const first = classifyStatement(described('FAILED', { Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table' }), describe, ctx());
  assert.ok('next' in first);
  const rerun = first.next[0]!;
  assert.equal(rerun.headers?.['x-amz-target'], 'RedshiftData.ExecuteStatement');
  const original = insert(['m-1', 'm-2']).body as Record<string, unknown>;
  const body = rerun.body as Record<string, unknown>;
  assert.deepEqual([body.Sql, body.Parameters], [original.Sql, original.Parameters], 'the same statement');
  assert.equal(body.ClientToken, derivedToken(['rerun', String(original.ClientToken), STATEMENT_ID]));
  assert.notEqual(body.ClientToken, original.ClientToken);
  // Its answer followed, and a second failure retried (no second re-run).
  const next = classifyStatement(answer(200, { Id: 'a1b2c3d4-0747-4bf4-b142-e8883122f766' }), rerun, ctx());
  assert.ok('next' in next);
  const again = classifyStatement(described('ABORTED'), next.next[0]!, ctx());
  assert.equal(statusOf(again), 'retry');
  // An old failure (the Data API answered a token it remembers): run once more even for a table error.
  const stale = classifyStatement(described('FAILED', { Error: 'ERROR: relation "signal.events" does not exist', CreatedAt: (NOW - STALE_MARGIN_MS - 60_000) / 1000 }), describeOf(), ctx());
  assert.equal(statusOf(stale), 'next');
});

test('classify: refused requests — throttled, denied, invalid, failing — each as the core expects, naming the field or IAM action', () => {
  const request = insert(['m-1', 'm-2']);
  const of = (response: VendorResponse, req = request) => classifyStatement(response, req, ctx());
  const busy = of(awsError(400, 'ActiveStatementsExceededException', 'Active statements exceeded the allowed quota.'));
  assert.deepEqual([statusOf(busy), 'throttled' in busy && busy.throttled], ['retry', true]);
  const slow = of(awsError(400, 'ThrottlingException', 'Rate exceeded'));
  assert.equal('throttled' in slow && slow.throttled, true);
  const limited = of({ ...answer(429, { message: 'Too Many Requests' }), headers: { 'retry-after': '3' } });
  assert.deepEqual(['throttled' in limited && limited.throttled, 'retryAfterMs' in limited && limited.retryAfterMs], [true, 3000]);
  for (const type of ['InternalServerException', 'ExecuteStatementException', 'DatabaseConnectionException']) assert.equal(statusOf(of(awsError(500, type, 'failed'))), 'retry', type);
  const denied = of(awsError(400, 'AccessDeniedException', 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: redshift:GetClusterCredentials'));
  assert.equal(statusOf(denied), 'dead_letter');
  assert.match(reasonOf(denied), /grant the IAM identity of config\.access_key_id redshift-data:ExecuteStatement, redshift:GetClusterCredentials on the cluster's dbuser:analytics-cluster\/signal_writer/);
  assert.match(reasonOf(of(awsError(400, 'AccessDeniedException', 'denied'), describeOf())), /redshift-data:DescribeStatement/);
  assert.match(reasonOf(of(awsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.'))), /config\.access_key_id and config\.secret_access_key/);
  assert.match(reasonOf(of(awsError(400, 'ExpiredTokenException', 'The security token included in the request is expired'))), /config\.session_token/);
  assert.match(reasonOf(of(awsError(400, 'ValidationException', 'Cluster analytics-cluster not found.'))), /check config\.cluster_identifier and config\.region/);
  assert.match(reasonOf(of(awsError(400, 'ValidationException', 'Workgroup signal-wg not found.'))), /check config\.workgroup_name/);
  assert.equal(statusOf(of(awsError(400, 'ValidationException', 'Cannot process query string larger than 100kB'))), 'split');
  assert.equal(statusOf(of(awsError(400, 'ValidationException', 'Cluster analytics-cluster is paused.'))), 'retry');
  assert.equal(statusOf(of(awsError(400, 'ResourceNotFoundException', 'Query does not exist.'), describeOf())), 'retry');
  assert.equal(statusOf(of(awsError(400, 'ValidationException', 'Id is invalid.'), describeOf())), 'retry', 'DescribeStatement takes only the Data API\'s own Id');
  for (const status of [502, 503, 408]) assert.equal(statusOf(of(answer(status, 'upstream'))), 'retry');
});

test('config validation names the field and what was expected', () => {
  assert.deepEqual(validateRedshiftConfig(CONFIG), []);
  const fields = (config: Record<string, JsonValue>) => validateRedshiftConfig(config).map((problem) => problem.field);
  assert.deepEqual(fields({ ...CONFIG, cluster_identifier: '' }), ['cluster_identifier']);
  assert.match(validateRedshiftConfig({ ...CONFIG, cluster_identifier: '' })[0]!.message, /or workgroup_name for Redshift Serverless/);
  assert.deepEqual(fields({ ...CONFIG, workgroup_name: 'signal-wg' }), ['workgroup_name', 'db_user']);
  assert.deepEqual(fields({ ...CONFIG, cluster_identifier: 'analytics.abc123.eu-west-1.redshift.amazonaws.com' }), ['cluster_identifier']);
  assert.deepEqual(fields({ ...CONFIG, cluster_identifier: 'Analytics_Cluster' }), ['cluster_identifier']);
  assert.deepEqual(fields({ ...CONFIG, table: 'signal.events' }), ['table']);
  assert.match(validateRedshiftConfig({ ...CONFIG, table: 'signal.events' })[0]!.message, /give the table alone/);
  assert.deepEqual(fields({ ...CONFIG, schema: '"My Schema"' }), ['schema']);
  assert.deepEqual(fields({ ...CONFIG, region: 'Europe (Ireland)' }), ['region']);
  assert.deepEqual(fields({ ...CONFIG, secret_arn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rs-AbCdEf' }), ['db_user']);
  assert.deepEqual(fields({ ...CONFIG, db_user: '', secret_arn: 'redshift/signal-writer' }), [], 'a secret\'s name: the Data API takes it too');
  assert.deepEqual(fields({ ...CONFIG, db_user: '', secret_arn: 'my secret!' }), ['secret_arn']);
  assert.deepEqual(fields({ ...CONFIG, db_user: '', secret_arn: 'arn:aws:s3:::bucket' }), ['secret_arn']);
  assert.deepEqual(fields({ ...CONFIG, db_user: '', secret_arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rs-AbCdEf' }), ['secret_arn']);
  assert.deepEqual(fields({ ...CONFIG, db_user: 'signal writer' }), ['db_user']);
  assert.deepEqual(fields({ ...CONFIG, cluster_identifier: '', db_user: '', workgroup_name: 'arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/0a1b2c3d-0000-4000-8000-000000000001' }), ['workgroup_name']);
  assert.deepEqual(fields({ ...CONFIG, cluster_identifier: '', db_user: '', workgroup_name: 'signal-wg' }), []);
  assert.deepEqual(fields({ ...CONFIG, secret_access_key: 'wJal rXUtnFEMI' }), ['secret_access_key']);
  assert.deepEqual(fields({ ...CONFIG, database: '' }), ['database']);
  assert.deepEqual(redshiftConfigWarnings({ ...CONFIG, session_token: '••••' }).map((problem) => problem.field), ['session_token']);
});

test('person deletions: a DELETE with parameters, followed through DescribeStatement; its answers read', () => {
  assert.deepEqual(deleteStatement({ userId: 'u-1', anonymousId: 'null' }, '"signal"."events"'), {
    sql: 'DELETE FROM "signal"."events" WHERE user_id = :user_id OR previous_id = :user_id', parameters: [{ name: 'user_id', value: 'u-1' }],
  });
  assert.deepEqual(deletionRequest({ userId: 'undefined', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no row under them' });
  const request = deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx()) as RequestDescriptor;
  assert.equal(request.headers?.['x-amz-target'], 'RedshiftData.ExecuteStatement');
  assert.deepEqual(request.body, {
    ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer',
    Sql: 'DELETE FROM "signal"."events" WHERE user_id = :user_id OR previous_id = :user_id OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id',
    Parameters: [{ name: 'user_id', value: 'u-1' }, { name: 'anonymous_id', value: 'df_1' }], StatementName: 'signal-person-deletion',
  });
  assert.deepEqual(request.eventIds, []);
  const queued = readDeletionAnswer(answer(200, { Id: STATEMENT_ID }), request, ctx());
  assert.ok('next' in queued);
  assert.deepEqual(queued.next.body, { Id: STATEMENT_ID });
  const running = readDeletionAnswer(described('STARTED'), queued.next, ctx());
  assert.ok('next' in running, 'asked once more');
  assert.ok('retry' in readDeletionAnswer(described('STARTED'), running.next, ctx()), 'then again later');
  assert.deepEqual(readDeletionAnswer(described('FINISHED', { ResultRows: 3 }), queued.next, ctx()), { done: true, message: `Redshift deleted 3 rows (statement ${STATEMENT_ID})` });
  const denied = readDeletionAnswer(described('FAILED', { Error: 'ERROR: permission denied for relation events' }), queued.next, ctx());
  assert.ok('failed' in denied && /GRANT DELETE ON signal\.events to the database user \(config\.db_user signal_writer\)/.test(denied.failed));
  assert.ok('retry' in readDeletionAnswer(described('FAILED', { Error: 'ERROR: 1023 Serializable isolation violation' }), queued.next, ctx()));
  assert.ok('retry' in readDeletionAnswer(awsError(400, 'ActiveStatementsExceededException', 'busy'), request, ctx()));
  const iam = readDeletionAnswer(awsError(400, 'AccessDeniedException', 'not authorized'), request, ctx());
  assert.ok('failed' in iam && /redshift-data:ExecuteStatement, redshift:GetClusterCredentials .* and redshift-data:DescribeStatement/.test(iam.failed));
  assert.equal(redshift.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
  assert.equal(redshift.forgetPerson!.enabled(CONFIG), true);
});
