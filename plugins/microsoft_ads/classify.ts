// Microsoft's answers to POST https://capi.uet.microsoft.com/v1/{tagId}/events, as its
// Conversions API guide documents them ("Troubleshooting, validation, and launch"). The plugin
// sends `continueOnValidationError: true`, so:
//
// - 200: every valid event processed (`eventsReceived` counts them); `error.details[]` names the
//   skipped events (`isWarning: false`, by `index` in `data` and `propertyName`
//   `data[3].eventTime`) and the optional fields removed from accepted ones (`isWarning: true`);
// - 400 `ValidationError`: no event of the request was valid, with the same details;
// - 401 `Unauthorized`: "The token is missing, incorrect, expired, or not authorized for the tag".
//
// Microsoft shows "only the first 10 errors and warnings", so a batch may hold refused events
// it does not name: `eventsReceived` tells when, and those are sent again (Microsoft counts an
// eventId once: "Use stable eventId values so retries don't create duplicate conversions").
import { defaultClassify, isJsonObject, transientRetry, type Classification, type EventOutcome, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of the body a reason quotes when the answer is not Microsoft's JSON. */
const EXCERPT_CHARS = 300;
/** An event's place in a property path of Microsoft's answer: `data[3].eventTime`. */
const EVENT_INDEX = /^data\[(\d+)\]\.?/;

interface MicrosoftDetail {
  index?: unknown;
  propertyName?: unknown;
  errorMessage?: unknown;
  errorCode?: unknown;
  isWarning?: unknown;
}

interface MicrosoftAnswer {
  error?: unknown;
  eventsReceived?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Microsoft's `error` object (`{ code, message, details }`), or an empty one. */
function errorOf(answer: MicrosoftAnswer): Record<string, unknown> {
  return isJsonObject(answer.error) ? answer.error : {};
}

/** The `details` of Microsoft's error. */
function detailsOf(answer: MicrosoftAnswer): MicrosoftDetail[] {
  const details = errorOf(answer).details;
  return Array.isArray(details) ? details.filter(isJsonObject).map((detail) => detail as MicrosoftDetail) : [];
}

/** What Microsoft said: its error's message with the details, or the body's start when the answer is not its JSON. */
function said(answer: MicrosoftAnswer, body: string): string {
  const error = errorOf(answer);
  const message = text(error.message) || text(error.code);
  const details = detailsOf(answer).map(describe).filter(Boolean).join('; ');
  const clause = [message, details].filter(Boolean).join(' ');
  if (clause) return clause;
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat || '(no body)';
}

/** A detail as a reason: `eventTime: 'eventTime' must be … (InvalidEventTime)`, the batch position left out of the path. */
function describe(detail: MicrosoftDetail): string {
  const property = text(detail.propertyName).replace(EVENT_INDEX, '');
  const message = text(detail.errorMessage);
  const code = text(detail.errorCode);
  const clause = [property, message].filter(Boolean).join(': ');
  return code ? `${clause} (${code})` : clause;
}

/** The event a detail names: its `index`, else the place in its `propertyName`; undefined for a detail about the request. */
function indexOf(detail: MicrosoftDetail): number | undefined {
  if (typeof detail.index === 'number' && Number.isInteger(detail.index) && detail.index >= 0) return detail.index;
  const match = EVENT_INDEX.exec(text(detail.propertyName));
  return match ? Number(match[1]) : undefined;
}

/** What Microsoft's details refuse: the events they name, and whether one names no event of the request. */
interface Refused {
  /** The refused events' places in `data`, with what Microsoft said of each. */
  byEvent: Map<number, string[]>;
  /** A refusal that names no event of the request: one of the request itself, or a place out of range. */
  unplaced: boolean;
}

/** The refusals among Microsoft's details (those that are no warning), by the event they name. */
function refusals(answer: MicrosoftAnswer, count: number): Refused {
  const byEvent = new Map<number, string[]>();
  let unplaced = false;
  for (const detail of detailsOf(answer)) {
    if (detail.isWarning === true) continue;
    const index = indexOf(detail);
    if (index === undefined || index >= count) {
      unplaced = true;
      continue;
    }
    byEvent.set(index, [...(byEvent.get(index) ?? []), describe(detail) || 'refused without a message']);
  }
  return { byEvent, unplaced };
}

/** Whether the answer is Microsoft's, not a proxy's page: its `error` object with a code, message or details. */
function isMicrosoftAnswer(answer: MicrosoftAnswer): boolean {
  const error = errorOf(answer);
  return text(error.code) !== '' || text(error.message) !== '' || Array.isArray(error.details);
}

/** "events 2, 5 of 8": the refused events' places, counted from 1. */
function places(refused: Map<number, string[]>, total: number): string {
  const list = [...refused.keys()].sort((a, b) => a - b).map((i) => i + 1);
  return `${list.length === 1 ? 'event' : 'events'} ${list.join(', ')} of ${total}`;
}

/**
 * Outcomes when Microsoft refused events: those it named dead-lettered with its messages; the
 * others delivered, or sent again when Microsoft recorded none of them (a 400) or skipped more
 * than it named (fewer `eventsReceived` than the unnamed events: it shows only the first 10
 * errors and warnings, so warnings can hide every refusal).
 */
function perEvent(refused: Map<number, string[]>, request: RequestDescriptor, status: number, received: number | undefined): Classification {
  const total = request.eventIds.length;
  const unnamed = total - refused.size;
  const skippedUnnamed = status >= 400 || (received !== undefined && received < unnamed);
  const named = refused.size === 0 ? 'named none of those it skipped' : `named ${refused.size} it refused`;
  const again: EventOutcome = status >= 400
    ? { status: 'resend', reason: `Microsoft refused the request for its ${places(refused, total)} (HTTP ${status}) and recorded none of its events: sent again without the refused ones` }
    : { status: 'retry', reason: `Microsoft recorded ${received} of the request's ${total} events and ${named} (it shows at most 10 errors and warnings): sent again, as it counts an eventId once` };
  const outcomes: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    const messages = refused.get(index);
    if (messages !== undefined) outcomes[id] = { status: 'dead_letter', reason: `Microsoft refused the event (HTTP ${status}): ${messages.join('; ')}` };
    else if (skippedUnnamed) outcomes[id] = again;
  });
  return { perEvent: outcomes };
}

