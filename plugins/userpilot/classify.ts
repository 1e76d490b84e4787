// Userpilot's answers, as its API reference gives them: 202 Accepted for an accepted user, event
// or company (the company page also says 200 OK); 400 for a body it refuses ("Missing user_id",
// "Company without id"), 401 for an invalid API key, 429 over 600 requests a minute per token,
// with `{ "errors": [{ "error", "error_code", "message", "details" }] }` as the error body.
// Each request carries one record, so its answer is that record's.
import { excerpt, isJsonObject, isWebPage, transientRetry, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * Userpilot's words: its `errors` list's messages (with error code and details), else an
 * `error`/`message`/`detail`, else the body's start, else "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { errors: [{ error_code: 'invalid_payload', message: 'user_id is required' }] } });
 * // 'invalid_payload: user_id is required'
 */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json ?? null)) {
    const answer = json as Record<string, unknown>;
    if (Array.isArray(answer.errors)) {
      const parts = answer.errors.map((item) => {
        if (typeof item === 'string') return item;
        if (!isJsonObject(item ?? null)) return '';
        const e = item as Record<string, unknown>;
        const code = trimmedText(e.error_code) ?? (typeof e.error === 'string' ? e.error.trim() : '');
        const message = typeof e.message === 'string' ? e.message.trim() : '';
        const details = typeof e.details === 'string' && e.details.trim() !== '' && e.details.trim() !== message ? ` (${e.details.trim()})` : '';
        return [code, message].filter((s) => s !== '').join(': ') + details;
      }).filter((s) => s !== '');
      if (parts.length > 0) return excerpt(parts.join('; '), 500);
    }
    for (const key of ['message', 'error', 'detail']) {
      const value = answer[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value.trim(), 500);
    }
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** What the request carried, for the reasons. */
function whatOf(request: RequestDescriptor): string {
  if (request.url.endsWith('/v1/companies/identify')) return 'the company';
  if (request.url.endsWith('/v1/track')) return 'the event';
  return 'the user';
}

/**
 * Userpilot's answer as the outcome of the request's record:
 * - 2xx: delivered — unless the body is a web page (a proxy's or sign-in page, not the API):
 *   dead-lettered naming config.endpoint;
 * - 401, 403: dead-lettered naming config.api_key;
 * - 404: dead-lettered naming config.endpoint;
 * - 408, 429, 5xx: retried (a 429 slows the integration down), after Retry-After when given;
 * - any other 4xx (400: a body Userpilot refuses): dead-lettered with Userpilot's words.
 *
 * @example
 * classifyUserpilot({ status: 401, headers: {}, body: '' }, request);
 * // { status: 'dead_letter', reason: 'Userpilot refused the API key (HTTP 401: (no body)): config.api_key must be …' }
 */
export function classifyUserpilot(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) {
      return { status: 'dead_letter', reason: `Userpilot's API did not answer (HTTP ${status} with a web page): check config.endpoint (${new URL(request.url).origin}), the endpoint your Environment page shows` };
    }
    return { status: 'delivered' };
  }
  const words = said(response);
  const transient = transientRetry(response, 'Userpilot', words);
  if (transient !== undefined) return transient;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Userpilot refused the API key (HTTP ${status}: ${words}): config.api_key must be the API key of Settings > Environment > API keys (not the App Token) of the account config.endpoint serves` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Userpilot has no such API at ${request.url} (HTTP 404: ${words}): check config.endpoint, the endpoint your Environment page shows` };
  }
  return { status: 'dead_letter', reason: `Userpilot refused ${whatOf(request)} (HTTP ${status}: ${words})` };
}
