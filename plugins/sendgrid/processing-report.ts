// SendGrid's report on an upsert: a 202 is a receipt (`job_id`), and SendGrid imports the
// contacts afterwards. "Import Contacts Status" (GET /v3/marketing/contacts/imports/{id}) says
// whether the job is `pending` ("not started"), `completed` ("finished without any errors"),
// `errored` ("finished with some errors") or `failed` ("finished with all errors, or the job
// was entirely unprocessable"), with counts in `results` and the errors in a file to download
// (`results.errors_url`). The core asks for it later and records it (`processingReport`).
import type { JsonValue, PluginContext, ProcessingReport, ProcessingReportReading, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { apiOriginOf } from './config.ts';
import { CONTACTS_PATH, headersOf } from './requests.ts';

interface ImportResults { requested_count?: unknown; created_count?: unknown; updated_count?: unknown; errored_count?: unknown; errors_url?: unknown }

const countOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Reads an import job's status: pending while `pending` (or a state SendGrid does not
 * document); otherwise done, with the contacts that failed counted (`errored_count`; all of
 * them for a `failed` job that counts none; not said for an `errored` job that counts none)
 * and the counts in words. The errors file's URL is
 * not repeated (a download link to contact data): it is in the answer, in the delivery log.
 *
 * @example
 * readImportStatus({ id: 'j-1', status: 'errored', job_type: 'upsert', results: { requested_count: 3, created_count: 1, updated_count: 1, errored_count: 1, errors_url: 'https://…' } });
 * // { done: true, failed: 1, message: 'SendGrid imported the contacts with errors: errored (3 requested, 1 created, 1 updated, 1 errored; the errors file is at results.errors_url of the answer) — 1 contact not imported' }
 */
export function readImportStatus(json: unknown): ProcessingReportReading {
  const job = (json !== null && typeof json === 'object' ? json : {}) as { status?: unknown; results?: ImportResults };
  const state = typeof job.status === 'string' ? job.status : undefined;
  if (state !== 'completed' && state !== 'errored' && state !== 'failed') return { pending: true, message: `SendGrid has not imported the contacts yet (status ${state ?? 'unknown'})` };
  const results = job.results ?? {};
  const requested = countOf(results.requested_count);
  const errored = countOf(results.errored_count);
  const counts = [
    requested !== undefined ? `${requested} requested` : undefined,
    countOf(results.created_count) !== undefined ? `${countOf(results.created_count)} created` : undefined,
    countOf(results.updated_count) !== undefined ? `${countOf(results.updated_count)} updated` : undefined,
    errored !== undefined ? `${errored} errored` : undefined,
  ].filter((c) => c !== undefined);
  const file = typeof results.errors_url === 'string' && results.errors_url !== '' ? 'the errors file is at results.errors_url of the answer' : undefined;
  const details = [counts.join(', '), file].filter((d) => d !== undefined && d !== '').join('; ');
  const words = state === 'completed' ? 'SendGrid imported the contacts' : state === 'errored' ? 'SendGrid imported the contacts with errors' : 'SendGrid could not import the contacts';
  // An `errored` job failed some contacts; without its errored_count, how many is not said.
  const failed = state === 'completed' ? 0 : errored !== undefined && errored > 0 ? errored : state === 'failed' ? (requested ?? Number.MAX_SAFE_INTEGER) : errored === undefined ? undefined : 0;
  const notImported = failed !== undefined && failed > 0 && failed !== Number.MAX_SAFE_INTEGER ? ` — ${plural(failed, 'contact')} not imported` : '';
  const message = `${words}: ${state}${details ? ` (${details})` : ''}${notImported}`;
  return failed === undefined ? { done: true, message } : { done: true, failed, message };
}

/**
 * The import job's report: first asked a minute after SendGrid took the request (imports of a
 * few contacts usually finish within minutes), then after 2, 4 and 8 minutes and every 8
 * minutes up to eight checks (about 45 minutes in all).
 */
export const importReport: ProcessingReport = {
  afterSeconds: 60,
  maxChecks: 8,
  receipt: (response: VendorResponse): JsonValue | undefined => {
    const id = (response.json as { job_id?: unknown } | undefined)?.job_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  },
  request: (receipt: JsonValue, ctx: PluginContext): RequestDescriptor => ({
    method: 'GET',
    url: `${apiOriginOf(ctx.config)}${CONTACTS_PATH}/imports/${encodeURIComponent(String(receipt))}`,
    headers: headersOf(ctx),
    eventIds: [],
  }),
  read: (response: VendorResponse) => readImportStatus(response.json),
};
