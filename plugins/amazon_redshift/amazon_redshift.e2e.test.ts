// Amazon Redshift end to end: browser calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for the Redshift Data API of eu-west-1.
// It checks each request's SigV4 signature (service redshift-data) over the real host and the
// bytes received, and answers as the Data API does: ExecuteStatement queues a statement and
// answers its Id (the same Id for a ClientToken it has seen, as an idempotency token promises),
// DescribeStatement answers the statement's Status. Proven here: the documented INSERT (named
// parameters only) delivered once DescribeStatement says FINISHED; a 503, a timeout and a
// statement still running after the follow-ups retried with the same ClientToken, inserting
// once; ActiveStatementsExceededException retried as a rate limit; a value too long for its
// column split down to the row and dead-lettered with Redshift's words; a missing table and a
// denied IAM action dead-lettered naming what to fix; a person deletion as a DELETE with
// parameters followed to its result; a statement failing for a passing reason run once more.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { reply, startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const REGION = 'eu-west-1';
const HOST = `redshift-data.${REGION}.amazonaws.com`;
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const visitor: Visitor = { id: 'df_rs0visitor01', ip: VISITOR_IP, userAgent: UA };

let sim: VendorSim;
let signal: TestSignal;

interface ExecuteBody { ClusterIdentifier?: string; WorkgroupName?: string; Database: string; DbUser?: string; SecretArn?: string; Sql: string; Parameters?: Array<{ name: string; value: string }>; ClientToken?: string; StatementName?: string }
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const targetOf = (request: RecordedRequest) => request.headers['x-amz-target'] ?? '';
const bodyOf = (request: RecordedRequest) => request.json as ExecuteBody;
const tableOf = (sql: string) => /(?:INTO|FROM) "signal"\."([a-z0-9_]+)"/.exec(sql)?.[1] ?? '';
const awsError = (status: number, type: string, message: string): ScriptedResponse => ({ status, body: { __type: type, Message: message }, headers: { 'x-amzn-errortype': type, 'content-type': 'application/x-amz-json-1.1' } });

/** The SigV4 signature AWS would compute for what arrived, with the Data API's real host. */
const signatureHolds = (request: RecordedRequest) => awsSignatureHolds(request, { host: HOST, region: REGION, service: 'redshift-data', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET });

/** The rows of an INSERT: each column its parameter's value, NULL null, '' the empty text. */
function rowsOf(body: ExecuteBody): Array<Record<string, string | null>> {
  const columns = /\(([^)]*)\) VALUES/.exec(body.Sql)![1]!.split(', ').map((name) => name.replace(/^"(.*)"$/, '$1'));
  const values = new Map((body.Parameters ?? []).map((p) => [p.name, p.value]));
  const tuples = body.Sql.slice(body.Sql.indexOf(' VALUES (') + ' VALUES ('.length, -1).split('), (');
  return tuples.map((tuple) => {
    const cells = tuple.split(', ');
    assert.equal(cells.length, columns.length);
    return Object.fromEntries(columns.map((column, j) => {
      const cell = cells[j]!;
      if (cell === 'NULL') return [column, null];
      if (cell === '\'\'') return [column, ''];
      const name = /^(?:JSON_PARSE\(|CAST\()?:(p\d+)(?:\)| AS TIMESTAMPTZ\))?$/.exec(cell)?.[1];
      assert.ok(name !== undefined, `only parameters, NULL and '' in the rows: ${cell}`);
      return [column, values.get(name)!];
    }));
  });
}

/** A statement the simulated Data API knows: the statuses DescribeStatement answers in turn (the last one stays). */
interface Statement { id: string; body: ExecuteBody; statuses: string[]; error?: string; rows: number; createdAt: number }
const statements = new Map<string, Statement>();
const byToken = new Map<string, string>();
/** Per table: answers to ExecuteStatement before the statement is queued, then how its statement runs. */
const executeScripts = new Map<string, ScriptedResponse[]>();
const runScripts = new Map<string, Array<{ statuses: string[]; error?: string }>>();

