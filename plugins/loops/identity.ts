// Who a record names in Loops: the contact's email and the site's userId as the contact's
// userId (Loops' "unique external ID"). Loops finds a contact by either ("If both are provided,
// the system will look for a contact with either a matching email or userId value") and
// creates one from both when it finds none. Taken from the blueprint's rows (the person's
// traits and userId), never from event properties.
import { isEmailAddress, PermanentError, usableId, type JsonValue } from '../../core/sdk/index.ts';
import { MAX_TEXT_CHARS } from './config.ts';

/** RFC 5321's longest address. */
export const MAX_EMAIL_CHARS = 254;

/**
 * Whether a text is an email address as far as the plugin checks one.
 *
 * @example
 * isEmail(' jane@example.com '); // true
 * isEmail('user-123');           // false
 */
export function isEmail(value: string): boolean {
  const email = value.trim();
  return isEmailAddress(email) && email.length <= MAX_EMAIL_CHARS;
}

/**
 * The email of a mapped record: undefined when none was mapped (blank counts as none), the
 * address trimmed when it is one, else a PermanentError saying what was wrong and where it
 * came from.
 *
 * @example
 * emailOf(' Jane@Example.com '); // 'Jane@Example.com'
 * emailOf(undefined);           // undefined
 * emailOf('jane@');             // throws PermanentError('the email "jane@" (traits.email, …) is not an email address …')
 */
export function emailOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value === 'string' && isEmail(value)) return value.trim();
  throw new PermanentError(`the email ${JSON.stringify(value)} (traits.email, or context.traits.email) is not an email address Loops accepts: fix it at the source, or leave it out with a pipeline transformation`);
}

/**
 * The userId of a mapped record as text, or undefined for none or a placeholder (`"null"`,
 * `"anonymous"`: many visitors share it, and Loops would merge them into one contact). One
 * longer than Loops' 500 characters is a PermanentError.
 *
 * @example
 * userIdOf('user-123');  // 'user-123'
 * userIdOf(42);          // '42'
 * userIdOf('undefined'); // undefined
 */
export function userIdOf(value: JsonValue | undefined): string | undefined {
  if (!usableId(value)) return undefined;
  const id = String(value).trim();
  if (id.length > MAX_TEXT_CHARS) throw new PermanentError(`the userId is ${id.length} characters long; Loops takes text of at most ${MAX_TEXT_CHARS}: shorten it at the source`);
  return id;
}

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
  const userId = userIdOf(payload.userId);
  let email: string | undefined;
  try {
    email = emailOf(payload.email);
  } catch (error) {
    // With the userId the record still names its contact: its other data is not lost for the address.
    if (userId === undefined) throw error;
    warn?.(`email left out: ${JSON.stringify(payload.email)} (traits.email, or context.traits.email) is not an email address`);
  }
  if (email === undefined && userId === undefined) return undefined;
  return { ...(email === undefined ? {} : { email }), ...(userId === undefined ? {} : { userId }) };
}
