// Criteo's answers to POST /m/event. Criteo publishes no error reference for its Events API,
// and no public integration reads more than the status — Criteo's own server-side tag takes any
// 2xx as accepted and follows a 3xx's Location (its regional data centres answer with a
// redirect, as Criteo's endpoint documentation says) — so the status decides, and a reason
// quotes what Criteo said. Each request carries one event (see requests.ts), so a request's
// outcome is its event's.
import {
  defaultClassify, excerpt, isWebPage, responseHeader, transientRetry, type ClassifyResult, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';

/** Criteo's own hosts, the only places a redirect is followed to (its data centres). */
const CRITEO_HOST = /(^|\.)criteo\.(com|net)$/i;

/** What Criteo said: its JSON's message or error, or the start of the body. */
function said(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    for (const key of ['message', 'error', 'error_description', 'status']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/** The URL a request went to, its query included. */
function requestUrl(request: RequestDescriptor): URL {
  const url = new URL(request.url);
  for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
  return url;
}

/**
 * The request again, to where a redirect points — a Criteo host over https, relative Locations
 * read against the request's URL — or undefined when it points elsewhere (never followed: the
 * event would go to someone else).
 */
function redirected(response: VendorResponse, request: RequestDescriptor): RequestDescriptor | undefined {
  const location = responseHeader(response.headers ?? {}, 'location');
  if (location === undefined || location.trim() === '') return undefined;
  let target: URL;
  try {
    target = new URL(location.trim(), requestUrl(request));
  } catch {
    return undefined;
  }
  if (target.protocol !== 'https:' || !CRITEO_HOST.test(target.hostname)) return undefined;
  const { query: _query, ...rest } = request;
  return { ...rest, url: target.href };
}

/**
 * Criteo's answer as the outcome of the request's event:
 *
 * - 2xx: delivered — unless the body is a web page (a proxy's or captive portal's answer, not
 *   Criteo's): retried;
 * - 3xx with a Location on a Criteo host (https): the same request sent there (a follow-up, as
 *   Criteo's own tag follows its data centres' redirects; at most 4 in a row); any other 3xx
 *   retried, naming where it pointed;
 * - 429: Criteo's rate limit, handled as a 429 (no try used up, the integration slowed), after
 *   Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After;
 * - 401, 403: dead-lettered, naming config.partner_id and config.caller_id (the endpoint takes
 *   no credential: a refusal is about the account);
 * - 404: dead-lettered: the endpoint was not found (a proxy, or a wrong vendor redirect);
 * - 413: dead-lettered: the event alone is too large (too many products);
 * - other 4xx (400 among them): dead-lettered with what Criteo said.
 *
 * @example
 * classifyCriteo({ status: 400, headers: {}, body: 'invalid account' }, request);
 * // { status: 'dead_letter', reason: 'Criteo refused the event (HTTP 400): invalid account' }
 */
export function classifyCriteo(response: VendorResponse, request: RequestDescriptor): ClassifyResult {
  const { status } = response;
  if (status >= 200 && status < 300) {
    // A web page is a proxy's, a captive portal's or a wrong route's answer, not Criteo's.
    if (isWebPage(response.body)) {
      return { status: 'retry', reason: `HTTP ${status} with a web page, not Criteo's answer (a proxy or captive portal in the way?): ${excerpt(response.body, 120)}` };
    }
    return { status: 'delivered' };
  }
  if (status >= 300 && status < 400) {
    const next = redirected(response, request);
    if (next !== undefined) return { next: [next] };
    const location = responseHeader(response.headers ?? {}, 'location');
    return { status: 'retry', reason: `Criteo answered HTTP ${status} ${location ? `pointing to ${excerpt(location, 120)}, which is not a Criteo https address: not followed` : 'without a Location'}` };
  }
  const what = said(response);
  const transient = transientRetry(response, 'Criteo', what);
  if (transient !== undefined) return transient;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Criteo refused the event for its account (HTTP ${status}, ${what}): check config.partner_id (your Criteo partner/account id) and config.caller_id with your Criteo contact, then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Criteo's Events API endpoint was not found (HTTP 404, ${what}): a proxy, or a SIGNAL_VENDOR_REDIRECTS entry for https://widget.criteo.com pointing elsewhere?` };
  }
  if (status === 413) {
    return { status: 'dead_letter', reason: `Criteo refused the event as too large (HTTP 413, ${what}): map fewer products` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `Criteo refused the event (HTTP ${status}): ${what}` };
}
