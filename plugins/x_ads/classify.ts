// X's answers to POST /<version>/measurement/conversions/:pixel_id, as its Ads API documents
// them: 200 with `{ data: { conversions_processed, debug_id }, request: { params } }`; errors as
// `{ errors: [{ code, message, parameter? }], request }` with a CAPS_CASE code (INVALID_PARAMETER,
// UNAUTHORIZED_ACCESS, TOO_MANY_REQUESTS, …) — or, from X's OAuth layer, a numeric one (32
// "Could not authenticate you.", 89 "Invalid or expired token.", 135 "Timestamp out of
// bounds."). The Conversion API's 400 messages: "At least one user identifier must be provided",
// "Hashed_email is not a valid SHA-256 hash", "Event_id (<event_id>) is not a single event tag
// (SET)", "Conversion count limit is 500", "Event ID was not found", "Expected Time in
// yyyy-MM-ddTHH:mm:ss.SSSZ, got … for conversion_time"; its 404s: "event_id (<id>) does not
// belong to provided account", "User <id> does not have access to account <id>". A request with
// one invalid conversion is refused whole, "a list of all applicable errors" in its answer, each
// naming the field in `parameter` (event_id, hashed_email, conversion_time), never the
// conversion. Rate limits: 429 with X's `x-rate-limit-reset` (epoch seconds) rather than
// Retry-After.
import { defaultClassify, excerpt, isJsonObject, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiVersionOf, pixelTokenOf } from './config.ts';

/** How much of X's body a reason quotes when its answer is not the documented JSON. */
const EXCERPT_CHARS = 300;
/** How long a 429 waits when X says nothing of when its window resets: a minute. */
const RATE_LIMIT_WAIT_MS = 60_000;
/** X's rate limit windows are 15 minutes: a reset further ahead than that is no reset time. */
const MAX_RESET_MS = 15 * 60_000;
/** Headers carrying the epoch second a rate limit window resets, the account's first. */
const RESET_HEADERS = ['x-account-rate-limit-reset', 'x-rate-limit-reset', 'x-cost-rate-limit-reset'];
/** A conversion's place in an error's parameter or message: `conversions[3]`, `conversions.3`. */
const CONVERSION_INDEX = /conversions?\s*(?:\[\s*(\d+)\s*\]|\.(\d+)\b)/i;

