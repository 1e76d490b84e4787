// The `user_data` of a Branch event: who and on what device, as the Events API documents it.
// The blueprint maps the fields it can (the userId as developer_identity, the context's OS, app,
// device, screen, IP, user agent, page URLs and consent signals) and hands the device's ids in
// an intermediate `device` object, since which Branch field an advertising id goes to (idfa or
// aaid) depends on the OS, and the kept `_branch_match_id` as `branch_match_id`, since the
// landing URL's own comes before it. Branch requires at least one of: developer_identity,
// browser_fingerprint_id, or an iOS device's idfa / idfv, or an Android device's aaid /
// android_id; an event with none is not sent.
import {
  isContactInfo, isJsonObject, readText, readWholeNumber, usableId, type CanonicalEvent, type JsonObject,
} from '../../core/sdk/index.ts';
import { browserIdOf, landingBrowserId } from './browser-id.ts';

/** The user_data fields Branch's Events API documents, in the order its reference lists them. */
export const USER_DATA_FIELDS = [
  'os', 'os_version', 'environment', 'aaid', 'android_id', 'idfa', 'idfv', 'anon_id', 'advertising_ids', 'google_analytics_id', 'limit_ad_tracking',
  'user_agent', 'browser_fingerprint_id', 'http_origin', 'http_referrer', 'developer_identity', 'country', 'language', 'ip', 'local_ip', 'brand',
  'randomized_device_token', 'app_version', 'model', 'screen_dpi', 'screen_height', 'screen_width', 'dma_eea', 'dma_ad_personalization', 'dma_ad_user_data',
] as const;

const BOOLEAN_FIELDS: ReadonlySet<string> = new Set(['limit_ad_tracking', 'dma_eea', 'dma_ad_personalization', 'dma_ad_user_data']);
const INTEGER_FIELDS: ReadonlySet<string> = new Set(['screen_dpi', 'screen_height', 'screen_width']);
/** An advertising id reset or denied by the user: all zeros. */
const ZERO_ID = /^[0-]+$/;


/**
 * Branch's name of an operating system (its reference: "Android, iOS, MAC_OS, LINUX, WINDOWS
 * etc."): Segment's context.os.name read in any case; another OS as it came.
 *
 * @example
 * branchOs('iPadOS');   // 'iOS'
 * branchOs('Mac OS X'); // 'MAC_OS'
 * branchOs('tvOS');     // 'tvOS'
 */
export function branchOs(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower === 'ios' || lower === 'ipados' || lower === 'iphone os') return 'iOS';
  if (lower === 'android') return 'Android';
  if (lower.startsWith('mac') || lower === 'os x') return 'MAC_OS';
  if (lower.startsWith('windows')) return 'WINDOWS';
  if (lower.startsWith('linux') || lower === 'ubuntu') return 'LINUX';
  return name.trim();
}

/**
 * The language and country of a locale (`en-US`, `en_US`, `de`): ISO 639 language in lower
 * case, ISO 3166 country in upper case, each when there.
 *
 * @example
 * localeParts('en-US'); // { language: 'en', country: 'US' }
 * localeParts('fr');    // { language: 'fr' }
 */
export function localeParts(locale: string): { language?: string; country?: string } {
  const match = /^([A-Za-z]{2,3})(?:[-_](?:[A-Za-z]{4}[-_])?([A-Za-z]{2}|\d{3}))?(?:[-_].*)?$/.exec(locale.trim());
  if (!match) return {};
  return { language: match[1]!.toLowerCase(), ...(match[2] && /^[A-Za-z]{2}$/.test(match[2]) ? { country: match[2].toUpperCase() } : {}) };
}

/** The device ids the blueprint handed over, sorted into Branch's fields by the OS. */
function deviceIds(user: JsonObject, device: JsonObject, warn: (message: string) => void): void {
  const adTracking = device.ad_tracking_enabled;
  if (typeof adTracking === 'boolean' && typeof user.limit_ad_tracking !== 'boolean') user.limit_ad_tracking = !adTracking;
  const adId = readText(device.advertising_id);
  const vendorId = readText(device.vendor_id);
  const os = typeof user.os === 'string' ? user.os : undefined;
  if (adId !== undefined && !ZERO_ID.test(adId) && adTracking !== false) {
    if (os === 'iOS') user.idfa ??= adId;
    else if (os === 'Android') user.aaid ??= adId;
    else warn(`the advertising id left out: context.os.name says no iOS or Android (${os === undefined ? 'none' : JSON.stringify(os)}), so it is neither Branch's idfa nor its aaid`);
  }
  if (vendorId !== undefined && os === 'iOS') user.idfv ??= vendorId;
}

