// Campaign Manager 360's answers to conversions.batchinsert as outcomes. A 200 is the
// ConversionsBatchInsertResponse: `hasFailures`, and `status[]`, one ConversionStatus per
// conversion in the order sent, whose `errors[]` (`code`: INVALID_ARGUMENT, NOT_FOUND,
// PERMISSION_DENIED, INTERNAL; `message`) say why that conversion was not inserted: the others
// were. A refused request answers its HTTP status with Google's JSON error (`error.code`,
// `error.message`, `error.errors[].reason`); quota exhaustion is a 403 (`userRateLimitExceeded`,
// `dailyLimitExceeded`), not a 429.
import {
  isJsonObject, parseRetryAfter, readGoogleErrorAnswer, responseHeader, trimmedText, type Classification, type EventOutcome, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { apiVersionOf } from './config.ts';

/**
 * CM360 matches a click or Floodlight call about an hour after it: "We recommend delaying
 * gclid-based conversion uploads by 1 hour". A NOT_FOUND for a conversion younger than this is
 * tried again once it is this old.
 */
export const MATCHABLE_AFTER_MS = 60 * 60 * 1000;
/** The least wait before such a try again. */
const MIN_WAIT_MS = 60 * 1000;
/** A daily quota spent: tried again after an hour (Google's daily quotas refresh at midnight PST). */
const DAILY_QUOTA_WAIT_MS = 60 * 60 * 1000;
const EXCERPT_CHARS = 300;

/** Text on one line, cut to 300 characters. */
function oneLine(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

/** What a Google JSON error answer says: its status name, message and reasons, read defensively. */
export interface GoogleJsonError {
  status?: string;
  message: string;
  reasons: string[];
}

/**
 * What a refused request's answer says: `error.status` (`PERMISSION_DENIED`), `error.message`
 * and the reasons of `error.errors[]` (`userRateLimitExceeded`) and of ErrorInfo details
 * (`SERVICE_DISABLED`, `ACCESS_TOKEN_SCOPE_INSUFFICIENT`).
 *
 * @example
 * readGoogleJsonError({ error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }] } });
 * // { message: 'User Rate Limit Exceeded', reasons: ['userRateLimitExceeded'] }
 */
export function readGoogleJsonError(json: unknown): GoogleJsonError {
  const error = readGoogleErrorAnswer(json);
  const status = error?.status;
  return { ...(status === undefined ? {} : { status }), message: oneLine(error?.message ?? ''), reasons: error?.reasons ?? [] };
}

/** `STATUS: message (reason, …)`, or the body's start, or "(no body)". */
function saidOf(response: VendorResponse): string {
  const error = readGoogleJsonError(response.json);
  const said = [error.status, error.message].filter(Boolean).join(': ');
  if (said !== '') return error.reasons.length > 0 ? `${said} (${error.reasons.join(', ')})` : said;
  return oneLine(response.body ?? '') || '(no body)';
}

/** The conversions of the request's body, in the order sent. */
function conversionsOf(request: RequestDescriptor): JsonObject[] {
  const body = isJsonObject(request.body) ? request.body : {};
  return (Array.isArray(body.conversions) ? body.conversions : []).map((c) => (isJsonObject(c) ? (c as JsonObject) : {}));
}

/** The identifier a conversion was sent with, as CM360 names it. */
function identifierOf(conversion: JsonObject): 'dclid' | 'gclid' | 'matchId' | undefined {
  return (['dclid', 'gclid', 'matchId'] as const).find((field) => typeof conversion[field] === 'string');
}

/** Why CM360 may not know a conversion's identifier (its FAQ, "NOT_FOUND" errors). */
const NOT_FOUND_CAUSES: Record<string, string> = {
  dclid: 'the dclid is invalid, or its click is more than 60 days old',
  gclid: 'the gclid is invalid, is not of a Search Ads 360 campaign or a Display & Video 360 YouTube line item (a Google Ads click that did not pass through Search Ads 360 is unknown to CM360), or its click is more than 60 days old',
  matchId: 'the match ID is unknown to CM360: no Floodlight tag on your site passed this userId as its match ID (config.match_id_from_user_id needs tags sending it), the tag\'s call carried no cookie, or it was too long ago',
};

/** One conversion's `errors[]`: their codes and `CODE: message` lines. */
function errorsOf(status: unknown): { codes: string[]; said: string } {
  const errors = isJsonObject(status) && Array.isArray(status.errors) ? status.errors.filter(isJsonObject) : [];
  const codes = errors.map((e) => trimmedText(e.code) ?? 'UNKNOWN');
  const said = errors.map((e) => [trimmedText(e.code), trimmedText(e.message) === undefined ? undefined : oneLine(trimmedText(e.message)!)].filter(Boolean).join(': ') || 'no description').join('; ');
  return { codes, said };
}

/**
 * The outcome of one conversion CM360 did not insert, by its errors' codes: PERMISSION_DENIED
 * and INVALID_ARGUMENT dead-lettered with CM360's words (nothing sent again changes them);
 * NOT_FOUND tried again once the conversion is an hour old when it is younger (CM360 had not
 * matched its click or Floodlight call yet), else dead-lettered with what to check; INTERNAL
 * and codes CM360 does not document tried again (CM360 counts one conversion once, by its
 * ordinal).
 */
function conversionOutcome(status: unknown, conversion: JsonObject, ctx: PluginContext): EventOutcome {
  const { codes, said } = errorsOf(status);
  const refused = `Campaign Manager 360 did not insert the conversion (${said})`;
  if (codes.includes('PERMISSION_DENIED')) {
    return { status: 'dead_letter', reason: `${refused}: the user profile config.profile_id (${trimmedText(ctx.config.profile_id) ?? '?'}) has no access to Floodlight configuration ${String(conversion.floodlightConfigurationId ?? '?')} or its activity ${String(conversion.floodlightActivityId ?? '?')} (config.floodlight_configuration_id, config.floodlight_activities): give the profile access in CM360, then replay the dead letter` };
  }
  if (codes.includes('INVALID_ARGUMENT')) {
    return { status: 'dead_letter', reason: `${refused}: check config.floodlight_activities (activity ${String(conversion.floodlightActivityId ?? '?')} of configuration ${String(conversion.floodlightConfigurationId ?? '?')}) and the conversion's identifier; user identifiers need the Enhanced Conversions terms accepted for the Floodlight configuration (or set config.enhanced_conversions to false)` };
  }
  if (codes.includes('NOT_FOUND')) {
    const field = identifierOf(conversion);
    const micros = typeof conversion.timestampMicros === 'string' && /^\d+$/.test(conversion.timestampMicros) ? Number(conversion.timestampMicros) / 1000 : undefined;
    if (micros !== undefined && ctx.now - micros < MATCHABLE_AFTER_MS) {
      const wait = Math.max(MIN_WAIT_MS, micros + MATCHABLE_AFTER_MS - ctx.now);
      return { status: 'retry', reason: `${refused}: CM360 matches a ${field ?? 'click'} about an hour after its click or Floodlight call, and this conversion is younger: sent again once it is an hour old`, retryAfterMs: wait };
    }
    return { status: 'dead_letter', reason: `${refused}: ${field === undefined ? 'CM360 does not know the conversion\'s identifier' : NOT_FOUND_CAUSES[field]}` };
  }
  return { status: 'retry', reason: codes.includes('INTERNAL') ? `${refused}: a passing CM360 failure, sent again` : `${refused}: sent again` };
}

/** A 200's per-conversion outcomes (see conversionOutcome). */
function classifyInserted(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const json = isJsonObject(response.json) ? response.json : {};
  const statuses = Array.isArray(json.status) ? json.status : [];
  const failed = statuses.some((s) => errorsOf(s).codes.length > 0);
  if (json.hasFailures !== true && !failed) return { status: 'delivered' };
  const count = request.eventIds.length;
  if (statuses.length !== count || !failed) {
    return {
      status: 'retry',
      reason: `Campaign Manager 360 answered that some conversions failed (hasFailures) with ${statuses.length} statuses for ${count} conversions, naming none it can be matched to: all sent again (CM360 counts a conversion sent twice once, by its ordinal)`,
    };
  }
  const conversions = conversionsOf(request);
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    if (errorsOf(statuses[index]).codes.length > 0) perEvent[id] = conversionOutcome(statuses[index], conversions[index] ?? {}, ctx);
  });
  return { perEvent };
}

