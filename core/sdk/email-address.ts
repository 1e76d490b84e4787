// Whether a text is one email address, as the plugins check it before sending, hashing or
// looking a person up by it: a shape check (an `@` between non-blank parts), not RFC 5322,
// since the vendors validate addresses themselves. No trimming: a caller trims (and
// lower-cases) as its vendor asks, and some test a userId exactly as it came.

/** Something, one `@`, a domain with a dot; no white space. */
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Something, one `@`, a domain; no white space. */
const ADDRESS_ANY_DOMAIN = /^[^\s@]+@[^\s@]+$/;
/** As ADDRESS, and no commas, semicolons or brackets: two addresses or a display name are not one. */
const STRICT_ADDRESS = /^[^\s@,;<>()[\]]+@[^\s@,;<>()[\]]+\.[^\s@,;<>()[\]]+$/;
/** As ADDRESS_ANY_DOMAIN, and no commas, semicolons or brackets. */
const STRICT_ADDRESS_ANY_DOMAIN = /^[^\s@,;<>()[\]]+@[^\s@,;<>()[\]]+$/;

export interface EmailAddressOptions {
  /**
   * Whether the domain needs a dot inside it (`example.com`, not `localhost`); true unless
   * false. The plugins hashing an address for matching take any domain: a hash of an
   * unusual one is still the person's.
   */
  requireDomainDot?: boolean | undefined;
}

/**
 * Whether `text` is shaped as one email address: non-blank text, one `@`, a domain with a dot
 * inside it (unless `requireDomainDot: false`), and no white space anywhere (`text` is not
 * trimmed).
 *
 * @example
 * isEmailAddress('jane@example.com');                              // true
 * isEmailAddress(' jane@example.com');                             // false: not trimmed
 * isEmailAddress('jane@localhost');                                // false
 * isEmailAddress('jane@localhost', { requireDomainDot: false });   // true
 * isEmailAddress('user-123');                                      // false
 */
export function isEmailAddress(text: string, { requireDomainDot = true }: EmailAddressOptions = {}): boolean {
  return (requireDomainDot ? ADDRESS : ADDRESS_ANY_DOMAIN).test(text);
}

/**
 * `isEmailAddress`, also refusing commas, semicolons, angle brackets, parentheses and square
 * brackets: a list of addresses (`a@x.com,b@y.com`) or a named one (`Jane <jane@x.com>`) is
 * not one address, and a vendor keying people by it would file them under the wrong key.
 *
 * @example
 * isStrictEmailAddress('jane@example.com');                            // true
 * isStrictEmailAddress('jane@example.com;john@example.com');           // false
 * isStrictEmailAddress('<jane@example.com>');                          // false
 * isStrictEmailAddress('jane@localhost', { requireDomainDot: false }); // true
 */
export function isStrictEmailAddress(text: string, { requireDomainDot = true }: EmailAddressOptions = {}): boolean {
  return (requireDomainDot ? STRICT_ADDRESS : STRICT_ADDRESS_ANY_DOMAIN).test(text);
}
