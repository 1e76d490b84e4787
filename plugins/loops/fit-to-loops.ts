// What the blueprint mapped, fitted to one record of Loops' API: a contact (an identify, for
// PUT /api/v1/contacts/update) or an event (a track call, for POST /api/v1/events/send). What
// Loops would refuse for good is dead-lettered here, each event on its own, saying why; what
// names no one in Loops (an anonymous visitor) is not sent. Page, screen, group and alias calls
// are never sent: Loops has no page views, accounts or aliases, and its events exist to trigger
// emails, which a page view should not.
import { neverSentTypes, recordKinds, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { assertFits, contactBody } from './contact.ts';
import { eventBody } from './loops-event.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['contact', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Loops', KINDS);

/** Bytes of one request body (Loops documents no limit; its text values are 500 characters at most, so this is room for hundreds of properties). */
export const MAX_BODY_BYTES = 64_000;

/** A fitted record: its kind and the body Loops receives. */
export interface LoopsRecord {
  kind: Kind;
  body: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may (the map hook
 * drops such events itself, so this holds whatever the blueprint).
 *
 * @example
 * neverSentReason({ type: 'page' } as CanonicalEvent);  // 'not sent to Loops: Loops has no page views (its events trigger emails)'
 * neverSentReason({ type: 'track' } as CanonicalEvent); // undefined
 */
export const neverSentReason = neverSentTypes('Loops', {
  page: 'Loops has no page views (its events trigger emails)',
  screen: 'Loops has no screen views (its events trigger emails)',
  group: 'Loops has no accounts or groups to update',
  alias: 'Loops has no alias call (a contact\'s userId is changed by an identify naming its email)',
});

/**
 * The map hook: the blueprint's payload as a Loops record (`{ kind, body }`), or null — not
 * sent — for an event of a type Loops has no use for, or one that names no contact.
 *
 * @example
 * fitRecord({ kind: 'contact', email: 'jane@example.com', userId: 'u-1', firstName: 'Jane' }, identify, ctx);
 * // { kind: 'contact', body: { email: 'jane@example.com', userId: 'u-1', firstName: 'Jane' } }
 * fitRecord({ kind: 'event', eventName: 'Signed Up', userId: 'u-1' }, track, ctx);
 * // { kind: 'event', body: { userId: 'u-1', eventName: 'Signed Up' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  const body = kind === 'contact' ? contactBody(payload, event, ctx) : eventBody(payload, ctx);
  if (body === null) return null;
  assertFits(body, MAX_BODY_BYTES, kind);
  const record: LoopsRecord = { kind, body };
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', body: { eventName: 'Viewed' } }); // { kind: 'event', body: { eventName: 'Viewed' } }
 * recordOf({ eventName: 'Viewed' });                          // undefined
 */
export function recordOf(payload: JsonObject): LoopsRecord | undefined {
  const { kind, body } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return { kind, body };
}
