// What the blueprint mapped, fitted to one record of Omnisend's API: a contact (an identify, for
// POST /contacts) or an event (a track call, for POST /events). What Omnisend would refuse for
// good is dead-lettered here, each event on its own, saying why; what names no one in Omnisend
// (an anonymous visitor) is not sent. Page, screen, group and alias calls are never sent:
// Omnisend's Events API documents no page view (its `$pageViewed` is its own website snippet's,
// for Live View), and it has no accounts or aliases.
import { neverSentTypes, PermanentError, recordKinds, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { contactRecord, type Subscription } from './contact.ts';
import { eventBody } from './omnisend-event.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['contact', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Omnisend', KINDS);

/** Bytes of one request body (Omnisend documents no limit; room for an order of hundreds of line items). */
export const MAX_BODY_BYTES = 256_000;

/** A fitted record: its kind, the body Omnisend receives, and (a contact's) the subscriptions to look up first. */
export interface OmnisendRecord {
  kind: Kind;
  body: JsonObject;
  subscriptions?: Subscription[];
  consent?: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may.
 *
 * @example
 * neverSentReason({ type: 'page' } as CanonicalEvent);  // 'not sent to Omnisend: …'
 * neverSentReason({ type: 'track' } as CanonicalEvent); // undefined
 */
export const neverSentReason = neverSentTypes('Omnisend', {
  page: 'Omnisend\'s Events API documents no page view event (page views are its own website snippet\'s)',
  screen: 'Omnisend has no screen views',
  group: 'Omnisend has no accounts or groups',
  alias: 'Omnisend has no alias call (contacts are keyed by their email and phone)',
});

function assertFits(body: JsonObject, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`the ${what} takes ${bytes} bytes of JSON, more than the ${MAX_BODY_BYTES} Signal sends Omnisend in one request: leave large traits or properties out in the blueprint`);
}

/**
 * The map hook: the blueprint's payload as an Omnisend record, or null — not sent — for an event
 * of a type Omnisend has no use for, or one that names no contact.
 *
 * @example
 * fitRecord({ kind: 'event', eventName: 'Signed Up', email: 'jane@example.com' }, track, ctx);
 * // { kind: 'event', body: { eventName: 'Signed Up', eventID: '…', eventTime: '…', origin: 'api', contact: { email: 'jane@example.com' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  if (kind === 'contact') {
    const contact = contactRecord(payload, event, ctx);
    if (contact === null) return null;
    assertFits(contact.body, 'contact');
    return { kind, body: contact.body, subscriptions: contact.subscriptions.map((s) => ({ ...s })), consent: contact.consent };
  }
  const body = eventBody(payload, event, ctx);
  if (body === null) return null;
  assertFits(body, 'event');
  return { kind, body };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A subscription read back from a payload or memo, or undefined.
 *
 * @example
 * subscriptionOf({ type: 'email', id: 'jane@example.com', channel: 'email' }); // the same, typed
 */
export function subscriptionOf(value: JsonValue | undefined): Subscription | undefined {
  if (!isObject(value)) return undefined;
  const { type, id, channel } = value;
  if ((type === 'email' || type === 'phone') && typeof id === 'string' && (channel === 'email' || channel === 'sms')) return { type, id, channel };
  return undefined;
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', body: { eventName: 'Signed Up' } }); // { kind: 'event', body: { eventName: 'Signed Up' } }
 */
export function recordOf(payload: JsonObject): OmnisendRecord | undefined {
  const { kind, body } = payload;
  if (!RECORD_KINDS.is(kind) || !isObject(body)) return undefined;
  const subscriptions = Array.isArray(payload.subscriptions) ? payload.subscriptions.map(subscriptionOf).filter((s): s is Subscription => s !== undefined) : [];
  return { kind, body, subscriptions, ...(isObject(payload.consent) ? { consent: payload.consent } : {}) };
}
