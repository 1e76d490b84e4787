// TikTok's customer information (the event's `user` object), normalised and hashed as the
// Events API documents it. Done here, in the plugin, rather than left to the blueprint:
// whatever an edited blueprint maps into `user`, no email, phone number, id, name or postcode
// leaves Signal in clear (TikTok requires them hashed) or hashed in a form TikTok cannot match.
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../core/sdk/index.ts';

/**
 * Fields TikTok takes only as SHA-256 (hex): "It must be hashed with SHA-256 on the client
 * side." first_name, last_name and zip_code are hashed as Segment's TikTok Conversions
 * destination (written by TikTok) hashes them.
 */
export const HASHED_FIELDS = ['email', 'phone', 'external_id', 'first_name', 'last_name', 'zip_code'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];
/** The hashed fields TikTok takes one or several of (a list); of the others, the first usable value is sent. */
const LIST_FIELDS: readonly string[] = ['email', 'phone', 'external_id'];

/** Fields sent as they are: the visitor's browser, TikTok's own ids and the language. Any other key is left out. */
export const CLEAR_FIELDS = ['ip', 'user_agent', 'ttp', 'ttclid', 'locale'] as const;
/**
 * Places sent unhashed but normalised — lower case, letters and digits only (`New York` →
 * `newyork`, `GB` → `gb`) — as Segment's TikTok Conversions destination sends them. A region
 * or a country is no way to reach a person.
 */
export const PLACE_FIELDS = ['city', 'state', 'country'] as const;

const HEX64 = /^[0-9a-f]{64}$/i;

export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

/** Calling codes whose national numbers keep their leading 0 after the country code: Italy, San Marino, Vatican City (06 1234 5678 → +39 06 1234 5678). */
const KEEPS_TRUNK_ZERO = new Set(['39', '378', '379']);
/**
 * The longest national number (without trunk prefix) where it is longer than 10 digits and
 * written without a trunk 0: Brazil (area code and 9-digit mobile), China (11-digit mobiles).
 * A number written without `+`, `00` or a trunk `0` is taken to carry its country code only
 * when it is longer than this (10 elsewhere): `(55) 99123-4567` in Brazil is a national number
 * in area code 55, not +55 991234567.
 */
const LONGEST_NATIONAL: Record<string, number> = { '55': 11, '86': 11 };

/**
 * A phone number in E.164 as TikTok hashes it: `+`, the country code and the number, digits
 * only (`+12133734253`); an extension (`ext. 42`, `x42`, `#42`) and a bracketed trunk zero
 * (`+44 (0)7700 900123`) left out. A number written with `+` or `00` has its country code; any
 * other takes `defaultCountryCode` when one is configured: after its trunk `0` (kept in Italy,
 * San Marino and Vatican City, where it belongs to the number), and not added again to a number
 * without a trunk `0` that starts with the code and is longer than a national number there.
 * Without a default code, a number with a trunk `0` is unusable (it has no country code), and
 * one without is taken as written with its country code.
 */
