// Spotify's answers to POST /capi-direct/events/. Spotify documents only its success
// (`200 {"message": "SUCCESS"}`), that a 4xx is a payload or token problem to fix rather than
// retry, and that an answer carries a trace id (`sp_trace_id`) to quote to its support. Its
// error bodies are read defensively: Spotify's Ads API error shape (`messages`, a list of
// texts, and `error_codes` — live answers spell it `errorCodes` too — of `{ code, definition }`),
// `message`, `error` (text or `{ message }`), `error_description`, `detail`, an `errors` list,
// else the body's start. Whether Spotify
// refuses one event or its whole request is not documented, so a refused request of several
// events is halved until the refused event is alone: one invalid event never takes the valid
// ones with it.
import { defaultClassify, excerpt, isJsonObject, isWebPage, transientRetry, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** An error entry's words: its text, or its `message` / `field`. */
function entryText(value: unknown): string | undefined {
  if (typeof value === 'string') return trimmedText(value);
  if (!isJsonObject(value)) return undefined;
  const message = trimmedText(value.message) ?? trimmedText(value.description) ?? trimmedText(value.reason) ?? trimmedText(value.definition);
  const field = trimmedText(value.field) ?? trimmedText(value.param) ?? trimmedText(value.code);
  return message === undefined ? field : field !== undefined && !message.includes(field) ? `${message} (${field})` : message;
}

/** The words of a list's entries; none for what is no list. */
function entryTexts(value: unknown): string[] {
  return Array.isArray(value) ? value.map(entryText).filter((text): text is string => text !== undefined) : [];
}

/** Spotify's error codes, under the key its Ads API schema spells (`error_codes`) or the one live answers use (`errorCodes`). */
function errorCodesOf(answer: Record<string, unknown>): unknown {
  return answer.error_codes ?? answer.errorCodes;
}

/**
 * What Spotify said, with its trace id when it gave one: the answer's message, error or errors,
 * else the body's start.
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { message: 'Invalid event_name', sp_trace_id: 'ab12' } });
 * // 'Invalid event_name (trace id ab12)'
 */
export function said(response: VendorResponse): string {
  const answer: Record<string, unknown> = isJsonObject(response.json) ? response.json : {};
  const error = answer.error;
  const errors = entryTexts(answer.errors);
  const messages = entryTexts(answer.messages);
  const codes = entryTexts(errorCodesOf(answer));
  const listed = [...messages, ...codes.filter((code) => !messages.includes(code))];
  const message = trimmedText(answer.message) ?? (listed.length > 0 ? listed.slice(0, 3).join('; ') : undefined)
    ?? (error === undefined ? undefined : entryText(error))
    ?? trimmedText(answer.error_description) ?? trimmedText(answer.detail) ?? (errors.length > 0 ? errors.slice(0, 3).join('; ') : undefined);
  const words = message === undefined ? excerpt(response.body ?? '') || '(no body)' : excerpt(message);
  const trace = trimmedText(answer.sp_trace_id);
  return trace === undefined ? words : `${words} (trace id ${trace})`;
}

/**
 * Whether a refusal is in the shape Spotify answers in — a `message` (as its success is), its
 * trace id, its Ads API's `messages` or error codes, an `errors` list or an `error` object with
 * a message —, not a proxy's page, bare
 * text or another service's `{ "error": "…" }`, which halving could not help.
 */
function isSpotifyAnswer(response: VendorResponse): boolean {
  if (!isJsonObject(response.json)) return false;
  const answer = response.json;
  return trimmedText(answer.message) !== undefined || trimmedText(answer.sp_trace_id) !== undefined || Array.isArray(answer.errors)
    || entryTexts(answer.messages).length > 0 || entryTexts(errorCodesOf(answer)).length > 0
    || (isJsonObject(answer.error) && entryText(answer.error) !== undefined);
}

/**
 * Spotify's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered; a 2xx that is a web page (a proxy's, a captive portal's) sent again;
 * - 429: the rate limit, handled as a 429 (no try used up, the integration slowed) after
 *   Retry-After when given; 5xx and 408 retried, honouring Retry-After;
 * - 401: dead-lettered at once, saying how to get a new token;
 * - 403: dead-lettered at once: the token may not send to the connection;
 * - 404: dead-lettered at once: check config.connection_id;
 * - 400 and 422 in Spotify's shape, and 413, for several events: split in halves to find the refused one;
 *   for one event, dead-lettered with Spotify's words;
 * - other 4xx (a 400 in another shape among them): dead-lettered with what was said.
 *
 * @example
 * classifySpotifyAds({ status: 400, headers: {}, body: '…', json: { message: 'Invalid event_name' } }, twoEventRequest, '2fd920ed-…');
 * // { status: 'split', reason: 'Spotify refused the request (HTTP 400, Invalid event_name); sending it in halves to find the event' }
 */
export function classifySpotifyAds(response: VendorResponse, request: RequestDescriptor, connectionId: string): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with ${excerpt(response.body ?? '')}: a web page, not Spotify's answer — a proxy? — so the events are sent again (with the same event_id)` };
    return { status: 'delivered' };
  }
  const what = said(response);
  const transient = transientRetry(response, 'Spotify', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Spotify refused the Conversions API token (HTTP 401, ${what}). Generate one in Spotify Ads Manager (Events → the Conversions API data source → Generate token), update config.access_token in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Spotify: the token may not send events to connection ${connectionId} (HTTP 403, ${what}). A token sends only for the connections of the business that generated it: check config.connection_id and config.access_token come from the same Conversions API data source` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Spotify does not know connection ${connectionId} (HTTP 404, ${what}): check config.connection_id (Ads Manager, Events → View Conversions API Instructions)` };
  }
  if (status === 413 || ((status === 400 || status === 422) && isSpotifyAnswer(response))) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Spotify refused the request (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Spotify refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `Spotify HTTP ${status}: ${what}` };
}