interface XError {
  code?: unknown;
  message?: unknown;
  parameter?: unknown;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The `errors` entries of X's answer (also a lone `error` object), each as `{ code, message, parameter }`. */
function errorsOf(json: unknown): XError[] {
  if (!isJsonObject(json)) return [];
  if (Array.isArray(json.errors)) return json.errors.filter(isJsonObject) as XError[];
  if (isJsonObject(json.error)) return [json.error as XError];
  return [];
}

/** One error as a clause: `CODE: message (parameter)`. */
function errorText(error: XError): string {
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : '';
  const message = typeof error.message === 'string' ? oneLine(error.message) : '';
  const parameter = typeof error.parameter === 'string' && error.parameter !== '' ? ` (${error.parameter})` : '';
  return `${[code, message].filter(Boolean).join(': ')}${parameter}`;
}

/** What X said: each error as a clause, or the body's start when the answer is not X's JSON. */
function said(errors: XError[], body: string): string {
  const clauses = errors.map(errorText).filter(Boolean);
  if (clauses.length > 0) return clauses.join('; ');
  const text = oneLine(body);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/** Whether any error carries `code` (X's CAPS_CASE constant, or its OAuth layer's number). */
const hasCode = (errors: XError[], ...codes: Array<string | number>) => errors.some((e) => codes.some((code) => String(e.code) === String(code)));
/** Whether any error's message matches. */
const says = (errors: XError[], pattern: RegExp) => errors.some((e) => typeof e.message === 'string' && pattern.test(e.message));

/**
 * How long until the rate limit lets requests through: Retry-After, else X's reset header (the
 * epoch second the window resets, counted from the delivery's clock), else undefined.
 */
function rateLimitWaitMs(headers: Record<string, string>, now: number): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(headers, 'retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  for (const name of RESET_HEADERS) {
    const value = responseHeader(headers, name);
    if (value === undefined || !/^\s*\d+\s*$/.test(value)) continue;
    const wait = Number(value) * 1000 - now;
    if (wait > 0 && wait <= MAX_RESET_MS) return wait;
  }
  return undefined;
}

/**
 * The conversions the errors name by their place in the request, with X's words for each, when
 * every error names one of them; undefined otherwise (an error about the request, or a place out
 * of range). X's documented errors name the field, not the conversion (`"parameter":
 * "hashed_email"`): this reads the forms a place would take (`conversions[3].identifiers`), should
 * X add one, and the batch is halved otherwise.
 */
function refusedConversions(errors: XError[], count: number): Map<number, string[]> | undefined {
  if (errors.length === 0) return undefined;
  const refused = new Map<number, string[]>();
  for (const error of errors) {
    const match = CONVERSION_INDEX.exec(`${typeof error.parameter === 'string' ? error.parameter : ''} ${typeof error.message === 'string' ? error.message : ''}`);
    const index = match ? Number(match[1] ?? match[2]) : NaN;
    if (!Number.isInteger(index) || index >= count) return undefined;
    refused.set(index, [...(refused.get(index) ?? []), errorText(error)]);
  }
  return refused;
}

/** The event id the request's conversions count for (send groups them by event id). */
function eventIdOfRequest(request: RequestDescriptor): string {
  const body = request.body as JsonValue | undefined;
  const conversions = isJsonObject(body) && Array.isArray(body.conversions) ? body.conversions : [];
  const first: unknown = conversions[0];
  return isJsonObject(first) && typeof first.event_id === 'string' ? first.event_id : '(unknown)';
}

/** The context the classifier reads: the config (pixel and version) and the delivery's clock. */
export interface ClassifyContext {
  config: Record<string, JsonValue>;
  now: number;
}

/**
 * X's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered (`conversions_processed` and `debug_id` stay in the delivery log); a 2xx that
 *   is no JSON object (a proxy's page) is sent again;
 * - 429 (and a 420 or a TOO_MANY_REQUESTS code): the rate limit, handled as a 429 (no try used
 *   up, the integration slowed) until Retry-After or X's `x-rate-limit-reset`, else a minute;
 * - 5xx, 408 and 423 (LOCK_ACQUISITION_TIMEOUT): retried, honouring Retry-After;
 * - 401 and 403 with the pixel's access token: dead-lettered naming config.pixel_access_token;
 * - 401 "Timestamp out of bounds" (code 135): retried: the request was signed with the
 *   delivery's clock, and the next try signs afresh;
 * - 401 otherwise (32 "Could not authenticate you.", 89 "Invalid or expired token.",
 *   UNAUTHORIZED_ACCESS): dead-lettered saying which credentials to check;
 * - 403: dead-lettered: the app's Ads API access, the user's role on the ad account;
 * - 404 (and 410): dead-lettered: an event id of another ad account (naming it and
 *   `config.conversion_events`), a user without access to the pixel's ad account, else the
 *   pixel id or an Ads API version X no longer serves;
 * - 400 "is not a single event tag (SET)" or a missing event id: dead-lettered naming the event
 *   id in `config.conversion_events`;
 * - 400 naming refused conversions by their place: those dead-lettered with X's words, the others
 *   sent again (X recorded none of the request);
 * - 400 "Conversion count limit", other 400s in X's error shape, and 413: split until the
 *   refused conversion is alone, which is dead-lettered with X's words;
 * - other 4xx: dead-lettered with what X said.
 *
 * @example
 * classifyX({ status: 400, headers: {}, body: '…', json: { errors: [{ code: 'INVALID_PARAMETER', message: 'Event_id (o87ne) is not a single event tag (SET)' }] } }, request, ctx);
 * // { status: 'dead_letter', reason: 'X refused event id o87ne (HTTP 400, INVALID_PARAMETER: Event_id (o87ne) is not a single event tag (SET)): …' }
 */
export function classifyX(response: VendorResponse, request: RequestDescriptor, ctx: ClassifyContext): Classification {
  const { status } = response;
  const errors = errorsOf(response.json);
  const what = said(errors, response.body ?? '');
  const headers = response.headers ?? {};
  const count = request.eventIds.length;
  const several = count > 1;
  const pixel = typeof ctx.config.pixel_id === 'string' ? ctx.config.pixel_id.trim() : '(none)';

  if (status >= 200 && status < 300) {
    // X answers every request it takes with its JSON (`data.conversions_processed`): a body that is
    // no JSON object (a proxy's or captive portal's page) recorded nothing.
    const json = response.json;
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) return { status: 'delivered' };
    return { status: 'retry', reason: `HTTP ${status} without X's JSON answer (conversions_processed)${(response.body ?? '').trim() ? `: ${excerpt(response.body ?? '')}` : ''} — not X's answer (a proxy?), so the conversions are sent again (each with its conversion_id)` };
  }
  if (status === 429 || status === 420 || hasCode(errors, 'TOO_MANY_REQUESTS', 88)) {
    return { status: 'retry', reason: `X rate limit reached (HTTP ${status}, ${what}): X counts requests per ad account in 15-minute windows`, retryAfterMs: rateLimitWaitMs(headers, ctx.now) ?? RATE_LIMIT_WAIT_MS, throttled: true };
  }
  // 423: the Ads API's LOCK_ACQUISITION_TIMEOUT, a lock it could not take in time: passing.
  if (status >= 500 || status === 408 || status === 423) {
    const wait = parseRetryAfter(responseHeader(headers, 'retry-after'));
    const reason = `X HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  const byToken = pixelTokenOf(ctx.config) !== undefined;
  if (status === 401 && byToken) {
    return { status: 'dead_letter', reason: `X refused the pixel's Conversion API access token (HTTP 401, ${what}). Check config.pixel_access_token: a token Events Manager generated for pixel ${pixel} (Install Pixel > Manual > Conversions API > Generate access token), copied whole; generate a new one if it was revoked. Fix it in a new revision, then replay the dead letters` };
  }
  if (status === 403 && byToken) {
    return { status: 'dead_letter', reason: `X refused to record conversions for pixel ${pixel} with this access token (HTTP 403, ${what}). Check that config.pixel_access_token was generated in Events Manager for this pixel's ad account; then replay the dead letters` };
  }
  if (status === 401) {
    if (hasCode(errors, 135) || says(errors, /timestamp/i)) {
      return { status: 'retry', reason: `X refused the request's OAuth timestamp (HTTP 401, ${what}): it was signed with this delivery's clock, and the next try signs it afresh; if this keeps happening, check the clock of Signal's worker hosts` };
    }
    return { status: 'dead_letter', reason: `X refused the OAuth 1.0a credentials (HTTP 401, ${what}). Check config.consumer_key and config.consumer_secret (the app's API Key and Secret) and config.access_token and config.access_token_secret (a user's Access Token and Secret generated for that app, in the X Developer Console's Keys and tokens, or by the user authorising the app); regenerating any of them revokes the old value. Fix them in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `X refused to record conversions for pixel ${pixel} with these credentials (HTTP 403, ${what}). Check that the app has Ads API access (granted by X on request), and that the user whose access token Signal signs with holds the AD_MANAGER or ACCOUNT_ADMIN role on the ad account that owns the pixel; then replay the dead letters` };
  }
  if (status === 404 || status === 410) {
    // X's documented 404s: an event id of another ad account ("event_id (abc) does not belong
    // to provided account", parameter event_id), a user without access to the pixel's ad
    // account ("User … does not have access to account …"), and a route it does not serve.
    if (errors.some((e) => e.parameter === 'event_id') || says(errors, /event[_ ]id.*(does not belong|not found)/i)) {
      return { status: 'dead_letter', reason: `X refused event id ${eventIdOfRequest(request)} (HTTP ${status}, ${what}): config.conversion_events must name events of pixel ${pixel}, as Events Manager shows their ID (tw-<pixel id>-<event id>); fix it in a new revision, then replay the dead letters` };
    }
    if (says(errors, /does not have access to account/i)) {
      const fix = byToken
        ? 'generate config.pixel_access_token in Events Manager for this pixel'
        : 'give that user the AD_MANAGER or ACCOUNT_ADMIN role on the ad account, or use the credentials of a user who has it';
      return { status: 'dead_letter', reason: `X says the credentials' user cannot reach the ad account of pixel ${pixel} (HTTP ${status}, ${what}): ${fix}; then replay the dead letters` };
    }
    return { status: 'dead_letter', reason: `X found no conversions endpoint for pixel ${pixel} in Ads API version ${apiVersionOf(ctx.config)} (HTTP ${status}, ${what}): check config.pixel_id (Events Manager shows the X Pixel's ID, e.g. o8z6j) and config.api_version (a version X still serves); then replay the dead letters` };
  }
  if (status === 400 || status === 422) {
    if (says(errors, /single event tag|\(SET\)|event[_ ]id/i) && !says(errors, /identifier|hash/i)) {
      const eventId = eventIdOfRequest(request);
      return { status: 'dead_letter', reason: `X refused event id ${eventId} (HTTP ${status}, ${what}): config.conversion_events must name events of pixel ${pixel} created in Events Manager (their ID, tw-<pixel id>-<event id>); fix it in a new revision, then replay the dead letters` };
    }
    const refused = says(errors, /count limit/i) ? undefined : refusedConversions(errors, count);
    if (refused !== undefined) {
      const perEvent: Record<string, EventOutcome> = {};
      request.eventIds.forEach((id, index) => {
        const why = refused.get(index);
        perEvent[id] = why !== undefined
          ? { status: 'dead_letter', reason: `X refused the conversion (HTTP ${status}): ${why.join('; ')}` }
          : { status: 'resend', reason: `X refused the whole request (HTTP ${status}) for ${refused.size === 1 ? 'another conversion' : `${refused.size} other conversions`} of it, so this one was not recorded: sending it again without ${refused.size === 1 ? 'it' : 'them'}` };
      });
      return { perEvent };
    }
  }
  // X's refusal of the request's content without naming the conversion: halves find it, since X
  // refuses a whole request for one invalid conversion (and for more than 500). Another 400 (a
  // proxy's page, no X error) is dead-lettered: halving it would change nothing.
  if (status === 413 || ((status === 400 || status === 422) && errors.length > 0)) {
    if (several) return { status: 'split', reason: `X refused the request (HTTP ${status}, ${what}) without naming the conversion; sending it in halves to find it` };
    return { status: 'dead_letter', reason: `X refused the conversion (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `X HTTP ${status}: ${what}` };
}
