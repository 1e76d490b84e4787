// Klaviyo's answers, as its API documents them (Rate limits, status codes, and errors; the
// OpenAPI spec's ClientError and ServerError): 2xx success — 202 for Bulk Create Events
// (validated and queued; processed asynchronously), 201 or 200 for Create or Update Profile —
// and JSON:API errors otherwise, `{"errors": [{id, status, code, title, detail, source:
// {pointer, parameter}}]}`. A 4xx on a bulk job refuses the whole job (no event of it is
// processed); its errors' `source.pointer` name the items that caused it.
import { excerpt, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { endpointOf, revisionOf } from './api.ts';

/** An error's pointer into a bulk job's items: the item's index and the path inside it. */
const ITEM_POINTER = /^\/data\/attributes\/events-bulk-create\/data\/(\d+)(\/.*)?$/;
/** Error codes saying the key itself was refused (Klaviyo's older guides: "A 400 error indicates an invalid or missing API key"). */
const AUTH_CODES: ReadonlySet<string> = new Set(['not_authenticated', 'authentication_failed', 'invalid_api_key']);

/** One JSON:API error object. */
export interface KlaviyoError {
  id?: unknown;
  status?: unknown;
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  source?: { pointer?: unknown; parameter?: unknown } | null;
}

/**
 * The answer's `errors` (JSON:API error objects), when it has any.
 *
 * @example
 * errorsOf({ status: 400, headers: {}, body, json: { errors: [{ code: 'invalid', detail: 'Invalid email' }] } }); // [{ code: 'invalid', detail: 'Invalid email' }]
 * errorsOf({ status: 502, headers: {}, body: '<html>…', json: undefined }); // []
 */
export function errorsOf(response: VendorResponse): KlaviyoError[] {
  const json = response.json;
  const errors = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { errors?: unknown }).errors : undefined;
  return Array.isArray(errors) ? errors.filter((e): e is KlaviyoError => e !== null && typeof e === 'object') : [];
}

/** What one error says: its detail (else title), its code, and where (`at …`) when `where` is given. */
function said(error: KlaviyoError, where?: string): string {
  const text = typeof error.detail === 'string' && error.detail.trim() !== '' ? error.detail : typeof error.title === 'string' ? error.title : JSON.stringify(error);
  const code = typeof error.code === 'string' && error.code !== '' ? ` (${error.code})` : '';
  const at = where !== undefined && where !== '' ? ` at ${where}` : '';
  return `${excerpt(text)}${code}${at}`;
}

/** Klaviyo's own words for a whole answer: its errors, else the body. */
function saidOf(response: VendorResponse): string {
  const errors = errorsOf(response);
  if (errors.length > 0) return errors.map((e) => said(e, typeof e.source?.pointer === 'string' ? e.source.pointer : typeof e.source?.parameter === 'string' ? `parameter ${e.source.parameter}` : undefined)).join('; ');
  return excerpt(response.body ?? '') || '(no body)';
}

/** The scope a request's endpoint needs. */
function scopeOf(request: RequestDescriptor): string {
  return endpointOf(request.url) === 'profileImport' ? 'profiles:write' : 'events:write';
}

/** How long Klaviyo asks to wait (its 429s say so in Retry-After; its other answers carry RateLimit-* headers of the steady window only). */
function retryAfterOf(response: VendorResponse, ctx: PluginContext): number | undefined {
  return parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
}

function retry(reason: string, response: VendorResponse, ctx: PluginContext): EventOutcome {
  const retryAfterMs = retryAfterOf(response, ctx);
  return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
}

/**
 * A refused bulk job whose errors all point into items of the request: those events
 * dead-lettered with Klaviyo's words, the others sent again at once without them (`resend`, no
 * try used) — Klaviyo processed none of the job. Undefined when an error names no item
 * (which event caused it is unknown).
 */
function perItem(errors: KlaviyoError[], request: RequestDescriptor, answered: string): Classification | undefined {
  const named = new Map<string, string[]>();
  for (const error of errors) {
    const match = typeof error.source?.pointer === 'string' ? ITEM_POINTER.exec(error.source.pointer) : null;
    const id = match ? request.eventIds[Number(match[1])] : undefined;
    if (id === undefined || !match) return undefined;
    named.set(id, [...(named.get(id) ?? []), said(error, match[2]?.replace(/^\/attributes/, '') ?? '')]);
  }
  if (named.size === 0) return undefined;
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    const problems = named.get(id);
    perEvent[id] = problems
      ? { status: 'dead_letter', reason: `Klaviyo refused the event (${answered}): ${problems.join('; ')}` }
      : { status: 'resend', reason: `Klaviyo refused the whole bulk job (${answered}) for other events of it, and recorded nothing: sent again without them` };
  }
  return { perEvent };
}

