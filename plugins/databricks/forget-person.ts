// Person deletions forwarded to the table: a DELETE run through the Statement Execution API with
// the person's ids as named parameters, never inside the statement's text (which names only the
// configured table, each part checked to be a name and quoted). Rows whose user_id — or an
// alias's previous_id — is the userId go, and rows whose anonymous_id (or previous_id) is the
// anonymousId. The request waits up to wait_timeout; a DELETE still running then is followed
// through `GET /api/2.0/sql/statements/{statement_id}` (twice at most, the core's chain being
// three requests), then asked again later from the start: deleting what is gone already
// deletes nothing, so a try after a failure is safe.
import { eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, trimmedText, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { forwardsDeletions, principalWords, qualifiedTable, tableWords, usesOAuth } from './config.ts';
import { executeRequest, memoOf, statusRequest, type StatementParameter, type StatementMemo } from './requests.ts';
import { apiErrorOf, errorClassOf, failureKind, RUNNING_STATES, said, statementStateOf, THROTTLED_CODES } from './statement-answer.ts';

/** Failure kinds of an SQL error that a refused DELETE is read for as a FAILED one's. */
const SQL_KINDS: ReadonlySet<string> = new Set(['no_table', 'no_column', 'no_privilege', 'data', 'syntax', 'transient']);

/** Status requests after the DELETE within the core's chain of three requests. */
const MAX_CHECKS = 2;

/**
 * The DELETE statement and its parameters for the ids named (placeholders left out), or null
 * when no usable id is named.
 *
 * @example
 * deleteStatement({ userId: 'u-1', anonymousId: null }, '`main`.`signal`.`events`');
 * // { sql: 'DELETE FROM `main`.`signal`.`events` WHERE user_id = :user_id OR previous_id = :user_id', parameters: [{ name: 'user_id', value: 'u-1', type: 'STRING' }] }
 */
export function deleteStatement(person: NamedPerson, table: string): { sql: string; parameters: StatementParameter[] } | null {
  const rows = eventRowsOfPerson(person, (column) => `:${column}`);
  if (rows === null) return null;
  return { sql: `DELETE FROM ${table} WHERE ${rows.condition}`, parameters: rows.ids.map(({ name, value }) => ({ name, value, type: 'STRING' })) };
}

/**
 * The request running the DELETE of the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements',
 * //   body: { warehouse_id: '1234567890abcdef', statement: 'DELETE FROM `main`.`signal`.`events` WHERE user_id = :user_id OR … OR previous_id = :anonymous_id',
 * //           parameters: [{ name: 'user_id', value: 'u-1', type: 'STRING' }, { name: 'anonymous_id', value: 'df_1', type: 'STRING' }], … }, eventIds: [] }
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
  return executeRequest(statement.sql, statement.parameters, [], ctx, { step: 'execute', depth: 0, verb: 'DELETE' });
}

/** A FAILED DELETE's outcome: a passing failure tried again, anything else failed saying what to fix. */
function failedDelete(id: string, errorCode: string, message: string, config: Record<string, JsonValue> | undefined): ForgetOutcome {
  const error = [errorCode, message].filter((part) => part !== '').join(': ');
  const words = `the DELETE${id === '' ? '' : ` (statement ${id})`} failed: ${error === '' ? 'no error given' : error}`;
  const kind = failureKind(errorCode, message).kind;
  const table = tableWords(config);
  if (kind === 'no_privilege') return { failed: `${words} — GRANT MODIFY, SELECT ON TABLE ${table} to ${principalWords(config)} (with USE CATALOG and USE SCHEMA), or turn config.forward_deletions off` };
  if (kind === 'no_table') return { failed: `${words} — check config.catalog, config.schema and config.table` };
  if (kind === 'no_column') return { failed: `${words} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
  if (kind === 'credential') return { failed: `${words} — check ${config !== undefined && usesOAuth(config) ? 'config.client_id and config.client_secret' : 'config.access_token'}` };
  if (kind === 'syntax' || kind === 'data') return { failed: words };
  return { retry: words };
}

/**
 * Reads the answer to the DELETE (or to the status request following it): SUCCEEDED done,
 * saying how many rows went; still running asked again (twice), then tried again later; FAILED
 * by a passing failure, 408, 429 and 5xx tried again; a refused credential, a missing table,
 * column or privilege failed, saying what to fix.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { statement_id: '01f0…', status: { state: 'SUCCEEDED' }, result: { data_array: [['3']] } } }, request, ctx);
 * // { done: true, message: 'Databricks deleted 3 rows (statement 01f0…)' }
 */
export function readDeletionAnswer(response: VendorResponse, request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const config = ctx?.config;
  const memo: StatementMemo = request === undefined ? { step: 'execute', depth: 0, verb: 'DELETE' } : { ...memoOf(request), verb: 'DELETE' };
  if (response.status >= 200 && response.status < 300) {
    const state = statementStateOf(response);
    if (state === undefined) return { retry: `HTTP ${response.status} without a statement status: not the Statement Execution API's answer (a proxy in the way?)` };
    const id = state.id ?? memo.id ?? '';
    if (state.state === 'SUCCEEDED' || state.state === 'CLOSED') {
      const rows = state.affectedRows;
      return { done: true, message: rows === undefined ? `Databricks ran the DELETE (statement ${id})` : `Databricks deleted ${rows} row${rows === 1 ? '' : 's'} (statement ${id})` };
    }
    if (RUNNING_STATES.has(state.state)) {
      if (ctx !== undefined && request !== undefined && memo.depth < MAX_CHECKS && id !== '') return { next: statusRequest(id, [], ctx, { step: 'get', id, depth: memo.depth + 1, verb: 'DELETE' }) };
      return { retry: `Databricks is still running the DELETE (statement ${id}, ${state.state}): asked again later` };
    }
    if (state.state === 'FAILED') return failedDelete(id, state.errorCode, state.message, config);
    return { retry: `the DELETE (statement ${id}) was canceled: asked again later` };
  }
  const error = apiErrorOf(response);
  const answered = said(response.status, error);
  if (response.status === 408 || response.status === 429 || response.status >= 500 || THROTTLED_CODES.has(error.code) || error.code === 'TEMPORARILY_UNAVAILABLE') return { retry: answered };
  if (memo.step !== 'execute' && response.status === 404) return { retry: `${answered}: the DELETE is run again` };
  // An SQL error refused outright (its class between brackets): read as the FAILED DELETE's.
  if (memo.step === 'execute' && response.status === 400 && errorClassOf(error.message) !== undefined && SQL_KINDS.has(failureKind(error.code, error.message).kind)) {
    return failedDelete(memo.id ?? '', error.code, error.message, config);
  }
  if (response.status === 401) {
    return { failed: `${answered} — Databricks refused the credential: ${config !== undefined && usesOAuth(config) ? 'check config.client_id and config.client_secret' : 'config.access_token is expired, revoked or of another workspace'}` };
  }
  if (response.status === 403) return { failed: `${answered} — give ${principalWords(config)} access to the workspace and CAN USE on the SQL warehouse ${trimmedText(config?.warehouse_id) ?? ''} (config.warehouse_id)` };
  if (/warehouse/i.test(error.message)) return { failed: `${answered} — check config.warehouse_id` };
  return { failed: `${answered} — check config.host, config.warehouse_id, config.catalog and config.schema` };
}

/**
 * The plugin's forwarding of person deletions: on with a credential, unless config.forward_deletions is false.
 *
 * @example
 * databricksForgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx); // a statement running the DELETE (see deletionRequest)
 */
export const databricksForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && (trimmedText(config.access_token) !== undefined || usesOAuth(config)),
  request: deletionRequest,
  read: readDeletionAnswer,
  // The API's answer for a DELETE that succeeded within wait_timeout: the statement response with
  // its result (docs.databricks.com/api/workspace/statementexecution/executestatement, Response).
  successAnswer: {
    status: 200, headers: { 'content-type': 'application/json' },
    body: {
      statement_id: '01f0c2a4-5b7e-1d3c-9a8f-0e6b7c5d4a3f', status: { state: 'SUCCEEDED' },
      manifest: { format: 'JSON_ARRAY', schema: { column_count: 1, columns: [{ name: 'num_affected_rows', type_text: 'BIGINT', type_name: 'LONG', position: 0 }] }, total_chunk_count: 1, chunks: [{ chunk_index: 0, row_offset: 0, row_count: 1 }], total_row_count: 1, truncated: false },
      result: { chunk_index: 0, row_offset: 0, row_count: 1, data_array: [['3']] },
    },
  },
};
