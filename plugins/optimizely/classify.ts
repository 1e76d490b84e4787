// Optimizely's answers to POST /v1/events. Its docs name three: 204, "the Optimizely logging
// service has received and persisted the payload" — not a sign the payload was valid (a wrong
// entity id is accepted and never counted); 400, "malformed or otherwise failed validation";
// 500, which "the client should attempt to resend … at a later time". Its other answers are
// not documented (see README, Unconfirmed); its SDKs treat any status of 400 and above as a
// failure (the JavaScript SDK's dispatcher retries 5xx and gives up on 4xx). Here: a 400 dead-letters the request's events
// with Optimizely's words (the API validates the payload's shape, which the plugin builds alike
// for every event, so a 400 says the request is wrong, not one event); a 413 of several visitors
// is sent again in halves; 404 names config.region; 408, 429 and 5xx are retried.
import { defaultClassify, excerpt, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * Optimizely's own words: a JSON answer's `message` (or `error`, `detail`), else the body's text.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body: '{"message":"Invalid payload"}', json: { message: 'Invalid payload' } }); // 'Invalid payload'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of ['message', 'error', 'detail']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * Optimizely's answers, per request. 2xx (documented: 204) delivered. 400: dead-lettered with
 * Optimizely's words. 413: a request of several visitors sent again in halves, one alone
 * dead-lettered. 404: config.region. 408, 429 and 5xx retried (after Retry-After when given);
 * other 4xx dead-lettered.
 *
 * @example
 * classifyOptimizely({ status: 400, headers: {}, body: 'Bad Request' }, requestOfOne);
 * // { status: 'dead_letter', reason: 'Optimizely refused the request (HTTP 400: Bad Request): resending it cannot help; …' }
 */
export function classifyOptimizely(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const status = response.status;
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const several = request.eventIds.length > 1;
  if (status === 400) {
    return { status: 'dead_letter', reason: `Optimizely refused the request (${answered}): resending it cannot help; check account_id, project_id, the entity ids and tags in the delivery log's request` };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `Optimizely: the request of ${request.eventIds.length} visitors is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Optimizely refused this event alone as too large (${answered}): its tags are too long` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Optimizely has no Event API at ${request.url} (${answered}): check config.region` };
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `Optimizely ${what} (${answered})` };
}
