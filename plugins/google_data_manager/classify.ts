// The Data Manager API's answers to events:ingest as outcomes. A 200 (`{ requestId,
// fieldWarnings? }`) means the request passed Google's checks and was queued: the events are
// processed later, and what processing refuses is seen only in the request's diagnostics
// (requestStatus:retrieve), counted by reason, not by event. A refused request ("fast fail")
// records none of its events: Google names the fields it blames (`events[i]…`,
// `destinations[i]…`), so the events named are dead-lettered and the others sent again.
import { defaultClassify, isJsonObject, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { credentialOf } from './config.ts';
import { indexIn, oneLine, readGoogleError, violationText, type FieldViolation, type GoogleError } from './google-status.ts';
import { DESTINATION_REASONS, EVENT_REASONS, remedyFor, TOO_MANY_REASONS, TRANSIENT_REASONS } from './remedies.ts';

/** How long a 429 without Google's RetryInfo or Retry-After waits: a minute (the project's limit is per minute). */
const RATE_LIMIT_WAIT_MS = 60_000;
const TRANSIENT_STATUSES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL', 'ABORTED']);

/** The context the classifier reads: the config (the account ids and the credential). */
export interface ClassifyContext {
  config: Record<string, JsonValue>;
}

/** `STATUS: message (REASON, …)`, or what there is of it. */
function saidOf(error: GoogleError, response: VendorResponse): string {
  const reasons = error.reasons.length > 0 ? ` (${error.reasons.join(', ')})` : '';
  const said = [error.status, error.message].filter(Boolean).join(': ');
  return said !== '' ? `${said}${reasons}` : oneLine(response.body ?? '') || '(no body)';
}

/** The request's destinations' references, and each event's, from its body. */
function referencesOf(request: RequestDescriptor): { destinations: string[]; events: string[][] } {
  const body = isJsonObject(request.body) ? request.body : {};
  const destinations = (Array.isArray(body.destinations) ? body.destinations : []).map((d) => (isJsonObject(d) && typeof d.reference === 'string' ? d.reference : ''));
  const events = (Array.isArray(body.events) ? body.events : []).map((e) => (isJsonObject(e) && Array.isArray(e.destinationReferences) ? e.destinationReferences.filter((r): r is string => typeof r === 'string') : []));
  return { destinations, events };
}

/** The first remedy of a list of reasons, as `: remedy`. */
function remedyText(reasons: ReadonlyArray<string | undefined>, ctx: ClassifyContext): string {
  for (const reason of reasons) {
    const remedy = reason === undefined ? undefined : remedyFor(reason, ctx.config);
    if (remedy !== undefined) return `: ${remedy}`;
  }
  return '';
}

/**
 * Outcomes of a refused request whose field violations name events or destinations: the
 * events named, and those of the destinations named, dead-lettered with Google's words; the
 * others sent again (Google recorded none of the request). Undefined when no violation names
 * an event or destination the request has.
 */
function byViolations(error: GoogleError, status: number, request: RequestDescriptor, ctx: ClassifyContext): Classification | undefined {
  const count = request.eventIds.length;
  const refs = referencesOf(request);
  const blamed = new Map<number, FieldViolation[]>();
  const blame = (index: number, violation: FieldViolation) => blamed.set(index, [...(blamed.get(index) ?? []), violation]);
  for (const violation of error.violations) {
    const event = indexIn(violation.field, 'events');
    if (event !== undefined && event < count) {
      blame(event, violation);
      continue;
    }
    const destination = indexIn(violation.field, 'destinations');
    if (destination === undefined || destination >= Math.max(refs.destinations.length, 1)) continue;
    const reference = refs.destinations[destination];
    // A destination's events: those naming its reference (every event, with one destination).
    for (let i = 0; i < count; i++) {
      if (refs.destinations.length <= 1 || (reference !== undefined && refs.events[i]?.includes(reference))) blame(i, violation);
    }
  }
  if (blamed.size === 0) return undefined;
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    const violations = blamed.get(index);
    perEvent[id] = violations !== undefined
      ? { status: 'dead_letter', reason: `the Data Manager API refused the event (HTTP ${status}, ${violations.map(violationText).join('; ')})${remedyText([...violations.map((v) => v.reason), ...error.reasons], ctx)}, then replay the dead letter` }
      : { status: 'resend', reason: `the Data Manager API refused the whole request (HTTP ${status}) for ${blamed.size === 1 ? 'another event' : `${blamed.size} other events`} of it, so this one was not recorded: sending it again without ${blamed.size === 1 ? 'it' : 'them'}` };
  });
  return { perEvent };
}

/** A refused request that names no event: split, dead-lettered whole, or undefined when neither applies. */
function byReasons(error: GoogleError, status: number, what: string, request: RequestDescriptor, ctx: ClassifyContext): Classification {
  const count = request.eventIds.length;
  const destinations = referencesOf(request).destinations.length;
  const has = (set: ReadonlySet<string>) => error.reasons.some((r) => set.has(r));
  if (count > 1 && has(TOO_MANY_REASONS)) return { status: 'split', reason: `the Data Manager API refused the request's size (HTTP ${status}, ${what}); sending it in halves` };
  if (has(DESTINATION_REASONS) && destinations > 1) {
    return { status: 'split', reason: `the Data Manager API refused a destination of the request without naming it (HTTP ${status}, ${what}); sending it in halves to find the conversion action` };
  }
  if (has(EVENT_REASONS) && count > 1) {
    return { status: 'split', reason: `the Data Manager API refused an event of the request without naming it (HTTP ${status}, ${what}); sending it in halves to find it` };
  }
  return { status: 'dead_letter', reason: `the Data Manager API refused the request (HTTP ${status}, ${what})${remedyText(error.reasons, ctx)}, then replay the dead letters` };
}

