import { parseRetryAfter } from '../delivery/retry-policy.ts';
import type { ForgetOutcome, VendorResponse } from './types.ts';

/**
 * The default reading of a vendor's answer to a deletion request: 2xx done; 408, 429 and 5xx
 * tried again (not before the answer's `Retry-After`); any other status failed with what the
 * vendor said.
 *
 * @example
 * defaultForgetRead({ status: 503, headers: {}, body: 'busy' });                       // { retry: 'HTTP 503: busy' }
 * defaultForgetRead({ status: 429, headers: { 'retry-after': '120' }, body: '' });     // { retry: 'HTTP 429', afterSeconds: 120 }
 */
export function defaultForgetRead(response: VendorResponse): ForgetOutcome {
  const said = `HTTP ${response.status}${response.body.trim() === '' ? '' : `: ${response.body.trim().slice(0, 300)}`}`;
  if (response.status >= 200 && response.status < 300) return { done: true, message: said };
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const retryAfter = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    const afterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return afterMs === undefined ? { retry: said } : { retry: said, afterSeconds: Math.ceil(afterMs / 1000) };
  }
  return { failed: said };
}
