// AppLovin's answers to POST /v1/event. AppLovin documents 200 ("all events processed
// successfully"), 400 ("there is an error with your request. This batch of events was
// dropped": "any invalid event fails the batch") and 401 ("authentication failed"), and no error
// body. AppLovin's other APIs (Campaign Management, reporting) give the reason in the response
// headers `x-al-error-code` and `x-al-error-message` (unconfirmed for this one): they are read
// first, then a JSON body's `message`, `error` or `errors`, else the body's start. A 400 whose
// words name an event of the request (by its zero-based path, `events[3]`, or its dedupe_id)
// dead-letters that event and sends the others again at once without it; a 400 naming none, of
// several events, is halved until the refused event is alone: one invalid event never takes the
// valid ones with it. Since AppLovin documents no error body, a 400 with no body or bare text
// counts as AppLovin's too; a web page or JSON without AppLovin's headers is about the request
// (a proxy's, another service's) and dead-lettered as it is.
import { defaultClassify, excerpt, isJsonObject, isWebPage, responseHeader, transientRetry, trimmedText, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** An error entry's words: its text, or its `message` / `field`. */
function entryText(value: unknown): string | undefined {
  if (typeof value === 'string') return trimmedText(value);
  if (!isJsonObject(value)) return undefined;
  return trimmedText(value.message) ?? trimmedText(value.error) ?? trimmedText(value.description) ?? trimmedText(value.field);
}

/**
 * What AppLovin said: the `x-al-error-message` header (with `x-al-error-code`), else a JSON
 * body's message, error or errors, else the body's start.
 *
 * @example
 * said({ status: 400, headers: { 'x-al-error-code': '1001', 'x-al-error-message': 'events[1]: invalid currency' }, body: '' });
 * // 'events[1]: invalid currency (code 1001)'
 */
export function said(response: VendorResponse): string {
  const headerMessage = trimmedText(responseHeader(response.headers, 'x-al-error-message'));
  const code = trimmedText(responseHeader(response.headers, 'x-al-error-code'));
  const answer: Record<string, unknown> = isJsonObject(response.json) ? response.json : {};
  const errors = Array.isArray(answer.errors) ? answer.errors.map(entryText).filter((text): text is string => text !== undefined) : [];
  const message = headerMessage ?? trimmedText(answer.message) ?? entryText(answer.error) ?? (errors.length > 0 ? errors.slice(0, 3).join('; ') : undefined);
  const words = message === undefined ? (code === undefined ? excerpt(response.body ?? '') || '(no body)' : '') : excerpt(message);
  if (code === undefined) return words;
  return words === '' ? `error code ${code}` : `${words} (code ${code})`;
}

/**
 * The indexes of the request's events AppLovin's words name: a path into the body, `events[3]`
 * / `events.3` (zero-based, as paths are), or a dedupe_id of the request's events quoted in
 * them. Words such as `event 3` or `index 3` are not read: whether they count from 0 or 1 is
 * unknown (AppLovin documents no error words), and a wrong guess would dead-letter a valid
 * event and send the invalid one again — halving finds it for sure.
 */
function namedIndexes(words: string, request: RequestDescriptor): Set<number> {
  const count = request.eventIds.length;
  const named = new Set<number>();
  for (const match of words.matchAll(/\bevents\s*(?:\[\s*(\d+)\s*\]|\.(\d+)\b)/gi)) {
    const index = Number(match[1] ?? match[2]);
    if (Number.isInteger(index) && index >= 0 && index < count) named.add(index);
  }
  const body = request.body as JsonValue | undefined;
  const events = isJsonObject(body) && Array.isArray(body.events) ? body.events : [];
  events.forEach((event, index) => {
    const id = isJsonObject(event) ? trimmedText(event.dedupe_id) : undefined;
    if (id !== undefined && id.length >= 6 && words.includes(id)) named.add(index);
  });
  return named;
}

/**
 * Whether a refusal is AppLovin's own: it carries the `x-al-error-code` or `x-al-error-message`
 * header, or has no body or a plain-text one. AppLovin documents no error body, so a 400 with
 * bare text ("Invalid event") may be its own, about one event of the batch: dead-lettering the
 * whole batch for it would drop the valid events with the invalid one. A web page (a proxy's)
 * or JSON without AppLovin's headers (another service's) is about the request: halving could
 * not help.
 */
function isAppLovinAnswer(response: VendorResponse): boolean {
  if (responseHeader(response.headers, 'x-al-error-code') !== undefined || responseHeader(response.headers, 'x-al-error-message') !== undefined) return true;
  const body = (response.body ?? '').trim();
  const structured = typeof response.json === 'object' && response.json !== null;
  return body === '' || (!structured && !isWebPage(body));
}

/**
 * AppLovin's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered; a 2xx that is a web page (a proxy's, a captive portal's) sent again;
 * - 429: the rate limit, handled as a 429 (no try used up, the integration slowed) after
 *   Retry-After when given; 5xx and 408 retried, honouring Retry-After;
 * - 401: dead-lettered at once, saying to check the Conversion API key and the Event Key;
 * - 403: dead-lettered at once: the key may not send to the pixel;
 * - 400 from AppLovin (its x-al-error headers, no body or bare text) naming events of the request: those
 *   dead-lettered with AppLovin's words, the others sent again at once without them; naming
 *   none, and 413, of several events: split in halves to find the refused one; of one event:
 *   dead-lettered with AppLovin's words;
 * - other 4xx (a 400 that is a web page, or JSON without AppLovin's headers, among them):
 *   dead-lettered with what was said.
 *
 * @example
 * classifyAppLovin({ status: 400, headers: { 'x-al-error-message': 'invalid event' }, body: '' }, twoEventRequest);
 * // { status: 'split', reason: 'AppLovin refused the batch (HTTP 400, invalid event); sending it in halves to find the event' }
 */
export function classifyAppLovin(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with ${excerpt(response.body ?? '')}: a web page, not AppLovin's answer — a proxy? — so the events are sent again (with the same dedupe_id)` };
    return { status: 'delivered' };
  }
  const what = said(response);
  const transient = transientRetry(response, 'AppLovin', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `AppLovin refused the Conversion API key (HTTP 401, ${what}). Check config.api_key is the Conversion API key (not the Event Key or a Report Key) and config.pixel_id the Axon Event Key it was issued with (Axon dashboard → Keys, or your Axon representative); update them in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `AppLovin: the Conversion API key may not send events to this pixel (HTTP 403, ${what}): check config.api_key and config.pixel_id belong to the same Axon account, then replay the dead letters` };
  }
  const several = request.eventIds.length > 1;
  if ((status === 400 || status === 422) && isAppLovinAnswer(response)) {
    if (several) {
      const named = namedIndexes(what, request);
      if (named.size > 0 && named.size < request.eventIds.length) {
        const perEvent: Record<string, EventOutcome> = {};
        request.eventIds.forEach((id, index) => {
          perEvent[id] = named.has(index)
            ? { status: 'dead_letter', reason: `AppLovin refused the event (HTTP ${status}, ${what})` }
            : { status: 'resend', reason: `AppLovin refused the batch (HTTP ${status}) for another event of it: sent again without it` };
        });
        return { perEvent };
      }
      return { status: 'split', reason: `AppLovin refused the batch (HTTP ${status}, ${what}); sending it in halves to find the event` };
    }
    return { status: 'dead_letter', reason: `AppLovin refused the event (HTTP ${status}, ${what})` };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `AppLovin refused the batch as too large (HTTP 413, ${what}); sending it in halves` };
    return { status: 'dead_letter', reason: `AppLovin refused the event as too large (HTTP 413, ${what})` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `AppLovin HTTP ${status}: ${what}` };
}
