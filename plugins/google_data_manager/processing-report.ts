// Google's report on an events:ingest request: a 200 is a receipt (`requestId`), and Google
// processes the events afterwards — `requestStatus:retrieve` says per destination whether they
// were ingested, and counts the failed ones by reason (it never names them). The core asks for
// it later and records it (`processingReport`).
import type { JsonValue, PluginContext, ProcessingReport, ProcessingReportReading, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { DATA_MANAGER_API } from './ingest-request.ts';

/** `GET /v1/requestStatus:retrieve?requestId=…` (IngestionService.RetrieveRequestStatus). */
export const REQUEST_STATUS_URL = `${DATA_MANAGER_API}/v1/requestStatus:retrieve`;

interface Count { reason?: string; recordCount?: string | number }
interface DestinationStatus {
  destination?: { productDestinationId?: string; reference?: string };
  requestStatus?: string;
  errorInfo?: { errorCounts?: Count[] };
  warningInfo?: { warningCounts?: Count[] };
  eventsIngestionStatus?: { recordCount?: string | number };
}

const countOf = (value: string | number | undefined): number => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

/** `PROCESSING_ERROR_REASON_INVALID_GCLID` → `INVALID_GCLID`: the enum's prefix says nothing. */
const reasonText = (reason: string | undefined): string => (reason ?? 'UNSPECIFIED').replace(/^PROCESSING_(ERROR|WARNING)_REASON_/, '');

/** `2 × INVALID_GCLID, 1 × EVENT_TOO_OLD` from a list of counts. */
function countsText(counts: Count[] | undefined): string {
  return (counts ?? []).filter((c) => countOf(c.recordCount) > 0).map((c) => `${countOf(c.recordCount)} × ${reasonText(c.reason)}`).join(', ');
}

/**
 * Reads `requestStatus:retrieve`'s answer: pending while a destination is `PROCESSING` (or
 * not known yet); otherwise done, with the failed events counted over the destinations and
 * the reasons Google gave, its warnings too.
 *
 * @example
 * readRequestStatus({ requestStatusPerDestination: [{ requestStatus: 'PARTIAL_SUCCESS', eventsIngestionStatus: { recordCount: '3' },
 *   errorInfo: { errorCounts: [{ reason: 'PROCESSING_ERROR_REASON_INVALID_GCLID', recordCount: '1' }] } }] });
 * // { done: true, failed: 1, message: 'Google processed the request: PARTIAL_SUCCESS (3 events ingested; failed: 1 × INVALID_GCLID)' }
 */
export function readRequestStatus(json: unknown): ProcessingReportReading {
  const statuses = ((json as { requestStatusPerDestination?: DestinationStatus[] } | undefined)?.requestStatusPerDestination ?? []).filter((s) => s && typeof s === 'object');
  if (statuses.length === 0) return { pending: true, message: 'Google reported no destination yet' };
  const states = statuses.map((s) => s.requestStatus ?? 'REQUEST_STATUS_UNKNOWN');
  if (states.some((state) => state === 'PROCESSING' || state === 'REQUEST_STATUS_UNKNOWN')) return { pending: true, message: `Google is still processing the request (${states.join(', ')})` };
  const failed = statuses.reduce((sum, s) => sum + (s.errorInfo?.errorCounts ?? []).reduce((n, c) => n + countOf(c.recordCount), 0), 0);
  const ingested = statuses.reduce((sum, s) => sum + countOf(s.eventsIngestionStatus?.recordCount), 0);
  const errors = statuses.map((s) => countsText(s.errorInfo?.errorCounts)).filter((t) => t !== '').join(', ');
  const warnings = statuses.map((s) => countsText(s.warningInfo?.warningCounts)).filter((t) => t !== '').join(', ');
  const overall = [...new Set(states)].join(', ');
  const details = [`${ingested} event${ingested === 1 ? '' : 's'} ingested`, ...(errors ? [`failed: ${errors}`] : []), ...(warnings ? [`warnings: ${warnings}`] : [])];
  // FAILED with no counts still failed the request's events: Google says nothing more.
  const failedEvents = failed > 0 ? failed : states.every((state) => state === 'FAILED') ? Number.MAX_SAFE_INTEGER : 0;
  return { done: true, failed: failedEvents, message: `Google processed the request: ${overall} (${details.join('; ')})` };
}

/**
 * The Data Manager's processing report: Google reports from 30 minutes to a day after it took
 * the request, so the first check is half an hour after, then after 1, 2 and 4 hours, and
 * every 4 hours up to eight checks (23.5 hours in all). `validateOnly` requests get no
 * `requestId`, hence no report.
 */
export const dataManagerProcessingReport: ProcessingReport = {
  afterSeconds: 1800,
  maxChecks: 8,
  receipt: (response: VendorResponse): JsonValue | undefined => {
    const id = (response.json as { requestId?: unknown } | undefined)?.requestId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  },
  request: (receipt: JsonValue, ctx: PluginContext): RequestDescriptor => ({
    method: 'GET',
    url: REQUEST_STATUS_URL,
    query: [['requestId', String(receipt)]],
    headers: { authorization: `Bearer ${ctx.accessToken ?? ''}` },
    eventIds: [],
  }),
  read: (response: VendorResponse) => readRequestStatus(response.json),
};
