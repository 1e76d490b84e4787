// Who a record names in Vero: the user whose id is the site's userId, with their email. Vero
// keys every profile by its id (Vero: "Each profile must have a unique id"; every endpoint looks
// users up by it), so a record without a usable userId names nobody the plugin could later
// update, unsubscribe or delete: it is not sent. Taken from the blueprint's rows (the person's
// traits and userId), never from event properties.
import { mappedEmailOrLeftOut, mappedUserId, type JsonValue, type MappedUserIdOptions } from '../../core/sdk/index.ts';
import { MAX_ID_CHARS } from './config.ts';

/** Vero's limit on a user's id. */
const USER_IDS: MappedUserIdOptions = { maxChars: MAX_ID_CHARS, limit: 'Vero takes ids of less than 255 characters' };

/** A record's identity: the user's id, and their email when known. */
export interface VeroIdentity {
  id: string;
  email?: string;
}

/**
 * The identity of a mapped record, or undefined when it has no usable userId. An email Vero
 * would refuse (malformed, 255 characters or more) is left out, said with `warn`: the id names
 * the user anyway.
 *
 * @example
 * identityOf({ userId: 'u-1', email: 'jane@example.com' }, warn); // { id: 'u-1', email: 'jane@example.com' }
 * identityOf({ userId: 'u-1', email: 'jane@' }, warn);            // { id: 'u-1' }, warned
 * identityOf({ email: 'jane@example.com' }, warn);                // undefined
 */
export function identityOf(payload: { userId?: JsonValue; email?: JsonValue }, warn: ((message: string) => void) | undefined): VeroIdentity | undefined {
  const id = mappedUserId(payload.userId, USER_IDS);
  if (id === undefined) return undefined;
  const email = mappedEmailOrLeftOut(payload.email, 'Vero', { namedOtherwise: true, strict: true, warn });
  if (email !== undefined && email.length > MAX_ID_CHARS) {
    warn?.(`email left out: ${email.length} characters, and Vero takes emails of less than 255`);
    return { id };
  }
  return email === undefined ? { id } : { id, email };
}
