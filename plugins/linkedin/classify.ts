// LinkedIn's answers to POST /rest/conversionEvents with X-RestLi-Method: BATCH_CREATE.
// Successes: 200 with one `{ status }` per element (`elements`, in the order sent; 201 each),
// as LinkedIn's Postman collection shows. Errors: LinkedIn's error body `{ status,
// serviceErrorCode?, code?, message }` (its API guide, "Error Handling"). One element LinkedIn
// refuses fails the whole request: 422 with one "Index: N, ERROR :: /path :: what" line per
// problem (schema), or 400 "…, indices [N] (0-indexed)." (a rule: the 90 days, a rule not made
// for the Conversions API), as answers recorded by RudderStack and by a partner's live runs show.
import { defaultClassify, isJsonObject, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { usesRefreshToken, versionOf } from './config.ts';

/**
 * How long a 429 without Retry-After waits (LinkedIn sends none): a minute, the window of its
 * per-minute quota. A daily quota, reset at midnight UTC, keeps answering 429, and the core
 * keeps the events waiting until it gives up after a day.
 */
const RATE_LIMIT_WAIT_MS = 60_000;
/** How much of LinkedIn's body a reason quotes when its answer is not the documented JSON. */
const EXCERPT_CHARS = 300;
const RULE_URN = 'urn:lla:llaPartnerConversion:';

interface LinkedInAnswer {
  status?: unknown;
  serviceErrorCode?: unknown;
  code?: unknown;
  message?: unknown;
  elements?: unknown;
  error?: unknown;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `CODE (serviceErrorCode N): message` from LinkedIn's error body, or the body's start. */
function said(answer: LinkedInAnswer, body: string): string {
  const message = typeof answer.message === 'string' ? oneLine(answer.message) : '';
  const code = typeof answer.code === 'string' ? answer.code : '';
  const service = typeof answer.serviceErrorCode === 'number' ? `serviceErrorCode ${answer.serviceErrorCode}` : '';
  const label = code && service ? `${code} (${service})` : code || service;
  if (message || label) return [label, message].filter(Boolean).join(': ');
  const text = oneLine(body);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/** The conversion rule id the request's elements count for (send groups them by rule). */
function ruleOf(request: RequestDescriptor): string {
  const body = request.body as JsonValue | undefined;
  const elements = isJsonObject(body) && Array.isArray(body.elements) ? body.elements : [];
  const first: unknown = elements[0];
  const conversion = isJsonObject(first) ? first.conversion : undefined;
  return typeof conversion === 'string' ? conversion.replace(RULE_URN, '') : '(unknown)';
}

/**
 * What LinkedIn says of each element it refused, by the element's index in the request:
 * "Index: N, ERROR :: /path :: problem" lines (a 422; a line without an index continues the
 * one before), or "…, indices [N, M] (0-indexed)." (a 400: the words before it are about each).
 * Undefined when the message names no index, or one the request does not have.
 *
 * @example
 * refusedIndexes('Index: 1, ERROR :: /conversionValue/amount :: field is required but not found and has no default value\n', 2);
 * // Map { 1 => '/conversionValue/amount :: field is required but not found and has no default value' }
 * refusedIndexes('Conversion time should be within 90 days and not exceed current time, indices [0] (0-indexed).', 1);
 * // Map { 0 => 'Conversion time should be within 90 days and not exceed current time' }
 */
export function refusedIndexes(message: string, count: number): Map<number, string> | undefined {
  const found = new Map<number, string[]>();
  const listed = /,?\s*indices\s*\[([\d,\s]+)\]\s*(\(0-indexed\))?\.?/i.exec(message);
  if (listed) {
    const what = oneLine(message.replace(listed[0], '')).replace(/[.,;:\s]+$/, '') || 'refused';
    for (const index of listed[1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number)) found.set(index, [what]);
  } else {
    let current: number | undefined;
    for (const raw of message.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      const indexed = /^Index:\s*(\d+)\s*,\s*(.*)$/i.exec(line);
      if (indexed) current = Number(indexed[1]);
      if (current === undefined) continue;
      const problem = (indexed ? indexed[2]! : line).replace(/^ERROR\s*::\s*/i, '').trim();
      found.set(current, [...(found.get(current) ?? []), ...(problem ? [problem] : [])]);
    }
  }
  if (found.size === 0 || [...found.keys()].some((index) => !Number.isInteger(index) || index < 0 || index >= count)) return undefined;
  return new Map([...found].map(([index, problems]) => [index, problems.join('; ') || 'refused']));
}

/** Outcomes when LinkedIn refused some elements and so the whole request: those dead-lettered, the others sent again. */
function refusedSome(refused: Map<number, string>, request: RequestDescriptor, status: number): Classification {
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    const why = refused.get(index);
    perEvent[id] = why !== undefined
      ? { status: 'dead_letter', reason: `LinkedIn refused the event (HTTP ${status}): ${why}` }
      : { status: 'resend', reason: `LinkedIn refused the whole request (HTTP ${status}) for ${refused.size === 1 ? 'another event' : `${refused.size} other events`} of it, so this one was not recorded: sending it again without ${refused.size === 1 ? 'it' : 'them'}` };
  });
  return { perEvent };
}

/** One element's outcome from its `{ status, error? }` in a 2xx BATCH_CREATE answer. */
function elementOutcome(element: Record<string, unknown>): EventOutcome {
  const status = typeof element.status === 'number' ? element.status : 201;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const error = isJsonObject(element.error) ? (element.error as LinkedInAnswer) : {};
  const reason = `LinkedIn refused the event (status ${status}${typeof error.message === 'string' || typeof error.code === 'string' ? `, ${said(error, '')}` : ''})`;
  if (status === 429) return { status: 'retry', reason, retryAfterMs: RATE_LIMIT_WAIT_MS, throttled: true };
  if (status >= 500 || status === 408) return { status: 'retry', reason };
  return { status: 'dead_letter', reason };
}

/** The context the classifier reads: the config (its credential, rules and version). */
export interface ClassifyContext {
  config: Record<string, JsonValue>;
}

/**
 * LinkedIn's answer as outcomes for the events of `request`:
 *
 * - 2xx: each event by its element's status (`elements`, in the order sent): 2xx delivered,
 *   429 and 5xx retried, others dead-lettered with the element's error; no list (or one of
 *   another length): delivered;
 * - 401 (the core has already renewed a refresh-token config's access token once and sent
 *   again): dead-lettered saying how to authorise Signal again, or to replace a pasted token;
 * - 403: dead-lettered: the rw_conversions and r_ads scopes, the member's role on the ad account, the rule id;
 * - 426, or an error `code` about the version: dead-lettered: set `config.linkedin_version`;
 * - 429: retried as a rate limit (no try used up, the integration slowed), after Retry-After
 *   or a minute;
 * - 422 and 400 naming the refused elements by index: those dead-lettered with LinkedIn's
 *   words, the others (not recorded: the request failed as a whole) sent again; a 400 about a
 *   rule not made for the Conversions API dead-letters the request naming the rule;
 * - 400 and 422 in LinkedIn's error shape naming no element, and 413: split until the
 *   refused event is alone;
 * - 5xx and 408: retried, honouring Retry-After; other 4xx: dead-lettered with LinkedIn's words.
 *
 * @example
 * classifyLinkedIn({ status: 422, headers: {}, body: '…', json: { status: 422, message: 'Index: 1, ERROR :: /user/userInfo/lastName :: field is required but not found and has no default value\n' } }, twoEvents, ctx);
 * // { perEvent: { e0: { status: 'retry', … }, e1: { status: 'dead_letter', reason: 'LinkedIn refused the event (HTTP 422): /user/userInfo/lastName :: field is required but not found and has no default value' } } }
 */
export function classifyLinkedIn(response: VendorResponse, request: RequestDescriptor, ctx: ClassifyContext): Classification {
  const answer: LinkedInAnswer = isJsonObject(response.json) ? (response.json as LinkedInAnswer) : {};
  const { status } = response;
  const what = said(answer, response.body ?? '');
  const count = request.eventIds.length;
  const several = count > 1;
  const rule = ruleOf(request);
  const retryAfterMs = () => parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));

  if (status >= 200 && status < 300) {
    // LinkedIn answers a batch with its JSON (`elements`) and a single create with an empty 201: a
    // body that is text but no JSON object (a proxy's or captive portal's page) recorded nothing.
    if (!isJsonObject(response.json) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without LinkedIn's answer (its JSON, or none): ${what} — not LinkedIn's answer (a proxy?), so the conversions are sent again (each with its eventId)` };
    }
    const elements = Array.isArray(answer.elements) ? answer.elements : undefined;
    if (!elements || elements.length !== count) return { status: 'delivered' };
    const perEvent: Record<string, EventOutcome> = {};
    elements.forEach((element, index) => {
      const outcome = isJsonObject(element) ? elementOutcome(element) : { status: 'delivered' as const };
      if (outcome.status !== 'delivered') perEvent[request.eventIds[index]!] = outcome;
    });
    return Object.keys(perEvent).length > 0 ? { perEvent } : { status: 'delivered' };
  }
  if (status === 429) {
    return { status: 'retry', reason: `LinkedIn rate limit reached (HTTP 429, ${what}): LinkedIn counts the calls of each member's token and of the app, per day (reset at midnight UTC)`, retryAfterMs: retryAfterMs() ?? RATE_LIMIT_WAIT_MS, throttled: true };
  }
  if (status >= 500 || status === 408) {
    const wait = retryAfterMs();
    const reason = `LinkedIn HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  if (status === 401) {
    const fix = usesRefreshToken(ctx.config)
      ? 'Signal renewed the access token with the refresh token and LinkedIn refused the new one too: the member who authorised Signal may have revoked its access, or the app lost the Conversions API product. Authorise Signal again (see the LinkedIn plugin README), store the new refresh token in config.refresh_token in a new revision'
      : 'access tokens last 60 days and can be revoked. Generate a new one with the rw_conversions and r_ads scopes and update config.access_token in a new revision, or configure a refresh token with client_id and client_secret so Signal renews tokens itself';
    return { status: 'dead_letter', reason: `LinkedIn refused the access token (HTTP 401, ${what}): ${fix}, then replay the dead letters` };
  }
  if (status === 426 || (typeof answer.code === 'string' && /VERSION/i.test(answer.code))) {
    return { status: 'dead_letter', reason: `LinkedIn does not serve Marketing API version ${versionOf(ctx.config)} (HTTP ${status}, ${what}): set config.linkedin_version to a current version (YYYYMM; LinkedIn serves each for at least a year) in a new revision, then replay the dead letters` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `LinkedIn refused to record conversions for rule ${rule} with this token (HTTP 403, ${what}). Check that the token has the rw_conversions and r_ads scopes (the app has the Conversions API product), that the member who authorised Signal holds a role on the ad account that owns the rule (account billing admin, account manager, campaign manager or creative manager), and that config.conversion_rules names the rule by its right id (LinkedIn is reported to answer 403 for a rule it cannot find); then replay the dead letters` };
  }
  if (status === 400 || status === 422) {
    const message = typeof answer.message === 'string' ? answer.message : '';
    if (/CONVERSIONS_API|conversion'?s? method/i.test(message)) {
      return { status: 'dead_letter', reason: `LinkedIn refused conversion rule ${rule} (HTTP ${status}, ${what}): the rule was not created for the Conversions API. Create one with the Conversions API as its method (Campaign Manager > Analyze > Conversion tracking > Create conversion > Conversions API or CSV), name it in config.conversion_rules, then replay the dead letters` };
    }
    const refused = refusedIndexes(message, count);
    if (refused !== undefined) {
      if (refused.size === count) {
        if (!several) return { status: 'dead_letter', reason: `LinkedIn refused the event (HTTP ${status}): ${refused.get(0)}` };
        const perEvent: Record<string, EventOutcome> = {};
        request.eventIds.forEach((id, index) => { perEvent[id] = { status: 'dead_letter', reason: `LinkedIn refused the event (HTTP ${status}): ${refused.get(index)}` }; });
        return { perEvent };
      }
      return refusedSome(refused, request, status);
    }
  }
  // A 400 or 422 in LinkedIn's error shape is about the request's content: one event of it.
  if (status === 413 || ((status === 400 || status === 422) && typeof answer.message === 'string')) {
    if (several) return { status: 'split', reason: `LinkedIn refused the request (HTTP ${status}, ${what}) without naming the event; sending it in halves to find it` };
    return { status: 'dead_letter', reason: `LinkedIn refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `LinkedIn HTTP ${status}: ${what}` };
}
