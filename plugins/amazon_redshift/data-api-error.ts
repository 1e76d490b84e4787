// What the Data API's answers say. A refused request carries the JSON 1.1 protocol's error,
// `{ "__type": "<code>", "Message": "…" }` (the code also in the x-amzn-ErrorType header); an
// accepted ExecuteStatement answers the statement's `Id`; DescribeStatement answers its
// `Status` (SUBMITTED, PICKED, STARTED, FINISHED, FAILED, ABORTED) and, when it failed, the
// database's `Error`. This file reads both, and sorts a database error into what it means for
// the rows: a value a column refuses (the rows' doing), the table or its grants (the config's),
// or a passing failure.
import { AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, excerpt, type AwsError, type VendorResponse } from '../../core/sdk/index.ts';

export { awsJsonError };
export type { AwsError };

/** "Too fast": the AWS SDKs' throttling codes and the Data API's own limits on active statements and sessions. */
export const THROTTLING = new Set([...AWS_THROTTLING_CODES, 'ActiveStatementsExceededException', 'ActiveSessionsExceededException']);
/** Passing failures: AWS's own, the Data API's environmental errors and a database it could not reach. */
export const TRANSIENT = new Set([...AWS_TRANSIENT_CODES, 'InternalServerException', 'ExecuteStatementException', 'BatchExecuteStatementException', 'DatabaseConnectionException', 'QueryTimeoutException', 'ServiceUnavailableException']);
export const CLOCK_SKEW = new Set(AWS_CLOCK_SKEW_CODES);
export const CREDENTIALS = new Set(AWS_CREDENTIAL_CODES);
export const EXPIRED = new Set(AWS_EXPIRED_TOKEN_CODES);
export const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized']);

/** A statement's Id as the Data API writes it (a UUID, with `:n` for a batch's sub-statement). */
export const STATEMENT_ID = /^[a-z0-9]{8}(?:-[a-z0-9]{4}){3}-[a-z0-9]{12}(?::\d+)?$/;

/** The statuses of a statement still on its way. */
export const RUNNING_STATUSES = new Set(['SUBMITTED', 'PICKED', 'STARTED']);

const objectOf = (json: unknown): Record<string, unknown> | undefined => (json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined);

/**
 * The statement's Id in an ExecuteStatement answer, or undefined when the answer has none.
 *
 * @example
 * statementIdOf({ status: 200, headers: {}, body: '…', json: { Id: 'd9b6c0c9-0747-4bf4-b142-e8883122f766', Database: 'dev' } }); // 'd9b6c0c9-0747-4bf4-b142-e8883122f766'
 */
export function statementIdOf(response: VendorResponse): string | undefined {
  const id = objectOf(response.json)?.Id;
  return typeof id === 'string' && STATEMENT_ID.test(id) ? id : undefined;
}

/** What a DescribeStatement answer says of its statement. */
export interface StatementState {
  id?: string;
  status: string;
  error: string;
  /** Rows the statement inserted or deleted (`ResultRows`; undefined when -1 or absent). */
  rows?: number;
  /** When the Data API created the statement, ms since epoch. */
  createdAtMs?: number;
}

/** A JSON 1.1 timestamp (epoch seconds, a number) or ISO 8601 text, as ms; undefined otherwise. */
function instantMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * The state in a DescribeStatement answer, or undefined when the answer has no `Status`.
 *
 * @example
 * statementStateOf({ status: 200, headers: {}, body: '…', json: { Id: 'd9b6…', Status: 'FAILED', Error: 'ERROR: value too long for type character varying(256)', CreatedAt: 1764590400.5 } });
 * // { id: 'd9b6…', status: 'FAILED', error: 'ERROR: value too long for type character varying(256)', createdAtMs: 1764590400500 }
 */
