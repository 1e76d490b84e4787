// BigQuery's answers to tabledata.insertAll. A 200 may still refuse rows: `insertErrors: [ {
// index, errors: [ { reason, location, message } ] } ]` names each row not inserted. With
// skipInvalidRows false, an invalid row (reason `invalid`: a value the column cannot take, a
// field the table has no column for) refuses the request, and every other row comes back
// `stopped` — not inserted because of it. Other row reasons (`timeout`, `backendError`, …) are
// passing failures. Whole-request refusals carry Google's JSON error (see google-error.ts).
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { serviceAccountEmail, tableOf } from './config.ts';
import { googleError, said, THROTTLED_REASONS } from './google-error.ts';

/** Row reasons no retry can help (Apache Beam's list of BigQuery's non-transient insert errors too). */
const PERMANENT_ROW_REASONS = new Set(['invalid', 'invalidQuery', 'notImplemented']);
/** A request BigQuery refused for its size (400, or 413 from the front end). */
const TOO_LARGE = /payload size|request size|too large|exceeds the limit|request entity/i;

interface RowError {
  reason: string;
  location: string;
  message: string;
}

/** The table as the config names it, for messages: `project.dataset.table`. */
function tableName(config: Record<string, JsonValue>): string {
  const table = tableOf(config);
  return `${table.projectId}.${table.datasetId}.${table.tableId}`;
}

function rowErrors(value: unknown): RowError[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: { reason?: unknown; location?: unknown; message?: unknown } | null) => ({
    reason: typeof item?.reason === 'string' ? item.reason : '',
    location: typeof item?.location === 'string' ? item.location : '',
    message: typeof item?.message === 'string' ? item.message.replace(/\s+/g, ' ').trim().slice(0, 300) : '',
  }));
}

/** What a row's errors mean: a refusal to dead-letter (with what to fix), or a retry. */
function rowOutcome(errors: RowError[]): EventOutcome {
  const refused = errors.find((error) => PERMANENT_ROW_REASONS.has(error.reason));
  if (refused) {
    const where = refused.location === '' ? '' : ` at ${refused.location}`;
    const words = `BigQuery refused the row (${refused.reason}${where}: ${refused.message || 'no message'})`;
    if (/no such field/i.test(refused.message)) {
      return { status: 'dead_letter', reason: `${words}: the table has no column ${refused.location || 'for it'} — add the column (see the CREATE TABLE of the plugin README) or leave it out of the blueprint, then replay the dead letters` };
    }
    return { status: 'dead_letter', reason: `${words}: fix the blueprint or the table's column types, then replay the dead letters` };
  }
  if (errors.length > 0 && errors.every((error) => error.reason === 'stopped')) {
    return { status: 'resend', reason: 'BigQuery did not insert this row because another row of the request was refused (stopped): sent again without it' };
  }
  const reasons = errors.map((error) => `${error.reason || 'unknown'}${error.message ? `: ${error.message}` : ''}`).join('; ');
  return { status: 'retry', reason: `BigQuery did not insert this row (${reasons || 'no reason given'}): sent again` };
}

/** Why a row insertErrors does not name is sent again when another row was invalid. */
const NOT_NAMED_AFTER_INVALID = 'BigQuery refused another row of the request as invalid, so (skipInvalidRows false) it inserted none of them, and named no error for this one: sent again';

/**
 * A 2xx: delivered, unless insertErrors names rows (each with its outcome). The rows not named
 * were inserted — unless a row was `invalid`: with skipInvalidRows false BigQuery then inserts
 * no row of the request, so one it did not name (it names them `stopped`) is sent again rather
 * than counted delivered (its insertId lets BigQuery drop a copy). A 2xx that is not BigQuery's
 * JSON (`{ kind: "bigquery#tableDataInsertAllResponse" }`, insertErrors absent when every row
 * was inserted) — a proxy's or captive portal's page — inserted nothing: sent again.
 */
function classifyInserted(response: VendorResponse, request: RequestDescriptor): Classification {
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { status: 'retry', reason: `HTTP ${response.status} without BigQuery's JSON answer (bigquery#tableDataInsertAllResponse)${response.body.trim() ? `: ${excerpt(response.body)}` : ''} — not BigQuery's answer (a proxy?), so the rows are sent again (their insertId lets BigQuery drop a copy)` };
  }
  const insertErrors = (json as { insertErrors?: unknown }).insertErrors;
  if (!Array.isArray(insertErrors) || insertErrors.length === 0) return { status: 'delivered' };
  const perEvent: Record<string, EventOutcome> = {};
  for (const entry of insertErrors as Array<{ index?: unknown; errors?: unknown } | null>) {
    const index = typeof entry?.index === 'number' ? entry.index : typeof entry?.index === 'string' ? Number(entry.index) : NaN;
    const id = Number.isInteger(index) ? request.eventIds[index] : undefined;
    if (id === undefined) {
      // A row BigQuery names that the request does not have: which rows were inserted is unknown,
      // so all are sent again (the insertId lets BigQuery drop the copies of inserted ones).
      return { status: 'retry', reason: `BigQuery answered with an insert error for row ${JSON.stringify(entry?.index ?? null)}, which the request of ${request.eventIds.length} rows does not have: sending the request again` };
    }
    perEvent[id] = rowOutcome(rowErrors(entry?.errors));
  }
  if (Object.values(perEvent).some((outcome) => outcome.status === 'dead_letter')) {
    for (const id of request.eventIds) perEvent[id] ??= { status: 'resend', reason: NOT_NAMED_AFTER_INVALID };
  }
  return { perEvent };
}

