// The event's `user_data` as Spotify's Conversions API documents it: the four identifiers it
// accepts — SHA-256 hashed emails (a list), a SHA-256 hashed phone number, the IP address and
// the raw device id. Email and phone are normalised and hashed here rather than in the
// blueprint, so whatever an edited blueprint maps into `user_data`, neither leaves Signal in
// clear; a key Spotify does not take is never sent.
import { isIP } from 'node:net';
import { customerInfo, isEmailAddress, namesNoOne, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface UserDataOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `1`). */
  defaultCountryCode?: string | undefined;
}

/** The longest device id sent: an IDFA, a GAID or a Pixel cookie is far shorter; a longer one is no device id. */
export const MAX_DEVICE_ID_CHARS = 256;

/**
 * A device id as sent: the id as it came; nothing for one naming no device — blank, too long,
 * with white space, a placeholder ("undefined"), or all zeros, the advertising id iOS and
 * Android give when the user limits ad tracking (sent, it would make one device of every such
 * user).
 */
function deviceIdOf(value: string): string | undefined {
  const id = value.trim();
  if (id === '' || id.length > MAX_DEVICE_ID_CHARS || /\s/.test(id) || namesNoOne(id) || /^[0-]+$/.test(id)) return undefined;
  return id;
}

/** An email as Spotify hashes it ("trimming and lowercasing"); nothing for text that is no address. */
function emailOf(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

/**
 * A phone number in E.164 (`+14155550123`): Spotify asks for it normalised before hashing
 * without saying how; E.164 is what the other conversions APIs hash. Written without `+` or
 * `00` it needs the configured country calling code.
 */
function phoneOf(value: string, options: UserDataOptions | undefined): string | undefined {
  return normalizePhoneNumber(value, { defaultCountryCode: options?.defaultCountryCode, withoutCountryCode: 'unusable' });
}

const fields = customerInfo<UserDataOptions | undefined>({
  hashed: { hashed_emails: emailOf, hashed_phone_number: phoneOf },
  // "List of SHA-256 hashed emails" and one "SHA-256 hashed phone number".
  shape: (field) => (field === 'hashed_emails' ? 'list' : 'single'),
  clear: {
    ip_address: (value) => (isIP(value.trim()) === 0 ? undefined : value.trim()),
    // Spotify documents it as the "raw device id": sent as it came, never hashed.
    device_id: deviceIdOf,
  },
});

/**
 * `user_data` from what the blueprint mapped: emails (one or a list) trimmed, lower-cased and
 * hashed, the phone number in E.164 and hashed (a value already a SHA-256 digest is sent as it
 * is, lower-cased), the IP address and device id as text. `unusable` names the keys left out:
 * a value nothing usable came of, or a key Spotify does not take.
 *
 * @example
 * spotifyUserData({ hashed_emails: ' Jane@Example.com ', hashed_phone_number: '+1 (415) 555-0123', ip_address: '203.0.113.1', email: 'x' });
 * // { user: { hashed_emails: [sha256('jane@example.com')], hashed_phone_number: sha256('+14155550123'), ip_address: '203.0.113.1' }, unusable: ['email'] }
 */
export function spotifyUserData(raw: JsonValue | undefined, options: UserDataOptions = {}): { user: JsonObject; unusable: string[] } {
  const { fields: user, unusable } = fields.normalize(raw, options);
  return { user, unusable };
}
