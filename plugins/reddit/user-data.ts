// Reddit's match keys (`user`), normalised and hashed as Reddit's Manual Advanced Matching and
// Conversions API pages describe them. Done here, in the plugin, rather than left to the
// blueprint: whatever an edited blueprint maps into `user`, no contact information leaves Signal
// in clear, and a value Reddit would refuse with the whole request (a `uuid` that is no UUID, an
// object where it wants text) is left out instead.
import { isIP } from 'node:net';
import { customerInfo, isJsonObject, isPrivateAddress, namesNoOne, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Match keys Reddit takes as the SHA-256 (lower-case hex) of their normalised value, one string each. */
export const HASHED_FIELDS = ['email', 'phone_number', 'external_id', 'ip_address', 'idfa', 'aaid'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];

/** Match keys sent in clear: the browser's user agent and the Reddit Pixel's `_rdt_uuid` cookie. */
export const CLEAR_FIELDS = ['user_agent', 'uuid'] as const;

/** Device identifiers: Reddit asks offline (PHYSICAL_STORE) events to carry none of them. */
export const DEVICE_FIELDS = ['uuid', 'idfa', 'aaid'] as const;

export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An advertising id of zeros: the device limits ad tracking, so it names no one. */
const ZERO_UUID = /^[0-]+$/;
/**
 * The `_rdt_uuid` cookie as the Reddit Pixel writes it (`<epoch ms>.<UUID>`, the form of
 * Reddit's own example), or a bare UUID. Reddit refuses a whole request for a `uuid` that is not
 * RFC 4122 ("UUID must be RFC-4122 compliant"), so anything else is left out.
 */
const RDT_UUID = /^(?:\d{10,16}\.)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reddit's email canonicalisation: lower-cased; the alias (from the first `+` to the end of the
 * username) removed; every non-alphanumeric character of the username removed. So
 * `Al.ice$+Apple@Example.Com` is `alice@example.com`, Reddit's own example. Not an address (no
 * single `@`, white space inside): undefined.
 */
function canonicalEmail(value: string): string | undefined {
  const match = /^([^\s@]+)@([^\s@]+)$/.exec(value.trim().normalize('NFC').toLowerCase());
  if (!match) return undefined;
  const username = match[1]!.split('+')[0]!.replace(/[^a-z0-9]/g, '');
  return username === '' ? undefined : `${username}@${match[2]!}`;
}

/** What each hashed field becomes before hashing (Reddit's rule in the comments), or undefined when nothing usable is left. */
const NORMALIZERS: Record<HashedField, (value: string, options: NormalizeOptions) => string | undefined> = {
  email: canonicalEmail,
  // "include country and area code, remove extensions and every non-numeric character, start
  // with +": E.164 with its +. A number written without + or 00 and no default country code is
  // unusable: its country is unknown.
  phone_number: (v, { defaultCountryCode }) => normalizePhoneNumber(v, { defaultCountryCode, withoutCountryCode: 'unusable' }),
  // The advertiser's own id: white space around it is not part of it; its case may be. A
  // placeholder an empty variable left (`undefined`, `null`, `0`) is shared by unrelated
  // visitors: sent, it would make them one person at Reddit.
  external_id: (v) => (v.trim() === '' || namesNoOne(v) ? undefined : v.trim()),
  // A public IP address as the visitor's browser had it (IPv6 in lower case). Anything else is
  // no address of the visitor's: a loopback, private or unspecified one is a proxy's or a
  // server's, shared by every visitor behind it.
  ip_address: (v) => (isIP(v.trim()) === 0 || isPrivateAddress(v.trim()) ? undefined : v.trim().toLowerCase()),
  // "IDFA in upper case, AAID in lower case, dashes kept."
  idfa: (v) => (UUID.test(v.trim()) && !ZERO_UUID.test(v.trim()) ? v.trim().toUpperCase() : undefined),
  aaid: (v) => (UUID.test(v.trim()) && !ZERO_UUID.test(v.trim()) ? v.trim().toLowerCase() : undefined),
};

const matchKeys = customerInfo<NormalizeOptions>({
  hashed: NORMALIZERS,
  // Reddit takes each match key as one string: the first usable value.
  shape: () => 'single',
  clear: {
    user_agent: (value) => (value.trim() === '' || namesNoOne(value) ? undefined : value.trim()),
    uuid: (value) => (RDT_UUID.test(value.trim()) ? value.trim() : undefined),
  },
});

/** The largest screen side sent: a number past it is no screen's, and would not fit Reddit's integer. */
const MAX_SCREEN_SIDE = 100_000;

