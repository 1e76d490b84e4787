// The customer fields of a conversion: `CustomerId`, "unique identifier that you generate for
// the customer … These values must be non-identifying (e.g., plain text email addresses are not
// permitted)", and `CustomerEmail`, which impact.com takes as "the SHA-1 hashed value" (its
// hashing guide: also the raw address or its own HMAC; the Brand API v14 OpenAPI: "must be sent as
// a SHA1 or SHA256 hash. Plaintext emails are not accepted"), and keeps only as an HMAC. SHA-1 is
// the digest both documents accept, and the one RudderStack's impact destination sends: Signal
// sends the email as its SHA-1 only, hashed by the SDK's customerInfo declared with that digest.
import { customerInfo, isContactInfo, isStrictEmailAddress, readText, usableId, type JsonValue } from '../../core/sdk/index.ts';

/** The longest CustomerId impact.com takes: "CustomerId string (255)". */
export const MAX_CUSTOMER_ID = 255;

/** impact.com's one hashed customer field: the address trimmed and lower-cased, as SHA-1 hex. */
const CUSTOMER = customerInfo<Record<string, never>>({
  hashed: {
    CustomerEmail: (value) => {
      const address = value.trim().toLowerCase();
      return isStrictEmailAddress(address) ? address : undefined;
    },
  },
  shape: () => 'single',
  clear: {},
  digest: 'sha1',
});

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
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const digest = CUSTOMER.hashField('CustomerEmail', value, {});
  return digest === undefined ? { leftOut: 'CustomerEmail left out: the mapped value is not one email address (nor its SHA-1 digest)' } : { value: digest };
}
