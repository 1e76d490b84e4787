// Snap's answers to POST /v3/{pixel_id}/events and /events/validate, as its Conversions API v3
// schema (api/openapi.yaml of Snap's Business SDK v3, `EventResponse`, `ValidateResponse`) and
// its Verify Set Up page document them: `{ status: "VALID" | "INVALID", reason, event, errors:
// { codes, error_msgs } }`, where `event` (the refused event) is "only present in error
// responses"; the validate endpoint answers `event_logs`, entries naming their event by its
// index (`event`) with its `errors` and `warnings`. The SDK reads an
// INVALID status in a 2xx too, so the body decides, not only the HTTP status.
import { defaultClassify, isJsonObject, parseRetryAfter, responseHeader, trimmedText, type Classification, type EventOutcome, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of Snap's body a reason quotes when its answer is not the documented JSON. */
const EXCERPT_CHARS = 300;
/** Words of a request-wide `reason` about the credential, in a 2xx or 4xx (Snap has answered 400 for a bad token). */
const TOKEN_PROBLEM = /access[ _-]?token|\btoken\b|unauthori[sz]ed|unauthenticated|authenticat|not authori[sz]ed|forbidden|permission/i;
/** Words of a request-wide `reason` about the pixel the URL names. */
const PIXEL_PROBLEM = /pixel|asset[ _-]?id/i;
/** Words of a request-wide `reason` about a rate limit, whatever the status. */
const RATE_LIMITED = /rate[ _-]?limit|too many requests|throttl/i;

interface SnapErrors {
  codes?: unknown;
  error_msgs?: unknown;
}

interface SnapEventLog {
  status?: unknown;
  event?: unknown;
  errors?: unknown;
  warnings?: unknown;
}

interface SnapAnswer {
  status?: unknown;
  reason?: unknown;
  event?: unknown;
  errors?: unknown;
  event_logs?: unknown;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.flatMap((v) => trimmedText(v) ?? []) : []);

/** `error_msgs` (with their `codes`) of an `errors` object, as one clause. */
function errorsClause(errors: unknown): string {
  if (!isJsonObject(errors)) return '';
  const { codes, error_msgs: messages } = errors as SnapErrors;
  const said = strings(messages).join('; ');
  const coded = strings(codes).join(', ');
  return [said, coded ? `codes ${coded}` : ''].filter(Boolean).join(' — ');
}

/** Snap's `reason` and `errors`, or the body's start when the answer is not Snap's JSON. */
function said(answer: SnapAnswer, body: string): string {
  const reason = typeof answer.reason === 'string' ? answer.reason.trim() : '';
  const clause = [reason, errorsClause(answer.errors)].filter(Boolean).join(': ');
  if (clause) return clause;
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text || '(no body)';
}

/** Whether the body is Snap's answer shape (a status, a reason or errors), not a proxy's page. */
function isSnapAnswer(answer: SnapAnswer): boolean {
  return answer.status === 'VALID' || answer.status === 'INVALID' || typeof answer.reason === 'string' || isJsonObject(answer.errors);
}

/** Whether an `errors` object holds an error message or code. */
function hasErrors(errors: unknown): boolean {
  return isJsonObject(errors) && (strings((errors as SnapErrors).error_msgs).length > 0 || strings((errors as SnapErrors).codes).length > 0);
}

/**
 * Outcomes per event from the validate endpoint's `event_logs`. Each entry names its event by
 * `event`, the event's index in the request (Snap's SDK, `EventLogs.event`); entries without
 * one are read in the order sent when there is one per event. An entry with errors, or with
 * status INVALID, is a refused event, dead-lettered with its errors (warnings are not
 * refusals); the others are delivered. Undefined when the entries cannot be told apart: no
 * list, an index out of range or given twice, or entries without index whose count is not the
 * request's.
 */
function fromEventLogs(answer: SnapAnswer, request: RequestDescriptor): Classification | undefined {
  if (!Array.isArray(answer.event_logs) || answer.event_logs.length === 0) return undefined;
  const logs = answer.event_logs.map((entry) => (isJsonObject(entry) ? (entry as SnapEventLog) : {}));
  const total = request.eventIds.length;
  const indexed = logs.every((log) => typeof log.event === 'number');
  let byIndex: Array<[number, SnapEventLog]>;
  if (indexed) {
    byIndex = logs.map((log) => [log.event as number, log]);
    const indexes = byIndex.map(([index]) => index);
    if (indexes.some((index) => !Number.isInteger(index) || index < 0 || index >= total) || new Set(indexes).size !== indexes.length) return undefined;
  } else if (logs.length === total) byIndex = logs.map((log, index) => [index, log]);
  else return undefined;
  const perEvent: Record<string, EventOutcome> = {};
  for (const [index, log] of byIndex) {
    if (log.status !== 'INVALID' && !hasErrors(log.errors)) continue;
    perEvent[request.eventIds[index]!] = { status: 'dead_letter', reason: `Snap refused the event: ${errorsClause(log.errors) || 'no error message given'}` };
  }
  return Object.keys(perEvent).length > 0 ? { perEvent } : { status: 'delivered' };
}

/**
 * Snap's answer as outcomes for the events of `request`:
 *
 * - 2xx without `status: "INVALID"`: delivered; the validate endpoint's `event_logs`: each
 *   event by its entry's `event` index (entries with errors dead-lettered with them);
 * - 429, or a `reason` about a rate limit for the whole request (no `event` named): retried
 *   as a rate limit (no try used up, the integration slowed), after Retry-After when given;
 * - 5xx and 408: retried, honouring Retry-After, whatever the body says (a 503 answering
 *   "Pixel service temporarily unavailable" is no refused pixel);
 * - 401, 403, or a `reason` about the access token for the whole request: dead-lettered at
 *   once, saying how to get a new token (no event is at fault: the batch is not split);
 * - 404, or a `reason` about the pixel for the whole request: dead-lettered at once: check
 *   `config.pixel_id`;
 * - 400 (or a 2xx) with `status: "INVALID"`, and 413: Snap refused the request for one event
 *   (`event` names it); the batch is split until that event is alone, which is dead-lettered
 *   with Snap's reason and errors. Words about a token or the pixel in an answer that names
 *   an event (`sc_cookie1 is not a valid Snap Pixel cookie`) are about that event: split too;
 * - other 4xx: dead-lettered with Snap's words.
 *
 * @example
 * classifySnap({ status: 400, headers: {}, body: '…', json: { status: 'INVALID', reason: 'Insufficient PII', event: 0 } }, oneEventRequest, pixelId);
 * // { status: 'dead_letter', reason: 'Snap refused the event (HTTP 400, Insufficient PII)' }
 */
export function classifySnap(response: VendorResponse, request: RequestDescriptor, pixelId: string): Classification {
  const answer: SnapAnswer = isJsonObject(response.json) ? (response.json as SnapAnswer) : {};
  const { status } = response;
  const what = said(answer, response.body ?? '');
  const invalid = answer.status === 'INVALID';
  const several = request.eventIds.length > 1;
  const ok = status >= 200 && status < 300;
  // What Snap says of the whole request: its reason, when it names no event. Error messages
  // (and a reason naming an event) are about one event, whatever words they use.
  const aboutRequest = answer.event === undefined || answer.event === null ? (typeof answer.reason === 'string' ? answer.reason : '') : '';
  const retryAfterMs = () => parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));

  // Snap answers with its JSON (`status`) or nothing: a 2xx whose body is text but no JSON object
  // (a proxy's or captive portal's page) recorded nothing.
  if (ok && !isJsonObject(response.json) && (response.body ?? '').trim() !== '') {
    return { status: 'retry', reason: `HTTP ${status} without Snap's JSON answer (status VALID): ${what} — not Snap's answer (a proxy?), so the events are sent again (each with its event_id)` };
  }
  if (ok && !invalid) return fromEventLogs(answer, request) ?? { status: 'delivered' };
  if (status === 429 || RATE_LIMITED.test(aboutRequest)) {
    const wait = retryAfterMs();
    const reason = `Snap rate limit reached (HTTP ${status}, ${what})`;
    return wait === undefined ? { status: 'retry', reason, throttled: true } : { status: 'retry', reason, retryAfterMs: wait, throttled: true };
  }
  if (status >= 500 || status === 408) {
    const wait = retryAfterMs();
    const reason = `Snap HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  if (status === 401 || status === 403 || TOKEN_PROBLEM.test(aboutRequest)) {
    return { status: 'dead_letter', reason: `Snap refused the access token for pixel ${pixelId} (HTTP ${status}, ${what}). Generate a Conversions API token in Snapchat Business Manager (Business Details > Conversions API Tokens > Generate Token) in the organization that owns the pixel, update config.access_token in a new revision, then replay the dead letters` };
  }
  if (status === 404 || PIXEL_PROBLEM.test(aboutRequest)) {
    return { status: 'dead_letter', reason: `Snap refused pixel ${pixelId} (HTTP ${status}, ${what}): check config.pixel_id (Events Manager shows the Snap Pixel ID), and that the access token belongs to the organization that owns it` };
  }
  if (ok || status === 400 || status === 422) {
    // The validate endpoint names each refused event: only those are dead-lettered.
    const logged = fromEventLogs(answer, request);
    if (logged !== undefined && 'perEvent' in logged) return logged;
  }
  if (status === 413 || ((ok || status === 400 || status === 422) && isSnapAnswer(answer))) {
    const which = typeof answer.event === 'number' ? ` (event ${answer.event} of the request)` : '';
    if (several) return { status: 'split', reason: `Snap refused the batch${which} (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Snap refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Snap HTTP ${status}: ${what}` };
}
