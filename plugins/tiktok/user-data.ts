// TikTok's customer information (the event's `user` object), normalised and hashed as the
// Events API documents it. Done here, in the plugin, rather than left to the blueprint:
// whatever an edited blueprint maps into `user`, no email, phone number, id, name or postcode
// leaves Signal in clear (TikTok requires them hashed) or hashed in a form TikTok cannot match.
import { asText, customerInfo, isEmailAddress, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

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


export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

/**
 * A phone number in E.164 as TikTok hashes it: `+`, the country code and the number, digits
 * only (`+12133734253`), read by the SDK's normalizePhoneNumber (the default country's
 * numbering plan); without a default code, a number with a trunk `0` is unusable, and one
 * without is taken as written with its country code.
 */
function normalizePhone(value: string, { defaultCountryCode }: NormalizeOptions): string | undefined {
  return normalizePhoneNumber(value, { defaultCountryCode, withoutCountryCode: 'international' });
}

const NORMALIZERS: Record<HashedField, (value: string, options: NormalizeOptions) => string | undefined> = {
  email: (v) => {
    const email = lower(v.trim());
    return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
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
function normalizePlace(value: string): string | undefined {
  return lower(value).replace(/[^\p{L}\p{N}]/gu, '') || undefined;
}

const user = customerInfo<NormalizeOptions>({
  hashed: NORMALIZERS,
  // One value as itself, several as a list, where TikTok takes a list; elsewhere the first.
  shape: (field) => (LIST_FIELDS.includes(field) ? 'one-or-list' : 'single'),
  clear: {
    ...Object.fromEntries(CLEAR_FIELDS.map((field) => [field, asText])),
    ...Object.fromEntries(PLACE_FIELDS.map((field) => [field, normalizePlace])),
  },
});

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
  return user.hashField(field, value, options);
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
  const { fields, unusable } = user.normalize(raw, options);
  return { user: fields, unusable };
}
