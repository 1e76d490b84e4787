// Who a record names in Loops: the contact's email and the site's userId as the contact's
// userId (Loops' "unique external ID"). Loops finds a contact by either ("If both are provided,
// the system will look for a contact with either a matching email or userId value") and
// creates one from both when it finds none. Taken from the blueprint's rows (the person's
// traits and userId), never from event properties.
import { mappedEmailOrLeftOut, mappedUserId, type JsonValue, type MappedUserIdOptions } from '../../core/sdk/index.ts';
import { MAX_TEXT_CHARS } from './config.ts';

/** Loops' limit on a userId, as on any text value. */
const USER_IDS: MappedUserIdOptions = { maxChars: MAX_TEXT_CHARS, limit: `Loops takes text of at most ${MAX_TEXT_CHARS}` };

/** A record's identity: its email and userId, at least one of them set. */
export interface LoopsIdentity {
  email?: string;
  userId?: string;
}

/**
 * The identity of a mapped record, or undefined when it names no contact. A malformed email is
 * a PermanentError unless the userId names the contact: then the email alone is left out, said
 * with `warn`.
 *
 * @example
 * identityOf({ email: 'jane@example.com', userId: 'u-1' }, warn); // { email: 'jane@example.com', userId: 'u-1' }
 * identityOf({ email: 'jane@', userId: 'u-1' }, warn);            // { userId: 'u-1' }, warned
 * identityOf({}, warn);                                           // undefined
 */
export function identityOf(payload: { email?: JsonValue; userId?: JsonValue }, warn: ((message: string) => void) | undefined): LoopsIdentity | undefined {
  const userId = mappedUserId(payload.userId, USER_IDS);
  // With the userId the record still names its contact: its other data is not lost for the address.
  const email = mappedEmailOrLeftOut(payload.email, 'Loops', { namedOtherwise: userId !== undefined, warn });
  if (email === undefined && userId === undefined) return undefined;
  return { ...(email === undefined ? {} : { email }), ...(userId === undefined ? {} : { userId }) };
}
