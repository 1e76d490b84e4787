// Who converted, as The Trade Desk can tell: one advertising identifier per event (`adid`, with
// its kind in `adid_type`: TDID, IDFA, AAID, NAID, DAID, UID2, EUID or IDL, the values The
// Trade Desk's own tag templates offer), and the impression a click-through came from (`imp`).
// The blueprint maps the candidates into `ids`; the plugin picks the one it sends, so no
// placeholder (`undefined`, a zeroed advertising id) is ever sent as someone.
import { isJsonObject, pageUrlParamOf, namesNoOne, readText, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The identifier kinds The Trade Desk takes in `adid_type`. */
export const ADID_TYPES = ['TDID', 'IDFA', 'AAID', 'NAID', 'DAID', 'UID2', 'EUID', 'IDL'] as const;
export type AdidType = (typeof ADID_TYPES)[number];

/** The first-party copy of The Trade Desk's TDID a site keeps (its Real-Time ID tag or a server-side cookie sync writes it). */
export const TDID_COOKIE = 'ttd_TDID';
/**
 * The landing page parameter Signal reads the impression id from: the site's creatives append
 * it to their click URL with The Trade Desk's macro, `?ttd_imp=%%TTD_IMPRESSIONID%%`.
 */
export const IMP_PARAM = 'ttd_imp';
/** Signal's own first-party cookie keeping the impression id of the latest ad click. */
export const IMP_COOKIE = '_dfttdimp';
/** How long Signal keeps it: 30 days, a usual click lookback window (The Trade Desk's is set per tracking tag). */
export const IMP_DAYS = 30;

/** A 36-character GUID with its dashes, the form of a TDID, an impression id and a device advertising id. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An identifier of zeros: a device that limits ad tracking, or a TDID never set. */
const ZEROS = /^[0-]+$/;
/** The longest other identifier sent (a UID2 is 44 characters, an IDL 49 or 70): more is no identifier. */
const MAX_ID_LENGTH = 512;

/**
 * A GUID as written (trimmed; its case kept: The Trade Desk documents no case rule, and an id
 * is best sent as its issuer wrote it), or undefined for anything else, zeros included.
 */
export function guidOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return GUID.test(trimmed) && !ZEROS.test(trimmed) ? trimmed : undefined;
}

/** Text that can name someone: not blank, no placeholder, no white space inside, not too long. */
function usableText(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && !namesNoOne(text) && !/\s/.test(text) && text.length <= MAX_ID_LENGTH ? text : undefined;
}

/** The kind of a device's advertising id by its operating system: IDFA on Apple's, AAID on Android, NAID on Windows, DAID otherwise. */
function deviceIdType(os: string | undefined): AdidType {
  const name = (os ?? '').toLowerCase();
  if (/ios|ipados|iphone|ipad|tvos|watchos|macos/.test(name)) return 'IDFA';
  if (/android/.test(name)) return 'AAID';
  if (/windows/.test(name)) return 'NAID';
  return 'DAID';
}

/**
 * The identifier sent, from what the blueprint mapped: `adid` with an `adid_type` The Trade Desk
 * takes, as mapped, first; else from `ids` the device's advertising id (`device_id`, its kind
 * from `os`; none when `ad_tracking` is false, the device's limit on ad tracking), then the TDID
 * (`tdid`, a GUID), then a UID2 (`uid2`), an EUID (`euid`) or a RampID (`idl`). Undefined when
 * none is usable. GUID kinds must be GUIDs (TDID, IDFA, AAID, NAID, DAID): anything else, and a
 * placeholder, is no one.
 *
 * @example
 * adidOf({ ids: { tdid: 'B8F7EB7D-B357-437B-8BD3-E1C8166C7132' } });
 * // { adid: 'B8F7EB7D-B357-437B-8BD3-E1C8166C7132', adid_type: 'TDID' }
 * adidOf({ ids: { device_id: '8a2e4f6d-0852-4b2a-b9d5-79334de14b16', os: 'iOS', tdid: 'undefined' } });
 * // { adid: '8a2e4f6d-0852-4b2a-b9d5-79334de14b16', adid_type: 'IDFA' }
 */
export function adidOf(payload: JsonObject): { adid: string; adid_type: AdidType } | undefined {
  const mappedType = readText(payload.adid_type)?.toUpperCase();
  if (mappedType !== undefined && (ADID_TYPES as readonly string[]).includes(mappedType)) {
    const type = mappedType as AdidType;
    const adid = ['UID2', 'EUID', 'IDL'].includes(type) ? usableText(payload.adid) : guidOf(payload.adid);
    if (adid !== undefined) return { adid, adid_type: type };
  }
  const ids = isJsonObject(payload.ids) ? payload.ids : {};
  const device = ids.ad_tracking === false ? undefined : guidOf(ids.device_id);
  if (device !== undefined) return { adid: device, adid_type: deviceIdType(readText(ids.os)) };
  const tdid = guidOf(ids.tdid);
  if (tdid !== undefined) return { adid: tdid, adid_type: 'TDID' };
  for (const [field, type] of [['uid2', 'UID2'], ['euid', 'EUID'], ['idl', 'IDL']] as const) {
    const value = usableText(ids[field]);
    if (value !== undefined) return { adid: value, adid_type: type };
  }
  return undefined;
}

/**
 * The impression id a click-through came from: the landing page URL's `ttd_imp` (the newest
 * click), else the mapped `imp` (the `_dfttdimp` cookie Signal keeps); a 36-character GUID, as
 * The Trade Desk documents it, or undefined (an unfilled macro such as `%%TTD_IMPRESSIONID%%`
 * is none).
 *
 * @example
 * impOf({ imp: 'older…' }, { context: { page: { url: 'https://shop.example/?ttd_imp=2b9c…' } } } as CanonicalEvent); // '2b9c…'
 */
export function impOf(payload: JsonObject, event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, IMP_PARAM, { accept: guidOf }) ?? guidOf(payload.imp);
}
