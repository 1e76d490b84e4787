// TikTok's answers, read as its Business API documents them: HTTP 200 with a JSON envelope
// `{ code, message, request_id, data }` whose `code` says what happened ("the return code takes
// precedence over the HTTP status"); an HTTP 4xx or 5xx means the request never reached the
// API (a wrong path, a gateway fault).
import { defaultClassify, trimmedText, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

// Codes as TikTok's Business API SDK names them (tiktok/tiktok-business-api-sdk,
// tiktok_business/tiktok_code.py).

/** Success (0), and TikTok's "partially successful" (20001, PARTIAL_OK: TikTok documents no list of refused events in it, so nothing to retry). */
const OK = new Set([0, 20001]);
/**
 * Rate limits: 40100 (REQUEST_TOO_FREQUENT), 40016 (BIZ_FC_ERROR, the app's flow control),
 * 40132 (REQUEST_FREQUENCY_LIMITED: "The request QPS is limited by pixel_code's value"),
 * 61000 (TOO_MANY_REQUESTS_BL), and 40133, answered with an advertiser's QPS message though
 * the SDK's list does not name it (read as a rate limit, it costs a wait; read as anything
 * else, the events).
 */
const THROTTLED = new Set([40016, 40100, 40132, 40133, 61000]);
/** The token itself: expired (40102), missing (40104), invalid (40105). A new token fixes it. */
const TOKEN_PROBLEM = new Set([40102, 40104, 40105]);
/** Permission: the token cannot send events to this pixel (40001), or the app or advertiser may not use the API. */
const NO_PERMISSION = new Set([40001, 40003, 40117, 40118, 40125, 40130]);
/**
 * The app, user or identity behind the token, as the SDK names them: a new token does not
 * necessarily fix these, so the reason gives TikTok's message and no remedy it cannot vouch for.
 */
const ACCOUNT_PROBLEM = new Map([
  [40101, 'INVALID_PARTNER'], [40106, 'INVALID_CORE_USER'], [40107, 'INVALID_REFRESH_TOKEN'], [40113, 'APP_FORBIDDEN'], [40119, 'NOT_SAME_IDENTITY'],
]);
/** 40006, VERSION_ERROR: about the API version the request went to, never about one event. */
const VERSION_ERROR = 40006;
/**
 * Parameter errors: TikTok refuses the whole request for one invalid event, so a batch is sent
 * in halves until the event it refuses is alone. 40700 (RPC_VALIDATION_ERROR) is TikTok's
 * "internal service validation error" (its remedy: fix the parameters).
 */
const INVALID = new Set([40000, 40002, 40011, 40061, 40062, 40700]);
/**
 * A parameter error about the request's envelope rather than an event: its message names the
 * pixel, the event source, the token or the test event code, and no `data.<n>` path. Halving
 * the batch would not change it (a batch of 1,000 would cost 1,999 requests to learn that).
 */
const ENVELOPE_FIELD = /\b(?:event_source_id|event_source|pixel_code|pixel|access[_ -]?token|test_event_code)\b/i;
const EVENT_PATH = /\bdata\s*(?:\.|\[)\s*\d/i;
/** "Write or update entity conflict": TikTok says a retry may resolve it. */
const CONFLICT = 40202;
/** "The system is in maintenance": wait (five minutes, as TikTok advises for its outages) and retry. */
const MAINTENANCE = 60001;

/** How long TikTok's documented recovery takes: the current second (QPS), 5 minutes (QPM), the next UTC midnight (QPD). */
function throttleWaitMs(code: number, message: string, now: number): number {
  if (/\bQPD\b|per day|daily/i.test(message)) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return Math.max(1_000, midnight.getTime() - now);
  }
  if (/\bQPM\b|per minute/i.test(message)) return 300_000;
  // The pixel's own limit (40132) and 61000 are imposed for a while, not for the second: a minute.
  return code === 40132 || code === 61000 ? 60_000 : 1_000;
}

interface TikTokEnvelope {
  code?: unknown;
  message?: unknown;
  request_id?: unknown;
}

function envelopeOf(json: unknown): TikTokEnvelope | undefined {
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as TikTokEnvelope) : undefined;
}

/**
 * Outcomes for TikTok's answer to a `/event/track/` request.
 *
 * - code 0 (and 20001, partial success) → delivered;
 * - 40016, 40100, 40132, 40133, 61000 (rate limits, answered with HTTP 200) → retried as a 429
 *   (`throttled`), after TikTok's documented recovery: the second, 5 minutes (QPM) or the next
 *   UTC midnight (QPD), a minute for 40132 and 61000;
 * - the token (40102, 40104, 40105: expired, missing, invalid) → dead letter: generate a new token;
 * - no permission (40001, 40003, 40117, 40118, 40125, 40130) → dead letter: the token and the
 *   pixel code do not belong together;
 * - the app or identity behind the token (40101, 40106, 40107, 40113, 40119) → dead letter with
 *   TikTok's message and the SDK's name for the code;
 * - 40007 (the pixel does not exist) → dead letter: check config.pixel_code;
 * - 40006 (API version) → dead letter at once, whatever the batch;
 * - a parameter error (40000, 40002, 40011, 40061, 40062, 40700) whose message names the
 *   pixel, event source, token or test event code and no `data.<n>` → dead letter at once;
 *   any other → the batch is split until the refused event is alone, which is dead-lettered
 *   with TikTok's message;
 * - 40202, 5xxxx and 60001 → retried; any other code → dead letter with TikTok's message;
 * - no envelope: HTTP 401/403 → dead letter (the token), 413 → split, a 2xx whose body is not
 *   JSON (empty, an HTML page: a proxy's, not TikTok's) → retried, other answers as the core's
 *   default (2xx delivered, 408/429/5xx retried, other 4xx dead-lettered).
 *
 * @example
 * classifyTikTok({ status: 200, headers: {}, body: '', json: { code: 40100, message: 'Too many requests.' } }, request, Date.now());
 * // { status: 'retry', reason: 'TikTok throttled the request (code 40100): Too many requests.', retryAfterMs: 1000, throttled: true }
 */
