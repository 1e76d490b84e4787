// Cloud Storage's JSON API error answers ("HTTP status and error codes for JSON"): `{ "error": {
// "code": 403, "message": "signal@….iam.gserviceaccount.com does not have storage.objects.create
// access to the Google Cloud Storage object. …", "errors": [ { "domain": "global", "reason":
// "forbidden", "message": "…" } ] } }`. `reason` (forbidden, notFound, rateLimitExceeded,
// required, invalid…) says more than the status; the message names the missing permission.
import { excerpt, type VendorResponse } from '../../core/sdk/index.ts';

/** What Cloud Storage said; `google` false when the body is not its JSON error (a proxy's page). */
export interface StorageError {
  google: boolean;
  /** `errors[].reason`: `forbidden`, `notFound`, `rateLimitExceeded`…, in order, without repeats. */
  reasons: string[];
  message: string;
}

/**
 * The error of an answer: Cloud Storage's JSON error when it is one, else the body's text.
 *
 * @example
 * storageError({ status: 404, headers: {}, body: '…', json: { error: { code: 404, message: 'The specified bucket does not exist.', errors: [{ domain: 'global', reason: 'notFound', message: 'The specified bucket does not exist.' }] } } });
 * // { google: true, reasons: ['notFound'], message: 'The specified bucket does not exist.' }
 */
export function storageError(response: VendorResponse): StorageError {
  const json = response.json;
  const error = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { error?: unknown }).error : undefined;
  if (error === null || typeof error !== 'object' || Array.isArray(error)) {
    return { google: false, reasons: [], message: excerpt(typeof error === 'string' ? error : response.body ?? '') };
  }
  const { message, code, errors, status } = error as { message?: unknown; code?: unknown; errors?: unknown; status?: unknown };
  const items = (Array.isArray(errors) ? errors : []).filter((item: unknown): item is { reason?: unknown; message?: unknown } => item !== null && typeof item === 'object');
  const reasons = [...new Set(items.map((item) => item.reason).filter((reason): reason is string => typeof reason === 'string' && reason !== ''))];
  const first = items.map((item) => item.message).find((m): m is string => typeof m === 'string' && m !== '');
  return {
    google: typeof code === 'number' || typeof message === 'string' || typeof status === 'string',
    reasons,
    message: excerpt(typeof message === 'string' && message !== '' ? message : first ?? ''),
  };
}

/**
 * Cloud Storage's answer in words for a reason: `HTTP 404 notFound: The specified bucket does not exist.`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { google: false, reasons: [], message: '' }); // 'HTTP 503'
 */
export function said(response: VendorResponse, error: StorageError): string {
  const reason = error.reasons.length === 0 ? '' : ` ${error.reasons.join(', ')}`;
  return `HTTP ${response.status}${reason}${error.message === '' ? '' : `: ${error.message}`}`;
}
