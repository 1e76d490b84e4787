// Plausible's answers to POST /api/event, as its Events API reference and its ingestion code
// (plausible/analytics, PlausibleWeb.Api.ExternalController) give them: 202 Accepted ("ok", or
// "{}" in the reference) for a recorded event; 202 with `x-plausible-dropped: <count>` when it
// did not record it — "The API always returns HTTP 202 Accepted, even when an event is dropped
// … When present, the event was rejected by bot filtering" (a bot or data-centre IP, the
// commonest cause a server's or CDN's IP in X-Forwarded-For), or for a domain with no site,
// the site's Shields or its ingest rate limit; 400 with `{"errors": {field: [message]}}` for an
// invalid event. Each request carries one event, so its answer is that event's.
import { excerpt, isJsonObject, isWebPage, responseHeader, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * Plausible's words: its `errors` object as `field: message` pairs (`url: is required`), else
 * an `error`/`message`, else the body's start, else "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { errors: { url: ['is required'], domain: ["can't be blank"] } } });
 * // "url: is required; domain: can't be blank"
 */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const errors = json.errors;
    if (isJsonObject(errors)) {
      const pairs = Object.entries(errors).map(([field, messages]) => `${field}: ${(Array.isArray(messages) ? messages : [messages]).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(', ')}`);
      if (pairs.length > 0) return excerpt(pairs.join('; '), 500);
    }
    for (const key of ['error', 'message']) {
      const value = json[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value.trim(), 500);
    }
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** The request's domain, as sent in its body. */
function domainSent(request: RequestDescriptor): string {
  const body = request.body;
  return isJsonObject(body) && typeof body.domain === 'string' ? body.domain : '?';
}

/** How many events Plausible says it dropped (`x-plausible-dropped`), 0 when it says none. */
export function droppedCount(response: VendorResponse): number {
  const value = responseHeader(response.headers ?? {}, 'x-plausible-dropped');
  if (value === undefined) return 0;
  const count = Number.parseInt(value.trim(), 10);
  return Number.isFinite(count) && count > 0 ? count : 0;
}

/**
 * Plausible's answer as the outcome of the request's event:
 *
 * - 2xx without `x-plausible-dropped`: delivered — unless the body is a web page (a proxy's or a
 *   login page in front of a self-hosted Plausible): retried;
 * - 2xx with `x-plausible-dropped`: dead-lettered, saying Plausible did not record the event and
 *   why it does that (bot filtering by User-Agent and IP, a domain with no site, Shields, the
 *   site's ingest limit): nothing in a retry would change it;
 * - 400: dead-lettered with Plausible's errors;
 * - 3xx: dead-lettered naming config.base_url and where the answer pointed (a POST is not
 *   followed: a self-hosted instance's http → https redirect, a moved instance);
 * - 401, 403, 404, 405: dead-lettered naming config.base_url (the Events API takes no credential
 *   and is found at every Plausible: something else answered);
 * - 429, 5xx, 408: retried, after Retry-After when given.
 *
 * @example
 * classifyPlausible({ status: 202, headers: { 'x-plausible-dropped': '1' }, body: 'ok' }, request);
 * // { status: 'dead_letter', reason: 'Plausible accepted the request (HTTP 202) but did not record the event (x-plausible-dropped: 1): …' }
 */
export function classifyPlausible(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (droppedCount(response) > 0) {
      const userAgent = request.headers?.['user-agent'];
      return {
        status: 'dead_letter',
        reason: `Plausible accepted the request (HTTP ${status}) but did not record the event (x-plausible-dropped: ${droppedCount(response)}): it drops events from bots (by the User-Agent${userAgent ? `, here ${JSON.stringify(excerpt(userAgent, 120))}` : ''}) and from data-centre IP addresses (a server's or CDN's address in X-Forwarded-For instead of the visitor's), events for a domain it has no site for (config.domain is ${JSON.stringify(domainSent(request))}), events the site's Shields block, and events over the site's ingest limit`,
      };
    }
    if (isWebPage(response.body)) {
      return { status: 'retry', reason: `HTTP ${status} with a web page, not Plausible's answer (a proxy or login page in front of it?): ${excerpt(response.body, 120)}` };
    }
    return { status: 'delivered' };
  }
  const what = said(response);
  if (status >= 300 && status < 400) {
    const location = responseHeader(response.headers ?? {}, 'location');
    return { status: 'dead_letter', reason: `Plausible answered HTTP ${status}${location ? ` pointing to ${excerpt(location, 200)}` : ''}: set config.base_url to Plausible's own address (https, no redirect in between), then replay the dead letters` };
  }
  const transient = transientRetry(response, 'Plausible', what);
  if (transient !== undefined) return transient;
  if (status === 400) return { status: 'dead_letter', reason: `Plausible refused the event (HTTP 400): ${what}` };
  if (status === 401 || status === 403 || status === 404 || status === 405) {
    return { status: 'dead_letter', reason: `no Plausible Events API answered at ${request.url} (HTTP ${status}: ${what}): check config.base_url (https://plausible.io, or your Plausible's root URL; the Events API takes no credential, so a proxy in front of it must let /api/event through)` };
  }
  return { status: 'dead_letter', reason: `Plausible refused the event (HTTP ${status}): ${what}` };
}
