// The device an event names, as Singular's S2S EVENT endpoint takes it. Singular attributes an
// S2S event to the device its SDK (or the app's S2S sessions) reported, found by its ids:
//
// - the Singular Device ID (`sdid`), when the app's Singular SDK gave it
//   (`integrations.Singular.sdid` or `.singularDeviceId`): sent alone, to the EVENT endpoint's
//   version 2 (`/api/v2/evt`), which takes no other device id;
// - else the platform's ids, to version 1 (`/api/v1/evt`):
//   - iOS: `idfv` (Segment's iOS SDK sends identifierForVendor as `context.device.id`;
//     Singular requires it), `idfa` (`context.device.advertisingId`, never when
//     `adTrackingEnabled` is false nor the all-zero IDFA), and `att_authorization_status`;
//   - Android: `aifa` (the Google advertising id; `amid` on an Amazon device), `andi` (the
//     ANDROID_ID, 16 hexadecimal digits, in `context.device.id`), and `asid` / `oaid` when the
//     app passes them in `integrations.Singular` — at least one of them.
//
// `integrations.Singular.<param>` (idfa, idfv, aifa, asid, amid, oaid, andi) wins over what is
// read from `context.device`, as the app's Singular SDK gave it.
import { trimmedText, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export type Platform = 'iOS' | 'Android';
/** The platform ids of version 1, in the order a request carries them. */
export const V1_ID_PARAMS = ['idfa', 'idfv', 'aifa', 'asid', 'amid', 'oaid', 'andi'] as const;
export type V1IdParam = (typeof V1_ID_PARAMS)[number];
/** The advertising ids: never sent when the device says ad tracking is off. */
const ADVERTISING: ReadonlySet<V1IdParam> = new Set(['idfa', 'aifa', 'amid', 'oaid']);
const IOS_PARAMS: ReadonlySet<V1IdParam> = new Set(['idfa', 'idfv']);
const ANDROID_PARAMS: ReadonlySet<V1IdParam> = new Set(['aifa', 'asid', 'amid', 'oaid', 'andi']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_ID = /^[0-]+$/;
const ANDROID_ID = /^[0-9a-f]{16}$/i;
/** Any id Singular takes as given: letters, digits, hyphens, underscores (no spaces, no placeholders). */
const ID_TEXT = /^[A-Za-z0-9_-]{1,128}$/;

/** The device as Singular takes it: its platform, the endpoint version and the id params. */
export interface SingularDevice {
  platform: Platform;
  version: 'v1' | 'v2';
  ids: Array<[string, string]>;
}

/** Why an event names no device Singular can take, or the device. */
export type DeviceReading = SingularDevice | { notSent: string };

const objectOf = (value: JsonValue | undefined): JsonObject => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {});

/**
 * The device's platform as Singular names it (`p`): from `device.type` (ios, android), else the
 * OS name (iOS, iPadOS, Android); undefined for any other (a website's, a desktop's).
 *
 * @example
 * platformOf({ type: 'ios' }); // 'iOS'
 * platformOf({ os: 'Android' }); // 'Android'
 * platformOf({ os: 'Mac OS X' }); // undefined
 */
export function platformOf(device: JsonObject): Platform | undefined {
  const named = `${trimmedText(device.type) ?? ''} ${trimmedText(device.os) ?? ''}`.toLowerCase();
  if (/\b(ios|ipados|tvos|iphone|ipad)\b/.test(named)) return 'iOS';
  if (/\b(android|fire ?os)\b/.test(named)) return 'Android';
  return undefined;
}

/** An id as Singular takes it, or undefined (blank, a placeholder, all zeros, other characters). */
function usable(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'number' ? String(value) : trimmedText(value);
  if (id === undefined || !usableId(id, new Set(['(null)'])) || !ID_TEXT.test(id) || ZERO_ID.test(id)) return undefined;
  return id;
}

/** A UUID that is not all zeros (an IDFA, IDFV or advertising id), or undefined. */
function deviceUuid(value: JsonValue | undefined): string | undefined {
  const id = trimmedText(value);
  return id !== undefined && UUID.test(id) && !ZERO_ID.test(id) ? id : undefined;
}

/**
 * The ATT status Singular asks of every iOS event (`att_authorization_status`, 0 to 3): the one
 * the app gave; else 3 (authorized) when an IDFA is sent, as iOS gives it only then; else 0
 * (not determined), as Singular asks apps without ATT to send.
 *
 * @example
 * attStatusOf(2, true); // '2'
 * attStatusOf(undefined, true); // '3'
 * attStatusOf(undefined, false); // '0'
 */
export function attStatusOf(given: JsonValue | undefined, idfaSent: boolean): string {
  const status = typeof given === 'string' && /^[0-3]$/.test(given.trim()) ? Number(given.trim()) : given;
  if (typeof status === 'number' && [0, 1, 2, 3].includes(status)) return String(status);
  return idfaSent ? '3' : '0';
}

/**
 * The device an event names, or why it names none Singular could attribute the event to.
 *
 * @example
 * deviceOf({ device: { type: 'ios', advertising_id: '6d92078a-8246-4ba4-ae5b-76104861e7dc', id: '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E' } });
 * // { platform: 'iOS', version: 'v1', ids: [['idfa', '6D92078A-…'], ['idfv', '8E0E4C0A-…'], ['att_authorization_status', '3']] }
 */
export function deviceOf(payload: JsonObject): DeviceReading {
  const device = objectOf(payload.device);
  const singular = objectOf(payload.singular);
  const platform = platformOf(device);
  if (platform === undefined) {
    return { notSent: 'Singular\'s S2S events here are of iOS and Android apps, and this event names neither platform (context.device.type or context.os.name)' };
  }
  const sdid = usable(singular.sdid) ?? usable(singular.singularDeviceId);
  if (sdid !== undefined) {
    const ids: Array<[string, string]> = [['sdid', sdid]];
    if (platform === 'iOS') ids.push(['att_authorization_status', attStatusOf(singular.att_authorization_status ?? device.att_status, false)]);
    return { platform, version: 'v2', ids };
  }

  const adTrackingOff = device.ad_tracking_enabled === false || trimmedText(device.ad_tracking_enabled)?.toLowerCase() === 'false';
  const found = new Map<V1IdParam, string>();
  const ofPlatform = platform === 'iOS' ? IOS_PARAMS : ANDROID_PARAMS;
  for (const param of V1_ID_PARAMS) {
    if (!ofPlatform.has(param) || (adTrackingOff && ADVERTISING.has(param))) continue;
    const id = usable(singular[param]);
    if (id !== undefined) found.set(param, id);
  }
  const advertising = adTrackingOff ? undefined : deviceUuid(device.advertising_id);
  const deviceId = trimmedText(device.id);
  if (platform === 'iOS') {
    // Apple's ids in upper case, as Singular's examples write them.
    if (advertising !== undefined && !found.has('idfa')) found.set('idfa', advertising.toUpperCase());
    const idfv = deviceUuid(deviceId);
    if (idfv !== undefined && !found.has('idfv')) found.set('idfv', idfv.toUpperCase());
    if (!found.has('idfv')) {
      return { notSent: 'Singular requires the IDFV of an iOS device (idfv), and this event has none (no UUID in context.device.id nor integrations.Singular.idfv)' };
    }
  } else {
    const amazon = trimmedText(device.manufacturer)?.toLowerCase() === 'amazon' || /fire ?os/i.test(trimmedText(device.os) ?? '');
    const param: V1IdParam = amazon ? 'amid' : 'aifa';
    if (advertising !== undefined && !found.has(param)) found.set(param, advertising.toLowerCase());
    if (deviceId !== undefined && ANDROID_ID.test(deviceId) && !found.has('andi')) found.set('andi', deviceId.toLowerCase());
    if (found.size === 0) {
      return { notSent: 'Singular attributes an Android event by a device id (aifa, asid, amid, oaid or andi), and this event has none (no advertising id with ad tracking on, no ANDROID_ID in context.device.id, no integrations.Singular ids)' };
    }
  }
  const ids: Array<[string, string]> = V1_ID_PARAMS.filter((param) => found.has(param)).map((param) => [param, found.get(param)!]);
  if (platform === 'iOS') ids.push(['att_authorization_status', attStatusOf(singular.att_authorization_status ?? device.att_status, found.has('idfa'))]);
  return { platform, version: 'v1', ids };
}