/**
 * BigQuery's answer to an insertAll request:
 * - 2xx: delivered (a 2xx that is no JSON object, a proxy's page: sent again); with `insertErrors`, each row named has its outcome — `invalid` rows
 *   dead-lettered with BigQuery's message and location (a missing column said so), `stopped`
 *   rows and passing failures sent again; rows not named were inserted (after an `invalid`
 *   row, none was: those are sent again too);
 * - 403 or 429 `quotaExceeded` / `rateLimitExceeded`: retried as a rate limit (no try used up,
 *   the integration slowed down), after Retry-After when given;
 * - 400 or 413 for the request's size: sent again in halves (one row alone: dead-lettered);
 * - 404 `notFound` "Not found: Table …": retried (a table created minutes ago may not be found
 *   yet), then dead-lettered saying what to fix when the tries run out; any other 404 (no such
 *   dataset or project): dead-lettered at once, saying what to fix;
 * - 401 (after the core renewed the token once), 403 (no access, no billing), other 4xx:
 *   dead-lettered saying what to fix, naming the config fields and the service account;
 * - 408, 5xx (`backendError`), 400 `tableUnavailable`: retried with the core's backoff.
 *
 * @example
 * classifyInsertAll({ status: 200, headers: {}, body: '…', json: { insertErrors: [{ index: 1, errors: [{ reason: 'invalid', location: 'colour', message: 'no such field: colour.' }] }, { index: 0, errors: [{ reason: 'stopped' }] }] } }, request, ctx);
 * // { perEvent: { 'm-2': { status: 'dead_letter', reason: 'BigQuery refused the row (invalid at colour: no such field: colour.): the table has no column colour — …' }, 'm-1': { status: 'resend', … } } }
 */
export function classifyInsertAll(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config'>): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyInserted(response, request);
  const error = googleError(response);
  const answered = said(response, error);
  const several = request.eventIds.length > 1;
  const table = tableName(ctx.config);
  if (error.reasons.some((reason) => THROTTLED_REASONS.has(reason)) || status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return { status: 'retry', reason: `BigQuery's streaming quota or rate limit was reached (${answered})`, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 413 || (status === 400 && TOO_LARGE.test(error.message))) {
    if (several) return { status: 'split', reason: `BigQuery refused the request as too large (${answered}): sending it in halves` };
    return { status: 'dead_letter', reason: `BigQuery refused this row alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude, then replay` };
  }
  if (status === 400 && error.reasons.includes('tableUnavailable')) return { status: 'retry', reason: `BigQuery: the table is unavailable for now (${answered})` };
  if (status === 401) {
    return { status: 'dead_letter', reason: `BigQuery refused the access token, also once renewed (${answered}): check that the key in config.service_account_key is current (not deleted or disabled in the Cloud console), and store a new one in a new revision if not; then replay the dead letters` };
  }
  if (status === 403) {
    const account = serviceAccountEmail(ctx.config) ?? 'the service account of config.service_account_key';
    if (error.reasons.includes('billingNotEnabled') || /free tier|billing/i.test(error.message)) {
      return { status: 'dead_letter', reason: `BigQuery refused the streaming insert (${answered}): streaming is not available in BigQuery's free tier — enable billing on project ${tableOf(ctx.config).projectId} (config.project_id), then replay the dead letters` };
    }
    return { status: 'dead_letter', reason: `BigQuery denied access (${answered}): grant ${account} the BigQuery Data Editor role (roles/bigquery.dataEditor) on the dataset ${tableOf(ctx.config).datasetId} or the table ${table}, and check config.project_id, config.dataset_id and config.table_id; then replay the dead letters` };
  }
  if (status === 404) {
    const reason = `BigQuery has no table ${table} (${answered}): check config.project_id, config.dataset_id and config.table_id, and create the table with the CREATE TABLE of the plugin README (a table created in the last minutes may not be found yet); then replay the dead letters`;
    // BigQuery's own "Not found: Table …" is retried, not dead-lettered at once: a table created
    // minutes ago may not be found by streaming yet (its metadata reaches the streaming system
    // eventually). The core's tries (about 6 minutes) cover that; a wrong table id is
    // dead-lettered with this reason after them. A missing dataset or project, or a 404 that is
    // not BigQuery's answer (a proxy, a wrong origin), is a wrong config: dead-lettered at once.
    const newTable = error.reasons.includes('notFound') && /^Not found: Table\b/i.test(error.message);
    return { status: newTable ? 'retry' : 'dead_letter', reason };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'delivered') return classified;
  if (classified.status === 'retry') return { ...classified, reason: `BigQuery failed (${answered})` };
  return { status: 'dead_letter', reason: `BigQuery refused the ${several ? 'request' : 'row'} (${answered}): check the table ${table} and the config, then replay the dead letters` };
}