/** The Data API as it answers: a bad signature refused, ExecuteStatement queued (idempotent per ClientToken), DescribeStatement from the statement's statuses. */
function dataApi(request: RecordedRequest): ScriptedResponse {
  if (!signatureHolds(request)) return awsError(400, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  if (targetOf(request) === 'RedshiftData.DescribeStatement') {
    const statement = statements.get((request.json as { Id: string }).Id);
    if (!statement) return awsError(400, 'ResourceNotFoundException', 'Query does not exist.');
    const status = statement.statuses.length > 1 ? statement.statuses.shift()! : statement.statuses[0]!;
    return {
      status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: {
        Id: statement.id, Status: status, CreatedAt: statement.createdAt / 1000, UpdatedAt: Date.now() / 1000, QueryString: statement.body.Sql,
        ClusterIdentifier: statement.body.ClusterIdentifier, Database: statement.body.Database, DbUser: statement.body.DbUser,
        ...(status === 'FINISHED' ? { ResultRows: statement.rows, HasResultSet: false } : {}), ...(status === 'FAILED' ? { Error: statement.error } : {}),
      },
    };
  }
  if (targetOf(request) !== 'RedshiftData.ExecuteStatement') return awsError(400, 'UnknownOperationException', 'Unknown operation');
  const body = bodyOf(request);
  const table = tableOf(body.Sql);
  const scripted = executeScripts.get(table)?.shift();
  if (scripted) return scripted;
  const known = body.ClientToken === undefined ? undefined : byToken.get(body.ClientToken);
  const statement = known === undefined ? undefined : statements.get(known);
  if (statement === undefined) {
    const id = randomUUID();
    const run = runScripts.get(table)?.shift();
    const bad = (body.Parameters ?? []).some((p) => p.value === 'Bad Row');
    const rows = body.Sql.startsWith('DELETE') ? 2 : rowsOf(body).length;
    const created: Statement = bad
      ? { id, body, statuses: ['FAILED'], error: 'ERROR: value too long for type character varying(512)', rows, createdAt: Date.now() }
      : { id, body, statuses: [...(run?.statuses ?? ['FINISHED'])], ...(run?.error === undefined ? {} : { error: run.error }), rows, createdAt: Date.now() };
    statements.set(id, created);
    if (body.ClientToken !== undefined) byToken.set(body.ClientToken, id);
    return executed(created);
  }
  return executed(statement);
}
const executed = (statement: Statement): ScriptedResponse => ({
  status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: { Id: statement.id, ClusterIdentifier: statement.body.ClusterIdentifier, Database: statement.body.Database, DbUser: statement.body.DbUser, CreatedAt: statement.createdAt / 1000 },
});

const executes = (table: string) => sim.requests({ method: 'POST', path: '/' }).filter((r) => targetOf(r) === 'RedshiftData.ExecuteStatement' && tableOf(bodyOf(r).Sql) === table);
const inserts = (table: string) => executes(table).filter((r) => bodyOf(r).Sql.startsWith('INSERT'));
const describesOf = (id: string) => sim.requests({ method: 'POST', path: '/' }).filter((r) => targetOf(r) === 'RedshiftData.DescribeStatement' && (r.json as { Id: string }).Id === id);
const statementsOf = (table: string) => [...statements.values()].filter((s) => tableOf(s.body.Sql) === table);
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'amazon_redshift', name, {
  config: { region: REGION, cluster_identifier: 'analytics-cluster', database: 'dev', db_user: 'signal_writer', schema: 'signal', table, access_key_id: ACCESS_KEY, secret_access_key: SECRET, ...config },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/', dataApi);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1500',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'amazon_redshift', vendors: ['amazon_redshift'] });
});
after(() => closeAll(signal, sim));

