// Amazon's answers to POST /adsApi/v1/create/events. A request Amazon takes is answered 207
// Multi-Status with `success: [{ index }]` and `error: [{ index, errors: [{ code, message,
// fieldLocation }] }]`, the index (from 0) of each event in the request's `events`: a refused
// event (an invalid timestamp, an unknown currency) is dead-lettered with Amazon's words, the
// others delivered. A refusal of the whole request quotes Amazon's `code` and `message`; one
// that names events of it (`events[3].countryCode`) refuses only those, the others sent again.
import { defaultClassify, excerpt, isJsonObject, isWebPage, readText, transientRetry, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** Error codes of an event that a later try may fix (Amazon names none; these are the API family's transient codes). */
const TRANSIENT_CODE = /THROTTL|TOO_MANY|INTERNAL|UNAVAILABLE|TIMEOUT/i;

/** What Amazon said of a whole request: its `code: message`, else the body's start, or "(no body)". */
function said(response: VendorResponse): string {
  const json = response.json as JsonValue | undefined;
  if (isJsonObject(json)) {
    const code = readText(json.code);
    const message = readText(json.message) ?? readText(json.details) ?? readText(json.error_description);
    if (code !== undefined || message !== undefined) return excerpt([code, message].filter(Boolean).join(': '), 300);
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** An event's errors in words: `CODE: message (at field)`, joined. */
function errorsText(errors: JsonValue | undefined): { text: string; codes: string[] } {
  const list = Array.isArray(errors) ? errors.filter(isJsonObject) : [];
  const codes = list.map((error) => readText(error.code) ?? '').filter(Boolean);
  const parts = list.map((error) => {
    const code = readText(error.code);
    const message = readText(error.message);
    const field = readText(error.fieldLocation);
    return `${[code, message].filter(Boolean).join(': ') || 'refused'}${field === undefined ? '' : ` (at ${field})`}`;
  });
  return { text: parts.length === 0 ? 'no reason given' : excerpt(parts.join('; '), 400), codes };
}

/** The per-event outcomes of a multi-status answer, by the request's event ids in order. */
function perEventOutcomes(json: Record<string, JsonValue>, eventIds: string[]): Record<string, EventOutcome> {
  const outcomes: Record<string, EventOutcome> = {};
  const at = (index: JsonValue | undefined) => (typeof index === 'number' && Number.isInteger(index) ? eventIds[index] : undefined);
  for (const item of Array.isArray(json.success) ? json.success.filter(isJsonObject) : []) {
    const id = at(item.index);
    if (id !== undefined) outcomes[id] = { status: 'delivered' };
  }
  for (const item of Array.isArray(json.error) ? json.error.filter(isJsonObject) : []) {
    const id = at(item.index);
    if (id === undefined) continue;
    const { text, codes } = errorsText(item.errors);
    outcomes[id] = codes.length > 0 && codes.every((code) => TRANSIENT_CODE.test(code))
      ? { status: 'retry', reason: `Amazon could not take the event now (${text})` }
      : { status: 'dead_letter', reason: `Amazon refused the event (${text})` };
  }
  // An event the answer does not name was not confirmed: sent again (Amazon keeps one event of an eventId).
  for (const id of eventIds) {
    if (outcomes[id] === undefined) outcomes[id] = { status: 'retry', reason: 'Amazon\'s answer named neither a success nor an error for the event: sent again (Amazon keeps one event of an eventId)' };
  }
  return outcomes;
}

/**
 * The request's events a whole-request refusal names by their place (`events[3].countryCode`,
 * from 0 as in the request), as event ids.
 *
 * @example
 * namedEvents({ status: 400, headers: {}, body: '{"code":"BAD_REQUEST","message":"Invalid value at events[1].countryCode"}' }, ['a', 'b', 'c']); // Set { 'b' }
 */
export function namedEvents(response: VendorResponse, eventIds: string[]): Set<string> {
  const named = new Set<string>();
  for (const match of (response.body ?? '').matchAll(/events\s*\[\s*(\d+)\s*\]/g)) {
    const id = eventIds[Number(match[1])];
    if (id !== undefined) named.add(id);
  }
  return named;
}

/**
 * Amazon's answer as the outcome of each event of the request:
 *
 * - 207 (or another 2xx with `success`/`error`): per event, as the answer's indexes say;
 * - another 2xx: delivered; but a web page (a proxy's, a captive portal's) sent again;
 * - 429 (the rate limit, no try used up), 5xx and 408: retried, after Retry-After;
 * - 401 (after the core renewed the token once): dead-lettered, naming the credentials;
 * - 403: dead-lettered: the user who authorised Signal may not send events for the account;
 * - 400 and 422 naming events of several (`events[1]…`): those dead-lettered, the others sent
 *   again without them; naming none: every event dead-lettered with Amazon's words (about the
 *   request itself); 413 sent again in halves;
 * - 404 and other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyAmazonAds({ status: 207, headers: {}, body: '…', json: { success: [{ index: 0 }], error: [{ index: 1, errors: [{ code: 'BAD_REQUEST', message: 'Invalid eventTime', fieldLocation: 'eventTime' }] }] } }, request);
 * // { perEvent: { 'm-1': { status: 'delivered' }, 'm-2': { status: 'dead_letter', reason: 'Amazon refused the event (BAD_REQUEST: Invalid eventTime (at eventTime))' } } }
 */
export function classifyAmazonAds(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const what = said(response);
  if (status >= 200 && status < 300) {
    const json = response.json as JsonValue | undefined;
    if (isJsonObject(json) && (Array.isArray(json.success) || Array.isArray(json.error))) return { perEvent: perEventOutcomes(json, request.eventIds) };
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page (${what}): not Amazon's answer — a proxy? — so the events are sent again (Amazon keeps one event of an eventId)` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Amazon Ads', what);
  if (transient !== undefined) return transient;
  const several = request.eventIds.length > 1;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Amazon refused the access token (HTTP 401: ${what}), a new one too: check that config.client_id is the security profile the refresh token was issued to and that the app has Amazon Ads API access; authorise Signal again if need be (config.refresh_token in a new revision), then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Amazon: the authorised user may not send events for this account (HTTP 403: ${what}). Check config.account_id and config.region, that the user who authorised Signal has Events Manager edit access to the advertiser, and that the advertiser accepted the Conversion Tracking terms in Amazon Ads; then replay the dead letters` };
  }
  if (status === 413 && several) return { status: 'split', reason: `Amazon refused the request as too large (HTTP 413: ${what}): sent again in halves` };
  if (status === 400 || status === 422) {
    if (several) {
      // The API checks the body against its schema before it answers per event: one event's
      // field outside Amazon's enums (a country, a currency) refuses the whole request. Not the
      // other events' fault, so they are not dead-lettered with it.
      const named = namedEvents(response, request.eventIds);
      if (named.size > 0) {
        const perEvent: Record<string, EventOutcome> = {};
        for (const id of request.eventIds) {
          perEvent[id] = named.has(id)
            ? { status: 'dead_letter', reason: `Amazon refused the event (HTTP ${status}: ${what})` }
            : { status: 'resend', reason: `Amazon refused the request (HTTP ${status}) for another event of it: sent again without it` };
        }
        return { perEvent };
      }
    }
    // Naming no event: about the request itself (its headers, its envelope), the same for every
    // event in it — halving it would only multiply the refusals.
    return { status: 'dead_letter', reason: `Amazon refused the request (HTTP ${status}: ${what})` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Amazon HTTP 404 (${what}): check config.region (the account's Amazon Ads API region) and config.account_id` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Amazon Ads HTTP ${status}: ${what}` };
}
