// Reading the Statement Execution API's answers: a statement's response (`statement_id`,
// `status.state`, `status.error { error_code, message }`, the result's affected rows) and a
// refused request's error body (`{ error_code, message }`), and what a failure means, from its
// `error_code` and the error class Databricks puts between brackets at the start of an SQL
// error's message (`[TABLE_OR_VIEW_NOT_FOUND] The table or view … cannot be found. … SQLSTATE: 42P01`).
import { excerpt, isJsonObject, type VendorResponse } from '../../core/sdk/index.ts';

/** The states the API documents for a statement. */
export const STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'CLOSED'] as const;
export type StatementStateName = (typeof STATES)[number];
/** States of a statement still on its way: PENDING waits for the warehouse, RUNNING runs. */
export const RUNNING_STATES: ReadonlySet<string> = new Set(['PENDING', 'RUNNING']);

/** A statement as an answer describes it. */
export interface StatementState {
  id: string | undefined;
  state: StatementStateName;
  /** `status.error.error_code` (a FAILED statement's), or ''. */
  errorCode: string;
  /** `status.error.message`, or ''. */
  message: string;
  /** `status.sql_state`, when given. */
  sqlState?: string;
  /** The first row's `num_affected_rows` (an INSERT's or DELETE's result), when given. */
  affectedRows?: number;
}

type Json = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The first row's `num_affected_rows`, by the manifest's column of that name (else the first column). */
function affectedRowsOf(body: Json): number | undefined {
  const columns = isJsonObject(body.manifest) && isJsonObject(body.manifest.schema) && Array.isArray(body.manifest.schema.columns) ? body.manifest.schema.columns : [];
  const named = columns.findIndex((column) => isJsonObject(column) && column.name === 'num_affected_rows');
  const rows = isJsonObject(body.result) && Array.isArray(body.result.data_array) ? body.result.data_array : [];
  const first = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : [];
  const cell = first[named >= 0 ? named : 0];
  const value = typeof cell === 'number' ? cell : typeof cell === 'string' && /^\d+$/.test(cell) ? Number(cell) : undefined;
  return value;
}

/**
 * The statement an answer describes, or undefined when the body is not a statement response
 * (no `status.state` the API documents).
 *
 * @example
 * statementStateOf({ status: 200, headers: {}, body: '…', json: { statement_id: '01f0…', status: { state: 'FAILED', error: { error_code: 'BAD_REQUEST', message: '[TABLE_OR_VIEW_NOT_FOUND] …' } } } });
 * // { id: '01f0…', state: 'FAILED', errorCode: 'BAD_REQUEST', message: '[TABLE_OR_VIEW_NOT_FOUND] …' }
 */
export function statementStateOf(response: Pick<VendorResponse, 'json'>): StatementState | undefined {
  const body = response.json;
  if (!isJsonObject(body) || !isJsonObject(body.status)) return undefined;
  const state = body.status.state;
  if (typeof state !== 'string' || !(STATES as readonly string[]).includes(state)) return undefined;
  const error = isJsonObject(body.status.error) ? body.status.error : {};
  const rows = affectedRowsOf(body);
  const sqlState = str(body.status.sql_state);
  return {
    id: str(body.statement_id), state: state as StatementStateName, errorCode: str(error.error_code) ?? '', message: str(error.message) ?? '',
    ...(sqlState === undefined ? {} : { sqlState }), ...(rows === undefined ? {} : { affectedRows: rows }),
  };
}

/** A refused request's error: `{ error_code, message }` (the REST API's error body), else the body's start. */
export interface ApiError {
  code: string;
  message: string;
}

/**
 * The error a refused request answered.
 *
 * @example
 * apiErrorOf({ status: 400, headers: {}, body: '…', json: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Parameter wait_timeout …' } });
 * // { code: 'INVALID_PARAMETER_VALUE', message: 'Parameter wait_timeout …' }
 */
export function apiErrorOf(response: VendorResponse): ApiError {
  const body = response.json;
  if (isJsonObject(body)) {
    const code = str(body.error_code) ?? (isJsonObject(body.status) && isJsonObject(body.status.error) ? str(body.status.error.error_code) : undefined) ?? str(body.error) ?? '';
    const message = str(body.message) ?? (isJsonObject(body.status) && isJsonObject(body.status.error) ? str(body.status.error.message) : undefined) ?? str(body.error_description) ?? '';
    if (code !== '' || message !== '') return { code, message: excerpt(message, 400) };
  }
  return { code: '', message: excerpt(response.body.replace(/\s+/g, ' ').trim(), 200) };
}

/**
 * An answer in words for a reason: `HTTP 400 INVALID_PARAMETER_VALUE: …`.
 *
 * @example
 * said(403, { code: 'PERMISSION_DENIED', message: 'You do not have permission to use the SQL Warehouse' });
 * // 'HTTP 403 PERMISSION_DENIED: You do not have permission to use the SQL Warehouse'
 */
