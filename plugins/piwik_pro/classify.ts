// Piwik PRO's answers to a bulk tracking request, as the Tracking HTTP API reference gives them:
// 202 "Request accepted and waiting for processing", or 400 "Bad Request". The answer is one for
// the whole bulk: Piwik PRO names no request of it (no per-request outcome, unlike Matomo's
// `invalid_indices`), and documents no body for its 400 saying what it refused: a refused bulk is
// dead-lettered whole, with Piwik PRO's words. The mapping keeps out what the reference's limits
// refuse (an app ID that is no UUID, a custom event value out of range, more than 100 products).
import { excerpt, isWebPage, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What Piwik PRO said: its message or error when its body is JSON with one, else the body's start. */
function saidBy(response: VendorResponse): string {
  const json = response.json as { message?: unknown; error?: unknown; errors?: unknown } | undefined;
  if (json && typeof json === 'object') {
    for (const key of ['message', 'error'] as const) {
      const value = json[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
    if (json.errors !== undefined) return excerpt(JSON.stringify(json.errors));
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/**
 * Piwik PRO's answers, per bulk. 2xx (202 accepted; 200 and 204 too): delivered, save a web page
 * (a login or proxy page, no tracker: dead-lettered naming config.url). 400: the bulk refused,
 * dead-lettered with Piwik PRO's words (config.app_id and the events' values are what a request
 * can get wrong). 401/403:
 * the address refuses Signal (the Tracking API takes no authentication: a proxy's or firewall's
 * refusal). 404: no ppms.php at config.url. 413: halves. 408, 429 and 5xx: retried, after
 * Retry-After when given.
 *
 * @example
 * classifyPiwikPro({ status: 202, headers: {}, body: '' }, request); // { status: 'delivered' }
 * classifyPiwikPro({ status: 400, headers: {}, body: 'invalid idsite' }, request);
 * // { status: 'dead_letter', reason: 'Piwik PRO refused the bulk (HTTP 400 Bad Request: invalid idsite): check config.app_id (…) and the events\' values' }
 */
export function classifyPiwikPro(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (!isWebPage(response.body)) return { status: 'delivered' };
    return {
      status: 'dead_letter',
      reason: `Piwik PRO's tracker did not answer the bulk (HTTP ${status} with a web page, not the Tracking API's answer): check config.url (your account's address, https://<account>.piwik.pro, which serves /ppms.php); replay the dead letters once fixed`,
    };
  }
  const transient = transientRetry(response, 'Piwik PRO', saidBy(response));
  if (transient !== undefined) return transient;
  if (status === 400) {
    return { status: 'dead_letter', reason: `Piwik PRO refused the bulk (HTTP 400 Bad Request: ${saidBy(response)}): check config.app_id (a site or app ID of this account, a UUID) and the events' values; replay the dead letters once fixed` };
  }
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: 'Piwik PRO refused the bulk as too large (HTTP 413): sending it in halves' };
    return { status: 'dead_letter', reason: `Piwik PRO refused this event alone as too large (HTTP 413: ${saidBy(response)})` };
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Piwik PRO's address refused the request (HTTP ${status}: ${saidBy(response)}): the Tracking API takes no authentication, so a proxy, firewall or login in front of ppms.php refuses Signal; check config.url` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `no Piwik PRO tracker at ${request.url} (HTTP 404: ${saidBy(response)}): check config.url, your account's address such as https://acme.piwik.pro` };
  return { status: 'dead_letter', reason: `Piwik PRO refused the bulk (HTTP ${status}: ${saidBy(response)}): check config.url and config.app_id` };
}
