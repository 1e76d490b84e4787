// The person a conversion is matched to by enhanced conversions for leads (`userIdentifiers`):
// Google takes only `hashedEmail` and `hashedPhoneNumber` in conversion uploads, at most five
// identifiers a conversion, one field each, as the SHA-256 (hex) of the value normalised its
// way. The blueprint maps plain keys under `user` (`email`, `phone`); this hashes them whatever
// an edited blueprint gives, so no address or number leaves Signal in clear.
import { customerInfo, normalizeGoogleConversionEmail, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Google takes at most five user identifiers a conversion. */
export const MAX_IDENTIFIERS = 5;

export interface IdentifierOptions {
  /** Digits of the country calling code for numbers written without one (`config.default_country_code`). */
  defaultCountryCode?: string;
}

const fields = customerInfo<IdentifierOptions>({
  hashed: {
    // Google's rule for conversion uploads: the dots of a Gmail address before the @ removed, a +tag kept.
    email: normalizeGoogleConversionEmail,
    // E.164 with its +, as Google's examples hash it ("+18005550102"); without a country code
    // and a default one, the number is unusable (its country would be a guess).
    phone: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode }),
  },
  shape: () => 'list',
  clear: {},
});

/**
 * Google's `userIdentifiers` from what the blueprint mapped under `user` (`email`, `phone`: a
 * value or a list): emails first, then phones, duplicates once, at most five. `left` names the
 * keys mapped but not sent: values nothing usable came of, keys Google does not take in uploads
 * (a name, an address), and identifiers past the fifth.
 *
 * @example
 * userIdentifiers({ email: ' Jane.Doe@gmail.com ', phone: '+44 7700 900123', first_name: 'Jane' });
 * // { identifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }], left: ['first_name'] }
 */
export function userIdentifiers(raw: JsonValue | undefined, options: IdentifierOptions = {}): { identifiers: JsonObject[]; left: string[] } {
  const { fields: values, unusable } = fields.normalize(raw, options);
  const left = [...unusable];
  const all: JsonObject[] = [
    ...((values.email as string[] | undefined) ?? []).map((hash) => ({ hashedEmail: hash })),
    ...((values.phone as string[] | undefined) ?? []).map((hash) => ({ hashedPhoneNumber: hash })),
  ];
  if (all.length > MAX_IDENTIFIERS) left.push(`${all.length - MAX_IDENTIFIERS} identifier(s) past Google's five`);
  return { identifiers: all.slice(0, MAX_IDENTIFIERS), left };
}
