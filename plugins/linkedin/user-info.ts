// The person a LinkedIn conversion is matched to (`user`): identifiers (`userIds`, each an
// `idType` and an `idValue`) and the optional member details (`userInfo`). The blueprint maps
// plain keys under `user` (`email`, `li_fat_id`, `firstName`, …); this builds LinkedIn's shape
// from them, so whatever an edited blueprint maps, the email leaves Signal hashed only and no
// key LinkedIn's schema does not have is sent (it refuses a whole request for one: HTTP 422
// "unrecognized field found but not allowed").
import { countryCodeOf, customerInfo, isEmailAddress, namesNoOne, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** LinkedIn's `idType` of each identifier key the blueprint maps under `user`. */
export const ID_TYPES = {
  email: 'SHA256_EMAIL',
  li_fat_id: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID',
  acxiom_id: 'ACXIOM_ID',
  oracle_moat_id: 'ORACLE_MOAT_ID',
  ip: 'PLAINTEXT_IP_ADDRESS',
} as const;
type IdKey = keyof typeof ID_TYPES;

/** The `userInfo` fields, taken in clear as LinkedIn documents them. */
export const USER_INFO_FIELDS = ['firstName', 'lastName', 'companyName', 'title', 'countryCode'] as const;

export interface UserOptions {
  /** Whether the visitor's IPv4 address is sent as a `PLAINTEXT_IP_ADDRESS` identifier (`config.send_ip_address`). */
  sendIpAddress?: boolean;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** An id as ads tools write them: printable ASCII without spaces (no placeholder, no mangled text). */
const ID_TEXT = /^[\x21-\x7e]{1,500}$/;
const trimmed = (value: string) => value.trim() || undefined;

/**
 * An identifier's text (the li_fat_id click id, an Acxiom or Oracle Moat id), trimmed; undefined
 * for a placeholder a site writes when its variable was empty ("undefined", "null": every visitor
 * without an id would share it) or for text no ads tool writes (spaces, non-ASCII, a mangled
 * URL's replacement characters).
 *
 * @example
 * identifierOf(' AQEYs3N0ZmF0aWQ '); // 'AQEYs3N0ZmF0aWQ'
 * identifierOf('undefined');         // undefined
 */
export function identifierOf(value: string): string | undefined {
  const id = value.trim();
  return ID_TEXT.test(id) && !namesNoOne(id) ? id : undefined;
}

const fields = customerInfo<UserOptions>({
  hashed: {
    // SHA-256 of the address trimmed and lower-cased (as LinkedIn's and every CAPI partner's
    // examples hash it); text without one `@` between non-blank parts is no address.
    email: (value) => {
      const email = value.trim().normalize('NFC').toLowerCase();
      return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
    },
  },
  // One SHA256_EMAIL identifier per event: the first usable address.
  shape: () => 'single',
  clear: {
    li_fat_id: identifierOf,
    acxiom_id: identifierOf,
    oracle_moat_id: identifierOf,
    // LinkedIn takes IPv4 addresses only, in clear (it salts and hashes them itself).
    ip: (value) => (IPV4.test(value.trim()) ? value.trim() : undefined),
    firstName: trimmed,
    lastName: trimmed,
    companyName: trimmed,
    title: trimmed,
    // ISO 3166-1 alpha-2, upper case ("US"); English names are read too (United Kingdom → GB).
    countryCode: (value) => countryCodeOf(value)?.toUpperCase(),
  },
});

/**
 * The hashed `SHA256_EMAIL` value of an address, or undefined when it is none; a 64-hex digest passes lower-cased.
 *
 * @example
 * hashEmail(' Jane@Example.com '); // sha256('jane@example.com')
 * hashEmail('not an address');     // undefined
 */
export function hashEmail(value: JsonValue): string | undefined {
  return fields.hashField('email', value, {});
}

/**
 * LinkedIn's `user` from what the blueprint mapped under `user`: `userIds` (always a list, as
 * LinkedIn requires, in the order email, click id, Acxiom, Oracle Moat, IP — the IP only with
 * `sendIpAddress`) and `userInfo` when it has both names (LinkedIn refuses a `userInfo` without
 * `firstName` and `lastName`). `left` names what was mapped but not sent: unusable values, a
 * `userInfo` without both names, keys LinkedIn does not take.
 *
 * @example
 * linkedInUser({ email: ' Jane@Example.com ', li_fat_id: 'fat-1', firstName: 'Jane' });
 * // { user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: sha256('jane@example.com') },
 * //   { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'fat-1' }] }, left: ['userInfo (no lastName)'] }
 */
export function linkedInUser(raw: JsonValue | undefined, options: UserOptions = {}): { user: JsonObject; left: string[] } {
  const { fields: values, unusable } = fields.normalize(raw, options);
  const left = [...unusable];
  const userIds: JsonObject[] = [];
  for (const key of Object.keys(ID_TYPES) as IdKey[]) {
    const value = values[key];
    if (typeof value !== 'string') continue;
    if (key === 'ip' && options.sendIpAddress !== true) continue;
    userIds.push({ idType: ID_TYPES[key], idValue: value });
  }
  const user: JsonObject = { userIds };
  const info: JsonObject = {};
  for (const field of USER_INFO_FIELDS) if (typeof values[field] === 'string') info[field] = values[field];
  if (typeof info.firstName === 'string' && typeof info.lastName === 'string') user.userInfo = info;
  else if (Object.keys(info).length > 0) left.push(`userInfo (no ${['firstName', 'lastName'].filter((name) => typeof info[name] !== 'string').join(' and no ')})`);
  return { user, left };
}

/**
 * Whether LinkedIn can match the user: an identifier, or member details with both names.
 *
 * @example
 * canMatch({ userIds: [], userInfo: { firstName: 'Jane', lastName: 'Doe' } }); // true
 * canMatch({ userIds: [] });                                                  // false
 */
export function canMatch(user: JsonObject): boolean {
  return (Array.isArray(user.userIds) && user.userIds.length > 0) || user.userInfo !== undefined;
}
