// The device ids an event names, as Adjust's S2S API takes them. Adjust records an S2S event
// against a device its SDK has seen, found by one of these ids: the advertising ids (idfa,
// gps_adid, fire_adid, oaid), Adjust's own device id (adid), or the backup ids (idfv,
// android_id). Read from, in order:
//
// 1. `integrations.Adjust.<param>` — what the app's Adjust SDK gave (adid, idfa, idfv,
//    gps_adid, fire_adid, oaid, android_id, web_uuid), as the blueprint maps it to `adjust`;
//    all-zero ids left out, and the advertising ids (idfa, gps_adid, fire_adid, oaid) too when
//    `context.device.adTrackingEnabled` is false;
// 2. `context.device.advertisingId` — an iOS device's IDFA (idfa), an Android device's Google
//    advertising id (gps_adid), an Amazon device's Fire advertising id (fire_adid); never when
//    `context.device.adTrackingEnabled` is false, nor the all-zero id iOS gives then;
// 3. `context.device.id` — on iOS the IDFV (Segment's iOS SDK sends identifierForVendor), on
//    Android the ANDROID_ID when it has that form (16 hexadecimal digits);
// 4. the anonymousId as adid, when config.anonymous_id_is_adid says the app sets it so and it
//    has the adid's form (32 hexadecimal digits).
import { trimmedText, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Adjust's device id params, in the order a request carries them. */
export const DEVICE_ID_PARAMS = ['adid', 'idfa', 'idfv', 'gps_adid', 'fire_adid', 'oaid', 'android_id', 'web_uuid'] as const;
export type DeviceIdParam = (typeof DEVICE_ID_PARAMS)[number];
/** The advertising ids: never sent when the device says ad tracking is off (adTrackingEnabled false). */
const ADVERTISING_PARAMS: ReadonlySet<DeviceIdParam> = new Set(['idfa', 'gps_adid', 'fire_adid', 'oaid']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_UUID = /^[0-]+$/;
/** Adjust's device id (adid): 32 hexadecimal digits, as Adjust writes it (`18546f6171f67e29d1cb983322ad1329`). */
export const ADID = /^[0-9a-f]{32}$/i;
const ANDROID_ID = /^[0-9a-f]{16}$/i;
/** Any id Adjust takes: letters, digits, hyphens (no spaces, no placeholders such as "null"). */
const ID_TEXT = /^[A-Za-z0-9-]{1,100}$/;
/** What iOS SDKs write for a nil id, beyond the core's placeholders (`usableId`). */
const ADJUST_PLACEHOLDERS: ReadonlySet<string> = new Set(['(null)']);

export type Platform = 'ios' | 'android' | 'amazon' | 'other';

/**
 * The device's platform: from `device.type` (ios, android), else the OS name (iOS, iPadOS,
 * Android); an Android device made by Amazon is a Fire device.
 *
 * @example
 * platformOf({ type: 'ios' }); // 'ios'
 * platformOf({ type: 'android', manufacturer: 'Amazon' }); // 'amazon'
 */
export function platformOf(device: JsonObject): Platform {
  const named = `${trimmedText(device.type) ?? ''} ${trimmedText(device.os) ?? ''}`.toLowerCase();
  if (/\b(ios|ipados|tvos|watchos|iphone|ipad)\b/.test(named)) return 'ios';
  if (/\b(android|fire ?os)\b/.test(named)) return trimmedText(device.manufacturer)?.toLowerCase() === 'amazon' || /fire ?os/.test(named) ? 'amazon' : 'android';
  return 'other';
}

/** An id as Adjust takes it, or undefined (blank, a placeholder, spaces or other characters). */
function usable(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'number' ? String(value) : trimmedText(value);
  if (id === undefined || !usableId(id, ADJUST_PLACEHOLDERS) || !ID_TEXT.test(id) || ZERO_UUID.test(id)) return undefined;
  return id;
}

/**
 * The device ids to send, by Adjust param, in `DEVICE_ID_PARAMS` order; empty when the event
 * names no device Adjust could know.
 *
 * @example
 * deviceIdsOf({ device: { type: 'ios', advertising_id: '6d92078a-8246-4ba4-ae5b-76104861e7dc', id: '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E' } }, false);
 * // [['idfa', '6D92078A-8246-4BA4-AE5B-76104861E7DC'], ['idfv', '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E']]
 */
export function deviceIdsOf(payload: JsonObject, anonymousIdIsAdid: boolean): Array<[DeviceIdParam, string]> {
  const found = new Map<DeviceIdParam, string>();
  const device = payload.device !== null && typeof payload.device === 'object' && !Array.isArray(payload.device) ? payload.device : {};
  const adTrackingOff = device.ad_tracking_enabled === false;
  const adjust = payload.adjust;
  if (adjust !== null && typeof adjust === 'object' && !Array.isArray(adjust)) {
    for (const param of DEVICE_ID_PARAMS) {
      if (adTrackingOff && ADVERTISING_PARAMS.has(param)) continue;
      const id = usable(adjust[param]);
      if (id !== undefined) found.set(param, id);
    }
  }
  const platform = platformOf(device);
  const advertising = trimmedText(device.advertising_id);
  if (advertising !== undefined && !adTrackingOff && UUID.test(advertising) && !ZERO_UUID.test(advertising)) {
    const param: DeviceIdParam | undefined = platform === 'ios' ? 'idfa' : platform === 'android' ? 'gps_adid' : platform === 'amazon' ? 'fire_adid' : undefined;
    // Apple's ids in upper case, Google's and Amazon's in lower case, as Adjust's examples write them.
    if (param !== undefined && !found.has(param)) found.set(param, param === 'idfa' ? advertising.toUpperCase() : advertising.toLowerCase());
  }
  const deviceId = trimmedText(device.id);
  if (deviceId !== undefined) {
    if (platform === 'ios' && UUID.test(deviceId) && !ZERO_UUID.test(deviceId) && !found.has('idfv')) found.set('idfv', deviceId.toUpperCase());
    if ((platform === 'android' || platform === 'amazon') && ANDROID_ID.test(deviceId) && !found.has('android_id')) found.set('android_id', deviceId.toLowerCase());
  }
  const anonymousId = trimmedText(payload.anonymous_id);
  if (anonymousIdIsAdid && anonymousId !== undefined && ADID.test(anonymousId) && !found.has('adid')) found.set('adid', anonymousId.toLowerCase());
  return DEVICE_ID_PARAMS.filter((param) => found.has(param)).map((param) => [param, found.get(param)!]);
}
