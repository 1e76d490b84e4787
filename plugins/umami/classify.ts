// Umami's answers to POST /api/send, as its route (umami-software/umami,
// src/app/api/send/route.ts, and src/lib/response.ts) gives them: 200 `{ cache, sessionId,
// visitId }` for a recorded event; 200 `{ "beep": "boop" }` when the User-Agent is a bot's (the
// isbot library), recording nothing; 400 `{ error: { message: "Bad request", …, properties } }`
// for a payload its schema refuses (the fields' errors under `properties`), or
// `{ error: { message: "Website not found." } }` for an unknown or deleted website; 403
// `{ error: { message: "Forbidden" } }` for an IP the instance ignores (IGNORE_IP); 500
// `{ error: { message: "Server error", … } }` for a failure (a database error included).
import { excerpt, isJsonObject, isWebPage, responseHeader, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** The field errors of a Zod error tree (`treeifyError`), as `payload.name: Too big…` pairs. */
function treeErrors(node: unknown, path: string, into: string[]): void {
  if (!isJsonObject(node)) return;
  if (Array.isArray(node.errors)) {
    for (const message of node.errors) if (typeof message === 'string') into.push(path === '' ? message : `${path}: ${message}`);
  }
  if (isJsonObject(node.properties)) {
    for (const [field, child] of Object.entries(node.properties)) treeErrors(child, path === '' ? field : `${path}.${field}`, into);
  }
}

/**
 * Umami's words: the field errors of a refused payload (`payload.name: Too big: expected string
 * to have <=50 characters`), else its error message, else the body's start, else "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { error: { message: 'Website not found.', code: 'bad-request', status: 400 } } });
 * // 'Website not found.'
 */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const error = isJsonObject(json.error) ? json.error : json;
    const fields: string[] = [];
    treeErrors(error, '', fields);
    if (fields.length > 0) return excerpt(fields.join('; '), 500);
    for (const key of ['message', 'error']) {
      const value = error[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value.trim(), 500);
    }
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** A value of the request's payload, as sent. */
function sent(request: RequestDescriptor, field: string): string | undefined {
  const body = request.body;
  const payload = isJsonObject(body) && isJsonObject(body.payload) ? body.payload : {};
  return typeof payload[field] === 'string' ? payload[field] : undefined;
}

/** Whether the answer is Umami's bot answer, `{"beep":"boop"}`. */
const isBotAnswer = (response: VendorResponse): boolean => isJsonObject(response.json) && response.json.beep === 'boop';

/**
 * Umami's answer as the outcome of the request's event:
 *
 * - 200 `{"beep":"boop"}`: dead-lettered, saying Umami took the User-Agent (quoted) for a bot's
 *   and recorded nothing (a retry sends the same User-Agent);
 * - other 2xx: delivered — unless the body is a web page (a proxy's or login page): retried;
 * - 400 "Website not found.": dead-lettered naming config.website_id;
 * - other 400: dead-lettered with the fields Umami refused;
 * - 403: dead-lettered: the instance ignores the visitor's IP (IGNORE_IP), or a proxy refused;
 * - 3xx: dead-lettered naming config.base_url and where the answer pointed (a POST is not followed);
 * - 401, 404, 405: dead-lettered naming config.base_url (/api/send takes no credential);
 * - 429, 5xx, 408: retried, after Retry-After when given.
 *
 * @example
 * classifyUmami({ status: 200, headers: {}, body: '{"beep":"boop"}', json: { beep: 'boop' } }, request);
 * // { status: 'dead_letter', reason: 'Umami took the visitor for a bot (by the User-Agent "curl/8.5.0") and recorded nothing …' }
 */
export function classifyUmami(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isBotAnswer(response)) {
      const userAgent = sent(request, 'userAgent') ?? request.headers?.['user-agent'];
      return { status: 'dead_letter', reason: `Umami took the visitor for a bot (by the User-Agent${userAgent ? ` ${JSON.stringify(excerpt(userAgent, 120))}` : ''}) and recorded nothing (HTTP ${status} {"beep":"boop"}): a crawler's or a script's User-Agent, or Signal's own where context.userAgent was not the visitor's` };
    }
    if (isWebPage(response.body)) {
      return { status: 'retry', reason: `HTTP ${status} with a web page, not Umami's answer (a proxy or login page in front of it?): ${excerpt(response.body, 120)}` };
    }
    return { status: 'delivered' };
  }
  const what = said(response);
  if (status >= 300 && status < 400) {
    const location = responseHeader(response.headers ?? {}, 'location');
    return { status: 'dead_letter', reason: `Umami answered HTTP ${status}${location ? ` pointing to ${excerpt(location, 200)}` : ''}: set config.base_url to Umami's own address (https, no redirect in between), then replay the dead letters` };
  }
  const transient = transientRetry(response, 'Umami', what);
  if (transient !== undefined) return transient;
  if (status === 400 && /website not found/i.test(what)) {
    return { status: 'dead_letter', reason: `Umami has no website ${JSON.stringify(sent(request, 'website') ?? '?')} (HTTP 400: ${what}): check config.website_id (Settings > Websites > Edit: Website ID) and that the website was not deleted, then replay the dead letters` };
  }
  if (status === 400) return { status: 'dead_letter', reason: `Umami refused the event (HTTP 400): ${what}` };
  if (status === 403) {
    return { status: 'dead_letter', reason: `Umami refused the event (HTTP 403: ${what}): a self-hosted Umami refuses visitors whose IP is in its IGNORE_IP list (here ${sent(request, 'ip') ?? 'none sent'}); otherwise a proxy or firewall in front of it refused the request` };
  }
  if (status === 401 || status === 404 || status === 405) {
    return { status: 'dead_letter', reason: `no Umami collection endpoint answered at ${request.url} (HTTP ${status}: ${what}): check config.base_url (https://cloud.umami.is, or your Umami's root URL; /api/send takes no credential, so a proxy in front of it must let it through)` };
  }
  return { status: 'dead_letter', reason: `Umami refused the event (HTTP ${status}): ${what}` };
}
