// Yahoo's answers to POST /v1/events/<pixelId>. An accepted request is answered 2xx with
// `{ success, message }`: `COMPLETE` when every event was taken, `PARTIAL` when some were not
// (the answer does not say which). Error bodies are read defensively — `message`, `error`
// (text or `{ message }`), `error_description`, `errors`, else the body's start — since Yahoo
// documents their shape only loosely. Whether a refusal is for one event or the whole request
// is not said, so a refused request of several events is halved until the refused event is
// alone: one invalid event never takes the valid ones with it (Yahoo deduplicates by eventId,
// so an event sent again is not counted twice).
import { defaultClassify, excerpt, isJsonObject, isWebPage, transientRetry, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** An error entry's words: its text, or its `message` / `field`. */
function entryText(value: unknown): string | undefined {
  if (typeof value === 'string') return trimmedText(value);
  if (!isJsonObject(value)) return undefined;
  const message = trimmedText(value.message) ?? trimmedText(value.description) ?? trimmedText(value.reason);
  const field = trimmedText(value.field) ?? trimmedText(value.code);
  return message === undefined ? field : field !== undefined && !message.includes(field) ? `${message} (${field})` : message;
}

/**
 * What Yahoo said: the answer's message, error or errors, else the body's start, or "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { message: 'eventTs is required' } }); // 'eventTs is required'
 */
export function said(response: VendorResponse): string {
  const answer: Record<string, unknown> = isJsonObject(response.json) ? response.json : {};
  const errors = Array.isArray(answer.errors) ? answer.errors.map(entryText).filter((text): text is string => text !== undefined) : [];
  const message = trimmedText(answer.message) ?? entryText(answer.error) ?? trimmedText(answer.error_description) ?? trimmedText(answer.detail)
    ?? (errors.length > 0 ? errors.slice(0, 3).join('; ') : undefined);
  return message === undefined ? excerpt(response.body ?? '') || '(no body)' : excerpt(message);
}

/**
 * Whether a refusal is in the shape Yahoo's CAPI answers in — a `message` or `success` (as its
 * accepted answers have), an `errors` list, an `error` object with a message —, not a proxy's
 * page, bare text or another service's `{ "error": "…" }`, which halving could not help.
 */
function isYahooAnswer(response: VendorResponse): boolean {
  if (!isJsonObject(response.json)) return false;
  const answer = response.json;
  return trimmedText(answer.message) !== undefined || trimmedText(answer.success) !== undefined || Array.isArray(answer.errors)
    || (isJsonObject(answer.error) && entryText(answer.error) !== undefined);
}

/**
 * Yahoo's answer as outcomes for the events of `request`:
 *
 * - 2xx `success: COMPLETE` (or no `success`): delivered; `PARTIAL`, or a `success` saying
 *   nothing was taken (false, FAILED, ERROR, REJECTED): for several events, sent again in
 *   halves to find the refused ones, for one, dead-lettered with Yahoo's message; a web page (a
 *   proxy's, a captive portal's) sent again;
 * - 429 (the rate limit: no try used up, the integration slowed), 5xx and 408: retried after
 *   Retry-After when given;
 * - 401 (after the core renewed the token once): dead-lettered, naming the credentials;
 * - 403: dead-lettered: the pixel is not allow-listed for the credentials;
 * - 404: dead-lettered: check config.pixel_id;
 * - 400 and 422 in Yahoo's shape, and 413, of several events: halved to find the refused one;
 *   of one, dead-lettered with Yahoo's words;
 * - other 4xx (a 400 in another shape among them): dead-lettered with what was said.
 *
 * @example
 * classifyYahooCapi({ status: 200, headers: {}, body: '…', json: { success: 'PARTIAL', message: '1 of 2 events rejected' } }, twoEventRequest, '10012345');
 * // { status: 'split', reason: 'Yahoo took the request only in part (1 of 2 events rejected): sending it in halves to find the refused event' }
 */
export function classifyYahooCapi(response: VendorResponse, request: RequestDescriptor, pixelId: string): Classification {
  const { status } = response;
  const what = said(response);
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with ${excerpt(response.body ?? '')}: a web page, not Yahoo's answer — a proxy? — so the events are sent again (with the same eventId)` };
    const flag = isJsonObject(response.json) ? response.json.success : undefined;
    const success = trimmedText(flag)?.toUpperCase();
    if (success === 'PARTIAL') {
      return several
        ? { status: 'split', reason: `Yahoo took the request only in part (${what}): sending it in halves to find the refused event` }
        : { status: 'dead_letter', reason: `Yahoo refused the event (HTTP ${status}, PARTIAL: ${what})` };
    }
    // A 2xx that says nothing was taken (success false, FAILED, ERROR, REJECTED) is no delivery:
    // counted delivered, its events would be lost without a trace. Halved like a refusal.
    if (flag === false || (success !== undefined && /^(FAIL|ERROR|REJECT|NONE)/.test(success))) {
      const label = success ?? 'success false';
      return several
        ? { status: 'split', reason: `Yahoo took none of the request (HTTP ${status}, ${label}: ${what}): sending it in halves to find the refused events` }
        : { status: 'dead_letter', reason: `Yahoo refused the event (HTTP ${status}, ${label}: ${what})` };
    }
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Yahoo', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Yahoo refused the access token (HTTP 401, ${what}), a new one too: check that config.client_id and config.client_secret are the DSP API credentials Yahoo issued for CAPI and that DSP API access is enabled for them, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Yahoo: these credentials may not send events to pixel ${pixelId} (HTTP 403, ${what}). Yahoo allow-lists each CAPI pixel for the credentials it issued: ask your Yahoo account team to allow-list config.pixel_id for config.client_id, then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Yahoo does not know pixel ${pixelId} (HTTP 404, ${what}): check config.pixel_id (Advertiser → Tracking → your CAPI pixel)` };
  }
  if (status === 413 || ((status === 400 || status === 422) && isYahooAnswer(response))) {
    if (several) return { status: 'split', reason: `Yahoo refused the request (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Yahoo refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `Yahoo HTTP ${status}: ${what}` };
}
