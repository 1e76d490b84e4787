// Snowflake end to end: browser calls through the real collect API, the queue and the delivery
// engine, to the vendor simulator standing in for the account's SQL API, which must receive the
// documented INSERT (bind variables only, a key-pair JWT signed with the user's key, a requestId
// derived from the events with retry=true) and answers as Snowflake does: a 503 and a timeout
// retried with the same requestId, a 202 (still running) asked again, a 429 retried as a rate
// limit, a data error in a batch split until the bad row is alone and dead-lettered, a missing
// table dead-lettered at once naming the config fields; a person deletion as a DELETE with bind
// variables, its running statement followed through GET /api/v2/statements/{handle}.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, reply, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ACCOUNT = 'myorg-shop';
const USER = 'signal_writer';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const FINGERPRINT = `SHA256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64')}`;
const STATEMENTS = '/api/v2/statements';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;

interface StatementBody { statement: string; timeout: number; database: string; schema: string; warehouse: string; role?: string; bindings: Record<string, { type: string; value: string }> }
const bodyOf = (request: RecordedRequest) => request.json as StatementBody;
/** The table a statement names (`INSERT INTO DB.SCHEMA.TABLE …`, `DELETE FROM …`). */
const tableOf = (request: RecordedRequest) => /(?:INTO|FROM) ([A-Z0-9_$.]+)/.exec(bodyOf(request)?.statement ?? '')?.[1] ?? '';
const inserts = (table: string) => sim.requests({ method: 'POST', path: STATEMENTS }).filter((r) => tableOf(r) === `ANALYTICS.SIGNAL.${table}` && bodyOf(r).statement.startsWith('INSERT'));
/** The values of a request's rows (columns in the statement's order): each `?` its binding in turn, each NULL null. */
function rowsOf(request: RecordedRequest): Array<Record<string, string | null>> {
  const { statement, bindings } = bodyOf(request);
  const columns = /\(([^)]*)\) SELECT/.exec(statement)![1]!.split(', ').map((name) => name.replace(/^"(.*)"$/, '$1').toLowerCase());
  const values = Object.values(bindings).map((binding) => binding.value);
  let next = 0;
  return [...statement.slice(statement.indexOf(' FROM VALUES ')).matchAll(/\(([^)]*)\)/g)].map(([, cells]) => {
    const row = cells!.split(', ');
    assert.equal(row.length, columns.length);
    assert.ok(row.every((cell) => cell === '?' || cell === 'NULL'), `only placeholders and NULL in the rows: ${cells}`);
    return Object.fromEntries(columns.map((column, j) => [column, row[j] === '?' ? values[next++]! : null]));
  });
}
const rowsFor = (table: string, messageId: string) => inserts(table).flatMap((request) => rowsOf(request).filter((row) => row.message_id === messageId).map((row) => ({ request, row })));
const requestIdOf = (request: RecordedRequest) => request.queryPairs.find(([name]) => name === 'requestId')?.[1];
const jwtOf = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString() || '{}') as { iss?: string; sub?: string; iat?: number; exp?: number };
/** Whether a request carries a JWT Snowflake would take: signed with the user's key, naming them, current. */
function validJwt(request: RecordedRequest): boolean {
  const jwt = jwtOf(request);
  const [header, claims, signature] = jwt.split('.');
  if (!header || !claims || !signature || request.headers['x-snowflake-authorization-token-type'] !== 'KEYPAIR_JWT') return false;
  if (!verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))) return false;
  const { iss, sub, iat, exp } = claimsOf(jwt);
  const now = Date.now() / 1000;
  return iss === `MYORG-SHOP.SIGNAL_WRITER.${FINGERPRINT}` && sub === 'MYORG-SHOP.SIGNAL_WRITER' && typeof iat === 'number' && Math.abs(iat - now) < 60 && typeof exp === 'number' && exp > now && exp - iat <= 3600;
}
const failure = (code: string, sqlState: string, message: string): ScriptedResponse => ({ status: 422, body: { code, sqlState, message, statementHandle: `01c0ffee-${code}`, statementStatusUrl: `/api/v2/statements/01c0ffee-${code}` } });
const executed = (handle: string, stats: Record<string, number>): ScriptedResponse => ({ status: 200, body: { code: '090001', sqlState: '00000', message: 'Statement executed successfully.', statementHandle: handle, statementStatusUrl: `/api/v2/statements/${handle}`, stats, data: [[String(Object.values(stats)[0] ?? 0)]] } });

