import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import clickhouse from './index.ts';
import { classifyInsert } from './classify.ts';
import { clickHouseError } from './clickhouse-error.ts';
import { sqlTableName, validateClickHouseConfig } from './config.ts';
import { deleteStatement, deletionRequest, readDeletionAnswer } from './forget-person.ts';
import { deduplicationToken, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow, timeText } from './table-row.ts';

const ENDPOINT = 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443';
const CONFIG = { url: ENDPOINT, database: 'signal', table: 'events', username: 'signal_writer', password: 'pw-123' };
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'int_ch_1', revisionId: 'r', options: {}, now: NOW,
});
const VISITOR = 'df_ch0visitor01';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: VISITOR, userId: 'u-123',
  timestamp: '2026-11-30T11:59:58.250Z', sentAt: '2026-11-30T12:59:59.000+01:00', receivedAt: '2026-11-30T12:00:00.000Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 74.97 }] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks?utm_source=news', path: '/thanks', title: 'Thanks' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/clickhouse/${variant}.yaml`, import.meta.url), 'utf8');
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const rowOf = (event: CanonicalEvent, variant = 'default'): JsonObject => {
  const result = createEventMapper(clickhouse, { variant, blueprint: blueprint(variant) }, { ...ctx(), variant })(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: string, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body });
/** ClickHouse's error answer: the status, the exception code header and the `Code: N. DB::Exception` body. */
const chError = (status: number, code: number, name: string, message: string) => answer(status, `Code: ${code}. DB::Exception: ${message}. (${name}) (version 24.8.4.13 (official build))\n`, { 'x-clickhouse-exception-code': String(code), 'x-clickhouse-query-id': 'q-1' });
const record = (id: string, payload: JsonObject = { message_id: id, type: 'track', timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z' }): MappedEvent => ({ id, event: browserEvent({ messageId: id.replace(/#\d+$/, '') }), payload });
const insertRequest = (records: MappedEvent[]): RequestDescriptor => clickhouse.send(records, ctx())[0]!;
const classify = (response: VendorResponse, ids = ['m-1']): Classification => classifyInsert(response, insertRequest(ids.map((id) => record(id))), ctx());
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
/** A classification's status, or `perEvent`. */
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('a track event maps to the README\'s row: ids and name as text, times as ISO 8601 in UTC, properties and context as JSON text', () => {
  const event = browserEvent();
  assert.deepEqual(rowOf(event), {
    message_id: 'm-1', type: 'track', event: 'Order Completed', user_id: 'u-123', anonymous_id: VISITOR,
    timestamp: '2026-11-30T11:59:58.250Z', received_at: '2026-11-30T12:00:00.000Z', sent_at: '2026-11-30T11:59:59.000Z',
    properties: JSON.stringify(event.properties), context: JSON.stringify(event.context),
  });
});

test('a page takes its name; an identify its traits; placeholder ids are left out (the column\'s default), never stored as someone\'s id', () => {
  const page = rowOf(browserEvent({ type: 'page', event: undefined, name: 'Home', userId: 'undefined', properties: { path: '/' } } as Partial<CanonicalEvent>));
  assert.equal(page.name, 'Home');
  assert.equal(page.user_id, undefined);
  assert.equal(page.anonymous_id, VISITOR);
  const identify = rowOf(browserEvent({ type: 'identify', event: undefined, traits: { email: 'jane@example.com', plan: 'pro' }, properties: undefined } as Partial<CanonicalEvent>));
  assert.equal(identify.traits, '{"email":"jane@example.com","plan":"pro"}');
});

test('times: ISO 8601 with an offset or none (UTC), a date alone, epoch seconds or milliseconds; nothing outside DateTime64\'s range or the calendar', () => {
  assert.equal(timeText('2024-03-24T17:00:00+01:00'), '2024-03-24T16:00:00.000Z');
  assert.equal(timeText('2024-03-24T16:00:00'), '2024-03-24T16:00:00.000Z');
  assert.equal(timeText('2024-03-24'), '2024-03-24T00:00:00.000Z');
  assert.equal(timeText(1711296000), '2024-03-24T16:00:00.000Z');
  assert.equal(timeText(1711296000123), '2024-03-24T16:00:00.123Z');
  for (const bad of ['2024-02-30', 'next tuesday', '1899-12-31T23:59:59Z', '2300-01-01', Number.NaN, true, null]) assert.equal(timeText(bad as JsonValue), undefined, String(bad));
});

test('a row without a required column, or with a received_at no DateTime64 takes, is refused saying what to map; an unreadable sent_at is left out', () => {
  assert.throws(() => tableRow({ type: 'track', timestamp: '2024-03-24T16:00:00Z', received_at: '2024-03-24T16:00:01Z' }), {
    name: 'PermanentError', message: 'the row has no message_id, which the table\'s sorting or partition key reads: the blueprint must map it (the shipped blueprint maps it from the event\'s messageId)',
  });
  assert.throws(() => tableRow({ message_id: 'm', type: 'track', timestamp: '2024-03-24T16:00:00Z', received_at: 'soon' }), /^PermanentError: received_at: "soon" is not a time the table's DateTime64 column takes/);
  assert.deepEqual(tableRow({ message_id: 'm', type: 'track', timestamp: '2024-03-24T16:00:00Z', received_at: '2024-03-24T16:00:01Z', sent_at: 'later', plan: 'pro' }), {
    message_id: 'm', type: 'track', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:01.000Z', plan: 'pro',
  });
});

test('send: one POST to the service\'s origin, the statement and settings as URL parameters in order, the user and password in X-ClickHouse headers, rows as NDJSON', () => {
  const events = [record('m-1'), record('m-1#2'), record('m-2')];
  const requests = clickhouse.send(events, ctx());
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, `${ENDPOINT}/`);
  assert.deepEqual(request!.query, [
    ['query', 'INSERT INTO `signal`.`events` FORMAT JSONEachRow'],
    ['async_insert', '1'], ['wait_for_async_insert', '1'],
    ['insert_deduplication_token', `signal-${createHash('sha256').update('int_ch_1\nm-1\nm-1#2\nm-2').digest('hex')}`],
    ['date_time_input_format', 'best_effort'], ['input_format_skip_unknown_fields', '0'],
  ]);
  assert.deepEqual(request!.headers, { 'x-clickhouse-user': 'signal_writer', 'x-clickhouse-key': 'pw-123', 'content-type': 'application/x-ndjson' });
  assert.equal(request!.body, `${events.map((e) => JSON.stringify(e.payload)).join('\n')}\n`);
  assert.deepEqual(request!.eventIds, ['m-1', 'm-1#2', 'm-2']);
  assert.equal(request!.allowPrivateTargets, undefined);
});

test('the deduplication token is the same for the same request sent again, another for other events or another integration', () => {
  assert.equal(deduplicationToken('a', ['m-1', 'm-2']), deduplicationToken('a', ['m-1', 'm-2']));
  assert.notEqual(deduplicationToken('a', ['m-1', 'm-2']), deduplicationToken('a', ['m-1']));
  assert.notEqual(deduplicationToken('a', ['m-1', 'm-2']), deduplicationToken('b', ['m-1', 'm-2']));
  assert.match(deduplicationToken('a', ['m-1']), /^signal-[0-9a-f]{64}$/);
});

test('synchronous inserts when config.async_insert is false; the default user and database; allow-listed private targets passed to the core', () => {
  const [request] = clickhouse.send([record('m-1')], ctx({ async_insert: false, username: undefined as unknown as JsonValue, database: undefined as unknown as JsonValue }));
  assert.deepEqual(request!.query!.map(([name, value]) => (name === 'query' || name === 'insert_deduplication_token' ? name : `${name}=${value}`)), ['query', 'async_insert=0', 'insert_deduplication_token', 'date_time_input_format=best_effort', 'input_format_skip_unknown_fields=0'], 'off said explicitly: a profile turning asynchronous inserts on without waiting would lose errors');
  assert.equal(request!.query![0]![1], 'INSERT INTO `default`.`events` FORMAT JSONEachRow');
  assert.equal(request!.headers!['x-clickhouse-user'], 'default');
  const [local] = clickhouse.send([record('m-1')], ctx({ url: 'http://10.0.3.7:8123', allow_private_targets: ['10.0.0.0/16'] }));
  assert.equal(local!.url, 'http://10.0.3.7:8123/');
  assert.deepEqual(local!.allowPrivateTargets, ['10.0.0.0/16']);
});

test('send cuts batches at MAX_ROWS rows and MAX_BYTES of body; a row larger than a request is refused alone', () => {
  const many = Array.from({ length: MAX_ROWS + 1 }, (_, i) => record(`m-${i}`));
  assert.deepEqual(clickhouse.send(many, ctx()).map((r) => r.eventIds.length), [MAX_ROWS, 1]);
  const big = (id: string) => record(id, { message_id: id, blob: 'x'.repeat(3_000_000) });
  const requests = clickhouse.send([big('a'), big('b'), big('c')], ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['a', 'b'], ['c']]);
  for (const r of requests) assert.ok(Buffer.byteLength(String(r.body)) <= MAX_BYTES);
  assert.throws(() => clickhouse.send([record('huge', { message_id: 'huge', blob: 'x'.repeat(MAX_BYTES) })], ctx()), /more than an insert request carries/);
});

test('table names are quoted, a backtick inside escaped', () => {
  assert.equal(sqlTableName({ database: 'signal', table: 'events' }), '`signal`.`events`');
  assert.equal(sqlTableName({ database: 'a`b', table: 'c\\d' }), '`a\\`b`.`c\\\\d`');
});

test('validateConfig names each field and what was expected', () => {
  assert.deepEqual(validateClickHouseConfig(CONFIG), []);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, table: 'signal.events' }), [{ field: 'table', message: 'is "signal.events": give the table alone (e.g. events); the database goes in database and the table in table' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, database: 'my db' }), [{ field: 'database', message: 'is "my db": the database Signal writes to may hold letters, digits, underscores and hyphens only' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: `${ENDPOINT}/play` }), [{ field: 'url', message: `must be the service's origin only (scheme, host and port), without a path or query: ${ENDPOINT}` }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: 'https://default:pw@abc.clickhouse.cloud:8443' }), [{ field: 'url', message: 'must not carry credentials: the user goes in username and the password in password' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: 'http://abc.clickhouse.cloud:8123' }), [{ field: 'url', message: 'uses plain http to abc.clickhouse.cloud: use the https port (8443), or list a server on your own network in allow_private_targets' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: 'http://127.0.0.1:8123' }), [{ field: 'url', message: '"127.0.0.1" is a loopback, private or link-local address; add it to allow_private_targets to reach a server on your own network' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: 'http://127.0.0.1:8123', allow_private_targets: ['127.0.0.1'] }), []);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, url: 'http://clickhouse.internal:8123', allow_private_targets: ['clickhouse.internal'] }), []);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, allow_private_targets: ['10.0.0.0/16', 'not a host!'] }), [{ field: 'allow_private_targets[1]', message: 'is "not a host!": give a hostname (clickhouse.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)' }]);
  assert.deepEqual(validateClickHouseConfig({ url: ENDPOINT }).map((p) => p.field), ['table', 'password']);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, async_insert: 'yes' }), [{ field: 'async_insert', message: 'must be true or false' }]);
  // Header values leave as Latin-1 bytes: a non-ASCII password would be refused as wrong, unexplained.
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, password: 'pässwört' }), [{ field: 'password', message: 'holds characters other than printable ASCII (letters with accents, other scripts, control characters), which the X-ClickHouse-Key header cannot carry as ClickHouse reads them: give the ClickHouse user a password of ASCII characters' }]);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, username: 'analyst_€' }).map((problem) => problem.field), ['username']);
  assert.deepEqual(validateClickHouseConfig({ ...CONFIG, password: 'p@ss w0rd!~' }), []);
});

