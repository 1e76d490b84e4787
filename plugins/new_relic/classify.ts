// New Relic's answers to `POST /v1/accounts/{accountId}/events`. The Event API page ("Verify or
// troubleshoot request response") documents a two-step process: the request is acknowledged or
// rejected at once "based on validation of the headers and payload size" — `200
// {"success":true,"uuid":"…"}` — and the events are parsed afterwards: an event New Relic
// cannot take is then dropped and an `NrIntegrationError` event recorded in the account (query
// `SELECT message FROM NrIntegrationError WHERE newRelicFeature = 'Event API'`), after the 200.
// So a 200 means accepted, not stored. Its submission errors: 400 (empty request), 403 (missing
// or invalid key: "You must use a key of the License type"), 408 (timed out), 413 (content too
// large), 415 (invalid content type), 429 (rate limit: 100,000 POSTs a minute an account, reset
// each minute), 503 (retry). Here: 401/403 dead-letter naming the key fields; 400, 404 and 415
// dead-letter; 413 sends a batch again in halves; 408, 429 and 5xx retry.
import { defaultClassify, excerpt, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * New Relic's own words: a JSON answer's `error` or `message`, else the body's text.
 *
 * @example
 * saidBy({ status: 403, headers: {}, body: '{"error":"invalid license key"}', json: { error: 'invalid license key' } }); // 'invalid license key'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of ['error', 'message']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * New Relic's answers, per request. 2xx delivered (New Relic parses the events afterwards and
 * records what it drops as NrIntegrationError). 401/403: the key (config.api_key, key_type,
 * region). 404: the account or data center. 400, 415: dead-lettered with New Relic's words.
 * 413: a request of several is sent again in halves, one event dead-lettered. 408, 429, 5xx:
 * retried, after Retry-After when New Relic gives one.
 *
 * @example
 * classifyNewRelic({ status: 403, headers: {}, body: '' }, request);
 * // { status: 'dead_letter', reason: 'New Relic refused the key (HTTP 403): check config.api_key … ' }
 */
export function classifyNewRelic(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const status = response.status;
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const several = request.eventIds.length > 1;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `New Relic refused the key (${answered}): check config.api_key — a License key of the account config.account_id (not a User or browser key), or with config.key_type insert an Insights insert key — and config.region, the account's data center; replay the dead letters once fixed` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `New Relic has no such Event API at ${request.url} (${answered}): check config.account_id and config.region` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `New Relic: the request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `New Relic refused this event alone as too large (${answered}): the Event API takes at most 1 MB a POST` };
  }
  if (status === 400 || status === 415) return { status: 'dead_letter', reason: `New Relic refused the request (${answered}): resending it cannot help; see the delivery log's request and the plugin README` };
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request (at most 100,000 POSTs a minute an account)' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `New Relic ${what} (${answered})` };
}
