// The person an event is matched to (`userData.userIdentifiers`): each identifier one of a
// hashed email address, a hashed phone number, or an address (given and family name hashed,
// region and postal code in clear), at most ten an event, hashed as SHA-256 in hex (the
// request's `encoding: HEX`) after Google's normalisation. The blueprint maps plain keys under
// `user`; this hashes them whatever an edited blueprint gives, so no address, number or name
// leaves Signal in clear, and an unknown key (it may hold contact data) is never sent.
import {
  customerInfo, normalizeGoogleEmail, normalizeGoogleName, normalizeGooglePostalCode, normalizeGoogleRegionCode, normalizePhoneNumber,
  type JsonObject, type JsonValue,
} from '../../core/sdk/index.ts';

/** Google takes at most ten user identifiers an event. */
export const MAX_IDENTIFIERS = 10;

export interface IdentifierOptions {
  /** Digits of the country calling code for numbers written without one (`config.default_country_code`). */
  defaultCountryCode?: string;
}

const fields = customerInfo<IdentifierOptions>({
  hashed: {
    email: normalizeGoogleEmail,
    // E.164 with its +, as Google's guide hashes it (+18005550100); without a country code
    // and a default one, the number is unusable (its country would be a guess).
    phone: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode }),
    first_name: normalizeGoogleName,
    last_name: normalizeGoogleName,
  },
  shape: (field) => (field === 'email' || field === 'phone' ? 'list' : 'single'),
  clear: {
    country: normalizeGoogleRegionCode,
    postal_code: normalizeGooglePostalCode,
  },
});

/** The address identifier, when all four of its parts are usable (Google requires each). */
function addressOf(values: JsonObject): JsonObject | undefined {
  const { first_name: givenName, last_name: familyName, country: regionCode, postal_code: postalCode } = values;
  if (typeof givenName !== 'string' || typeof familyName !== 'string' || typeof regionCode !== 'string' || typeof postalCode !== 'string') return undefined;
  return { address: { givenName, familyName, regionCode, postalCode } };
}

const ADDRESS_KEYS = ['first_name', 'last_name', 'country', 'postal_code'] as const;

/**
 * Google's `userIdentifiers` from what the blueprint mapped under `user` (`email`, `phone`: a
 * value or a list; `first_name`, `last_name`, `country`, `postal_code`: one each): emails,
 * then phones, then the address (sent only with all four parts), duplicates once, at most ten.
 * `left` names what was mapped but is not sent: values nothing usable came of, keys Google
 * does not take, an incomplete address, identifiers past the tenth.
 *
 * @example
 * userIdentifiers({ email: ' Jane.Doe+shop@gmail.com ', phone: '+44 7700 900123', first_name: 'Jane' });
 * // { identifiers: [{ emailAddress: sha256('janedoe@gmail.com') }, { phoneNumber: sha256('+447700900123') }],
 * //   left: ['address (needs first_name, last_name, country and postal_code)'] }
 */
export function userIdentifiers(raw: JsonValue | undefined, options: IdentifierOptions = {}): { identifiers: JsonObject[]; left: string[] } {
  const { fields: values, unusable } = fields.normalize(raw, options);
  const left = [...unusable];
  const address = addressOf(values);
  if (address === undefined && ADDRESS_KEYS.some((key) => values[key] !== undefined)) left.push('address (needs first_name, last_name, country and postal_code)');
  const all: JsonObject[] = [
    ...((values.email as string[] | undefined) ?? []).map((hash) => ({ emailAddress: hash })),
    ...((values.phone as string[] | undefined) ?? []).map((hash) => ({ phoneNumber: hash })),
    ...(address === undefined ? [] : [address]),
  ];
  if (all.length > MAX_IDENTIFIERS) left.push(`${all.length - MAX_IDENTIFIERS} identifier(s) past Google's ten`);
  return { identifiers: all.slice(0, MAX_IDENTIFIERS), left };
}
