// Person deletions forwarded to the table: a DML DELETE run as a query job (`jobs.query`, `POST
// https://bigquery.googleapis.com/bigquery/v2/projects/{projectId}/queries`). The person's ids
// travel as named query parameters (`@user_id`, `@anonymous_id`), never inside the statement's
// text; the statement names only the configured table, whose ids the config checks admit no
// quote, backtick or line break. A job still running when the call returns (jobComplete false)
// is waited for once more through `jobs.getQueryResults`. Rows streamed in the last 30 minutes
// (rarely up to 90) sit in BigQuery's streaming buffer, which DML cannot change: BigQuery
// refuses the whole statement then. The plugin then deletes at once what it can — the person's
// rows received more than 90 minutes ago, the filter Google's own advice for this refusal uses —
// and the whole deletion is tried again later (the core's tries last about 15 minutes, less
// than the buffer may: see the README for what the admin does when they run out).
import {
  eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, trimmedText,
  type ForgetOutcome, type JsonObject, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { forwardsDeletions, sqlTableName, tableOf, type TableRef } from './config.ts';
import { googleError, said, THROTTLED_REASONS } from './google-error.ts';
import { BIGQUERY_API, segment } from './insert-request.ts';

/**
 * How long a call waits for the job (ms): under the core's 10 s request timeout, so a slow
 * DELETE answers `jobComplete: false` (and is waited for again) rather than timing out.
 */
export const WAIT_MS = 8000;

/** A STRING query parameter (jobs.query's QueryParameter). */
function stringParameter(name: string, value: string): JsonObject {
  return { name, parameterType: { type: 'STRING' }, parameterValue: { value } };
}

/**
 * The DELETE statement and its parameters for the ids named (placeholders left out): rows whose
 * user_id — or an alias's previous_id — is the userId, and rows whose anonymous_id (or previous_id)
 * is the anonymousId. Null when no usable id is named.
 *
 * @example
 * deleteStatement({ userId: 'u-1', anonymousId: null }, { projectId: 'shop', datasetId: 'signal', tableId: 'events' });
 * // { query: 'DELETE FROM `shop.signal.events` WHERE user_id = @user_id OR previous_id = @user_id', parameters: [{ name: 'user_id', parameterType: { type: 'STRING' }, parameterValue: { value: 'u-1' } }] }
 */
export function deleteStatement(person: NamedPerson, table: TableRef): { query: string; parameters: JsonObject[] } | null {
  const rows = eventRowsOfPerson(person, (column) => `@${column}`);
  if (rows === null) return null;
  return { query: `DELETE FROM ${sqlTableName(table)} WHERE ${rows.condition}`, parameters: rows.ids.map(({ name, value }) => stringParameter(name, value)) };
}

/**
 * Rows older than this are out of the streaming buffer (30 minutes, "rarely" up to 90): the
 * filter Google's knowledge base gives for DML refused over the buffer.
 */
export const SETTLED_FILTER = 'received_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 90 MINUTE)';

/**
 * The DELETE limited to rows received more than 90 minutes ago: what can be deleted while the
 * person's latest rows are still in the streaming buffer. Its conditions are the full
 * statement's, in parentheses (they are joined by OR).
 *
 * @example
 * settledStatement('DELETE FROM `shop.signal.events` WHERE user_id = @user_id OR previous_id = @user_id');
 * // 'DELETE FROM `shop.signal.events` WHERE (user_id = @user_id OR previous_id = @user_id) AND received_at < TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 90 MINUTE)'
 */
export function settledStatement(query: string): string {
  // The last WHERE is the statement's own: the conditions hold none (a table name might).
  const at = query.lastIndexOf(' WHERE ');
  return `${query.slice(0, at)} WHERE (${query.slice(at + ' WHERE '.length)}) AND ${SETTLED_FILTER}`;
}

/** Whether a request is the DELETE limited to settled rows (sent after a streaming buffer refusal). */
function isSettledDelete(request: RequestDescriptor | undefined): boolean {
  const query = (request?.body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' && query.endsWith(` AND ${SETTLED_FILTER}`);
}

/** The full DELETE's request, limited to settled rows (same job options, same parameters). */
function settledRequest(request: RequestDescriptor): RequestDescriptor | undefined {
  const body = request.body as JsonObject | undefined;
  if (request.method !== 'POST' || typeof body?.query !== 'string' || !body.query.startsWith('DELETE FROM ')) return undefined;
  return { ...request, body: { ...body, query: settledStatement(body.query) } };
}

/**
 * How long the core waits before the next try after a streaming buffer refusal: the buffer's
 * longest hold, so the next DELETE finds every row settled.
 */
export const BUFFER_WAIT_SECONDS = 90 * 60;
/** What the message says happens next (the core's wait is the plugin's `afterSeconds`). */
const BUFFER_ADVICE = 'tried again in 90 minutes, once the streaming buffer has let the rows go; should the tries still run out, request the deletion again (deletePerson with the same ids)';

function authorization(ctx: PluginContext): Record<string, string> {
  return { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' };
}

/**
 * The jobs.query request deleting the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://bigquery.googleapis.com/bigquery/v2/projects/shop/queries',
 * //   body: { query: 'DELETE FROM `shop.signal.events` WHERE … OR anonymous_id = @anonymous_id OR …', useLegacySql: false, parameterMode: 'NAMED', queryParameters: […], timeoutMs: 8000 }, eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const table = tableOf(ctx.config);
  const statement = deleteStatement(person, table);
  if (statement === null) return { skipped: PLACEHOLDER_IDS_SKIPPED };
  return {
    method: 'POST',
    url: `${BIGQUERY_API}/projects/${segment(table.projectId)}/queries`,
    headers: authorization(ctx),
    body: { query: statement.query, useLegacySql: false, parameterMode: 'NAMED', queryParameters: statement.parameters, timeoutMs: WAIT_MS },
    eventIds: [],
  };
}

/** The job a jobs.query answer names. */
function jobOf(json: unknown): { projectId: string; jobId: string; location?: string } | undefined {
  const reference = (json as { jobReference?: { projectId?: unknown; jobId?: unknown; location?: unknown } } | undefined)?.jobReference;
  if (typeof reference?.projectId !== 'string' || typeof reference.jobId !== 'string' || reference.jobId === '') return undefined;
  return { projectId: reference.projectId, jobId: reference.jobId, ...(typeof reference.location === 'string' && reference.location !== '' ? { location: reference.location } : {}) };
}

/** How many rows a finished DELETE removed: `dmlStats.deletedRowCount`, else `numDmlAffectedRows` (int64 as text). */
function deletedRows(json: unknown): number | undefined {
  const answer = json as { dmlStats?: { deletedRowCount?: unknown }; numDmlAffectedRows?: unknown } | undefined;
  for (const value of [answer?.dmlStats?.deletedRowCount, answer?.numDmlAffectedRows]) {
    const count = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
    if (Number.isInteger(count) && count >= 0) return count;
  }
  return undefined;
}

/** The jobs.getQueryResults request waiting for a job once more (no rows asked for: a DELETE has none). */
function resultsRequest(job: NonNullable<ReturnType<typeof jobOf>>, headers: Record<string, string> | undefined): RequestDescriptor {
  return {
    method: 'GET',
    url: `${BIGQUERY_API}/projects/${segment(job.projectId)}/queries/${encodeURIComponent(job.jobId)}`,
    query: [...(job.location === undefined ? [] : [['location', job.location] as [string, string]]), ['maxResults', '0'], ['timeoutMs', String(WAIT_MS)]],
    ...(headers === undefined ? {} : { headers: { authorization: headers.authorization ?? '' } }),
    eventIds: [],
  };
}

/**
 * Reads an answer of jobs.query (or of the getQueryResults that waits for its job):
 * - 2xx with the job complete: done, saying how many rows BigQuery deleted;
 * - 2xx with the job still running: the job waited for once more (`next`: getQueryResults),
 *   and when still running after that, tried again later (deleting again is harmless);
 * - the streaming buffer refusal (rows streamed in the last 30 to 90 minutes): the same DELETE
 *   limited to rows received more than 90 minutes ago follows (`next`), and whatever it answers
 *   the deletion is tried again later (the person's latest rows are still to go);
 * - quota and rate limits, 408, 429, 5xx: tried again;
 * - 401, 403 (roles), 404 (table), 400 (the statement, e.g. a table without the README's
 *   id columns, or one that requires a partition filter): failed, saying what to fix.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { jobComplete: true, jobReference: { projectId: 'shop', jobId: 'job_1' }, dmlStats: { deletedRowCount: '3' } } }, request);
 * // { done: true, message: 'BigQuery deleted 3 rows (job job_1)' }
 */
export function readDeletionAnswer(response: VendorResponse, request?: RequestDescriptor): ForgetOutcome {
  if (isSettledDelete(request)) return readSettledAnswer(response);
  if (response.status >= 200 && response.status < 300) {
    const json = response.json as { jobComplete?: unknown } | undefined;
    const job = jobOf(json);
    if (json?.jobComplete === false) {
      if (job !== undefined && request?.method === 'POST') return { next: resultsRequest(job, request.headers) };
      return { retry: `BigQuery's DELETE job${job === undefined ? '' : ` ${job.jobId}`} was still running: asked again later (deleting again is harmless)` };
    }
    const rows = deletedRows(json);
    const jobText = job === undefined ? '' : ` (job ${job.jobId})`;
    return { done: true, message: rows === undefined ? `BigQuery ran the DELETE${jobText}` : `BigQuery deleted ${rows} row${rows === 1 ? '' : 's'}${jobText}` };
  }
  const error = googleError(response);
  const answered = said(response, error);
  if (/streaming buffer/i.test(error.message)) {
    // The older rows can go now: the same DELETE limited to them follows (not after a
    // getQueryResults, which carries no statement to limit).
    const settled = request === undefined ? undefined : settledRequest(request);
    if (settled !== undefined) return { next: settled };
    return { retry: `${bufferRefusal(answered)}: ${BUFFER_ADVICE}`, afterSeconds: BUFFER_WAIT_SECONDS };
  }
  if (error.reasons.some((reason) => THROTTLED_REASONS.has(reason)) || response.status === 408 || response.status === 429 || response.status >= 500) return { retry: answered };
  if (response.status === 401) return { failed: `${answered} — BigQuery refused the access token: check that the key in config.service_account_key is current (not deleted or disabled)` };
  if (response.status === 403) {
    const project = projectOf(request) ?? 'config.project_id';
    return { failed: `${answered} — grant the service account of config.service_account_key the BigQuery Job User role (roles/bigquery.jobUser) on project ${project} and BigQuery Data Editor on the table (deletions run a query job), or turn config.forward_deletions off` };
  }
  if (response.status === 404) return { failed: `${answered} — check config.project_id, config.dataset_id and config.table_id` };
  if (/partition elimination|filter over column/i.test(error.message)) {
    return { failed: `${answered} — the table requires a partition filter (require_partition_filter), which a deletion by person cannot give: turn the option off on the table` };
  }
  if (/unrecognized name/i.test(error.message)) {
    return { failed: `${answered} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
  }
  return { failed: answered };
}

function bufferRefusal(answered: string): string {
  return `BigQuery cannot delete rows streamed in the last 30 to 90 minutes (its streaming buffer) and refused the DELETE (${answered})`;
}

/**
 * Reads the answer to the DELETE limited to settled rows: whatever it says, the person's latest
 * rows are still to be deleted, so the deletion is tried again — saying how many older rows went.
 */
function readSettledAnswer(response: VendorResponse): ForgetOutcome {
  const refused = 'BigQuery refused the DELETE: the person\'s rows streamed in the last 30 to 90 minutes are still in its streaming buffer';
  if (response.status >= 200 && response.status < 300) {
    const json = response.json as { jobComplete?: unknown } | undefined;
    const job = jobOf(json);
    const jobText = job === undefined ? '' : ` (job ${job.jobId})`;
    if (json?.jobComplete === false) return { retry: `${refused}; the DELETE of their rows received more than 90 minutes ago was still running${jobText}: ${BUFFER_ADVICE}`, afterSeconds: BUFFER_WAIT_SECONDS };
    const rows = deletedRows(json);
    const deleted = rows === undefined ? 'their rows received more than 90 minutes ago were deleted' : `${rows} of their row${rows === 1 ? '' : 's'} received more than 90 minutes ago ${rows === 1 ? 'was' : 'were'} deleted`;
    return { retry: `${refused}; ${deleted}${jobText}: ${BUFFER_ADVICE}`, afterSeconds: BUFFER_WAIT_SECONDS };
  }
  return { retry: `${refused}; deleting their older rows alone failed too (${said(response, googleError(response))}): ${BUFFER_ADVICE}`, afterSeconds: BUFFER_WAIT_SECONDS };
}

/** The project a deletion request runs its job in, from its URL (`…/projects/{projectId}/queries…`). */
function projectOf(request: RequestDescriptor | undefined): string | undefined {
  const match = /\/projects\/([^/]+)\/queries/.exec(request?.url ?? '');
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The plugin's forwarding of person deletions: on with a key, unless config.forward_deletions is false. */
export const bigQueryForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && trimmedText(config.service_account_key) !== undefined,
  request: deletionRequest,
  read: readDeletionAnswer,
};
