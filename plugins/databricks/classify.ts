// What the Statement Execution API's answers mean for an INSERT's rows. The INSERT waits up to
// wait_timeout for its statement; one still PENDING (waiting for the warehouse) or RUNNING then
// is followed with the core's follow-ups: its status asked twice (GET), then — Databricks has no
// idempotency token, so sending the INSERT again while the first may still finish could insert
// the rows twice — its cancellation asked (POST …/cancel) and its status asked once more: done
// (SUCCEEDED or CLOSED) delivered, canceled retried (a statement that waited for the warehouse as a
// rate limit, 30 s, the warehouse starting meanwhile), failed read by its error. A FAILED
// statement is retried or dead-lettered by its error (statement-answer.ts): a missing table,
// column or privilege dead-lettered naming what to fix, a value a column refuses split down to
// its row, a passing failure (a concurrent Delta commit, the service unavailable) retried.
import { MAX_FOLLOW_UPS, parseRetryAfter, responseHeader, trimmedText, type ClassifyResult, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { jsonColumnType, principalWords, tableWords, usesOAuth } from './config.ts';
import { cancelRequest, memoOf, statusRequest, type StatementMemo } from './requests.ts';
import { apiErrorOf, errorClassOf, failureKind, RUNNING_STATES, said, statementStateOf, THROTTLED_CODES, type StatementState } from './statement-answer.ts';

/** How long a statement canceled while it waited for the warehouse is held back: the warehouse starts meanwhile. */
export const WAREHOUSE_WAIT_MS = 30_000;

const REPLAY = 'then replay the dead letters';
const deadLetter = (reason: string): EventOutcome => ({ status: 'dead_letter', reason });

/** A retry after the answer's Retry-After when it gives one; `throttled` as a rate limit. */
function retryAfter(reason: string, response: VendorResponse | undefined, throttled: boolean, fallbackMs?: number): EventOutcome {
  const header = response === undefined ? undefined : parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  const retryAfterMs = header ?? fallbackMs;
  return { status: 'retry', reason, ...(throttled ? { throttled: true } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The warehouse as messages name it. */
const warehouseWords = (config: Record<string, JsonValue>): string => `the SQL warehouse ${trimmedText(config.warehouse_id) ?? ''} (config.warehouse_id)`;

/** What to fix for a refused credential. */
function credentialFix(config: Record<string, JsonValue>): string {
  return usesOAuth(config)
    ? 'check config.client_id and config.client_secret (an OAuth secret of the service principal that has not expired, the principal added to this workspace)'
    : 'config.access_token is expired, revoked or of another workspace: generate a new personal access token and store it in a new revision';
}

/** Failure kinds of an SQL error that a refused request is read for as a FAILED statement's. */
const SQL_KINDS: ReadonlySet<string> = new Set(['no_table', 'no_column', 'no_privilege', 'data', 'syntax', 'transient']);

/** A refused request (any status but 2xx), the statement's or a follow-up's. */
function classifyRefusal(response: VendorResponse, request: RequestDescriptor, memo: StatementMemo, config: Record<string, JsonValue>): ClassifyResult {
  const error = apiErrorOf(response);
  const answered = said(response.status, error);
  const several = request.eventIds.length > 1;
  const what = memo.step === 'execute' ? `the ${memo.verb}` : memo.step === 'cancel' ? `the cancellation of statement ${memo.id ?? ''}` : `the status of statement ${memo.id ?? ''}`;
  if (response.status === 429 || THROTTLED_CODES.has(error.code)) return retryAfter(`Databricks refused ${what} for its rate limits (${answered}); sent again later`, response, true);
  if (response.status === 503 || error.code === 'TEMPORARILY_UNAVAILABLE' || error.code === 'WORKSPACE_TEMPORARILY_UNAVAILABLE') {
    return retryAfter(`Databricks is temporarily unavailable (${answered}); ${memo.step === 'execute' ? 'sent again' : `the ${memo.verb} is sent again`}`, response, false);
  }
  if (response.status === 401) return deadLetter(`Databricks refused the credential (${answered}): ${credentialFix(config)}; ${REPLAY}`);
  if (response.status === 403) {
    return deadLetter(`Databricks denied ${what} (${answered}): give ${principalWords(config)} access to the workspace and CAN USE on ${warehouseWords(config)}; ${REPLAY}`);
  }
  if (memo.step !== 'execute' && (response.status === 404 || response.status === 400)) {
    return { status: 'retry', reason: `Databricks no longer answers for statement ${memo.id ?? ''} (${answered}): the ${memo.verb} is sent again` };
  }
  if (response.status === 413) {
    if (several) return { status: 'split', reason: `Databricks refused the request for its size (${answered}): sending the rows in halves` };
    return deadLetter(`Databricks refused the request for its size even for this row alone (${answered}): leave its largest properties out with the blueprint's exclude or a pipeline transformation, ${REPLAY}`);
  }
  if (response.status === 408 || response.status >= 500) return retryAfter(`Databricks failed ${what} (${answered}); sent again`, response, false);
  const kind = failureKind(error.code, error.message);
  if (kind.kind === 'too_large') {
    if (several) return { status: 'split', reason: `Databricks refused the statement for its size (${answered}): sending the rows in halves` };
    return deadLetter(`Databricks refused the statement for its size even for this row alone (${answered}): leave its largest properties out with the blueprint's exclude or a pipeline transformation, ${REPLAY}`);
  }
  if (kind.kind === 'warehouse') return retryAfter(`${warehouseWords(config)} cannot run statements now (${answered}); sent again later`, response, true, WAREHOUSE_WAIT_MS);
  // An SQL error (its class between brackets) refused outright rather than as a FAILED statement:
  // read as the FAILED statement's would be, so a bad value is split down to its row (not the
  // whole batch dead-lettered) and a missing table, column or grant is named.
  if (response.status === 400 && errorClassOf(error.message) !== undefined && SQL_KINDS.has(kind.kind)) {
    return classifyFailed({ id: undefined, state: 'FAILED', errorCode: error.code, message: error.message }, request, memo, config);
  }
  if (response.status === 404) {
    if (/warehouse/i.test(error.message)) return deadLetter(`Databricks has no ${warehouseWords(config)} (${answered}): check config.warehouse_id; ${REPLAY}`);
    return deadLetter(`${answered}: nothing answers the Statement Execution API at https://${trimmedText(config.host) ?? ''} — check config.host (the workspace's host name); ${REPLAY}`);
  }
  if (/warehouse/i.test(error.message)) return deadLetter(`Databricks refused the ${memo.verb} (${answered}): check config.warehouse_id; ${REPLAY}`);
  if (/catalog|schema/i.test(error.message)) return deadLetter(`Databricks refused the ${memo.verb} (${answered}): check config.catalog and config.schema; ${REPLAY}`);
  return deadLetter(`Databricks refused the ${memo.verb} (${answered}): check the config; ${REPLAY}`);
}

/** A statement's error in words: `statement 01f0… failed: BAD_REQUEST: [TABLE_OR_VIEW_NOT_FOUND] …`. */
function failedWords(state: StatementState, id: string): string {
  const error = [state.errorCode, state.message].filter((part) => part !== '').join(': ');
  return `${id === '' ? 'the statement' : `statement ${id}`} failed: ${error === '' ? 'no error given' : error}`;
}

/** What a FAILED INSERT means for its rows (see the file's comment). */
function classifyFailed(state: StatementState, request: RequestDescriptor, memo: StatementMemo, config: Record<string, JsonValue>): ClassifyResult {
  const id = state.id ?? memo.id ?? '';
  const words = failedWords(state, id);
  const table = tableWords(config);
  const kind = failureKind(state.errorCode, state.message);
  const several = request.eventIds.length > 1;
  switch (kind.kind) {
    case 'no_table':
      return deadLetter(`Databricks has no table ${table} (${words}): check config.catalog, config.schema and config.table, and create the table with the CREATE TABLE of the plugin README; ${REPLAY}`);
    case 'no_column':
      return deadLetter(`the table ${table} has no column ${kind.name ?? 'the statement names'} (${words}): add the column (see the plugin README's CREATE TABLE) or leave it out of the blueprint; ${REPLAY}`);
    case 'no_privilege': {
      const [catalog, schema] = table.split('.');
      return deadLetter(`${principalWords(config)} may not insert into ${table} (${words}): GRANT USE CATALOG ON CATALOG ${catalog}, USE SCHEMA ON SCHEMA ${catalog}.${schema} and MODIFY, SELECT ON TABLE ${table} to it; ${REPLAY}`);
    }
    case 'data':
      // STRING sent to VARIANT columns: every row fails alike, so all are dead-lettered at once naming the field.
      if (jsonColumnType(config) === 'STRING' && /^(INCOMPATIBLE_DATA_FOR_TABLE|DATATYPE_MISMATCH)$/.test(errorClassOf(state.message) ?? '') && /VARIANT/.test(state.message) && /(properties|traits|context)/.test(state.message)) {
        return deadLetter(`the table ${table} has VARIANT JSON columns (${words}): set config.json_columns to VARIANT in a new revision; ${REPLAY}`);
      }
      if (several) return { status: 'split', reason: `Databricks refused a value of one of the rows (${words}): sending the rows in halves to find it` };
      return deadLetter(`Databricks refused a value of this row (${words}): fix what the blueprint maps, the column's type in ${table}, or config.json_columns (STRING or VARIANT, as the table's properties, traits and context columns are); ${REPLAY}`);
    case 'too_large':
      if (several) return { status: 'split', reason: `Databricks refused the statement for its size (${words}): sending the rows in halves` };
      return deadLetter(`Databricks refused the statement for its size even for this row alone (${words}): leave its largest properties out with the blueprint's exclude or a pipeline transformation, ${REPLAY}`);
    case 'syntax':
      if (/parse_json/i.test(state.message)) {
        return deadLetter(`Databricks cannot run PARSE_JSON (${words}): config.json_columns is VARIANT, which needs Databricks SQL or Databricks Runtime 15.3 and above — use such a warehouse, or STRING columns with config.json_columns STRING; ${REPLAY}`);
      }
      return deadLetter(`Databricks refused the ${memo.verb}'s text (${words}): a column the blueprint adds may be named so that it cannot be written, or the table differs from the README's; ${REPLAY}`);
    case 'credential':
      return deadLetter(`Databricks refused the credential (${words}): ${credentialFix(config)}; ${REPLAY}`);
    case 'warehouse':
      return retryAfter(`${warehouseWords(config)} cannot run statements now (${words}); sent again later`, undefined, true, WAREHOUSE_WAIT_MS);
    case 'throttled':
      return retryAfter(`Databricks refused the ${memo.verb} for its limits (${words}); sent again later`, undefined, true);
    case 'transient':
      return { status: 'retry', reason: `${words}; sent again` };
    default:
      return { status: 'retry', reason: `${words} — an error Signal does not recognise: sent again, and dead-lettered with these words if it lasts` };
  }
}

/** A statement still PENDING or RUNNING: asked after, then its cancellation asked, then retried (see the file's comment). */
function stillRunning(state: StatementState, request: RequestDescriptor, memo: StatementMemo, ctx: PluginContext): ClassifyResult {
  const id = state.id ?? memo.id;
  const pending = state.state === 'PENDING';
  const waiting = pending ? 'waiting for the SQL warehouse (PENDING)' : 'RUNNING';
  if (id === undefined) return { status: 'retry', reason: `Databricks answered the ${memo.verb} ${waiting} without a statement_id: sent again` };
  if (memo.step === 'confirm') {
    return retryAfter(`Databricks was still ${waiting} statement ${id} after ${memo.depth - 1} checks and Signal's request to cancel it: sent again later (should the first statement complete anyway, its rows are in the table twice: deduplicate on message_id)`,
      undefined, pending, pending ? WAREHOUSE_WAIT_MS : undefined);
  }
  const next: StatementMemo = { step: 'get', id, depth: memo.depth + 1, verb: memo.verb, ...(pending ? { pending: true } : {}) };
  // Room for a cancellation and the status after it within the core's follow-ups.
  if (memo.depth + 3 <= MAX_FOLLOW_UPS) return { next: [statusRequest(id, request.eventIds, ctx, next)] };
  return { next: [cancelRequest(id, request.eventIds, ctx, { ...next, step: 'cancel' })] };
}

/**
 * The Statement Execution API's answer to an INSERT or to a follow-up of it (see the file's comment):
 * - SUCCEEDED (or CLOSED: succeeded, its result gone): delivered;
 * - PENDING or RUNNING: its status asked (twice), then its cancellation and its status once more;
 *   CANCELED after that: retried (after 30 s as a rate limit when it waited for the warehouse);
 * - FAILED: by its error — a missing table, column or privilege and a syntax error dead-lettered
 *   naming what to fix, a value a column refuses split down to its row, a passing failure retried;
 * - a 2xx that is not a statement response (a proxy's page): retried;
 * - 429 and RESOURCE_EXHAUSTED retried as a rate limit; 503 and TEMPORARILY_UNAVAILABLE, 408
 *   and 5xx retried after Retry-After; 401 (the core renewed an OAuth token once already) and 403
 *   dead-lettered naming the credential or grant; 400 INVALID_PARAMETER_VALUE dead-lettered
 *   naming the config field it is about; 413 split.
 *
 * @example
 * classifyStatement({ status: 200, headers: {}, body: '…', json: { statement_id: '01f0…', status: { state: 'SUCCEEDED' } } }, insert, ctx);
 * // { status: 'delivered' }
 * classifyStatement({ status: 200, headers: {}, body: '…', json: { statement_id: '01f0…', status: { state: 'RUNNING' } } }, insert, ctx);
 * // { next: [{ method: 'GET', url: 'https://dbc-….cloud.databricks.com/api/2.0/sql/statements/01f0…', … }] }
 */
export function classifyStatement(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const memo = memoOf(request);
  if (response.status < 200 || response.status >= 300) return classifyRefusal(response, request, memo, ctx.config);
  if (memo.step === 'cancel') {
    const id = memo.id ?? '';
    return { next: [statusRequest(id, request.eventIds, ctx, { ...memo, step: 'confirm', depth: memo.depth + 1 })] };
  }
  const state = statementStateOf(response);
  if (state === undefined) {
    return { status: 'retry', reason: `HTTP ${response.status} without a statement status: not the Statement Execution API's answer (a proxy in the way?), so the ${memo.verb} is sent again` };
  }
  if (state.state === 'SUCCEEDED' || state.state === 'CLOSED') return { status: 'delivered' };
  if (RUNNING_STATES.has(state.state)) return stillRunning(state, request, memo, ctx);
  if (state.state === 'FAILED') return classifyFailed(state, request, memo, ctx.config);
  // CANCELED.
  const id = state.id ?? memo.id ?? '';
  if (memo.step === 'confirm') {
    const pending = memo.pending === true;
    return retryAfter(`statement ${id} was still ${pending ? 'waiting for the SQL warehouse' : 'running'} after ${memo.depth - 1} checks and was canceled: sent again${pending ? ' once the warehouse has had time to start' : ''}`,
      undefined, pending, pending ? WAREHOUSE_WAIT_MS : undefined);
  }
  return { status: 'retry', reason: `statement ${id} was canceled (not by Signal: by an admin, or the warehouse stopped)${state.message === '' ? '' : `: ${state.message}`}; sent again` };
}
