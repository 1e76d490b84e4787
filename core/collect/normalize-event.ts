import { randomUUID } from 'node:crypto';
import { SignalError } from '../errors.ts';
import type { CanonicalEvent, EventContext, EventType, IncomingBatch, IncomingEvent } from './canonical-event.ts';
import { withBatchContext } from './batch-context.ts';
import { readEventTime, unreadableTimes } from './event-time.ts';
import { presentContext, withoutNullFields } from './present-fields.ts';

/** What the server knows about the request that carried the events. */
export interface RequestFacts {
  receivedAt: Date;
  /** Client IP: the socket's, or the trusted X-Forwarded-For's. */
  ip: string;
  userAgent?: string;
  /** True for requests from a browser (they carry `Origin` or our visitor cookie). */
  browser: boolean;
  /** The first-party visitor id (`_dfdid` cookie) of a browser request. */
  visitorId?: string;
  /** Vendor cookies a loaded plugin declared, read from the request. */
  cookies?: Record<string, string>;
  /** The request carried `Sec-GPC: 1`: the visitor opted out of the sale and sharing of their data. */
  gpc?: boolean;
}

type BatchDefaults = Pick<IncomingBatch, 'context' | 'integrations' | 'sentAt'>;

/**
 * Corrects the client's clock as Segment does: the event happened `sentAt - timestamp` before
 * the request was sent, and the request was sent when the server received it. An event did not
 * happen after Signal received it: a time later than `receivedAt` (a clock ahead and no
 * `sentAt`, or a `sentAt` behind the event's own time) becomes `receivedAt`; the client's
 * value stays in `originalTimestamp`.
 */
export function correctTimestamp(receivedAt: Date, timestamp: string | undefined, sentAt: string | undefined): string {
  const eventMs = timestamp === undefined ? undefined : readEventTime(timestamp);
  // normalizeEvent refuses an unreadable timestamp first; here it only keeps the function total.
  if (eventMs === undefined) return receivedAt.toISOString();
  const sentMs = sentAt === undefined ? undefined : readEventTime(sentAt);
  const corrected = sentMs === undefined ? eventMs : receivedAt.getTime() - (sentMs - eventMs);
  // A client clock off by millennia (sentAt 9999-…) would give a year no date-time can hold:
  // its own timestamp, uncorrected, is then the better guess.
  const at = corrected >= MIN_MS && corrected <= MAX_MS ? corrected : eventMs;
  return new Date(Math.min(at, receivedAt.getTime())).toISOString();
}

/** 0000-01-01 and 9999-12-31: the years an ISO 8601 date-time writes with four digits. */
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Undefined, null, empty or white space only. */
function isBlank(value: string | null | undefined): value is '' | null | undefined {
  return value === undefined || value === null || value.trim() === '';
}

/**
 * Turns a validated incoming event into the canonical event: stamps `receivedAt` and a
 * `messageId` when missing, fills `context.ip` / `context.userAgent` / `context.cookies` and,
 * for a request with `Sec-GPC: 1`, `context.consent.gpc` (unless the event has its own),
 * applies the visitor cookie's id, and corrects clock skew into `timestamp`. A `null` in an
 * optional field of the envelope (the event's, the context's and its `page`'s, `campaign`'s,
 * `library`'s, `consent`'s, an `integrations` entry's, the batch's) is dropped: absent, so the
 * batch's value applies where there is one (`present-fields.ts`). Throws a 400
 * `SIGNAL_INVALID_EVENT` naming `timestamp`, `originalTimestamp` or `sentAt` when the event's own
 * value passed the schema but cannot be read (a batch's `sentAt` is the caller's to check).
 *
 * @example
 * const event = normalizeEvent({ event: 'Signed Up', userId: 'u1' }, 'track', {
 *   receivedAt: new Date(), ip: '203.0.113.9', browser: false,
 * });
 */
export function normalizeEvent(incoming: IncomingEvent, type: EventType, facts: RequestFacts, batch?: BatchDefaults): CanonicalEvent {
  // `partner_attrs` is what partner enrichment found (Amperity's profile): only Signal writes it.
  const { writeKey: _writeKey, sentAt: ownSentAt, timestamp, originalTimestamp, context: ownContext, userId, anonymousId, partner_attrs: _notTheClients, ...rest } = incoming as IncomingEvent & { partner_attrs?: unknown };
  const unreadable = unreadableTimes(incoming);
  if (unreadable.length > 0) {
    throw new SignalError('SIGNAL_INVALID_EVENT', unreadable.map((f) => `${f.field} ${f.message}`).join('; '), unreadable);
  }
  const sentAt = ownSentAt ?? batch?.sentAt ?? undefined;
  const clientTimestamp = timestamp ?? originalTimestamp ?? undefined;

  const context: EventContext = withBatchContext(presentContext(batch?.context), presentContext(ownContext));
  // A browser cannot be trusted to tell its own IP; a server SDK forwarding its visitor's can.
  if (facts.browser || context.ip === undefined) context.ip = facts.ip;
  if (context.userAgent === undefined && facts.userAgent !== undefined) context.userAgent = facts.userAgent;
  if (facts.cookies && Object.keys(facts.cookies).length > 0) context.cookies = { ...context.cookies, ...facts.cookies };
  // The SDK's own reading of navigator.globalPrivacyControl wins over the request's header.
  if (facts.gpc === true && typeof context.consent?.gpc !== 'boolean') context.consent = { ...context.consent, gpc: true };

  if (type === 'track' && typeof rest.event === 'string' && rest.event.trim() === '') {
    throw new SignalError('SIGNAL_INVALID_EVENT', 'event is blank: name the action, e.g. "Order Completed"', [{ field: 'event', message: 'is blank: name the action, e.g. "Order Completed"' }]);
  }
  const receivedAt = facts.receivedAt.toISOString();
  const messageId = incoming.messageId;
  // The spread the event is made from anyway, minus the envelope's nulls (`properties: null`…).
  const event = withoutNullFields(rest) as Partial<CanonicalEvent> as CanonicalEvent;
  event.type = type;
  // A blank id is no id: kept, it would make unrelated events repeats of each other.
  event.messageId = isBlank(messageId) ? randomUUID() : messageId;
  event.timestamp = clientTimestamp === undefined ? receivedAt : correctTimestamp(facts.receivedAt, clientTimestamp, sentAt);
  event.receivedAt = receivedAt;
  event.context = context;
  if (clientTimestamp !== undefined) event.originalTimestamp = clientTimestamp;
  if (sentAt !== undefined) event.sentAt = sentAt;
  if (event.integrations) event.integrations = withoutNullFields(event.integrations);
  else if (batch?.integrations) event.integrations = withoutNullFields(batch.integrations);
  // "" and null (classic analytics.js) mean no id; so does white space only.
  if (typeof userId === 'string' && !isBlank(userId)) event.userId = userId;
  if (typeof anonymousId === 'string' && !isBlank(anonymousId)) event.anonymousId = anonymousId;

  if (facts.visitorId !== undefined) {
    if (event.anonymousId !== undefined && event.anonymousId !== facts.visitorId) context.clientAnonymousId = event.anonymousId;
    event.anonymousId = facts.visitorId;
  }
  return event;
}
