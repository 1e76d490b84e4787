// Reddit's answers to POST /api/v3/pixels/{pixel_id}/conversion_events, as its Conversions API
// documents them (the v3 migration guide's error table) and as Reddit has been seen answering:
// 200 `{ data: { message: "Successfully processed N conversion events." } }`; 400 "There were
// N invalid conversion events. None were processed." with `error.fields[]` naming each refused
// event by its place (`$.data.events[3].user.UUID`); 400 "Bad Request" past 1,000 events; 401
// "No bearer token provided" or "UNAUTHORIZED"; 403 "You're not authorized to post conversions
// to Pixel ID …" or "Missing adsconversions scope …"; 429 "Your user agent was automatically
// ratelimited" or "Too many requests/events within timeframe"; 500 "The service is currently
// unavailable. No conversion events were processed."
import { defaultClassify, excerpt, isJsonObject, transientRetry, trimmedText, type Classification, type EventOutcome, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of Reddit's body a reason quotes when its answer is not the documented JSON. */
const EXCERPT_CHARS = 300;
/** An event's place in a field path of Reddit's answer: `$.data.events[3].user.UUID`. */
const EVENT_INDEX = /events\[(\d+)\]/;

interface RedditError {
  code?: unknown;
  message?: unknown;
  fields?: unknown;
  /** Reddit's other error shape (seen on 401s): `{ error: { reason: "UNAUTHORIZED", explanation: "…" } }`. */
  reason?: unknown;
  explanation?: unknown;
}

interface RedditField {
  field?: unknown;
  message?: unknown;
}

interface RedditAnswer {
  error?: unknown;
  message?: unknown;
  /** v2.0's refused events (`[{ event_index, error_message }]`), as RudderStack's Reddit handler reads them. */
  invalid_events?: unknown;
}

/** The `error` object of Reddit's answer, or an empty one. */
function errorOf(answer: RedditAnswer): RedditError {
  return isJsonObject(answer.error) ? (answer.error as RedditError) : {};
}

/** The `fields` entries of Reddit's error, each with a `field` path and a message. */
function fieldsOf(answer: RedditAnswer): Array<{ field: string; message: string }> {
  const fields = errorOf(answer).fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter(isJsonObject).map((entry) => {
    const { field, message } = entry as RedditField;
    return { field: typeof field === 'string' ? field : '', message: typeof message === 'string' ? message.trim() : '' };
  });
}

/** The first of `values` that is non-blank text, trimmed; '' when none is. */
function firstText(...values: unknown[]): string {
  return values.map(trimmedText).find((text) => text !== undefined) ?? '';
}

/** What Reddit said: its error's message (or explanation) and its fields' messages, or the body's start when the answer is not Reddit's JSON. */
function said(answer: RedditAnswer, body: string): string {
  const error = errorOf(answer);
  const message = firstText(error.message, error.explanation, error.reason, answer.message);
  const fields = fieldsOf(answer).map((f) => f.message || f.field).filter(Boolean).join('; ');
  const clause = [message, fields].filter(Boolean).join(': ');
  if (clause) return clause;
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/**
 * Whether the answer is Reddit's, not a proxy's page: an error with a message, fields or an
 * explanation, a message, v2.0's `invalid_events`, or the bare "Bad Request" Reddit answers to
 * too many events.
 */
function isRedditAnswer(answer: RedditAnswer, body: string): boolean {
  const error = errorOf(answer);
  return firstText(error.message, error.explanation, answer.message) !== '' || Array.isArray(error.fields) || Array.isArray(answer.invalid_events) || /^bad request\.?$/i.test(body.trim());
}

/**
 * The refused events by their place in the request, with Reddit's messages for each, when every
 * field of the error names an event of the request; undefined otherwise (no fields, a field about
 * the request itself, a place out of range).
 */
function refusedEvents(answer: RedditAnswer, count: number): Map<number, string[]> | undefined {
  const fields = fieldsOf(answer);
  if (fields.length === 0) return undefined;
  const refused = new Map<number, string[]>();
  for (const { field, message } of fields) {
    const match = EVENT_INDEX.exec(field);
    const index = match ? Number(match[1]) : NaN;
    if (!Number.isInteger(index) || index >= count) return undefined;
    refused.set(index, [...(refused.get(index) ?? []), message || `${field} is invalid`]);
  }
  return refused;
}

/**
 * Outcomes when Reddit named the refused events: those dead-lettered with Reddit's messages; the
 * others sent again at once (`resend`), since Reddit recorded none of the request's events ("None were processed"), so
 * they go again without the refused ones.
 */
function perEventOutcomes(refused: Map<number, string[]>, request: RequestDescriptor, status: number): Classification {
  const perEvent: Record<string, EventOutcome> = {};
  const places = [...refused.keys()].sort((a, b) => a - b).map((i) => i + 1);
  const which = `${places.length === 1 ? 'event' : 'events'} ${places.join(', ')} of ${request.eventIds.length}`;
  request.eventIds.forEach((id, index) => {
    const messages = refused.get(index);
    perEvent[id] = messages === undefined
      ? { status: 'resend', reason: `Reddit refused the request for its ${which} (HTTP ${status}) and recorded none of its events: sent again without ${places.length === 1 ? 'the refused one' : 'the refused ones'}` }
      : { status: 'dead_letter', reason: `Reddit refused the event (HTTP ${status}): ${messages.join('; ')}` };
  });
  return { perEvent };
}

/**
 * Reddit's answer as outcomes for the events of `request`:
 *
 * - 2xx with Reddit's JSON answer (an object: `{ data: { message: "Successfully processed N
 *   conversion events." } }`, which stays in the delivery log), or with no body: delivered; a
 *   2xx whose body is not Reddit's JSON (a web page or other text: a proxy's or a captive
 *   portal's) sent again, quoting it;
 * - 429: the rate limit, handled as a 429 (no try used up, the integration slowed) after
 *   Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - 401: dead-lettered at once, saying how to get a new conversion access token;
 * - 403: dead-lettered at once: the token may not post to the pixel (check `config.pixel_id`,
 *   and that the token is a conversion access token of the business that owns the pixel);
 * - 404: dead-lettered at once: check `config.pixel_id`;
 * - 400 naming the refused events (`error.fields[].field` `$.data.events[i]…`): those
 *   dead-lettered with Reddit's messages, the others sent again (Reddit recorded none of them);
 *   a field about `test_id` dead-letters the request naming `config.test_id`;
 * - 400 (and 422) in Reddit's shape without such names (its JSON error, v2.0's
 *   `invalid_events`, or the bare "Bad Request" it answers to too many events), and 413: the
 *   batch is split until the refused event is alone, which is dead-lettered with Reddit's words;
 * - other 4xx, a proxy's 400 among them: dead-lettered with what was said.
 *
 * @example
 * classifyReddit({ status: 400, headers: {}, body: '…', json: { error: { code: 400, message: 'There were 1 invalid conversion events. None were processed.',
 *   fields: [{ field: '$.data.events[1].user.UUID', message: 'user.UUID: invalid UUID' }] } } }, twoEventRequest, 'a2_abc123');
 * // { perEvent: { [ids[0]]: { status: 'resend', … }, [ids[1]]: { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400): user.UUID: invalid UUID' } } }
 */
export function classifyReddit(response: VendorResponse, request: RequestDescriptor, pixelId: string): Classification {
  const answer: RedditAnswer = isJsonObject(response.json) ? (response.json as RedditAnswer) : {};
  const { status } = response;
  const what = said(answer, response.body ?? '');
  const several = request.eventIds.length > 1;

  if (status >= 200 && status < 300) {
    // A body-less 2xx is taken too (a 204 carries none, and nothing says Reddit never sends one):
    // only a body that is not Reddit's JSON — a page, other text — is surely someone else's.
    if (isJsonObject(response.json) || (response.body ?? '').trim() === '') return { status: 'delivered' };
    const body = excerpt(response.body ?? '');
    return { status: 'retry', reason: `HTTP ${status} with ${body}: not Reddit's answer (its JSON, data.message) — a proxy? — so the events are sent again (Reddit deduplicates on conversion_id)` };
  }
  const transient = transientRetry(response, 'Reddit', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Reddit refused the conversion access token (HTTP 401, ${what}). Generate one in Reddit Ads Manager (Events Manager > Conversions API > Generate Access Token), update config.conversion_token in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Reddit: the access token may not post conversions to pixel ${pixelId} (HTTP 403, ${what}). Check config.pixel_id (Events Manager shows the Pixel ID), and that config.conversion_token is a conversion access token generated in the business that owns the pixel` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Reddit does not know pixel ${pixelId} (HTTP 404, ${what}): check config.pixel_id (Events Manager shows the Pixel ID)` };
  }
  if (status === 400 || status === 422) {
    if (fieldsOf(answer).some(({ field }) => /test_id/i.test(field))) {
      return { status: 'dead_letter', reason: `Reddit refused the test_id (HTTP ${status}, ${what}): copy it again from Events Manager > Event Testing into config.test_id, or remove it for production` };
    }
    const refused = refusedEvents(answer, request.eventIds.length);
    if (refused !== undefined) return perEventOutcomes(refused, request, status);
  }
  // Reddit's answer without the refused events named: halves find them, since Reddit refuses a
  // whole request for one invalid event, and answers a bare "Bad Request" to too many events
  // ("split into multiple calls"). Dead-lettering the batch would lose every valid event with
  // the one. Another 400 (a proxy's page) is dead-lettered: halving it would change nothing.
  if (status === 413 || ((status === 400 || status === 422) && isRedditAnswer(answer, response.body ?? ''))) {
    if (several) return { status: 'split', reason: `Reddit refused the batch (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Reddit refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Reddit HTTP ${status}: ${what}` };
}
