// impact.com's report on a queued conversion, when config.check_submissions is on. The answer to
// a conversion names its API submission (`QueuedUri: /Advertisers/<AccountSID>/APISubmissions/
// A-…`); "Get API Submission Details" (GET /Advertisers/{AccountSID}/APISubmissions/{BatchId})
// says its `Status` — "Will always begin as Queued", then `In Progress`, then `Complete`
// ("Errors may exist in the submission however") — and its `ErrorType` ("Errors encountered
// during the submission process. Will be empty if no errors were encountered", e.g. `Contract
// Error`), with `ErrorReason`, the "list of error explanations to help describe the ErrorType"
// (the Brand API v14 OpenAPI: a text such as `CONTRACT_NOT_FOUND RESTRICTED_PROMOCODE`). The
// core asks for it later and records it (`processingReport`).
import type { JsonValue, PluginContext, ProcessingReport, ProcessingReportReading, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { accountSidOf, checksSubmissions } from './config.ts';
import { IMPACT_ORIGIN, impactHeaders } from './requests.ts';
import { trimmedText } from '../../core/sdk/index.ts';

/** The submission's id at the end of a QueuedUri (`/Advertisers/<AccountSID>/APISubmissions/A-1234…`). */
const QUEUED_URI = /\/APISubmissions\/([^/?#\s]+)\s*$/;

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
  const uri = trimmedText(json !== null && typeof json === 'object' ? json.QueuedUri : undefined);
  return uri === undefined ? undefined : QUEUED_URI.exec(uri)?.[1];
}

/**
 * The reason codes an API submission gives besides its ErrorType: its `ErrorReason` (codes
 * separated by white space or commas, or a list of them), and any other field whose name begins
 * with `Error` written the same way (the reference's other pages describe the list without
 * naming it), each code once.
 */
function reasonCodes(submission: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const fields = ['ErrorReason', ...Object.keys(submission).filter((key) => /^Error/i.test(key) && key !== 'ErrorType' && key !== 'ErrorReason')];
  for (const key of fields) {
    const value = submission[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      for (const code of trimmedText(item)?.split(/[\s,;]+/) ?? []) if (code !== '') out.add(code);
    }
  }
  return [...out];
}

/**
 * The one reason that says the conversion is at impact.com already: "CONV_DUPLICATE — An action
 * with the same OrderId was registered within the OID deduplication window" (the submissions
 * OpenAPI's reasons). A retry after a lost answer sends the same OrderId (the order's, or the
 * messageId), so a duplicate alone is no loss.
 */
const DUPLICATE = 'CONV_DUPLICATE';

/**
 * Reads an API submission: pending while `Queued` or `In Progress` (or a state impact.com does
 * not document); once `Complete`, done — failed when it has an ErrorType, said in words with its
 * ErrorReason, unless the only reason is CONV_DUPLICATE (the same OrderId recorded already: a
 * retried conversion impact.com has, not a lost one).
 *
 * @example
 * readSubmission({ BatchId: 'A-1234', Status: 'Complete', ErrorType: 'Contract Error', ErrorReason: 'CONTRACT_NOT_FOUND' });
 * // { done: true, failed: 1, message: 'impact.com processed the conversion (submission A-1234) with an error: Contract Error (CONTRACT_NOT_FOUND)' }
 */
export function readSubmission(json: unknown): ProcessingReportReading {
  const submission = (json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  const state = trimmedText(submission.Status);
  const batch = trimmedText(submission.BatchId);
  const which = batch === undefined ? 'the conversion' : `the conversion (submission ${batch})`;
  if (state?.toLowerCase() !== 'complete') return { pending: true, message: `impact.com has not processed ${which} yet (Status ${state ?? 'unknown'})` };
  const errorType = trimmedText(submission.ErrorType);
  if (errorType === undefined) return { done: true, failed: 0, message: `impact.com processed ${which} without errors` };
  const reasons = reasonCodes(submission);
  const said = `${errorType}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
  if (reasons.length === 1 && reasons[0] === DUPLICATE) {
    return { done: true, failed: 0, message: `impact.com has ${which} already: ${said} — a conversion of the same OrderId and Event Type was recorded before (a retry after a lost answer, or the same order sent twice)` };
  }
  return { done: true, failed: 1, message: `impact.com processed ${which} with an error: ${said}` };
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
