// Amazon's match keys (`matchKeys`: `[{ type, values: [one value] }]`), normalised and hashed as
// Amazon's Events API documents them: contact and address fields only as the SHA-256 (hex) of
// their normalised value — lower case, email keeping letters, digits and . @ - + _, phones as the
// digits of E.164 (country code, no +), names, city, state and address as lower-case letters and
// digits, postal codes without spaces —; the mobile ad id, LiveRamp's RAMP ID and the
// advertiser's Match ID in clear, as Amazon takes them. Done here rather than left to the
// blueprint, so whatever an edited blueprint maps into `matchKeys`, no contact information
// leaves Signal in clear.
import { customerInfo, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface MatchKeyOptions {
  /** Digits of the country calling code of phone numbers written without one (e.g. `1`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form, trimmed. */
const lower = (text: string) => text.normalize('NFC').toLowerCase().trim();
/** Lower-case letters and digits only (Amazon: "remove all non-alphanumeric characters"). */
const alphanumeric = (text: string) => lower(text).replace(/[^\p{L}\p{N}]/gu, '') || undefined;

/** The mapped key (the blueprint's names) → Amazon's match key type, hashed ones first. */
export const HASHED_KEYS: Record<string, string> = {
  email: 'EMAIL', phone: 'PHONE', first_name: 'FIRST_NAME', last_name: 'LAST_NAME',
  address: 'ADDRESS', city: 'CITY', state: 'STATE', postal: 'POSTAL',
};
export const CLEAR_KEYS: Record<string, string> = { maid: 'MAID', ramp_id: 'RAMP_ID', match_id: 'MATCH_ID' };

/** Amazon takes at most 15 match keys an event (its OpenAPI's maxItems). */
export const MAX_MATCH_KEYS = 15;

const keys = customerInfo<MatchKeyOptions>({
  hashed: {
    // An address with one @ between non-blank parts; characters Amazon strips removed (not +, _: they change the mailbox).
    email: (v) => {
      const email = lower(v).replace(/[^a-z0-9.@+_-]/g, '');
      return /^[^@]+@[^@]+$/.test(email) ? email : undefined;
    },
    // E.164's digits: the country code without +; a number without one only with the configured default.
    phone: (v, o) => normalizePhoneNumber(v, { defaultCountryCode: o.defaultCountryCode, withoutCountryCode: 'unusable' })?.slice(1),
    first_name: alphanumeric,
    last_name: alphanumeric,
    address: alphanumeric,
    city: alphanumeric,
    state: alphanumeric,
    postal: (v) => lower(v).replace(/\s+/g, '') || undefined,
  },
  shape: () => 'single',
  clear: {
    maid: (v) => v.trim() || undefined,
    ramp_id: (v) => v.trim() || undefined,
    // "Alphanumeric identifier, max 100 characters" (Amazon's Events API template).
    match_id: (v) => (/^[A-Za-z0-9_-]{1,100}$/.test(v.trim()) ? v.trim() : undefined),
  },
});

/** A device's ad id that says nothing: all zeros, as iOS answers without tracking permission. */
const ZERO_AD_ID = /^[0-]+$/;

/**
 * `matchKeys` as Amazon takes them from what the blueprint mapped (an object of the keys above):
 * each one `{ type, values: [value] }`, hashed keys hashed (an already hashed SHA-256 value
 * kept), at most 15; `unusable` names the keys left out (a phone number without a country code,
 * an email without @, a key Amazon does not take), so the caller can warn.
 *
 * @example
 * matchKeysOf({ email: ' Jane@Example.com ', phone: '+1 (415) 555-0123', maid: 'EA7583CD-A667-48BC-B806-42ECB2B48606' });
 * // { matchKeys: [{ type: 'EMAIL', values: [sha256('jane@example.com')] }, { type: 'PHONE', values: [sha256('14155550123')] },
 * //   { type: 'MAID', values: ['EA7583CD-A667-48BC-B806-42ECB2B48606'] }], unusable: [] }
 */
export function matchKeysOf(raw: JsonValue | undefined, options: MatchKeyOptions = {}): { matchKeys: JsonObject[]; unusable: string[] } {
  const { fields, unusable } = keys.normalize(raw, options);
  const matchKeys: JsonObject[] = [];
  for (const [field, type] of Object.entries({ ...HASHED_KEYS, ...CLEAR_KEYS })) {
    const value = fields[field];
    if (typeof value !== 'string') continue;
    if (field === 'maid' && ZERO_AD_ID.test(value)) {
      unusable.push(field);
      continue;
    }
    matchKeys.push({ type, values: [value] });
  }
  return { matchKeys: matchKeys.slice(0, MAX_MATCH_KEYS), unusable };
}
