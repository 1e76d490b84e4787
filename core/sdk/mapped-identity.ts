// Who a mapped record names, as the plugins keying contacts by email and userId read it from the
// blueprint's rows (the person's traits and userId, never event properties): the email, trimmed
// and checked to be one address (else the record is dead-lettered, naming the vendor and where
// the email came from), and the userId as text, placeholders left out and a vendor's length
// limit enforced. The vendor's name and limit are parameters; the messages are the same.
import { isEmailAddress, isStrictEmailAddress } from './email-address.ts';
import { PermanentError } from './errors.ts';
import { usableId } from './placeholder-ids.ts';
import type { JsonValue } from './types.ts';

/** RFC 5321's longest address. */
export const MAX_EMAIL_ADDRESS_CHARS = 254;

export interface SendableEmailOptions {
  /** Refuse lists and bracketed names too (`isStrictEmailAddress`): for vendors keying people by the address. */
  strict?: boolean | undefined;
}

/**
 * Whether text, trimmed, is one email address (`isEmailAddress`, or `isStrictEmailAddress`
 * with `strict`) of at most RFC 5321's 254 characters.
 *
 * @example
 * isSendableEmail(' jane@example.com ');                    // true
 * isSendableEmail('user-123');                              // false
 * isSendableEmail('jane@example.com;x', { strict: true }); // false
 */
export function isSendableEmail(value: string, options: SendableEmailOptions = {}): boolean {
  const email = value.trim();
  return email.length <= MAX_EMAIL_ADDRESS_CHARS && (options.strict === true ? isStrictEmailAddress(email) : isEmailAddress(email));
}

/**
 * The email of a mapped record: undefined when none was mapped (absent, null, or blank text),
 * the address trimmed when it is one (see isSendableEmail), else a PermanentError saying what
 * was wrong, where it came from, and that `vendor` would refuse it.
 *
 * @example
 * mappedEmail(' Jane@Example.com ', 'Loops'); // 'Jane@Example.com'
 * mappedEmail(undefined, 'Loops');            // undefined
 * mappedEmail('jane@', 'Loops');              // throws PermanentError('the email "jane@" (traits.email, or context.traits.email) is not an email address Loops accepts: …')
 */
export function mappedEmail(value: JsonValue | undefined, vendor: string, options: SendableEmailOptions = {}): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value === 'string' && isSendableEmail(value, options)) return value.trim();
  throw new PermanentError(`the email ${JSON.stringify(value)} (traits.email, or context.traits.email) is not an email address ${vendor} accepts: fix it at the source, or leave it out with a pipeline transformation`);
}

/**
 * mappedEmail for a record that may name its contact otherwise too: when `namedOtherwise` (the
 * record carries a userId), a malformed email is left out — said with `warn` — rather than
 * dead-lettering the record, whose other data still reaches the right contact.
 *
 * @example
 * mappedEmailOrLeftOut('jane@', 'Loops', { namedOtherwise: true, warn });  // undefined, warned 'email left out: "jane@" (traits.email, …) is not an email address'
 * mappedEmailOrLeftOut('jane@', 'Loops', { namedOtherwise: false, warn }); // throws mappedEmail's PermanentError
 */
export function mappedEmailOrLeftOut(
  value: JsonValue | undefined,
  vendor: string,
  options: SendableEmailOptions & { namedOtherwise: boolean; warn: ((message: string) => void) | undefined },
): string | undefined {
  try {
    return mappedEmail(value, vendor, options);
  } catch (error) {
    if (!options.namedOtherwise) throw error;
    options.warn?.(`email left out: ${JSON.stringify(value)} (traits.email, or context.traits.email) is not an email address`);
    return undefined;
  }
}

export interface MappedUserIdOptions {
  /** The longest userId the vendor takes, in UTF-16 code units (String length). */
  maxChars: number;
  /** What the limit is, said after the userId's length: `Loops takes text of at most 500`. */
  limit: string;
}

/**
 * The userId of a mapped record as text, trimmed, or undefined for none or a placeholder
 * (`"null"`, `"anonymous"`: many visitors share it, and the vendor would merge them into one
 * contact). One longer than `maxChars` is a PermanentError saying its length and `limit`.
 *
 * @example
 * const loopsIds = { maxChars: 500, limit: 'Loops takes text of at most 500' };
 * mappedUserId('user-123', loopsIds);  // 'user-123'
 * mappedUserId(42, loopsIds);          // '42'
 * mappedUserId('undefined', loopsIds); // undefined
 * mappedUserId('x'.repeat(600), loopsIds); // throws PermanentError('the userId is 600 characters long; Loops takes text of at most 500: shorten it at the source')
 */
export function mappedUserId(value: JsonValue | undefined, options: MappedUserIdOptions): string | undefined {
  if (!usableId(value)) return undefined;
  const id = String(value).trim();
  if (id.length > options.maxChars) throw new PermanentError(`the userId is ${id.length} characters long; ${options.limit}: shorten it at the source`);
  return id;
}
