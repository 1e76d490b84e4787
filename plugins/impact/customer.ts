// The customer fields of a conversion: `CustomerId`, "unique identifier that you generate for
// the customer … These values must be non-identifying (e.g., plain text email addresses are not
// permitted)", and `CustomerEmail`, which impact.com takes as the raw address, "the SHA-1 hashed
// value" or its own HMAC, and keeps only as an HMAC. Signal sends the email as SHA-1 only.
import { createHash } from 'node:crypto';
import { isContactInfo, readText, usableId, type JsonValue } from '../../core/sdk/index.ts';

/** The longest CustomerId impact.com takes: "CustomerId string (255)". */
export const MAX_CUSTOMER_ID = 255;
/** A SHA-1 digest in hex: an email hashed already. */
const SHA1_HEX = /^[0-9a-f]{40}$/i;
/** One email address: one `@`, no white space, commas, semicolons or brackets. */
const EMAIL = /^[^\s@,;<>()[\]]+@[^\s@,;<>()[\]]+\.[^\s@,;<>()[\]]+$/;

/** A field's value, or the reason it was left out (for `ctx.warn`). */
export type Read = { value: string } | { leftOut: string } | undefined;

/**
 * The CustomerId of a mapped value (the userId by default): text of up to 255 characters that
 * names someone, and no contact information (an email address or phone number is refused by
 * impact.com's rule). Undefined when there is none; `leftOut` says why one was not taken.
 *
 * @example
 * customerIdOf('user-123');          // { value: 'user-123' }
 * customerIdOf('jane@example.com');  // { leftOut: 'CustomerId left out: the userId is an email address or phone number, …' }
 */
export function customerIdOf(value: JsonValue | undefined): Read {
  const id = readText(value);
  if (id === undefined || !usableId(id)) return undefined;
  if (isContactInfo('value', id)) return { leftOut: 'CustomerId left out: the userId is an email address or phone number, and impact.com takes non-identifying customer ids only (plain text emails are not permitted)' };
  if (id.length > MAX_CUSTOMER_ID) return { leftOut: `CustomerId left out: ${id.length} characters, more than impact.com's ${MAX_CUSTOMER_ID}` };
  return { value: id };
}

/**
 * The CustomerEmail of a mapped email: the SHA-1 hex digest of the address trimmed and
 * lower-cased, or a SHA-1 digest mapped already (lower-cased, not hashed twice). Undefined when
 * there is none; `leftOut` when the value is not one email address.
 *
 * @example
 * customerEmailOf(' Jane@Example.com '); // { value: sha1('jane@example.com') }
 * customerEmailOf('not an email');       // { leftOut: 'CustomerEmail left out: "…" is not one email address' }
 */
export function customerEmailOf(value: JsonValue | undefined): Read {
  const written = typeof value === 'string' ? value.trim() : undefined;
  if (written === undefined || written === '') return undefined;
  if (SHA1_HEX.test(written)) return { value: written.toLowerCase() };
  if (!EMAIL.test(written)) return { leftOut: 'CustomerEmail left out: the mapped value is not one email address (nor its SHA-1 digest)' };
  return { value: createHash('sha1').update(written.toLowerCase(), 'utf8').digest('hex') };
}
