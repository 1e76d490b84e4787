import { parseRetryAfter } from '../delivery/retry-policy.ts';
import type { EventOutcome, VendorResponse } from './types.ts';

/** Statuses worth another try besides 5xx: request timeout and rate limiting. */
const RETRYABLE = new Set([408, 429]);

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The core's classifier for plugins that have none: 2xx → delivered; 408, 429 and 5xx → retry
 * (honouring `Retry-After`); any other status → dead letter, quoting the vendor's answer.
 *
 * @example
 * defaultClassify({ status: 503, headers: { 'retry-after': '10' }, body: '' });
 * // { status: 'retry', reason: 'HTTP 503', retryAfterMs: 10000 }
 */
export function defaultClassify(response: VendorResponse): EventOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const detail = excerpt(response.body);
  const reason = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (RETRYABLE.has(status) || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  return { status: 'dead_letter', reason };
}
