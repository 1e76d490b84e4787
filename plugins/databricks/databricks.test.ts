import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { MAX_FOLLOW_UPS, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import databricks, { databricksTokenRequest } from './index.ts';
import { classifyStatement, WAREHOUSE_WAIT_MS } from './classify.ts';
import { qualifiedTable, validateDatabricksConfig, warehouseId, workspaceHost } from './config.ts';
import { deleteStatement, deletionRequest, readDeletionAnswer } from './forget-person.ts';
import { insertRequests, insertStatement, MAX_PARAMETERS, memoOf } from './requests.ts';
import { errorClassOf, failureKind, statementStateOf } from './statement-answer.ts';
import { tableRow } from './table-row.ts';

const HOST = 'dbc-a1b2345c-d6e7.cloud.databricks.com';
const CONFIG = { host: HOST, warehouse_id: '1234567890abcdef', access_token: 'dapi0123456789abcdef', catalog: 'main', schema: 'signal', table: 'events' };
const OAUTH = { host: HOST, warehouse_id: '1234567890abcdef', client_id: 'sp-client-id', client_secret: 'dose-secret', catalog: 'main', schema: 'signal', table: 'events' };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default', base: Record<string, JsonValue> = CONFIG): PluginContext => ({ config: { ...base, ...config }, variant, integrationId: 'int_1', revisionId: 'rev_1', options: {}, now: NOW });
const VISITOR = 'df_db0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/thanks?e=jane%40example.com', path: '/thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/databricks/${variant}.yaml`, import.meta.url), 'utf8');
const rowOf = (event: CanonicalEvent, variant = 'default'): JsonObject => {
  const result = createEventMapper(databricks, { variant, blueprint: blueprint(variant) }, ctx({}, variant))(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({
  status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }),
});
const STATEMENT_ID = '01f0c2a4-5b7e-1d3c-9a8f-0e6b7c5d4a3f';
const statement = (state: string, error?: { error_code: string; message: string }, extra: Record<string, unknown> = {}) => answer(200, { statement_id: STATEMENT_ID, status: { state, ...(error === undefined ? {} : { error }) }, ...extra });
const failed = (message: string, errorCode = 'BAD_REQUEST') => statement('FAILED', { error_code: errorCode, message });
const record = (id: string, payload: JsonObject = { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' }): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const insert = (ids: string[] = ['m-1'], config: Record<string, JsonValue> = {}): RequestDescriptor => insertRequests(ids.map((id) => record(id)), ctx(config))[0]!;
const statusOf = (result: ClassifyResult): string => ('next' in result ? 'next' : 'status' in result ? result.status : 'perEvent');
const reasonOf = (result: ClassifyResult): string => ('reason' in result ? result.reason : '');
const nextOf = (result: ClassifyResult): RequestDescriptor => {
  assert.ok('next' in result, `a follow-up: ${JSON.stringify(result)}`);
  assert.equal(result.next.length, 1);
  return result.next[0]!;
};

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
});

test('tableRow: placeholder ids left out, a name Signal cannot write left out with a warning, a missing NOT NULL column refused', () => {
  const warnings: string[] = [];
  const row = tableRow({ message_id: 'm-1', type: 'page', user_id: 'undefined', 'bad name': 1, Plan: 'pro', plan: 'free', timestamp: 1774368000, received_at: '2026-03-24T16:00:01Z', sent_at: 'yesterday' }, { variant: 'default', warn: (m) => warnings.push(m) });
  assert.deepEqual(row, { message_id: 'm-1', type: 'page', plan: 'pro', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T16:00:01.000Z' });
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.match(warnings[0]!, /^bad name left out: a column name Signal writes holds letters, digits and _/);
  assert.match(warnings[1]!, /^plan left out: another column of the row has the same name in another letter case/);
  assert.match(warnings[2]!, /^sent_at left out: "yesterday" is not a time/);
  assert.throws(() => tableRow({ message_id: 'm-1', type: 'track', timestamp: '2026-03-24T16:00:00Z' }, { variant: 'default' }), { name: 'PermanentError', message: /^the row has no received_at, which the table declares NOT NULL/ });
  // An id that is neither text nor a number (a blueprint mapping an object to it) is left out with a warning, not silently.
  const idWarnings: string[] = [];
  const withObjectId = tableRow({ message_id: 'm-1', type: 'track', user_id: { id: 'u-1' }, anonymous_id: 'null', timestamp: '2026-03-24T16:00:00Z', received_at: '2026-03-24T16:00:01Z' }, { variant: 'default', warn: (m) => idWarnings.push(m) });
  assert.equal(withObjectId.user_id, undefined);
  assert.equal(withObjectId.anonymous_id, undefined);
  assert.deepEqual(idWarnings, ['user_id left out: {"id":"u-1"} is not an id (text or a number): check what the blueprint maps to user_id']);
});

test('the INSERT: named parameter markers only, typed, NULL for a column a row lacks, the table quoted with backticks', () => {
  const { sql, parameters } = insertStatement('`main`.`signal`.`events`', [
    { message_id: 'm-1', type: 'track', timestamp: '2026-03-24T16:00:00.000Z', received_at: '2026-03-24T16:00:01.000Z', properties: { plan: 'pro' }, score: 3, ratio: 0.5, vip: true },
    { message_id: 'm-2', type: 'identify', timestamp: '2026-03-24T16:00:02.000Z', received_at: '2026-03-24T16:00:03.000Z', traits: { name: 'Jane' } },
  ], 'STRING');
  assert.equal(sql, 'INSERT INTO `main`.`signal`.`events` (`message_id`, `type`, `timestamp`, `received_at`, `properties`, `score`, `ratio`, `vip`, `traits`) VALUES '
    + '(:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, NULL), (:p9, :p10, :p11, :p12, NULL, NULL, NULL, NULL, :p13)');
  assert.deepEqual(parameters, [
    { name: 'p1', value: 'm-1', type: 'STRING' }, { name: 'p2', value: 'track', type: 'STRING' },
    { name: 'p3', value: '2026-03-24T16:00:00.000Z', type: 'TIMESTAMP' }, { name: 'p4', value: '2026-03-24T16:00:01.000Z', type: 'TIMESTAMP' },
    { name: 'p5', value: '{"plan":"pro"}', type: 'STRING' }, { name: 'p6', value: '3', type: 'BIGINT' }, { name: 'p7', value: '0.5', type: 'DOUBLE' }, { name: 'p8', value: 'true', type: 'BOOLEAN' },
    { name: 'p9', value: 'm-2', type: 'STRING' }, { name: 'p10', value: 'identify', type: 'STRING' },
    { name: 'p11', value: '2026-03-24T16:00:02.000Z', type: 'TIMESTAMP' }, { name: 'p12', value: '2026-03-24T16:00:03.000Z', type: 'TIMESTAMP' },
    { name: 'p13', value: '{"name":"Jane"}', type: 'STRING' },
  ]);
  const variant = insertStatement('`main`.`signal`.`events`', [{ message_id: 'm-1', context: { ip: '1.2.3.4' } }], 'VARIANT');
  assert.equal(variant.sql, 'INSERT INTO `main`.`signal`.`events` (`message_id`, `context`) VALUES (:p1, PARSE_JSON(:p2))');
  assert.deepEqual(variant.parameters[1], { name: 'p2', value: '{"ip":"1.2.3.4"}', type: 'STRING' });
});

test('send: the documented request — POST /api/2.0/sql/statements, Bearer token, warehouse, wait_timeout with CONTINUE; no value in the statement\'s text', () => {
  const [request, ...rest] = insertRequests([record('m-1'), record('m-2')], ctx());
  assert.equal(rest.length, 0);
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, `https://${HOST}/api/2.0/sql/statements`);
  assert.equal(request!.headers!.authorization, 'Bearer dapi0123456789abcdef');
  assert.equal(request!.headers!['content-type'], 'application/json');
  assert.equal(request!.endpoint, 'execute_statement');
  const body = request!.body as Record<string, JsonValue>;
  assert.deepEqual(Object.keys(body), ['warehouse_id', 'statement', 'parameters', 'catalog', 'schema', 'wait_timeout', 'on_wait_timeout', 'disposition', 'format']);
  assert.deepEqual([body.warehouse_id, body.catalog, body.schema, body.wait_timeout, body.on_wait_timeout, body.disposition, body.format], ['1234567890abcdef', 'main', 'signal', '8s', 'CONTINUE', 'INLINE', 'JSON_ARRAY']);
  assert.equal(body.statement, 'INSERT INTO `main`.`signal`.`events` (`message_id`, `type`, `timestamp`, `received_at`) VALUES (:p1, :p2, :p3, :p4), (:p5, :p6, :p7, :p8)');
  assert.ok(!String(body.statement).includes('m-1'));
  assert.deepEqual(request!.eventIds, ['m-1', 'm-2']);
  assert.deepEqual(memoOf(request!), { step: 'execute', depth: 0, verb: 'INSERT' });
  assert.equal(request!.timeoutMs, 13_000, 'the answer may take wait_timeout (8 s): Signal waits 5 s more');
  assert.equal(insert(['m-1'], { wait_timeout_seconds: 50 }).timeoutMs, 55_000);
  const waited = insert(['m-1'], { wait_timeout_seconds: 30, warehouse_id: '/sql/1.0/warehouses/abcdef0123456789' }).body as Record<string, JsonValue>;
  assert.deepEqual([waited.wait_timeout, waited.warehouse_id], ['30s', 'abcdef0123456789']);
});

test('send: rows beyond 256 parameters go in further statements; a row of more than 256 values is refused', () => {
  const batch = Array.from({ length: 100 }, (_, i) => record(`m-${i}`));
  const requests = insertRequests(batch, ctx());
  // 4 values a row: 64 rows a statement.
  assert.deepEqual(requests.map((r) => r.eventIds.length), [64, 36]);
  for (const request of requests) assert.ok(((request.body as { parameters: unknown[] }).parameters).length <= MAX_PARAMETERS);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((e) => e.id), 'every event once, in order');
  const wide = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`c${i}`, i]));
  assert.throws(() => insertRequests([record('w', wide)], ctx()), { name: 'PermanentError', message: /257 values, more than the 256 parameters/ });
});

