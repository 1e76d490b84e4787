import { responseHeader } from './response-header.ts';
import { parseRetryAfter } from '../delivery/retry-policy.ts';
import type { EventOutcome, VendorResponse } from './types.ts';

/** Statuses worth another try besides 5xx: request timeout and rate limiting. */
const RETRYABLE = new Set([408, 429]);
/** How much of the vendor's body a reason quotes. */
const EXCERPT_CHARS = 200;

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/**
 * The core's classifier for plugins that have none, and a fallback for those that do:
 * 2xx → delivered; 408, 429 and 5xx → retry, honouring `Retry-After` (seconds or an HTTP-date)
 * as `retryAfterMs`; any other status → dead letter. Reasons quote the status and the first
 * 200 characters of the body.
 *
 * @example
 * defaultClassify({ status: 503, headers: { 'retry-after': '10' }, body: '' });
 * // { status: 'retry', reason: 'HTTP 503', retryAfterMs: 10000 }
 * defaultClassify({ status: 400, headers: {}, body: '{"error":"missing event_type"}' });
 * // { status: 'dead_letter', reason: 'HTTP 400: {"error":"missing event_type"}' }
 */
export function defaultClassify(response: VendorResponse): EventOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const detail = excerpt(response.body ?? '');
  const reason = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (RETRYABLE.has(status) || (status >= 500 && status < 600)) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  return { status: 'dead_letter', reason };
}
