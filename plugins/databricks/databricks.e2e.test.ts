// Databricks end to end: browser calls through the real collect API, the queue and the delivery
// engine, to the vendor simulator standing in for a workspace's SQL Statement Execution API
// (and its OAuth token endpoint). The simulated API checks the Bearer credential and answers as
// the API documents: POST /api/2.0/sql/statements runs a statement and answers its state after
// wait_timeout, GET /api/2.0/sql/statements/{id} its state then, POST …/cancel cancels it.
// Proven here: the documented INSERT (named parameters only, typed) delivered when SUCCEEDED;
// a statement still RUNNING followed to SUCCEEDED, one statement; one that waited for the
// warehouse canceled, then sent again later and delivered; 503 and 429 retried after Retry-After;
// a value a column refuses split down to the row and dead-lettered with Databricks' words; a
// missing table, a refused token and an INVALID_PARAMETER_VALUE dead-lettered at once naming what
// to fix; OAuth M2M tokens from /oidc/v1/token; a person deletion as a DELETE with parameters
// followed to its result.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const HOST = 'dbc-a1b2345c-d6e7.cloud.databricks.com';
const TOKEN = 'dapi0123456789abcdef0123456789abcdef';
const CLIENT_ID = '6f8e4c2a-1b3d-4e5f-9a7b-0c1d2e3f4a5b';
const CLIENT_SECRET = 'dose0123456789abcdef';
const OAUTH_TOKEN = 'eyJraWQiOiJzaW0iLCJhbGciOiJSUzI1NiJ9.sim-token';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const visitor: Visitor = { id: 'df_db0visitor01', ip: VISITOR_IP, userAgent: UA };
const PATH = '/api/2.0/sql/statements';

let sim: VendorSim;
let signal: TestSignal;

interface Parameter { name: string; value: string; type: string }
interface ExecuteBody { warehouse_id: string; statement: string; parameters?: Parameter[]; catalog: string; schema: string; wait_timeout: string; on_wait_timeout: string; disposition: string; format: string }
const bodyOf = (request: RecordedRequest) => request.json as ExecuteBody;
const tableOf = (sql: string) => /(?:INTO|FROM) `main`\.`signal`\.`([a-z0-9_]+)`/.exec(sql)?.[1] ?? '';
const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}): ScriptedResponse => ({ status, body: { error_code: code, message }, headers: { 'content-type': 'application/json', ...headers } });

/** The rows of an INSERT: each column its parameter's value, NULL null. */
function rowsOf(body: ExecuteBody): Array<Record<string, string | null>> {
  const columns = /\(([^)]*)\) VALUES/.exec(body.statement)![1]!.split(', ').map((name) => name.replace(/^`(.*)`$/, '$1'));
  const values = new Map((body.parameters ?? []).map((p) => [p.name, p.value]));
  const tuples = body.statement.slice(body.statement.indexOf(' VALUES (') + ' VALUES ('.length, -1).split('), (');
  return tuples.map((tuple) => {
    const cells = tuple.split(', ');
    assert.equal(cells.length, columns.length);
    return Object.fromEntries(columns.map((column, j) => {
      const cell = cells[j]!;
      if (cell === 'NULL') return [column, null];
      const name = /^(?:PARSE_JSON\()?:(p\d+)\)?$/.exec(cell)?.[1];
      assert.ok(name !== undefined, `only parameters and NULL in the rows: ${cell}`);
      return [column, values.get(name)!];
    }));
  });
}

/** A statement the simulated API knows: the states it answers in turn (the last one stays). */
interface Statement { id: string; body: ExecuteBody; states: string[]; error?: { error_code: string; message: string }; canceled: boolean; rows: number }
const statements = new Map<string, Statement>();
/** Per table: answers to the statement's POST before a statement is made, then how statements run. */
const executeScripts = new Map<string, ScriptedResponse[]>();
const runScripts = new Map<string, Array<{ states: string[]; error?: { error_code: string; message: string } }>>();
let tokensIssued = 0;

function stateOf(statement: Statement): ScriptedResponse {
  let state = statement.states.length > 1 ? statement.states.shift()! : statement.states[0]!;
  if (statement.canceled && (state === 'PENDING' || state === 'RUNNING')) state = 'CANCELED';
  const done = state === 'SUCCEEDED';
  const columns = statement.body.statement.startsWith('DELETE') ? ['num_affected_rows'] : ['num_affected_rows', 'num_inserted_rows'];
  return {
    status: 200, headers: { 'content-type': 'application/json' },
    body: {
      statement_id: statement.id, status: { state, ...(state === 'FAILED' ? { error: statement.error } : {}) },
      ...(done ? {
        manifest: { format: 'JSON_ARRAY', schema: { column_count: columns.length, columns: columns.map((name, position) => ({ name, type_text: 'BIGINT', type_name: 'LONG', position })) }, total_chunk_count: 1, chunks: [{ chunk_index: 0, row_offset: 0, row_count: 1 }], total_row_count: 1, truncated: false },
        result: { chunk_index: 0, row_offset: 0, row_count: 1, data_array: [columns.map(() => String(statement.rows))] },
      } : {}),
    },
  };
}

