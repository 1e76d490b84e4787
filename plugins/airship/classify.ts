// Airship's answers, as its API reference documents them: 200 `{ ok: true, operation_id }`
// (custom events; attributes: `{ ok: true }`, with a `warning` naming the attributes it did not
// set when only some were valid), 202 for accepted asynchronous work; errors
// `{ ok: false, error, error_code, details: { error, path, location } }`: 400 a parsing or
// validation error (one bad event refuses the whole array), 401 a missing or refused token,
// 403 a token without the role, 406 a missing version header, 429, 5xx.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when Airship refuses the token. */
export const CREDENTIALS = 'check config.access_token (a bearer token of the project, Settings > Project settings > Tokens, with the roles for custom events, named user attributes and uninstalls), config.app_key, and that config.region is the project\'s cloud site (go.urbanairship.com or go.airship.eu)';

function answerOf(response: VendorResponse): JsonObject {
  const json = response.json;
  return json !== null && json !== undefined && typeof json === 'object' && !Array.isArray(json) ? (json as JsonObject) : {};
}

/**
 * Airship's own words: its `error`, then `details.error` and where (`details.path`), else the body.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body: '…', json: { ok: false, error: 'Could not parse request body.', details: { error: 'Event name contains uppercase characters', path: '[0].body.name' } } });
 * // 'Could not parse request body. — Event name contains uppercase characters (at [0].body.name)'
 */
export function saidBy(response: VendorResponse): string {
  const answer = answerOf(response);
  const parts: string[] = [];
  const error = trimmedText(answer.error);
  if (error !== undefined) parts.push(error);
  const details = answer.details;
  if (details !== null && typeof details === 'object' && !Array.isArray(details)) {
    const detailError = trimmedText(details.error);
    if (detailError !== undefined && detailError !== parts[0]) parts.push(detailError);
    const path = trimmedText(details.path);
    if (path !== undefined) parts.push(`(at ${path})`);
  }
  if (parts.length === 0) return excerpt(response.body ?? '');
  const [first, ...rest] = parts;
  return excerpt(rest.length === 0 ? first! : `${first}${rest[0]!.startsWith('(') ? ' ' : ' — '}${rest.join(' ')}`);
}

function answered(response: VendorResponse): string {
  const words = saidBy(response);
  const code = answerOf(response).error_code;
  return `HTTP ${response.status}${typeof code === 'number' || typeof code === 'string' ? ` (error_code ${code})` : ''}${words ? `: ${words}` : ''}`;
}

function wordOf(request: RequestDescriptor): string {
  if (request.url.endsWith('/attributes')) return 'attribute update';
  return request.eventIds.length === 1 ? 'custom event' : 'custom events';
}

/**
 * Airship's answers to a delivery request:
 * - 2xx with `ok: false`: not recorded — several events split to find the one refused, one
 *   dead-lettered with Airship's words; any other 2xx delivered (an attribute `warning` means
 *   Airship set the attributes it knows and skipped the undefined ones);
 * - 429: retried after Retry-After;
 * - 401, 403: dead-lettered naming the token, the app key and the region to check;
 * - 406: dead-lettered (the version header: a plugin fault, not the event's);
 * - 413 with several custom events: split (smaller halves), whoever answered it;
 * - 400, 413 and other 4xx (not 408): several custom events answered in Airship's error shape
 *   (`ok: false`) split (one invalid event refuses the whole array), else dead-lettered with
 *   Airship's error and details;
 * - 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyAirship({ status: 401, headers: {}, body: '{"ok":false,"error":"Unauthorized"}', json: { ok: false, error: 'Unauthorized' } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Airship refused the token (HTTP 401: Unauthorized): check config.access_token …' }
 */
export function classifyAirship(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  const several = request.eventIds.length > 1;
  const word = wordOf(request);
  if (status >= 200 && status < 300) {
    if (answerOf(response).ok === false) {
      if (several) return { status: 'split', reason: `Airship did not record the request (${answered(response)}) without naming the event: sending it in halves to find it` };
      return { status: 'dead_letter', reason: `Airship did not record the ${word} (${answered(response)})` };
    }
    return { status: 'delivered' };
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const reason = `Airship rate-limited the project (${answered(response)})`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Airship refused the token (${answered(response)}): ${CREDENTIALS}` };
  if (status === 406) return { status: 'dead_letter', reason: `Airship refused the request's API version (${answered(response)}): the plugin sends Accept: application/vnd.urbanairship+json; version=3` };
  if (status >= 400 && status < 500 && status !== 408) {
    // A 413 says the body was too large, whoever answers it (Airship or a proxy in front of
    // it): halves are smaller. Split other 4xx only in Airship's error shape (`ok: false`): a
    // proxy's 4xx names no event.
    if (several && status === 413) return { status: 'split', reason: `Airship refused the request as too large (${answered(response)}): sending it in halves` };
    if (several && answerOf(response).ok === false && status !== 404) return { status: 'split', reason: `Airship refused the request (${answered(response)}): one invalid event refuses the whole array, so sending it in halves to find it` };
    if (status === 404) return { status: 'dead_letter', reason: `Airship answered ${answered(response)} for ${request.url}: not an endpoint of its API, or no such named user` };
    return { status: 'dead_letter', reason: `Airship refused the ${word} (${answered(response)})` };
  }
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `Airship ${answered(response)}` } : classified;
}
