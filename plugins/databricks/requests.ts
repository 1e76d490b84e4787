// The Statement Execution API's requests, on the workspace's origin with the credential as a
// Bearer token (the personal access token, or the OAuth token the core obtained):
//   POST /api/2.0/sql/statements                       runs a statement (waiting up to wait_timeout)
//   GET  /api/2.0/sql/statements/{statement_id}        a statement's status
//   POST /api/2.0/sql/statements/{statement_id}/cancel asks to cancel it
// An INSERT is one multi-row statement whose every value is a named parameter marker (`:p1`,
// `:p2`, …), never text of the statement:
//   INSERT INTO `main`.`signal`.`events` (`message_id`, …, `timestamp`, …, `properties`)
//   VALUES (:p1, …, :p6, …, :p9), (:p10, NULL, …)
// each parameter `{ name, value, type }` — TIMESTAMP for the time columns, BIGINT, DOUBLE or
// BOOLEAN for numbers and booleans of added columns, STRING for the rest (with VARIANT JSON
// columns, `PARSE_JSON(:p9)`). A column a row lacks is the constant NULL in its place. A
// statement carries at most 256 parameters (see the README's Unconfirmed), so a batch is sent as
// several statements when its rows need more.
import { PermanentError, trimmedText, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { jsonColumnType, qualifiedTable, quoted, usesOAuth, waitSeconds, warehouseId, workspaceOrigin } from './config.ts';
import { JSON_COLUMNS, TIMESTAMP_COLUMNS } from './table-row.ts';

/** Rows a batch carries at most (sent as one statement or several, by their parameters). */
export const MAX_ROWS = 100;
/** Named parameters one statement carries at most (what Databricks is reported to take; see the README's Unconfirmed). */
export const MAX_PARAMETERS = 256;
/** A request body's size at most: Signal's choice, far below the API's 16 MiB of statement text. */
export const MAX_BYTES = 4_000_000;
/** The statements route. */
export const STATEMENTS_PATH = '/api/2.0/sql/statements';
/** The rate limit buckets of `rateLimit.endpoints`. */
export const ENDPOINTS = { execute: 'execute_statement', status: 'get_statement' } as const;
/** What Signal's requests say they are. */
export const USER_AGENT = 'Signal (databricks plugin)';

/** What follows a request of a statement's chain. */
export interface StatementMemo {
  /** `execute` (the statement sent), `get` (its status asked), `cancel` (its cancellation asked), `confirm` (its status after the cancellation). */
  step: 'execute' | 'get' | 'cancel' | 'confirm';
  /** The statement's id (every step but execute). */
  id?: string;
  /** Follow-ups before this request (the core allows MAX_FOLLOW_UPS in a row). */
  depth: number;
  /** What the statement does, for messages. */
  verb: 'INSERT' | 'DELETE';
  /** Whether the statement was last seen PENDING (waiting for the warehouse). */
  pending?: boolean;
}

/**
 * The request's memo (the execute step's when it carries none).
 *
 * @example
 * memoOf(getRequest); // { step: 'get', id: '01f0…', depth: 1, verb: 'INSERT' }
 */
export function memoOf(request: RequestDescriptor): StatementMemo {
  const memo = request.memo as Partial<StatementMemo> | undefined;
  if (memo === undefined || memo === null || typeof memo !== 'object' || typeof memo.step !== 'string') return { step: 'execute', depth: 0, verb: 'INSERT' };
  return { step: memo.step, depth: typeof memo.depth === 'number' ? memo.depth : 0, verb: memo.verb === 'DELETE' ? 'DELETE' : 'INSERT', ...(typeof memo.id === 'string' ? { id: memo.id } : {}), ...(memo.pending === true ? { pending: true } : {}) };
}

/**
 * The headers of every request: JSON, and the credential as a Bearer token.
 *
 * @example
 * requestHeaders(ctx); // { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Signal (databricks plugin)', authorization: 'Bearer dapi…' }
 */
export function requestHeaders(ctx: Pick<PluginContext, 'config' | 'accessToken'>): Record<string, string> {
  const token = usesOAuth(ctx.config) ? (ctx.accessToken ?? '') : (trimmedText(ctx.config.access_token) ?? '');
  return { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT, authorization: `Bearer ${token}` };
}

/** One of the API's statement parameters. */
export interface StatementParameter {
  name: string;
  value: string;
  type: 'STRING' | 'TIMESTAMP' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
}

const isTimestampColumn = (column: string): boolean => (TIMESTAMP_COLUMNS as readonly string[]).includes(column);
const isJsonColumn = (column: string): boolean => (JSON_COLUMNS as readonly string[]).includes(column);

/** A value as a parameter (its text and type), and whether it goes through PARSE_JSON. */
function parameterOf(column: string, value: JsonValue, variant: boolean): { value: string; type: StatementParameter['type']; parse: boolean } {
  if (isTimestampColumn(column) && typeof value === 'string') return { value, type: 'TIMESTAMP', parse: false };
  if (isJsonColumn(column) || (value !== null && typeof value === 'object')) return { value: JSON.stringify(value), type: 'STRING', parse: variant };
  if (typeof value === 'boolean') return { value: String(value), type: 'BOOLEAN', parse: false };
  if (typeof value === 'number') return { value: String(value), type: Number.isSafeInteger(value) ? 'BIGINT' : 'DOUBLE', parse: false };
  return { value: String(value), type: 'STRING', parse: false };
}

/** The values of a row that are parameters (every value that is not null). */
export const parametersOfRow = (row: JsonObject): number => Object.values(row).filter((value) => value !== null && value !== undefined).length;

/**
 * The INSERT statement and its parameters for some rows (see the file's comment).
 *
 * @example
 * insertStatement('`main`.`signal`.`events`', [{ message_id: 'm-1', type: 'track', timestamp: '2026-03-24T16:00:00.000Z', received_at: '…', properties: { plan: 'pro' } }], 'STRING');
 * // { sql: 'INSERT INTO `main`.`signal`.`events` (`message_id`, `type`, `timestamp`, `received_at`, `properties`) VALUES (:p1, :p2, :p3, :p4, :p5)',
 * //   parameters: [{ name: 'p1', value: 'm-1', type: 'STRING' }, …, { name: 'p3', value: '2026-03-24T16:00:00.000Z', type: 'TIMESTAMP' }, …, { name: 'p5', value: '{"plan":"pro"}', type: 'STRING' }] }
 */
export function insertStatement(table: string, rows: JsonObject[], jsonType: 'STRING' | 'VARIANT'): { sql: string; parameters: StatementParameter[] } {
  const columns: string[] = [];
  for (const row of rows) for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  const parameters: StatementParameter[] = [];
  const tuples = rows.map((row) => {
    const cells = columns.map((column) => {
      const value = row[column];
      if (value === undefined || value === null) return 'NULL';
      const parameter = parameterOf(column, value, jsonType === 'VARIANT');
      const name = `p${parameters.length + 1}`;
      parameters.push({ name, value: parameter.value, type: parameter.type });
      return parameter.parse ? `PARSE_JSON(:${name})` : `:${name}`;
    });
    return `(${cells.join(', ')})`;
  });
  const names = columns.map((column) => quoted(column, `the blueprint's column ${column}`)).join(', ');
  return { sql: `INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}`, parameters };
}

/**
 * The request running a statement: `POST /api/2.0/sql/statements`, waiting up to the config's
 * wait_timeout for it and letting it go on when it is not done by then (`CONTINUE`: followed);
 * the request's own timeout is that wait and 5 s more.
 *
 * @example
 * executeRequest('DELETE FROM `main`.`signal`.`events` WHERE user_id = :user_id', [{ name: 'user_id', value: 'u-1', type: 'STRING' }], [], ctx, { step: 'execute', depth: 0, verb: 'DELETE' });
 * // { method: 'POST', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements', headers: {…},
 * //   body: { warehouse_id: '1234567890abcdef', statement: 'DELETE FROM …', parameters: [...], catalog: 'main', schema: 'signal', wait_timeout: '8s', on_wait_timeout: 'CONTINUE', disposition: 'INLINE', format: 'JSON_ARRAY' }, eventIds: [], timeoutMs: 13000, … }
 */
export function executeRequest(sql: string, parameters: StatementParameter[], eventIds: string[], ctx: Pick<PluginContext, 'config' | 'accessToken'>, memo: StatementMemo): RequestDescriptor {
  return {
    method: 'POST',
    url: `${workspaceOrigin(ctx.config)}${STATEMENTS_PATH}`,
    headers: requestHeaders(ctx),
    body: {
      warehouse_id: warehouseId(ctx.config),
      statement: sql,
      parameters: parameters as unknown as JsonValue,
      catalog: trimmedText(ctx.config.catalog) ?? '',
      schema: trimmedText(ctx.config.schema) ?? '',
      wait_timeout: `${waitSeconds(ctx.config)}s`,
      on_wait_timeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
    },
    eventIds,
    endpoint: ENDPOINTS.execute,
    memo: memo as unknown as JsonValue,
    // Databricks holds the request up to wait_timeout: the answer may come that late, and a
    // request given up on would be sent again while its statement may still insert the rows.
    timeoutMs: (waitSeconds(ctx.config) + 5) * 1000,
  };
}

/**
 * The request asking for a statement's status: `GET /api/2.0/sql/statements/{statement_id}`.
 *
 * @example
 * statusRequest('01f0c2a4-…', ['m-1'], ctx, { step: 'get', id: '01f0c2a4-…', depth: 1, verb: 'INSERT' });
 * // { method: 'GET', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements/01f0c2a4-…', headers: {…}, eventIds: ['m-1'], … }
 */
export function statusRequest(id: string, eventIds: string[], ctx: Pick<PluginContext, 'config' | 'accessToken'>, memo: StatementMemo): RequestDescriptor {
  const { 'content-type': _json, ...headers } = requestHeaders(ctx);
  return { method: 'GET', url: `${workspaceOrigin(ctx.config)}${STATEMENTS_PATH}/${encodeURIComponent(id)}`, headers, eventIds, endpoint: ENDPOINTS.status, memo: memo as unknown as JsonValue };
}

/**
 * The request asking Databricks to cancel a statement: `POST /api/2.0/sql/statements/{statement_id}/cancel`.
 *
 * @example
 * cancelRequest('01f0c2a4-…', ['m-1'], ctx, { step: 'cancel', id: '01f0c2a4-…', depth: 3, verb: 'INSERT' });
 * // { method: 'POST', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements/01f0c2a4-…/cancel', headers: {…}, body: {}, eventIds: ['m-1'], … }
 */
export function cancelRequest(id: string, eventIds: string[], ctx: Pick<PluginContext, 'config' | 'accessToken'>, memo: StatementMemo): RequestDescriptor {
  return { method: 'POST', url: `${workspaceOrigin(ctx.config)}${STATEMENTS_PATH}/${encodeURIComponent(id)}/cancel`, headers: requestHeaders(ctx), body: {}, eventIds, endpoint: ENDPOINTS.status, memo: memo as unknown as JsonValue };
}

/** Bytes of a row as its parameters carry it, with room for the parameter objects around them. */
const rowBytes = (row: JsonObject): number => Buffer.byteLength(JSON.stringify(row), 'utf8') + parametersOfRow(row) * 48;

/**
 * The plugin's `send`: the batch's rows as INSERT statements, as many rows a statement as fit in
 * MAX_PARAMETERS parameters and MAX_BYTES (see the file's comment).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements',
 * //    body: { warehouse_id: '…', statement: 'INSERT INTO `main`.`signal`.`events` (`message_id`, …) VALUES (:p1, …), (…)', parameters: [...], … }, eventIds }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const table = qualifiedTable(ctx.config);
  const jsonType = jsonColumnType(ctx.config);
  const groups: MappedEvent[][] = [];
  let current: MappedEvent[] = [];
  let parameters = 0;
  let bytes = 0;
  for (const event of batch) {
    const count = parametersOfRow(event.payload);
    const size = rowBytes(event.payload);
    if (count > MAX_PARAMETERS) {
      throw new PermanentError(`the row has ${count} values, more than the ${MAX_PARAMETERS} parameters a statement carries: map fewer columns in the blueprint`);
    }
    if (current.length > 0 && (parameters + count > MAX_PARAMETERS || bytes + size > MAX_BYTES)) {
      groups.push(current);
      current = [];
      parameters = 0;
      bytes = 0;
    }
    current.push(event);
    parameters += count;
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group) => {
    const statement = insertStatement(table, group.map((event) => event.payload), jsonType);
    return executeRequest(statement.sql, statement.parameters, group.map((event) => event.id), ctx, { step: 'execute', depth: 0, verb: 'INSERT' });
  });
}