test('ClickHouse\'s exceptions are read from the header and the body, newer and older servers\' wording', () => {
  assert.deepEqual(clickHouseError(chError(404, 60, 'UNKNOWN_TABLE', 'Table signal.events does not exist')), { code: 60, name: 'UNKNOWN_TABLE', message: 'Table signal.events does not exist.' });
  assert.deepEqual(clickHouseError(answer(500, 'Code: 60, e.displayText() = DB::Exception: Table default.wtf doesn\'t exist (version 21.3.1.1)\n')), { code: 60, name: '', message: 'Table default.wtf doesn\'t exist' });
  assert.deepEqual(clickHouseError(answer(502, '<html>Bad gateway</html>')), { code: undefined, name: '', message: '' });
});

test('2xx: delivered; an exception in a 200 is classified by its code; a proxy\'s web page is not ClickHouse\'s answer', () => {
  assert.deepEqual(classify(answer(200, '', { 'x-clickhouse-summary': '{"written_rows":"1"}' })), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, '{}')), { status: 'delivered' });
  assert.equal(statusOf(classify({ ...chError(200, 241, 'MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded'), status: 200 })), 'retry');
  const page = classify(answer(200, '<!DOCTYPE html><html><title>Sign in</title></html>'));
  assert.equal(statusOf(page), 'retry');
  assert.equal(reasonOf(page), 'the answer to the insert is a web page, not ClickHouse\'s (HTTP 200: Sign in): check that config.url is the service\'s HTTPS endpoint (ClickHouse Cloud: Connect > HTTPS, port 8443)');
});

