// How ClickHouse says what went wrong over HTTP: the status (400 for data it cannot read, 403 for
// a refused user or grant, 404 for an unknown table or database, 500 for most others, 503 when
// it cannot take the query now), the `X-ClickHouse-Exception-Code` header, and a body
// `Code: 60. DB::Exception: Table signal.events does not exist. (UNKNOWN_TABLE) (version 24.8.4.13 (official build))`
// (older servers: `Code: 60, e.displayText() = DB::Exception: …`). An error raised after the
// answer started (rare for an INSERT, which has no result) arrives in a 200 with the header set.
import { responseHeader, type VendorResponse } from '../../core/sdk/index.ts';

/** A ClickHouse exception as an answer carries it. */
export interface ClickHouseError {
  /** The exception code (`X-ClickHouse-Exception-Code`, else the body's `Code: N`), or undefined when the answer has none. */
  code: number | undefined;
  /** The code's name when the body gives it (`UNKNOWN_TABLE`), else ''. */
  name: string;
  /** The exception's words, on one line, without the code, name and version, at most 400 characters. */
  message: string;
}

/** The exception codes this plugin reads by name (ClickHouse's src/Common/ErrorCodes.cpp). */
export const CODES = {
  UNEXPECTED_END_OF_FILE: 3,
  CANNOT_PARSE_TEXT: 6,
  NO_SUCH_COLUMN_IN_TABLE: 16,
  CANNOT_PARSE_ESCAPE_SEQUENCE: 25,
  CANNOT_PARSE_QUOTED_STRING: 26,
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 27,
  ATTEMPT_TO_READ_AFTER_EOF: 32,
  CANNOT_READ_ALL_DATA: 33,
  CANNOT_PARSE_DATE: 38,
  CANNOT_PARSE_DATETIME: 41,
  TYPE_MISMATCH: 53,
  UNKNOWN_TABLE: 60,
  SYNTAX_ERROR: 62,
  CANNOT_CONVERT_TYPE: 70,
  CANNOT_PARSE_NUMBER: 72,
  UNKNOWN_DATABASE: 81,
  UNKNOWN_SETTING: 115,
  INCORRECT_DATA: 117,
  CANNOT_READ_ARRAY_FROM_TEXT: 130,
  TOO_LARGE_STRING_SIZE: 131,
  TIMEOUT_EXCEEDED: 159,
  TOO_SLOW: 160,
  READONLY: 164,
  UNKNOWN_USER: 192,
  WRONG_PASSWORD: 193,
  REQUIRED_PASSWORD: 194,
  IP_ADDRESS_NOT_ALLOWED: 195,
  QUOTA_EXCEEDED: 201,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  NO_FREE_CONNECTION: 203,
  SOCKET_TIMEOUT: 209,
  NETWORK_ERROR: 210,
  TABLE_IS_DROPPED: 218,
  NO_ZOOKEEPER: 225,
  QUERY_IS_TOO_LARGE: 229,
  ABORTED: 236,
  MEMORY_LIMIT_EXCEEDED: 241,
  TABLE_IS_READ_ONLY: 242,
  NOT_ENOUGH_SPACE: 243,
  TOO_MANY_PARTS: 252,
  NO_ACTIVE_REPLICAS: 254,
  ALL_CONNECTION_TRIES_FAILED: 279,
  DATABASE_ACCESS_DENIED: 291,
  TOO_MANY_BYTES: 307,
  UNKNOWN_STATUS_OF_INSERT: 319,
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 321,
  CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN: 349,
  CANNOT_PARSE_UUID: 376,
  QUERY_WAS_CANCELLED: 394,
  CANNOT_SCHEDULE_TASK: 439,
  CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING: 441,
  SETTING_CONSTRAINT_VIOLATION: 452,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
  KEEPER_EXCEPTION: 999,
} as const;

