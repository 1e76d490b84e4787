// Following Create Or Update Many Users through its job (Zendesk API reference: "Job Statuses").
// The request answers at once with `{ job_status: { id, status: "queued", url, … } }` and does
// the work in the background; `GET /api/v2/job_statuses/{id}` then says `queued` or `working`
// until it is `completed` (or `failed`), with a result per user, in the order of the request:
// `{ id, status: "Created" | "Updated" | "Failed", error?, details? }`. The core's processing
// report asks for it (see README "Outcomes, retries, dead letters"), records the answer in the
// delivery log and counts the users Zendesk failed as processingFailed. They are not sent again:
// a result names no event, and the cause (a malformed email, an unknown user field) would fail
// them again — fix it and replay the period. Zendesk keeps a job's status for a day.
import { isJsonObject, type JsonValue, type PluginContext, type ProcessingReport, type ProcessingReportReading, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { jobStatusOf } from './answers.ts';
import { apiBaseOf, headersOf } from './config.ts';
import { USERS_PATH } from './requests.ts';

/** Zendesk's job ids are hexadecimal; anything else is never put in a URL. */
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The job id in an accepted Create Or Update Many Users answer (undefined for events, whose 202 is final).
 *
 * @example
 * jobReceipt({ status: 200, headers: {}, body: '…', json: { job_status: { id: '82de0b044094f0c67893ac9fe64f1a99', status: 'queued' } } }, usersRequest); // '82de0b044094f0c67893ac9fe64f1a99'
 */
export function jobReceipt(response: VendorResponse, request: RequestDescriptor): JsonValue | undefined {
  if (!request.url.endsWith(USERS_PATH)) return undefined;
  const id = jobStatusOf(response)?.id;
  return typeof id === 'string' && JOB_ID.test(id) ? id : undefined;
}

/**
 * The job status request for a receipt.
 *
 * @example
 * jobRequest('82de0b04', ctx); // { method: 'GET', url: 'https://acme.zendesk.com/api/v2/job_statuses/82de0b04', headers: { authorization: 'Basic …', … }, eventIds: [] }
 */
export function jobRequest(receipt: JsonValue, ctx: PluginContext): RequestDescriptor {
  const id = typeof receipt === 'string' && JOB_ID.test(receipt) ? receipt : 'unknown';
  const { ['content-type']: _contentType, ...headers } = headersOf(ctx.config);
  return { method: 'GET', url: `${apiBaseOf(ctx.config)}/api/v2/job_statuses/${id}`, headers, eventIds: [] };
}

/**
 * Reads a job status: pending while queued or working; once completed, how many users Zendesk
 * failed and why (`2 created, 1 updated, 1 failed: UserUpdateError — Email: x is not properly formatted`).
 *
 * @example
 * readJob({ status: 200, headers: {}, body: '…', json: { job_status: { status: 'completed', results: [{ id: 1, status: 'Created' }] } } }, 'j1');
 * // { done: true, failed: 0, message: 'Zendesk completed job j1: 1 created' }
 */
export function readJob(response: VendorResponse, receipt: JsonValue): ProcessingReportReading {
  const job = jobStatusOf(response);
  const state = typeof job?.status === 'string' ? job.status : undefined;
  if (!job || state === 'queued' || state === 'working' || state === undefined) return { pending: true, message: `job ${String(receipt)} ${state ?? 'not answered'}` };
  const results = Array.isArray(job.results) ? job.results.filter(isJsonObject) : [];
  const total = typeof job.total === 'number' ? job.total : results.length;
  // `killed`: not listed for Job Statuses, but Zendesk lists it for its Apps API's jobs: the job did not run to its end.
  if (state === 'failed' || state === 'killed') {
    return { done: true, failed: total, message: `Zendesk ${state === 'killed' ? 'killed' : 'failed'} job ${String(receipt)}${typeof job.message === 'string' && job.message ? `: ${job.message}` : ''}` };
  }
  const failed = results.filter((r) => r.status === 'Failed' || r.success === false || typeof r.error === 'string');
  const created = results.filter((r) => r.status === 'Created').length;
  const updated = results.filter((r) => r.status === 'Updated').length;
  const counts = [created ? `${created} created` : '', updated ? `${updated} updated` : '', failed.length ? `${failed.length} failed` : ''].filter(Boolean).join(', ') || 'no results';
  const reasons = new Map<string, number>();
  for (const r of failed) {
    const reason = [r.error, r.details].filter((v) => typeof v === 'string' && v !== '').join(' — ') || 'no reason given';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const why = [...reasons].map(([reason, n]) => `${n} × ${reason}`).join('; ');
  return { done: true, failed: failed.length, message: `Zendesk ${state} job ${String(receipt)}: ${counts}${why ? ` (${why})` : ''}` };
}

/** The job status report: first asked 10 s after the job was accepted, up to 8 times (the waits double up to 80 s). */
export const JOB_STATUS_REPORT: ProcessingReport = {
  afterSeconds: 10,
  maxChecks: 8,
  receipt: jobReceipt,
  request: jobRequest,
  read: readJob,
};