test('a refused login, a missing grant, an unknown table or database are dead-lettered at once, naming the config fields and the GRANT', () => {
  assert.deepEqual(classify(chError(403, 516, 'AUTHENTICATION_FAILED', 'signal_writer: Authentication failed: password is incorrect, or there is no user with such name')), {
    status: 'dead_letter',
    reason: 'ClickHouse refused the user signal_writer (HTTP 403, ClickHouse code 516 AUTHENTICATION_FAILED: signal_writer: Authentication failed: password is incorrect, or there is no user with such name.): check config.username and config.password (ClickHouse Cloud: the service\'s Connect dialog; a reset password needs a new revision), then replay the dead letters',
  });
  assert.equal(reasonOf(classify(chError(403, 497, 'ACCESS_DENIED', 'signal_writer: Not enough privileges. To execute this query, it\'s necessary to have the grant INSERT(message_id, type) ON signal.events'))),
    'ClickHouse denied the insert (HTTP 403, ClickHouse code 497 ACCESS_DENIED: signal_writer: Not enough privileges. To execute this query, it\'s necessary to have the grant INSERT(message_id, type) ON signal.events.): run GRANT INSERT ON signal.events TO signal_writer (see the grants of the plugin README), and check config.database and config.table; then replay the dead letters');
  assert.equal(reasonOf(classify(chError(404, 60, 'UNKNOWN_TABLE', 'Table signal.events does not exist'))),
    'ClickHouse has no table signal.events (HTTP 404, ClickHouse code 60 UNKNOWN_TABLE: Table signal.events does not exist.): check config.database and config.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters');
  assert.match(reasonOf(classify(chError(404, 81, 'UNKNOWN_DATABASE', 'Database signal does not exist'))), /^ClickHouse has no database signal .*check config\.database/);
  assert.match(reasonOf(classify(chError(404, 115, 'UNKNOWN_SETTING', 'Unknown setting \'async_insert\''))), /turn config\.async_insert off/);
  for (const c of [classify(chError(403, 516, 'AUTHENTICATION_FAILED', 'x'), ['a', 'b']), classify(chError(500, 164, 'READONLY', 'Cannot execute query in readonly mode'))]) assert.equal(statusOf(c), 'dead_letter');
});

