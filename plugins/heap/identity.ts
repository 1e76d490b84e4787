// Heap's identities. An identified user is named by `identity`, "a case-sensitive string,
// limited to 255 characters" (Signal sends the userId); a visitor not identified yet can only
// be named by `user_id`, "the user_id from the Heap SDK … the string representation of a
// number between zero and 2^53 - 1" — the track API takes one or the other, never both. Signal
// has no Heap SDK user id for a visitor, so it derives one from the visitor's anonymousId: the
// first 53 bits of its SHA-256, the same number for every event of the visitor, so their
// events land on one anonymous Heap user, which the identify API later merges into the
// identified user (`POST /api/v1/identify` with both).
import { createHash } from 'node:crypto';
import { PermanentError, usableId } from '../../core/sdk/index.ts';

/** Heap's longest identity ("limited to 255 characters"). */
export const MAX_IDENTITY_CHARS = 255;
/** Heap user ids are numbers below 2^53 ("between zero and 2^53 - 1"). */
const MAX_USER_ID = 2n ** 53n - 1n;

/**
 * Whether a value names a user: text or a number, not one of the placeholders SDKs write for
 * an empty variable (`"null"`, `"undefined"`, …), which would merge strangers into one user.
 *
 * @example
 * usableIdentity('user-123');  // true
 * usableIdentity('undefined'); // false
 */
export function usableIdentity(value: unknown): value is string | number {
  return usableId(value);
}

/**
 * The identity Heap takes for a userId: its text, at most 255 characters. A longer one is
 * refused, not cut: a cut identity could name another user (two long ids sharing their first
 * 255 characters), so the event is dead-lettered saying what to map instead.
 *
 * @example
 * identityText('user-123'); // 'user-123'
 * identityText(42);         // '42'
 */
export function identityText(value: string | number, field = 'identity'): string {
  const text = String(value).trim();
  const length = Array.from(text).length;
  if (length > MAX_IDENTITY_CHARS) {
    throw new PermanentError(`Heap: ${field} is ${length} characters, and Heap takes identities of up to ${MAX_IDENTITY_CHARS}: map a shorter user id to identity in the blueprint (a cut one could name another user)`);
  }
  return text;
}

/**
 * Whether a value is a Heap user id: the decimal text of a whole number from 0 to 2^53 − 1.
 *
 * @example
 * isHeapUserId('8065178357441129'); // true
 * isHeapUserId('-1');               // false
 */
export function isHeapUserId(value: unknown): value is string {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return false;
  return BigInt(value) <= MAX_USER_ID;
}

/**
 * The Heap user id Signal gives a visitor: the first 53 bits of the SHA-256 of its anonymousId,
 * as decimal text — stable across the visitor's events, retries and replays, and spread over
 * Heap's whole user id space (a collision with another visitor's is as likely as two random
 * 53-bit numbers meeting).
 *
 * @example
 * heapUserIdOf('df_0f1e2d3c'); // '…' (the same text for every call with this id)
 */
export function heapUserIdOf(anonymousId: string): string {
  const digest = createHash('sha256').update(anonymousId, 'utf8').digest();
  return (digest.readBigUInt64BE(0) >> 11n).toString();
}