test('OAuth M2M: the token request (client credentials, Basic, scope all-apis) at the workspace\'s /oidc/v1/token, the token the core obtained as Bearer', () => {
  const oauth = ctx({}, 'default', OAUTH);
  assert.equal(databricks.accessToken!.enabled(oauth.config), true);
  assert.equal(databricks.accessToken!.enabled(ctx().config), false, 'a personal access token needs no exchange');
  const token = databricksTokenRequest(oauth);
  assert.equal(token.method, 'POST');
  assert.equal(token.url, `https://${HOST}/oidc/v1/token`);
  assert.equal(token.headers!.authorization, `Basic ${Buffer.from('sp-client-id:dose-secret').toString('base64')}`);
  assert.equal(token.body, 'grant_type=client_credentials&scope=all-apis');
  const request = insertRequests([record('m-1')], { ...oauth, accessToken: 'eyJhbGciOi.token' })[0]!;
  assert.equal(request.headers!.authorization, 'Bearer eyJhbGciOi.token');
});

test('classify: SUCCEEDED and CLOSED delivered; the documented success answer too', () => {
  assert.deepEqual(classifyStatement(statement('SUCCEEDED'), insert(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyStatement(statement('CLOSED'), insert(), ctx()), { status: 'delivered' });
  const success = databricks.successAnswer!;
  assert.deepEqual(classifyStatement(answer(success.status ?? 200, success.body), insert(), ctx()), { status: 'delivered' });
});

test('classify: a statement still running is followed — its status twice, then its cancellation and its status again — within the core\'s follow-ups', () => {
  const first = nextOf(classifyStatement(statement('PENDING'), insert(['m-1', 'm-2']), ctx()));
  assert.deepEqual([first.method, first.url, first.endpoint, first.eventIds], ['GET', `https://${HOST}/api/2.0/sql/statements/${STATEMENT_ID}`, 'get_statement', ['m-1', 'm-2']]);
  assert.equal(first.headers!.authorization, 'Bearer dapi0123456789abcdef');
  assert.deepEqual(memoOf(first), { step: 'get', id: STATEMENT_ID, depth: 1, verb: 'INSERT', pending: true });
  const second = nextOf(classifyStatement(statement('RUNNING'), first, ctx()));
  assert.deepEqual(memoOf(second), { step: 'get', id: STATEMENT_ID, depth: 2, verb: 'INSERT' });
  const cancel = nextOf(classifyStatement(statement('RUNNING'), second, ctx()));
  assert.deepEqual([cancel.method, cancel.url], ['POST', `https://${HOST}/api/2.0/sql/statements/${STATEMENT_ID}/cancel`]);
  assert.deepEqual(memoOf(cancel), { step: 'cancel', id: STATEMENT_ID, depth: 3, verb: 'INSERT' });
  const confirm = nextOf(classifyStatement(answer(200, {}), cancel, ctx()));
  assert.deepEqual([confirm.method, memoOf(confirm).step, memoOf(confirm).depth], ['GET', 'confirm', MAX_FOLLOW_UPS]);
  // Its last status settles the rows.
  assert.deepEqual(classifyStatement(statement('SUCCEEDED'), confirm, ctx()), { status: 'delivered' });
  const canceled = classifyStatement(statement('CANCELED'), confirm, ctx());
  assert.equal(statusOf(canceled), 'retry');
  assert.match(reasonOf(canceled), /was still running after 3 checks and was canceled: sent again$/);
  // Still running after the cancellation: sent again, saying the rows may come twice; the same count of checks as above.
  const stillRunning = classifyStatement(statement('RUNNING'), confirm, ctx());
  assert.equal(statusOf(stillRunning), 'retry');
  assert.match(reasonOf(stillRunning), /^Databricks was still RUNNING statement .* after 3 checks and Signal's request to cancel it: sent again later \(should the first statement complete anyway, its rows are in the table twice: deduplicate on message_id\)$/);
  const still = classifyStatement(statement('RUNNING'), confirm, ctx());
  assert.equal(statusOf(still), 'retry');
  assert.match(reasonOf(still), /deduplicate on message_id/);
  assert.match(reasonOf(classifyStatement(failed('[TABLE_OR_VIEW_NOT_FOUND] gone'), confirm, ctx())), /^Databricks has no table main\.signal\.events/);
});

test('classify: a statement canceled while it waited for the warehouse is retried as a rate limit after 30 s', () => {
  const pendingConfirm: RequestDescriptor = { ...insert(), memo: { step: 'confirm', id: STATEMENT_ID, depth: 4, verb: 'INSERT', pending: true } };
  assert.deepEqual(classifyStatement(statement('CANCELED'), pendingConfirm, ctx()), {
    status: 'retry', throttled: true, retryAfterMs: WAREHOUSE_WAIT_MS,
    reason: `statement ${STATEMENT_ID} was still waiting for the SQL warehouse after 3 checks and was canceled: sent again once the warehouse has had time to start`,
  });
  const other = classifyStatement(statement('CANCELED', { error_code: 'CANCELLED', message: 'Query was cancelled by user' }), insert(), ctx());
  assert.deepEqual(other, { status: 'retry', reason: `statement ${STATEMENT_ID} was canceled (not by Signal: by an admin, or the warehouse stopped): Query was cancelled by user; sent again` });
});

test('classify: a FAILED statement by its error — missing table, column or privilege dead-lettered naming the fix; a bad value split; a concurrent commit retried', () => {
  const two = insert(['m-1', 'm-2']);
  const noTable = classifyStatement(failed('[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01'), two, ctx());
  assert.deepEqual(noTable, {
    status: 'dead_letter',
    reason: `Databricks has no table main.signal.events (statement ${STATEMENT_ID} failed: BAD_REQUEST: [TABLE_OR_VIEW_NOT_FOUND] The table or view \`main\`.\`signal\`.\`events\` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01): check config.catalog, config.schema and config.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters`,
  });
  const noColumn = classifyStatement(failed('[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `plan` cannot be resolved. Did you mean one of the following? [`name`]. SQLSTATE: 42703'), two, ctx());
  assert.match(reasonOf(noColumn), /^the table main\.signal\.events has no column plan \(statement .*\): add the column/);
  const denied = classifyStatement(failed('[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have MODIFY on Table \'main.signal.events\'. SQLSTATE: 42501'), two, ctx());
  assert.match(reasonOf(denied), /^the user or service principal of config\.access_token may not insert into main\.signal\.events \(.*\): GRANT USE CATALOG ON CATALOG main, USE SCHEMA ON SCHEMA main\.signal and MODIFY, SELECT ON TABLE main\.signal\.events to it; then replay the dead letters$/);
  assert.equal(statusOf(denied), 'dead_letter');
  const bad = '[CAST_INVALID_INPUT] The value \'soon\' of the type "STRING" cannot be cast to "TIMESTAMP" because it is malformed. SQLSTATE: 22018';
  assert.deepEqual(classifyStatement(failed(bad), two, ctx()), { status: 'split', reason: `Databricks refused a value of one of the rows (statement ${STATEMENT_ID} failed: BAD_REQUEST: ${bad}): sending the rows in halves to find it` });
  assert.match(reasonOf(classifyStatement(failed(bad), insert(), ctx())), /^Databricks refused a value of this row .*config\.json_columns/);
  assert.equal(statusOf(classifyStatement(failed(bad), insert(), ctx())), 'dead_letter');
  const concurrent = classifyStatement(failed('[DELTA_CONCURRENT_APPEND] ConcurrentAppendException: Files were added to the root of the table by a concurrent update.', 'INTERNAL_ERROR'), two, ctx());
  assert.equal(statusOf(concurrent), 'retry');
  const starting = classifyStatement(failed('The SQL warehouse is starting; please try again.', 'TEMPORARILY_UNAVAILABLE'), two, ctx());
  assert.deepEqual([statusOf(starting), 'throttled' in starting && starting.throttled, 'retryAfterMs' in starting && starting.retryAfterMs], ['retry', true, WAREHOUSE_WAIT_MS]);
  const unknown = classifyStatement(failed('something odd happened', 'BAD_REQUEST'), two, ctx());
  assert.match(reasonOf(unknown), /an error Signal does not recognise: sent again, and dead-lettered with these words if it lasts$/);
  assert.equal(statusOf(classifyStatement(failed('[PARSE_SYNTAX_ERROR] Syntax error at or near \'VALUES\'. SQLSTATE: 42601'), two, ctx())), 'dead_letter');
  // STRING JSON text sent to VARIANT columns: every row alike, so the batch is dead-lettered at once naming config.json_columns (not split row by row).
  const toVariant = classifyStatement(failed('[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write incompatible data for the table `main`.`signal`.`events`: Cannot safely cast `properties` "STRING" to "VARIANT". SQLSTATE: KD000'), two, ctx());
  assert.equal(statusOf(toVariant), 'dead_letter');
  assert.match(reasonOf(toVariant), /^the table main\.signal\.events has VARIANT JSON columns \(statement .*\): set config\.json_columns to VARIANT in a new revision/);
  assert.equal(statusOf(classifyStatement(failed('[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write incompatible data for the table `main`.`signal`.`events`: Cannot safely cast `amount` "STRING" to "BIGINT". SQLSTATE: KD000'), two, ctx())), 'split');
  // VARIANT on a runtime without PARSE_JSON: dead-lettered at once naming config.json_columns, not retried as unknown.
  const noParseJson = classifyStatement(failed('[UNRESOLVED_ROUTINE] Cannot resolve routine `PARSE_JSON` on search path [`system`.`builtin`, `system`.`session`]. SQLSTATE: 42883'), two, ctx({ json_columns: 'VARIANT' }));
  assert.equal(statusOf(noParseJson), 'dead_letter');
  assert.match(reasonOf(noParseJson), /^Databricks cannot run PARSE_JSON \(statement .* failed: BAD_REQUEST: \[UNRESOLVED_ROUTINE\].*config\.json_columns is VARIANT, which needs Databricks SQL or Databricks Runtime 15\.3 and above/);
});

test('classify: refused requests — 429 and 503 after Retry-After, 5xx retried, 400 INVALID_PARAMETER_VALUE, 401 and 403 dead-lettered with Databricks\' message', () => {
  const limited = classifyStatement(answer(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests' }, { 'retry-after': '7' }), insert(), ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'Databricks refused the INSERT for its rate limits (HTTP 429 REQUEST_LIMIT_EXCEEDED: Too many requests); sent again later', throttled: true, retryAfterMs: 7000 });
  const unavailable = classifyStatement(answer(503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The service is temporarily unavailable' }, { 'retry-after': '3' }), insert(), ctx());
  assert.deepEqual(unavailable, { status: 'retry', reason: 'Databricks is temporarily unavailable (HTTP 503 TEMPORARILY_UNAVAILABLE: The service is temporarily unavailable); sent again', retryAfterMs: 3000 });
  assert.equal(statusOf(classifyStatement(answer(500, { error_code: 'INTERNAL_ERROR', message: 'oops' }), insert(), ctx())), 'retry');
  assert.equal(statusOf(classifyStatement(answer(502, '<html>Bad Gateway</html>'), insert(), ctx())), 'retry');
  const invalid = classifyStatement(answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Parameter wait_timeout must be 0s or between 5s and 50s' }), insert(), ctx());
  assert.deepEqual(invalid, { status: 'dead_letter', reason: 'Databricks refused the INSERT (HTTP 400 INVALID_PARAMETER_VALUE: Parameter wait_timeout must be 0s or between 5s and 50s): check the config; then replay the dead letters' });
  assert.match(reasonOf(classifyStatement(answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid warehouse id: 1234567890abcdef' }), insert(), ctx())), /check config\.warehouse_id/);
  const unauthorized = classifyStatement(answer(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' }), insert(), ctx());
  assert.deepEqual(unauthorized, { status: 'dead_letter', reason: 'Databricks refused the credential (HTTP 401 UNAUTHENTICATED: Invalid access token.): config.access_token is expired, revoked or of another workspace: generate a new personal access token and store it in a new revision; then replay the dead letters' });
  assert.match(reasonOf(classifyStatement(answer(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' }), insert(), ctx({}, 'default', OAUTH))), /check config\.client_id and config\.client_secret/);
  const forbidden = classifyStatement(answer(403, { error_code: 'PERMISSION_DENIED', message: 'You are not authorized to use this SQL warehouse' }), insert(), ctx());
  assert.deepEqual(forbidden, { status: 'dead_letter', reason: 'Databricks denied the INSERT (HTTP 403 PERMISSION_DENIED: You are not authorized to use this SQL warehouse): give the user or service principal of config.access_token access to the workspace and CAN USE on the SQL warehouse 1234567890abcdef (config.warehouse_id); then replay the dead letters' });
  assert.match(reasonOf(classifyStatement(answer(404, '<html>Not Found</html>'), insert(), ctx())), /check config\.host/);
  assert.deepEqual(classifyStatement(answer(413, 'too large'), insert(['m-1', 'm-2']), ctx()), { status: 'split', reason: 'Databricks refused the request for its size (HTTP 413 too large): sending the rows in halves' });
  // An SQL error refused outright (HTTP 400 with its class) is read as a FAILED statement's: a bad value splits the rows, not dead-letters them all.
  const badValue = { error_code: 'BAD_REQUEST', message: '[CAST_INVALID_INPUT] The value \'x\' of the type "STRING" cannot be cast to "BIGINT" because it is malformed. SQLSTATE: 22018' };
  assert.deepEqual(classifyStatement(answer(400, badValue), insert(['m-1', 'm-2']), ctx()), { status: 'split', reason: 'Databricks refused a value of one of the rows (the statement failed: BAD_REQUEST: [CAST_INVALID_INPUT] The value \'x\' of the type "STRING" cannot be cast to "BIGINT" because it is malformed. SQLSTATE: 22018): sending the rows in halves to find it' });
  assert.equal(statusOf(classifyStatement(answer(400, badValue), insert(['m-1']), ctx())), 'dead_letter');
  assert.match(reasonOf(classifyStatement(answer(400, { error_code: 'BAD_REQUEST', message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events` cannot be found. SQLSTATE: 42P01' }), insert(), ctx())), /^Databricks has no table main\.signal\.events \(the statement failed: .*check config\.catalog, config\.schema and config\.table/);
  assert.equal(statusOf(classifyStatement(answer(400, { error_code: 'BAD_REQUEST', message: '[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update.' }), insert(), ctx())), 'retry');
  // A follow-up refused: the statement is gone; the INSERT is sent again.
  const get: RequestDescriptor = { ...insert(), memo: { step: 'get', id: STATEMENT_ID, depth: 1, verb: 'INSERT' } };
  assert.equal(statusOf(classifyStatement(answer(404, { error_code: 'NOT_FOUND', message: 'statement not found' }), get, ctx())), 'retry');
  // A 2xx that is not a statement response.
  assert.match(reasonOf(classifyStatement(answer(200, '<html>login</html>'), insert(), ctx())), /^HTTP 200 without a statement status: not the Statement Execution API's answer/);
});

test('statement answers read: state, error, affected rows; error classes; failure kinds', () => {
  assert.deepEqual(statementStateOf(answer(200, databricks.successAnswer!.body)), { id: STATEMENT_ID, state: 'SUCCEEDED', errorCode: '', message: '', affectedRows: 2 });
  assert.equal(statementStateOf(answer(200, { status: { state: 'DONE' } })), undefined);
  assert.equal(errorClassOf('[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column …'), 'UNRESOLVED_COLUMN');
  assert.equal(errorClassOf('no class here'), undefined);
  // Behind an exception's name (as drivers and older runtimes put it): still read, so a missing table is not retried as unknown.
  assert.equal(errorClassOf('org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events` cannot be found.'), 'TABLE_OR_VIEW_NOT_FOUND');
  assert.equal(errorClassOf('Error running query: [UNBOUND_SQL_PARAMETER] org.apache.spark.sql.catalyst.ExtendedAnalysisException: …'), 'UNBOUND_SQL_PARAMETER');
  assert.equal(errorClassOf('Did you mean one of the following? [`type`, `name`]'), undefined);
  assert.deepEqual(failureKind('BAD_REQUEST', 'org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events` cannot be found.'), { kind: 'no_table' });
  // The warehouse's own refusal beyond 256 parameters (the drivers' reports): the rows sent in halves.
  assert.deepEqual(failureKind('BAD_REQUEST', 'Parameterized query has too many parameters: 300 parameters were given but the limit is 256.'), { kind: 'too_large' });
  assert.deepEqual(failureKind('RESOURCE_EXHAUSTED', 'Too many concurrent statements'), { kind: 'throttled' });
  assert.deepEqual(failureKind('BAD_REQUEST', '[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column: message_id.'), { kind: 'data' });
  assert.deepEqual(failureKind('UNAUTHENTICATED', 'Token expired'), { kind: 'credential' });
});

test('validateConfig: each problem names its field', () => {
  assert.deepEqual(validateDatabricksConfig(CONFIG), []);
  assert.deepEqual(validateDatabricksConfig(OAUTH), []);
  const fields = (config: Record<string, JsonValue>) => validateDatabricksConfig(config).map((p) => p.field);
  assert.deepEqual(fields({ ...CONFIG, host: 'http://10.0.0.1:8080' }), ['host']);
  assert.deepEqual(fields({ ...CONFIG, warehouse_id: 'not a warehouse' }), ['warehouse_id']);
  const table = validateDatabricksConfig({ ...CONFIG, table: 'main.signal.events' });
  assert.deepEqual(table, [{ field: 'table', message: 'is "main.signal.events": give the table alone (e.g. events); the catalog, schema and table each have their own field' }]);
  assert.deepEqual(fields({ ...CONFIG, schema: '`signal`' }), ['schema']);
  assert.deepEqual(fields({ ...CONFIG, catalog: 'main; DROP' }), ['catalog']);
  assert.deepEqual(fields({ ...CONFIG, client_id: 'x' }), ['access_token']);
  assert.deepEqual(fields({ ...CONFIG, access_token: undefined as unknown as JsonValue }), ['access_token']);
  assert.deepEqual(fields({ ...OAUTH, client_secret: '' }), ['client_secret']);
  assert.deepEqual(fields({ ...CONFIG, access_token: 'Bearer dapi1' }), ['access_token']);
  assert.deepEqual(fields({ ...CONFIG, json_columns: 'JSON' }), ['json_columns']);
  assert.deepEqual(fields({ ...CONFIG, wait_timeout_seconds: 60 }), ['wait_timeout_seconds']);
  assert.equal(workspaceHost({ host: 'https://ADB-1234567890123456.7.azuredatabricks.net/?o=1234567890123456' }), 'adb-1234567890123456.7.azuredatabricks.net');
  assert.equal(warehouseId({ warehouse_id: '/sql/1.0/warehouses/abc123' }), 'abc123');
  assert.equal(qualifiedTable(CONFIG), '`main`.`signal`.`events`');
  assert.throws(() => qualifiedTable({ ...CONFIG, table: 'events`; DROP TABLE x; --' }), /config\.table is not a name/);
});

test('person deletions: a DELETE with the ids as named parameters, followed while it runs, rows deleted shown; refusals read', () => {
  assert.deepEqual(deleteStatement({ userId: 'u-1', anonymousId: 'undefined' }, '`main`.`signal`.`events`'), {
    sql: 'DELETE FROM `main`.`signal`.`events` WHERE user_id = :user_id OR previous_id = :user_id', parameters: [{ name: 'user_id', value: 'u-1', type: 'STRING' }],
  });
  assert.equal(deleteStatement({ userId: 'null', anonymousId: null }, 't'), null);
  const request = deletionRequest({ userId: 'u-1', anonymousId: VISITOR }, ctx());
  assert.ok(!('skipped' in request));
  assert.equal(request.url, `https://${HOST}/api/2.0/sql/statements`);
  const body = request.body as Record<string, JsonValue>;
  assert.equal(body.statement, 'DELETE FROM `main`.`signal`.`events` WHERE user_id = :user_id OR previous_id = :user_id OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id');
  assert.deepEqual(body.parameters, [{ name: 'user_id', value: 'u-1', type: 'STRING' }, { name: 'anonymous_id', value: VISITOR, type: 'STRING' }]);
  assert.deepEqual(request.eventIds, []);
  assert.deepEqual(deletionRequest({ userId: 'u-1', anonymousId: null }, ctx({ table: 'bad name' })), { skipped: 'config.table is not a name Signal writes into the statement (letters, digits, _ and -, from a letter, digit or _): fix it in a new revision' });
  const running = readDeletionAnswer(statement('RUNNING'), request, ctx());
  assert.ok('next' in running);
  assert.deepEqual([running.next.method, running.next.url], ['GET', `https://${HOST}/api/2.0/sql/statements/${STATEMENT_ID}`]);
  const again = readDeletionAnswer(statement('RUNNING'), running.next, ctx());
  assert.ok('next' in again);
  assert.deepEqual(readDeletionAnswer(statement('RUNNING'), again.next, ctx()), { retry: `Databricks is still running the DELETE (statement ${STATEMENT_ID}, RUNNING): asked again later` });
  assert.deepEqual(readDeletionAnswer(answer(200, databricks.forgetPerson!.successAnswer!.body), request, ctx()), { done: true, message: `Databricks deleted 3 rows (statement ${STATEMENT_ID})` });
  assert.deepEqual(readDeletionAnswer(statement('SUCCEEDED'), request, ctx()), { done: true, message: `Databricks ran the DELETE (statement ${STATEMENT_ID})` });
  const denied = readDeletionAnswer(failed('[INSUFFICIENT_PERMISSIONS] User does not have MODIFY on Table'), request, ctx());
  assert.ok('failed' in denied);
  assert.match(denied.failed, /GRANT MODIFY, SELECT ON TABLE main\.signal\.events .* or turn config\.forward_deletions off$/);
  assert.ok('retry' in readDeletionAnswer(failed('[DELTA_CONCURRENT_DELETE_READ] concurrent', 'INTERNAL_ERROR'), request, ctx()));
  assert.ok('retry' in readDeletionAnswer(answer(429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }), request, ctx()));
  assert.deepEqual(readDeletionAnswer(answer(401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' }), request, ctx()), { failed: 'HTTP 401 UNAUTHENTICATED: Invalid access token. — Databricks refused the credential: config.access_token is expired, revoked or of another workspace' });
  // An SQL error refused outright (HTTP 400 with its class): a concurrent Delta commit tried again, a missing grant failed naming it.
  assert.deepEqual(readDeletionAnswer(answer(400, { error_code: 'BAD_REQUEST', message: '[DELTA_CONCURRENT_APPEND] Files were added by a concurrent update.' }), request, ctx()), { retry: 'the DELETE failed: BAD_REQUEST: [DELTA_CONCURRENT_APPEND] Files were added by a concurrent update.' });
  const refusedGrant = readDeletionAnswer(answer(400, { error_code: 'BAD_REQUEST', message: '[INSUFFICIENT_PERMISSIONS] User does not have MODIFY on Table' }), request, ctx());
  assert.ok('failed' in refusedGrant);
  assert.match(refusedGrant.failed, /^the DELETE failed: BAD_REQUEST: \[INSUFFICIENT_PERMISSIONS\].* — GRANT MODIFY, SELECT ON TABLE main\.signal\.events/);
  assert.ok('failed' in readDeletionAnswer(answer(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Parameter [WAIT_TIMEOUT] is invalid' }), request, ctx()), 'a bracketed word that is no SQL error class stays a refusal');
  assert.equal(databricks.forgetPerson!.enabled(CONFIG), true);
  assert.equal(databricks.forgetPerson!.enabled(OAUTH), true);
  assert.equal(databricks.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
});
