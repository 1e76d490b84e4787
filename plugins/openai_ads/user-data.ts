// The event's `user` object as OpenAI's Conversions API documents it: the email and the
// external id only as SHA-256 digests (lower-case hex, the email trimmed and lower-cased
// first), the place and the visitor's IP and user agent as text. All optional; a key OpenAI
// does not take is never sent (it may hold contact data an edited blueprint mapped).
import { isIP } from 'node:net';
import { countryCodeOf, customerInfo, isEmailAddress, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** OpenAI's limits: a city of at most 128 characters, a zip code of at most 32 letters, digits, spaces or hyphens. */
export const MAX_CITY_CHARS = 128;
export const MAX_ZIP_CODE_CHARS = 32;

/** An email as OpenAI hashes it: trimmed and lower-cased; nothing for text that is no address. */
function emailOf(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

/** Text trimmed, or nothing when blank. */
function trimmed(value: string): string | undefined {
  const text = value.trim();
  return text === '' ? undefined : text;
}

const fields = customerInfo<unknown>({
  hashed: {
    email_sha256: emailOf,
    // OpenAI documents no normalisation for the external id: trimmed, its letter case kept, as the Pixel hashes it from the site.
    external_id_sha256: trimmed,
  },
  shape: () => 'single',
  clear: {
    // Two-letter ISO 3166-1 (US); a country's English name (United States) is read as its code.
    country: (value) => countryCodeOf(value)?.toUpperCase(),
    city: (value) => { const city = value.trim(); return city !== '' && [...city].length <= MAX_CITY_CHARS ? city : undefined; },
    zip_code: (value) => { const zip = value.trim(); return zip.length <= MAX_ZIP_CODE_CHARS && /^[A-Za-z0-9 -]+$/.test(zip) ? zip : undefined; },
    ip_address: (value) => (isIP(value.trim()) === 0 ? undefined : value.trim()),
    user_agent: trimmed,
  },
});

/**
 * The `user` object from what the blueprint mapped: email and external id hashed (a value
 * already a SHA-256 digest is sent as it is, lower-cased), the others checked against OpenAI's
 * formats. `unusable` names the keys left out: a value nothing usable came of (an email that is
 * no address, a country that is no ISO code, an IP that is none), or a key OpenAI does not take.
 *
 * @example
 * openAiUser({ email_sha256: ' Jane@Example.com ', country: 'us', ip_address: '203.0.113.1', phone: '+1 555' });
 * // { user: { email_sha256: sha256('jane@example.com'), country: 'US', ip_address: '203.0.113.1' }, unusable: ['phone'] }
 */
export function openAiUser(raw: JsonValue | undefined): { user: JsonObject; unusable: string[] } {
  const { fields: user, unusable } = fields.normalize(raw, undefined);
  return { user, unusable };
}
