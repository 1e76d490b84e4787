// Who an item names and how Customer.io tells events apart. A person is named by `identifiers`:
// `{ id }` (the site's userId) for a known person, `{ anonymous_id }` for a visitor's events
// (Customer.io keeps anonymous events up to 30 days and merges them into the person an identify
// gives the same `anonymous_id` attribute). An event's `id` deduplicates it, and Customer.io
// takes only a ULID there ("A valid ULID used to deduplicate events"): one is derived from the
// messageId, the item's action, name and person, and the event's time, so a retry or a replay
// of the same event carries the same id, and two events that merely share a (client-set)
// messageId do not.
import { createHash } from 'node:crypto';
import { PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Customer.io: a person's id is at most 150 bytes (Track API limits). */
export const MAX_ID_BYTES = 150;
/** Crockford's base 32, the ULID alphabet (no I, L, O, U). */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The largest time a ULID holds: 48 bits of milliseconds. */
const MAX_ULID_TIME = 2 ** 48 - 1;

/** An id as text: a string trimmed, a finite number as its digits. */
function idText(value: string | number): string {
  return typeof value === 'number' ? String(value) : value.trim();
}

/**
 * The person an item names: `{ id }` from the blueprint's `user_id` (else the userId) when
 * usable; else, when the action allows it, `{ anonymous_id }` from `anonymous_id` (else the
 * anonymousId). Placeholders ("null", "anonymous", "0", …) name nobody (SDK usableId); an id over
 * 150 bytes is refused (Customer.io's limit), as is an item naming nobody.
 *
 * @example
 * identifiersOf({ user_id: 'u-1' }, event, true);          // { id: 'u-1' }
 * identifiersOf({ anonymous_id: 'df_abc' }, event, true);  // { anonymous_id: 'df_abc' }
 */
export function identifiersOf(payload: JsonObject, event: CanonicalEvent, anonymousAllowed: boolean): { id: string } | { anonymous_id: string } {
  const userId: JsonValue | undefined = payload.user_id !== undefined ? payload.user_id : event.userId;
  if (usableId(userId)) {
    const id = idText(userId);
    if (Buffer.byteLength(id) > MAX_ID_BYTES) throw new PermanentError(`the userId has ${Buffer.byteLength(id)} bytes and Customer.io takes ids of at most ${MAX_ID_BYTES}`);
    return { id };
  }
  const anonymousId: JsonValue | undefined = payload.anonymous_id !== undefined ? payload.anonymous_id : event.anonymousId;
  if (!anonymousAllowed) {
    throw new PermanentError(`Customer.io identifies a person by id and this event has no usable userId (${JSON.stringify(event.userId ?? null)}): placeholders such as "null" or "anonymous" identify nobody`);
  }
  if (usableId(anonymousId)) return { anonymous_id: idText(anonymousId) };
  throw new PermanentError(`Customer.io needs a person's id or an anonymous_id and this event has no usable id (userId ${JSON.stringify(event.userId ?? null)}, anonymousId ${JSON.stringify(event.anonymousId ?? null)}): placeholders such as "null" or "anonymous" identify nobody`);
}

/**
 * The anonymous id an identify links to the person (the `anonymous_id` attribute that merges
 * the visitor's anonymous events into the profile), or undefined when there is none usable.
 *
 * @example
 * anonymousIdOf({ anonymous_id: 'df_abc' }, event);    // 'df_abc'
 * anonymousIdOf({ anonymous_id: 'undefined' }, event); // undefined
 */
export function anonymousIdOf(payload: JsonObject, event: CanonicalEvent): string | undefined {
  const anonymousId: JsonValue | undefined = payload.anonymous_id !== undefined ? payload.anonymous_id : event.anonymousId;
  return usableId(anonymousId) ? idText(anonymousId) : undefined;
}

/**
 * What an event's dedup id is derived from besides its time: the messageId with the item's
 * action, name and identifiers, as JSON. The messageId is the client's: two different events
 * sharing one (a site reusing an order id, an SDK bug) must not share a dedup id, or Customer.io
 * ignores the second ("If an event repeats a value we've already received, we ignore the
 * duplicate"); a retry, a split or a replay of the same event gives the same key.
 *
 * @example
 * dedupKeyOf('m-1', 'event', 'Signed Up', { id: 'u-1' }); // '["m-1","event","Signed Up",{"id":"u-1"}]'
 */
export function dedupKeyOf(messageId: string, action: string, name: string, identifiers: { id: string } | { anonymous_id: string }): string {
  return JSON.stringify([messageId, action, name, identifiers]);
}

/**
 * A ULID for an event, the same for the same key (dedupKeyOf) and time: its first 10
 * characters the time (ms, clamped to what a ULID holds), its last 16 the first 80 bits of the
 * key's SHA-256, in Crockford's base 32. Customer.io requires a ULID as an event's `id` and does
 * not use the time in it ("as long as you're still making sure each ULID is unique").
 *
 * @example
 * dedupIdFor(dedupKeyOf('m-1', 'event', 'Signed Up', { id: 'u-1' }), Date.parse('2024-03-24T16:00:00Z')); // '01HSRK1C00…' (26 characters)
 */
export function dedupIdFor(key: string, timeMs: number): string {
  let time = Math.min(Math.max(Math.floor(Number.isFinite(timeMs) ? timeMs : 0), 0), MAX_ULID_TIME);
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[time % 32]! + timePart;
    time = Math.floor(time / 32);
  }
  let bits = BigInt(`0x${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 20)}`);
  let randomPart = '';
  for (let i = 0; i < 16; i++) {
    randomPart = CROCKFORD[Number(bits & 31n)]! + randomPart;
    bits >>= 5n;
  }
  return timePart + randomPart;
}
