// Awin's answers to a batch of orders. Its API documents conventional statuses ("Response
// Codes"): 200 OK, 201 Created, 202 Accepted ("accepted for processing, but it's not completed
// yet"), 204; 400 "invalid syntax or parameters", 401 "Authentication is required or has
// failed", 403 "You don't have permission to access this resource", 404 "The requested resource
// doesn't exist", 429 for its throttling, 5xx. The Conversion API's own answer body, and whether
// it refuses one order of a batch or the batch, are not documented where we read: a 2xx counts
// every order of the batch delivered, and a 400 that names one order of several is split in
// halves until that order is alone, so one bad order does not dead-letter a thousand good ones.
import { defaultClassify, excerpt, isWebPage, transientRetry, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/**
 * What Awin said: a JSON answer's `message`, `error`, `description` or `errors` (text, or
 * objects' `field` and `message`), else the body's start, else "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { message: 'Invalid request', errors: [{ field: 'orders[0].amount', message: 'must not be null' }] } });
 * // 'Invalid request — orders[0].amount: must not be null'
 */
export function said(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    const message = trimmedText(answer.message) ?? trimmedText(answer.error) ?? trimmedText(answer.description);
    const errors = (Array.isArray(answer.errors) ? answer.errors : [])
      .map((error) => {
        if (typeof error === 'string') return trimmedText(error);
        if (error === null || typeof error !== 'object') return undefined;
        const entry = error as Record<string, unknown>;
        return [trimmedText(entry.field), trimmedText(entry.message) ?? trimmedText(entry.error)].filter(Boolean).join(': ') || undefined;
      })
      .filter((line): line is string => line !== undefined);
    if (message !== undefined || errors.length > 0) return excerpt([message, errors.join('; ')].filter(Boolean).join(' — '), 500);
  }
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** The order references a request carries (`{ orders: [{ orderReference }] }`). */
function orderReferencesOf(request: RequestDescriptor): string[] {
  const body = request.body;
  const orders = body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) ? (body as Record<string, unknown>).orders : undefined;
  if (!Array.isArray(orders)) return [];
  return orders
    .map((order) => (order !== null && typeof order === 'object' ? (order as Record<string, unknown>).orderReference : undefined))
    .filter((reference): reference is string => typeof reference === 'string' && reference !== '');
}

/** Whether `text` holds `word` standing alone: no letter or digit right before or after it. */
function holdsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + word.length] ?? '';
    if (!/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after)) return true;
  }
  return false;
}

/**
 * Whether a 400 is about one order of the batch rather than the request: its answer names an
 * order by its index (`orders[3]`) or by the reference of one of the batch's orders, standing
 * alone (a numeric reference `100` is not named by "advertiser 1001"). Halving such a batch
 * until the order is alone dead-letters it alone; a 400 about the request as a whole (its JSON,
 * the advertiser) would fail every half — up to two requests an order, each waiting for its
 * 10-second slot — so it is not split.
 *
 * @example
 * namesOneOrder({ status: 400, headers: {}, body: '{"errors":[{"field":"orders[1].amount"}]}' }, request); // true
 */
export function namesOneOrder(response: VendorResponse, request: RequestDescriptor): boolean {
  const body = response.body ?? '';
  if (/orders\s*\[\s*\d+\s*\]/.test(body)) return true;
  return orderReferencesOf(request).some((reference) => reference.length >= 3 && holdsWord(body, reference));
}

/**
 * Awin's answer as outcomes for the orders of `request`:
 *
 * - 2xx: delivered (an HTML page in a 2xx is a proxy's, retried);
 * - 413 to several orders, or a 400 naming one order of several (namesOneOrder): split in halves;
 *   another 400: dead-lettered with Awin's words, naming what to check;
 * - 401, 403: dead-lettered naming the API key and the advertiser id; 404: the advertiser id;
 * - 429: the rate limit (no try used up, the integration slowed), after Retry-After;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyAwin({ status: 200, headers: {}, body: '{}' }, request); // { status: 'delivered' }
 */
export function classifyAwin(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const what = said(response);
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `Awin HTTP ${status} answered with an HTML page, not the Conversion API's answer (a proxy or a login page?): ${what}` };
    return { status: 'delivered' };
  }
  const transient = transientRetry(response, 'Awin', what);
  if (transient !== undefined) return transient;
  if (several && (status === 413 || (status === 400 && namesOneOrder(response, request)))) {
    return { status: 'split', reason: `Awin refused the batch of ${request.eventIds.length} orders (HTTP ${status}: ${what}); sending it in halves to find the order at fault` };
  }
  if (status === 400) {
    return { status: 'dead_letter', reason: `Awin refused the ${several ? 'batch of orders' : 'order'} (HTTP 400: ${what}): check the mapped orderReference, amount, currency, voucher and basket (the blueprint), and config.commission_group and config.custom_parameters` };
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `Awin refused the API key (HTTP 401: ${what}): check config.api_key — the token of Awin's API Credentials page (ui.awin.com/awin-api), given alone, not "Bearer …"` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Awin refused the request (HTTP 403: ${what}): the API key's user may not send orders for config.advertiser_id — check that the user has access to that advertiser account and that the account has Awin's Advertiser APIs (Accelerate and Advanced plans)` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Awin HTTP 404 (${what}): no such advertiser — check config.advertiser_id (your Awin advertiser ID, part of the path /s2s/advertiser/{advertiser_id}/orders)` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Awin HTTP ${status}: ${what}` };
}
