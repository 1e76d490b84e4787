// Snap's customer information (`user_data`), normalised and hashed as the Conversions API's
// Parameters page and Best Practices describe each field. Done here, in the plugin, rather than
// left to the blueprint: whatever an edited blueprint maps into `user_data`, no contact
// information leaves Signal in clear (Snap refuses unhashed PII with the whole request) or
// hashed in a form Snap cannot match.
import { customerInfo, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

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

/** US states and Canadian provinces by name (letters only), for `st`, which Snap takes as a two-letter code. */
const STATE_CODES: Record<string, string> = {
  alabama: 'al', alaska: 'ak', arizona: 'az', arkansas: 'ar', california: 'ca', colorado: 'co', connecticut: 'ct', delaware: 'de',
  districtofcolumbia: 'dc', florida: 'fl', georgia: 'ga', hawaii: 'hi', idaho: 'id', illinois: 'il', indiana: 'in', iowa: 'ia',
  kansas: 'ks', kentucky: 'ky', louisiana: 'la', maine: 'me', maryland: 'md', massachusetts: 'ma', michigan: 'mi', minnesota: 'mn',
  mississippi: 'ms', missouri: 'mo', montana: 'mt', nebraska: 'ne', nevada: 'nv', newhampshire: 'nh', newjersey: 'nj', newmexico: 'nm',
  newyork: 'ny', northcarolina: 'nc', northdakota: 'nd', ohio: 'oh', oklahoma: 'ok', oregon: 'or', pennsylvania: 'pa', rhodeisland: 'ri',
  southcarolina: 'sc', southdakota: 'sd', tennessee: 'tn', texas: 'tx', utah: 'ut', vermont: 'vt', virginia: 'va', washington: 'wa',
  westvirginia: 'wv', wisconsin: 'wi', wyoming: 'wy', puertorico: 'pr',
  alberta: 'ab', britishcolumbia: 'bc', manitoba: 'mb', newbrunswick: 'nb', newfoundlandandlabrador: 'nl', northwestterritories: 'nt',
  novascotia: 'ns', nunavut: 'nu', ontario: 'on', princeedwardisland: 'pe', quebec: 'qc', saskatchewan: 'sk', yukon: 'yt',
};

/** Letters a–z only, accents folded: `Québec` → `quebec`, `New York` → `newyork`. */
function lettersOnly(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * English country names (letters only) → ISO 3166-1 alpha-2, from the runtime's ICU data,
 * built on first use: `country` takes a code and sites often store the name.
 */
let countryNames: ReadonlyMap<string, string> | undefined;
function countryCodeOf(name: string): string | undefined {
  if (countryNames === undefined) {
    const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const names = new Map<string, string>([['usa', 'us'], ['unitedstatesofamerica', 'us'], ['uk', 'gb'], ['greatbritain', 'gb'], ['england', 'gb'], ['scotland', 'gb'], ['wales', 'gb']]);
    for (let a = 97; a <= 122; a++) {
      for (let b = 97; b <= 122; b++) {
        const asked = String.fromCharCode(a, b).toUpperCase();
        const english = display.of(asked);
        if (!english) continue;
        // A retired code (UK, BU) names a country under its current code (GB, MM).
        const code = Intl.getCanonicalLocales(`und-${asked}`)[0]!.slice(4).toLowerCase();
        // "Myanmar (Burma)" is also "Myanmar".
        for (const spelling of [english, english.replace(/\s*\(.*\)$/, '')]) names.set(lettersOnly(spelling), code);
      }
    }
    countryNames = names;
  }
  return countryNames.get(name);
}

/**
 * A date of birth as `YYYYMMDD`, from `1997-12-26`, `19971226`, `12/26/1997` (month first; day
 * first when the first number cannot be a month) or `26.12.1997`; an impossible date is unusable.
 */
function normalizeBirthDate(value: string): string | undefined {
  const text = value.trim();
  let parts: [number, number, number] | undefined;
  let match = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|T)/.exec(text);
  if (match) parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) {
    const [first, second] = [Number(match[1]), Number(match[2])];
    parts = first > 12 ? [Number(match[3]), second, first] : [Number(match[3]), first, second];
  } else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) parts = [Number(match[3]), Number(match[2]), Number(match[1])];
  if (!parts) return undefined;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
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
    return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
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
  db: normalizeBirthDate,
  ct: lowerLettersAndDigits,
  // A two-letter code in lower case; US states and Canadian provinces by name too.
  st: (v) => {
    const letters = lettersOnly(v);
    if (STATE_CODES[letters]) return STATE_CODES[letters];
    return letters.length === 2 ? letters : undefined;
  },
  // Lower case without spaces or dashes; a US ZIP+4 by its first five digits.
  zp: (v) => {
    const zip = lower(v).replace(/[\s-]/g, '');
    return (/^\d{9}$/.test(zip) ? zip.slice(0, 5) : zip) || undefined;
  },
  // A two-letter ISO 3166-1 code in lower case; English names recognised.
  country: (v) => {
    const letters = lettersOnly(v);
    return countryCodeOf(letters) ?? (letters.length === 2 ? letters : undefined);
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
