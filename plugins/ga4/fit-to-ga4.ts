// The Measurement Protocol's rules, applied to what the blueprint mapped: names GA4 accepts,
// at most 25 params of at most 100 characters, items within their limits, no contact data
// (Google's policy forbids sending it), a client_id GA4 can join to the site's own tag.
// Production GA4 answers 2xx whatever it ignores, so what it would drop is fitted here, and
// what it would refuse outright (a reserved event name) is dead-lettered with the reason.
import { createHash } from 'node:crypto';
import { PermanentError, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export const MAX_EVENTS_PER_REQUEST = 25;
export const MAX_PARAMS = 25;
export const MAX_NAME_LENGTH = 40;
export const MAX_VALUE_LENGTH = 100;
const MAX_ITEMS = 200;
const MAX_ITEM_CUSTOM_PARAMS = 10;
const MAX_USER_PROPERTIES = 25;
const MAX_USER_PROPERTY_NAME = 24;
const MAX_USER_PROPERTY_VALUE = 36;
/** Longer values GA4 takes for its own page parameters. */
const LONGER_VALUES: Readonly<Record<string, number>> = { page_location: 1000, page_referrer: 420, page_title: 300 };

/** Event names GA4 keeps for itself (web and app). */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_activeview', 'ad_click', 'ad_exposure', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_clear_data', 'app_exception',
  'app_install', 'app_remove', 'app_store_refund', 'app_update', 'app_upgrade', 'dynamic_link_app_open', 'dynamic_link_app_update',
  'dynamic_link_first_open', 'error', 'firebase_campaign', 'firebase_in_app_message_action', 'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression', 'first_open', 'first_visit', 'notification_dismiss', 'notification_foreground',
  'notification_open', 'notification_receive', 'notification_send', 'os_update', 'session_start', 'user_engagement',
]);
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const RESERVED_USER_PROPERTIES = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);
/** The item fields GA4 defines; others count as the item's custom parameters. */
const ITEM_FIELDS = new Set([
  'item_id', 'item_name', 'affiliation', 'coupon', 'discount', 'index', 'item_brand', 'item_category', 'item_category2', 'item_category3',
  'item_category4', 'item_category5', 'item_list_id', 'item_list_name', 'item_variant', 'location_id', 'price', 'quantity', 'currency',
]);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A name GA4 accepts: letters, digits and underscores, starting with a letter, at most 40
 * characters. `Order Completed` → `Order_Completed`; `404 page` → `e_404_page`.
 *
 * @example
 * ga4Name('Video Played (HD)'); // 'Video_Played_HD'
 */
export function ga4Name(name: string, max = MAX_NAME_LENGTH): string {
  let cleaned = name.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (cleaned === '') cleaned = 'event';
  if (!/^[A-Za-z]/.test(cleaned)) cleaned = `e_${cleaned}`;
  return cleaned.slice(0, max).replace(/_+$/, '');
}

function reservedPrefix(name: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => name.toLowerCase().startsWith(prefix));
}

/** A scalar GA4 takes (text at most `max` characters, a finite number), or undefined. Contact data never. */
function paramValue(value: JsonValue | undefined, max: number): string | number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string' || value === '') return undefined;
  if (EMAIL.test(value.trim())) return undefined;
  return [...value].slice(0, max).join('');
}

/** One item within GA4's limits; undefined without an item_id or item_name. */
function fitItem(item: JsonValue): JsonObject | undefined {
  if (!isObject(item)) return undefined;
  const out: JsonObject = {};
  let custom = 0;
  for (const [rawName, rawValue] of Object.entries(item)) {
    const known = ITEM_FIELDS.has(rawName);
    const name = known ? rawName : ga4Name(rawName);
    if (!known && (reservedPrefix(rawName) || custom >= MAX_ITEM_CUSTOM_PARAMS)) continue;
    const value = paramValue(rawValue, MAX_VALUE_LENGTH);
    if (value === undefined || Object.hasOwn(out, name)) continue;
    out[name] = value;
    if (!known) custom++;
  }
  return out.item_id !== undefined || out.item_name !== undefined ? out : undefined;
}

/**
 * An event's params within GA4's limits: names fitted, reserved ones and non-scalar values
 * left out (except `items`), text cut to 100 characters (page parameters to theirs), email
 * addresses removed, at most 25 in the order the blueprint wrote them.
 *
 * @example
 * fitParams({ 'Plan Name': 'Pro', email: 'a@b.co', ga_x: 1 }); // { Plan_Name: 'Pro' }
 */
export function fitParams(params: JsonObject): JsonObject {
  const out: JsonObject = {};
  let count = 0;
  for (const [rawName, rawValue] of Object.entries(params)) {
    if (count >= MAX_PARAMS) break;
    if (reservedPrefix(rawName) || rawName === 'firebase_conversion') continue;
    const name = ga4Name(rawName);
    if (Object.hasOwn(out, name)) continue;
    if (name === 'items') {
      if (!Array.isArray(rawValue)) continue;
      const items = rawValue.map(fitItem).filter((item): item is JsonObject => item !== undefined).slice(0, MAX_ITEMS);
      if (items.length === 0) continue;
      out.items = items;
    } else {
      const value = paramValue(rawValue, LONGER_VALUES[name] ?? MAX_VALUE_LENGTH);
      if (value === undefined) continue;
      out[name] = value;
    }
    count++;
  }
  return out;
}