/** Where the body names the exception: `Code: 60. DB::Exception: …` or `Code: 60, e.displayText() = DB::Exception: …`. */
const BODY_EXCEPTION = /Code:\s*(\d+)[.,]\s*(?:e\.displayText\(\)\s*=\s*)?(?:DB::Exception:\s*)?([\s\S]*)/;
/** The code's name and the version at the end of newer servers' messages: `… (UNKNOWN_TABLE) (version 24.8.4.13 (official build))`. */
const NAME_AND_VERSION = /\s*\(([A-Z][A-Z0-9_]+)\)\s*(?:\(version [^)]*(?:\([^)]*\))?\))?\s*$/;
const VERSION_ONLY = /\s*\(version [^)]*(?:\([^)]*\))?\)\s*$/;

/**
 * The exception an answer carries, read from its header and body.
 *
 * @example
 * clickHouseError({ status: 404, headers: { 'x-clickhouse-exception-code': '60' }, body: 'Code: 60. DB::Exception: Table signal.events does not exist. (UNKNOWN_TABLE) (version 24.8.4.13 (official build))\n' });
 * // { code: 60, name: 'UNKNOWN_TABLE', message: 'Table signal.events does not exist.' }
 */
export function clickHouseError(response: Pick<VendorResponse, 'headers' | 'body'>): ClickHouseError {
  const header = responseHeader(response.headers, 'x-clickhouse-exception-code');
  const headerCode = header !== undefined && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
  const match = BODY_EXCEPTION.exec(response.body ?? '');
  const bodyCode = match ? Number(match[1]) : undefined;
  let words = (match ? match[2]! : '').replace(/\s+/g, ' ').trim();
  let name = '';
  const named = NAME_AND_VERSION.exec(words);
  if (named) {
    name = named[1]!;
    words = words.slice(0, named.index).trim();
  } else {
    words = words.replace(VERSION_ONLY, '').trim();
  }
  const code = headerCode !== undefined && headerCode !== 0 ? headerCode : bodyCode;
  return { code, name, message: words.slice(0, 400) };
}

/**
 * What an answer said, for messages: `HTTP 404, ClickHouse code 60 UNKNOWN_TABLE: Table … does not exist.`,
 * or the start of a body that is not ClickHouse's.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { code: undefined, name: '', message: '' }); // 'HTTP 503'
 */
export function said(response: Pick<VendorResponse, 'status' | 'body'>, error: ClickHouseError): string {
  if (error.code !== undefined) return `HTTP ${response.status}, ClickHouse code ${error.code}${error.name ? ` ${error.name}` : ''}${error.message ? `: ${error.message}` : ''}`;
  const start = (response.body ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return start === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${start}`;
}

/** Whether an answer comes from ClickHouse: it sets X-ClickHouse-* headers on every answer (the query id, the summary, the server's name). */
export function fromClickHouse(response: Pick<VendorResponse, 'headers'>): boolean {
  return Object.keys(response.headers).some((name) => name.toLowerCase().startsWith('x-clickhouse-'));
}

/** A web page: what a proxy or a login portal answers, never ClickHouse to an INSERT or a DELETE. */
const WEB_PAGE = /^\s*<(?:!doctype|html|head|body)\b/i;

/**
 * Whether a 2xx without an exception is a web page without any `X-ClickHouse-*` header: a
 * proxy's or a login portal's answer, not ClickHouse's (which answers a successful INSERT or
 * DELETE with an empty body). Other bodies still count as ClickHouse's: the core's contract
 * takes a bare 2xx for an acceptance.
 *
 * @example
 * notClickHouseAnswer({ headers: {}, body: '<!DOCTYPE html><title>Sign in</title>' }); // true
 * notClickHouseAnswer({ headers: { 'x-clickhouse-query-id': 'q' }, body: '' });        // false
 */
export function notClickHouseAnswer(response: Pick<VendorResponse, 'headers' | 'body'>): boolean {
  return WEB_PAGE.test(response.body ?? '') && !fromClickHouse(response);
}
