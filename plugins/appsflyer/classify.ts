// AppsFlyer's answers to POST /inappevent/<app id>, as its S2S events API documents them:
// 200 "ok" (minimal validation: an accepted event may still not be recorded — an iOS app id
// without "id", for one); 400 with a reason in words ("Failed to Authenticate", "appsflyer_id
// is a mandatory field", "Bad request", "Payload is missing or failed to parse", an app_id that
// does not match the key); 401 "Unauthorized" (the key is not this app's S2S key); 403
// "Forbidden" (a "Zero Package" account takes no attribution events); 500 "Internal Server
// Error". Each request carries one event, so a request's outcome is its event's.
import {
  defaultClassify, excerpt, isWebPage, transientRetry, type ClassifyResult, type VendorResponse,
} from '../../core/sdk/index.ts';

/** What AppsFlyer said: its text (a JSON string unquoted), or a JSON error's message, or the start of the body. */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (typeof json === 'string' && json.trim() !== '') return excerpt(json);
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    for (const key of ['message', 'error', 'status']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/**
 * AppsFlyer's answer as the outcome of the request's event:
 *
 * - 2xx "ok" (documented), and any other 2xx but a web page: delivered. AppsFlyer does not
 *   deduplicate S2S events, so sending again an event it did record would count it (and its
 *   revenue) twice; a 2xx web page (a proxy, a captive portal) is not AppsFlyer's: retried;
 * - 429: AppsFlyer's rate limit (60,000 requests a minute), handled as a 429, after Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - a 400 about the app id (not matching the key): dead-lettered, naming config.app_id;
 * - 401, and a 400 "Failed to Authenticate": dead-lettered, naming config.s2s_key and config.key_type;
 * - 403: dead-lettered: the account's package takes no S2S events;
 * - other 4xx: dead-lettered with AppsFlyer's words.
 *
 * @example
 * classifyAppsFlyer({ status: 400, headers: {}, body: 'appsflyer_id is a mandatory field' });
 * // { status: 'dead_letter', reason: 'AppsFlyer refused the event (HTTP 400): appsflyer_id is a mandatory field' }
 */
export function classifyAppsFlyer(response: VendorResponse): ClassifyResult {
  const { status } = response;
  const what = saidBy(response);
  if (status >= 200 && status < 300) {
    // A web page is a proxy's, a captive portal's or a wrong route's answer, not AppsFlyer's.
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page, not AppsFlyer's "ok" (a proxy, or a SIGNAL_VENDOR_REDIRECTS entry pointing elsewhere?): ${excerpt(response.body, 120)}` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'AppsFlyer', what);
  if (transient !== undefined) return transient;
  if (status === 400 && /app_?id/i.test(what) && !/appsflyer_id/i.test(what)) {
    return { status: 'dead_letter', reason: `AppsFlyer refused the app id (HTTP 400, ${what}): config.app_id must be the app's id as the dashboard shows it (id123456789, com.example.myapp), of the account the key belongs to` };
  }
  if (status === 401 || (status === 400 && /failed to authenticat/i.test(what))) {
    return { status: 'dead_letter', reason: `AppsFlyer refused the key (HTTP ${status}, ${what}): config.s2s_key must be the S2S key of this app's account (or, with config.key_type dev_key, the app's dev key), then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `AppsFlyer refused the event (HTTP 403, ${what}): the account's package (AppsFlyer's "Zero Package") takes no S2S attribution events` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `AppsFlyer refused the event (HTTP ${status}): ${what}` };
}
