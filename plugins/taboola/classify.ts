// Taboola's answers, as its S2S docs give them ("S2S Error Codes"): the postback URL answers 204
// to a recorded conversion and 400 when the click-id or name parameter is missing or misspelled,
// the click id is not parsable, or the endpoint's name is misspelled. The bulk endpoint is not
// validated ("validation is not performed: Bulk submitting conversions") and its answer is not
// documented: any 2xx is read as recorded. Taboola documents no rate limit or 5xx: a 429 and a 5xx
// are read as HTTP means them.
import { defaultClassify, excerpt, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What Taboola said: the body's start, white space folded, or "(no body)". */
function said(response: VendorResponse): string {
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/**
 * Taboola's answer as outcomes for the conversions of `request`:
 *
 * - 2xx (204 for a postback): delivered;
 * - 400 to a postback: dead-lettered, saying what Taboola checks (the click id, the event name);
 * - 400 to a bulk request: dead-lettered (Taboola does not validate bulk conversions one by one,
 *   so the request as a whole was refused); 413 to one of several conversions: split in halves;
 * - 404 to a bulk request: dead-lettered, naming config.account_id;
 * - 429: the rate limit (no try used up, the integration slowed), after Retry-After;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyTaboola({ status: 204, headers: {}, body: '' }, postback);                        // { status: 'delivered' }
 * classifyTaboola({ status: 400, headers: {}, body: 'click-id is missing' }, postback);
 * // { status: 'dead_letter', reason: 'Taboola refused the conversion (HTTP 400: click-id is missing): … ' }
 */
export function classifyTaboola(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const what = said(response);
  const bulk = request.method === 'POST';
  const total = request.eventIds.length;

  if (status >= 200 && status < 300) return { status: 'delivered' };
  const transient = transientRetry(response, 'Taboola', what);
  if (transient !== undefined) return transient;
  if (status === 413 && total > 1) {
    return { status: 'split', reason: `Taboola refused the bulk request as too large (HTTP 413: ${what}); sending it in halves` };
  }
  if (status === 400) {
    // Taboola does not validate bulk conversions one by one, so a 400 there is about the request
    // as a whole (its JSON, the account): halving it would change nothing.
    const check = bulk
      ? 'Taboola does not validate bulk conversions one by one, so the request itself was refused: check config.account_id, or empty it to send each conversion to the postback URL, which says what it refuses'
      : 'Taboola answers 400 when the click-id or name is missing or the click id is not parsable: check that the landing URL\'s tblci carries Taboola\'s {click_id} macro unchanged, and the event name (config.event_names, the conversion\'s Event Name in Taboola Ads, case-sensitive)';
    return { status: 'dead_letter', reason: `Taboola refused the conversion (HTTP 400: ${what}): ${check}` };
  }
  if (bulk && status === 404) {
    return { status: 'dead_letter', reason: `Taboola HTTP 404 for the bulk endpoint (${what}): check config.account_id (your numeric Taboola Account ID), or empty it to send each conversion to the postback URL` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Taboola HTTP ${status}: ${what}` };
}