/** The advice for a refused key. */
function keyAdvice(answered: string, response: VendorResponse): string {
  return `Klaviyo refused the API key (${answered}: ${saidOf(response)}): check config.api_key — a private API key (pk_…) of this Klaviyo account (Settings > Account > API keys), not the public key (site ID), not revoked`;
}

/**
 * Klaviyo's answers to Bulk Create Events and Create or Update Profile. 2xx delivered (one whose
 * body is text but no JSON, a proxy's page, sent again). 400
 * (and 409, 422) whose errors all point into items of a bulk job: those events dead-lettered
 * with Klaviyo's detail, the others sent again at once; another 400 dead-letters the request with Klaviyo's
 * errors (a 400 refusing the key: saying to check it). 401 dead-letters saying to check the
 * key; 403 saying which scope the key needs (events:write, profiles:write); 404 and 410 saying
 * to check config.revision (a revision unknown or retired); 409 (a profile import whose
 * identifiers belong to different profiles) dead-letters with Klaviyo's detail; 413 splits (a
 * single event dead-letters); 429 retries after Retry-After; 408 and 5xx retry.
 *
 * @example
 * classifyKlaviyo({ status: 400, headers: {}, body, json: { errors: [{ code: 'invalid', detail: 'Invalid email', source: { pointer: '/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/email' } }] } }, request, ctx);
 * // { perEvent: { e1: { status: 'retry', … }, e2: { status: 'dead_letter', reason: 'Klaviyo refused the event (HTTP 400): Invalid email (invalid) at /profile/data/attributes/email' } } }
 */
export function classifyKlaviyo(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    // Klaviyo answers with nothing (202, a bulk job queued) or its JSON:API document (a profile):
    // a body that is text but no JSON object (a proxy's or captive portal's page) queued nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without Klaviyo's answer (none, or its JSON): ${excerpt(response.body)} — not Klaviyo's answer (a proxy?), so the request is sent again` };
    }
    return { status: 'delivered' };
  }
  const answered = `HTTP ${status}`;
  const errors = errorsOf(response);
  const what = endpointOf(request.url) === 'profileImport' ? 'profile update' : request.eventIds.length > 1 ? 'bulk job' : 'event';
  if (status === 401 || (status === 400 && errors.some((e) => typeof e.code === 'string' && AUTH_CODES.has(e.code)))) {
    return { status: 'dead_letter', reason: keyAdvice(answered, response) };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Klaviyo refused the ${what} (${answered}: ${saidOf(response)}): the private API key lacks the ${scopeOf(request)} scope — edit the key's scopes in Klaviyo (Settings > Account > API keys) or create a key with it, then replay` };
  }
  if (status === 404 || status === 410) {
    return { status: 'dead_letter', reason: `Klaviyo answered ${answered} (${saidOf(response)}): the endpoint is unknown for revision ${revisionOf(ctx.config)}${status === 410 ? ', which Klaviyo has retired' : ''} — set config.revision to a current revision (e.g. 2026-10-15), then replay` };
  }
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Klaviyo: the request is too large (${answered}: ${saidOf(response)}); sending it in halves` };
    return { status: 'dead_letter', reason: `Klaviyo refused this ${what} alone as too large (${answered}: ${saidOf(response)}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 429) return retry(`Klaviyo rate-limited the account (${answered}: ${saidOf(response)})`, response, ctx);
  // A refused job's errors that point into its items name the events to blame, whatever the
  // 4xx (a 409 for one item's conflicting identifiers must not take the job's others with it).
  if ((status === 400 || status === 409 || status === 422) && endpointOf(request.url) === 'eventBulkCreate') {
    const outcomes = perItem(errors, request, answered);
    if (outcomes) return outcomes;
  }
  if (status === 409) {
    return { status: 'dead_letter', reason: `Klaviyo refused the ${what} (${answered}: ${saidOf(response)}): its identifiers (email, phone_number, external_id) belong to different Klaviyo profiles — merge them in Klaviyo or fix the identifiers at the source, then replay` };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    const revision = /revision/i.test(saidOf(response)) ? ` — check config.revision (${revisionOf(ctx.config)})` : '';
    return { status: 'dead_letter', reason: `Klaviyo refused the ${what} (${answered}): ${saidOf(response)}${revision}` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'retry') return retry(`Klaviyo ${answered}: ${saidOf(response)}`, response, ctx);
  return 'reason' in classified ? { ...classified, reason: `Klaviyo ${answered}: ${saidOf(response)}` } : classified;
}