describe('Amazon Redshift', () => {
  test('a browser\'s order: the documented ExecuteStatement — SigV4, named parameters only — followed by DescribeStatement, delivered when FINISHED', async () => {
    const { site, integrationId } = await install('Redshift shop', 'events');
    const properties = { order_id: 'ORD-RS-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-rs-1', messageId: 'rs-order-1', properties });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [request] = inserts('events');
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/');
    assert.equal(request!.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(request!.headers['x-amz-target'], 'RedshiftData.ExecuteStatement');
    assert.ok(signatureHolds(request!), `signed for redshift-data over the real host and the bytes received: ${request!.headers.authorization}`);
    assert.match(request!.headers.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    const body = bodyOf(request!);
    assert.deepEqual(Object.keys(body), ['ClusterIdentifier', 'Database', 'DbUser', 'Sql', 'Parameters', 'ClientToken', 'StatementName']);
    assert.deepEqual([body.ClusterIdentifier, body.Database, body.DbUser, body.StatementName], ['analytics-cluster', 'dev', 'signal_writer', 'signal-insert']);
    assert.match(body.ClientToken!, /^[0-9a-f]{64}$/);
    // The browser call has no sentAt: the column is left out of the statement.
    assert.equal(body.Sql, 'INSERT INTO "signal"."events" ("message_id", "type", "event", "user_id", "anonymous_id", "timestamp", "received_at", "properties", "context") '
      + 'VALUES (:p1, :p2, :p3, :p4, :p5, CAST(:p6 AS TIMESTAMPTZ), CAST(:p7 AS TIMESTAMPTZ), JSON_PARSE(:p8), JSON_PARSE(:p9))');
    assert.ok(!body.Sql.includes('rs-order-1') && !body.Sql.includes('u-rs-1'), 'no value in the statement\'s text');
    const [row] = rowsOf(body);
    const { received_at: receivedAt, context, ...columns } = row!;
    assert.deepEqual(columns, {
      message_id: 'rs-order-1', type: 'track', event: 'Order Completed', user_id: 'u-rs-1', anonymous_id: visitor.id,
      timestamp: '2026-11-30 11:59:58.250+00', properties: JSON.stringify(properties),
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+00$/);
    const parsed = JSON.parse(String(context)) as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([parsed.ip, parsed.userAgent, parsed.page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
    const [statement] = statementsOf('events');
    const [describe] = describesOf(statement!.id);
    assert.ok(describe, 'the statement asked after');
    assert.deepEqual([describe!.headers['x-amz-target'], describe!.json], ['RedshiftData.DescribeStatement', { Id: statement!.id }]);
    assert.ok(signatureHolds(describe!));
  });

  test('a 503, a timeout, and a statement still running after the follow-ups: retried with the same ClientToken, one statement, delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift outage', 'events_outage');
    executeScripts.set('events_outage', [awsError(503, 'ServiceUnavailableException', 'Service Unavailable'), reply.hang()]);
    runScripts.set('events_outage', [{ statuses: ['SUBMITTED', 'PICKED', 'STARTED', 'STARTED', 'FINISHED'] }]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-rs-2', messageId: 'rs-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const tries = inserts('events_outage');
    assert.equal(tries.length, 4, 'the 503, the timeout, the statement queued, then the same statement named again');
    assert.equal(new Set(tries.map((r) => bodyOf(r).ClientToken)).size, 1, 'one ClientToken throughout');
    assert.ok(tries.every(signatureHolds), 'each try signed as it was sent');
    const made = statementsOf('events_outage');
    assert.equal(made.length, 1, 'the Data API ran one INSERT');
    assert.equal(describesOf(made[0]!.id).length, 5, 'four follow-ups while it ran, then one after the re-send');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a statement failing for a passing reason (a serializable isolation conflict) is run once more at once as a new statement, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift conflict', 'events_conflict');
    runScripts.set('events_conflict', [{ statuses: ['STARTED', 'FAILED'], error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 100123, transactions forming the cycle are: 4711, 4712 (pid:1073815670)' }]);
    await browser(site.key, { type: 'track', event: 'Conflict', userId: 'u-rs-5', messageId: 'rs-1023-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const [failed, rerun] = statementsOf('events_conflict');
    assert.equal(statementsOf('events_conflict').length, 2, 'the failed statement, then one more');
    assert.deepEqual([failed!.statuses, rerun!.statuses], [['FAILED'], ['FINISHED']]);
    const tokens = inserts('events_conflict').map((r) => bodyOf(r).ClientToken!);
    assert.equal(tokens.length, 2);
    assert.equal(tokens[1], sha256(['rerun', tokens[0]!, failed!.id].join('\n')), 'the re-run\'s token derived from the failed statement, so a re-send finds it again');
    assert.deepEqual([bodyOf(inserts('events_conflict')[1]!).Sql, bodyOf(inserts('events_conflict')[1]!).Parameters], [failed!.body.Sql, failed!.body.Parameters], 'the same INSERT');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'retried', 'deadLettered']), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('ActiveStatementsExceededException is retried as a rate limit, using up no try, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift busy', 'events_busy');
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    executeScripts.set('events_busy', Array.from({ length: 6 }, () => awsError(400, 'ActiveStatementsExceededException', 'Active statements exceeded the allowed quota.')));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-rs-3', messageId: 'rs-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the rate limit', 45_000);
    assert.equal(inserts('events_busy').length, 7, 'six refusals, then the INSERT');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a value too long for its column: the rows are sent in halves until the bad one is alone, dead-lettered with Redshift\'s words; the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift rows', 'events_rows');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['Good One', 'Bad Row', 'Good Two'].map((event, i) => ({ type: 'track', event, userId: 'u-rs-4', messageId: `rs-rows-${i}`, timestamp: CALL_TIMESTAMP })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'rs-rows-1');
    assert.match(letter.reason, /^Redshift refused a value of this row \(statement [0-9a-f-]{36} failed: ERROR: value too long for type character varying\(512\)\): fix what the blueprint maps, or the column's type or length in signal\.events_rows, then replay the dead letters$/);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the good rows delivered');
    assert.deepEqual(rowsOf(bodyOf(inserts('events_rows')[0]!)).map((r) => r.message_id), ['rs-rows-0', 'rs-rows-1', 'rs-rows-2'], 'first one statement of the three rows');
    const finished = statementsOf('events_rows').filter((s) => s.statuses[0] === 'FINISHED').flatMap((s) => rowsOf(s.body).map((r) => r.message_id));
    assert.deepEqual(finished.sort(), ['rs-rows-0', 'rs-rows-2'], 'the good rows inserted by statements without the bad one');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a missing table and a denied IAM action are dead-lettered at once, naming what to fix', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift missing', 'events_missing');
    runScripts.set('events_missing', [{ statuses: ['STARTED', 'FAILED'], error: 'ERROR: relation "signal.events_missing" does not exist' }]);
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'rs-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'rs-404-1');
    assert.equal(letter.attempts, 1, 'not retried: Redshift refuses it every time');
    assert.match(letter.reason, /^Redshift has no table signal\.events_missing \(statement [0-9a-f-]{36} failed: ERROR: relation "signal\.events_missing" does not exist\): check config\.database, config\.schema and config\.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters$/);

    const denied = await install('Redshift denied', 'events_denied');
    executeScripts.set('events_denied', [awsError(400, 'AccessDeniedException', 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: redshift:GetClusterCredentials on resource: arn:aws:redshift:eu-west-1:111122223333:dbuser:analytics-cluster/signal_writer')]);
    await browser(denied.site.key, { type: 'page', name: 'Home', messageId: 'rs-403-1' });
    const refused = await waitForDeadLetter(signal, denied.integrationId, 'rs-403-1');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^AWS denied the ExecuteStatement \(HTTP 400 AccessDeniedException: User: .* is not authorized to perform: redshift:GetClusterCredentials .*\): grant the IAM identity of config\.access_key_id redshift-data:ExecuteStatement, redshift:GetClusterCredentials on the cluster's dbuser:analytics-cluster\/signal_writer and dbname:analytics-cluster\/dev; then replay the dead letters$/);
  });

  test('a person deletion: a DELETE with the ids as parameters, followed through DescribeStatement, the rows deleted shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Redshift deletions', 'events_forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-rs-forget', messageId: 'rs-forget-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the event delivered');
    runScripts.set('events_forget', [{ statuses: ['STARTED', 'FINISHED'] }]);
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-rs-forget', anonymousId: visitor.id }), [{
      integrationId, vendor: 'amazon_redshift', status: 'sent', responseStatus: 200, message: `Redshift deleted 2 rows (statement ${statementsOf('events_forget').find((s) => s.body.Sql.startsWith('DELETE'))?.id})`,
    }]);
    const [deletion] = executes('events_forget').filter((r) => bodyOf(r).Sql.startsWith('DELETE'));
    assert.ok(signatureHolds(deletion!));
    assert.deepEqual(bodyOf(deletion!), {
      ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer',
      Sql: 'DELETE FROM "signal"."events_forget" WHERE user_id = :user_id OR previous_id = :user_id OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id',
      Parameters: [{ name: 'user_id', value: 'u-rs-forget' }, { name: 'anonymous_id', value: visitor.id }], StatementName: 'signal-person-deletion',
    });
    const statement = statementsOf('events_forget').find((s) => s.body.Sql.startsWith('DELETE'))!;
    assert.equal(describesOf(statement.id).length, 2, 'asked after while it ran, then FINISHED');

    // Without forwarding, the deletion is not sent.
    const quiet = await install('Redshift no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-rs-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'amazon_redshift', status: 'skipped' });
  });
});