test('a field the table has no column for: the rows holding it dead-lettered naming the column, the others sent again', () => {
  const request = insertRequest([record('m-1'), record('m-2', { message_id: 'm-2', type: 'track', colour: 'red' }), record('m-3')]);
  const response = chError(400, 117, 'INCORRECT_DATA', 'Unknown field found while parsing JSONEachRow format: colour: (at row 2)\n: While executing ParallelParsingBlockInputFormat');
  const result = classifyInsert(response, request, ctx());
  assert.ok('perEvent' in result);
  assert.deepEqual(Object.keys(result.perEvent), ['m-1', 'm-2', 'm-3']);
  assert.equal(result.perEvent['m-2']!.status, 'dead_letter');
  assert.match(reasonOf(result.perEvent['m-2'] as Classification), /^ClickHouse refused the row \(HTTP 400, ClickHouse code 117 INCORRECT_DATA: Unknown field found while parsing JSONEachRow format: colour: .*\): the table signal\.events has no column colour — add it \(ALTER TABLE signal\.events ADD COLUMN colour …, see the plugin README\) or leave it out of the blueprint, then replay the dead letters$/);
  assert.deepEqual(result.perEvent['m-1'], { status: 'resend', reason: 'ClickHouse refused the insert for another row\'s field colour, which the table signal.events has no column for, and inserted none of its rows: sent again without it' });
  assert.deepEqual(result.perEvent['m-3'], result.perEvent['m-1']);
});