/** Answers scripted per table, in order (every table shares the SQL API's one route), then the default. */
const scripts = new Map<string, ScriptedResponse[]>();
const scriptTable = (table: string, answers: ScriptedResponse[]) => scripts.set(`ANALYTICS.SIGNAL.${table}`, [...answers]);
/** The SQL API as Snowflake answers it: a refused JWT, a scripted answer, a row with "Bad Row" refused as a data error, else executed. */
function statements(request: RecordedRequest): ScriptedResponse {
  if (!validJwt(request)) return { status: 401, body: { code: '390144', message: 'JWT token is invalid.' } };
  const queued = scripts.get(tableOf(request));
  if (queued && queued.length > 0) return queued.shift()!;
  const body = bodyOf(request);
  if (body.statement.startsWith('DELETE')) return executed('01c0ffee-delete', { numRowsDeleted: 0 });
  if (Object.values(body.bindings).some((binding) => binding.value === 'Bad Row')) return failure('100069', '22P02', 'Error parsing JSON: unknown keyword "NaN", pos 4');
  return executed(`01c0ffee-${requestIdOf(request)}`, { numRowsInserted: rowsOf(request).length });
}

const visitor: Visitor = { id: 'df_sf0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'snowflake', name, {
  config: { account: ACCOUNT, user: USER, private_key: PEM, database: 'analytics', schema: 'signal', table, warehouse: 'signal_wh', role: 'signal_writer', ...config },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', STATEMENTS, statements);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${ACCOUNT}.snowflakecomputing.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1500',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'snowflake', vendors: ['snowflake'] });
});
after(() => closeAll(signal, sim));

