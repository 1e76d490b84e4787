// Google BigQuery end to end: browser calls through the real collect API, the queue and the
// delivery engine, through the core's access tokens (the service account's signed assertion
// exchanged at oauth2.googleapis.com), to the vendor simulator standing in for both Google
// origins, which must receive the documented tabledata.insertAll request; BigQuery's answers
// injected: a 503 retried, insertErrors naming an invalid row (dead-lettered with BigQuery's
// words, the stopped rows sent again without it), a quota 403 retried as a rate limit, a 404
// retried (a table created minutes ago) and dead-lettered naming the config fields once the
// tries run out; a person deletion as a parameterised DELETE query whose job is waited for
// through getQueryResults, and one refused for the streaming buffer (the older rows deleted at
// once, the deletion pending).
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { googleTokenEndpoint } from '../../test/helpers/google-token-endpoint.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PROJECT = 'shop-analytics';
const DATASET = 'signal';
const SA_EMAIL = 'signal-writer@shop-analytics.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: PROJECT, client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const TOKEN_PATH = '/token';
const QUERIES_PATH = `/bigquery/v2/projects/${PROJECT}/queries`;
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;
/** Access tokens the token endpoint issued, in order: insertAll refuses any other. */
const issued: string[] = [];

interface InsertBody { skipInvalidRows: boolean; ignoreUnknownValues: boolean; rows: Array<{ insertId?: string; json: Record<string, unknown> }> }
const insertPath = (table: string) => `/bigquery/v2/projects/${PROJECT}/datasets/${DATASET}/tables/${table}/insertAll`;
const bodyOf = (request: RecordedRequest) => request.json as InsertBody;
const inserts = (table: string) => sim.requests({ path: insertPath(table) });
/** The rows the simulator received for a table carrying this messageId, each with its request. */
const rowsFor = (table: string, messageId: string) => inserts(table).flatMap((request) => bodyOf(request).rows.filter((row) => row.json.message_id === messageId).map((row) => ({ request, row })));
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const googleError = (status: number, reason: string, message: string, code: string) => ({ status, body: { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: code } } });

const visitor: Visitor = { id: 'df_bq0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'bigquery', name, {
  config: { project_id: PROJECT, dataset_id: DATASET, table_id: table, service_account_key: KEY_FILE, ...config },
});
/** insertAll as BigQuery answers it: a row named `Bad Row` is invalid, and then every other row of its request is stopped. */
function insertAll(request: RecordedRequest) {
  if (!issued.includes(bearer(request))) return googleError(401, 'authError', 'Request had invalid authentication credentials.', 'UNAUTHENTICATED');
  const rows = bodyOf(request).rows;
  const bad = rows.findIndex((row) => row.json.event === 'Bad Row');
  if (bad < 0) return { status: 200, body: { kind: 'bigquery#tableDataInsertAllResponse' } };
  return {
    status: 200,
    body: {
      kind: 'bigquery#tableDataInsertAllResponse',
      insertErrors: rows.map((_, index) => ({
        index,
        errors: [index === bad
          ? { reason: 'invalid', location: 'colour', debugInfo: '', message: 'no such field: colour.' }
          : { reason: 'stopped', location: '', debugInfo: '', message: '' }],
      })),
    },
  };
}

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, googleTokenEndpoint(SA_EMAIL, 'bigquery-token', issued));
  for (const table of ['events', 'events_outage', 'events_rows', 'events_quota', 'events_new', 'events_missing', 'events_forget', 'events_buffer', 'events_case']) sim.setDefault('POST', insertPath(table), insertAll);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://bigquery.googleapis.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'bigquery', vendors: ['bigquery'] });
});
after(() => closeAll(signal, sim));

