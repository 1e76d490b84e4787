// A Snowplow Collector's answers to a tracker protocol POST. The collector validates nothing of
// the events: it answers 200 once it has written the request to its stream (an event Enrich
// later rejects becomes a failed event in the customer's pipeline, which Signal cannot see), and
// its answer's body is not documented, so the status alone is read. It answers 503 while its
// sink is unhealthy. Other failures come from what stands in front of it (a load balancer, a
// gateway) or from a wrong address: a 404 for a POST path the collector does not serve, a 413
// for a body over its limit. The whole request's events share the answer.
import { excerpt, isJsonObject, isWebPage, responseHeader, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * What the answer said: a JSON `message` or `error`, else the body's start, else "(no body)".
 *
 * @example
 * said({ status: 403, headers: {}, body: '{"message":"Forbidden"}', json: { message: 'Forbidden' } }); // 'Forbidden'
 */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    for (const key of ['message', 'error', 'errorMessage']) {
      const value = json[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value.trim(), 500);
    }
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/**
 * The collector's answer as the outcome of the request's events:
 *
 * - 2xx: delivered — unless the body is a web page (a proxy's or a login page in front of the
 *   collector): retried;
 * - 3xx: dead-lettered naming config.collector_url and where the answer pointed (a POST is not
 *   followed: an http → https redirect, a moved collector);
 * - 401, 403: dead-lettered naming config.headers (a gateway refusing its credential);
 * - 404, 405: dead-lettered naming the URL, config.collector_url and config.post_path;
 * - 413: split, the request's events sent again in two halves;
 * - 429, 5xx, 408: retried, after Retry-After when given;
 * - any other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifySnowplow({ status: 404, headers: {}, body: '' }, request);
 * // { status: 'dead_letter', reason: 'no Snowplow Collector POST path answered at https://…/com.acme/track (HTTP 404: (no body)): check config.collector_url and config.post_path …' }
 */
export function classifySnowplow(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page, not the collector's answer (a proxy or login page in front of it?): ${excerpt(response.body, 120)}` };
    return { status: 'delivered' };
  }
  const what = said(response);
  if (status >= 300 && status < 400) {
    const location = responseHeader(response.headers ?? {}, 'location');
    return { status: 'dead_letter', reason: `the collector answered HTTP ${status}${location ? ` pointing to ${excerpt(location, 200)}` : ''}: set config.collector_url to the collector's own address (https, no redirect in between), then replay the dead letters` };
  }
  if (status === 413) return { status: 'split', reason: `the collector refused the request as too large (HTTP 413: ${what})` };
  const transient = transientRetry(response, 'Snowplow Collector', what);
  if (transient !== undefined) return transient;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `the collector (or the gateway in front of it) refused the request (HTTP ${status}: ${what}): collectors take no credential, so check config.headers holds what your gateway expects, then replay the dead letters` };
  }
  if (status === 404 || status === 405) {
    return { status: 'dead_letter', reason: `no Snowplow Collector POST path answered at ${request.url} (HTTP ${status}: ${what}): check config.collector_url and config.post_path (/com.snowplowanalytics.snowplow/tp2 unless your collector maps a custom path), then replay the dead letters` };
  }
  return { status: 'dead_letter', reason: `the collector refused the request (HTTP ${status}): ${what}` };
}