/** A second 401 (the core renewed the token once already): what to do, by the credential. */
function unauthenticated(what: string, ctx: ClassifyContext): EventOutcome {
  const fix = credentialOf(ctx.config) === 'service_account'
    ? 'Signal obtained a new token with the service account\'s key and Google refused it too: the service account may have been disabled or deleted, or its key: create a new key and store it in config.service_account_key in a new revision'
    : 'Signal renewed it with the refresh token and Google refused the new one too — the Google account that authorised Signal may have lost its access or revoked Signal\'s: authorise Signal again (see the plugin README) and store the new refresh token in config.refresh_token in a new revision';
  return { status: 'dead_letter', reason: `the Data Manager API refused the access token (HTTP 401, ${what}): ${fix}, then replay the dead letters` };
}

/** A 403: the API not enabled, a token without the scope, no access to the account, an allowlist, terms. */
function forbidden(error: GoogleError, what: string, response: VendorResponse, ctx: ClassifyContext): EventOutcome {
  const body = response.body ?? '';
  const reasons = [...error.reasons];
  if (/SERVICE_DISABLED|has not been used in project|is disabled/i.test(body)) reasons.unshift('SERVICE_DISABLED');
  if (/ACCESS_TOKEN_SCOPE_INSUFFICIENT|insufficient authentication scopes/i.test(body)) reasons.unshift('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
  const remedy = remedyText([...reasons, 'PERMISSION_DENIED'], ctx);
  const activation = reasons[0] === 'SERVICE_DISABLED' && error.metadata.activationUrl ? ` (${error.metadata.activationUrl})` : '';
  return { status: 'dead_letter', reason: `the Data Manager API refused the request (HTTP 403, ${what})${remedy}${activation}, then replay the dead letters` };
}

/**
 * The Data Manager API's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered (Google queued the events; `fieldWarnings` and the `requestId` stay in the
 *   delivery log; processing refusals are in the request's diagnostics only); a 2xx whose body
 *   is text but no JSON object (a proxy's page) is sent again;
 * - 429 / `RESOURCE_EXHAUSTED`: the rate limit, after RetryInfo's `retryDelay`, else
 *   Retry-After, else a minute;
 * - 5xx, 408, 409, `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `INTERNAL`, `ABORTED`: retried;
 * - 401 (the core has renewed the token once and sent again): dead-lettered saying what to do
 *   with the credential;
 * - 403: dead-lettered saying what to fix (the API not enabled, the scope, access to the
 *   account, an allowlist, terms);
 * - field violations naming `events[i]` or `destinations[i]`: those events dead-lettered with
 *   Google's words, the others sent again (Google recorded none of them);
 * - 413, or a too-many reason naming no event: split; a reason about events or destinations
 *   naming none, with several in the request: split to find it; any other refusal:
 *   dead-lettered with Google's words and what to fix for the known reasons.
 *
 * @example
 * classifyDataManager({ status: 400, headers: {}, body: '…', json: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Invalid gclid.',
 *   details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'events[1].ad_identifiers.gclid', description: 'Invalid gclid.' }] }] } } }, request, ctx);
 * // { perEvent: { [request.eventIds[0]]: { status: 'retry', … }, [request.eventIds[1]]: { status: 'dead_letter', reason: 'the Data Manager API refused the event (HTTP 400, events[1].ad_identifiers.gclid: Invalid gclid.), then replay the dead letter' } } }
 */
export function classifyDataManager(response: VendorResponse, request: RequestDescriptor, ctx: ClassifyContext): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    // Google answers every request it takes with its JSON (`requestId`): a body that is text but
    // no JSON object (a proxy's or captive portal's page) queued nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without the Data Manager API's JSON answer (requestId): ${oneLine(response.body)} — not Google's answer (a proxy?), so the events are sent again` };
    }
    return { status: 'delivered' };
  }

  const error = readGoogleError(response.json);
  const what = saidOf(error, response);
  const retryAfter = () => parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
  const count = request.eventIds.length;

  if (status === 429 || error.status === 'RESOURCE_EXHAUSTED' || error.reasons.includes('RESOURCE_EXHAUSTED')) {
    const wait = error.retryDelayMs ?? retryAfter() ?? RATE_LIMIT_WAIT_MS;
    return { status: 'retry', reason: `the Data Manager API's quota reached (HTTP ${status}, ${what}): 300 requests a minute and 100,000 a day per Google Cloud project`, retryAfterMs: wait, throttled: true };
  }
  if (status >= 500 || status === 408 || status === 409 || TRANSIENT_STATUSES.has(error.status ?? '') || error.reasons.some((r) => TRANSIENT_REASONS.has(r))) {
    const wait = error.retryDelayMs ?? retryAfter();
    const reason = `the Data Manager API HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  if (status === 401) return unauthenticated(what, ctx);
  if (status === 403) return forbidden(error, what, response, ctx);
  if (status === 413) {
    return count > 1 ? { status: 'split', reason: 'the Data Manager API refused the request\'s size (HTTP 413); sending it in halves' } : { status: 'dead_letter', reason: `the Data Manager API refused the event's size (HTTP 413, ${what})` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `the Data Manager API answered 404 (${what}): the address ${request.url} is not Google's (a SIGNAL_VENDOR_REDIRECTS entry?), or a destination was not found${remedyText(['NOT_FOUND'], ctx)}` };
  }
  if (status >= 400 && status < 500) {
    return byViolations(error, status, request, ctx) ?? byReasons(error, status, what, request, ctx);
  }
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `the Data Manager API HTTP ${status}: ${what}` };
}
