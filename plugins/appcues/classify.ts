// Appcues' answers. The Public API answers errors as problem details, `{ "error": true,
// "status": 404, "title": "Not Found", "detail": "…" }` (Appcues' own CLI reads `title` and
// `detail`), and has an account-wide rate limit (60 requests a second, its CLI says) answered
// with 429 and, on some routes, Retry-After. Its CLI sends 429 and 5xx again, nothing else.
import { excerpt, isWebPage, transientRetry, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when Appcues refuses the credentials. */
export const CREDENTIALS = 'check config.api_key and config.api_secret (a key pair of Studio > Settings > API Keys, not revoked, with a permission level that may write users) and that they belong to the account in config.account_id and its region, config.region';

/**
 * What Appcues said in an answer: its problem details' `title — detail`, else a `message` or
 * `error` text, else the body's start, or `(no body)`.
 *
 * @example
 * appcuesSaid({ status: 400, headers: {}, body: '…', json: { error: true, status: 400, title: 'Bad Request', detail: 'name is required' } });
 * // 'Bad Request — name is required'
 */
export function appcuesSaid(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const { title, detail, message, error } = json as Record<string, unknown>;
    const words = [title, detail].flatMap((w) => trimmedText(w) ?? []);
    if (words.length > 0) return excerpt(words.join(' — '));
    for (const w of [message, error]) if (typeof w === 'string' && w.trim() !== '') return excerpt(w.trim());
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

function whatOf(request: RequestDescriptor): string {
  return request.method === 'PATCH' ? 'profile update' : 'event';
}

/**
 * Appcues' answers to a delivery request (one record a request):
 * - 2xx: delivered, unless it is a web page (a proxy's, not Appcues' answer): retried;
 * - 401 and 403: dead-lettered naming the credential fields;
 * - 404: dead-lettered naming config.account_id and config.region;
 * - 408, 429 and 5xx: retried (429 as Appcues' rate limit), after Retry-After when it gives one;
 * - 400, 422 and any other 4xx: dead-lettered with Appcues' words.
 *
 * @example
 * classifyAppcues({ status: 422, headers: {}, body: '…', json: { title: 'Unprocessable Entity', detail: 'name is too long' } }, eventRequest);
 * // { status: 'dead_letter', reason: 'Appcues refused the event (HTTP 422: Unprocessable Entity — name is too long)' }
 */
export function classifyAppcues(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const said = appcuesSaid(response);
  const answered = `HTTP ${status}: ${said}`;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `the answer (HTTP ${status} with a web page) is not Appcues' (a proxy or captive portal in between?): sent again` };
    return { status: 'delivered' };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Appcues refused the credentials (${answered}): ${CREDENTIALS}` };
  if (status === 404) return { status: 'dead_letter', reason: `Appcues found nothing at ${request.url.replace(/\/users\/.*$/, '/users/…')} (${answered}): check config.account_id (the number on the Studio account page) and config.region` };
  const transient = transientRetry(response, 'Appcues', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Appcues refused the ${whatOf(request)} (${answered})` };
}