function normalizePhone(value: string, { defaultCountryCode }: NormalizeOptions): string | undefined {
  const trimmed = value.trim().replace(/\s*(?:ext\.?|extension|x|#)\s*\d+$/i, '')
    .replace(/^\+(\d{1,3})\s*\(0\)/, (_, code: string) => (KEEPS_TRUNK_ZERO.has(code) ? `+${code}0` : `+${code}`));
  const international = /^(\+|00)/.test(trimmed);
  let digits = trimmed.replace(/\D/g, '');
  if (international) digits = digits.replace(/^0+/, '');
  else if (defaultCountryCode) {
    if (digits.startsWith('0')) {
      // A trunk prefix: the number is national.
      digits = `${defaultCountryCode}${KEEPS_TRUNK_ZERO.has(defaultCountryCode) ? digits.replace(/^0+/, '0') : digits.replace(/^0+/, '')}`;
    } else if (!(digits.startsWith(defaultCountryCode) && digits.length > (LONGEST_NATIONAL[defaultCountryCode] ?? 10))) {
      digits = `${defaultCountryCode}${digits}`;
    }
  } else if (digits.startsWith('0')) return undefined;
  // E.164: at most 15 digits; fewer than 7 is no phone number.
  return digits.length >= 7 && digits.length <= 15 ? `+${digits}` : undefined;
}

const NORMALIZERS: Record<HashedField, (value: string, options: NormalizeOptions) => string | undefined> = {
  email: (v) => {
    const email = lower(v.trim());
    return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
  },
  phone: normalizePhone,
  // Trimmed, its case kept, as TikTok's own server-side GTM template hashes it
  // (tiktok/gtm-template-eapi: hash(external_id, false)): `User-123` and `user-123` are two ids.
  external_id: (v) => v.trim() || undefined,
  // Lower case without white space or punctuation ("Mary-Ann" → maryann), accented letters kept.
  first_name: (v) => lower(v).replace(/[\s\p{P}]/gu, '') || undefined,
  last_name: (v) => lower(v).replace(/[\s\p{P}]/gu, '') || undefined,
  // Lower case without white space: `SW1A 1AA` → sw1a1aa.
  zip_code: (v) => lower(v).replace(/\s/g, '') || undefined,
};

/** A place as TikTok takes it: lower case, letters and digits only (Unicode letters kept: `Zürich` → zürich). */
function normalizePlace(value: JsonValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  return lower(value).replace(/[^\p{L}\p{N}]/gu, '') || undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * One customer information value hashed as TikTok expects, or undefined when it holds nothing
 * TikTok could match (an email without `@`, a national phone number with no country code).
 * A value of 64 hex characters is taken as hashed already (lower-cased, not hashed twice).
 *
 * @example
 * hashUserField('email', ' Jane@Example.com ');   // sha256('jane@example.com')
 * hashUserField('phone', '+44 (0)7700 900123');   // sha256('+447700900123')
 * hashUserField('external_id', ' User-123 ');     // sha256('User-123')
 */
export function hashUserField(field: HashedField, value: JsonValue, options: NormalizeOptions = {}): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value);
  if (HEX64.test(text.trim())) return text.trim().toLowerCase();
  const normalized = NORMALIZERS[field](text, options);
  return normalized === undefined ? undefined : sha256(normalized);
}

/**
 * `user` as TikTok takes it: email, phone and external_id normalised and hashed (one value
 * is sent as a string, several as a list), first_name, last_name and zip_code normalised and
 * hashed (the first usable value), city, state and country normalised, the clear fields kept as
 * text, anything else left out. Also returns the names of the fields it left out (unusable
 * values, keys TikTok does not take).
 *
 * @example
 * normalizeUser({ email: 'Jane@Example.com', ip: '203.0.113.42' });
 * // { user: { email: sha256('jane@example.com'), ip: '203.0.113.42' }, unusable: [] }
 */
export function normalizeUser(raw: JsonValue | undefined, options: NormalizeOptions = {}): { user: JsonObject; unusable: string[] } {
  const user: JsonObject = {};
  const unusable: string[] = [];
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return { user, unusable };
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined || value === '') continue;
    if ((HASHED_FIELDS as readonly string[]).includes(key)) {
      const values = Array.isArray(value) ? value : [value];
      const hashed = [...new Set(values.map((v) => hashUserField(key as HashedField, v, options)).filter((v): v is string => v !== undefined))];
      if (hashed.length === 0) unusable.push(key);
      else user[key] = hashed.length === 1 || !LIST_FIELDS.includes(key) ? hashed[0]! : hashed;
    } else if ((PLACE_FIELDS as readonly string[]).includes(key)) {
      const place = normalizePlace(Array.isArray(value) ? (value[0] ?? null) : value);
      if (place === undefined) unusable.push(key);
      else user[key] = place;
    } else if ((CLEAR_FIELDS as readonly string[]).includes(key)) {
      if (typeof value === 'string' || typeof value === 'number') user[key] = String(value);
      else unusable.push(key);
    } else {
      // Not a field TikTok takes: it may be contact information (an edited blueprint's
      // `birthday`), so it is not sent.
      unusable.push(key);
    }
  }
  return { user, unusable };
}
