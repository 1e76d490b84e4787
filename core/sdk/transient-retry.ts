import { parseRetryAfter } from '../delivery/retry-policy.ts';
import { responseHeader } from './response-header.ts';
import type { EventOutcome, VendorResponse } from './types.ts';

/**
 * A vendor's answer that a later try may fix, as the retry the core takes: a 429 as the
 * vendor's rate limit (`throttled`: no try used up, the integration slowed down), a 5xx or a
 * 408 as passing trouble, each not before the answer's `Retry-After` when it gives one;
 * undefined for any other status, which the plugin's classifier reads on. `said` is what the
 * vendor said (its message, or the body's start), quoted in the reason.
 *
 * @example
 * transientRetry({ status: 429, headers: { 'retry-after': '7' }, body: '' }, 'Branch', 'Rate limit reached.');
 * // { status: 'retry', reason: 'Branch rate limit reached (HTTP 429: Rate limit reached.)', retryAfterMs: 7000, throttled: true }
 * transientRetry({ status: 503, headers: {}, body: '' }, 'Branch', '(no body)');
 * // { status: 'retry', reason: 'Branch HTTP 503: (no body)' }
 * transientRetry({ status: 400, headers: {}, body: '' }, 'Branch', '(no body)'); // undefined
 */
export function transientRetry(response: VendorResponse, vendor: string, said: string): EventOutcome | undefined {
  const { status } = response;
  const throttled = status === 429;
  if (!throttled && status !== 408 && !(status >= 500 && status < 600)) return undefined;
  const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
  const reason = throttled ? `${vendor} rate limit reached (HTTP 429: ${said})` : `${vendor} HTTP ${status}: ${said}`;
  return {
    status: 'retry', reason,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
    ...(throttled ? { throttled: true } : {}),
  };
}