const authorized = (request: RecordedRequest) => request.headers.authorization === `Bearer ${TOKEN}` || request.headers.authorization === `Bearer ${OAUTH_TOKEN}`;

/** The workspace as it answers (see the file's comment). */
function workspace(request: RecordedRequest): ScriptedResponse {
  if (request.method === 'POST' && request.path === '/oidc/v1/token') {
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    if (request.headers.authorization !== basic || request.body !== 'grant_type=client_credentials&scope=all-apis') return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    tokensIssued += 1;
    return { status: 200, body: { access_token: OAUTH_TOKEN, token_type: 'Bearer', expires_in: 3600, scope: 'all-apis' } };
  }
  if (!authorized(request)) return apiError(401, 'UNAUTHENTICATED', 'Invalid access token.');
  const cancel = request.method === 'POST' ? new RegExp(`^${PATH}/([^/]+)/cancel$`).exec(request.path) : null;
  if (cancel) {
    const statement = statements.get(cancel[1]!);
    if (statement) statement.canceled = true;
    return { status: 200, body: {} };
  }
  if (request.method === 'GET') {
    const statement = statements.get(request.path.slice(PATH.length + 1));
    if (!statement) return apiError(404, 'NOT_FOUND', 'The statement was not found.');
    return stateOf(statement);
  }
  if (request.method !== 'POST' || request.path !== PATH) return apiError(404, 'ENDPOINT_NOT_FOUND', 'No API found');
  const body = bodyOf(request);
  const table = tableOf(body.statement);
  const scripted = executeScripts.get(table)?.shift();
  if (scripted) return scripted;
  const run = runScripts.get(table)?.shift();
  const bad = (body.parameters ?? []).some((p) => p.value === 'Bad Row');
  const rows = body.statement.startsWith('DELETE') ? 2 : rowsOf(body).length;
  const statement: Statement = bad
    ? { id: randomUUID(), body, states: ['FAILED'], error: { error_code: 'BAD_REQUEST', message: '[DELTA_EXCEED_CHAR_VARCHAR_LIMIT] Value "Bad Row" exceeds char/varchar type length limitation. Failed check: (isnull(\'event) OR (length(\'event) <= 5)). SQLSTATE: 22001' }, canceled: false, rows }
    : { id: randomUUID(), body, states: [...(run?.states ?? ['SUCCEEDED'])], ...(run?.error === undefined ? {} : { error: run.error }), canceled: false, rows };
  statements.set(statement.id, statement);
  return stateOf(statement);
}

const posts = (table: string) => sim.requests({ method: 'POST', path: PATH }).filter((r) => tableOf(bodyOf(r).statement) === table);
const inserts = (table: string) => posts(table).filter((r) => bodyOf(r).statement.startsWith('INSERT'));
const statementsOf = (table: string) => [...statements.values()].filter((s) => tableOf(s.body.statement) === table);
const getsOf = (id: string) => sim.requests({ method: 'GET', path: `${PATH}/${id}` });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'databricks', name, {
  config: { host: HOST, warehouse_id: '1234567890abcdef', access_token: TOKEN, catalog: 'main', schema: 'signal', table, ...config },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '*', workspace);
  sim.setDefault('GET', '*', workspace);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1500',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'databricks', vendors: ['databricks'] });
});
after(() => closeAll(signal, sim));