export function statementStateOf(response: VendorResponse): StatementState | undefined {
  const json = objectOf(response.json);
  if (json === undefined || typeof json.Status !== 'string') return undefined;
  const rows = typeof json.ResultRows === 'number' && json.ResultRows >= 0 ? json.ResultRows : undefined;
  const createdAtMs = instantMs(json.CreatedAt);
  return {
    ...(typeof json.Id === 'string' ? { id: json.Id } : {}),
    status: json.Status.toUpperCase(),
    error: excerpt(typeof json.Error === 'string' ? json.Error : ''),
    ...(rows === undefined ? {} : { rows }),
    ...(createdAtMs === undefined ? {} : { createdAtMs }),
  };
}

/**
 * `HTTP 400 ValidationException: …` — what a refused request said, for reasons.
 *
 * @example
 * said(400, { code: 'ValidationException', message: 'Cluster not found.' }); // 'HTTP 400 ValidationException: Cluster not found.'
 */
export function said(status: number, error: AwsError): string {
  const words = [error.code, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** What a database error means for the rows of the statement. */
export type ErrorKind =
  /** A value a column cannot take: the rows' doing, found by splitting. */
  | { kind: 'data' }
  /** No such table (or schema). */
  | { kind: 'no_table'; name?: string }
  /** No such column. */
  | { kind: 'no_column'; name?: string }
  /** The database user may not do it. */
  | { kind: 'no_privilege' }
  /** The database refused the user signing in (temporary credentials, a secret's password). */
  | { kind: 'sign_in' }
  /** No such database. */
  | { kind: 'no_database' }
  /** The SQL text itself was refused (a column named in the blueprint that is no column…). */
  | { kind: 'syntax' }
  /** Passing: a conflict with another transaction, a connection lost, a cancelled query, a full disk. */
  | { kind: 'transient' }
  /** An error Signal does not recognise: tried again, then dead-lettered with the database's words. */
  | { kind: 'unknown' };

/** Errors of a value (type, length, range, JSON) a column cannot take. */
const DATA_ERROR = /value too long|invalid input syntax|out of range|overflow|invalid json|json pars|parse error|invalid byte sequence|invalid (?:timestamp|date|digit|character)|cannot be cast|invalid input for|not-null constraint|null value in column|string length exceeds|exceeds (?:the )?maximum|too large for|invalid value/i;
/** Passing database failures. */
const TRANSIENT_ERROR = /serializable isolation|1023|connection|timed? ?out|terminat|cancel|disk full|out of memory|try again|temporar|resize|maintenance|restart|could not open|lock|deadlock|in recovery|unavailable|abort/i;

/**
 * What a failed statement's database error means (see `ErrorKind`).
 *
 * @example
 * errorKind('ERROR: value too long for type character varying(256)'); // { kind: 'data' }
 * errorKind('ERROR: relation "signal.events" does not exist');          // { kind: 'no_table', name: 'signal.events' }
 */
export function errorKind(error: string): ErrorKind {
  const column = /column "([^"]+)" of relation "[^"]+" does not exist/i.exec(error) ?? /column "([^"]+)" does not exist/i.exec(error);
  if (column) return { kind: 'no_column', name: column[1]! };
  const relation = /(?:relation|schema) "([^"]+)" does not exist/i.exec(error);
  if (relation) return { kind: 'no_table', name: relation[1]! };
  if (/database "[^"]+" does not exist/i.test(error)) return { kind: 'no_database' };
  if (/permission denied|not authorized|insufficient privilege/i.test(error)) return { kind: 'no_privilege' };
  if (/password authentication failed|authentication failed|user "[^"]+" does not exist|role "[^"]+" does not exist/i.test(error)) return { kind: 'sign_in' };
  if (DATA_ERROR.test(error)) return { kind: 'data' };
  if (/syntax error/i.test(error)) return { kind: 'syntax' };
  if (TRANSIENT_ERROR.test(error)) return { kind: 'transient' };
  return { kind: 'unknown' };
}
