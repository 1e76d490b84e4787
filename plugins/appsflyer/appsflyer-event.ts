// One event as AppsFlyer's S2S events API takes it: the request body itself, fitted from what
// the blueprint mapped — only the fields AppsFlyer documents, each in the form it takes, the
// device ids of the configured platform only, `eventValue` as the stringified JSON object the
// API reads, `eventTime` as "yyyy-MM-dd HH:mm:ss.SSS" in UTC — within AppsFlyer's 1 KB.
//
// AppsFlyer attributes an S2S event through the device's AppsFlyer id (`appsflyer_id`,
// mandatory): an event without one (a web visitor's, a server call that does not carry the id
// the app's AppsFlyer SDK gave the device) cannot be attributed to any install, so it is not
// sent — skipped, saying why with ctx.warn — rather than dead-lettered one by one.
import { isIP } from 'node:net';
import {
  isJsonObject, PermanentError, readDecimal, readInstantMs, readText, removeContactInfo, usableId,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { platformOf } from './config.ts';

/** AppsFlyer's limit on a request's JSON payload: 1 KB. */
export const MAX_BODY_BYTES = 1024;
/** The AppsFlyer id's form: 13 digits (the install's epoch ms), a dash, digits (documented as 7 on iOS, up to 19 on Android). */
const APPSFLYER_ID = /^[0-9]{13}-[0-9]{1,19}$/;
/** Apple's IDFA / IDFV: an upper-case UUID (read case-insensitively, sent in upper case as documented). */
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;
/** The all-zero advertising id a device reports when ad tracking is limited: no one's. */
const ZERO_UUID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** The longest event name sent (AppsFlyer's own are under 30 characters; a longer one is a mapping mistake). */
const MAX_EVENT_NAME = 100;
/** The longest id sent as text (customer user id, device ids). */
const MAX_ID_LENGTH = 256;

function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** An id as text: no placeholder ("null", "undefined", …), no white space, not too long. */
function idText(value: JsonValue | undefined): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : readText(value);
  return text !== undefined && usableId(text) && !/\s/.test(text) && text.length <= MAX_ID_LENGTH ? text : undefined;
}

/** A device's advertising id or IDFV: a UUID that is not all zeros. */
function deviceUuid(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && UUID.test(text) && !ZERO_UUID.test(text) ? text : undefined;
}

/** Whether ad tracking is on: `false` only when said so (true, "true" or absent are not a refusal). */
function trackingLimited(value: JsonValue | undefined): boolean {
  return value === false || readText(value)?.toLowerCase() === 'false';
}

/**
 * The event's time as AppsFlyer's eventTime takes it: "yyyy-MM-dd HH:mm:ss.SSS" in UTC.
 *
 * @example
 * eventTimeText('2024-05-02T13:15:00.250+02:00'); // '2024-05-02 11:15:00.250'
 */
export function eventTimeText(value: JsonValue | undefined): string | undefined {
  const ms = readInstantMs(value);
  if (ms === undefined) return undefined;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/**
 * The event's parameters (`eventValue`) as AppsFlyer takes them: its own `af_` parameters and
 * any others, values that are text, numbers, booleans or lists of those (a list of product ids
 * for af_content_id); nested objects, nulls and contact information are left out. `af_revenue`
 * and the other money values must be numbers: a text that is no number is a PermanentError.
 *
 * @example
 * eventValueOf({ af_revenue: '19.99', af_content_id: ['P-9'], email: 'a@b.c', nested: { x: 1 } }, ctx);
 * // { af_revenue: 19.99, af_content_id: ['P-9'] }
 */
export function eventValueOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject {
  if (!isJsonObject(value)) return {};
  const clean = removeContactInfo(value);
  const out: JsonObject = {};
  const left: string[] = [];
  for (const [key, raw] of Object.entries(isJsonObject(clean) ? clean : {})) {
    if (raw === null || raw === undefined || raw === '') continue;
    if (key === 'af_revenue' || key === 'af_price') {
      const list = Array.isArray(raw) ? raw : [raw];
      const numbers = list.map((entry, index) => readDecimal(entry, { vendor: 'AppsFlyer', field: `eventValue.${key}${Array.isArray(raw) ? `[${index}]` : ''}` }));
      const kept = numbers.filter((n): n is number => n !== undefined);
      if (kept.length === 0) continue;
      out[key] = Array.isArray(raw) ? kept : kept[0]!;
      continue;
    }
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') out[key] = raw;
    else if (Array.isArray(raw)) {
      const scalars = raw.filter((entry): entry is string | number | boolean => typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean');
      if (scalars.length > 0) out[key] = scalars;
    } else left.push(key);
  }
  if (left.length > 0) ctx.warn?.(`eventValue: ${left.join(', ')} left out: AppsFlyer's event parameters are text, numbers, booleans or lists of them`);
  return out;
}

/** Whether an iOS version (the os field) is before iOS 14, when `aie` (not `att`) says whether ad tracking is limited. */
function beforeIos14(os: JsonValue | undefined): boolean {
  const major = /^\s*(\d+)(?:[._]|\s*$)/.exec(readText(os) ?? '')?.[1];
  return major !== undefined && Number(major) < 14;
}

/** The device ids of the configured platform, as AppsFlyer names them. */
function deviceIds(ids: JsonObject, os: JsonValue | undefined, ctx: PluginContext): JsonObject {
  const out: JsonObject = {};
  const limited = trackingLimited(ids.ad_tracking);
  const trackingKnown = ids.ad_tracking !== undefined && ids.ad_tracking !== null;
  if (platformOf(ctx.config) === 'ios') {
    const idfa = deviceUuid(ids.advertising_id);
    if (idfa !== undefined && !limited) out.idfa = idfa.toUpperCase();
    const idfv = deviceUuid(ids.idfv ?? ids.device_id);
    if (idfv !== undefined) out.idfv = idfv.toUpperCase();
    const att = ids.att;
    if (typeof att === 'number' && [0, 1, 2, 3].includes(att)) out.att = att;
    // AppsFlyer's aie is for Android and "iOS versions before 14" (att from iOS 14.5 on).
    if (trackingKnown && beforeIos14(os)) out.aie = !limited;
    return out;
  }
  const gaid = deviceUuid(ids.advertising_id);
  if (gaid !== undefined && !limited) out.advertising_id = gaid.toLowerCase();
  const oaid = idText(ids.oaid);
  if (oaid !== undefined) out.oaid = oaid;
  const amazon = idText(ids.amazon_aid);
  if (amazon !== undefined) out.amazon_aid = amazon;
  if (trackingKnown) out.aie = !limited;
  return out;
}

/** The sharing filter: "all" (no partner gets the event) or a list of partner ids. */
function sharingFilter(value: JsonValue | undefined): JsonValue | undefined {
  if (value === 'all') return 'all';
  if (Array.isArray(value)) {
    const partners = value.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '');
    return partners.length > 0 ? partners : undefined;
  }
  return undefined;
}

/** The body's size as sent, in bytes. */
function bytesOf(body: JsonObject): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/**
 * The map hook: the blueprint's payload as AppsFlyer's request body, or null — not sent, said
 * with ctx.warn — for an event without the device's AppsFlyer id. Throws a PermanentError (the
 * event dead-lettered, saying why) for an event name that is missing, an AppsFlyer id or a
 * currency that is malformed, or a body over AppsFlyer's 1 KB even without the user agent.
 *
 * @example
 * toAppsFlyerBody({ eventName: 'af_purchase', appsflyer_id: '1715160000000-1234567', eventValue: { af_revenue: 19.99 } }, event, ctx);
 * // { appsflyer_id: '1715160000000-1234567', eventName: 'af_purchase', eventValue: '{"af_revenue":19.99}', af_events_api: 'true' }
 */
export function toAppsFlyerBody(payload: JsonObject, _event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const rawId = payload.appsflyer_id;
  if (rawId === undefined || rawId === null || (typeof rawId === 'string' && (rawId.trim() === '' || !usableId(rawId.trim())))) {
    ctx.warn?.('not sent: no AppsFlyer id (integrations.AppsFlyer.appsFlyerId, which the app\'s AppsFlyer SDK gives the device): AppsFlyer\'s S2S events API attributes an event to an app install by it alone');
    return null;
  }
  const appsflyerId = readText(rawId);
  if (appsflyerId === undefined || !APPSFLYER_ID.test(appsflyerId)) {
    throw new PermanentError(`AppsFlyer ids are 13 digits, a dash and digits (1715160000000-1234567), as the AppsFlyer SDK's getAppsFlyerUID() gives them: the blueprint mapped appsflyer_id ${shown(rawId)}`);
  }
  const eventName = readText(payload.eventName);
  if (eventName === undefined || eventName.length > MAX_EVENT_NAME) {
    throw new PermanentError(`AppsFlyer needs an event name (eventName, at most ${MAX_EVENT_NAME} characters): the blueprint mapped ${shown(payload.eventName)}`);
  }
  const body: JsonObject = { appsflyer_id: appsflyerId };
  const customerUserId = idText(payload.customer_user_id);
  if (customerUserId !== undefined) body.customer_user_id = customerUserId;
  else if (readText(payload.customer_user_id) !== undefined && usableId(readText(payload.customer_user_id)!)) {
    ctx.warn?.(`customer_user_id left out: ${shown(payload.customer_user_id)} has white space or is over ${MAX_ID_LENGTH} characters (AppsFlyer matches it to the app SDK's CUID as written)`);
  }
  Object.assign(body, deviceIds(isJsonObject(payload.ids) ? payload.ids : {}, payload.os, ctx));
  // An IPv4 address written as IPv6 (::ffff:203.0.113.7, as dual-stack servers report it) is that IPv4 address.
  const ip = readText(payload.ip)?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (ip !== undefined) {
    if (isIP(ip) === 4) body.ip = ip;
    else ctx.warn?.('ip left out: AppsFlyer takes an IPv4 address (AppsFlyer fills the event\'s geo fields from the install instead)');
  }
  body.eventName = eventName;
  const eventValue = eventValueOf(payload.eventValue, ctx);
  const currencyRaw = payload.eventCurrency ?? eventValue.af_currency;
  if (currencyRaw !== undefined && currencyRaw !== null && currencyRaw !== '') {
    const currency = readText(currencyRaw)?.toUpperCase();
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`AppsFlyer takes an ISO 4217 currency code (USD): the blueprint mapped eventCurrency ${shown(currencyRaw)}`);
    body.eventCurrency = currency;
    if (eventValue.af_currency !== undefined) eventValue.af_currency = currency;
  }
  // AppsFlyer reads eventValue as a stringified JSON object; an event without parameters sends "".
  body.eventValue = Object.keys(eventValue).length > 0 ? JSON.stringify(eventValue) : '';
  const eventTime = eventTimeText(payload.eventTime);
  if (eventTime !== undefined) body.eventTime = eventTime;
  for (const field of ['bundleIdentifier', 'app_version_name', 'os', 'app_store'] as const) {
    const text = readText(payload[field]);
    if (text !== undefined && text.length <= MAX_ID_LENGTH) body[field] = text;
  }
  const filter = sharingFilter(payload.sharing_filter);
  if (filter !== undefined) body.sharing_filter = filter;
  body.af_events_api = 'true';
  const ua = readText(payload.ua);
  if (ua !== undefined) body.ua = ua;
  if (bytesOf(body) > MAX_BODY_BYTES && body.ua !== undefined) {
    delete body.ua;
    ctx.warn?.('ua left out: the event would pass AppsFlyer\'s 1 KB payload limit with the user agent');
  }
  const size = bytesOf(body);
  if (size > MAX_BODY_BYTES) {
    throw new PermanentError(`the event is ${size} bytes as AppsFlyer's JSON, past its 1 KB payload limit: map fewer event parameters (eventValue holds ${Object.keys(eventValue).length})`);
  }
  return body;
}
