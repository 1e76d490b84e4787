// ClickHouse end to end: browser calls through the real collect API, the queue and the delivery
// engine, to the vendor simulator standing in for a ClickHouse Cloud service's HTTPS interface
// (redirected from its :8443 origin). The simulator answers as ClickHouse does — exception code
// header and `Code: N. DB::Exception` body, deduplication by insert_deduplication_token — and
// keeps the rows it inserted, so the tests see what the table holds: the documented insert
// (statement and settings as URL parameters, X-ClickHouse-User/Key, JSONEachRow rows); a
// Cloud service waking up (503) retried; a timeout after ClickHouse wrote the rows, whose retry
// ClickHouse drops by its token (one row in the table); TOO_MANY_PARTS and 429 as rate limits; a
// row ClickHouse cannot read found by splitting, under a code the plugin names or not; a column the table lacks dead-lettered for the
// rows holding it only; a wrong password and a missing table dead-lettered at once, naming the
// config fields; a person deletion as a lightweight DELETE with the ids as query parameters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ORIGIN = 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443';
const USER = 'signal_writer';
const PASSWORD = 'ch-e2e-password';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;

/** What the simulated service holds: rows per table, the deduplication tokens it has seen, answers queued per table. */
const tables = new Map<string, Array<Record<string, unknown>>>();
const tokens = new Set<string>();
const queued = new Map<string, Array<ScriptedResponse | 'insert-then-hang'>>();
/** Tables whose definition has no `traits` column (made without it). */
const WITHOUT_TRAITS = new Set(['events_slim']);

const CH_HEADERS = { 'x-clickhouse-query-id': 'e2e-query', 'x-clickhouse-server-display-name': 'sim' };
const chError = (status: number, code: number, name: string, message: string): ScriptedResponse => ({
  status, body: `Code: ${code}. DB::Exception: ${message}. (${name}) (version 24.8.4.13 (official build))\n`,
  headers: { ...CH_HEADERS, 'x-clickhouse-exception-code': String(code) },
});
const tableOfInsert = (request: RecordedRequest): string | undefined => /^INSERT INTO `signal`\.`([A-Za-z0-9_]+)` FORMAT JSONEachRow$/.exec(request.query.query ?? '')?.[1];
const inserts = (table: string) => sim.requests({ method: 'POST', path: '/' }).filter((request) => tableOfInsert(request) === table);
const linesOf = (request: RecordedRequest) => request.body.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const stored = (table: string, messageId: string) => (tables.get(table) ?? []).filter((row) => row.message_id === messageId);

/** The service's answer to an insert, as ClickHouse gives it. */
function insert(request: RecordedRequest): ScriptedResponse {
  if (request.headers['x-clickhouse-user'] !== USER || request.headers['x-clickhouse-key'] !== PASSWORD) {
    return chError(403, 516, 'AUTHENTICATION_FAILED', `${request.headers['x-clickhouse-user']}: Authentication failed: password is incorrect, or there is no user with such name`);
  }
  const table = tableOfInsert(request);
  if (table === undefined) return chError(400, 62, 'SYNTAX_ERROR', 'Syntax error');
  if (table === 'missing') return chError(404, 60, 'UNKNOWN_TABLE', 'Table signal.missing does not exist');
  const next = queued.get(table)?.shift();
  if (next !== undefined && next !== 'insert-then-hang') return next;
  const rows = linesOf(request);
  const slim = rows.findIndex((row) => WITHOUT_TRAITS.has(table) && 'traits' in row);
  if (slim >= 0) return chError(400, 117, 'INCORRECT_DATA', `Unknown field found while parsing JSONEachRow format: traits: (at row ${slim + 1})\n: While executing ParallelParsingBlockInputFormat`);
  const unreadable = rows.findIndex((row) => row.event === 'Unreadable');
  if (unreadable >= 0) return chError(400, 27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', `Cannot parse input: expected '"' before: '{}': (while reading the value of key properties): (at row ${unreadable + 1})`);
  // A value of a column the customer added that ClickHouse cannot read, under a code the plugin does not name.
  const bool = rows.findIndex((row) => row.event === 'Bad Bool');
  if (bool >= 0) return chError(400, 467, 'CANNOT_PARSE_BOOL', `Cannot parse boolean value here: 'maybe' (while reading the value of key is_trial): (at row ${bool + 1})`);
  // All or nothing, once per token: a re-sent insert with a token seen is dropped, answered 200.
  const token = request.query.insert_deduplication_token ?? '';
  if (!tokens.has(token)) {
    tokens.add(token);
    tables.set(table, [...(tables.get(table) ?? []), ...rows]);
  }
  if (next === 'insert-then-hang') return { hang: true };
  return { status: 200, body: '', headers: { ...CH_HEADERS, 'x-clickhouse-summary': JSON.stringify({ written_rows: String(rows.length) }) } };
}

const visitor: Visitor = { id: 'df_ch0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, table: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'clickhouse', name, {
  config: { url: ORIGIN, database: 'signal', table, username: USER, password: PASSWORD, ...config },
});
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/', (request) => {
    if (/^DELETE FROM /.test(request.body)) return { status: 200, body: '', headers: CH_HEADERS };
    return insert(request);
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${ORIGIN}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
    // A hung insert is given up after this long (then retried).
    SIGNAL_HTTP_TIMEOUT_MS: '1500',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'clickhouse', vendors: ['clickhouse'] });
});
after(() => closeAll(signal, sim));

