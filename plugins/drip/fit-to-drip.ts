// What the blueprint mapped, fitted to one record of Drip's API: a subscriber (an identify) or
// an event (a track call). What Drip would refuse for good is dead-lettered here, each event on
// its own, saying why — in a batch of a thousand, one refused record would otherwise cost the
// others a batch request; what names no one in Drip (an anonymous visitor) is not sent. Page,
// screen, group and alias calls are never sent: Drip has no page views, accounts or aliases
// through this API, and its events exist to trigger workflows, which a page view should not.
import { neverSentTypes, PermanentError, recordKinds, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { eventRecord } from './drip-event.ts';
import { subscriberRecord } from './subscriber.ts';

/** The records the plugin sends, each to its endpoints. */
export const KINDS = ['subscriber', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Drip', KINDS);

/** Bytes of one record's JSON (Drip documents no limit; this is room for hundreds of fields). */
export const MAX_RECORD_BYTES = 64_000;

/** A fitted record: its kind and the object Drip receives in `subscribers` or `events`. */
export interface DripRecord {
  kind: Kind;
  record: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may (the map hook
 * drops such events itself, so this holds whatever the blueprint).
 *
 * @example
 * neverSentReason({ type: 'page' } as CanonicalEvent);  // 'not sent to Drip: Drip\'s REST API has no page views (its events trigger workflows)'
 * neverSentReason({ type: 'track' } as CanonicalEvent); // undefined
 */
export const neverSentReason = neverSentTypes('Drip', {
  page: 'Drip\'s REST API has no page views (its events trigger workflows)',
  screen: 'Drip\'s REST API has no screen views (its events trigger workflows)',
  group: 'Drip has no accounts or groups to update',
  alias: 'Drip has no alias call (a subscriber\'s email is its key)',
});

/**
 * The map hook: the blueprint's payload as a Drip record (`{ kind, record }`), or null — not
 * sent — for an event of a type Drip has no use for, or one that names no subscriber.
 *
 * @example
 * fitRecord({ kind: 'subscriber', email: 'jane@example.com', userId: 'u-1' }, identify, ctx);
 * // { kind: 'subscriber', record: { email: 'jane@example.com', user_id: 'u-1', initial_status: 'unsubscribed' } }
 * fitRecord({ kind: 'event', email: 'jane@example.com', action: 'Signed Up' }, track, ctx);
 * // { kind: 'event', record: { email: 'jane@example.com', action: 'Signed Up' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  const record = kind === 'subscriber' ? subscriberRecord(payload, event, ctx) : eventRecord(payload, ctx);
  if (record === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(record));
  if (bytes > MAX_RECORD_BYTES) throw new PermanentError(`the ${kind} takes ${bytes} bytes of JSON, more than the ${MAX_RECORD_BYTES} Signal sends Drip for one record: leave large traits or properties out in the blueprint`);
  const fitted: DripRecord = { kind, record };
  return { ...fitted };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', record: { action: 'Viewed' } }); // { kind: 'event', record: { action: 'Viewed' } }
 * recordOf({ action: 'Viewed' });                            // undefined
 */
export function recordOf(payload: JsonObject): DripRecord | undefined {
  const { kind, record } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return { kind, record };
}