/** The DMA consent signals: when dma_eea is true Branch requires both, read from Google's Consent Mode, else from context.consent.advertising. */
function dmaSignals(user: JsonObject, event: CanonicalEvent, warn: (message: string) => void): void {
  if (user.dma_eea !== true) return;
  const advertising = event.context?.consent?.advertising;
  for (const field of ['dma_ad_personalization', 'dma_ad_user_data'] as const) {
    if (typeof user[field] === 'boolean') continue;
    if (typeof advertising === 'boolean') user[field] = advertising;
    else warn(`${field} not sent: dma_eea is true and neither context.consent.google nor context.consent.advertising says whether the visitor consented (Branch requires it for EEA users)`);
  }
}

/**
 * The event's `user_data` as Branch documents it, from what the blueprint mapped: the
 * documented fields only (others left out, warned), booleans and whole numbers where Branch
 * takes them, the OS in Branch's words, the advertising id as idfa (iOS) or aaid (Android)
 * unless ad tracking is limited (then `limit_ad_tracking: true`), the IDFV on iOS, language and
 * country from the locale, the browser_fingerprint_id the site passed (the one Branch's Web SDK
 * holds), else the landing URL's `_branch_match_id` (the newest Branch link click), else the one
 * Signal kept (`branch_match_id`), the userId as developer_identity unless it is contact
 * information (an email, a phone number), and the DMA signals Branch requires in the EEA.
 *
 * @example
 * branchUserData({ user_data: { developer_identity: 'u-1', os: 'iOS', ip: '203.0.113.7' }, device: { advertising_id: '6D92078A-…', vendor_id: '8E0E…' } }, event, warn);
 * // { os: 'iOS', idfa: '6D92078A-…', idfv: '8E0E…', developer_identity: 'u-1', ip: '203.0.113.7' }
 */
export function branchUserData(payload: JsonObject, event: CanonicalEvent, warn: (message: string) => void): JsonObject {
  const mapped = isJsonObject(payload.user_data) ? payload.user_data : {};
  const user: JsonObject = {};
  for (const [key, value] of Object.entries(mapped)) {
    if (value === null || value === undefined) continue;
    if (!(USER_DATA_FIELDS as readonly string[]).includes(key)) {
      warn(`user_data.${key} left out: not a user_data field of Branch's Events API`);
      continue;
    }
    if (BOOLEAN_FIELDS.has(key)) {
      if (typeof value === 'boolean') user[key] = value;
      else warn(`user_data.${key} left out: Branch takes it as true or false, the blueprint mapped ${JSON.stringify(value)}`);
    } else if (INTEGER_FIELDS.has(key)) {
      const number = readWholeNumber(value, { min: 1 });
      if (number !== undefined) user[key] = number;
    } else if (key === 'advertising_ids') {
      if (isJsonObject(value)) user[key] = value;
    } else {
      const text = readText(value);
      if (text !== undefined) user[key] = text;
    }
  }
  if (typeof user.os === 'string') user.os = branchOs(user.os);
  deviceIds(user, isJsonObject(payload.device) ? payload.device : {}, warn);
  const locale = readText(payload.locale);
  if (locale !== undefined) {
    const { language, country } = localeParts(locale);
    if (language !== undefined) user.language ??= language;
    if (country !== undefined) user.country ??= country;
  }

  const identity = user.developer_identity;
  if (identity !== undefined && !usableId(identity)) delete user.developer_identity;
  else if (typeof identity === 'string' && isContactInfo('developer_identity', identity)) {
    delete user.developer_identity;
    warn('developer_identity left out: the userId is contact information (an email or a phone number), which Signal does not send Branch; use an opaque user id');
  }
  const sitesId = user.browser_fingerprint_id;
  if (sitesId !== undefined && browserIdOf(sitesId) === undefined) warn(`browser_fingerprint_id ${JSON.stringify(sitesId)} left out: Branch's browser fingerprint ids are digits`);
  const browserId = browserIdOf(sitesId) ?? landingBrowserId(event) ?? browserIdOf(payload.branch_match_id);
  if (browserId !== undefined) user.browser_fingerprint_id = browserId;
  else delete user.browser_fingerprint_id;
  dmaSignals(user, event, warn);

  const ordered: JsonObject = {};
  for (const field of USER_DATA_FIELDS) if (user[field] !== undefined) ordered[field] = user[field]!;
  return ordered;
}

/**
 * Whether user_data names someone Branch can attribute the event to, as its Events API
 * requires: developer_identity, or browser_fingerprint_id, or os iOS with idfa or idfv, or os
 * Android with aaid or android_id.
 *
 * @example
 * hasBranchIdentifier({ os: 'iOS', idfv: '8E0E…' }); // true
 * hasBranchIdentifier({ os: 'Android', idfv: '8E0E…' }); // false
 */
export function hasBranchIdentifier(user: JsonObject): boolean {
  if (user.developer_identity !== undefined || user.browser_fingerprint_id !== undefined) return true;
  if (user.os === 'iOS') return user.idfa !== undefined || user.idfv !== undefined;
  if (user.os === 'Android') return user.aaid !== undefined || user.android_id !== undefined;
  return false;
}
