// The Trade Desk's answers to POST /track/realtimeconversion. Its reference (the partner
// portal's DataConversionEventsApi page) is behind a login, and no public integration reads more
// than the status: so the status decides, and the reason quotes what The Trade Desk said — the
// `Message` of its APIs' JSON errors, the `FailedLines` its Data APIs answer item by item, the
// `EventResponses` errors of a refused conversion, or the start of the body. Its answer to an
// accepted conversion, as RudderStack's recorded exchanges show it (rudder-transformer,
// test/integrations/destinations/the_trade_desk/network.ts): 200 `{ Message: null,
// EventResponses: [] }`; a refused one: 400 with `EventResponses: [{ EventIndex, EventErrors:
// [{ Error, ErrorMessage }], Successful: false }]`. Each request carries one event (see index.ts), so a request's outcome is its
// event's.
import { defaultClassify, isJsonObject, transientRetry, type Classification, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of The Trade Desk's body a reason quotes when its answer is not JSON it explains. */
const EXCERPT_CHARS = 300;

/** Non-blank text, trimmed; '' otherwise. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The refusals of a `FailedLines` list (`[{ ErrorCode, Message }]`, the shape of The Trade Desk's
 * Data APIs), as `Message (ErrorCode)` texts; [] when there is none.
 */
export function failedLines(json: unknown): string[] {
  if (!isJsonObject(json) || !Array.isArray(json.FailedLines)) return [];
  return json.FailedLines.filter(isJsonObject).map((line) => {
    const message = textOf(line.Message) || textOf(line.message);
    const code = textOf(line.ErrorCode) || textOf(line.errorCode);
    return message && code ? `${message} (${code})` : message || code || 'refused';
  });
}

/**
 * The refusals of a Real-Time Conversions answer's `EventResponses` (`[{ EventIndex, EventErrors:
 * [{ Error, ErrorMessage }], Successful }]`, as recorded answers show it: empty in a 200, naming
 * the event in a 400), as `ErrorMessage (Error)` texts; [] when there is none.
 */
export function eventErrors(json: unknown): string[] {
  if (!isJsonObject(json) || !Array.isArray(json.EventResponses)) return [];
  return json.EventResponses.filter(isJsonObject).flatMap((event) => (Array.isArray(event.EventErrors) ? event.EventErrors.filter(isJsonObject) : [])).map((error) => {
    const message = textOf(error.ErrorMessage);
    const code = textOf(error.Error);
    return message && code ? `${message} (${code})` : message || code || 'refused';
  });
}

/**
 * What The Trade Desk said: its JSON error's `Message` (or `message`, `error`, `errors`), the
 * failed lines, or the start of the body.
 */
function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const message = textOf(json.Message) || textOf(json.message) || textOf(json.error) || textOf(json.Error);
    const errors = Array.isArray(json.errors) ? json.errors.map((e) => (isJsonObject(e) ? textOf(e.message) || textOf(e.Message) : textOf(e))).filter(Boolean) : [];
    const details = Array.isArray(json.ErrorDetails) ? json.ErrorDetails.filter(isJsonObject).flatMap((d) => (Array.isArray(d.Reasons) ? d.Reasons.map(textOf) : [textOf(d.Property)])).filter(Boolean) : [];
    const clause = [message, ...errors, ...details, ...failedLines(json), ...eventErrors(json)].filter(Boolean).join('; ');
    if (clause) return clause;
  }
  const text = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/**
 * The Trade Desk's answer as the outcome of the request's event:
 *
 * - 2xx: delivered — unless its body lists `FailedLines` (as The Trade Desk's Data APIs answer
 *   refused items in a 200): then dead-lettered with their messages;
 * - 429: its rate limit, handled as a 429 (no try used up, the integration slowed), after
 *   Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - 401, 403: dead-lettered, naming the config's ids (the endpoint takes no credential: a refusal
 *   is about the advertiser, merchant or tag);
 * - 404: dead-lettered: the endpoint was not found (a proxy, or a wrong vendor redirect);
 * - 413: dead-lettered: the event alone is too large (too many items);
 * - other 4xx (400 among them): dead-lettered with what The Trade Desk said.
 *
 * @example
 * classifyTradeDesk({ status: 400, headers: {}, body: '{"Message":"Invalid tracker_id"}', json: { Message: 'Invalid tracker_id' } });
 * // { status: 'dead_letter', reason: 'The Trade Desk refused the event (HTTP 400): Invalid tracker_id' }
 */
export function classifyTradeDesk(response: VendorResponse): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const failed = failedLines(response.json);
    return failed.length === 0 ? { status: 'delivered' } : { status: 'dead_letter', reason: `The Trade Desk refused the event (HTTP ${status}): ${failed.join('; ')}` };
  }
  const what = said(response);
  const transient = transientRetry(response, 'The Trade Desk', what);
  if (transient !== undefined) return transient;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `The Trade Desk refused the conversion for its account or tag (HTTP ${status}, ${what}): check config.advertiser_id (or merchant_id), config.tag_type and config.tag_id — the tag must belong to that advertiser — then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `The Trade Desk's Real-Time Conversions endpoint was not found (HTTP 404, ${what}): a proxy, or a SIGNAL_VENDOR_REDIRECTS entry for https://insight.adsrvr.org pointing elsewhere?` };
  }
  if (status === 413) {
    return { status: 'dead_letter', reason: `The Trade Desk refused the event as too large (HTTP 413, ${what}): map fewer items` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `The Trade Desk refused the event (HTTP ${status}): ${what}` };
}
