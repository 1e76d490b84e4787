// Google's JSON error answer: a refused request answers its HTTP status with `{ "error": {
// "code": 403, "message": "…", "status": "PERMISSION_DENIED", "details": [ { "@type":
// "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", … } ] } }` (AIP-193,
// google.rpc.Status), the older JSON APIs giving `errors: [ { domain, reason, message } ]` too.
// Read defensively (any part may be missing or of another type); what it means is the plugin's.
import { isJsonObject } from './json-object.ts';
import type { JsonObject } from './types.ts';
import { trimmedText } from './config-text.ts';

/** The parts of Google's error answer, each as given and only when of its type. */
export interface GoogleErrorAnswer {
  /** `error.code`: the HTTP status again, when a number. */
  code?: number;
  /** `error.status`: the canonical code's name (`INVALID_ARGUMENT`, `PERMISSION_DENIED`…), trimmed; none when blank. */
  status?: string;
  /** `error.message` as given, when text: fold and cut it (excerpt) to say it. */
  message?: string;
  /** `error.details`: the google.rpc details that are objects (ErrorInfo, BadRequest, RetryInfo…: see googleErrorDetails). */
  details: JsonObject[];
  /** `error.errors`: the older JSON APIs' errors (`{ domain, reason, message }`) that are objects. */
  errors: JsonObject[];
  /** The reasons given, trimmed, without repeats: those of `errors[]` (`userRateLimitExceeded`), then of `details[]` (ErrorInfo's `SERVICE_DISABLED`). */
  reasons: string[];
}

const objectsOf = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isJsonObject) : []);

/**
 * The error of an answer's JSON when it is Google's (`{ error: { … } }`); undefined for
 * anything else (no JSON, a proxy's page, `{ error: 'text' }`), which the plugin says from the
 * body instead.
 *
 * @example
 * readGoogleErrorAnswer({ error: { code: 403, message: 'User Rate Limit Exceeded', status: 'PERMISSION_DENIED', errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }] } });
 * // { code: 403, status: 'PERMISSION_DENIED', message: 'User Rate Limit Exceeded', details: [], errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }], reasons: ['userRateLimitExceeded'] }
 * readGoogleErrorAnswer('<html>…'); // undefined
 */
export function readGoogleErrorAnswer(json: unknown): GoogleErrorAnswer | undefined {
  const error = isJsonObject(json) ? json.error : undefined;
  if (!isJsonObject(error)) return undefined;
  const details = objectsOf(error.details);
  const errors = objectsOf(error.errors);
  const reasons = [...errors, ...details].map((item) => trimmedText(item.reason)).filter((reason): reason is string => reason !== undefined);
  const status = trimmedText(error.status);
  return {
    ...(typeof error.code === 'number' ? { code: error.code } : {}),
    ...(status === undefined ? {} : { status }),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    details,
    errors,
    reasons: [...new Set(reasons)],
  };
}

/**
 * The details of one kind of an error answer, by the end of their `@type`
 * (`type.googleapis.com/google.rpc.BadRequest` for `BadRequest`); none without an answer.
 *
 * @example
 * googleErrorDetails(readGoogleErrorAnswer(json), 'BadRequest'); // [{ '@type': '…google.rpc.BadRequest', fieldViolations: […] }]
 */
export function googleErrorDetails(answer: GoogleErrorAnswer | undefined, kind: string): JsonObject[] {
  return (answer?.details ?? []).filter((detail) => typeof detail['@type'] === 'string' && detail['@type'].endsWith(`google.rpc.${kind}`));
}
