// Loops' answers, as its API reference documents them: 200 `{ "success": true }` (Update contact
// adds the contact's `id`); errors `{ "success": false, "message": "…" }`, 400 for a bad request
// ("All other errors will be 400 Bad Request"); 401 `{ "error": "Invalid API key" }` (its SDK's
// type for the answer); 409 from Send event when "the idempotency key has been used in the
// previous 24 hours" — that event reached Loops already; 429 when over "10 requests per second
// per team", with `x-ratelimit-limit` and `x-ratelimit-remaining` (no reset time documented).
// Create contact answers 409 "If a matching contact already exists in your audience": to a
// contact joining mailing lists (sent as a creation, see contact.ts) the update without the
// lists follows as a delivery follow-up. A retry starts again from the creation, which is safe:
// Loops refuses it again for the contact an earlier try created.
import { excerpt, isJsonObject, parseRetryAfter, responseHeader, transientRetry, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { updateOf } from './contact.ts';
import { updateRequest } from './requests.ts';

/** What to check when Loops refuses the key. */
const CREDENTIALS = 'check config.api_key (a key of Settings > API in Loops, not revoked, given without "Bearer ")';
/** Loops' limit is per second: without a wait in the answer, the next second is soon enough. */
export const RATE_LIMIT_WAIT_MS = 1_000;

/**
 * What Loops said in an answer: its `message` (or the `error` of a refused key), else the body's
 * start, or `(no body)`.
 *
 * @example
 * loopsSaid({ status: 400, headers: {}, body: '…', json: { success: false, message: 'eventName is missing' } }); // 'eventName is missing'
 */
export function loopsSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { message, error } = json as { message?: unknown; error?: unknown };
    for (const words of [message, error]) if (typeof words === 'string' && words.trim() !== '') return excerpt(words);
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/** Whether a 2xx is Loops' own JSON answer (a proxy's or a captive portal's page says nothing of the record). */
function isLoopsAnswer(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

/** How long Loops asks to wait after a 429: Retry-After, else x-ratelimit-reset when it sends one (seconds, or a unix time), else a second. */
export function rateLimitWaitMs(response: VendorResponse, now: number): number {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    // Not documented by Loops: read as a unix time in seconds when it is one, else as seconds to wait.
    const ms = reset > 1e9 ? reset * 1000 - now : reset * 1000;
    if (ms > 0) return Math.min(Math.ceil(ms), 60_000);
  }
  return RATE_LIMIT_WAIT_MS;
}

function isEvent(request: RequestDescriptor): boolean {
  return /\/events\/send$/.test(request.url);
}

function isCreation(request: RequestDescriptor): boolean {
  return /\/contacts\/create$/.test(request.url);
}

/** Whether a request names its contact by userId alone (no email). */
function byUserIdAlone(request: RequestDescriptor): boolean {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) && typeof body.userId === 'string' && body.email === undefined;
}

/**
 * What to check for a record Loops refused (400, 404): a record naming its contact by userId
 * alone is refused when Loops has no contact with that userId — it creates contacts from an
 * email (Send event: the userId "must already have been added to your contact in Loops").
 */
function adviceOf(request: RequestDescriptor, status: number): string {
  if ((status === 400 || status === 404) && byUserIdAlone(request)) {
    return ': if Loops has no contact with this userId yet, it needs the person\'s email to create one — send an identify with traits.email first (Signal then remembers it for later events), then replay';
  }
  return '';
}

/**
 * Loops' answers to a delivery request (one record a request):
 * - 2xx with Loops' JSON: delivered, unless it says `success: false` (dead-lettered with its message);
 *   a web page or other text (a proxy's) retried;
 * - 409 to a contact's creation (Loops has the contact): `next`, Update contact with the same
 *   body without `mailingLists`;
 * - 409 to an event: delivered — Loops has the event under its Idempotency-Key already (a retry
 *   after an answer lost on the way, a replay within 24 hours, a messageId the site sent twice);
 * - 429: retried as Loops' rate limit, after Retry-After (or x-ratelimit-reset), else a second;
 * - 401 and 403: dead-lettered saying the API key is refused;
 * - 408 and 5xx: retried; any other 4xx: dead-lettered with Loops' message (and, for a record
 *   naming its contact by userId alone, that Loops needs an email to create the contact).
 *
 * @example
 * classifyLoops({ status: 400, headers: {}, body: '…', json: { success: false, message: 'eventName is missing' } }, eventRequest, ctx);
 * // { status: 'dead_letter', reason: 'Loops refused the event (HTTP 400: eventName is missing)' }
 */
export function classifyLoops(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const what = isEvent(request) ? 'event' : 'contact';
  const said = loopsSaid(response);
  if (status >= 200 && status < 300) {
    if (!isLoopsAnswer(response)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Loops' (a proxy or firewall in between?): sent again` };
    if ((response.json as { success?: unknown }).success === false) return { status: 'dead_letter', reason: `Loops refused the ${what} (HTTP ${status}: ${said})` };
    return { status: 'delivered' };
  }
  if (status === 409 && isEvent(request)) return { status: 'delivered' };
  // A string or bytes body is none of this plugin's contacts (it sends JSON objects).
  const body = request.body;
  if (status === 409 && isCreation(request) && typeof body !== 'string' && !(body instanceof Uint8Array) && isJsonObject(body)) {
    // Loops has the contact: its properties are updated, its lists left as they are.
    return { next: [updateRequest(updateOf(body), request.eventIds, ctx)] };
  }
  if (status === 429) {
    const limit = responseHeader(response.headers, 'x-ratelimit-limit');
    return { status: 'retry', reason: `Loops rate limit reached (HTTP 429: ${said})${limit ? `: ${limit} requests a second for the team` : ''}`, retryAfterMs: rateLimitWaitMs(response, ctx.now), throttled: true };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Loops refused the API key (HTTP ${status}: ${said}): ${CREDENTIALS}` };
  const transient = transientRetry(response, 'Loops', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Loops refused the ${what} (HTTP ${status}: ${said})${adviceOf(request, status)}` };
}
