// Snowflake's answers, as the SQL API gives them: a ResultSet (200: `code` 090001, `statementHandle`,
// `stats`), a QueryStatus (202: still running, `statementHandle`, `statementStatusUrl`), a
// QueryFailureStatus (422: `code`, `sqlState`, `message`, `statementHandle`) or an error object
// (`code`, `message`) for a refused request (400, 401, 403, 429…). Codes are Snowflake's six-digit
// error codes; sqlState is the ANSI SQLSTATE (class 22: a value the column cannot take).
import { excerpt, trimmedText, type VendorResponse } from '../../core/sdk/index.ts';

/** What an answer says. */
export interface SnowflakeAnswer {
  /** Snowflake's code (`002003`), or undefined when the body is not Snowflake's JSON. */
  code?: string;
  sqlState?: string;
  message: string;
  statementHandle?: string;
  /** Whether the body is a JSON object, as every SQL API answer is (a proxy's page is not). */
  isJson: boolean;
}

const textOf = (value: unknown): string | undefined => (trimmedText(value) ?? (typeof value === 'number' ? String(value) : undefined));

/**
 * The answer's parts: Snowflake's JSON when it is, else the body's text.
 *
 * @example
 * snowflakeAnswer({ status: 422, headers: {}, body: '…', json: { code: '002003', sqlState: '42S02', message: "SQL compilation error:\nTable 'EVENTS' does not exist or not authorized.", statementHandle: '01b2…' } });
 * // { code: '002003', sqlState: '42S02', message: "SQL compilation error: Table 'EVENTS' does not exist or not authorized.", statementHandle: '01b2…', isJson: true }
 */
export function snowflakeAnswer(response: VendorResponse): SnowflakeAnswer {
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { message: excerpt(response.body ?? ''), isJson: false };
  const body = json as Record<string, unknown>;
  const code = textOf(body.code);
  const sqlState = textOf(body.sqlState);
  const statementHandle = textOf(body.statementHandle);
  return {
    ...(code === undefined ? {} : { code }),
    ...(sqlState === undefined ? {} : { sqlState }),
    message: excerpt(textOf(body.message) ?? response.body ?? ''),
    ...(statementHandle === undefined ? {} : { statementHandle }),
    isJson: true,
  };
}

/**
 * Snowflake's answer in words for a reason: `HTTP 422 002003 (42S02): SQL compilation error: …`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { message: '', isJson: false }); // 'HTTP 503'
 */
export function said(response: VendorResponse, answer: SnowflakeAnswer): string {
  const code = answer.code === undefined ? '' : ` ${answer.code}${answer.sqlState === undefined ? '' : ` (${answer.sqlState})`}`;
  return `HTTP ${response.status}${code}${answer.message === '' ? '' : `: ${answer.message}`}`;
}

/** Codes of a key-pair JWT Snowflake refused (invalid, expired, or its key not the user's). */
export const JWT_REFUSED_CODES = new Set(['390144', '394304']);
/** Codes of an invalid or expired token (OAuth or programmatic access token). */
export const TOKEN_REFUSED_CODES = new Set(['390303', '390318', '390100', '390114']);
/** Object missing or not authorized: Snowflake says both in one (`002003`, SQLSTATE 02000 or 42S02). */
export const NOT_FOUND_CODE = '002003';
/** Invalid identifier: a column the table lacks (`000904`, SQLSTATE 42000). */
export const INVALID_IDENTIFIER_CODE = '000904';
/** No active warehouse (`000606`, SQLSTATE 57P03). */
export const NO_WAREHOUSE_CODE = '000606';
/** Insufficient privileges (`003001`, SQLSTATE 42501). */
export const NO_PRIVILEGE_CODE = '003001';
/** The statement ran past its timeout and was cancelled (`000630`, SQLSTATE 57014). */
export const TIMEOUT_CODE = '000630';