/**
 * User properties from the visitor's traits, by the names the config lists: `{ name: { value } }`
 * within GA4's limits (24-character names, 36-character values, 25 at most), never contact data.
 *
 * @example
 * userProperties({ plan: 'pro', email: 'a@b.co' }, ['plan', 'email']); // { plan: { value: 'pro' } }
 */
export function userProperties(traits: JsonObject, names: string[]): JsonObject {
  const out: JsonObject = {};
  for (const trait of names) {
    if (Object.keys(out).length >= MAX_USER_PROPERTIES) break;
    const name = ga4Name(trait, MAX_USER_PROPERTY_NAME);
    if (reservedPrefix(trait) || RESERVED_USER_PROPERTIES.has(name) || Object.hasOwn(out, name)) continue;
    const value = paramValue(traits[trait], MAX_USER_PROPERTY_VALUE);
    if (value !== undefined) out[name] = { value };
  }
  return out;
}

/**
 * The client id of the site's own GA tag, from its `_ga` cookie (`GA1.1.1234567890.1711296000`
 * → `1234567890.1711296000`), so server events join the visitor's browser sessions; undefined
 * when there is no readable cookie.
 *
 * @example
 * clientIdFromCookie('GA1.1.1234567890.1711296000'); // '1234567890.1711296000'
 */
export function clientIdFromCookie(cookie: JsonValue | undefined): string | undefined {
  if (typeof cookie !== 'string') return undefined;
  const match = /^GA\d+\.\d+\.(\d+\.\d+)$/.exec(cookie.trim());
  return match ? match[1] : undefined;
}

/**
 * A web client id (two numbers joined by a period, as GA4 expects) derived from another id
 * the same way every time: the visitor's events keep one client id without a `_ga` cookie.
 *
 * @example
 * clientIdFromId('df_abc123def456'); // e.g. '2174923451.1039457122'
 */
export function clientIdFromId(id: string): string {
  const digest = createHash('sha256').update(id).digest();
  return `${digest.readUInt32BE(0)}.${digest.readUInt32BE(4)}`;
}

/** `granted`/`denied` in any case → GA4's `GRANTED`/`DENIED`; anything else left out. */
function consentValue(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return upper === 'GRANTED' || upper === 'DENIED' ? upper : undefined;
}

/**
 * The plugin's `map` hook: the blueprint's flat event (`name`, `params`, `item`, visitor
 * fields) fitted to the Measurement Protocol. A single product mapped under `item` becomes
 * `params.items`; `timestamp_micros` goes from milliseconds to microseconds; a reserved event
 * name is refused (PermanentError: the event is dead-lettered saying so).
 *
 * @example
 * fitEvent({ name: 'Order Completed', client_id: 'df_1', params: { total: 9 } }, []);
 * // { name: 'Order_Completed', client_id: '…', params: { total: 9 } }
 */
export function fitEvent(payload: JsonObject, userPropertyNames: string[], traits: JsonObject): JsonObject {
  const rawName = typeof payload.name === 'string' ? payload.name : '';
  const name = ga4Name(rawName);
  if (RESERVED_EVENT_NAMES.has(name)) {
    throw new PermanentError(`GA4 reserves the event name "${name}" for its own events and refuses it: rename the event (in this integration's blueprint, or with a pipeline transformation) and replay it`);
  }
  const out: JsonObject = { name };
  const client = clientIdFromCookie(payload.ga_cookie) ?? (typeof payload.client_id === 'string' && payload.client_id !== '' ? (/^\d+\.\d+$/.test(payload.client_id) ? payload.client_id : clientIdFromId(payload.client_id)) : undefined);
  if (client === undefined) throw new PermanentError('GA4 needs a client_id and this event has none: send an anonymousId (the visitor cookie) or a userId, or let the page\'s GA tag set its _ga cookie');
  out.client_id = client;
  // GA4's policy forbids contact data: an email as user id is not sent.
  if (typeof payload.user_id === 'string' && payload.user_id !== '' && !EMAIL.test(payload.user_id.trim())) out.user_id = [...payload.user_id].slice(0, 256).join('');
  if (typeof payload.timestamp_micros === 'number' && Number.isFinite(payload.timestamp_micros)) out.timestamp_micros = Math.round(payload.timestamp_micros) * 1000;
  if (isObject(payload.consent)) {
    const consent: JsonObject = {};
    for (const key of ['ad_user_data', 'ad_personalization']) {
      const value = consentValue(payload.consent[key]);
      if (value !== undefined) consent[key] = value;
    }
    if (Object.keys(consent).length > 0) out.consent = consent;
  }
  if (typeof payload.ip_override === 'string' && payload.ip_override !== '') out.ip_override = payload.ip_override;
  if (typeof payload.user_agent === 'string' && payload.user_agent !== '') out.user_agent = payload.user_agent;
  const properties = userProperties(traits, userPropertyNames);
  if (Object.keys(properties).length > 0) out.user_properties = properties;
  const params: JsonObject = { ...(isObject(payload.params) ? payload.params : {}) };
  if (isObject(payload.item) && params.items === undefined) params.items = [payload.item];
  out.params = fitParams(params);
  return out;
}
