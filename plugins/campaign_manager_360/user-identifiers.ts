// The person a conversion is enhanced with (`userIdentifiers`, enhanced conversions): each
// identifier one of a hashed email address, a hashed phone number, or an address (`addressInfo`:
// first name, last name and street address hashed; city, state, postal code and country in
// clear), at most five a conversion, hashed as SHA-256 in hex after CM360's normalisation:
// white space around removed, lower case, phone numbers in E.164, the dots before the @ of
// gmail.com and googlemail.com addresses removed; a first name's inner white space single, a
// last name without punctuation. The blueprint maps plain keys under `user`; this hashes them
// whatever an edited blueprint gives, so no address, number or name leaves Signal in clear, and
// an unknown key (it may hold contact data) is never sent.
import { customerInfo, normalizeGoogleConversionEmail, normalizeGooglePostalCode, normalizeGoogleRegionCode, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** CM360 takes at most five user identifiers a conversion. */
export const MAX_IDENTIFIERS = 5;

export interface IdentifierOptions {
  /** Digits of the country calling code for numbers written without one (`config.default_country_code`). */
  defaultCountryCode?: string;
}

/**
 * A first name as CM360 hashes it ("Lowercase all characters; Remove any extra spaces before,
 * after, and in between"); undefined when blank.
 *
 * @example
 * normalizeFirstName('  Mary   Ann '); // 'mary ann'
 */
export function normalizeFirstName(value: string): string | undefined {
  const name = value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return name === '' ? undefined : name;
}

/**
 * A last name as CM360 hashes it ("lower case only and no punctuation"), white space trimmed and
 * single; undefined when nothing is left.
 *
 * @example
 * normalizeLastName(" O'Brien-Smith "); // 'obriensmith'
 */
export function normalizeLastName(value: string): string | undefined {
  const name = value.normalize('NFC').toLowerCase().replace(/[\p{P}\p{S}]/gu, '').replace(/\s+/g, ' ').trim();
  return name === '' ? undefined : name;
}

/**
 * A street address as CM360 hashes it ("lower case only"), white space trimmed and single;
 * undefined when blank.
 *
 * @example
 * normalizeStreet(' 1600  Amphitheatre Pkwy '); // '1600 amphitheatre pkwy'
 */
export function normalizeStreet(value: string): string | undefined {
  const street = value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  return street === '' ? undefined : street;
}

/** Text in clear, trimmed and single-spaced (a city, a state code); undefined when blank. */
function clearText(value: string): string | undefined {
  const written = value.replace(/\s+/g, ' ').trim();
  return written === '' ? undefined : written;
}

const fields = customerInfo<IdentifierOptions>({
  hashed: {
    // CM360's rule, the Google Ads API's: the dots of a Gmail address before the @ removed, a +tag kept.
    email: normalizeGoogleConversionEmail,
    // E.164 with its +; without a country code and a default one, the number is unusable.
    phone: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode }),
    first_name: normalizeFirstName,
    last_name: normalizeLastName,
    street: normalizeStreet,
  },
  shape: (field) => (field === 'email' || field === 'phone' ? 'list' : 'single'),
  clear: {
    city: clearText,
    state: clearText,
    postal_code: normalizeGooglePostalCode,
    country: normalizeGoogleRegionCode,
  },
});

/** The address's keys, and how CM360's addressInfo names each. */
const ADDRESS_FIELDS = {
  first_name: 'hashedFirstName', last_name: 'hashedLastName', street: 'hashedStreetAddress', city: 'city', state: 'state', postal_code: 'postalCode', country: 'countryCode',
} as const;

/**
 * The `addressInfo` identifier, when a name is given with where the person lives: a first and a
 * last name, and a country with a postal code (as Google's other conversion APIs require; CM360
 * documents no minimum), with the street, city and state when mapped.
 */
function addressOf(values: JsonObject): JsonObject | undefined {
  const has = (key: keyof typeof ADDRESS_FIELDS) => typeof values[key] === 'string';
  if (!has('first_name') || !has('last_name') || !has('country') || !has('postal_code')) return undefined;
  const address: JsonObject = {};
  for (const [key, field] of Object.entries(ADDRESS_FIELDS)) if (typeof values[key] === 'string') address[field] = values[key];
  return { addressInfo: address };
}

/**
 * CM360's `userIdentifiers` from what the blueprint mapped under `user` (`email`, `phone`: a
 * value or a list; `first_name`, `last_name`, `street`, `city`, `state`, `postal_code`,
 * `country`: one each): emails, then phones, then the address, duplicates once, at most five.
 * `left` names what was mapped but is not sent: values nothing usable came of, keys CM360 does
 * not take, an incomplete address, identifiers past the fifth.
 *
 * @example
 * userIdentifiers({ email: ' Jane.Doe@gmail.com ', phone: '+44 7700 900123', first_name: 'Jane' });
 * // { identifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+447700900123') }],
 * //   left: ['address (needs first_name, last_name, country and postal_code)'] }
 */
export function userIdentifiers(raw: JsonValue | undefined, options: IdentifierOptions = {}): { identifiers: JsonObject[]; left: string[] } {
  const { fields: values, unusable } = fields.normalize(raw, options);
  const left = [...unusable];
  const address = addressOf(values);
  if (address === undefined && Object.keys(ADDRESS_FIELDS).some((key) => values[key] !== undefined)) left.push('address (needs first_name, last_name, country and postal_code)');
  const all: JsonObject[] = [
    ...((values.email as string[] | undefined) ?? []).map((hash) => ({ hashedEmail: hash })),
    ...((values.phone as string[] | undefined) ?? []).map((hash) => ({ hashedPhoneNumber: hash })),
    ...(address === undefined ? [] : [address]),
  ];
  if (all.length > MAX_IDENTIFIERS) left.push(`${all.length - MAX_IDENTIFIERS} identifier(s) past CM360's five`);
  return { identifiers: all.slice(0, MAX_IDENTIFIERS), left };
}