/**
 * Microsoft's answer as outcomes for the events of `request`:
 *
 * - 2xx: delivered, but for the events its details refuse (`isWarning: false`): dead-lettered
 *   with Microsoft's messages; when `eventsReceived` says it skipped more than it named (the 10
 *   details it shows may all be warnings, or name no event), the unnamed ones are sent again;
 *   warnings (a field removed) stay in the delivery log's answer; a 2xx whose body is text but
 *   no JSON object (a proxy's page) is sent again;
 * - 400 naming events: those dead-lettered, the others sent again without them; 400 in
 *   Microsoft's shape naming none, and 413: the batch split until the refused event is alone;
 * - 401: dead-lettered at once, saying how to get the tag's Conversions API token;
 * - 403, 404: dead-lettered at once, naming config.tag_id;
 * - 429: the rate limit (no try used up, the integration slowed) after Retry-After;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx, a proxy's 400 among them: dead-lettered with what was said.
 *
 * @example
 * classifyMicrosoftAds({ status: 200, headers: {}, body: '…', json: { eventsReceived: 1, error: { code: 'ValidationError',
 *   details: [{ index: 1, propertyName: 'data[1].eventTime', errorMessage: "'eventTime' must not be empty.", errorCode: 'Empty', isWarning: false }] } } },
 *   twoEventRequest, '187012345');
 * // { perEvent: { [ids[1]]: { status: 'dead_letter', reason: "Microsoft refused the event (HTTP 200): eventTime: 'eventTime' must not be empty. (Empty)" } } }
 */
export function classifyMicrosoftAds(response: VendorResponse, request: RequestDescriptor, tagId: string): Classification {
  const answer: MicrosoftAnswer = isJsonObject(response.json) ? (response.json as MicrosoftAnswer) : {};
  const { status } = response;
  const what = said(answer, response.body ?? '');
  const total = request.eventIds.length;
  const received = typeof answer.eventsReceived === 'number' && Number.isInteger(answer.eventsReceived) ? answer.eventsReceived : undefined;

  if (status >= 200 && status < 300) {
    // Microsoft answers every request it reads with its JSON (`eventsReceived`): a body that is
    // text but no JSON object (a proxy's or captive portal's page) recorded nothing.
    if (!isJsonObject(response.json) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without Microsoft's JSON answer (eventsReceived): ${what} — not Microsoft's answer (a proxy?), so the events are sent again (Microsoft counts an eventId once)` };
    }
    // A refusal naming no event cannot be placed, and warnings can fill the 10 details Microsoft
    // shows: the named refusals are settled, and eventsReceived tells whether the rest were recorded.
    const { byEvent } = refusals(answer, total);
    if (byEvent.size === 0 && (received === undefined || received >= total)) return { status: 'delivered' };
    return perEvent(byEvent, request, status, received);
  }
  const transient = transientRetry(response, 'Microsoft', what);
  if (transient !== undefined) return transient;
  if (status === 401) {
    return { status: 'dead_letter', reason: `Microsoft refused the Conversions API token (HTTP 401, ${what}). Copy the token of UET tag ${tagId} (Microsoft Advertising > UET tag > Set up tagging > Use Conversions API > Copy Token) into config.api_token in a new revision, then replay the dead letters` };
  }
  if (status === 403 || status === 404) {
    return { status: 'dead_letter', reason: `Microsoft HTTP ${status} for UET tag ${tagId} (${what}): check config.tag_id, that the account may use the Conversions API, and that config.api_token is this tag's token` };
  }
  if (status === 400) {
    const { byEvent, unplaced } = refusals(answer, total);
    if (!unplaced && byEvent.size > 0) return perEvent(byEvent, request, status, received);
  }
  // Microsoft's refusal without an event named (a problem it sees in the request as a whole,
  // past the 10 details it shows) or a 413: halves find the event. A proxy's 400 is
  // dead-lettered: halving it would change nothing.
  if (status === 413 || (status === 400 && isMicrosoftAnswer(answer))) {
    if (total > 1) return { status: 'split', reason: `Microsoft refused the batch (HTTP ${status}, ${what}); sending it in halves to find the event` };
    return { status: 'dead_letter', reason: `Microsoft refused the event (HTTP ${status}, ${what})` };
  }
  const fallback = defaultClassify(response);
  // Every 2xx returned above: the fallback dead-letters the other 4xx.
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `Microsoft HTTP ${status}: ${what}` };
}
