// Meta's customer information parameters, normalised and hashed as Meta's documentation and
// its own parameter-builder libraries do it. Done here, in the plugin, rather than left to the
// blueprint: whatever a user's edited blueprint maps into `user_data`, no contact information
// leaves Signal unhashed (Meta refuses it) or hashed in a form Meta cannot match.
import { asText, birthDateYmd, countryCodeOf, customerInfo, lettersOnly, normalizePhoneNumber, stateCodeOfName, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Fields Meta wants SHA-256 hashed (external_id: recommended, and done here). */
export const HASHED_FIELDS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];

/** Fields sent as they are (Meta: "do not hash"). Any other key is left out: it may be contact information. */
export const CLEAR_FIELDS = [
  'client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'subscription_id', 'fb_login_id', 'lead_id',
  'anon_id', 'madid', 'page_id', 'page_scoped_user_id', 'ctwa_clid', 'ig_account_id', 'ig_sid',
] as const;


/** What a field's value becomes before hashing, or undefined when nothing usable is left. */
type Normalizer = (value: string, options: NormalizeOptions) => string | undefined;

export interface NormalizeOptions {
  /** Digits of the country code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/**
 * A phone as Meta hashes it: digits only, with the country code, no `+` and no leading zeros:
 * the SDK's normalizePhoneNumber (the default country's numbering plan) without its `+`;
 * without a default code, a number with a trunk `0` is unusable, and one without is taken as
 * written with its country code, as Meta's own normalisation takes it.
 */
function normalizePhone(value: string, { defaultCountryCode }: NormalizeOptions): string | undefined {
  return normalizePhoneNumber(value, { defaultCountryCode, withoutCountryCode: 'international' })?.slice(1);
}

const GENDERS: Record<string, 'f' | 'm'> = { f: 'f', female: 'f', woman: 'f', w: 'f', m: 'm', male: 'm', man: 'm' };

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

const NORMALIZERS: Record<HashedField, Normalizer> = {
  em: (v) => {
    const email = lower(v.trim());
    return email.includes('@') ? email : undefined;
  },
  ph: normalizePhone,
  fn: (v) => lower(v).replace(/[\s\p{P}\p{S}]/gu, '') || undefined,
  ln: (v) => lower(v).replace(/[\s\p{P}\p{S}]/gu, '') || undefined,
  // Whole words only: "Mrs" or "mujer" is no m.
  ge: (v) => GENDERS[lower(v.trim())],
  db: birthDateYmd,
  ct: (v) => lettersOnly(v) || undefined,
  // US states and Canadian provinces by their codes; elsewhere the name, letters only (Meta:
  // lower case, no punctuation, no spaces).
  st: (v) => {
    const letters = lettersOnly(v);
    return stateCodeOfName(v) ?? (letters === '' ? undefined : letters);
  },
  zp: (v) => {
    const zip = v.trim().toLowerCase().replace(/[\s-]/g, '');
    // A US ZIP+4 is matched by its first five digits.
    return (/^\d{9}$/.test(zip) ? zip.slice(0, 5) : zip) || undefined;
  },
  country: (v) => {
    // Names first, so the alias `uk` becomes `gb`.
    return countryCodeOf(v);
  },
  external_id: (v) => lower(v.replace(/\s/g, '')) || undefined,
};

const userData = customerInfo<NormalizeOptions>({
  hashed: NORMALIZERS,
  // em, ph and external_id are lists (a visitor may have several); the others one value.
  shape: (field) => (field === 'em' || field === 'ph' || field === 'external_id' ? 'list' : 'single'),
  clear: Object.fromEntries(CLEAR_FIELDS.map((field) => [field, asText])),
});

/**
 * One customer information value hashed as Meta expects, or undefined when it holds nothing
 * Meta could match (an email without `@`, a national phone number with no country code, a
 * gender that is neither f nor m). A 64-hex value is taken as hashed already.
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
 * `user_data` as Meta takes it: hashed fields normalised and hashed (em, ph and external_id
 * may be lists; the others take one value), clear fields kept as text, anything unusable left
 * out. Returns the fields it left out, so the caller can say why an event has nothing to
 * match on.
 *
 * @example
 * normalizeUserData({ em: 'Jane@Example.com', client_ip_address: '203.0.113.42' });
 * // { userData: { em: [sha256('jane@example.com')], client_ip_address: '203.0.113.42' }, unusable: [] }
 */
export function normalizeUserData(raw: JsonValue | undefined, options: NormalizeOptions = {}): { userData: JsonObject; unusable: string[] } {
  const { fields, unusable } = userData.normalize(raw, options);
  return { userData: fields, unusable };
}
