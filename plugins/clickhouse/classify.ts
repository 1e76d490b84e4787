// ClickHouse's answers to an insert. An INSERT is all or nothing for a request of Signal's size
// (one block: the rows are parsed before any is written), so one row ClickHouse cannot read
// refuses them all. Two ways to find it were weighed: `input_format_allow_errors_num` would
// insert the others and skip the bad ones silently — ClickHouse does not say which, so they
// would be counted delivered and lost; Signal instead answers `split` (the request's events are
// sent again in halves, the good half inserted, down to the one event refused alone, which is
// dead-lettered with ClickHouse's words). A column the table lacks is traced at once: the
// refusal names the field, and the rows holding it are in the request's body.
import { defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { CODES, clickHouseError, notClickHouseAnswer, said, type ClickHouseError } from './clickhouse-error.ts';
import { tableName, tableOf, userOf } from './config.ts';

/** Codes for data ClickHouse could not read into the table's columns: one row's, most likely. */
const UNREADABLE_DATA = new Set<number>([
  CODES.UNEXPECTED_END_OF_FILE, CODES.CANNOT_PARSE_TEXT, CODES.CANNOT_PARSE_ESCAPE_SEQUENCE, CODES.CANNOT_PARSE_QUOTED_STRING,
  CODES.CANNOT_PARSE_INPUT_ASSERTION_FAILED, CODES.ATTEMPT_TO_READ_AFTER_EOF, CODES.CANNOT_READ_ALL_DATA, CODES.CANNOT_PARSE_DATE,
  CODES.CANNOT_PARSE_DATETIME, CODES.TYPE_MISMATCH, CODES.CANNOT_CONVERT_TYPE, CODES.CANNOT_PARSE_NUMBER, CODES.INCORRECT_DATA,
  CODES.CANNOT_READ_ARRAY_FROM_TEXT, CODES.VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE, CODES.CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN,
  CODES.CANNOT_PARSE_UUID, CODES.CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING,
]);

/** ClickHouse asking Signal to slow down although its status is not 429: handled as a rate limit. */
const SLOW_DOWN = new Set<number>([CODES.TOO_MANY_PARTS, CODES.TOO_MANY_SIMULTANEOUS_QUERIES, CODES.QUOTA_EXCEEDED, CODES.NO_FREE_CONNECTION]);

/** Passing failures of the server or its cluster: sent again (the deduplication token makes a re-sent insert safe where the table deduplicates). */
const PASSING = new Set<number>([
  CODES.MEMORY_LIMIT_EXCEEDED, CODES.TIMEOUT_EXCEEDED, CODES.TOO_SLOW, CODES.SOCKET_TIMEOUT, CODES.NETWORK_ERROR, CODES.TABLE_IS_READ_ONLY,
  CODES.NO_ZOOKEEPER, CODES.KEEPER_EXCEPTION, CODES.ABORTED, CODES.QUERY_WAS_CANCELLED, CODES.UNKNOWN_STATUS_OF_INSERT,
  CODES.ALL_CONNECTION_TRIES_FAILED, CODES.NO_ACTIVE_REPLICAS, CODES.CANNOT_SCHEDULE_TASK, CODES.NOT_ENOUGH_SPACE,
]);

const AUTHENTICATION = new Set<number>([CODES.AUTHENTICATION_FAILED, CODES.UNKNOWN_USER, CODES.WRONG_PASSWORD, CODES.REQUIRED_PASSWORD]);

/** The field ClickHouse names as unknown: `Unknown field found while parsing JSONEachRow format: colour`, `There is no column 'colour' in table`, `No such column colour in table`. */
function unknownField(error: ClickHouseError): string | undefined {
  const found = /Unknown field found while parsing JSONEachRow format:\s*([^\s:]+)/.exec(error.message)
    ?? (error.code === CODES.NO_SUCH_COLUMN_IN_TABLE ? /(?:no column|No such column)\s+[`'"]?([^\s`'"]+)/i.exec(error.message) : null);
  return found?.[1];
}

/** The column a parse error names: `(while reading the value of key timestamp)`, `(while reading column timestamp)`. */
function columnOf(error: ClickHouseError): string | undefined {
  return /while reading (?:the value of key|column)\s+[`'"]?([^\s`'"):]+)/.exec(error.message)?.[1];
}

/** The request's rows, each with its event id (the body is one JSON object a line, in `eventIds` order). */
function rowsOf(request: RequestDescriptor): Array<{ id: string; row: Record<string, unknown> | undefined }> {
  const lines = typeof request.body === 'string' ? request.body.split('\n').filter((line) => line !== '') : [];
  return request.eventIds.map((id, index) => {
    try {
      const row: unknown = JSON.parse(lines[index] ?? 'null');
      return { id, row: row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : undefined };
    } catch {
      return { id, row: undefined };
    }
  });
}

/**
 * A refusal for a field the table has no column for: the rows holding it dead-lettered (saying
 * to add the column or leave it out of the blueprint), the others sent again (ClickHouse
 * inserted none of the request's rows). Undefined when no row holds it (then the request is split).
 */
function missingColumnOutcomes(field: string, request: RequestDescriptor, answered: string, table: string): Classification | undefined {
  const rows = rowsOf(request);
  const holding = rows.filter(({ row }) => row !== undefined && Object.hasOwn(row, field));
  if (holding.length === 0) return undefined;
  const refused: EventOutcome = {
    status: 'dead_letter',
    reason: `ClickHouse refused the row (${answered}): the table ${table} has no column ${field} — add it (ALTER TABLE ${table} ADD COLUMN ${field} …, see the plugin README) or leave it out of the blueprint, then replay the dead letters`,
  };
  const again: EventOutcome = { status: 'resend', reason: `ClickHouse refused the insert for another row's field ${field}, which the table ${table} has no column for, and inserted none of its rows: sent again without it` };
  const perEvent: Record<string, EventOutcome> = {};
  for (const { id, row } of rows) perEvent[id] = row !== undefined && Object.hasOwn(row, field) ? refused : again;
  return { perEvent };
}

/** A refusal of the request's data: sent again in halves when it carries several events, the event dead-lettered when alone. */
function unreadable(error: ClickHouseError, request: RequestDescriptor, answered: string, table: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `ClickHouse could not read a row of the insert (${answered}) and inserted none: sending the events again in halves to find it` };
  const column = columnOf(error);
  const where = column === undefined ? 'a value does not fit its column\'s type' : `the value of ${column} does not fit the column's type`;
  return { status: 'dead_letter', reason: `ClickHouse could not read this row (${answered}): ${where} in ${table} — fix what the blueprint maps there or the column's type (see the CREATE TABLE of the plugin README), then replay the dead letter` };
}

/** A refusal for the request's size: sent again in halves, the event dead-lettered when alone. */
function tooLarge(request: RequestDescriptor, answered: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `ClickHouse refused the insert as too large (${answered}): sending it in halves` };
  return { status: 'dead_letter', reason: `ClickHouse refused this row alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude, then replay` };
}

/** A retry after the answer's Retry-After, when it gives one. */
function retry(response: VendorResponse, reason: string, throttled = false): EventOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, ...(throttled ? { throttled: true } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** What an exception code means, or undefined when the code alone does not say (then the status decides). */
function byCode(error: ClickHouseError, response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification | undefined {
  const code = error.code;
  if (code === undefined) return undefined;
  const answered = said(response, error);
  const table = tableName(config);
  const { database } = tableOf(config);
  const user = userOf(config);
  if (AUTHENTICATION.has(code)) {
    return { status: 'dead_letter', reason: `ClickHouse refused the user ${user} (${answered}): check config.username and config.password (ClickHouse Cloud: the service's Connect dialog; a reset password needs a new revision), then replay the dead letters` };
  }
  if (code === CODES.IP_ADDRESS_NOT_ALLOWED) {
    return { status: 'dead_letter', reason: `ClickHouse refused Signal's address (${answered}): add Signal's outgoing IP addresses to the service's IP access list (ClickHouse Cloud: Settings > Security) or to the user's HOST clause, then replay the dead letters` };
  }
  if (code === CODES.ACCESS_DENIED || code === CODES.DATABASE_ACCESS_DENIED) {
    return { status: 'dead_letter', reason: `ClickHouse denied the insert (${answered}): run GRANT INSERT ON ${table} TO ${user} (see the grants of the plugin README), and check config.database and config.table; then replay the dead letters` };
  }
  if (code === CODES.READONLY) {
    return { status: 'dead_letter', reason: `ClickHouse refused the insert: the user ${user} (config.username) is read-only (${answered}) — give it a settings profile with readonly = 0 and GRANT INSERT ON ${table}; then replay the dead letters` };
  }
  if (code === CODES.SETTING_CONSTRAINT_VIOLATION || code === CODES.UNKNOWN_SETTING) {
    return { status: 'dead_letter', reason: `ClickHouse refused a setting of the insert (${answered}): Signal sends async_insert, wait_for_async_insert, insert_deduplication_token, date_time_input_format and input_format_skip_unknown_fields — let the user ${user}'s settings profile change them, or turn config.async_insert off when the refused one is async_insert; then replay the dead letters` };
  }
  if (code === CODES.UNKNOWN_TABLE || code === CODES.TABLE_IS_DROPPED) {
    return { status: 'dead_letter', reason: `ClickHouse has no table ${table} (${answered}): check config.database and config.table, and create the table with the CREATE TABLE of the plugin README; then replay the dead letters` };
  }
  if (code === CODES.UNKNOWN_DATABASE) {
    return { status: 'dead_letter', reason: `ClickHouse has no database ${database} (${answered}): check config.database (default: default), or create it with CREATE DATABASE ${database}; then replay the dead letters` };
  }
  if (code === CODES.SYNTAX_ERROR) {
    return { status: 'dead_letter', reason: `ClickHouse could not read the insert statement (${answered}): check config.database and config.table; then replay the dead letters` };
  }
  const field = unknownField(error);
  if (field !== undefined) return missingColumnOutcomes(field, request, answered, table) ?? unreadable(error, request, answered, table);
  if (code === CODES.NO_SUCH_COLUMN_IN_TABLE) return unreadable(error, request, answered, table);
  if (code === CODES.QUERY_IS_TOO_LARGE || code === CODES.TOO_LARGE_STRING_SIZE || code === CODES.TOO_MANY_BYTES) return tooLarge(request, answered);
  if (UNREADABLE_DATA.has(code)) return unreadable(error, request, answered, table);
  if (SLOW_DOWN.has(code)) return retry(response, `ClickHouse asked Signal to slow down (${answered})`, true);
  if (PASSING.has(code)) return retry(response, `ClickHouse failed for now (${answered})`);
  return undefined;
}

/**
 * ClickHouse's answer to an insert:
 * - 2xx: delivered — unless it carries an exception (`X-ClickHouse-Exception-Code`, or a
 *   `Code: N. DB::Exception` body: classified as below), or is a web page without ClickHouse's
 *   headers (a proxy's; retried, saying to check config.url);
 * - 429, and TOO_MANY_PARTS, TOO_MANY_SIMULTANEOUS_QUERIES, QUOTA_EXCEEDED, NO_FREE_CONNECTION:
 *   retried as a rate limit (no try used up, the integration slowed down), after Retry-After;
 * - a field the table has no column for (INCORRECT_DATA "Unknown field …", NO_SUCH_COLUMN_IN_TABLE):
 *   the rows holding it dead-lettered naming the column, the others sent again;
 * - data ClickHouse cannot read (CANNOT_PARSE_*, TYPE_MISMATCH, INCORRECT_DATA, …): `split`
 *   when several events, the event dead-lettered alone, naming the column when ClickHouse does;
 * - 413, QUERY_IS_TOO_LARGE: split, or dead-lettered alone;
 * - AUTHENTICATION_FAILED and other refused logins, ACCESS_DENIED, READONLY, UNKNOWN_TABLE,
 *   UNKNOWN_DATABASE, refused settings: dead-lettered at once, naming the config field to fix
 *   and the GRANT to run;
 * - MEMORY_LIMIT_EXCEEDED, TIMEOUT_EXCEEDED, Keeper and replica failures, 408, 5xx (503 while a
 *   ClickHouse Cloud service wakes up): retried with the core's backoff;
 * - another 4xx with a ClickHouse code this plugin does not name (CANNOT_PARSE_BOOL, an unknown
 *   enum element… — the refusals of the config are all named above, so most likely one row's
 *   data): split when several events, the event dead-lettered alone;
 * - other 4xx: dead-lettered with ClickHouse's words.
 *
 * @example
 * classifyInsert({ status: 404, headers: { 'x-clickhouse-exception-code': '60' }, body: 'Code: 60. DB::Exception: Table signal.events does not exist. (UNKNOWN_TABLE) (version 24.8.4.13)' }, request, ctx);
 * // { status: 'dead_letter', reason: 'ClickHouse has no table signal.events (HTTP 404, ClickHouse code 60 UNKNOWN_TABLE: Table signal.events does not exist.): check config.database and config.table, …' }
 */
export function classifyInsert(response: VendorResponse, request: RequestDescriptor, ctx: { config: Record<string, JsonValue> }): Classification {
  const { status } = response;
  const error = clickHouseError(response);
  const answered = said(response, error);
  if (status >= 200 && status < 300) {
    if (error.code === undefined) {
      if (notClickHouseAnswer(response)) {
        return { status: 'retry', reason: `the answer to the insert is a web page, not ClickHouse's (${answered}): check that config.url is the service's HTTPS endpoint (ClickHouse Cloud: Connect > HTTPS, port 8443)` };
      }
      return { status: 'delivered' };
    }
    // An exception after the answer had started: classified by its code, retried when the code does not say.
    return byCode(error, response, request, ctx.config) ?? retry(response, `ClickHouse failed after accepting the insert (${answered})`);
  }
  if (status === 429) return retry(response, `ClickHouse's rate limit was reached (${answered})`, true);
  const classified = byCode(error, response, request, ctx.config);
  if (classified !== undefined) return classified;
  if (status === 413) return tooLarge(request, answered);
  const table = tableName(ctx.config);
  // ClickHouse answers 400 to many data errors this plugin does not list (its codes keep growing);
  // one row's bad value must not dead-letter the request's other rows.
  if (error.code !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 404 && status !== 408) {
    return unreadable(error, request, answered, table);
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `the insert was refused (${answered}): check config.username and config.password, that config.url is the service's HTTPS endpoint, and that the user may insert into ${table}; then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `the insert found nothing there (${answered}): check that config.url is the service's HTTPS endpoint (ClickHouse Cloud: Connect > HTTPS, port 8443), and config.database and config.table; then replay the dead letters` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  if (fallback.status === 'retry') {
    const waking = status === 503 ? ' — a ClickHouse Cloud service that was idle answers so while it starts' : '';
    return { ...fallback, reason: `ClickHouse failed (${answered})${waking}` };
  }
  return { status: 'dead_letter', reason: `ClickHouse refused the ${request.eventIds.length > 1 ? 'insert' : 'row'} (${answered}): check the table ${table} and the config, then replay the dead letters` };
}
