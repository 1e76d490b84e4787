// Mixpanel's identity rules (Import Events: properties.distinct_id and properties.$insert_id;
// Identifying Users (Simplified)): which ids Mixpanel refuses, the distinct_id it would set
// itself from $user_id and $device_id, and an $insert_id it accepts, derived deterministically
// so a retry or a replay of the same event is deduplicated.
import { createHash } from 'node:crypto';
import { usableId as usableIdAnywhere } from '../../core/sdk/index.ts';

/**
 * Values Mixpanel disallows for distinct_id (and so for $insert_id) beyond the placeholders
 * the SDK's namesNoOne knows. Compared without case.
 */
export const MIXPANEL_DISALLOWED_IDS: ReadonlySet<string> = new Set(['00000000-0000-0000-0000-000000000000', 'anon', '<nil>', 'true', 'false', '[]', '{}']);

/** The prefix Mixpanel's Simplified ID Merge gives the distinct_id of an event carrying only a $device_id. */
export const DEVICE_PREFIX = '$device:';

/** `$insert_id`: at most 36 bytes of letters, digits and `-`. */
const VALID_INSERT_ID = /^[A-Za-z0-9-]{1,36}$/;

/**
 * Whether Mixpanel takes a value as an id: a non-blank string (or a number) that is not one of
 * its placeholders.
 *
 * @example
 * usableId('user-123'); // true
 * usableId(' NULL ');   // false
 */
export function usableId(value: unknown): value is string | number {
  return usableIdAnywhere(value, MIXPANEL_DISALLOWED_IDS);
}

/**
 * The distinct_id Mixpanel's Simplified ID Merge sets for an event: the `$user_id` when there
 * is one, else `$device:<$device_id>`; undefined when neither is usable.
 *
 * @example
 * distinctIdOf('user-123', 'df_abc'); // 'user-123'
 * distinctIdOf(undefined, 'df_abc');  // '$device:df_abc'
 */
export function distinctIdOf(userId: unknown, deviceId: unknown): string | undefined {
  if (usableId(userId)) return String(userId);
  if (usableId(deviceId)) return `${DEVICE_PREFIX}${String(deviceId)}`;
  return undefined;
}

/**
 * An `$insert_id` Mixpanel accepts for a messageId: the messageId itself when it is already one
 * (a UUID), else the first 36 hex characters of its SHA-256 (Mixpanel's own advice for ids
 * that do not fit). The same messageId always gives the same `$insert_id`.
 *
 * @example
 * insertIdFor('29fc2962-6d9c-455d-95ad-95b84f09b9e4'); // unchanged
 * insertIdFor('ajs-next-1711296000000-3f1c2d4e5b6a7980'); // the first 36 hex characters of its SHA-256
 */
export function insertIdFor(messageId: string): string {
  if (VALID_INSERT_ID.test(messageId) && usableId(messageId)) return messageId;
  return createHash('sha256').update(messageId, 'utf8').digest('hex').slice(0, 36);
}

/**
 * The distinct_id a person deletion names at Mixpanel: the userId when it is usable, else
 * `$device:<anonymousId>` (the anonymous distinct_id the plugin sends). Never both: once
 * Simplified ID Merge has linked a device to a user, only the user's canonical distinct_id (the
 * `$user_id`) identifies them, and Mixpanel's GDPR API cannot process a request naming an id
 * it does not hold ("any incorrect identifiers … will result in inability to process the
 * request"). A GDPR deletion "includes all data connected to the requested distinct_id": the
 * user's covers the devices merged into it. A device never seen with the user (no event
 * carrying both ids) is not merged: a deletion naming the anonymousId alone deletes it.
 *
 * @example
 * distinctIdsOfPerson({ userId: 'u-1', anonymousId: 'df_abc' }); // ['u-1']
 * distinctIdsOfPerson({ userId: null, anonymousId: 'df_abc' });  // ['$device:df_abc']
 */
export function distinctIdsOfPerson(person: { userId: string | null; anonymousId: string | null }): string[] {
  if (usableId(person.userId)) return [person.userId];
  if (usableId(person.anonymousId)) return [`${DEVICE_PREFIX}${person.anonymousId}`];
  return [];
}
