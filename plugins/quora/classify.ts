// Quora's answers to POST /ads/v0/conversion. Quora answers an accepted event 200 with a short
// text/plain body (JSON `{"status":"OK"}` in debug mode), and 429 past its limit of 1,000 events a
// minute an account; it publishes no error body schema. So the status decides, and the body's
// start (or a JSON message) is quoted: one conversion a request, so a refusal is that one's.
import { defaultClassify, excerpt, isJsonObject, isWebPage, transientRetry, trimmedText, type Classification, type VendorResponse } from '../../core/sdk/index.ts';

/** What Quora said: a JSON answer's message, error or error_message (with its code), else the body's start, or "(no body)". */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const code = trimmedText(json.error_code) ?? trimmedText(json.code);
    for (const key of ['error_message', 'message', 'error', 'errors', 'detail']) {
      const value = json[key];
      const text = typeof value === 'string' ? trimmedText(value) : value !== undefined && value !== null && typeof value === 'object' ? JSON.stringify(value) : undefined;
      if (text !== undefined) return excerpt(code === undefined ? text : `${text} (${code})`, 300);
    }
    if (code !== undefined) return `error code ${code}`;
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/**
 * Quora's words for a refused event in a 200 `{events_received, events_errored, events: [{status,
 * index, error_code, error_message}]}`, or undefined when no event is refused.
 *
 * @example
 * refusedInResults({ events_errored: 1, events: [{ status: 'ERROR', index: 0, error_message: 'event_name is invalid' }] }); // 'event_name is invalid'
 */
function refusedInResults(json: VendorResponse['json']): string | undefined {
  if (!isJsonObject(json)) return undefined;
  const events = Array.isArray(json.events) ? json.events : [];
  const failed = events.find((item) => isJsonObject(item) && trimmedText(item.status)?.toUpperCase() === 'ERROR');
  if (failed === undefined && !(typeof json.events_errored === 'number' && json.events_errored > 0)) return undefined;
  if (!isJsonObject(failed)) return `${String(json.events_errored)} event(s) errored, no reason given`;
  const text = trimmedText(failed.error_message);
  const code = trimmedText(failed.error_code);
  return excerpt(text === undefined ? (code === undefined ? 'no reason given' : `error code ${code}`) : code === undefined ? text : `${text} (${code})`, 300);
}

/**
 * Quora's answer as the outcome of the conversion:
 *
 * - 2xx: delivered; but a 2xx that is a web page (a proxy's) is sent again, and a JSON
 *   `{"status":"ERROR"}` (Quora's per-event refusal), or an `events_errored` answer naming the
 *   event ERROR, is dead-lettered with Quora's words;
 * - 429: the rate limit (no try used up, the integration slowed), after Retry-After;
 * - 5xx and 408: retried, honouring Retry-After (Quora deduplicates on event_id);
 * - 401: dead-lettered, saying how to get a new access token;
 * - 403 and 404: dead-lettered: the token does not belong to config.account_id;
 * - 400 and 422: dead-lettered with Quora's words (resending the same conversion cannot help);
 * - other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyQuora({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' });  // { status: 'delivered' }
 * classifyQuora({ status: 400, headers: {}, body: '{"message":"invalid event_name"}', json: { message: 'invalid event_name' } });
 * // { status: 'dead_letter', reason: 'Quora refused the conversion (HTTP 400: invalid event_name)' }
 */
export function classifyQuora(response: VendorResponse): Classification {
  const { status } = response;
  const what = said(response);
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page (${what}): not Quora's answer — a proxy? — so the conversion is sent again (Quora deduplicates on event_id)` };
    if (isJsonObject(response.json) && trimmedText(response.json.status)?.toUpperCase() === 'ERROR') {
      return { status: 'dead_letter', reason: `Quora refused the conversion (HTTP ${status}, status ERROR: ${what})` };
    }
    // The batch endpoint's answer shape, which one summary of Quora's schema gives the
    // single-event endpoint too: events_errored and a status per event.
    const refused = refusedInResults(response.json);
    if (refused !== undefined) return { status: 'dead_letter', reason: `Quora refused the conversion (HTTP ${status}, status ERROR: ${refused})` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Quora', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Quora refused the access token (HTTP 401: ${what}): generate a new one in Quora Ads Manager (Conversion API > Generate Token), update config.access_token in a new revision, then replay the dead letters` };
  }
  if (status === 403 || status === 404) {
    return { status: 'dead_letter', reason: `Quora: the access token may not send conversions for this account (HTTP ${status}: ${what}). Check config.account_id and that config.access_token was generated in that account's Conversion API tab` };
  }
  if (status === 400 || status === 422) {
    return { status: 'dead_letter', reason: `Quora refused the conversion (HTTP ${status}: ${what})` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Quora HTTP ${status}: ${what}` };
}
