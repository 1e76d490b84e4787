// Segment's answers, as its HTTP API docs give them: "Segment returns a 200 response for all API
// requests except errors caused by large payloads and JSON errors (which return 400 responses)"
// — so a 200 means taken, and events Segment drops later (no userId or anonymousId, a track
// without `event`) show only in the source's debugger; the plugin sends neither. 400 "Bad
// Request" when a request or one of its events is too large (analytics.js's text for an event
// over 32 KB: "Exceed payload limit"), or for JSON it cannot read; 429 past the workspace's rate
// ("the response header contains Retry-After and X-RateLimit-Reset headers, which contains the
// number of seconds after which you can retry the request"); 5xx on an outage. The body may be
// text or JSON.
import { defaultClassify, parseRetryAfter, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of Segment's answer a reason quotes. */
const EXCERPT_CHARS = 300;
/** A 400 about size: one event (or the request) over Segment's limits. */
const TOO_LARGE = /exceed|too (?:large|big)|payload limit|size/i;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/**
 * Segment's own words in an answer: the Public API's `errors[].message`, a JSON `message` or
 * `error`, else the body's text.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body: '{"errors":[{"type":"validation","message":"subjectIds is required"}]}', json: { errors: [{ type: 'validation', message: 'subjectIds is required' }] } });
 * // 'subjectIds is required'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    if (Array.isArray(answer.errors)) {
      const messages = answer.errors.map((e) => (e !== null && typeof e === 'object' ? (e as Record<string, unknown>).message : undefined)).filter((m): m is string => typeof m === 'string' && m.trim() !== '');
      if (messages.length > 0) return excerpt(messages.join('; '));
    }
    for (const key of ['message', 'error']) {
      const value = answer[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * How long to wait, in ms, by the answer's `Retry-After` or, failing that, its
 * `X-RateLimit-Reset` — seconds (the Tracking API) or a date (the Public API: "RFC 5322
 * timestamp for when the quota resets"), read against `now`; undefined when neither says.
 *
 * @example
 * retryAfterMs({ status: 429, headers: { 'x-ratelimit-reset': '30' }, body: '' }, now); // 30000
 */
export function retryAfterMs(response: VendorResponse, now: number): number | undefined {
  return parseRetryAfter(header(response.headers, 'retry-after'), now) ?? parseRetryAfter(header(response.headers, 'x-ratelimit-reset'), now);
}

/**
 * Segment's answers, per request. 2xx delivered. 400 about size: a request of several events is
 * sent again in halves (down to an event too large alone, dead-lettered with Segment's words);
 * any other 400 dead-letters the request's events with Segment's message. 401 and 403: the write
 * key, named. 404: the endpoint of config.region. 413: halves, or a single event dead-lettered.
 * 408, 429 and 5xx: retried, after Retry-After or X-RateLimit-Reset (a 429 uses up no try). Any
 * other 4xx: dead-lettered with Segment's message.
 *
 * @example
 * classifySegment({ status: 401, headers: {}, body: 'Unauthorized' }, request, ctx.now);
 * // { status: 'dead_letter', reason: 'Segment refused the write key (HTTP 401: Unauthorized): check config.write_key …' }
 */
export function classifySegment(response: VendorResponse, request: RequestDescriptor, now: number): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 400 || status === 413) {
    if (several && (status === 413 || TOO_LARGE.test(said))) return { status: 'split', reason: `Segment refused the batch as too large (${answered}): sending it in halves` };
    if (status === 413 || TOO_LARGE.test(said)) return { status: 'dead_letter', reason: `Segment refused this event alone as too large (${answered}): it takes 32 KB an event — leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
    return { status: 'dead_letter', reason: `Segment refused the ${several ? 'request' : 'event'} (${answered})` };
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Segment refused the write key (${answered}): check config.write_key (the source's Settings > API Keys) and that config.region is the workspace's; replay the dead letters once fixed` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Segment has no batch endpoint at ${request.url} (${answered}): check config.region` };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const wait = retryAfterMs(response, now);
    const reason = `Segment ${status === 429 ? 'rate-limited the request' : 'failed'} (${answered})`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `Segment refused the request (${answered})` } : classified;
}
