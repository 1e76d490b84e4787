// Adjust's answers to POST https://s2s.adjust.com/event. Adjust documents that a recorded event
// is answered "OK" (`{"status":"OK"}`) and a failed one with an HTTP error status and
// `{"error": "Event request failed (<message>)"}`, with its table of messages (S2S API
// reference). Each request carries one event (see requests.ts), so its answer is its event's.
import {
  defaultClassify, excerpt, isWebPage, transientRetry, type ClassifyResult, type VendorResponse,
} from '../../core/sdk/index.ts';

function record(response: VendorResponse): Record<string, unknown> | undefined {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/**
 * What Adjust said: its JSON's `error` (or `message`, `status`), else the start of the body.
 *
 * @example
 * saidByAdjust({ status: 404, headers: {}, body: '…', json: { error: 'Event request failed (Device not found)' } });
 * // 'Event request failed (Device not found)'
 */
export function saidByAdjust(response: VendorResponse): string {
  const json = record(response);
  for (const key of ['error', 'message', 'status']) {
    const value = json?.[key];
    if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/**
 * Whether a 2xx is Adjust's own acceptance: `{"status":"OK"}` or the text OK (the S2S API
 * reference: "an OK response"), or any other JSON object without an `error` (the tracked answers
 * of Adjust's S2S developer guide, the conversion value answer of iOS 14+ apps).
 *
 * @example
 * isAdjustOk({ status: 200, headers: {}, body: '{"status":"OK"}', json: { status: 'OK' } }); // true
 * isAdjustOk({ status: 200, headers: {}, body: '<html>…' }); // false
 */
export function isAdjustOk(response: VendorResponse): boolean {
  const json = record(response);
  if (json !== undefined) {
    if (json.error !== undefined) return false;
    // Any other JSON object without an error is Adjust's too (its tracked answers, the iOS 14+
    // conversion value answer): retrying it would record the event twice (Adjust does not
    // deduplicate S2S events).
    return true;
  }
  return (response.body ?? '').trim().toUpperCase() === 'OK';
}

/** What a refusal's words say to fix in the config, if they name one of its fields. */
function hint(said: string): string {
  if (/app token/i.test(said)) return ': check config.app_token (AppView > your app: the app token)';
  if (/event token/i.test(said)) return ': check config.event_tokens (each event\'s token in AppView > your app > Events, of this app)';
  if (/authori[sz]/i.test(said)) return ': check config.s2s_token (AppView > your app > Protection > S2S Security: a token with the Events scope)';
  if (/callback param/i.test(said)) return ': the blueprint\'s callback_params';
  if (/revenue/i.test(said)) return ': the blueprint\'s revenue and currency';
  return '';
}

/**
 * Adjust's answer as the outcome of the request's event:
 *
 * - 2xx with an `error`: dead-lettered with it; a 2xx web page retried: not Adjust's answer (a
 *   proxy in the way); any other 2xx delivered (Adjust's OK, its JSON answers, an empty body:
 *   a retry of an event Adjust recorded would count it twice, as it does not deduplicate);
 * - 400 "Ignoring event, earlier unique event tracked": delivered (Adjust already has this
 *   unique event: a repeat is a duplicate it ignores, as its table says);
 * - 404 "Device not found": retried (using up tries): Adjust may not know a device yet, its
 *   SDK's install still on its way; after the last try dead-lettered with Adjust's words;
 * - 429: Adjust's rate limit, handled as a 429 (no try used up), after Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - 401 (token missing or wrong), 403 (app inactive, tracking disabled, event token
 *   blocklisted), other 400 and 404 (invalid or unknown app token, event token, callback
 *   parameters, revenue, bad event state), 413 (over 1 MB), 451 (device opted out) and any
 *   other 4xx: dead-lettered with Adjust's words, naming the config field to fix.
 *
 * @example
 * classifyAdjust({ status: 400, headers: {}, body: '…', json: { error: 'Event request failed (Invalid event token)' } });
 * // { status: 'dead_letter', reason: 'Adjust refused the event (HTTP 400): Event request failed (Invalid event token): check config.event_tokens (…)' }
 */
export function classifyAdjust(response: VendorResponse): ClassifyResult {
  const { status } = response;
  const said = saidByAdjust(response);
  if (status >= 200 && status < 300) {
    if (isAdjustOk(response)) return { status: 'delivered' };
    if (record(response)?.error !== undefined) return { status: 'dead_letter', reason: `Adjust refused the event (HTTP ${status}): ${said}${hint(said)}` };
    // A web page is a proxy's or a wrong route's, not Adjust's: tried again. Any other 2xx (an
    // empty body, other text) is taken as recorded: Adjust does not deduplicate S2S events, so
    // a retry of an event it did record would count it twice.
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page, not Adjust's answer (a proxy or captive portal in the way?)` };
    return { status: 'delivered' };
  }
  if (status === 400 && /earlier unique event/i.test(said)) return { status: 'delivered' };
  const transient = transientRetry(response, 'Adjust', said);
  if (transient !== undefined) return transient;
  if (status === 404 && /device not found/i.test(said)) {
    return { status: 'retry', reason: `Adjust does not know this device (HTTP 404, ${said}): tried again, as its SDK's install may still be on its way; a device Adjust's SDK never recorded stays unknown` };
  }
  if (status === 413) return { status: 'dead_letter', reason: `Adjust refused the event as too large (HTTP 413, ${said}): a request may have 1 MB; map fewer callback or partner parameters` };
  if (status === 451) return { status: 'dead_letter', reason: `Adjust refused the event: the device is opted out (HTTP 451, ${said}); its events are not recorded` };
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx (and retries what it retries).
  if (fallback.status === 'dead_letter') return { status: 'dead_letter', reason: `Adjust refused the event (HTTP ${status}): ${said}${hint(said)}` };
  return fallback;
}
