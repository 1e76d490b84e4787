// Drip's answers, as its API reference documents them: Create or update a subscriber 200 with
// `{ "subscribers": [...] }`, Record an event 204, the batch endpoints 201 (the batch is taken
// and processed after the answer: Drip reports no per-record outcome); errors
// `{ "errors": [{ "code", "attribute"?, "message" }] }` — 401 authentication_error, 403
// authorization_error, 404 not_found_error, 422 for a record it refuses (presence_error,
// email_error, time_error …); 429 over the hourly rate limit, from the global limiter as
// `{ "message": "API rate limit exceeded. Please try again in an hour." }` with no Retry-After.
import { excerpt, isWebPage, parseRetryAfter, responseHeader, transientRetry, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { isBatchRequest } from './requests.ts';

/** What to check when Drip refuses the token. */
export const CREDENTIALS = 'check config.api_token (your personal token of Drip\'s User Settings, given without "Basic ")';
/** After a 429 without Retry-After to a single call: Drip counts by the hour, so not before a minute. */
export const SINGLE_RATE_LIMIT_WAIT_MS = 60_000;
/** After a 429 without Retry-After to a batch request: 50 an hour is one every 72 s, so five minutes lets slots free up. */
export const BATCH_RATE_LIMIT_WAIT_MS = 300_000;
/**
 * After Drip's 429 for concurrent requests to one subscriber (an identify and a track of the
 * same person sent at once): not the hourly limit, Drip says to retry "after a short wait".
 */
export const CONCURRENT_SUBSCRIBER_WAIT_MS = 3_000;

/**
 * Whether a 429 is Drip's refusal of concurrent requests for the same subscriber ("Too many
 * concurrent requests for the same subscriber"), which spends none of the hourly budget.
 *
 * @example
 * isConcurrentSubscriberLimit({ status: 429, headers: {}, body: '…', json: { errors: [{ code: 'too_many_requests', message: 'Too many concurrent requests for the same subscriber' }] } }); // true
 */
export function isConcurrentSubscriberLimit(response: VendorResponse): boolean {
  return response.status === 429 && /concurrent requests for the same subscriber/i.test(dripSaid(response));
}

/**
 * What Drip said in an answer: its errors (`message`, with `code` and `attribute`), or the
 * global limiter's `message`, else the body's start, or `(no body)`.
 *
 * @example
 * dripSaid({ status: 422, headers: {}, body: '…', json: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] } });
 * // 'Email is invalid (email_error, email)'
 */
export function dripSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { errors, message } = json as { errors?: unknown; message?: unknown };
    if (Array.isArray(errors)) {
      const said = errors.flatMap((error: unknown) => {
        if (error === null || typeof error !== 'object') return [];
        const { code, attribute, message: words } = error as { code?: unknown; attribute?: unknown; message?: unknown };
        const tags = [code, attribute].filter((tag): tag is string => typeof tag === 'string' && tag !== '');
        const text = typeof words === 'string' && words.trim() !== '' ? words.trim() : tags.shift() ?? '';
        return text === '' ? [] : [tags.length > 0 ? `${text} (${tags.join(', ')})` : text];
      });
      if (said.length > 0) return excerpt(said.join('; '));
    }
    if (typeof message === 'string' && message.trim() !== '') return excerpt(message);
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/** What a request carries, in words. */
function whatOf(request: RequestDescriptor): string {
  const kind = /\/events(\/batches)?$/.test(request.url) ? 'event' : 'subscriber';
  return isBatchRequest(request) ? `batch of ${request.eventIds.length} ${kind}s` : kind;
}

/** Whether a single request names its subscriber by Drip's id (no email). */
function byDripId(request: RequestDescriptor): boolean {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return false;
  const records = Object.values(body)[0];
  const record = Array.isArray(records) ? records[0] : undefined;
  return record !== null && typeof record === 'object' && !Array.isArray(record) && typeof record.id === 'string' && record.email === undefined;
}

/**
 * How long to wait after a 429: Retry-After when Drip gives one (its newer limiters do), else
 * three seconds for Drip's refusal of concurrent requests to one subscriber, else a minute for
 * a single call or five for a batch request (the global limiter says none).
 *
 * @example
 * rateLimitWaitMs({ status: 429, headers: {}, body: '' }, batchRequest, now); // 300000
 */
export function rateLimitWaitMs(response: VendorResponse, request: RequestDescriptor | undefined, now: number): number {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  if (isConcurrentSubscriberLimit(response)) return CONCURRENT_SUBSCRIBER_WAIT_MS;
  return request !== undefined && isBatchRequest(request) ? BATCH_RATE_LIMIT_WAIT_MS : SINGLE_RATE_LIMIT_WAIT_MS;
}

/**
 * Drip's answers to a delivery request:
 * - 2xx: delivered, unless it is a web page (a proxy's or a login page): retried;
 * - 429: retried as Drip's rate limit (the batch endpoint's alone for a batch request), after
 *   Retry-After, else a minute (a single call) or five (a batch request); Drip's 429 for
 *   concurrent requests to one subscriber after three seconds;
 * - 401: dead-lettered saying the token is refused; 403: the token cannot reach the account;
 * - 404: dead-lettered naming config.account_id (or, for a record by Drip's id, that id);
 * - 413, and 422 to a batch request: `split` — the halves are sent again, and once a half is
 *   below BATCH_FROM_RECORDS its records go one a request, so Drip's refusal lands on the
 *   record it is about, not on the records sharing its batch;
 * - 408 and 5xx: retried; any other 4xx (a single record's 422): dead-lettered with Drip's words.
 *
 * @example
 * classifyDrip({ status: 422, headers: {}, body: '…', json: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] } }, subscriberRequest, ctx);
 * // { status: 'dead_letter', reason: 'Drip refused the subscriber (HTTP 422: Email is invalid (email_error, email))' }
 */
export function classifyDrip(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  const what = whatOf(request);
  const said = dripSaid(response);
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Drip's (a proxy or firewall in between?): sent again` };
    return { status: 'delivered' };
  }
  if (status === 429 && isConcurrentSubscriberLimit(response)) {
    // Not the hourly budget: another request for the same person was still being processed, so
    // the integration is not slowed down (`throttled: false`).
    return { status: 'retry', reason: `Drip was still processing another request for this subscriber (HTTP 429: ${said}): sent again after a short wait`, retryAfterMs: rateLimitWaitMs(response, request, ctx.now), throttled: false };
  }
  if (status === 429) {
    const limit = responseHeader(response.headers, 'x-ratelimit-limit');
    const budget = isBatchRequest(request) ? 'batch requests an hour' : 'requests an hour';
    return { status: 'retry', reason: `Drip rate limit reached (HTTP 429: ${said})${limit ? `: ${limit} ${budget}` : ''}`, retryAfterMs: rateLimitWaitMs(response, request, ctx.now), throttled: true };
  }
  if (status === 401) return { status: 'dead_letter', reason: `Drip refused the API token (HTTP 401: ${said}): ${CREDENTIALS}` };
  if (status === 403) return { status: 'dead_letter', reason: `Drip refused the account to this token (HTTP 403: ${said}): check config.account_id (an account your token's user belongs to) and config.api_token` };
  if (status === 404) {
    if (!isBatchRequest(request) && byDripId(request)) return { status: 'dead_letter', reason: `Drip has no subscriber with this id (HTTP 404: ${said}): map the person's email (traits.email) instead, or fix the Drip id at the source` };
    return { status: 'dead_letter', reason: `Drip found no such account (HTTP 404: ${said}): check config.account_id (Settings > General > Account ID)` };
  }
  if (status === 413 || (status === 422 && isBatchRequest(request))) {
    return { status: 'split', reason: `Drip refused the ${what} (HTTP ${status}: ${said}): sent again in halves, one record a request once they are small, to find the record it refuses` };
  }
  const transient = transientRetry(response, 'Drip', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Drip refused the ${what} (HTTP ${status}: ${said})` };
}
