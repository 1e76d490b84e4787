// Snap's customer information (`user_data`), normalised and hashed as the Conversions API's
// Parameters page and Best Practices describe each field. Done here, in the plugin, rather than
// left to the blueprint: whatever an edited blueprint maps into `user_data`, no contact
// information leaves Signal in clear (Snap refuses unhashed PII with the whole request) or
// hashed in a form Snap cannot match.
import { birthDateYmd, countryCodeOf, customerInfo, isEmailAddress, lettersOnly, normalizePhoneNumber, stateCodeOfName, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/**
 * Fields Snap takes only as SHA-256 (lower-case hex): each "string or list of strings", sent as
 * a list, except `external_id`, one string, as Snap's Business SDK (`UserData.externalId`, a
 * String it refuses as anything else) and its server-side GTM tag send it.
 */
export const HASHED_FIELDS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];

/**
 * Fields sent in clear, one value each: the visitor's browser (IP address and user agent), the
 * Snap click id (`sc_click_id`, from the `ScCid` URL parameter or the `_scclid` cookie) and the
 * Snap Pixel's first-party cookie (`sc_cookie1`, the `_scid` cookie). Any other key is left
 * out: it may be contact information.
 */
export const CLEAR_FIELDS = ['client_ip_address', 'client_user_agent', 'sc_click_id', 'sc_cookie1'] as const;

export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}





/** Snap's genders: `f` or `m`. Whole words only: "Mrs" is no m. */
const GENDERS: Record<string, 'f' | 'm'> = { f: 'f', female: 'f', woman: 'f', w: 'f', m: 'm', male: 'm', man: 'm' };

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();
/** Lower case without white space, punctuation or symbols, letters beyond a–z kept (`Raphaël` → raphaël). */
const lowerLettersAndDigits = (text: string) => lower(text).replace(/[\s\p{P}\p{S}]/gu, '') || undefined;

/** What each field's value becomes before hashing (Snap's wording in the comments), or undefined when nothing usable is left. */
const NORMALIZERS: Record<HashedField, (value: string, options: NormalizeOptions) => string | undefined> = {
  // "Trim any additional characters (such as spaces) and convert to lowercase before hashing."
  em: (v) => {
    const email = lower(v.trim());
    return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
  },
  // "including the country code, remove any double 0 in front of the country code. If the
  // number itself begins with a 0, this should be removed. Also exclude any non-numeric
  // characters": E.164 without its `+`, read by the default country's numbering plan. A
  // number written without `+` or `00` and no default country code is unusable: its country is
  // unknown, and `(616) 954-7888` taken as written would be +61, another person in Australia.
  ph: (v, { defaultCountryCode }) => normalizePhoneNumber(v, { defaultCountryCode, withoutCountryCode: 'unusable' })?.slice(1),
  // "Use lower case letters only. Make sure to remove any punctuation" (UTF-8 letters kept).
  fn: lowerLettersAndDigits,
  ln: lowerLettersAndDigits,
  ge: (v) => GENDERS[lower(v.trim())],
  db: birthDateYmd,
  ct: lowerLettersAndDigits,
  // A two-letter code in lower case; US states and Canadian provinces by name too.
  st: (v) => {
    const letters = lettersOnly(v);
    return stateCodeOfName(v) ?? (letters.length === 2 ? letters : undefined);
  },
  // Lower case without spaces or dashes; a US ZIP+4 by its first five digits.
  zp: (v) => {
    const zip = lower(v).replace(/[\s-]/g, '');
    return (/^\d{9}$/.test(zip) ? zip.slice(0, 5) : zip) || undefined;
  },
  // A two-letter ISO 3166-1 code in lower case; English names recognised.
  country: (v) => {
    return countryCodeOf(v);
  },
  // White space removed and lower-cased, as Snap's own Segment destination (snap-conversions-api,
  // partner-owned) hashes it.
  external_id: (v) => lower(v.replace(/\s/g, '')) || undefined,
};

const userData = customerInfo<NormalizeOptions>({
  hashed: NORMALIZERS,
  // Every hashed field as a list, one value too (Snap's example sends em and ph as lists), but
  // external_id: one string, the first usable value.
  shape: (field) => (field === 'external_id' ? 'single' : 'list'),
  clear: Object.fromEntries(CLEAR_FIELDS.map((field) => [field, (value: string) => value.trim()])),
});

/**
 * One customer information value hashed as Snap documents it, or undefined when it holds
 * nothing Snap could match (an email without `@`, a phone number written without `+` or `00`
 * when no default country code is configured, a gender that is neither f nor m). A 64-hex value is taken as hashed already.
 *
 * @example
 * hashUserField('em', ' Person@Example.com '); // sha256('person@example.com')
 * hashUserField('ph', '+44 844 412 4653');     // sha256('448444124653')
 * hashUserField('st', 'California');           // sha256('ca')
 */
export function hashUserField(field: HashedField, value: JsonValue, options: NormalizeOptions = {}): string | undefined {
  return userData.hashField(field, value, options);
}

/**
 * `user_data` as Snap takes it: every hashed field a list of distinct digests (`external_id`
 * one digest), the clear fields as text, anything unusable or unknown left out. Returns the keys it left out, so the caller
 * can say why an event has nothing to match on.
 *
 * @example
 * normalizeUserData({ em: 'Person@Example.com', client_ip_address: '203.0.113.42' });
 * // { userData: { em: [sha256('person@example.com')], client_ip_address: '203.0.113.42' }, unusable: [] }
 */
export function normalizeUserData(raw: JsonValue | undefined, options: NormalizeOptions = {}): { userData: JsonObject; unusable: string[] } {
  const { fields, unusable } = userData.normalize(raw, options);
  return { userData: fields, unusable };
}
