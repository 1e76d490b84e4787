// Who a record names in Brevo: its email (Brevo's EMAIL, and an event's `email_id`), the
// site's userId as the contact's `ext_id` (Brevo's EXT_ID attribute: "Pass your own Id"), and
// a phone number as the SMS attribute, which Brevo takes with its country code only. Taken from
// the blueprint's rows (the person's traits and userId), never from event properties.
import { isEmailAddress, normalizePhoneNumber, PermanentError, usableId, type JsonValue } from '../../core/sdk/index.ts';

/** RFC 5321's longest address. */
export const MAX_EMAIL_CHARS = 254;
/** The longest ext_id the plugin sends (Brevo documents none; a text attribute holds far more). */
export const MAX_EXT_ID_CHARS = 255;

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
 * came from (Brevo would refuse the contact for good).
 *
 * @example
 * emailOf(' Jane@Example.com '); // 'Jane@Example.com'
 * emailOf(undefined);           // undefined
 * emailOf('jane@');             // throws PermanentError('the email "jane@" (traits.email, …) is not an email address …')
 */
export function emailOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value === 'string' && isEmail(value)) return value.trim();
  throw new PermanentError(`the email ${JSON.stringify(value)} (traits.email, or context.traits.email) is not an email address Brevo accepts: fix it at the source, or leave it out with a pipeline transformation`);
}

/**
 * The ext_id of a mapped record: the userId as text, or undefined for none or a placeholder
 * (`"null"`, `"anonymous"`: many visitors share it, and Brevo would merge them into one contact).
 *
 * @example
 * extIdOf('user-123'); // 'user-123'
 * extIdOf(42);         // '42'
 * extIdOf('undefined'); // undefined
 */
export function extIdOf(value: JsonValue | undefined): string | undefined {
  if (!usableId(value)) return undefined;
  const id = String(value).trim();
  if (id.length > MAX_EXT_ID_CHARS) throw new PermanentError(`the userId is ${id.length} characters long; the plugin sends Brevo an ext_id of at most ${MAX_EXT_ID_CHARS}: shorten it at the source`);
  return id;
}

/**
 * A phone number for Brevo's SMS attribute: E.164 (`+33612345678`, Brevo: "Mobile Number in
 * SMS field should be passed with proper country code"), read with the config's default
 * country code when written without one; undefined when it cannot be read.
 *
 * @example
 * smsOf('06 12 34 56 78', '33');     // '+33612345678'
 * smsOf('+44 (0)7700 900123', undefined); // '+447700900123'
 * smsOf('06 12 34 56 78', undefined); // undefined
 */
export function smsOf(value: JsonValue | undefined, defaultCountryCode: string | undefined): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return normalizePhoneNumber(String(value), { defaultCountryCode });
}