test('data ClickHouse cannot read: the request split in halves; one event alone dead-lettered naming the column', () => {
  const parse = chError(400, 27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'Cannot parse input: expected \'"\' before: \'12}\': (while reading the value of key received_at): (at row 2)');
  const split = classify(parse, ['m-1', 'm-2']);
  assert.equal(statusOf(split), 'split');
  const alone = classify(parse);
  assert.equal(statusOf(alone), 'dead_letter');
  assert.match(reasonOf(alone), /^ClickHouse could not read this row \(HTTP 400, ClickHouse code 27 .*\): the value of received_at does not fit the column's type in signal\.events — fix what the blueprint maps there or the column's type/);
  assert.equal(statusOf(classify(answer(413, 'Request Entity Too Large'), ['m-1', 'm-2'])), 'split');
  assert.equal(statusOf(classify(chError(400, 131, 'TOO_LARGE_STRING_SIZE', 'too large'), ['m-1'])), 'dead_letter');
});

test('TOO_MANY_PARTS and too many queries are rate limits; memory, timeouts and 5xx retried; 429 after its Retry-After', () => {
  assert.deepEqual(classify(chError(500, 252, 'TOO_MANY_PARTS', 'Too many parts (300 with average size of 1.00 KiB) in table \'signal.events\'. Merges are processing significantly slower than inserts')), {
    status: 'retry', throttled: true,
    reason: 'ClickHouse asked Signal to slow down (HTTP 500, ClickHouse code 252 TOO_MANY_PARTS: Too many parts (300 with average size of 1.00 KiB) in table \'signal.events\'. Merges are processing significantly slower than inserts.)',
  });
  assert.equal((classify(chError(500, 202, 'TOO_MANY_SIMULTANEOUS_QUERIES', 'Too many simultaneous queries. Maximum: 100')) as { throttled?: boolean }).throttled, true);
  assert.deepEqual(classify(chError(500, 241, 'MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded')), { status: 'retry', reason: 'ClickHouse failed for now (HTTP 500, ClickHouse code 241 MEMORY_LIMIT_EXCEEDED: Memory limit (total) exceeded.)' });
  assert.deepEqual(classify(answer(429, 'slow down', { 'retry-after': '30' })), { status: 'retry', reason: 'ClickHouse\'s rate limit was reached (HTTP 429: slow down)', throttled: true, retryAfterMs: 30_000 });
  const waking = classify(answer(503, ''));
  assert.equal(statusOf(waking), 'retry');
  assert.match(reasonOf(waking), /^ClickHouse failed \(HTTP 503\) — a ClickHouse Cloud service that was idle answers so while it starts$/);
  assert.equal(statusOf(classify(chError(500, 999, 'KEEPER_EXCEPTION', 'Connection loss'))), 'retry');
});