export function classifyTikTok(response: VendorResponse, request: RequestDescriptor, now: number): Classification {
  const envelope = envelopeOf(response.json);
  const code = typeof envelope?.code === 'number' ? envelope.code : undefined;
  if (code === undefined) return classifyStatus(response, request);
  const said = trimmedText(envelope?.message)?.slice(0, 500) ?? response.body.slice(0, 300);
  const trace = typeof envelope?.request_id === 'string' && envelope.request_id !== '' ? ` (request_id ${envelope.request_id})` : '';
  if (OK.has(code)) return { status: 'delivered' };
  if (THROTTLED.has(code)) {
    return { status: 'retry', reason: `TikTok throttled the request (code ${code}): ${said}`, retryAfterMs: throttleWaitMs(code, said, now), throttled: true };
  }
  // TikTok's message then what to fix, one sentence each (its message may end in a full stop).
  const clause = said.replace(/[.\s]+$/, '');
  if (TOKEN_PROBLEM.has(code)) {
    return { status: 'dead_letter', reason: `TikTok refused the access token (code ${code}): ${clause}. Generate a new token in TikTok Events Manager (your pixel > Settings > Events API > Generate Access Token), then update config.access_token${trace}` };
  }
  if (NO_PERMISSION.has(code)) {
    return { status: 'dead_letter', reason: `TikTok: no permission (code ${code}): ${clause}. Check that config.pixel_code is the pixel the access token was generated for, and that its owner may send its events${trace}` };
  }
  const account = ACCOUNT_PROBLEM.get(code);
  if (account) {
    return { status: 'dead_letter', reason: `TikTok refused the request's app or account (code ${code}, ${account}): ${clause}. Not a problem with the events: check in TikTok Events Manager that the pixel and its access token are active and belong to the same business account, and quote the request_id to TikTok's support if they do${trace}` };
  }
  if (code === 40007) return { status: 'dead_letter', reason: `TikTok: the pixel does not exist (code 40007): ${clause}. Check config.pixel_code (Events Manager > Web Events: the code under the pixel's name)${trace}` };
  if (code === VERSION_ERROR) {
    return { status: 'dead_letter', reason: `TikTok refused the request's API version (code 40006): ${clause}. Not a problem with the events: the plugin sends to /open_api/v1.3/event/track/; replay the dead letters once Signal sends to a version TikTok takes${trace}` };
  }
  if (INVALID.has(code)) {
    if (ENVELOPE_FIELD.test(said) && !EVENT_PATH.test(said)) {
      return { status: 'dead_letter', reason: `TikTok refused the request (code ${code}): ${clause}. It names the request's pixel, event source or token, not an event: check config.pixel_code (the Pixel Code, not the numeric ID), config.access_token and config.test_event_code${trace}` };
    }
    if (request.eventIds.length > 1) return { status: 'split', reason: `TikTok refused the batch (code ${code}): ${said}; sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `TikTok refused the event (code ${code}): ${said}${trace}` };
  }
  if (code === CONFLICT || (code >= 50000 && code < 60000)) return { status: 'retry', reason: `TikTok: temporary error (code ${code}): ${said}${trace}` };
  if (code === MAINTENANCE) return { status: 'retry', reason: `TikTok is in maintenance (code 60001): ${said}`, retryAfterMs: 300_000 };
  return { status: 'dead_letter', reason: `TikTok refused the request (code ${code}): ${said}${trace}` };
}

/** An answer without TikTok's envelope: the request did not reach the API. */
function classifyStatus(response: VendorResponse, request: RequestDescriptor): Classification {
  if (response.status === 401 || response.status === 403) {
    return { status: 'dead_letter', reason: `TikTok refused the request (HTTP ${response.status}): check config.access_token (Events Manager > your pixel > Settings > Events API)` };
  }
  if (response.status === 413 && request.eventIds.length > 1) return { status: 'split', reason: 'TikTok: request too large (HTTP 413); sending it in halves' };
  // TikTok answers every request it reads with a JSON envelope: a 2xx whose body is no JSON at
  // all (nothing, an HTML page) is someone else's answer (a proxy, a captive portal), and the
  // events may not have reached TikTok. A retry TikTok did receive after all is deduplicated by
  // event_id. (A JSON body without `code` goes by the core's default, as every plugin's 2xx.)
  if (response.status >= 200 && response.status < 300 && response.json === undefined) {
    return { status: 'retry', reason: `TikTok: HTTP ${response.status} without TikTok's JSON { code, message } envelope (not TikTok's answer: a proxy or gateway page?): ${response.body.trim().slice(0, 200) || 'empty body'}` };
  }
  const classified = defaultClassify(response);
  return 'reason' in classified ? { ...classified, reason: `TikTok ${classified.reason}` } : classified;
}
