// Nextdoor's customer information (`customer`), normalised and hashed as Nextdoor's User
// Matching and Data Types pages describe it: contact and address fields only as SHA-256 of
// their normalised value (lower case, trimmed; phone numbers in E.164), the click id, IP address
// and user agent in clear. Done here rather than left to the blueprint, so whatever an edited
// blueprint maps into `customer`, no contact information leaves Signal in clear.
import { birthDateYmd, countryCodeOf, customerInfo, isEmailAddress, lettersOnly, normalizePhoneNumber, stateCodeOfName, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface CustomerOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `1`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();
/** Lower case without white space, punctuation or symbols (letters beyond a–z kept). */
const lowerLettersAndDigits = (text: string) => lower(text).replace(/[\s\p{P}\p{S}]/gu, '') || undefined;
/** Nextdoor's genders as its partners send them (M/F/O), lower-cased as every hashed field. */
const GENDERS: Record<string, string> = { f: 'f', female: 'f', woman: 'f', m: 'm', male: 'm', man: 'm', o: 'o', other: 'o' };

/**
 * A phone number in E.164 (`+14155550123`), or undefined. Written without `+` or `00` it needs
 * the configured default country code: `(415) 555-0123` alone is not guessed to be American.
 */
export function phoneE164(value: string, options: CustomerOptions): string | undefined {
  return normalizePhoneNumber(value, { defaultCountryCode: options.defaultCountryCode, withoutCountryCode: 'unusable' });
}

/** Fields Nextdoor takes only hashed (SHA-256, lower-case hex), each with its normalisation. */
const HASHED: Record<string, (value: string, options: CustomerOptions) => string | undefined> = {
  email: (v) => {
    const email = lower(v.trim());
    return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
  },
  phone_number: phoneE164,
  first_name: lowerLettersAndDigits,
  last_name: lowerLettersAndDigits,
  // YYYYMMDD, as Nextdoor's Adobe extension documents it.
  date_of_birth: birthDateYmd,
  gender: (v) => GENDERS[lower(v.trim())],
  street_address: (v) => lower(v).trim().replace(/\s+/g, ' ') || undefined,
  city: lowerLettersAndDigits,
  // A two-letter code; US states and Canadian provinces by name too.
  state: (v) => {
    const letters = lettersOnly(v);
    return stateCodeOfName(v) ?? (letters.length === 2 ? letters : undefined);
  },
  // Lower case without spaces or dashes; a US ZIP+4 by its first five digits ("First 5 digits US").
  zip_code: (v) => {
    const zip = lower(v).replace(/[\s-]/g, '');
    return (/^\d{9}$/.test(zip) ? zip.slice(0, 5) : zip) || undefined;
  },
  country: (v) => countryCodeOf(v),
  external_id: (v) => lower(v.trim()) || undefined,
};

/** Fields sent in clear: the visitor's IP address and browser (the click id is the plugin's own). */
const CLEAR = ['client_ip_address', 'client_user_agent'] as const;

const customer = customerInfo<CustomerOptions>({
  hashed: HASHED,
  shape: () => 'single',
  clear: Object.fromEntries(CLEAR.map((field) => [field, (value: string) => value.trim() || undefined])),
});

/**
 * `customer` as Nextdoor takes it from what the blueprint mapped: each hashed field one digest
 * (its first usable value), the clear fields as text, anything else left out. `unusable` names
 * the keys left out (a phone number without a country code, an email without `@`, a key Nextdoor
 * does not take), so the caller can warn.
 *
 * @example
 * normalizeCustomer({ email: ' Jane@Example.com ', phone_number: '+1 (415) 555-0123', client_ip_address: '203.0.113.42' });
 * // { fields: { email: sha256('jane@example.com'), phone_number: sha256('+14155550123'), client_ip_address: '203.0.113.42' }, unusable: [] }
 */
export function normalizeCustomer(raw: JsonValue | undefined, options: CustomerOptions = {}): { fields: JsonObject; unusable: string[] } {
  return customer.normalize(raw, options);
}
