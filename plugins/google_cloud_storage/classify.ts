// Cloud Storage's answers to a simple upload (objects.insert), as its JSON API documents them: 200
// with the object's resource (`kind` storage#object, `name`, `bucket`, `generation`…) once the
// object is written whole; errors as `{ error: { code, message, errors: [{ reason }] } }`. Its
// retry strategy page names the passing failures: 408, 429 and 5xx (and socket timeouts, which
// the core retries) — retried with exponential backoff; an upload without preconditions is
// retried safely here because its name is fixed by its events: a second write replaces the
// first with the same events. 401 makes the core renew the token and send again; a 401 seen here
// came back with a fresh token. Permissions, a missing bucket and other 4xx need a fix on the
// customer's side: dead-lettered, saying which, with Google's message.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type Classification, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { bucketOf, prefixOf, serviceAccountEmail } from './config.ts';
import { said, storageError, type StorageError } from './google-error.ts';
import { objectNameOf } from './upload-request.ts';

/**
 * Cloud Storage's refusals of a replacement, as it words them: "Object '…' is subject to
 * bucket's retention policy or object retention and cannot be deleted or overwritten until …"
 * (reason retentionPolicyNotMet), "Object '…' is under active Temporary hold …" / "… active
 * Event-Based hold …" (reason forbidden). Phrases with spaces only: the names the message
 * quotes (bucket, prefix, messageIds, the service account's email) have none, so a prefix
 * `household/` or a project `billing-prod` cannot read as a hold or a billing problem.
 */
const RETAINED = /\bretention policy\b|\bobject retention\b|\bactive (?:temporary|event-based) hold\b/i;
/** The billing refusal: "The billing account for the owning project is disabled in state absent" (reason accountDisabled). */
const BILLING = /\bbilling account\b|\bbilling (?:is |has been )?(?:disabled|not enabled)\b/i;

/**
 * A 400 about the upload's size (a proxy's or Cloud Storage's words): phrases about size, not any
 * "exceeds" — "The object name exceeds the maximum length" is no reason to write halves, down to
 * one event each (thousands of requests, each refused the same way).
 */
const TOO_LARGE = /\btoo large\b|\bmaximum (?:object |upload |file )?size\b|\bsize exceeds\b/i;

/** Reasons of Cloud Storage's rate limits (its JSON error reasons list them): retried as a rate limit whatever the status. */
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'usageLimits.rateLimitExceeded']);

/** What to do about a 403: billing, requester pays, retention, the overwrite permission, or the role. */
function forbiddenAdvice(error: StorageError, config: Record<string, JsonValue>): string {
  const account = serviceAccountEmail(config) ?? 'the service account of config.service_account_key';
  const bucket = bucketOf(config);
  const where = prefixOf(config) === '' ? `gs://${bucket}` : `gs://${bucket}/${prefixOf(config)}/`;
  if (error.reasons.includes('accountDisabled') || BILLING.test(error.message)) {
    return 'billing is disabled or missing for the bucket\'s project: enable it (Cloud console > Billing)';
  }
  if (error.reasons.includes('userProjectMissing') || /requester pays|user project/i.test(error.message)) {
    return `the bucket ${bucket} has Requester Pays on, which Signal's uploads do not support: turn it off for the bucket, or use another bucket`;
  }
  if (error.reasons.includes('retentionPolicyNotMet') || error.reasons.includes('objectUnderActiveHold') || RETAINED.test(error.message)) {
    return 'an object of this name is under a retention policy or hold and cannot be replaced (a retry of an upload that had succeeded): its events are archived already; check the object, then drop or replay the dead letters';
  }
  if (/storage\.objects\.delete/.test(error.message)) {
    return `${account} may create objects but not replace them (storage.objects.delete), which a retried upload does: grant it the Storage Object User role (roles/storage.objectUser) on the bucket ${bucket} instead of Storage Object Creator; the object of this name exists already (the first try was written)`;
  }
  return `grant ${account} the Storage Object User role (roles/storage.objectUser, or a role with storage.objects.create and storage.objects.delete) on the bucket ${bucket} (objects under ${where}), and check config.bucket`;
}

/**
 * A 2xx: delivered when it is Cloud Storage's object resource for the object sent (its `name`
 * the requested name, its `bucket` the configured one); any other body (a proxy's or captive
 * portal's page, another object) is no upload, so the request is sent again.
 */
