// Person deletions forwarded to the table: a DELETE statement through the SQL API with the
// person's ids as bind variables, never inside the statement's text (which names only the
// configured table, an identifier checked to be one). Rows whose user_id — or an alias's
// previous_id — is the userId go, and rows whose anonymous_id (or previous_id) is the
// anonymousId. A DELETE still running when Snowflake answers (202) is followed through
// `GET /api/v2/statements/{statementHandle}`; deleting what is gone already deletes nothing, so
// a try after a failure is safe. Both requests are signed by the plugin's `sign` as they go.
import {
  eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, trimmedText,
  type ForgetOutcome, type JsonObject, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { apiOrigin, forwardsDeletions, identifier, qualifiedTable, statementTimeout, usesAccessToken } from './config.ts';
import { JSON_HEADERS, STATEMENTS_PATH, USER_AGENT, type Binding } from './insert-request.ts';
import { NO_PRIVILEGE_CODE, NOT_FOUND_CODE, said, snowflakeAnswer } from './snowflake-error.ts';

/**
 * The DELETE statement and its bindings for the ids named (placeholders left out), or null when
 * no usable id is named.
 *
 * @example
 * deleteStatement({ userId: 'u-1', anonymousId: null }, 'ANALYTICS.SIGNAL.EVENTS');
 * // { statement: 'DELETE FROM ANALYTICS.SIGNAL.EVENTS WHERE user_id = ? OR previous_id = ?', bindings: { 1: { type: 'TEXT', value: 'u-1' }, 2: { type: 'TEXT', value: 'u-1' } } }
 */
export function deleteStatement(person: NamedPerson, table: string): { statement: string; bindings: Record<string, Binding> } | null {
  const rows = eventRowsOfPerson(person, () => '?');
  if (rows === null) return null;
  const bindings: Record<string, Binding> = {};
  rows.positional.forEach((value, index) => { bindings[String(index + 1)] = { type: 'TEXT', value }; });
  return { statement: `DELETE FROM ${table} WHERE ${rows.condition}`, bindings };
}

/**
 * The SQL API request deleting the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://myorg-shop.snowflakecomputing.com/api/v2/statements',
 * //   body: { statement: 'DELETE FROM ANALYTICS.SIGNAL.EVENTS WHERE user_id = ? OR previous_id = ? OR anonymous_id = ? OR previous_id = ?', timeout: 60, database: 'ANALYTICS', …, bindings: {…} }, eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  let table: string;
  try {
    table = qualifiedTable(ctx.config);
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  const statement = deleteStatement(person, table);
  if (statement === null) return { skipped: PLACEHOLDER_IDS_SKIPPED };
  const role = identifier(ctx.config.role);
  return {
    method: 'POST',
    url: `${apiOrigin(ctx.config)}${STATEMENTS_PATH}`,
    headers: { ...JSON_HEADERS },
    body: {
      statement: statement.statement,
      timeout: statementTimeout(ctx.config),
      database: identifier(ctx.config.database) ?? '',
      schema: identifier(ctx.config.schema) ?? '',
      warehouse: identifier(ctx.config.warehouse) ?? '',
      ...(role === undefined ? {} : { role }),
      bindings: statement.bindings as unknown as JsonObject,
    },
    eventIds: [],
  };
}

/** The rows a DELETE's ResultSet says it deleted (`stats.numRowsDeleted`, else its one-cell data). */
function deletedRows(json: unknown): number | undefined {
  const body = json as { stats?: { numRowsDeleted?: unknown }; data?: unknown } | undefined;
  const stat = body?.stats?.numRowsDeleted;
  const cell = Array.isArray(body?.data) && Array.isArray(body.data[0]) ? (body.data[0] as unknown[])[0] : undefined;
  const value = stat ?? cell;
  const count = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return count;
}

/** The request following a running statement: `GET /api/v2/statements/{statementHandle}` (signed by `sign` as it goes, like the DELETE). */
function statusRequest(handle: string, ctx: PluginContext): RequestDescriptor {
  return {
    method: 'GET',
    url: `${apiOrigin(ctx.config)}${STATEMENTS_PATH}/${encodeURIComponent(handle)}`,
    headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    eventIds: [],
  };
}

/**
 * Reads Snowflake's answer to the DELETE (or to the status request following it):
 * 200 done, saying how many rows went; 202 followed once through the statement's status, then
 * tried again; 408, 429 and 5xx tried again; a refused credential, a missing table or privilege
 * failed, saying which config field or grant to fix.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { statementHandle: '01b2…', stats: { numRowsDeleted: 3 } } }, request, ctx);
 * // { done: true, message: 'Snowflake deleted 3 rows (statement 01b2…)' }
 */
export function readDeletionAnswer(response: VendorResponse, request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const answer = snowflakeAnswer(response);
  const answered = said(response, answer);
  const statement = answer.statementHandle === undefined ? '' : ` (statement ${answer.statementHandle})`;
  if (response.status === 200 && answer.isJson) {
    const rows = deletedRows(response.json);
    return { done: true, message: rows === undefined ? `Snowflake ran the DELETE${statement}` : `Snowflake deleted ${rows} row${rows === 1 ? '' : 's'}${statement}` };
  }
  if (response.status === 202 && answer.statementHandle !== undefined) {
    // Followed once: a DELETE still running after that is asked again with the core's backoff.
    if (ctx !== undefined && request?.method === 'POST') return { next: statusRequest(answer.statementHandle, ctx) };
    return { retry: `Snowflake is still running the DELETE${statement}` };
  }
  if (response.status >= 200 && response.status < 300) return { retry: `HTTP ${response.status} with a body that is not the SQL API's answer: asked again` };
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: answered };
  const config = ctx?.config;
  const table = config === undefined ? 'the table' : (() => { try { return qualifiedTable(config); } catch { return 'the table'; } })();
  const role = identifier(config?.role) ?? 'the user\'s default role';
  if (response.status === 401) {
    const credential = config !== undefined && usesAccessToken(config) ? 'config.programmatic_access_token' : 'config.private_key (its public key set on config.user)';
    return { failed: `${answered} — Snowflake refused the credential: check ${credential}, config.user and config.account` };
  }
  if (answer.code === NOT_FOUND_CODE || /does not exist or not authorized/i.test(answer.message)) {
    return { failed: `${answered} — check config.database, config.schema and config.table, and grant USAGE on the database and schema to ${role} (config.role)` };
  }
  if (answer.code === NO_PRIVILEGE_CODE || /insufficient privileges/i.test(answer.message)) {
    return { failed: `${answered} — grant DELETE on ${table} to ${role} (config.role), or turn config.forward_deletions off` };
  }
  if (/invalid identifier/i.test(answer.message)) {
    return { failed: `${answered} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
  }
  return { failed: answered };
}

/** The plugin's forwarding of person deletions: on with a credential, unless config.forward_deletions is false. */
export const snowflakeForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && (trimmedText(config.private_key) !== undefined || trimmedText(config.programmatic_access_token) !== undefined),
  request: deletionRequest,
  read: readDeletionAnswer,
};
