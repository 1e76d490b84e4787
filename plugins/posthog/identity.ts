// PostHog's identity rules: which distinct ids its ingestion refuses to merge (nodejs
// person-utils' isDistinctIdIllegal, mirrored in its Rust personhog service), how capture
// shortens a long distinct_id (to 200 characters), and the event `uuid` capture takes — a
// UUID or nothing, a request holding anything else being refused whole — derived from the
// messageId so a retry, a split or a replay of an event carries the same one (PostHog's
// ClickHouse tables keep one row per uuid, event, distinct_id and day).
import { nameBasedUuid, usableId } from '../../core/sdk/index.ts';

/**
 * Ids PostHog treats as a mistake in any letter case ("used to prevent identify from being
 * used with generic IDs"), beside the SDK's placeholders; quoted forms too, as PostHog does.
 */
const ILLEGAL_ANY_CASE = ['anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false'];
/** Ids PostHog treats as a mistake only exactly so cased (`NaN`, not `nan`). */
const ILLEGAL_EXACT = ['[object Object]', 'NaN', 'None', 'none', 'null', '0', 'undefined'];

const quoted = (ids: string[]): string[] => ids.flatMap((id) => [id, `'${id}'`, `"${id}"`]);
/** The SDK's `usableId` compares lower-cased: PostHog's any-case ids and their quoted forms. */
const ILLEGAL_LOWER: ReadonlySet<string> = new Set(quoted(ILLEGAL_ANY_CASE));
const ILLEGAL_CASED: ReadonlySet<string> = new Set(quoted(ILLEGAL_EXACT));

/** Capture keeps the first 200 characters of a distinct_id (`extract_distinct_id_trims_to_200_chars`). */
export const MAX_DISTINCT_ID_CHARS = 200;

/**
 * Whether PostHog takes a value as a distinct id: non-blank text or a finite number that is
 * neither one of the SDK's placeholders (`"null"`, `"undefined"`, …) nor one PostHog's
 * ingestion calls illegal (`"guest"`, `"distinct_id"`, `"NaN"`, `"None"`, quoted forms).
 *
 * @example
 * usableDistinctId('user-123'); // true
 * usableDistinctId('Guest');    // false
 * usableDistinctId('"null"');   // false
 */
export function usableDistinctId(value: unknown): value is string | number {
  if (!usableId(value, ILLEGAL_LOWER)) return false;
  const text = String(value).trim();
  return !ILLEGAL_CASED.has(text);
}

/**
 * The distinct id as PostHog stores it: the value as text, cut to its first 200 characters
 * (code points, as capture counts them), so a deletion names the id PostHog kept.
 *
 * @example
 * distinctIdText('user-123'); // 'user-123'
 * distinctIdText(42);         // '42'
 */
export function distinctIdText(value: string | number): string {
  const text = String(value);
  const chars = Array.from(text);
  return chars.length > MAX_DISTINCT_ID_CHARS ? chars.slice(0, MAX_DISTINCT_ID_CHARS).join('') : text;
}

/** A UUID in its canonical text form, any version. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The nil and max UUIDs name no event: every SDK bug sending them would make one event of many. */
const NOT_AN_EVENT = new Set(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']);

/**
 * The namespace of the plugin's name-based UUIDs: the UUIDv5 of the URL namespace and
 * `https://signal.invalid/plugins/posthog/message-id` (any fixed UUID works; this one is
 * written down so the derivation can be redone anywhere).
 */
export const MESSAGE_ID_NAMESPACE = '88a0932f-cad6-5f45-bcee-f2d958b43c49';

/**
 * A name-based UUID, version 5 (RFC 9562, section 5.5): the first 16 bytes of the SHA-1 of
 * the namespace's bytes and the name's UTF-8, with the version and variant bits set.
 *
 * @example
 * uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'); // '2ed6657d-e927-568b-95e1-2665a8aea6a2' (RFC 9562, A.4)
 */
export function uuidV5(namespace: string, name: string): string {
  return nameBasedUuid(name, { version: 5, namespace });
}

/**
 * The `uuid` PostHog gets for an event: its messageId when that is already a UUID
 * (lower-cased; analytics.js and most server SDKs send v4 UUIDs), else the UUIDv5 of the
 * messageId in the plugin's namespace — the same messageId always giving the same uuid, so
 * PostHog keeps one copy of a retried event. The nil and max UUIDs are derived like any
 * other text.
 *
 * @example
 * uuidFor('29FC2962-6D9C-455D-95AD-95B84F09B9E4'); // '29fc2962-6d9c-455d-95ad-95b84f09b9e4'
 * uuidFor('ajs-next-1711296000000-3f1c2d4e');        // a UUIDv5, the same on every call
 */
export function uuidFor(messageId: string): string {
  const lower = messageId.trim().toLowerCase();
  if (UUID_TEXT.test(lower) && !NOT_AN_EVENT.has(lower)) return lower;
  return uuidV5(MESSAGE_ID_NAMESPACE, messageId);
}
