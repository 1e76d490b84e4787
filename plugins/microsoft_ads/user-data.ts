// An event's `userData` as Microsoft's Conversions API takes it: the email and phone hashed as
// Microsoft's "Hashed identifiers" section describes, the advertiser's user id hashed too
// ("Never send real user IDs … applying a hash"), the other identifiers in clear. Done here,
// not left to the blueprint: whatever an edited blueprint maps into `userData`, no contact
// information leaves Signal in clear, and a key Microsoft does not take is not sent.
import { isIP } from 'node:net';
import { customerInfo, isJsonObject, isPrivateAddress, namesNoOne, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { msclkidOf } from './click-id.ts';

/** Identifiers Microsoft takes as the SHA-256 (lower-case hex) of their normalised value. */
export const HASHED_FIELDS = ['em', 'ph', 'externalId'] as const;
type HashedField = (typeof HASHED_FIELDS)[number];

/** Identifiers and request details sent in clear. */
export const CLEAR_FIELDS = ['anonymousId', 'msclkid', 'clientIpAddress', 'clientUserAgent', 'idfa', 'gaid'] as const;

/**
 * The identifiers of which every event needs one ("Include at least one supported identifier:
 * anonymousId, externalId, em, ph, msclkid, idfa, or gaid"); IP and user agent do not count.
 */
export const IDENTIFIERS = ['anonymousId', 'externalId', 'em', 'ph', 'msclkid', 'idfa', 'gaid'] as const;

/**
 * What an event whose visitor denied ad storage does not carry: contact data and advertising
 * ids. Microsoft uses such an event for no advertising purpose ("including conversion
 * attribution and retargeting"), so they would serve nothing; the visitor's first-party ids
 * stay, as the identifier every event needs.
 */
export const AD_STORAGE_FIELDS = ['em', 'ph', 'msclkid', 'idfa', 'gaid'] as const;

export interface UserDataOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/** The UET tag's visitor id cookie (a v1 UUID as 32 hex digits), read as `anonymousId` when the site runs the tag. */
export const UET_VISITOR_COOKIE = '_uetvid';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The UET tag's visitor id cookie (`_uetvid`): 32 hex digits, possibly followed by `|…` fields. */
const UET_VID = /^([0-9a-f]{32})(?:\|.*)?$/i;

/**
 * Microsoft's email normalisation, in its order: white space trimmed from both ends, every dot
 * of the user part removed, an alias (`+…`) removed from its end, the whole lower-cased. So
 * `John.Doe+ads@Contoso.com` is `johndoe@contoso.com`. Not an address (no single `@`, white
 * space inside, nothing before the alias): undefined.
 */
function normalizeEmail(value: string): string | undefined {
  const match = /^([^\s@]+)@([^\s@]+)$/.exec(value.trim().normalize('NFC'));
  if (!match) return undefined;
  const user = match[1]!.replace(/\./g, '').split('+')[0]!;
  return user === '' ? undefined : `${user}@${match[2]!}`.toLowerCase();
}

/** Text that names someone: trimmed, not blank, not a placeholder an empty variable left (`undefined`, `null`). */
function named(value: string): string | undefined {
  const text = value.trim();
  return text === '' || namesNoOne(text) ? undefined : text;
}

const NORMALIZERS: Record<HashedField, (value: string, options: UserDataOptions) => string | undefined> = {
  em: normalizeEmail,
  // "Normalize the phone number to E.164 format with country code (e.g., +14255551234)". A
  // number written without + or 00 and no default country code is unusable: its country is unknown.
  ph: (v, { defaultCountryCode }) => normalizePhoneNumber(v, { defaultCountryCode, withoutCountryCode: 'unusable' }),
  // The advertiser's user id: its case is part of it; a placeholder is shared by unrelated
  // visitors and would make them one person at Microsoft.
  externalId: named,
};

const userData = customerInfo<UserDataOptions>({
  hashed: NORMALIZERS,
  // Microsoft takes each identifier as one string: the first usable value.
  shape: () => 'single',
  clear: {
    // Signal's visitor id (the `_dfdid` cookie) or the UET tag's `_uetvid`, the vid the tag
    // syncs: random ids, sent as they are so they match the ID sync pixel's vid.
    anonymousId: (v) => UET_VID.exec(v.trim())?.[1]?.toLowerCase() ?? named(v),
    msclkid: (v) => msclkidOf(v),
    // A public address as the visitor's browser had it. A loopback, private or unspecified one
    // is a proxy's or the server's, shared by every visitor behind it.
    clientIpAddress: (v) => (isIP(v.trim()) === 0 || isPrivateAddress(v.trim()) ? undefined : v.trim().toLowerCase()),
    clientUserAgent: named,
    // Advertising ids as the device gives them (UUIDs); a zeroed one means the device limits ad tracking.
    idfa: (v) => (UUID.test(v.trim()) && !/^[0-]+$/.test(v.trim()) ? v.trim() : undefined),
    gaid: (v) => (UUID.test(v.trim()) && !/^[0-]+$/.test(v.trim()) ? v.trim() : undefined),
  },
});

/**
 * One identifier hashed as Microsoft documents it, or undefined when nothing usable is left. A
 * value of 64 hex characters is taken as hashed already (lower-cased, not hashed twice).
 *
 * @example
 * hashUserField('em', ' John.Doe+ads@Contoso.com '); // sha256('johndoe@contoso.com')
 * hashUserField('ph', '+1 (425) 555-1234');          // sha256('+14255551234')
 */
export function hashUserField(field: HashedField, value: JsonValue, options: UserDataOptions = {}): string | undefined {
  return userData.hashField(field, value, options);
}

/**
 * `userData` as Microsoft takes it, from what the blueprint mapped: `em`, `ph` and `externalId`
 * hashed, the others in clear and checked (`msclkid` as a hyphenated UUID, a public IP address,
 * advertising ids as UUIDs); with `adStorageDenied`, no contact data or advertising id (see
 * AD_STORAGE_FIELDS). `unusable` names the keys left out: a value nothing usable came of, or a
 * key Microsoft does not take.
 *
 * @example
 * normalizeUserData({ em: 'John@Contoso.com', anonymousId: 'df_abc', clientIpAddress: '10.0.0.1' }, {}, false);
 * // { userData: { em: sha256('john@contoso.com'), anonymousId: 'df_abc' }, unusable: ['clientIpAddress'] }
 */
export function normalizeUserData(raw: JsonValue | undefined, options: UserDataOptions, adStorageDenied: boolean): { userData: JsonObject; unusable: string[] } {
  const { fields, unusable } = userData.normalize(isJsonObject(raw) ? raw : undefined, options);
  if (adStorageDenied) for (const field of AD_STORAGE_FIELDS) delete fields[field];
  return { userData: fields, unusable };
}
