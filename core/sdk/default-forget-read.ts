import type { ForgetOutcome, VendorResponse } from './types.ts';

/**
 * The default reading of a vendor's answer to a deletion request: 2xx done; 408, 429 and 5xx
 * tried again; any other status failed with what the vendor said.
 *
 * @example
 * defaultForgetRead({ status: 503, headers: {}, body: 'busy' }); // { retry: 'HTTP 503: busy' }
 */
export function defaultForgetRead(response: VendorResponse): ForgetOutcome {
  const said = `HTTP ${response.status}${response.body.trim() === '' ? '' : `: ${response.body.trim().slice(0, 300)}`}`;
  if (response.status >= 200 && response.status < 300) return { done: true, message: said };
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: said };
  return { failed: said };
}