test('answers without a ClickHouse code: 401/403/404 dead-lettered naming config.url and the credentials; other 4xx dead-lettered', () => {
  assert.match(reasonOf(classify(answer(404, 'Not Found'))), /^the insert found nothing there \(HTTP 404: Not Found\): check that config\.url is the service's HTTPS endpoint/);
  assert.match(reasonOf(classify(answer(401, ''))), /check config\.username and config\.password/);
  assert.equal(statusOf(classify(answer(400, 'bad'))), 'dead_letter');
  assert.equal(statusOf(classify(answer(400, 'bad'), ['a', 'b'])), 'dead_letter', 'not ClickHouse\'s answer: nothing says one row is at fault');
});

test('a 4xx with a ClickHouse code the plugin does not name is taken for one row\'s data: split, then the row alone dead-lettered', () => {
  const bool = chError(400, 467, 'CANNOT_PARSE_BOOL', 'Cannot parse boolean value here: \'maybe\' (while reading the value of key is_trial): (at row 2)');
  assert.deepEqual(classify(bool, ['a', 'b', 'c']), { status: 'split', reason: 'ClickHouse could not read a row of the insert (HTTP 400, ClickHouse code 467 CANNOT_PARSE_BOOL: Cannot parse boolean value here: \'maybe\' (while reading the value of key is_trial): (at row 2).) and inserted none: sending the events again in halves to find it' });
  assert.deepEqual(classify(bool, ['b']), { status: 'dead_letter', reason: 'ClickHouse could not read this row (HTTP 400, ClickHouse code 467 CANNOT_PARSE_BOOL: Cannot parse boolean value here: \'maybe\' (while reading the value of key is_trial): (at row 2).): the value of is_trial does not fit the column\'s type in signal.events — fix what the blueprint maps there or the column\'s type (see the CREATE TABLE of the plugin README), then replay the dead letter' });
  // Codes the plugin names keep their meaning whatever the status.
  assert.equal(statusOf(classify(chError(400, 60, 'UNKNOWN_TABLE', 'Table signal.events does not exist'), ['a', 'b'])), 'dead_letter');
});

test('deletions: a lightweight DELETE with the ids as query parameters, never in the statement; placeholders skipped', () => {
  assert.deepEqual(deleteStatement({ userId: 'u-1', anonymousId: "x' OR 1=1 --" }, { database: 'signal', table: 'events' }), {
    query: 'DELETE FROM `signal`.`events` WHERE user_id = {user_id:String} OR previous_id = {user_id:String} OR anonymous_id = {anonymous_id:String} OR previous_id = {anonymous_id:String}',
    parameters: [['param_user_id', 'u-1'], ['param_anonymous_id', "x' OR 1=1 --"]],
  });
  assert.deepEqual(deletionRequest({ userId: null, anonymousId: VISITOR }, ctx()), {
    method: 'POST', url: `${ENDPOINT}/`, query: [['param_anonymous_id', VISITOR]],
    headers: { 'x-clickhouse-user': 'signal_writer', 'x-clickhouse-key': 'pw-123', 'content-type': 'text/plain; charset=utf-8' },
    body: 'DELETE FROM `signal`.`events` WHERE anonymous_id = {anonymous_id:String} OR previous_id = {anonymous_id:String}', eventIds: [],
  });
  assert.deepEqual(deletionRequest({ userId: 'undefined', anonymousId: null }, ctx()), { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no row under them' });
  assert.equal(clickhouse.forgetPerson!.enabled({ ...CONFIG, forward_deletions: false }), false);
  assert.equal(clickhouse.forgetPerson!.enabled(CONFIG), true);
});

test('deletion answers: done; a missing grant failed naming ALTER DELETE; passing failures and 5xx tried again', () => {
  const request = deletionRequest({ userId: 'u-1', anonymousId: null }, ctx()) as RequestDescriptor;
  assert.deepEqual(readDeletionAnswer(answer(200, '', { 'x-clickhouse-query-id': 'q' }), request, ctx()), { done: true, message: 'ClickHouse marked the person\'s rows deleted (a lightweight DELETE): gone from queries now, removed from disk by the next merge of their parts' });
  assert.deepEqual(readDeletionAnswer(chError(403, 497, 'ACCESS_DENIED', 'signal_writer: Not enough privileges. To execute this query, it\'s necessary to have the grant ALTER DELETE ON signal.events'), request, ctx()), {
    failed: 'HTTP 403, ClickHouse code 497 ACCESS_DENIED: signal_writer: Not enough privileges. To execute this query, it\'s necessary to have the grant ALTER DELETE ON signal.events. — run GRANT ALTER DELETE ON signal.events TO signal_writer, or turn config.forward_deletions off',
  });
  assert.match((readDeletionAnswer(chError(404, 47, 'UNKNOWN_IDENTIFIER', 'Unknown expression identifier `previous_id`'), request, ctx()) as { failed: string }).failed, /lacks a column the deletion reads/);
  assert.deepEqual(readDeletionAnswer(chError(500, 252, 'TOO_MANY_PARTS', 'Too many parts'), request, ctx()), { retry: 'HTTP 500, ClickHouse code 252 TOO_MANY_PARTS: Too many parts.' });
  assert.deepEqual(readDeletionAnswer(answer(503, '', { 'retry-after': '20' }), request, ctx()), { retry: 'HTTP 503', afterSeconds: 20 });
  assert.deepEqual(readDeletionAnswer(answer(400, 'nope'), request, ctx()), { failed: 'HTTP 400: nope' });
  assert.deepEqual(readDeletionAnswer(answer(200, '<html><title>Sign in</title></html>'), request, ctx()), { retry: 'the answer to the DELETE is a web page, not ClickHouse\'s (HTTP 200: Sign in): check that config.url is the service\'s HTTPS endpoint' }, 'a proxy\'s page is no deletion');
  assert.deepEqual(readDeletionAnswer(answer(200, ''), request, ctx()), { done: true, message: 'ClickHouse marked the person\'s rows deleted (a lightweight DELETE): gone from queries now, removed from disk by the next merge of their parts' });
});

test('without_contact_info: no email, phone, names or IP address, URLs without query strings, no id that is an email; the rest as the default', () => {
  const event = browserEvent({
    userId: 'jane@example.com',
    properties: { order_id: 'ORD-1', revenue: 74.97, email: 'jane@example.com', shipping: { name: 'Jane Doe', city: 'Leeds' } },
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', traits: { email: 'jane@example.com', plan: 'pro' },
      page: { url: 'https://shop.example.com/reset?email=jane%40example.com', path: '/reset', search: '?email=jane%40example.com' },
    },
  } as Partial<CanonicalEvent>);
  const row = rowOf(event, 'without_contact_info');
  assert.equal(row.user_id, undefined);
  assert.equal(row.anonymous_id, VISITOR);
  assert.deepEqual(JSON.parse(String(row.properties)), { order_id: 'ORD-1', revenue: 74.97, shipping: { city: 'Leeds' } });
  assert.deepEqual(JSON.parse(String(row.context)), { userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://shop.example.com/reset', path: '/reset' }, traits: { plan: 'pro' } });
  assert.equal(rowOf(browserEvent(), 'without_contact_info').user_id, 'u-123');
});