/** A 403's outcome: a quota (throttled), or a refusal said with what to fix. */
function classifyForbidden(response: VendorResponse, ctx: PluginContext): EventOutcome {
  const error = readGoogleJsonError(response.json);
  const said = `HTTP 403, ${saidOf(response)}`;
  const reasons = new Set(error.reasons);
  if (reasons.has('dailyLimitExceeded')) {
    return { status: 'retry', reason: `Campaign Manager 360's daily quota of the Google Cloud project is spent (${said}): sent again once it refreshes (midnight Pacific time); ask Google for more quota in the Cloud console if it recurs`, retryAfterMs: DAILY_QUOTA_WAIT_MS, throttled: true };
  }
  if (reasons.has('userRateLimitExceeded') || reasons.has('rateLimitExceeded') || reasons.has('quotaExceeded') || reasons.has('RATE_LIMIT_EXCEEDED')) {
    const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
    return { status: 'retry', reason: `Campaign Manager 360 rate limit reached (${said})`, throttled: true, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  if (/no longer supported|\b3140\b/i.test(error.message)) {
    return { status: 'dead_letter', reason: `Campaign Manager 360 no longer serves API version ${apiVersionOf(ctx.config)} (${said}): set config.api_version to a version Google serves (see its deprecation schedule) in a new revision, then replay the dead letters` };
  }
  if (reasons.has('accessNotConfigured') || reasons.has('SERVICE_DISABLED') || /has not been used in project|is disabled/i.test(error.message)) {
    return { status: 'dead_letter', reason: `the Campaign Manager 360 API is not enabled in the credential's Google Cloud project (${said}): enable it (APIs & Services > Library > Campaign Manager 360 API), then replay the dead letters` };
  }
  if (reasons.has('ACCESS_TOKEN_SCOPE_INSUFFICIENT') || reasons.has('insufficientPermissions') || /scope/i.test(error.message)) {
    return { status: 'dead_letter', reason: `Campaign Manager 360 refused the credential's scope (${said}): conversions need https://www.googleapis.com/auth/ddmconversions — authorise Signal again with it (a refresh token) and store the new token in a new revision, then replay the dead letters` };
  }
  return { status: 'dead_letter', reason: `Campaign Manager 360 refused the request (${said}): config.profile_id must be a user profile of the credential's Google account (or service account), in an account with API access enabled, with access to the Floodlight configuration; fix it in a new revision, then replay the dead letters` };
}

/**
 * The conversions a refused request's answer blames, by their index in the request: Google's
 * field paths (`conversions[3].quantity`) in the BadRequest details' `fieldViolations` or in the
 * message ("Invalid value at 'conversions[3].quantity' (TYPE_INT64)"). Empty when it names none,
 * or one the request does not have.
 *
 * @example
 * blamedConversions({ error: { code: 400, message: "Invalid value at 'conversions[1].quantity' (TYPE_INT64), \"x\"" } }, 3); // [1]
 */
export function blamedConversions(json: unknown, count: number): number[] {
  const error = readGoogleErrorAnswer(json);
  const paths = [error?.message ?? ''];
  for (const detail of error?.details ?? []) {
    const violations = Array.isArray(detail.fieldViolations) ? detail.fieldViolations : [];
    for (const violation of violations) if (isJsonObject(violation)) paths.push(trimmedText(violation.field) ?? '', trimmedText(violation.description) ?? '');
  }
  const indexes = new Set<number>();
  for (const path of paths) for (const match of path.matchAll(/\bconversions\[(\d+)\]/g)) indexes.add(Number(match[1]));
  const blamed = [...indexes].sort((a, b) => a - b);
  return blamed.every((index) => index < count) ? blamed : [];
}

/**
 * A 400's outcome. CM360 refuses the whole request for a conversion it cannot read (nothing of
 * it was inserted): when its answer names the conversions (see blamedConversions) and the
 * request carried others, those named are dead-lettered with CM360's words and the others sent
 * again without them; else every conversion is dead-lettered with CM360's words.
 */
function classifyBadRequest(response: VendorResponse, request: RequestDescriptor, said: string): Classification {
  const refused = `Campaign Manager 360 refused the request (${said})`;
  const blamed = request.eventIds.length > 1 ? blamedConversions(response.json, request.eventIds.length) : [];
  if (blamed.length === 0 || blamed.length === request.eventIds.length) {
    return { status: 'dead_letter', reason: `${refused}: check config.floodlight_configuration_id and config.floodlight_activities` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    perEvent[id] = blamed.includes(index)
      ? { status: 'dead_letter', reason: `${refused}, naming this conversion (conversions[${index}] of the request): nothing sent again changes it` }
      : { status: 'resend', reason: `Campaign Manager 360 refused the request for ${blamed.length === 1 ? 'another conversion' : 'other conversions'} in it (${said}): sent again without ${blamed.length === 1 ? 'it' : 'them'}` };
  });
  return { perEvent };
}

/**
 * CM360's answer to a batchinsert as outcomes:
 *
 * - 200: per conversion, from `status[].errors` (see conversionOutcome); delivered when
 *   `hasFailures` is not true and no status has errors; `hasFailures` with statuses that cannot
 *   be matched to the conversions sent: all sent again (the ordinal keeps CM360 from counting one twice);
 * - 403: the project's rate limit or daily quota (a throttled retry), a version no longer served,
 *   the API not enabled, a missing scope, or a profile without access — each dead-lettered saying what to fix;
 * - 401 (after the core renewed the token once): dead-lettered naming the credential;
 * - 404: dead-lettered naming config.api_version and config.profile_id;
 * - 413: split (a single conversion: dead-lettered); 429: throttled; 408 and 5xx: retried,
 *   after Retry-After when given; 400: the conversions it names dead-lettered, the others sent
 *   again (none named: all dead-lettered), with CM360's words; other statuses: dead-lettered.
 *
 * @example
 * classifyCm360({ status: 200, headers: {}, body: '…', json: { hasFailures: false, status: [{ conversion: {…} }] } }, request, ctx); // { status: 'delivered' }
 */
export function classifyCm360(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyInserted(response, request, ctx);
  const said = `HTTP ${status}, ${saidOf(response)}`;
  const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
  const after = wait === undefined ? {} : { retryAfterMs: wait };
  if (status === 403) return classifyForbidden(response, ctx);
  if (status === 429) return { status: 'retry', reason: `Campaign Manager 360 rate limit reached (${said})`, throttled: true, ...after };
  if (status === 408 || status >= 500) return { status: 'retry', reason: `Campaign Manager 360 ${said}`, ...after };
  if (status === 401) {
    return { status: 'dead_letter', reason: `Campaign Manager 360 refused the access token, also once renewed (${said}): the credential (config.refresh_token or config.service_account_key) no longer gives access; store a new one in a new revision, then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Campaign Manager 360 answered 404 (${said}): API version ${apiVersionOf(ctx.config)} (config.api_version) is no longer served, or config.profile_id is not a user profile; fix it in a new revision, then replay the dead letters` };
  }
  if (status === 413) {
    return request.eventIds.length > 1 ? { status: 'split', reason: `Campaign Manager 360 refused the request as too large (${said}): sent again in halves` } : { status: 'dead_letter', reason: `Campaign Manager 360 refused the conversion as too large (${said})` };
  }
  if (status === 400) return classifyBadRequest(response, request, said);
  return { status: 'dead_letter', reason: `Campaign Manager 360 ${said}` };
}
