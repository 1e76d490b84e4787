// The event's `user_data` as AppLovin's Conversion API documents it: the person's email and
// phone SHA-256 hashed, the visitor's IP address and user agent, the site's user id and the
// browser's client id, country and zip code, the operating system, and an app's advertising
// (ifa) and vendor (idfv) ids; Axon's click and browser ids (aleid, alart, axwrt) are added by
// the event builder from the page URL and cookies. Email and phone are normalised and hashed
// here rather than in the blueprint, so whatever an edited blueprint maps into `user_data`,
// neither leaves Signal in clear; a key AppLovin does not take is never sent.
import { isIP } from 'node:net';
import { countryCodeOf, customerInfo, isEmailAddress, namesNoOne, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface UserDataOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `1`). */
  defaultCountryCode?: string | undefined;
}

/** The shortest user id sent: Axon's events page asks for a user id of "at least six characters". */
export const MIN_USER_ID_CHARS = 6;
/** Signal's cap on ids sent in clear (AppLovin documents none; a longer one is no id). */
export const MAX_ID_CHARS = 256;

/** An id as sent: the id as it came; nothing for a blank, a placeholder, one with white space or too long. */
function idOf(value: string): string | undefined {
  const id = value.trim();
  return id === '' || id.length > MAX_ID_CHARS || /\s/.test(id) || namesNoOne(id) ? undefined : id;
}

/** A user id of at least six characters, as Axon asks for. */
function userIdOf(value: string): string | undefined {
  const id = idOf(value);
  return id !== undefined && id.length >= MIN_USER_ID_CHARS ? id : undefined;
}

/** A device's advertising or vendor id; nothing for all zeros, what iOS and Android give when the user limits ad tracking. */
function deviceIdOf(value: string): string | undefined {
  const id = idOf(value);
  return id === undefined || /^[0-]+$/.test(id) ? undefined : id;
}

/** An email trimmed and lower-cased; nothing for text that is no address. */
function emailOf(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

/**
 * A phone number's digits with its country code and without `+` (`14155550123`): the form the
 * Axon integrations hash (Stape's Axon tag notes AppLovin's hash, unlike Google's, leaves the
 * `+` out). Written without `+` or `00` it needs the configured country calling code.
 */
function phoneOf(value: string, options: UserDataOptions | undefined): string | undefined {
  return normalizePhoneNumber(value, { defaultCountryCode: options?.defaultCountryCode, withoutCountryCode: 'unusable' })?.slice(1);
}

/** The operating system as Axon names it: ios, android or desktop_os. */
function osOf(value: string): string | undefined {
  const os = value.trim().toLowerCase().replace(/[\s_-]+/g, '');
  if (/^(ios|ipados|iphoneos)$/.test(os)) return 'ios';
  if (os === 'android') return 'android';
  if (/^(desktopos|macos|macosx|osx|windows|linux|chromeos|ubuntu)$/.test(os)) return 'desktop_os';
  return undefined;
}

/**
 * A zip code as written, without spaces around it; a US ZIP+4 (`94103-1234`) as its first five
 * digits, as AppLovin asks of US zip codes; nothing for text that is none.
 */
function zipOf(value: string): string | undefined {
  const zip = value.trim();
  const zipPlus4 = /^(\d{5})-\d{4}$/.exec(zip);
  if (zipPlus4) return zipPlus4[1];
  return /^[A-Za-z0-9 -]{2,12}$/.test(zip) ? zip : undefined;
}

const fields = customerInfo<UserDataOptions | undefined>({
  hashed: { email: emailOf, phone: phoneOf },
  shape: () => 'single',
  clear: {
    client_ip_address: (value) => (isIP(value.trim()) === 0 ? undefined : value.trim()),
    client_user_agent: (value) => (value.trim() === '' || namesNoOne(value.trim()) ? undefined : value.trim()),
    user_id: userIdOf,
    client_id: idOf,
    country_code: (value) => countryCodeOf(value)?.toUpperCase(),
    zip: zipOf,
    os: osOf,
    ifa: deviceIdOf,
    idfv: deviceIdOf,
  },
});

/**
 * `user_data` from what the blueprint mapped: the email trimmed, lower-cased and hashed, the
 * phone's digits with its country code hashed (a value already a SHA-256 digest is sent as it is,
 * lower-cased), the rest as text. `unusable` names the keys left out: a value nothing usable came
 * of, or a key AppLovin does not take. Axon's own ids (aleid, alart, axwrt) are not read here.
 *
 * @example
 * appLovinUserData({ email: ' Jane@Example.com ', phone: '+1 (415) 555-0123', client_ip_address: '203.0.113.1', user_id: 'abc' });
 * // { user: { email: sha256('jane@example.com'), phone: sha256('14155550123'), client_ip_address: '203.0.113.1' }, unusable: ['user_id'] }
 */
export function appLovinUserData(raw: JsonValue | undefined, options: UserDataOptions = {}): { user: JsonObject; unusable: string[] } {
  const { fields: user, unusable } = fields.normalize(raw, options);
  return { user, unusable };
}
