// Pinterest's answers to POST /v5/ad_accounts/{ad_account_id}/events, as its API reference
// documents them: 200 with a status per event (`events[]`, in the order sent), 400 when the
// request fails validation, 401 (code 2) for a refused token, 403 (code 29) for a token
// without access to the ad account, 422 when not all events were processed, 429 (code 8) for
// the rate limit, 503 (code 4197) when the endpoint is ramped down.
import { defaultClassify, isJsonObject, parseRetryAfter, responseHeader, trimmedText, type Classification, type EventOutcome, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** Pinterest's error code for "This request exceeded a rate limit". */
const RATE_LIMITED = 8;
/**
 * How long a 429 without Retry-After waits: the endpoint's quota is counted per minute
 * (5,000 calls a minute per ad account), so the next minute is the first that can take it.
 */
const RATE_LIMIT_WAIT_MS = 60_000;
/** How much of Pinterest's body a reason quotes when its answer is not the documented JSON. */
const EXCERPT_CHARS = 300;

interface PinterestEventStatus {
  status?: unknown;
  error_message?: unknown;
  warning_message?: unknown;
}

interface PinterestAnswer {
  code?: unknown;
  message?: unknown;
  details?: unknown;
  events?: unknown;
  num_events_received?: unknown;
  num_events_processed?: unknown;
}

/** `code N: message` from Pinterest's `{ code, message }` error, or the body's start. */
function said(answer: PinterestAnswer, body: string): string {
  const message = typeof answer.message === 'string' ? answer.message.trim() : '';
  const code = typeof answer.code === 'number' ? `code ${answer.code}` : '';
  if (message || code) return [code, message].filter(Boolean).join(': ');
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/**
 * The per-event statuses of an answer, in the order the events were sent: `events[]` at the
 * top (200) or under `details` (422). Undefined when there is no list, or its length does not
 * match the request's (then no event can be told from another).
 */
function statusesOf(answer: PinterestAnswer, count: number): PinterestEventStatus[] | undefined {
  const list = Array.isArray(answer.events) ? answer.events : isJsonObject(answer.details) && Array.isArray(answer.details.events) ? answer.details.events : undefined;
  if (!list || list.length !== count) return undefined;
  return list.map((entry) => (isJsonObject(entry) ? (entry as PinterestEventStatus) : {}));
}

/** Outcomes per event from Pinterest's statuses: `failed` dead-lettered with its `error_message`; the rest delivered. */
function perEventOutcomes(statuses: PinterestEventStatus[], request: RequestDescriptor): Classification {
  if (!statuses.some((s) => s.status === 'failed')) return { status: 'delivered' };
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    const entry = statuses[index]!;
    if (entry.status !== 'failed') return;
    const why = trimmedText(entry.error_message) ?? 'no error_message given';
    perEvent[id] = { status: 'dead_letter', reason: `Pinterest refused the event: ${why}` };
  });
  return { perEvent };
}

/**
 * Pinterest's answer as outcomes for the events of `request`:
 *
 * - 2xx: each event by its `events[]` status (`failed` dead-lettered with Pinterest's
 *   `error_message`, the rest delivered); a 200 whose body is an error (`{ code, message }`
 *   without `events`) is read as that error; a 2xx whose body is text but no JSON object (a
 *   proxy's page) is sent again;
 * - 401 (or code 2 in a 2xx), 403 (or code 29 in a 2xx), 404: dead-lettered saying which
 *   config field to fix;
 * - 429 or code 8 in any status: retried as a rate limit, after Retry-After or a minute;
 * - 422 (not all processed): by its per-event statuses; without them, split until the
 *   refused event is alone;
 * - 400 in Pinterest's `{ code, message }` shape (the request failed validation: one invalid
 *   event fails the whole request), and 413: split until the refused event is alone, which is
 *   dead-lettered with Pinterest's message; one about the ad account dead-letters at once;
 * - 5xx (503 code 4197 included) and 408: retried, honouring Retry-After; other 4xx:
 *   dead-lettered with Pinterest's code and message.
 *
 * @example
 * classifyPinterest({ status: 200, headers: {}, body: '…', json: { num_events_received: 2, num_events_processed: 1,
 *   events: [{ status: 'processed' }, { status: 'failed', error_message: 'event_time is too old' }] } }, request);
 * // { perEvent: { [request.eventIds[1]]: { status: 'dead_letter', reason: 'Pinterest refused the event: event_time is too old' } } }
 */
