// Segment's answers, as its HTTP API docs give them: "Segment returns a 200 response for all API
// requests except errors caused by large payloads and JSON errors (which return `400` responses)"
// — so a 200 means taken, and events Segment drops later (no userId or anonymousId, a track
// without `event`, an unknown write key: segmentio/analytics-go#205, 2026, answered 200
// `{"success": true}`) show only in the source's debugger; the plugin sends none of the first
// two. 400 "Bad Request" when the request or one of its events is too large, or for JSON it
// cannot read (and, per that issue, for an empty or very short write key); its body is not
// documented. 429 past the workspace's rate ("the response header contains Retry-After and
// X-RateLimit-Reset headers, which contains the number of seconds after which you can retry the
// request"); 5xx on an outage. Segment's own analytics-node (2026, "Improve HTTP response
// handling and retry behavior") retries 408, 410, 429, 460 and the 5xx except 501, 505 and 511,
// and drops every other 4xx: this classifier does the same, except that it halves a batch refused
// for its size — "Segment's API responds with `400 Bad Request` if these limits are exceeded", one
// event's 32 KB or the batch's 500 KB — so that a batch is not lost for one event. Since the body
// of that 400 is not documented, a bare one (empty, or just "Bad Request") is read as Segment's
// size answer too; a 400 that says something else (JSON Segment could not read, a proxy's error)
// is about the whole request and dead-letters it with what it said.
import { excerpt, parseRetryAfter, responseHeader, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** A 400 about size: one event (or the request) over Segment's limits. */
const TOO_LARGE = /exceed|too (?:large|big)|payload limit|size/i;
/** A 400 that says nothing but its status: Segment's documented "400 Bad Request" for size. */
const BARE = /^(?:bad request\.?)?$/i;
/** 4xx Segment's own libraries send again: timeout, 410 and 460 (its edge's), rate limit. */
const RETRIED_4XX = new Set([408, 410, 429, 460]);
/** 5xx Segment's own libraries do not send again: not implemented, HTTP version, network auth. */
const FINAL_5XX = new Set([501, 505, 511]);

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
  return parseRetryAfter(responseHeader(response.headers, 'retry-after'), now) ?? parseRetryAfter(responseHeader(response.headers, 'x-ratelimit-reset'), now);
}

/**
 * Whether a 2xx is Segment's own answer: a JSON object, `{"success": true}` as Segment is seen
 * answering every request it can parse, or no body at all (Segment documents the 200, not its
 * body: an empty answer is not refused on a guess, as it would dead-letter every batch). A web
 * page or other text (a proxy's or a captive portal's), or `success: false`, says nothing of
 * the events' being taken.
 */
function isSegmentSuccess(response: VendorResponse): boolean {
  if ((response.body ?? '').trim() === '') return true;
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  return (json as Record<string, unknown>).success !== false;
}

/**
 * Segment's answers, per request. 2xx delivered when it is Segment's (a JSON object or no body, see
 * `isSegmentSuccess`); any other 2xx (a proxy's page) sent again, quoting it. 413, or a 400 about size or bare (see the file's
 * comment): a request of several events is sent again in halves (Segment names no event), down
 * to one event, dead-lettered as too large; any other 400 dead-letters the request's events with
 * Segment's words. 401 and 403: the write key, named. 404: the endpoint of config.region. 408, 410, 429, 460 and 5xx
 * (but 501, 505, 511): retried, after Retry-After or X-RateLimit-Reset (a 429 uses up no try).
 * Any other status: dead-lettered with Segment's message.
 *
 * @example
 * classifySegment({ status: 401, headers: {}, body: 'Unauthorized' }, request, ctx.now);
 * // { status: 'dead_letter', reason: 'Segment refused the write key (HTTP 401: Unauthorized): check config.write_key …' }
 */
export function classifySegment(response: VendorResponse, request: RequestDescriptor, now: number): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (isSegmentSuccess(response)) return { status: 'delivered' };
    const body = excerpt(response.body ?? '');
    return { status: 'retry', reason: `HTTP ${status} with ${body === '' ? 'no body' : body}: not Segment's answer ({"success": true}) — a proxy? — so the batch is sent again (Segment drops a messageId it already has)` };
  }
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status === 400 || status === 413) {
    const aboutSize = status === 413 || TOO_LARGE.test(said) || BARE.test(said);
    const several = request.eventIds.length > 1;
    if (aboutSize && several) return { status: 'split', reason: `Segment refused the batch (${answered}), as it does one over its size limits: sending it in halves to find the event too large` };
    if (aboutSize) return { status: 'dead_letter', reason: `Segment refused this event alone (${answered}), as it does an event over 32 KB — leave its largest properties out with a pipeline transformation or the blueprint's exclude — or a write key it cannot read (check config.write_key)` };
    return { status: 'dead_letter', reason: `Segment refused the ${several ? 'request' : 'event'} (${answered})` };
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Segment refused the write key (${answered}): check config.write_key (the source's Settings > API Keys) and that config.region is the workspace's; replay the dead letters once fixed` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Segment has no batch endpoint at ${request.url} (${answered}): check config.region` };
  }
  if (RETRIED_4XX.has(status) || (status >= 500 && status < 600 && !FINAL_5XX.has(status))) {
    const wait = retryAfterMs(response, now);
    const reason = `Segment ${status === 429 ? 'rate-limited the request' : 'failed'} (${answered})`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  return { status: 'dead_letter', reason: `Segment refused the request (${answered})` };
}