describe('Databricks', () => {
  test('a browser\'s order: the documented statement — Bearer token, named parameters only, typed — delivered when SUCCEEDED', async () => {
    const { site, integrationId } = await install('Databricks shop', 'events');
    const properties = { order_id: 'ORD-DB-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-db-1', messageId: 'db-order-1', properties });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [request, ...others] = inserts('events');
    assert.equal(others.length, 0);
    assert.equal(request!.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    const body = bodyOf(request!);
    assert.deepEqual(Object.keys(body), ['warehouse_id', 'statement', 'parameters', 'catalog', 'schema', 'wait_timeout', 'on_wait_timeout', 'disposition', 'format']);
    assert.deepEqual([body.warehouse_id, body.catalog, body.schema, body.wait_timeout, body.on_wait_timeout, body.disposition, body.format], ['1234567890abcdef', 'main', 'signal', '8s', 'CONTINUE', 'INLINE', 'JSON_ARRAY']);
    // The browser call has no sentAt: the column is left out of the statement.
    assert.equal(body.statement, 'INSERT INTO `main`.`signal`.`events` (`message_id`, `type`, `event`, `user_id`, `anonymous_id`, `timestamp`, `received_at`, `properties`, `context`) '
      + 'VALUES (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9)');
    assert.ok(!body.statement.includes('db-order-1') && !body.statement.includes('u-db-1'), 'no value in the statement\'s text');
    assert.deepEqual(body.parameters!.map((p) => `${p.name}:${p.type}`), ['p1:STRING', 'p2:STRING', 'p3:STRING', 'p4:STRING', 'p5:STRING', 'p6:TIMESTAMP', 'p7:TIMESTAMP', 'p8:STRING', 'p9:STRING']);
    const [row] = rowsOf(body);
    const { received_at: receivedAt, context, ...columns } = row!;
    assert.deepEqual(columns, { message_id: 'db-order-1', type: 'track', event: 'Order Completed', user_id: 'u-db-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP, properties: JSON.stringify(properties) });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const parsed = JSON.parse(String(context)) as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([parsed.ip, parsed.userAgent, parsed.page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
    assert.equal(getsOf(statementsOf('events')[0]!.id).length, 0, 'done within wait_timeout: nothing to follow');
  });

  test('a statement still RUNNING after wait_timeout is followed through GET until SUCCEEDED: one statement, delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks slow', 'events_slow');
    runScripts.set('events_slow', [{ states: ['RUNNING', 'RUNNING', 'SUCCEEDED'] }]);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-db-2', messageId: 'db-slow-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const [made, ...more] = statementsOf('events_slow');
    assert.equal(more.length, 0, 'one INSERT');
    const gets = getsOf(made!.id);
    assert.equal(gets.length, 2, 'asked twice: RUNNING, then SUCCEEDED');
    assert.equal(gets[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('a statement left waiting for the warehouse is canceled, then sent again later as a rate limit and delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks cold', 'events_cold');
    runScripts.set('events_cold', [{ states: ['PENDING'] }, { states: ['SUCCEEDED'] }]);
    await browser(site.key, { type: 'track', event: 'Cold', userId: 'u-db-3', messageId: 'db-cold-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const [first, second] = statementsOf('events_cold');
    assert.equal(statementsOf('events_cold').length, 2);
    assert.equal(first!.canceled, true, 'the first statement canceled before the INSERT was sent again');
    assert.equal(getsOf(first!.id).length, 3, 'two checks, then one after the cancellation');
    assert.equal(sim.requests({ method: 'POST', path: `${PATH}/${first!.id}/cancel` }).length, 1);
    assert.deepEqual(rowsOf(second!.body).map((r) => r.message_id), ['db-cold-1']);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('503 TEMPORARILY_UNAVAILABLE and 429 are retried after Retry-After, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks busy', 'events_busy');
    executeScripts.set('events_busy', [
      apiError(503, 'TEMPORARILY_UNAVAILABLE', 'The service at /api/2.0/sql/statements is temporarily unavailable. Please try again later.', { 'retry-after': '1' }),
      apiError(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait a moment and try again.', { 'retry-after': '1' }),
    ]);
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-db-4', messageId: 'db-busy-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    assert.equal(inserts('events_busy').length, 3, 'the 503, the 429, then the INSERT');
    assert.equal(statementsOf('events_busy').length, 1);
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a value a column refuses: the rows are sent in halves until the bad one is alone, dead-lettered with Databricks\' words; the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks rows', 'events_rows');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['Good One', 'Bad Row', 'Good Two'].map((event, i) => ({ type: 'track', event, userId: 'u-db-5', messageId: `db-rows-${i}`, timestamp: CALL_TIMESTAMP })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'db-rows-1');
    assert.match(letter.reason, /^Databricks refused a value of this row \(statement [0-9a-f-]{36} failed: BAD_REQUEST: \[DELTA_EXCEED_CHAR_VARCHAR_LIMIT\] Value "Bad Row" exceeds char\/varchar type length limitation\..*\): fix what the blueprint maps, the column's type in main\.signal\.events_rows, or config\.json_columns/);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the good rows delivered');
    assert.deepEqual(rowsOf(bodyOf(inserts('events_rows')[0]!)).map((r) => r.message_id), ['db-rows-0', 'db-rows-1', 'db-rows-2'], 'first one statement of the three rows');
    const succeeded = statementsOf('events_rows').filter((s) => s.states[0] === 'SUCCEEDED').flatMap((s) => rowsOf(s.body).map((r) => r.message_id));
    assert.deepEqual(succeeded.sort(), ['db-rows-0', 'db-rows-2'], 'the good rows inserted by statements without the bad one');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a missing table, a refused token and an invalid parameter are dead-lettered at once, naming what to fix', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks missing', 'events_missing');
    runScripts.set('events_missing', [{ states: ['FAILED'], error: { error_code: 'BAD_REQUEST', message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events_missing` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01' } }]);
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'db-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'db-404-1');
    assert.equal(letter.attempts, 1, 'not retried: Databricks refuses it every time');
    assert.match(letter.reason, /^Databricks has no table main\.signal\.events_missing \(statement [0-9a-f-]{36} failed: BAD_REQUEST: \[TABLE_OR_VIEW_NOT_FOUND\] .*\): check config\.catalog, config\.schema and config\.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters$/);

    const refused = await install('Databricks refused', 'events_refused', { access_token: 'dapi-revoked' });
    await browser(refused.site.key, { type: 'page', name: 'Home', messageId: 'db-401-1' });
    const unauthorized = await waitForDeadLetter(signal, refused.integrationId, 'db-401-1');
    assert.equal(unauthorized.attempts, 1);
    assert.equal(unauthorized.reason, 'Databricks refused the credential (HTTP 401 UNAUTHENTICATED: Invalid access token.): config.access_token is expired, revoked or of another workspace: generate a new personal access token and store it in a new revision; then replay the dead letters');

    const invalid = await install('Databricks invalid', 'events_invalid');
    executeScripts.set('events_invalid', [apiError(400, 'INVALID_PARAMETER_VALUE', 'Warehouse 1234567890abcdef does not exist or you do not have access to it.')]);
    await browser(invalid.site.key, { type: 'page', name: 'Home', messageId: 'db-400-1' });
    const bad = await waitForDeadLetter(signal, invalid.integrationId, 'db-400-1');
    assert.equal(bad.attempts, 1);
    assert.equal(bad.reason, 'Databricks refused the INSERT (HTTP 400 INVALID_PARAMETER_VALUE: Warehouse 1234567890abcdef does not exist or you do not have access to it.): check config.warehouse_id; then replay the dead letters');
  });

  test('OAuth M2M: the service principal\'s client credentials at /oidc/v1/token, the token as Bearer', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks OAuth', 'events_oauth', { access_token: undefined, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    await browser(site.key, { type: 'identify', userId: 'u-db-6', traits: { plan: 'pro' }, messageId: 'db-oauth-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [token] = sim.requests({ method: 'POST', path: '/oidc/v1/token' });
    assert.ok(token, 'a token asked for');
    assert.equal(token!.headers.authorization, `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    assert.equal(token!.body, 'grant_type=client_credentials&scope=all-apis');
    assert.ok(tokensIssued >= 1);
    const [request] = inserts('events_oauth');
    assert.equal(request!.headers.authorization, `Bearer ${OAUTH_TOKEN}`);
    assert.deepEqual(JSON.parse(String(rowsOf(bodyOf(request!))[0]!.traits)), { plan: 'pro' });
  });

  test('a person deletion: a DELETE with the ids as named parameters, followed through GET, the rows deleted shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Databricks deletions', 'events_forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-db-forget', messageId: 'db-forget-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the event delivered');
    runScripts.set('events_forget', [{ states: ['RUNNING', 'SUCCEEDED'] }]);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-db-forget', anonymousId: visitor.id });
    const statement = statementsOf('events_forget').find((s) => s.body.statement.startsWith('DELETE'))!;
    assert.deepEqual(vendors, [{ integrationId, vendor: 'databricks', status: 'sent', responseStatus: 200, message: `Databricks deleted 2 rows (statement ${statement.id})` }]);
    const [deletion] = posts('events_forget').filter((r) => bodyOf(r).statement.startsWith('DELETE'));
    assert.equal(deletion!.headers.authorization, `Bearer ${TOKEN}`);
    const body = bodyOf(deletion!);
    assert.equal(body.statement, 'DELETE FROM `main`.`signal`.`events_forget` WHERE user_id = :user_id OR previous_id = :user_id OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id');
    assert.deepEqual(body.parameters, [{ name: 'user_id', value: 'u-db-forget', type: 'STRING' }, { name: 'anonymous_id', value: visitor.id, type: 'STRING' }]);
    assert.equal(getsOf(statement.id).length, 1, 'asked after while it ran, then SUCCEEDED');

    // Without forwarding, the deletion is not sent.
    const quiet = await install('Databricks no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-db-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'databricks', status: 'skipped' });
  });
});