/** A whole number from 1 to MAX_SCREEN_SIDE from a number or digits, else undefined. */
function screenSide(value: JsonValue | undefined): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 && number <= MAX_SCREEN_SIDE ? number : undefined;
}

/** `screen_dimensions` with a width and a height above 0, else undefined (Reddit matches on both). */
function screenDimensions(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const width = screenSide(raw.width);
  const height = screenSide(raw.height);
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** The processing modes Reddit documents: Limited Data Use only. Another would refuse the whole request. */
const PROCESSING_MODES: ReadonlySet<string> = new Set(['LDU']);

/**
 * `data_processing_options` as Reddit documents it (`{ modes: ["LDU"], country: "US", region:
 * "US-CA" }`): the mapped modes Reddit has (`LDU`, in any letter case), with `LDU` added when
 * `limitedDataUse`; `country` a two-letter code, `region` an ISO 3166-2 code (`CA` with
 * country `US` is written `US-CA`). Undefined when there is no mode.
 */
function dataProcessingOptions(raw: JsonValue | undefined, limitedDataUse: boolean): JsonObject | undefined {
  const input: JsonObject = isJsonObject(raw) ? raw : {};
  const listed = Array.isArray(input.modes) ? input.modes : input.modes === undefined ? [] : [input.modes];
  const mapped = listed.filter((m): m is string => typeof m === 'string').map((m) => m.trim().toUpperCase()).filter((m) => PROCESSING_MODES.has(m));
  const modes = [...new Set([...mapped, ...(limitedDataUse ? ['LDU'] : [])])];
  if (modes.length === 0) return undefined;
  const out: JsonObject = { modes };
  const country = typeof input.country === 'string' && /^[A-Za-z]{2}$/.test(input.country.trim()) ? input.country.trim().toUpperCase() : undefined;
  if (country !== undefined) out.country = country;
  const region = typeof input.region === 'string' ? input.region.trim().toUpperCase() : '';
  if (/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(region)) out.region = region;
  else if (country !== undefined && /^[A-Z0-9]{1,3}$/.test(region)) out.region = `${country}-${region}`;
  return out;
}

/**
 * One match key hashed as Reddit documents it, or undefined when it holds nothing Reddit could
 * match (an email without `@`, a phone number written without a country code when no default
 * is configured, an advertising id that is no UUID). A 64-hex value is taken as hashed already.
 *
 * @example
 * hashUserField('email', 'Al.ice$+Apple@Example.Com'); // sha256('alice@example.com')
 * hashUserField('phone_number', '+1 (555) 444-1234');   // sha256('+15554441234')
 * hashUserField('idfa', '8a2e4f6d-0852-4b2a-b9d5-79334de14b16'); // sha256('8A2E4F6D-0852-4B2A-B9D5-79334DE14B16')
 */
export function hashUserField(field: HashedField, value: JsonValue, options: NormalizeOptions = {}): string | undefined {
  return matchKeys.hashField(field, value, options);
}

/**
 * `user` as Reddit takes it: the match keys hashed or in clear, one string each;
 * `screen_dimensions` with both sides; `data_processing_options` with `LDU` when the visitor
 * opted out (`opt_out: true`, which Reddit's v3 replaced by LDU) or `limitedDataUse` is set.
 * `unusable` names the keys left out: a value nothing usable came of, or a key Reddit does not
 * take (it may hold contact data).
 *
 * @example
 * normalizeUser({ email: 'Jane@Example.com', user_agent: 'Mozilla/5.0', opt_out: true }, {}, false);
 * // { user: { email: sha256('jane@example.com'), user_agent: 'Mozilla/5.0', data_processing_options: { modes: ['LDU'] } }, unusable: [] }
 */
export function normalizeUser(raw: JsonValue | undefined, options: NormalizeOptions, limitedDataUse: boolean): { user: JsonObject; unusable: string[] } {
  const input: JsonObject = isJsonObject(raw) ? raw : {};
  const { screen_dimensions: screen, data_processing_options: processing, opt_out: optOut, ...keys } = input;
  const { fields, unusable } = matchKeys.normalize(keys, options);
  const user: JsonObject = { ...fields };
  const dimensions = screenDimensions(screen);
  if (dimensions !== undefined) user.screen_dimensions = dimensions;
  else if (screen !== undefined && screen !== null) unusable.push('screen_dimensions');
  const ldu = dataProcessingOptions(processing, limitedDataUse || optOut === true);
  if (ldu !== undefined) user.data_processing_options = ldu;
  return { user, unusable };
}
