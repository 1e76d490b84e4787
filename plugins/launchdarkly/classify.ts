// LaunchDarkly's answers to `POST /bulk`. The events service answers 202 Accepted to a payload
// it takes (LaunchDarkly's SDK test harness stands in for it that way); its SDKs read any 2xx as
// sent. On failure the SDKs (go-sdk-events `isHTTPErrorRecoverable`, js-core
// `isHttpRecoverable`) give up for good on 401, 403 and any other 4xx except 400, 408, 413 and
// 429 ("invalid SDK key": they stop sending events at all), drop a 413 payload ("Large payloads
// mean this particular request is a failure"), and retry once, a second later, on 400, 408, 429,
// 5xx and network errors. Signal's retry policy replaces that single retry. Here: 401/403
// dead-letter naming config.sdk_key; 404 names config.instance; a 400 dead-letters the request's
// events with LaunchDarkly's words (the payload is built alike for every event: a refusal says
// the request is wrong, and the SDKs' one retry of it would get the same answer); a 413 of
// several events is sent again in halves, one event alone dead-lettered; 408, 429 and 5xx are
// retried (after Retry-After when given).
import { defaultClassify, excerpt, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * LaunchDarkly's own words: a JSON answer's `message` (or `error`, `code`), else the body's text.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body: '{"message":"invalid payload"}', json: { message: 'invalid payload' } }); // 'invalid payload'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of ['message', 'error', 'code']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * LaunchDarkly's answers, per request: 2xx (202) delivered; 401/403 dead-lettered naming the
 * SDK key; 404 the instance; 400 dead-lettered; 413 split while several events, else
 * dead-lettered; 408, 429 and 5xx retried; other 4xx dead-lettered with LaunchDarkly's words.
 *
 * @example
 * classifyLaunchDarkly({ status: 401, headers: {}, body: '' }, request);
 * // { status: 'dead_letter', reason: 'LaunchDarkly refused the SDK key (HTTP 401): check config.sdk_key …' }
 */
export function classifyLaunchDarkly(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const status = response.status;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `LaunchDarkly refused the SDK key (${answered}): check config.sdk_key — the server-side SDK key ("sdk-…") of the environment, not its mobile key or client-side ID, and not reset since — and config.instance (commercial, eu or federal); replay the dead letters once fixed` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `LaunchDarkly has no events endpoint at ${request.url} (${answered}): check config.instance` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `LaunchDarkly refused the request of ${request.eventIds.length} events as too large (${answered}); sending it again in halves` };
    return { status: 'dead_letter', reason: `LaunchDarkly refused this event alone as too large (${answered}): its data is too large; see the event in the delivery log's request` };
  }
  if (status === 400) {
    return { status: 'dead_letter', reason: `LaunchDarkly refused the request as invalid (${answered}): resending it as it is cannot help; see the events in the delivery log's request (the plugin builds them as LaunchDarkly's SDKs do: report it with the request)` };
  }
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `LaunchDarkly ${what} (${answered})` };
}