export function said(status: number, error: ApiError): string {
  const words = [error.code, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/**
 * The error class of an SQL error's message (`[UNRESOLVED_COLUMN.WITH_SUGGESTION] …`), without
 * its sub-class: the first one between brackets, also behind an exception's name
 * (`org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] …`, `Error running query: […]`).
 *
 * @example
 * errorClassOf('[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`signal`.`events` cannot be found.'); // 'TABLE_OR_VIEW_NOT_FOUND'
 * errorClassOf('org.apache.spark.sql.AnalysisException: [INSUFFICIENT_PERMISSIONS] Insufficient privileges: …'); // 'INSUFFICIENT_PERMISSIONS'
 */
export function errorClassOf(message: string): string | undefined {
  return /(?:^|[\s:])\[([A-Z][A-Z0-9_]*)(?:\.[A-Z0-9_]+)*\]/.exec(message)?.[1];
}

/** What a failure means for the statement's rows. */
export type FailureKind =
  | { kind: 'no_table' }
  | { kind: 'no_column'; name?: string }
  | { kind: 'no_privilege' }
  | { kind: 'data' }
  | { kind: 'syntax' }
  | { kind: 'too_large' }
  | { kind: 'warehouse' }
  | { kind: 'throttled' }
  | { kind: 'transient' }
  | { kind: 'credential' }
  | { kind: 'unknown' };

const NO_TABLE = new Set(['TABLE_OR_VIEW_NOT_FOUND', 'SCHEMA_NOT_FOUND', 'CATALOG_NOT_FOUND', 'NO_SUCH_CATALOG_EXCEPTION', 'DELTA_TABLE_NOT_FOUND', 'DELTA_MISSING_DELTA_TABLE', 'TABLE_DOES_NOT_EXIST', 'SCHEMA_DOES_NOT_EXIST', 'CATALOG_DOES_NOT_EXIST']);
const NO_COLUMN = new Set(['UNRESOLVED_COLUMN', 'FIELD_NOT_FOUND', 'DELTA_COLUMN_NOT_FOUND', 'DELTA_COLUMN_NOT_FOUND_IN_SCHEMA', 'COLUMN_NOT_FOUND', 'UNRESOLVED_FIELD']);
const NO_PRIVILEGE = new Set(['INSUFFICIENT_PERMISSIONS', 'PERMISSION_DENIED', 'INSUFFICIENT_PRIVILEGES']);
const DATA = /^(CAST_INVALID_INPUT|CAST_OVERFLOW|DATATYPE_MISMATCH|INCOMPATIBLE_DATA_FOR_TABLE|DELTA_NOT_NULL_CONSTRAINT_VIOLATED|DELTA_VIOLATE_CONSTRAINT_WITH_VALUES|DELTA_EXCEED_CHAR_VARCHAR_LIMIT|EXCEED_LIMIT_LENGTH|NUMERIC_VALUE_OUT_OF_RANGE|MALFORMED_RECORD_IN_PARSING|INVALID_VARIANT_.*|VARIANT_SIZE_LIMIT|VARIANT_CONSTRUCTOR_SIZE_LIMIT|MALFORMED_VARIANT|INVALID_JSON_.*)$/;
const SYNTAX = new Set(['PARSE_SYNTAX_ERROR', 'UNBOUND_SQL_PARAMETER', 'INVALID_SQL_SYNTAX', 'UNSUPPORTED_FEATURE', 'INVALID_IDENTIFIER', 'UNRESOLVED_ROUTINE']);
const TRANSIENT_CLASS = /^(DELTA_CONCURRENT_.*|CONCURRENT_.*|DELTA_METADATA_CHANGED|DELTA_PROTOCOL_CHANGED|TASK_WRITE_FAILED)$/;
/** `error_code`s of passing failures (the API's ServiceErrorCode). */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['TEMPORARILY_UNAVAILABLE', 'INTERNAL_ERROR', 'IO_ERROR', 'DEADLINE_EXCEEDED', 'ABORTED', 'UNAVAILABLE', 'SERVICE_UNDER_MAINTENANCE', 'WORKSPACE_TEMPORARILY_UNAVAILABLE', 'CANCELLED', 'UNKNOWN']);
/** `error_code`s of a limit reached. */
export const THROTTLED_CODES: ReadonlySet<string> = new Set(['RESOURCE_EXHAUSTED', 'REQUEST_LIMIT_EXCEEDED']);

/**
 * What a failed statement's (or a refused request's) error means (see the file's comment).
 *
 * @example
 * failureKind('BAD_REQUEST', '[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `plan` cannot be resolved.');
 * // { kind: 'no_column', name: 'plan' }
 */
export function failureKind(errorCode: string, message: string): FailureKind {
  const errorClass = errorClassOf(message) ?? '';
  if (NO_TABLE.has(errorClass)) return { kind: 'no_table' };
  if (NO_COLUMN.has(errorClass) || /column .{0,200}(cannot be resolved|not found|does not exist)/i.test(message)) {
    const name = /name `([^`]{1,200})`/.exec(message)?.[1] ?? /column `?([A-Za-z0-9_]{1,200})`?/i.exec(message)?.[1];
    return name === undefined ? { kind: 'no_column' } : { kind: 'no_column', name };
  }
  if (NO_PRIVILEGE.has(errorClass) || errorCode === 'PERMISSION_DENIED' || /does not have (MODIFY|SELECT|USE CATALOG|USE SCHEMA|USAGE)/i.test(message)) return { kind: 'no_privilege' };
  if (DATA.test(errorClass)) return { kind: 'data' };
  if (SYNTAX.has(errorClass)) return { kind: 'syntax' };
  if (TRANSIENT_CLASS.test(errorClass)) return { kind: 'transient' };
  if (errorCode === 'UNAUTHENTICATED') return { kind: 'credential' };
  if (THROTTLED_CODES.has(errorCode)) return { kind: 'throttled' };
  if (/warehouse/i.test(message) && /(starting|not running|stopped|stopping|is being|unavailable|not available|no running|restarting)/i.test(message)) return { kind: 'warehouse' };
  if (/(too large|too long|too many parameters|exceeds? the (maximum|limit)|maximum (query|statement) (text )?size)/i.test(message)) return { kind: 'too_large' };
  if (TRANSIENT_CODES.has(errorCode)) return { kind: 'transient' };
  return { kind: 'unknown' };
}