function classifyAccepted(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const json = response.json;
  const resource = json !== null && typeof json === 'object' && !Array.isArray(json) ? json as { kind?: unknown; name?: unknown; bucket?: unknown } : undefined;
  const expected = objectNameOf(request);
  const bucket = bucketOf(config);
  // A request that is no upload URL (none of send's) has no name to compare: the resource is enough.
  if (resource && typeof resource.name === 'string' && (expected === undefined || resource.name === expected) && (resource.bucket === undefined || resource.bucket === bucket)) return { status: 'delivered' };
  if (resource && typeof resource.name === 'string') {
    return { status: 'retry', reason: `HTTP ${response.status} naming another object (${excerpt(`gs://${String(resource.bucket ?? '?')}/${resource.name}`)}) than the one uploaded (gs://${bucket}/${expected ?? '?'}): not Cloud Storage's answer to this upload (a proxy?), so written again` };
  }
  const body = excerpt((response.body ?? '').replace(/\s+/g, ' ').trim());
  return { status: 'retry', reason: `HTTP ${response.status} without Cloud Storage's object resource${body ? ` (${body})` : ''}: not its answer to an upload (a proxy?), so the object is written again` };
}

/**
 * Cloud Storage's answer to an upload (see the file's comment):
 * - 2xx with the object's resource naming the object sent: delivered; any other 2xx: retried;
 * - 429 (rateLimitExceeded: the bucket's or an object name's write rate): retried as a rate
 *   limit (no try used up, the integration slowed down), after Retry-After when given;
 * - 408 and 5xx: retried with the core's backoff;
 * - 401 (after the core renewed the token): dead-lettered, the key to check;
 * - 403: dead-lettered naming the role to grant (or billing, Requester Pays, a retention policy,
 *   the overwrite permission);
 * - 404: dead-lettered, the bucket does not exist (config.bucket);
 * - 413, or a 400 saying the object is too large: a request of several events written again in
 *   halves, one event alone dead-lettered;
 * - any other 4xx: dead-lettered with Google's reason and message.
 *
 * @example
 * classifyUpload({ status: 404, headers: {}, body: '…', json: { error: { code: 404, message: 'The specified bucket does not exist.', errors: [{ reason: 'notFound' }] } } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Cloud Storage has no bucket "acme-events" (HTTP 404 notFound: The specified bucket does not exist.): check config.bucket …' }
 */
export function classifyUpload(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): Classification {
  const { status } = response;
  const { config } = ctx;
  if (status >= 200 && status < 300) return classifyAccepted(response, request, config);
  const error = storageError(response);
  const answered = said(response, error);
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  const bucket = bucketOf(config);
  if (status === 429 || error.reasons.some((reason) => RATE_REASONS.has(reason))) {
    return { status: 'retry', reason: `Cloud Storage asks to slow down (${answered}): retrying later at a lower rate`, throttled: true, ...after };
  }
  if (status === 408 || status >= 500) return { status: 'retry', reason: `Cloud Storage failed (${answered})`, ...after };
  if (status === 401) {
    return { status: 'dead_letter', reason: `Cloud Storage refused the access token, also once renewed (${answered}): check that the key in config.service_account_key is current (not deleted or disabled in the Cloud console), and store a new one in a new revision if not; then replay the dead letters` };
  }
  if (status === 403 || error.reasons.includes('userProjectMissing') || /requester pays/i.test(error.message)) return { status: 'dead_letter', reason: `Cloud Storage refused the upload (${answered}): ${forbiddenAdvice(error, config)}; then replay the dead letters` };
  if (status === 404) {
    return { status: 'dead_letter', reason: `Cloud Storage has no bucket "${bucket}" (${answered}): check config.bucket (the name alone, without gs://) and create the bucket; then replay the dead letters` };
  }
  if (status === 413 || error.reasons.includes('uploadTooLarge') || (status === 400 && TOO_LARGE.test(error.message))) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Cloud Storage refused the object's size (${answered}): writing the events in two objects` };
    return { status: 'dead_letter', reason: `Cloud Storage refused this one event's object as too large (${answered})` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') return { ...classified, reason: `Cloud Storage failed (${answered})` };
  if (classified.status === 'delivered') return classified;
  return { status: 'dead_letter', reason: `Cloud Storage refused the upload (${answered}): check config.bucket and config.prefix, then replay the dead letters` };
}
