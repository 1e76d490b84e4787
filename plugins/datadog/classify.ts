// Datadog's answers to `POST /api/v2/logs`, as the Send logs page lists them: "202: Accepted: the
// request has been accepted for processing" (always an empty JSON object), "400: Bad request
// (likely an issue in the payload formatting)", "401: Unauthorized (likely a missing API Key)",
// "403: Permission issue (likely using an invalid API Key)", "408: Request Timeout, request
// should be retried after some time", "413: Payload too large (batch is above 5MB
// uncompressed)", "429: Too Many Requests, request should be retried after some time", "500:
// Internal Server Error … should be retried after some time", "503: Service Unavailable …
// should be retried after some time". Error bodies are HTTPLogErrors: `{"errors": [{"status",
// "title", "detail"}]}` (Datadog's other APIs answer `{"errors": ["…"]}`). Datadog's rate limit
// headers (its API reference, "Rate Limits") say when to try again: X-RateLimit-Reset, the
// seconds until the period resets. A 202 means accepted, not indexed: a log Datadog then
// refuses (a date older than 18 hours) is not reported back.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, type ClassifyResult, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * Datadog's own words: the `detail` (else `title`) of each error of an HTTPLogErrors answer, the
 * strings of an APIErrorResponse, else the body's text.
 *
 * @example
 * saidBy({ status: 403, headers: {}, body: '…', json: { errors: [{ status: '403', title: 'Forbidden', detail: 'Invalid API key' }] } }); // 'Invalid API key'
 * saidBy({ status: 400, headers: {}, body: '…', json: { errors: ['Bad Request'] } }); // 'Bad Request'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const errors = (json as Record<string, unknown>).errors;
    if (Array.isArray(errors)) {
      const words = errors.map((error) => {
        if (typeof error === 'string') return error;
        if (error !== null && typeof error === 'object') {
          const record = error as Record<string, unknown>;
          for (const key of ['detail', 'title']) if (typeof record[key] === 'string' && (record[key] as string).trim() !== '') return record[key] as string;
        }
        return '';
      }).filter((word) => word.trim() !== '');
      if (words.length > 0) return excerpt([...new Set(words)].join('; '));
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * How long Datadog asks to wait: Retry-After (seconds or an HTTP date), else X-RateLimit-Reset
 * (seconds until the rate limit's period resets), in ms.
 *
 * @example
 * waitAskedMs({ status: 429, headers: { 'x-ratelimit-reset': '12' }, body: '' }); // 12000
 */
export function waitAskedMs(response: VendorResponse): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset >= 0 && reset <= 86_400 ? Math.round(reset * 1000) : undefined;
}

/**
 * Datadog's answers, per request. 2xx delivered. 401: no API key reached Datadog; 403: Datadog
 * refused the API key — both dead-lettered naming config.api_key and config.site. 404: the
 * intake's URL (config.site). 400 and other 4xx: dead-lettered with Datadog's words. 413: a
 * request of several logs is sent again in halves, one log dead-lettered. 408, 429, 5xx:
 * retried, after Retry-After or X-RateLimit-Reset when Datadog gives one.
 *
 * @example
 * classifyDatadog({ status: 403, headers: {}, body: '{"errors":[{"status":"403","title":"Forbidden"}]}', json: { errors: [{ status: '403', title: 'Forbidden' }] } }, request);
 * // { status: 'dead_letter', reason: 'Datadog refused the API key (HTTP 403: Forbidden): check config.api_key …' }
 */
export function classifyDatadog(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const status = response.status;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Datadog refused the API key (${answered}): check config.api_key — an API key of the organization (Organization Settings > API Keys), not an application key — and config.site, the site the organization is on (a key of another site is refused); replay the dead letters once fixed` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Datadog has no Logs intake at ${request.url} (${answered}): check config.site` };
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Datadog: the request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Datadog refused this log alone as too large (${answered}): the Logs intake takes at most 5 MB a request` };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const wait = waitAskedMs(response);
    const what = status === 429 ? 'rate-limited the request' : status === 408 ? 'timed out the request' : 'failed';
    const outcome: EventOutcome = { status: 'retry', reason: `Datadog ${what} (${answered})`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    return outcome;
  }
  if (status === 400) return { status: 'dead_letter', reason: `Datadog refused the request as malformed (${answered}): resending it cannot help; see the delivery log's request and the plugin README` };
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `Datadog refused the request (${answered})` } : classified;
}
