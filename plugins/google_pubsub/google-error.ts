// Pub/Sub's error answers, as Google's JSON APIs give them (google.rpc.Status): `{ "error": {
// "code": 404, "message": "Resource not found (resource=signal-events).", "status": "NOT_FOUND",
// "details": [ { "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason":
// "SERVICE_DISABLED", … } ] } }`. `status` is the gRPC code name, the one Pub/Sub's error-codes
// page and Google's client libraries decide by; `details[].reason` (ErrorInfo) says more when
// given (an API not enabled, an expired token).
import { excerpt, readGoogleErrorAnswer, type VendorResponse } from '../../core/sdk/index.ts';

/** What Google said: its gRPC status name, ErrorInfo reasons and message; `google` false when the body is not Google's error. */
export interface GoogleError {
  /** Whether the body is Google's JSON error (`{ error: { status | code, message } }`), not a proxy's page. */
  google: boolean;
  /** `NOT_FOUND`, `PERMISSION_DENIED`…; '' when not given. */
  status: string;
  /** ErrorInfo reasons (`SERVICE_DISABLED`, `ACCESS_TOKEN_EXPIRED`…). */
  reasons: string[];
  message: string;
  /**
   * ErrorInfo's `metadata.revisionInfo`: for a topic schema's refusal, which field failed and
   * why ("…failed with status: JSON object with type string does not match schema which
   * expected number_integer"), which the message itself does not say; '' when not given.
   */
  schemaDetail: string;
}

/**
 * The error of an answer: Google's JSON error when it is one, else the body's text.
 *
 * @example
 * googleError({ status: 404, headers: {}, body: '…', json: { error: { code: 404, message: 'Resource not found (resource=signal-events).', status: 'NOT_FOUND' } } });
 * // { google: true, status: 'NOT_FOUND', reasons: [], message: 'Resource not found (resource=signal-events).', schemaDetail: '' }
 */
export function googleError(response: VendorResponse): GoogleError {
  const error = readGoogleErrorAnswer(response.json);
  if (error === undefined) {
    const flat = (response.json as { error?: unknown } | null | undefined)?.error;
    return { google: false, status: '', reasons: [], message: excerpt(typeof flat === 'string' ? flat : response.body ?? ''), schemaDetail: '' };
  }
  const schemaDetail = error.details
    .map((info) => (info.metadata !== null && typeof info.metadata === 'object' ? (info.metadata as { revisionInfo?: unknown }).revisionInfo : undefined))
    .find((detail): detail is string => typeof detail === 'string' && detail.trim() !== '');
  return {
    google: error.status !== undefined || error.code !== undefined,
    status: error.status ?? '',
    reasons: error.reasons,
    message: excerpt(error.message ?? ''),
    schemaDetail: schemaDetail === undefined ? '' : excerpt(schemaDetail),
  };
}

/**
 * Google's answer in words for a reason: `HTTP 404 NOT_FOUND: Resource not found (…)`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { google: false, status: '', reasons: [], message: '', schemaDetail: '' }); // 'HTTP 503'
 */
export function said(response: VendorResponse, error: GoogleError): string {
  const status = error.status === '' ? '' : ` ${error.status}`;
  return `HTTP ${response.status}${status}${error.message === '' ? '' : `: ${error.message}`}`;
}
