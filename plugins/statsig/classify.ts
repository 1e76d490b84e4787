// Statsig's answers to `POST /v1/log_event`. Its API reference (docs repo, http-api
// httpopenapi.json) documents `202 {"success": true}` for events "accepted for processing" and
// `503 {"success": false}` for "Service unavailable", nothing else. Its Rust server core reads
// a 2xx whose body says `"success": false` as a failure and sends the batch again (up to 5
// times), and gives up at once on 400, 403, 405, 413, 429 and 501; its Node server SDK retries
// any non-2xx. Here: a 401/403 is a refused key and a 400 a body Statsig cannot take (both
// dead-lettered); a 413 a request too large, sent again in halves; a `"success": false`, 408,
// 429 and 5xx retried (429 too, though the Rust core drops it: Signal would rather wait).
import { defaultClassify, excerpt, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * Statsig's own words: a JSON answer's `message` (or `error`), else the body's text.
 *
 * @example
 * saidBy({ status: 401, headers: {}, body: '{"message":"Invalid key"}', json: { message: 'Invalid key' } }); // 'Invalid key'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of ['message', 'error']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

function saysFailure(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) && (json as Record<string, unknown>).success === false;
}

/**
 * Statsig's answers, per request. 2xx delivered, unless its JSON says `"success": false`
 * (retried, as Statsig's server core does; the retries' limit dead-letters it). 401/403: config.server_secret. 400: dead-lettered with
 * Statsig's words. 413: a request of several is sent again in halves, one event dead-lettered.
 * 404: config.host. 408, 429 and 5xx: retried, after Retry-After when Statsig gives one.
 *
 * @example
 * classifyStatsig({ status: 401, headers: {}, body: 'Unauthorized' }, request);
 * // { status: 'dead_letter', reason: 'Statsig refused the key (HTTP 401: Unauthorized): check config.server_secret, …' }
 */
export function classifyStatsig(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const status = response.status;
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 200 && status < 300) {
    if (saysFailure(response)) return { status: 'retry', reason: `Statsig did not take the events (${answered}, success false): sending them again` };
    return { status: 'delivered' };
  }
  const several = request.eventIds.length > 1;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Statsig refused the key (${answered}): check config.server_secret, the project's Server Secret Key ("secret-…", Settings > Keys & Environments), not revoked; replay the dead letters once fixed` };
  }
  if (status === 400) return { status: 'dead_letter', reason: `Statsig refused the request (${answered}): resending it cannot help; see the delivery log's request and the plugin README's mapping` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Statsig: the request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Statsig refused this event alone as too large (${answered})` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Statsig has no such API at ${request.url} (${answered}): check config.host` };
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `Statsig ${what} (${answered})` };
}
