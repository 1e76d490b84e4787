// impact.com's report on a queued conversion, when config.check_submissions is on. The answer to
// a conversion names its API submission (`QueuedUri: /Advertisers/<AccountSID>/APISubmissions/
// A-…`); "Get API Submission Details" (GET /Advertisers/{AccountSID}/APISubmissions/{BatchId})
// says its `Status` — "Will always begin as Queued", then `In Progress`, then `Complete`
// ("Errors may exist in the submission however") — and its `ErrorType` ("Errors encountered
// during the submission process. Will be empty if no errors were encountered", e.g. `Contract
// Error`), with a list of error explanations (e.g. CONTRACT_NOT_FOUND, RESTRICTED_PROMOCODE).
// The core asks for it later and records it (`processingReport`).
import type { JsonValue, PluginContext, ProcessingReport, ProcessingReportReading, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { accountSidOf, checksSubmissions } from './config.ts';
import { IMPACT_ORIGIN, impactHeaders } from './requests.ts';

/** The submission's id at the end of a QueuedUri (`/Advertisers/<AccountSID>/APISubmissions/A-1234…`). */
const QUEUED_URI = /\/APISubmissions\/([^/?#\s]+)\s*$/;

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * The BatchId of an accepted conversion's answer, when config.check_submissions is on; undefined
 * otherwise (no report is asked for).
 *
 * @example
 * submissionReceipt({ status: 200, headers: {}, body: '…', json: { Status: 'QUEUED', QueuedUri: '/Advertisers/IRabc/APISubmissions/A-1234' } }, ctx); // 'A-1234'
 */
export function submissionReceipt(response: VendorResponse, ctx: PluginContext): JsonValue | undefined {
  if (!checksSubmissions(ctx.config)) return undefined;
  const json = response.json as { QueuedUri?: unknown } | undefined;
  const uri = textOf(json !== null && typeof json === 'object' ? json.QueuedUri : undefined);
  return uri === undefined ? undefined : QUEUED_URI.exec(uri)?.[1];
}

/**
 * The explanations an API submission gives besides its ErrorType: the text (or list of texts)
 * of its other fields whose names begin with `Error` (the reference describes "a list of error
 * explanations" without naming its field in the text read).
 */
function explanations(submission: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(submission)) {
    if (!/^Error/i.test(key) || key === 'ErrorType') continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const written = textOf(item);
      if (written !== undefined) out.push(written);
    }
  }
  return out;
}

/**
 * Reads an API submission: pending while `Queued` or `In Progress` (or a state impact.com does
 * not document); once `Complete`, done — failed when it has an ErrorType, said in words.
 *
 * @example
 * readSubmission({ BatchId: 'A-1234', Status: 'Complete', ErrorType: 'Contract Error', ErrorList: ['CONTRACT_NOT_FOUND'] });
 * // { done: true, failed: 1, message: 'impact.com processed the conversion (submission A-1234) with an error: Contract Error (CONTRACT_NOT_FOUND)' }
 */
export function readSubmission(json: unknown): ProcessingReportReading {
  const submission = (json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  const state = textOf(submission.Status);
  const batch = textOf(submission.BatchId);
  const which = batch === undefined ? 'the conversion' : `the conversion (submission ${batch})`;
  if (state?.toLowerCase() !== 'complete') return { pending: true, message: `impact.com has not processed ${which} yet (Status ${state ?? 'unknown'})` };
  const errorType = textOf(submission.ErrorType);
  if (errorType === undefined) return { done: true, failed: 0, message: `impact.com processed ${which} without errors` };
  const details = explanations(submission);
  return { done: true, failed: 1, message: `impact.com processed ${which} with an error: ${errorType}${details.length > 0 ? ` (${details.join(', ')})` : ''}` };
}

/**
 * The API submission's report: first asked five minutes after impact.com queued the conversion,
 * then after 10, 20 and 40 minutes and every 40 minutes, up to six checks (about 2.5 hours).
 */
export const SUBMISSION_REPORT: ProcessingReport = {
  afterSeconds: 300,
  maxChecks: 6,
  receipt: (response: VendorResponse, _request: RequestDescriptor, ctx: PluginContext) => submissionReceipt(response, ctx),
  request: (receipt: JsonValue, ctx: PluginContext): RequestDescriptor => ({
    method: 'GET',
    url: `${IMPACT_ORIGIN}/Advertisers/${encodeURIComponent(accountSidOf(ctx.config) ?? '')}/APISubmissions/${encodeURIComponent(String(receipt))}`,
    headers: impactHeaders(ctx),
    eventIds: [],
  }),
  read: (response: VendorResponse) => readSubmission(response.json),
};
