// Outbrain's answers. Outbrain documents none for its S2S endpoint: a 2xx is read as recorded
// (the endpoint is the pixel's, which answers 200), a 400 as a conversion it refuses (the click
// id, the name), a 429 as its rate limit, a 5xx and a 408 as passing trouble; any other 4xx is
// dead-lettered with what Outbrain said.
import { defaultClassify, excerpt, transientRetry, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What Outbrain said: the body's start, white space folded, or "(no body)". */
function said(response: VendorResponse): string {
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/**
 * Outbrain's answer as the outcome of the conversion of `request` (one a request):
 *
 * - 2xx: delivered;
 * - 400: dead-lettered, saying what to check (the tracking code's click id macro, the conversion name);
 * - 429: the rate limit (no try used up, the integration slowed), after Retry-After;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyOutbrain({ status: 200, headers: {}, body: '' }, request);                  // { status: 'delivered' }
 * classifyOutbrain({ status: 400, headers: {}, body: 'invalid click id' }, request);
 * // { status: 'dead_letter', reason: 'Outbrain refused the conversion (HTTP 400: invalid click id): check … ' }
 */
export function classifyOutbrain(response: VendorResponse, _request: RequestDescriptor): Classification {
  const { status } = response;
  const what = said(response);

  if (status >= 200 && status < 300) return { status: 'delivered' };
  const transient = transientRetry(response, 'Outbrain', what);
  if (transient !== undefined) return transient;
  if (status === 400) {
    return {
      status: 'dead_letter',
      reason: `Outbrain refused the conversion (HTTP 400: ${what}): check that the campaign's tracking code carries Outbrain's {{ob_click_id}} macro unchanged (OutbrainClickId={{ob_click_id}}), and the conversion name (config.event_names, the Name of an Event-Based Conversion in Outbrain, matched exactly)`,
    };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Outbrain HTTP ${status}: ${what}` };
}