export function classifyPinterest(response: VendorResponse, request: RequestDescriptor, adAccountId: string): Classification {
  const answer: PinterestAnswer = isJsonObject(response.json) ? (response.json as PinterestAnswer) : {};
  const { status } = response;
  const code = typeof answer.code === 'number' ? answer.code : undefined;
  const statuses = statusesOf(answer, request.eventIds.length);
  const what = said(answer, response.body ?? '');
  const several = request.eventIds.length > 1;

  // An error in a 2xx's body (no events list, a code and a message): read as that error below.
  const errorInBody = status >= 200 && status < 300 && !statuses && code !== undefined && code !== 200 && typeof answer.message === 'string' && answer.events === undefined;
  if (status >= 200 && status < 300) {
    // Pinterest answers every request it reads with its JSON: a body that is text but no JSON
    // object (a proxy's or captive portal's page) recorded nothing. (An empty one is taken.)
    if (!isJsonObject(response.json) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without Pinterest's JSON answer (num_events_received, events): ${what} — not Pinterest's answer (a proxy?), so the events are sent again (each with its event_id)` };
    }
    if (statuses) return perEventOutcomes(statuses, request);
    if (!errorInBody) {
      const received = answer.num_events_received;
      const processed = answer.num_events_processed;
      // Counts saying some were not processed, with no list to tell which.
      if (typeof received === 'number' && typeof processed === 'number' && processed < received) {
        if (several) return { status: 'split', reason: `Pinterest processed ${processed} of ${received} events without saying which failed; sending them in halves to find them` };
        return { status: 'dead_letter', reason: `Pinterest did not process the event and gave no reason (its answer: ${what})` };
      }
      return { status: 'delivered' };
    }
  }

  if (status === 429 || code === RATE_LIMITED) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after')) ?? RATE_LIMIT_WAIT_MS;
    return { status: 'retry', reason: `Pinterest rate limit reached (HTTP ${status}, ${what}): the ad account takes 5,000 requests a minute`, retryAfterMs, throttled: true };
  }
  // Codes 2 and 29 are read alone only in a 2xx's body: elsewhere the status says it.
  if (status === 401 || (errorInBody && code === 2)) {
    return { status: 'dead_letter', reason: `Pinterest refused the conversion access token (HTTP ${status}, ${what}). Generate a new one in Ads Manager (Conversions > Conversions API > Conversion access token) for ad account ${adAccountId}, update config.conversion_token in a new revision, then replay the dead letters` };
  }
  if (status === 403 || (errorInBody && code === 29)) {
    return { status: 'dead_letter', reason: `Pinterest: the conversion access token may not send events to ad account ${adAccountId} (HTTP ${status}, ${what}). Check config.ad_account_id, and that the token was generated by the ad account's Owner or a user with the Admin, Analyst, Audience or Campaign role` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Pinterest does not know ad account ${adAccountId} (HTTP 404, ${what}): check config.ad_account_id (Ads Manager shows it under the account's name)` };
  }
  if (status === 422 && statuses) return perEventOutcomes(statuses, request);
  if (status === 413 || status === 422 || ((status === 400 || errorInBody) && code !== undefined)) {
    if (status !== 413 && /ad[ _]?account/i.test(what)) {
      return { status: 'dead_letter', reason: `Pinterest refused the request for ad account ${adAccountId} (HTTP ${status}, ${what}): check config.ad_account_id` };
    }
    if (several) return { status: 'split', reason: `Pinterest refused the batch (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Pinterest refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Pinterest HTTP ${status}: ${what}` };
}
