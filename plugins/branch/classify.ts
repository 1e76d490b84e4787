// Branch's answers to its Events API, as its reference documents them: 200 with a JSON body
// (SKAdNetwork fields — ascending_only, coarse_key, locked, update_conversion_value — or
// {"branch_view_enabled": false}); 400 "Authentication Failed",
// {"error": {"message": "Authentication failed !", "code": 400}} (a Branch Key it does not know;
// other refusals of a request come the same way with their own message); 429 "Rate Limit
// Reached", {"error": {"code": 429, "message": "Rate limit reached."}}, enforced per app, to be
// retried with exponential backoff. One event a request, so a request's outcome is its event's.
import {
  defaultClassify, excerpt, isWebPage, transientRetry, type ClassifyResult, type VendorResponse,
} from '../../core/sdk/index.ts';

/**
 * What Branch said: its `error.message` (or a top-level `message` / `error` text), else the
 * start of the body, else "(no body)".
 *
 * @example
 * branchSaid({ status: 400, headers: {}, body: '…', json: { error: { message: 'Authentication failed !', code: 400 } } }); // 'Authentication failed !'
 */
export function branchSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    const error = record.error;
    if (error !== null && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string') {
      const message = excerpt((error as Record<string, unknown>).message as string);
      if (message !== '') return message;
    }
    for (const key of ['message', 'error']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/** Whether Branch refused the credential: its "Authentication failed" words, or a 401 / 403. */
export function refusedCredential(status: number, said: string): boolean {
  return status === 401 || status === 403 || /authenticat|branch[ _]?key|invalid key|unauthori[sz]ed/i.test(said);
}

/**
 * Branch's answer as the outcome of the request's event:
 *
 * - 2xx with Branch's JSON (or no body): delivered; a 2xx web page is not Branch's (a proxy, a
 *   misdirected SIGNAL_VENDOR_REDIRECTS entry): retried;
 * - 429: Branch's per-app rate limit, handled as one (no try used, the integration slowed),
 *   after Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - a refused Branch Key (400 "Authentication failed !", 401, 403): dead-lettered, naming
 *   config.branch_key;
 * - 404: dead-lettered: not the Events API's URL;
 * - other 4xx: dead-lettered with Branch's message.
 *
 * @example
 * classifyBranch({ status: 400, headers: {}, body: '…', json: { error: { message: 'Authentication failed !', code: 400 } } });
 * // { status: 'dead_letter', reason: 'Branch refused the Branch Key (HTTP 400: Authentication failed !): …' }
 */
export function classifyBranch(response: VendorResponse): ClassifyResult {
  const { status } = response;
  const said = branchSaid(response);
  if (status >= 200 && status < 300) {
    // A web page is a proxy's, a captive portal's or a wrong route's answer, not Branch's JSON.
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page, not Branch's JSON (a proxy, or a SIGNAL_VENDOR_REDIRECTS entry pointing elsewhere?): ${excerpt(response.body, 120)}` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Branch', said);
  if (transient !== undefined) return transient;
  if (refusedCredential(status, said)) {
    return { status: 'dead_letter', reason: `Branch refused the Branch Key (HTTP ${status}: ${said}): config.branch_key must be the app's Branch Key (key_live_… or key_test_…, Account Settings > Profile), then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Branch answered 404 (${said}): not Branch's Events API (/v2/event/standard, /v2/event/custom); check SIGNAL_VENDOR_REDIRECTS for https://api2.branch.io` };
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `Branch refused the event (HTTP ${status}): ${said}` };
}
