// The `idempotency_key` of a custom event. OneSignal: Create custom events — "Each unique event
// should get its own unique UUID, and when retrying delivery for events, the same UUID must be
// provided. Duplicate events with the same idempotency_key will be ignored on a best-effort
// basis within a 4-hour period"; Idempotent API requests — "Keys must be unique RFC 9562 UUID
// format" (earlier: "v3 or v4 UUID format"). The event's messageId is its id through retries and
// replays: a messageId that is a version 3 or 4 UUID is the key itself, any other gives the
// name-based version 3 UUID of it (RFC 9562, section 5.3), which both rules accept.
import { nameBasedUuid } from '../../core/sdk/index.ts';

/** A version 3 or 4 UUID in its text form. */
const UUID_V3_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-[34][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/**
 * The namespace of the plugin's keys: a fixed random UUID, written down so a key can be derived
 * again anywhere (changing it changes every key, and a replay within 4 hours would be counted twice).
 */
export const KEY_NAMESPACE = '3b0c9a4e-5f1d-4c2b-9e7a-6d8f0a1b2c3d';

/**
 * The name-based version 3 UUID of `name` in `namespace`: the MD5 of the namespace's 16 bytes
 * and the name's UTF-8, with the version and variant bits set (RFC 9562, section 5.3).
 *
 * @example
 * uuidV3('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'); // '5df41881-3aed-3515-88a7-2f4a814cf09e' (RFC 9562, A.2)
 */
export function uuidV3(namespace: string, name: string): string {
  return nameBasedUuid(name, { version: 3, namespace });
}

/**
 * The custom event's idempotency key: its messageId when that is a version 3 or 4 UUID (lower
 * case: analytics.js and most server SDKs send v4), else the version 3 UUID of the messageId in
 * the plugin's namespace — the same messageId always giving the same key.
 *
 * @example
 * idempotencyKeyOf('29FC2962-6D9C-455D-95AD-95B84F09B9E4'); // '29fc2962-6d9c-455d-95ad-95b84f09b9e4'
 * idempotencyKeyOf('ajs-next-1711296000000-3f1c2d4e');        // a version 3 UUID, the same on every call
 */
export function idempotencyKeyOf(messageId: string): string {
  const trimmed = messageId.trim();
  return UUID_V3_V4.test(trimmed) ? trimmed.toLowerCase() : uuidV3(KEY_NAMESPACE, trimmed);
}
