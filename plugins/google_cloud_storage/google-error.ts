// Cloud Storage's JSON API error answers ("HTTP status and error codes for JSON"): `{ "error": {
// "code": 403, "message": "signal@….iam.gserviceaccount.com does not have storage.objects.create
// access to the Google Cloud Storage object. …", "errors": [ { "domain": "global", "reason":
// "forbidden", "message": "…" } ] } }`. `reason` (forbidden, notFound, rateLimitExceeded,
// required, invalid…) says more than the status; the message names the missing permission.
import { excerpt, readGoogleErrorAnswer, type VendorResponse } from '../../core/sdk/index.ts';

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
  const error = readGoogleErrorAnswer(response.json);
  if (error === undefined) {
    const flat = (response.json as { error?: unknown } | null | undefined)?.error;
    return { google: false, reasons: [], message: excerpt(typeof flat === 'string' ? flat : response.body ?? '') };
  }
  const reasons = [...new Set(error.errors.map((item) => item.reason).filter((reason): reason is string => typeof reason === 'string' && reason !== ''))];
  const first = error.errors.map((item) => item.message).find((m): m is string => typeof m === 'string' && m !== '');
  return {
    google: error.code !== undefined || error.message !== undefined || error.status !== undefined,
    reasons,
    message: excerpt(error.message !== undefined && error.message !== '' ? error.message : first ?? ''),
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
