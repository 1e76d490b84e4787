// BigQuery's error answers, as its REST API gives them: `{ "error": { "code": 403, "message":
// "…", "errors": [ { "message": "…", "domain": "global", "reason": "quotaExceeded" } ],
// "status": "PERMISSION_DENIED" } }`. The `reason` of the first error is BigQuery's own code
// (accessDenied, quotaExceeded, rateLimitExceeded, notFound, invalid, invalidQuery,
// billingNotEnabled, backendError…), the one its error-messages page documents.
import { excerpt, readGoogleErrorAnswer, type VendorResponse } from '../../core/sdk/index.ts';

/** What BigQuery said: its reason code (or the gRPC status, or the HTTP status), and its message. */
export interface GoogleError {
  /** The first error's `reason` (`quotaExceeded`), else `status` (`PERMISSION_DENIED`), else `HTTP 403`. */
  reason: string;
  /** Every `reason` the answer gives, for matching. */
  reasons: string[];
  message: string;
}

/**
 * The error of an answer: BigQuery's JSON error when it is one, else the body's text (a proxy's
 * page, an empty 503).
 *
 * @example
 * googleError({ status: 404, headers: {}, body: '…', json: { error: { code: 404, message: 'Not found: Table shop:signal.events', errors: [{ reason: 'notFound' }], status: 'NOT_FOUND' } } });
 * // { reason: 'notFound', reasons: ['notFound'], message: 'Not found: Table shop:signal.events' }
 */
export function googleError(response: VendorResponse): GoogleError {
  const error = readGoogleErrorAnswer(response.json);
  const items = error?.errors ?? [];
  const reasons = items.map((item) => item.reason).filter((reason): reason is string => typeof reason === 'string' && reason !== '');
  const message = error?.message !== undefined && error.message.trim() !== ''
    ? error.message
    : typeof items[0]?.message === 'string' ? items[0].message : response.body ?? '';
  return { reason: reasons[0] ?? error?.status ?? `HTTP ${response.status}`, reasons, message: excerpt(message) };
}

/**
 * BigQuery's answer in words for a reason: `HTTP 404 notFound: Not found: Table …`.
 *
 * @example
 * said({ status: 403, headers: {}, body: '' }, { reason: 'HTTP 403', reasons: [], message: '' }); // 'HTTP 403'
 */
export function said(response: VendorResponse, error: GoogleError): string {
  const code = error.reason === `HTTP ${response.status}` ? '' : ` ${error.reason}`;
  return `HTTP ${response.status}${code}${error.message === '' ? '' : `: ${error.message}`}`;
}

/** Reasons of a quota or rate limit: worth another try once the quota has room (BigQuery answers them 403 or 429). */
export const THROTTLED_REASONS = new Set(['quotaExceeded', 'rateLimitExceeded']);
