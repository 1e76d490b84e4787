// Pinterest's customer information (`user_data`), normalised and hashed as the Conversions API
// reference describes each field. Done here, in the plugin, rather than left to the blueprint:
// whatever an edited blueprint maps into `user_data`, no contact information leaves Signal
// unhashed, and every hashed field goes as the list Pinterest's schema asks for.
import { birthDateYmd, countryCodeOf, customerInfo, isEmailAddress, lettersOnly, normalizePhoneNumber, stateCodeOfName, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';


/** Fields Pinterest takes as lists of SHA-256 hex digests. */
export const HASHED_FIELDS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id', 'hashed_maids'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];

/** Fields Pinterest takes in clear, as one string each. Any other key is left out: it may be contact information. */
export const CLEAR_FIELDS = ['client_ip_address', 'client_user_agent', 'click_id', 'partner_id'] as const;





export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}


/** Pinterest's genders: "f" or "m", or "n" for non-binary. Whole words only: "Mrs" is no m. */
const GENDERS: Record<string, 'f' | 'm' | 'n'> = {
  f: 'f', female: 'f', woman: 'f', w: 'f', m: 'm', male: 'm', man: 'm', n: 'n', nonbinary: 'n', 'non-binary': 'n', non_binary: 'n', nb: 'n',
};

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

/** What each field's value becomes before hashing (the reference's wording in the comments), or undefined when nothing usable is left. */
const NORMALIZERS: Record<HashedField, (value: string, options: NormalizeOptions) => string | undefined> = {
  // "lowercase version of user's email addresses"
  em: (v) => {
    const email = lower(v.trim());
    return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
  },
  // "only digits with country code, area code, and number": E.164 without its +; a number
  // written without a country code and no default is taken as written, as Meta's is.
  ph: (v, { defaultCountryCode }) => normalizePhoneNumber(v, { defaultCountryCode, withoutCountryCode: 'international' })?.slice(1),
  // "first name, in lowercase" / "last name, in lowercase"
  fn: (v) => lower(v.trim()) || undefined,
  ln: (v) => lower(v.trim()) || undefined,
  ge: (v) => GENDERS[lower(v.trim()).replace(/\s+/g, '')],
  // "given as year, month, and day"
  db: birthDateYmd,
  // "city, in lowercase, and without spaces or punctuation"
  ct: (v) => lower(v).replace(/[\s\p{P}\p{S}]/gu, '') || undefined,
  // "state, given as a two-letter code in lowercase"
  st: (v) => {
    const letters = lettersOnly(v);
    return stateCodeOfName(v) ?? (letters.length === 2 ? letters : undefined);
  },
  // "zipcode, only digits": a US ZIP+4 by its first five; a postcode with letters cannot be written so.
  zp: (v) => {
    const zip = v.trim().replace(/[\s-]/g, '');
    if (!/^\d+$/.test(zip)) return undefined;
    return zip.length === 9 ? zip.slice(0, 5) : zip;
  },
  // "two-character ISO-3166 country code ... in lowercase"
  country: (v) => {
    return countryCodeOf(v);
  },
  // An advertiser's id: white space around it is not part of it; its case may be.
  external_id: (v) => v.trim() || undefined,
  // Advertising ids (IDFA, GAID) are UUIDs, written in either case.
  hashed_maids: (v) => v.trim().toLowerCase() || undefined,
};

const userData = customerInfo<NormalizeOptions>({
  hashed: NORMALIZERS,
  // Every hashed field is a list, one value too.
  shape: () => 'list',
  clear: Object.fromEntries(CLEAR_FIELDS.map((field) => [field, (value: string) => value.trim()])),
});

/**
 * One customer information value hashed as Pinterest documents it, or undefined when it holds
 * nothing Pinterest could match (an email without `@`, a national phone number with no
 * country code, a postcode with letters). A 64-hex value is taken as hashed already.
 *
 * @example
 * hashUserField('em', ' Jane@Example.com '); // sha256('jane@example.com')
 * hashUserField('ph', '+44 (0)7700 900123'); // sha256('447700900123')
 * hashUserField('st', 'California');        // sha256('ca')
 */
export function hashUserField(field: HashedField, value: JsonValue, options: NormalizeOptions = {}): string | undefined {
  return userData.hashField(field, value, options);
}

/**
 * `user_data` as Pinterest takes it: every hashed field a list of distinct digests (a single
 * value becomes a one-element list), clear fields as text, anything unusable or unknown left
 * out. Returns the keys it left out, so the caller can say why an event has nothing to match on.
 *
 * @example
 * normalizeUserData({ em: 'Jane@Example.com', client_ip_address: '203.0.113.42' });
 * // { userData: { em: [sha256('jane@example.com')], client_ip_address: '203.0.113.42' }, unusable: [] }
 */
export function normalizeUserData(raw: JsonValue | undefined, options: NormalizeOptions = {}): { userData: JsonObject; unusable: string[] } {
  const { fields, unusable } = userData.normalize(raw, options);
  return { userData: fields, unusable };
}