describe('Snowflake', () => {
  test('a browser\'s order: the documented INSERT — bind variables only, a key-pair JWT signed with the user\'s key, a requestId with retry=true', async () => {
    const { site, integrationId } = await install('Snowflake shop', 'events');
    const properties = { order_id: 'ORD-SF-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-sf-1', messageId: 'sf-order-1', properties });
    const [{ request, row }] = await waitUntil(async () => { const found = rowsFor('EVENTS', 'sf-order-1'); return found.length > 0 && found; }, 'the row');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');

    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/api/v2/statements');
    assert.deepEqual(request.queryPairs.map(([name]) => name), ['requestId', 'retry']);
    assert.match(requestIdOf(request)!, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(request.queryPairs[1], ['retry', 'true']);
    assert.ok(validJwt(request), 'a current JWT signed with the user\'s key, naming MYORG-SHOP.SIGNAL_WRITER and the key\'s fingerprint');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.headers.accept, 'application/json');
    assert.equal(request.headers['user-agent'], 'Signal/1.0 (snowflake plugin)');
    const { statement, bindings, ...fields } = bodyOf(request);
    assert.deepEqual(fields, { timeout: 60, database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', role: 'SIGNAL_WRITER' });
    // The browser call has no sentAt: the column is left out of the statement.
    assert.equal(statement, 'INSERT INTO ANALYTICS.SIGNAL.EVENTS ("MESSAGE_ID", "TYPE", "EVENT", "USER_ID", "ANONYMOUS_ID", "TIMESTAMP", "RECEIVED_AT", "PROPERTIES", "CONTEXT") '
      + 'SELECT $1, $2, $3, $4, $5, TO_TIMESTAMP_TZ($6, \'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM\'), TO_TIMESTAMP_TZ($7, \'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM\'), PARSE_JSON($8), PARSE_JSON($9) FROM VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    assert.ok(Object.values(bindings).every((binding) => binding.type === 'TEXT'));
    assert.ok(!statement.includes('sf-order-1') && !statement.includes('u-sf-1'), 'no value in the statement\'s text');
    const { received_at: receivedAt, context, ...columns } = row;
    assert.deepEqual(columns, {
      message_id: 'sf-order-1', type: 'track', event: 'Order Completed', user_id: 'u-sf-1', anonymous_id: visitor.id,
      timestamp: CALL_TIMESTAMP.replace(/Z$/, '+00:00'), properties: JSON.stringify(properties),
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
    const parsed = JSON.parse(String(context)) as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([parsed.ip, parsed.userAgent, parsed.page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
  });

  test('a blueprint naming columns in any letter case: each column once as Snowflake folds it, USER_ID the user_id column (a placeholder left out), a twin left out with a warning', { timeout: 60_000 }, async () => {
    const shipped = readFileSync(new URL('../../blueprints/snowflake/default.yaml', import.meta.url), 'utf8');
    const blueprint = shipped.replace('target: user_id }', 'target: USER_ID }').replace('target: timestamp }', 'target: Timestamp }')
      .replace('  - { source: sentAt, target: sent_at }', '  - { source: sentAt, target: sent_at }\n  - { source: properties.plan, target: Plan, when: \'event == "Upgraded"\' }\n  - { source: properties.plan, target: plan, when: \'event == "Renewed"\' }\n  - { source: properties.tier, target: PLAN }');
    assert.notEqual(blueprint, shipped);
    const site = await signal.pipeline('Snowflake letter case');
    const { assignment } = await signal.services.integrations.install({
      vendor: 'snowflake', name: 'Snowflake letter case', pipelineId: site.id, blueprint, deliveryMode: 'server_side',
      config: { account: ACCOUNT, user: USER, private_key: PEM, database: 'analytics', schema: 'signal', table: 'events_case', warehouse: 'signal_wh', role: 'signal_writer' },
    });
    const integrationId = assignment!.id;
    // One batch, so both rows go in one INSERT: an SDK's "undefined" userId, and a real one.
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: [
        { type: 'track', event: 'Upgraded', userId: 'undefined', anonymousId: visitor.id, messageId: 'sf-case-1', timestamp: CALL_TIMESTAMP, properties: { plan: 'pro', tier: 'gold' } },
        { type: 'track', event: 'Renewed', userId: 'u-sf-case', messageId: 'sf-case-2', timestamp: CALL_TIMESTAMP, properties: { plan: 'team' } },
      ] }),
    });
    assert.equal(res.status, 200, await res.text());
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'delivered');
    const [request, ...others] = inserts('EVENTS_CASE');
    assert.equal(others.length, 0, 'one INSERT, executed');
    const { statement, bindings } = bodyOf(request!);
    const names = /\(([^)]*)\) SELECT/.exec(statement)![1]!.split(', ');
    // In first-seen order: the first row has no user id, so USER_ID comes from the second.
    assert.deepEqual(names, ['"MESSAGE_ID"', '"TYPE"', '"EVENT"', '"ANONYMOUS_ID"', '"TIMESTAMP"', '"RECEIVED_AT"', '"PLAN"', '"PROPERTIES"', '"CONTEXT"', '"USER_ID"']);
    assert.ok(statement.includes(`TO_TIMESTAMP_TZ($5, 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM')`), 'Timestamp is the TIMESTAMP_TZ column, converted');
    assert.ok(!Object.values(bindings).some((binding) => binding.value === 'undefined'), 'no placeholder id bound');
    const [first, second] = rowsOf(request!);
    assert.deepEqual([first!.message_id, first!.user_id, first!.anonymous_id, first!.plan, first!.timestamp], ['sf-case-1', null, visitor.id, 'pro', CALL_TIMESTAMP.replace(/Z$/, '+00:00')]);
    assert.deepEqual([second!.message_id, second!.user_id, second!.plan], ['sf-case-2', 'u-sf-case', 'team']);
    // The twin left out is said in the delivery log, against its event.
    const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; warnings: Record<string, string[]> | null }> }>(
      'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds warnings } }', { id: integrationId });
    const entry = body.data!.deliveryLog.find((exchange) => exchange.eventIds.includes('sf-case-1'));
    assert.deepEqual(entry?.warnings?.['sf-case-1'], ['PLAN left out: another column of the row has the same name in another letter case, and Snowflake reads both as PLAN']);
  });

  test('a 503, a timeout and a 202 (still running) are sent again with the same requestId, each with a fresh JWT, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Snowflake outage', 'events_outage');
    scriptTable('EVENTS_OUTAGE', [
      { status: 503, body: { code: '390503', message: 'Service Unavailable' } },
      reply.hang(),
      { status: 202, body: { code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', statementHandle: '01c0ffee-running', statementStatusUrl: '/api/v2/statements/01c0ffee-running' } },
    ]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-sf-2', messageId: 'sf-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const tries = rowsFor('EVENTS_OUTAGE', 'sf-503-1').map((found) => found.request);
    assert.equal(tries.length, 4, 'the 503, the timeout, the 202, then the executed statement');
    assert.equal(new Set(tries.map(requestIdOf)).size, 1, 'one requestId: Snowflake does not execute the statement twice');
    assert.ok(tries.every(validJwt), 'each try carries a JWT valid when it was sent');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 429 is retried as a rate limit after its Retry-After, using up no try, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Snowflake busy', 'events_busy');
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    scriptTable('EVENTS_BUSY', Array.from({ length: 6 }, () => ({ status: 429, headers: { 'retry-after': '1' }, body: { code: '390501', message: 'Too many requests' } })));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-sf-3', messageId: 'sf-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the rate limit', 45_000);
    assert.equal(rowsFor('EVENTS_BUSY', 'sf-429-1').length, 7, 'six refusals, then the insert');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a data error in a batch: the rows are sent in halves until the bad one is alone, dead-lettered with Snowflake\'s words; the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Snowflake rows', 'events_rows');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['Good One', 'Bad Row', 'Good Two'].map((event, i) => ({ type: 'track', event, userId: 'u-sf-4', messageId: `sf-rows-${i}`, timestamp: CALL_TIMESTAMP })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'sf-rows-1');
    assert.equal(letter.reason, 'Snowflake refused the INSERT (HTTP 422 100069 (22P02): Error parsing JSON: unknown keyword "NaN", pos 4): a value of this row does not fit its column — fix what the blueprint maps, or the column\'s type or length in the table, then replay');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the good rows delivered');
    assert.deepEqual(rowsOf(inserts('EVENTS_ROWS')[0]!).map((r) => r.message_id), ['sf-rows-0', 'sf-rows-1', 'sf-rows-2'], 'first one statement of the three rows');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
    for (const id of ['sf-rows-0', 'sf-rows-2']) {
      const executedWith = rowsFor('EVENTS_ROWS', id).map((found) => found.request).filter((r) => !rowsOf(r).some((row) => row.event === 'Bad Row'));
      assert.ok(executedWith.length >= 1, `${id} inserted by a statement without the bad row`);
    }
  });

  test('a missing table is dead-lettered at once, naming the config fields and the README\'s CREATE TABLE; a refused JWT names the key, user and account', async () => {
    const { site, integrationId } = await install('Snowflake missing', 'events_missing');
    scriptTable('EVENTS_MISSING', [failure('002003', '42S02', 'SQL compilation error:\nTable \'ANALYTICS.SIGNAL.EVENTS_MISSING\' does not exist or not authorized.')]);
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'sf-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'sf-404-1');
    assert.equal(letter.attempts, 1, 'not retried: Snowflake refuses it every time');
    assert.equal(letter.reason, 'Snowflake refused the INSERT (HTTP 422 002003 (42S02): SQL compilation error: Table \'ANALYTICS.SIGNAL.EVENTS_MISSING\' does not exist or not authorized.): the table ANALYTICS.SIGNAL.EVENTS_MISSING does not exist, or SIGNAL_WRITER (config.role) may not see it — check config.database, config.schema and config.table, create the table with the CREATE TABLE of the plugin README, and grant USAGE on the database and schema and INSERT on the table to the role; then replay the dead letters');

    // Another user's key: the simulator refuses the JWT as Snowflake does.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const wrong = await install('Snowflake wrong key', 'events_key', { private_key: other });
    await browser(wrong.site.key, { type: 'page', name: 'Home', messageId: 'sf-401-1' });
    const refused = await waitForDeadLetter(signal, wrong.integrationId, 'sf-401-1');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^HTTP 401 390144: JWT token is invalid\. — Snowflake refused the key-pair JWT: check that the public key of config\.private_key \(its fingerprint SHA256:[A-Za-z0-9+/=]+\) is set on user signal_writer/);
  });

  test('a person deletion: a DELETE with the ids as bind variables, its running statement followed, the rows deleted shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Snowflake deletions', 'events_forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-sf-forget', messageId: 'sf-forget-1' });
    await waitUntil(async () => rowsFor('EVENTS_FORGET', 'sf-forget-1')[0], 'the event');
    scriptTable('EVENTS_FORGET', [{ status: 202, body: { code: '333334', message: 'Asynchronous execution in progress.', statementHandle: '01c0ffee-del', statementStatusUrl: '/api/v2/statements/01c0ffee-del' } }]);
    sim.setDefault('GET', `${STATEMENTS}/01c0ffee-del`, (request) => (validJwt(request) ? executed('01c0ffee-del', { numRowsDeleted: 2 }) : { status: 401, body: { code: '390144', message: 'JWT token is invalid.' } }));

    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-sf-forget', anonymousId: visitor.id }), [{
      integrationId, vendor: 'snowflake', status: 'sent', responseStatus: 200, message: 'Snowflake deleted 2 rows (statement 01c0ffee-del)',
    }]);
    const [deletion] = sim.requests({ method: 'POST', path: STATEMENTS }).filter((r) => bodyOf(r).statement.startsWith('DELETE'));
    assert.ok(validJwt(deletion!));
    assert.deepEqual(bodyOf(deletion!), {
      statement: 'DELETE FROM ANALYTICS.SIGNAL.EVENTS_FORGET WHERE user_id = ? OR previous_id = ? OR anonymous_id = ? OR previous_id = ?',
      timeout: 60, database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', role: 'SIGNAL_WRITER',
      bindings: { 1: { type: 'TEXT', value: 'u-sf-forget' }, 2: { type: 'TEXT', value: 'u-sf-forget' }, 3: { type: 'TEXT', value: visitor.id }, 4: { type: 'TEXT', value: visitor.id } },
    });
    const [status] = sim.requests({ method: 'GET', path: `${STATEMENTS}/01c0ffee-del` });
    // Signed as it goes (the core signs deletion requests with the plugin's sign): a JWT of its own, no older than the DELETE's.
    assert.ok(validJwt(status!), 'the status request carries a current JWT');
    assert.ok(claimsOf(jwtOf(status!)).iat! >= claimsOf(jwtOf(deletion!)).iat!);

    // Without forwarding, the deletion is not sent.
    const quiet = await install('Snowflake no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-sf-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'snowflake', status: 'skipped' });
  });
});
