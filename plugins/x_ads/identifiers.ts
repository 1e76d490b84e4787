// A conversion's `identifiers` as X's Conversion API takes them: the X click id (`twclid`) in
// clear, the email and phone number hashed (SHA-256 of their normalised form), and the visitor's
// IP address and user agent in clear, together. Done in the plugin rather than the blueprint:
// whatever an edited blueprint maps into `user`, no contact information leaves Signal in clear,
// and nothing X does not take is sent.
import { isIP } from 'node:net';
import { isEmailAddress, isJsonObject, pageUrlParamOf, customerInfo, isPrivateAddress, namesNoOne, normalizePhoneNumber, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface IdentifierOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/**
 * A click id as X appends it to a landing page (`twclid=23opevjt88psuo13lu8d020qkn`): URL-safe
 * characters only. Anything else (a garbled percent-encoding, a whole query) is no click id.
 */
const TWCLID = /^[A-Za-z0-9_.~-]{1,512}$/;

/**
 * A twclid as X could attribute it, from a URL parameter or a cookie: the value itself, or the
 * `twclid` of a JSON cookie value (`{"twclid":"…"}`, plain or percent-encoded, a form the X
 * Pixel's `_twclid` cookie is reported to take); undefined for a placeholder an empty variable
 * left (`undefined`, `null`) or anything that is no click id.
 *
 * @example
 * twclidOf('23opevjt88psuo13lu8d020qkn');                       // '23opevjt88psuo13lu8d020qkn'
 * twclidOf('%7B%22twclid%22%3A%2223opevjt88psuo13lu8d020qkn%22%7D'); // '23opevjt88psuo13lu8d020qkn'
 * twclidOf('undefined');                                        // undefined
 */
export function twclidOf(value: string): string | undefined {
  let written = value.trim();
  if (/^%7B/i.test(written)) {
    try {
      written = decodeURIComponent(written);
    } catch {
      return undefined;
    }
  }
  if (written.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(written);
      const inner = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).twclid : undefined;
      written = typeof inner === 'string' ? inner.trim() : '';
    } catch {
      return undefined;
    }
  }
  return TWCLID.test(written) && !namesNoOne(written) ? written : undefined;
}

/**
 * The `twclid` parameter of the event's page URL (or its query, or a page call's URL): the
 * latest ad click, which wins over an older click's cookie.
 *
 * @example
 * twclidFromUrl({ context: { page: { url: 'https://shop.example.com/?twclid=23opevjt88psuo13lu8d020qkn' } }, … }); // '23opevjt88psuo13lu8d020qkn'
 */
export function twclidFromUrl(event: CanonicalEvent): string | undefined {
  // Broken percent-encoding (U+FFFD) is no click id.
  return pageUrlParamOf(event, 'twclid', { propertiesUrl: 'any', accept: (raw) => (raw.includes('\uFFFD') ? undefined : twclidOf(raw)) });
}

/** An email as X hashes it: trimmed and lower-cased; undefined when it is no address (one `@`, a dotted domain, no white space). */
function normalEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

/** The visitor's public IP address (IPv6 lower-cased); a loopback, private or unspecified one is a proxy's or a server's, shared by every visitor behind it. */
function publicIp(value: string): string | undefined {
  const ip = value.trim();
  return isIP(ip) === 0 || isPrivateAddress(ip) ? undefined : ip.toLowerCase();
}

const userFields = customerInfo<IdentifierOptions>({
  hashed: {
    hashed_email: normalEmail,
    // "E164 Standard": with its +. A number written without + or 00 and no default country
    // code is unusable: its country is unknown, and a guess hashes a number X cannot match.
    hashed_phone_number: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode, withoutCountryCode: 'unusable' }),
  },
  // X takes one value of each.
  shape: () => 'single',
  clear: {
    twclid: twclidOf,
    ip_address: publicIp,
    user_agent: (value) => (value.trim() === '' || namesNoOne(value) ? undefined : value.trim()),
  },
});

/** The blueprint's names for the user fields (`user.email`), by X's (`hashed_email`). */
const MAPPED_NAMES: Record<string, string> = { email: 'hashed_email', phone: 'hashed_phone_number', phone_number: 'hashed_phone_number' };

/**
 * One identifier hashed as X documents it, or undefined when it holds nothing X could match. A
 * value of 64 hex characters is taken as hashed already.
 *
 * @example
 * hashIdentifier('hashed_email', ' Jane.Doe@Example.com ');           // sha256('jane.doe@example.com')
 * hashIdentifier('hashed_phone_number', '+1 (555) 444-1234');          // sha256('+15554441234')
 * hashIdentifier('hashed_phone_number', '07700 900123', { defaultCountryCode: '44' }); // sha256('+447700900123')
 */
export function hashIdentifier(field: 'hashed_email' | 'hashed_phone_number', value: JsonValue, options: IdentifierOptions = {}): string | undefined {
  return userFields.hashField(field, value, options);
}

/**
 * `identifiers` from what the blueprint mapped into `user` (`email`, `phone`, `twclid`,
 * `ip_address`, `user_agent`; X's own names `hashed_email` and `hashed_phone_number` too), one
 * object per identifier as X's reference shows them: `{ twclid }` (the page URL's `urlTwclid`,
 * the newest click, over the cookie's), `{ hashed_email }`, `{ hashed_phone_number }`, and
 * `{ ip_address, user_agent }` — both, and only beside one of the others (X: "If using IP
 * address or user agent, a second identifier must be sent"). Empty when the event has no
 * click id, email or phone: X refuses such a conversion ("At least one user identifier must be
 * provided"). `unusable` names the keys left out.
 *
 * @example
 * xIdentifiers({ email: 'Jane@Example.com', twclid: '23opevjt88psuo13lu8d020qkn', ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }, undefined, {});
 * // { identifiers: [{ twclid: '23opevjt88psuo13lu8d020qkn' }, { hashed_email: sha256('jane@example.com') }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }], unusable: [] }
 */
export function xIdentifiers(raw: JsonValue | undefined, urlTwclid: string | undefined, options: IdentifierOptions): { identifiers: JsonObject[]; unusable: string[] } {
  const renamed: JsonObject = {};
  if (isJsonObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const name = MAPPED_NAMES[key] ?? key;
      // Two names for one field (email and hashed_email): the first mapped wins.
      if (!Object.hasOwn(renamed, name) || renamed[name] === null || renamed[name] === '') renamed[name] = value;
    }
  }
  const { fields, unusable } = userFields.normalize(renamed, options);
  const twclid = urlTwclid ?? (typeof fields.twclid === 'string' ? fields.twclid : undefined);
  const identifiers: JsonObject[] = [];
  if (twclid !== undefined) identifiers.push({ twclid });
  if (typeof fields.hashed_email === 'string') identifiers.push({ hashed_email: fields.hashed_email });
  if (typeof fields.hashed_phone_number === 'string') identifiers.push({ hashed_phone_number: fields.hashed_phone_number });
  if (identifiers.length === 0) return { identifiers, unusable };
  if (typeof fields.ip_address === 'string' && typeof fields.user_agent === 'string') identifiers.push({ ip_address: fields.ip_address, user_agent: fields.user_agent });
  return { identifiers, unusable };
}
