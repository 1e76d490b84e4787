// The event's `userData` as Yahoo's CAPI takes it: the match keys. Email and phone are
// normalised as Yahoo's enhanced-matching rules say — the email trimmed and lower-cased, the
// phone as [+][country code][subscriber number] (E.164, at most 15 digits) — and SHA-256 hashed
// here rather than in the blueprint, so whatever an edited blueprint maps, neither leaves Signal
// in clear. The device ids (`gpsaid`, Google Play's advertising id; `idfa`, Apple's), Yahoo's
// partner id `pxid`, the IP address and the user agent are sent as they came. A key Yahoo does
// not take is never sent.
import { isIP } from 'node:net';
import { customerInfo, isEmailAddress, namesNoOne, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface UserDataOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `1`). */
  defaultCountryCode?: string | undefined;
}

/** Signal's cap on an id sent in clear: an IDFA, a GAID or a partner id is far shorter. */
export const MAX_ID_CHARS = 256;
/** Signal's cap on the user agent: a browser's is far shorter; a longer one is cut. */
export const MAX_USER_AGENT_CHARS = 1000;
/** The userData keys sent as lists (Yahoo takes several of each). */
const LIST_KEYS = new Set(['email', 'phone', 'gpsaid', 'idfa', 'pxid']);

/**
 * An id as sent: as it came; nothing for one naming no device or person — blank, too long, with
 * white space, a placeholder ("undefined"), or all zeros (the advertising id iOS and Android give
 * when the user limits ad tracking: sent, it would make one device of every such user).
 */
function idOf(value: string): string | undefined {
  const id = value.trim();
  if (id === '' || id.length > MAX_ID_CHARS || /\s/.test(id) || namesNoOne(id) || /^[0-]+$/.test(id)) return undefined;
  return id;
}

const fields = customerInfo<UserDataOptions>({
  hashed: {
    email: (value) => {
      const email = value.trim().toLowerCase();
      return isEmailAddress(email) ? email : undefined;
    },
    phone: (value, options) => normalizePhoneNumber(value, { defaultCountryCode: options.defaultCountryCode, withoutCountryCode: 'unusable' }),
  },
  shape: () => 'list',
  clear: {
    gpsaid: idOf,
    idfa: idOf,
    pxid: idOf,
    ip_address: (value) => (isIP(value.trim()) === 0 ? undefined : value.trim()),
    userAgent: (value) => {
      const agent = value.replace(/[\r\n]+/g, ' ').trim();
      return agent === '' ? undefined : agent.slice(0, MAX_USER_AGENT_CHARS);
    },
  },
});

/**
 * `userData` from what the blueprint mapped: emails and phones normalised and hashed (a value
 * already a SHA-256 digest sent as it is, lower-cased), each a list; gpsaid, idfa and pxid as
 * one-item lists; the IP address and user agent as text. `unusable` names the keys left out.
 *
 * @example
 * yahooUserData({ email: ' Jane@Example.com ', phone: '+1 (415) 555-0123', idfa: 'AEBE52E7-03EE-455A-B3C4-E57283966239', ip_address: '203.0.113.1', name: 'x' });
 * // { user: { email: [sha256('jane@example.com')], phone: [sha256('+14155550123')], idfa: ['AEBE52E7-03EE-455A-B3C4-E57283966239'], ip_address: '203.0.113.1' }, unusable: ['name'] }
 */
export function yahooUserData(raw: JsonValue | undefined, options: UserDataOptions = {}): { user: JsonObject; unusable: string[] } {
  const { fields: normalized, unusable } = fields.normalize(raw, options);
  const user: JsonObject = {};
  for (const [key, value] of Object.entries(normalized)) {
    user[key] = LIST_KEYS.has(key) && !Array.isArray(value) ? [value] : value;
  }
  return { user, unusable };
}
