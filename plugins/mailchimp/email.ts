// The one identity Mailchimp keys members by: their email address. The plugin takes it from
// the blueprint's `email` (traits.email, else the context.traits.email Signal remembers from
// the person's identify), never from event properties.
import { isEmailAddress, PermanentError, type JsonValue } from '../../core/sdk/index.ts';

/** Mailchimp's (and RFC 5321's) longest address. */
export const MAX_EMAIL_CHARS = 254;

/**
 * The email of a mapped event: undefined when none was mapped (blank counts as none), the
 * address trimmed when it is one, else a PermanentError saying what was wrong (Mailchimp would
 * refuse it for good).
 *
 * @example
 * emailOf(' Jane@Example.com '); // 'Jane@Example.com'
 * emailOf(undefined);           // undefined
 * emailOf('jane@');             // throws PermanentError('the email "jane@" … is not an email address …')
 */
export function emailOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const email = typeof value === 'string' ? value.trim() : '';
  if (!isEmailAddress(email) || email.length > MAX_EMAIL_CHARS) {
    throw new PermanentError(`the email ${JSON.stringify(value)} (traits.email, or context.traits.email) is not an email address Mailchimp accepts: fix it at the source, or leave it out with a pipeline transformation`);
  }
  return email;
}

/**
 * Whether an id is an email address: a person deletion can name a Mailchimp member only by one.
 *
 * @example
 * isEmail('jane@example.com'); // true
 * isEmail('user-123');         // false
 */
export function isEmail(value: string): boolean {
  return isEmailAddress(value.trim()) && value.trim().length <= MAX_EMAIL_CHARS;
}