describe('Google BigQuery', () => {
  test('a browser\'s order: the service account\'s token, then the documented insertAll — one row, messageId as insertId, the README\'s columns, JSON columns as JSON text', async () => {
    const { site } = await install('BigQuery shop', 'events');
    const properties = { order_id: 'ORD-BQ-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-bq-1', messageId: 'bq-order-1', properties });
    const [{ request, row }] = await waitUntil(async () => { const found = rowsFor('events', 'bq-order-1'); return found.length > 0 && found; }, 'the row');

    const [tokenRequest] = sim.requests({ path: TOKEN_PATH });
    const form = new URLSearchParams(tokenRequest!.body);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'signed with the service account\'s key');
    assert.equal((JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { scope: string }).scope, 'https://www.googleapis.com/auth/bigquery');

    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/bigquery/v2/projects/shop-analytics/datasets/signal/tables/events/insertAll');
    assert.equal(request.headers.authorization, `Bearer ${issued[0]}`);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const body = bodyOf(request);
    assert.deepEqual([body.skipInvalidRows, body.ignoreUnknownValues, body.rows.length], [false, false, 1]);
    assert.deepEqual(Object.keys(body), ['skipInvalidRows', 'ignoreUnknownValues', 'rows']);
    assert.equal(row.insertId, 'bq-order-1');
    const { received_at: receivedAt, context, ...columns } = row.json;
    assert.deepEqual(columns, {
      message_id: 'bq-order-1', type: 'track', event: 'Order Completed', user_id: 'u-bq-1', anonymous_id: visitor.id,
      timestamp: CALL_TIMESTAMP, properties: JSON.stringify(properties),
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(String(receivedAt)) - Date.now()) < 60_000, 'received_at is the server\'s stamp');
    assert.equal(typeof context, 'string', 'a JSON column travels as JSON text');
    const parsed = JSON.parse(String(context)) as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([parsed.ip, parsed.userAgent, parsed.page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
  });

  test('column names are one column whatever their letter case: the later of two twins left out with a warning, USER_ID the user_id column (a placeholder left out)', async () => {
    const shipped = readFileSync(new URL('../../blueprints/bigquery/default.yaml', import.meta.url), 'utf8');
    const blueprint = shipped.replace('target: user_id }', 'target: USER_ID }')
      .replace('  - { source: sentAt, target: sent_at }', '  - { source: sentAt, target: sent_at }\n  - { source: properties.userId, target: userId }\n  - { source: properties.userid, target: userid }');
    assert.notEqual(blueprint, shipped);
    const site = await signal.pipeline('BigQuery letter case');
    const { assignment } = await signal.services.integrations.install({
      vendor: 'bigquery', name: 'BigQuery letter case', pipelineId: site.id, blueprint, deliveryMode: 'server_side',
      config: { project_id: PROJECT, dataset_id: DATASET, table_id: 'events_case', service_account_key: KEY_FILE },
    });
    const integrationId = assignment!.id;
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'undefined', messageId: 'bq-case-1', properties: { userId: 'crm-1', userid: 'crm-2' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [{ row }] = rowsFor('events_case', 'bq-case-1');
    assert.deepEqual(Object.keys(row.json), ['message_id', 'type', 'event', 'anonymous_id', 'timestamp', 'received_at', 'userId', 'properties', 'context']);
    assert.equal(row.json.userId, 'crm-1', 'the first of the twins kept');
    assert.equal(row.json.anonymous_id, visitor.id);
    const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; warnings: Record<string, string[]> | null }> }>(
      'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds warnings } }', { id: integrationId });
    const entry = body.data!.deliveryLog.find((exchange) => exchange.eventIds.includes('bq-case-1'));
    assert.deepEqual(entry?.warnings?.['bq-case-1'], ['userid left out: another column of the row has the same name in another letter case, and BigQuery reads both as one column']);
  });

  test('a 503 is retried with the same insertId, then delivered once', async () => {
    const { site, integrationId } = await install('BigQuery outage', 'events_outage');
    sim.script('POST', insertPath('events_outage'), [googleError(503, 'backendError', 'Error encountered during execution. Retrying may solve the problem.', 'UNAVAILABLE')]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-bq-2', messageId: 'bq-503-1' });
    const tries = await waitUntil(async () => { const found = rowsFor('events_outage', 'bq-503-1'); return found.length >= 2 && found; }, 'two tries');
    assert.deepEqual(tries.map((t) => t.row.insertId), ['bq-503-1', 'bq-503-1'], 'BigQuery can drop a copy of a row by its insertId');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(rowsFor('events_outage', 'bq-503-1').length, 2, 'not sent after the success');
  });

  test('insertErrors in a 200: the invalid row is dead-lettered with BigQuery\'s words and what to fix; the stopped rows are sent again without it and delivered', async () => {
    const { site, integrationId } = await install('BigQuery rows', 'events_rows');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['Good One', 'Bad Row', 'Good Two'].map((event, i) => ({ type: 'track', event, userId: 'u-bq-3', messageId: `bq-rows-${i}`, timestamp: CALL_TIMESTAMP })) }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'bq-rows-1');
    assert.equal(letter.attempts, 1, 'not retried: BigQuery refuses it every time');
    assert.equal(letter.reason, 'BigQuery refused the row (invalid at colour: no such field: colour.): the table has no column colour — add the column (see the CREATE TABLE of the plugin README) or leave it out of the blueprint, then replay the dead letters');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the stopped rows delivered');
    assert.deepEqual(bodyOf(inserts('events_rows')[0]!).rows.map((r) => r.json.message_id), ['bq-rows-0', 'bq-rows-1', 'bq-rows-2'], 'first one request of the three');
    assert.deepEqual(bodyOf(inserts('events_rows').at(-1)!).rows.map((r) => r.json.message_id), ['bq-rows-0', 'bq-rows-2'], 'then the stopped rows without the invalid one');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 1 }, 'sent again at once, using no try');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'bq-rows-0'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered']);
  });

  test('a quota 403 (rateLimitExceeded) is retried as a rate limit, using up no try, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('BigQuery quota', 'events_quota');
    const limited = googleError(403, 'rateLimitExceeded', 'Exceeded rate limits: too many api requests per user per method for this user_method', 'PERMISSION_DENIED');
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    sim.script('POST', insertPath('events_quota'), Array.from({ length: 6 }, () => limited));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-bq-4', messageId: 'bq-quota-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the quota', 30_000);
    assert.equal(rowsFor('events_quota', 'bq-quota-1').length, 7, 'six refusals, then the insert');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 404 from a table created minutes ago is retried and delivered; a table that stays missing is dead-lettered after the tries, naming the config fields and the README\'s CREATE TABLE', async () => {
    const notFound = (table: string) => googleError(404, 'notFound', `Not found: Table shop-analytics:signal.${table}`, 'NOT_FOUND');
    const fresh = await install('BigQuery new table', 'events_new');
    sim.script('POST', insertPath('events_new'), [notFound('events_new')]);
    await browser(fresh.site.key, { type: 'page', name: 'Home', messageId: 'bq-404-new' });
    await waitUntil(async () => (await integrationStats(signal, fresh.integrationId)).delivered === 1 || undefined, 'delivered once the table is found');
    assert.equal(rowsFor('events_new', 'bq-404-new').length, 2, 'the 404, then the insert');

    const { site, integrationId } = await install('BigQuery missing', 'events_missing');
    sim.script('POST', insertPath('events_missing'), Array.from({ length: 6 }, () => notFound('events_missing')));
    await browser(site.key, { type: 'page', name: 'Home', messageId: 'bq-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'bq-404-1');
    assert.equal(letter.attempts, 6);
    assert.equal(letter.reason, 'gave up after 6 tries: BigQuery has no table shop-analytics.signal.events_missing (HTTP 404 notFound: Not found: Table shop-analytics:signal.events_missing): check config.project_id, config.dataset_id and config.table_id, and create the table with the CREATE TABLE of the plugin README (a table created in the last minutes may not be found yet); then replay the dead letters');
  });

  test('a person deletion: a DELETE query with the ids as named parameters, its job waited for through getQueryResults, the rows deleted shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('BigQuery deletions', 'events_forget');
    const job = { projectId: PROJECT, jobId: 'job_bq_e2e_1', location: 'EU' };
    sim.setDefault('POST', QUERIES_PATH, { status: 200, body: { kind: 'bigquery#queryResponse', jobReference: job, jobComplete: false } });
    sim.setDefault('GET', `${QUERIES_PATH}/${job.jobId}`, { status: 200, body: { kind: 'bigquery#getQueryResultsResponse', jobReference: job, jobComplete: true, numDmlAffectedRows: '2' } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-bq-forget', messageId: 'bq-forget-1' });
    await waitUntil(async () => rowsFor('events_forget', 'bq-forget-1')[0], 'the event');

    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-bq-forget', anonymousId: visitor.id }), [{
      integrationId, vendor: 'bigquery', status: 'sent', responseStatus: 200, message: 'BigQuery deleted 2 rows (job job_bq_e2e_1)',
    }]);
    const [query] = sim.requests({ method: 'POST', path: QUERIES_PATH });
    assert.match(query!.headers.authorization ?? '', /^Bearer ya29\.bigquery-token-\d+$/);
    assert.deepEqual(query!.json, {
      query: 'DELETE FROM `shop-analytics.signal.events_forget` WHERE user_id = @user_id OR previous_id = @user_id OR anonymous_id = @anonymous_id OR previous_id = @anonymous_id',
      useLegacySql: false, parameterMode: 'NAMED',
      queryParameters: [
        { name: 'user_id', parameterType: { type: 'STRING' }, parameterValue: { value: 'u-bq-forget' } },
        { name: 'anonymous_id', parameterType: { type: 'STRING' }, parameterValue: { value: visitor.id } },
      ],
      timeoutMs: 8000,
    });
    const [wait] = sim.requests({ method: 'GET', path: `${QUERIES_PATH}/${job.jobId}` });
    assert.deepEqual(wait!.queryPairs, [['location', 'EU'], ['maxResults', '0'], ['timeoutMs', '8000']]);
    assert.equal(wait!.headers.authorization, query!.headers.authorization);

    // Without forwarding, the deletion is not sent.
    const quiet = await install('BigQuery no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-bq-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'bigquery', status: 'skipped' });
    assert.equal(sim.count({ method: 'POST', path: QUERIES_PATH }), 1);
  });

  test('a person deletion refused for the streaming buffer: their rows received over 90 minutes ago deleted at once, the deletion pending to be tried again', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('BigQuery buffer', 'events_buffer');
    const before = sim.count({ method: 'POST', path: QUERIES_PATH });
    const job = { projectId: PROJECT, jobId: 'job_bq_e2e_settled', location: 'EU' };
    sim.script('POST', QUERIES_PATH, [
      googleError(400, 'invalidQuery', 'UPDATE or DELETE statement over table shop-analytics.signal.events_buffer would affect rows in the streaming buffer, which is not supported', 'INVALID_ARGUMENT'),
      { status: 200, body: { kind: 'bigquery#queryResponse', jobReference: job, jobComplete: true, numDmlAffectedRows: '4', dmlStats: { deletedRowCount: '4' } } },
    ]);
    await browser(site.key, { type: 'track', event: 'Deleted Account', userId: 'u-bq-buffer', messageId: 'bq-buffer-1' });
    await waitUntil(async () => rowsFor('events_buffer', 'bq-buffer-1')[0], 'the event');

    const started = await signal.graphql<{ deletePerson: { id: string } }>(
      'mutation($p: ID!, $u: String) { deletePerson(pipelineId: $p, userId: $u) { id } }', { p: site.id, u: 'u-bq-buffer' });
    assert.equal(started.status, 200, JSON.stringify(started.body.errors));
    const vendor = await waitUntil(async () => {
      const { body } = await signal.graphql<{ personDeletion: { vendors: Array<{ integrationId: string; status: string; attempts: number; message: string | null; nextAttemptAt: string | null }> } }>(
        'query($id: ID!) { personDeletion(id: $id) { vendors { integrationId status attempts message nextAttemptAt } } }', { id: started.body.data!.deletePerson.id });
      const found = body.data!.personDeletion.vendors.find((v) => v.integrationId === integrationId);
      return found?.attempts === 1 && found;
    }, 'the first try to end');
    assert.equal(vendor.status, 'pending', 'tried again later: the latest rows are still in the buffer');
    assert.ok(vendor.nextAttemptAt !== null);
    const waitMinutes = (Date.parse(vendor.nextAttemptAt) - Date.now()) / 60_000;
    assert.ok(waitMinutes > 85 && waitMinutes <= 90, `the next try after the buffer's 90 minutes, not the core's 30 s: ${waitMinutes.toFixed(1)} min`);
    assert.equal(vendor.message, 'BigQuery refused the DELETE: the person\'s rows streamed in the last 30 to 90 minutes are still in its streaming buffer; 4 of their rows received more than 90 minutes ago were deleted (job job_bq_e2e_settled): tried again in 90 minutes, once the streaming buffer has let the rows go; should the tries still run out, request the deletion again (deletePerson with the same ids)');
    const [full, settled] = sim.requests({ method: 'POST', path: QUERIES_PATH }).slice(before);
    const fullQuery = 'DELETE FROM `shop-analytics.signal.events_buffer` WHERE user_id = @user_id OR previous_id = @user_id';
    assert.equal((full!.json as { query: string }).query, fullQuery);
    assert.deepEqual(settled!.json, {
      ...(full!.json as Record<string, unknown>),
      query: 'DELETE FROM `shop-analytics.signal.events_buffer` WHERE (user_id = @user_id OR previous_id = @user_id) AND received_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 90 MINUTE)',
    }, 'the same parameters: the id never enters the statement');
    assert.equal(settled!.headers.authorization, full!.headers.authorization);
  });
});