describe('ClickHouse', () => {
  test('a browser\'s order: the documented insert — statement and settings as URL parameters, the user and password in headers, one JSONEachRow row with the README\'s columns', async () => {
    const { site, integrationId } = await install('ClickHouse shop', 'events');
    const properties = { order_id: 'ORD-CH-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-ch-1', messageId: 'ch-order-1', properties });
    const [row] = await waitUntil(async () => { const found = stored('events', 'ch-order-1'); return found.length > 0 && found; }, 'the row');
    const [request] = inserts('events');

    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/');
    assert.deepEqual(request!.queryPairs.map(([name, value]) => (name === 'insert_deduplication_token' ? [name, value.replace(/[0-9a-f]{64}$/, '<sha256>')] : [name, value])), [
      ['query', 'INSERT INTO `signal`.`events` FORMAT JSONEachRow'],
      ['async_insert', '1'], ['wait_for_async_insert', '1'],
      ['insert_deduplication_token', 'signal-<sha256>'],
      ['date_time_input_format', 'best_effort'], ['input_format_skip_unknown_fields', '0'],
    ]);
    assert.equal(request!.headers['x-clickhouse-user'], USER);
    assert.equal(request!.headers['x-clickhouse-key'], PASSWORD);
    assert.equal(request!.headers['content-type'], 'application/x-ndjson');
    assert.ok(request!.body.endsWith('}\n'), 'one JSON object a line');
    const { received_at: receivedAt, context, ...columns } = row!;
    assert.deepEqual(columns, {
      message_id: 'ch-order-1', type: 'track', event: 'Order Completed', user_id: 'u-ch-1', anonymous_id: visitor.id,
      timestamp: CALL_TIMESTAMP, properties: JSON.stringify(properties),
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(String(receivedAt)) - Date.now()) < 60_000, 'received_at is the server\'s stamp');
    const parsed = JSON.parse(String(context)) as { ip: string; userAgent: string; page: { url: string } };
    assert.deepEqual([parsed.ip, parsed.userAgent, parsed.page.url], [VISITOR_IP, UA, 'https://shop.example.com/thanks?utm_source=news']);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a 503 while a ClickHouse Cloud service wakes up is retried, then delivered once', async () => {
    const { site, integrationId } = await install('ClickHouse waking', 'events_waking');
    queued.set('events_waking', [{ status: 503, body: 'Service is starting' }]);
    await browser(site.key, { type: 'track', event: 'Woke', userId: 'u-ch-2', messageId: 'ch-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.equal(inserts('events_waking').length, 2, 'the 503, then the insert');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(stored('events_waking', 'ch-503-1').length, 1);
  });

  test('a timeout after ClickHouse wrote the rows: the retry carries the same deduplication token, ClickHouse drops it, the table holds the row once', async () => {
    const { site, integrationId } = await install('ClickHouse timeout', 'events_timeout');
    queued.set('events_timeout', ['insert-then-hang']);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-ch-3', messageId: 'ch-timeout-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the timeout', 30_000);
    const [first, second] = inserts('events_timeout');
    assert.ok(second, 'sent again after the timeout');
    assert.equal(second.query.insert_deduplication_token, first!.query.insert_deduplication_token, 'the same token');
    // The same rows — though not the same bytes: the retry maps the event again from its stored
    // copy, whose context keys PostgreSQL's jsonb orders otherwise. ClickHouse's own deduplication
    // (a hash of the inserted data) would take it for new data; the token, from the ids, does not.
    assert.deepEqual(linesOf(second).map((row) => ({ ...row, context: JSON.parse(String(row.context)) as unknown })), linesOf(first!).map((row) => ({ ...row, context: JSON.parse(String(row.context)) as unknown })));
    assert.equal(stored('events_timeout', 'ch-timeout-1').length, 1, 'ClickHouse dropped the re-sent insert');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('TOO_MANY_PARTS and a 429 are rate limits: retried using up no try, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('ClickHouse parts', 'events_parts');
    const parts = chError(500, 252, 'TOO_MANY_PARTS', 'Too many parts (3000 with average size of 1.00 KiB) in table \'signal.events_parts\'. Merges are processing significantly slower than inserts');
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    queued.set('events_parts', [parts, parts, parts, { status: 429, body: 'slow down', headers: { 'retry-after': '1' } }, parts, parts]);
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-ch-4', messageId: 'ch-parts-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the rate limits', 45_000);
    assert.equal(inserts('events_parts').length, 7, 'six refusals, then the insert');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a row ClickHouse cannot read: the request split in halves until it is alone, dead-lettered with ClickHouse\'s words; the others inserted', async () => {
    const { site, integrationId } = await install('ClickHouse unreadable', 'events_unreadable');
    await batch(site.key, ['Good One', 'Unreadable', 'Good Two', 'Good Three'].map((event, i) => ({ type: 'track', event, userId: 'u-ch-5', messageId: `ch-split-${i}` })));
    const letter = await waitForDeadLetter(signal, integrationId, 'ch-split-1');
    assert.equal(letter.attempts, 1, 'not retried: ClickHouse refuses it every time');
    assert.equal(letter.reason, 'ClickHouse could not read this row (HTTP 400, ClickHouse code 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED: Cannot parse input: expected \'"\' before: \'{}\': (while reading the value of key properties): (at row 1).): the value of properties does not fit the column\'s type in signal.events_unreadable — fix what the blueprint maps there or the column\'s type (see the CREATE TABLE of the plugin README), then replay the dead letter');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'the good rows delivered');
    // The ingest stage may hand the batch's events to delivery in more than one job, so the first
    // request may hold fewer than the four: what holds is that each request carrying the bad row
    // is half of the one before, down to the row alone.
    const carrying = inserts('events_unreadable').map((request) => linesOf(request).map((row) => String(row.message_id))).filter((ids) => ids.includes('ch-split-1'));
    assert.deepEqual(carrying.at(-1), ['ch-split-1'], 'the bad row alone at last');
    carrying.slice(1).forEach((ids, i) => assert.equal(ids.length, Math.ceil(carrying[i]!.length / 2), `request ${i + 2} carrying it is half of the one before: ${JSON.stringify(carrying)}`));
    assert.deepEqual(['ch-split-0', 'ch-split-2', 'ch-split-3'].map((id) => stored('events_unreadable', id).length), [1, 1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 3, deadLettered: 1 });
  });

  test('a 400 under a ClickHouse code the plugin does not name is taken for one row\'s data: split until the row is alone, only it dead-lettered', async () => {
    const { site, integrationId } = await install('ClickHouse unnamed code', 'events_bool');
    await batch(site.key, ['Fine One', 'Bad Bool', 'Fine Two'].map((event, i) => ({ type: 'track', event, userId: 'u-ch-8', messageId: `ch-bool-${i}` })));
    const letter = await waitForDeadLetter(signal, integrationId, 'ch-bool-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'ClickHouse could not read this row (HTTP 400, ClickHouse code 467 CANNOT_PARSE_BOOL: Cannot parse boolean value here: \'maybe\' (while reading the value of key is_trial): (at row 1).): the value of is_trial does not fit the column\'s type in signal.events_bool — fix what the blueprint maps there or the column\'s type (see the CREATE TABLE of the plugin README), then replay the dead letter');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other rows delivered');
    assert.deepEqual(['ch-bool-0', 'ch-bool-2'].map((id) => stored('events_bool', id).length), [1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a table without a traits column: the identify holding traits dead-lettered naming the column, the track events sent again and inserted', async () => {
    const { site, integrationId } = await install('ClickHouse slim', 'events_slim');
    await batch(site.key, [
      { type: 'track', event: 'Viewed', userId: 'u-ch-6', messageId: 'ch-slim-0' },
      { type: 'identify', userId: 'u-ch-6', traits: { plan: 'pro' }, messageId: 'ch-slim-1' },
      { type: 'track', event: 'Bought', userId: 'u-ch-6', messageId: 'ch-slim-2' },
    ]);
    const letter = await waitForDeadLetter(signal, integrationId, 'ch-slim-1');
    assert.equal(letter.attempts, 1);
    const holding = inserts('events_slim').filter((request) => linesOf(request).some((line) => line.message_id === 'ch-slim-1'));
    assert.equal(holding.length, 1, 'the identify sent once: ClickHouse will refuse it every time');
    const row = linesOf(holding[0]!).findIndex((line) => line.message_id === 'ch-slim-1') + 1;
    assert.equal(letter.reason, `ClickHouse refused the row (HTTP 400, ClickHouse code 117 INCORRECT_DATA: Unknown field found while parsing JSONEachRow format: traits: (at row ${row}) : While executing ParallelParsingBlockInputFormat.): the table signal.events_slim has no column traits — add it (ALTER TABLE signal.events_slim ADD COLUMN traits …, see the plugin README) or leave it out of the blueprint, then replay the dead letters`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the track events delivered');
    // The ingest stage may hand the three to delivery in one job or more; either way the track
    // events refused with the identify are sent again without it, and each is inserted once.
    const others = linesOf(holding[0]!).map((line) => String(line.message_id)).filter((id) => id !== 'ch-slim-1');
    const later = inserts('events_slim').slice(inserts('events_slim').indexOf(holding[0]!) + 1).flatMap((request) => linesOf(request).map((line) => String(line.message_id)));
    for (const id of others) assert.ok(later.includes(id), `${id}, refused with the identify, sent again without it`);
    assert.deepEqual(['ch-slim-0', 'ch-slim-2'].map((id) => stored('events_slim', id).length), [1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 1 }, 'sent again at once, using no try');
    for (const id of others) {
      const outcomes = await exchangeOutcomes(signal, site.id, integrationId, id);
      assert.match(outcomes[0]!, /^partial: 0 delivered, 0 retry, 1 dead_letter, [12] sent again$/, `${id}: refused with the identify`);
      assert.equal(outcomes.at(-1), 'delivered', `${id}: then inserted in the same delivery`);
    }
  });

  test('a wrong password and a missing table are dead-lettered at once, naming the config fields', async () => {
    const wrong = await install('ClickHouse wrong password', 'events', { password: 'not-the-password' });
    await browser(wrong.site.key, { type: 'track', event: 'Locked Out', userId: 'u-ch-7', messageId: 'ch-auth-1' });
    const denied = await waitForDeadLetter(signal, wrong.integrationId, 'ch-auth-1');
    assert.equal(denied.attempts, 1);
    assert.equal(denied.reason, 'ClickHouse refused the user signal_writer (HTTP 403, ClickHouse code 516 AUTHENTICATION_FAILED: signal_writer: Authentication failed: password is incorrect, or there is no user with such name.): check config.username and config.password (ClickHouse Cloud: the service\'s Connect dialog; a reset password needs a new revision), then replay the dead letters');
    assert.ok(!denied.reason.includes('not-the-password'));

    const missing = await install('ClickHouse missing table', 'missing');
    await browser(missing.site.key, { type: 'page', name: 'Home', messageId: 'ch-404-1' });
    const letter = await waitForDeadLetter(signal, missing.integrationId, 'ch-404-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'ClickHouse has no table signal.missing (HTTP 404, ClickHouse code 60 UNKNOWN_TABLE: Table signal.missing does not exist.): check config.database and config.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters');
  });

  test('a person deletion: a lightweight DELETE in the body, the ids as query parameters only; none sent with forwarding off', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('ClickHouse deletions', 'events_forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-ch-forget', messageId: 'ch-forget-1' });
    await waitUntil(async () => stored('events_forget', 'ch-forget-1')[0], 'the event');

    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-ch-forget', anonymousId: visitor.id }), [{
      integrationId, vendor: 'clickhouse', status: 'sent', responseStatus: 200,
      message: 'ClickHouse marked the person\'s rows deleted (a lightweight DELETE): gone from queries now, removed from disk by the next merge of their parts',
    }]);
    const deletions = sim.requests({ method: 'POST', path: '/' }).filter((request) => request.body.startsWith('DELETE FROM '));
    assert.equal(deletions.length, 1);
    const [deletion] = deletions;
    assert.equal(deletion!.body, 'DELETE FROM `signal`.`events_forget` WHERE user_id = {user_id:String} OR previous_id = {user_id:String} OR anonymous_id = {anonymous_id:String} OR previous_id = {anonymous_id:String}');
    assert.deepEqual(deletion!.queryPairs, [['param_user_id', 'u-ch-forget'], ['param_anonymous_id', visitor.id]]);
    assert.deepEqual([deletion!.headers['x-clickhouse-user'], deletion!.headers['x-clickhouse-key']], [USER, PASSWORD]);

    const quiet = await install('ClickHouse no deletions', 'events', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-ch-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'clickhouse', status: 'skipped' });
    assert.equal(sim.requests({ method: 'POST', path: '/' }).filter((request) => request.body.startsWith('DELETE FROM ')).length, 1);
  });
});
