// The Measurement Protocol's rules, applied to what the blueprint mapped: names GA4 accepts,
// at most 25 params of at most 100 characters, items within their limits, no contact data
// (Google's policy forbids sending it), a client_id GA4 can join to the site's own tag.
// Production GA4 answers 2xx whatever it ignores, so what it would drop is fitted here, and
// what it would refuse outright (a reserved event name) is dead-lettered with the reason.
import { createHash } from 'node:crypto';
import { isEmailAddress, isJsonObject, PermanentError, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

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
/** Event names GA4 takes from app streams only: a web stream refuses them. */
const APP_ONLY_EVENT_NAMES: ReadonlySet<string> = new Set(['ad_impression', 'in_app_purchase', 'screen_view']);
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const RESERVED_USER_PROPERTIES = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);
/** The item fields GA4 defines; others count as the item's custom parameters. */
const ITEM_FIELDS = new Set([
  'item_id', 'item_name', 'affiliation', 'coupon', 'discount', 'index', 'item_brand', 'item_category', 'item_category2', 'item_category3',
  'item_category4', 'item_category5', 'item_list_id', 'item_list_name', 'item_variant', 'location_id', 'price', 'quantity', 'currency',
]);
/** An email address anywhere in a text, `@` also URL-encoded (`jane%40example.com` in a page URL). */
const EMAIL_INSIDE = /[^\s@/?&=:;,<>"']+(?:@|%40)[^\s@/?&=:;,<>"'%]+\.[A-Za-z]{2,}/i;
/** Trait names that are contact data, compared without case, `_` or `-`. */
const CONTACT_TRAITS = new Set(['email', 'mail', 'emailaddress', 'phone', 'phonenumber', 'mobile', 'name', 'firstname', 'lastname', 'fullname', 'address', 'street', 'postcode', 'postalcode', 'zip', 'zipcode', 'birthday', 'dateofbirth', 'dob']);
/** GA4 refuses a request of 130 kB or more: one event must leave room for the visitor's fields. */
const MAX_EVENT_BYTES = 120_000;

/** Events whose value is revenue: without a currency they are refused rather than sent uncounted. */
const REVENUE_EVENTS: ReadonlySet<string> = new Set(['purchase', 'refund']);

/** Whether a trait name is contact data, which GA4's policy forbids as a user property. */
export function isContactTrait(name: string): boolean {
  return CONTACT_TRAITS.has(name.toLowerCase().replace(/[_\-\s]/g, ''));
}

/**
 * A name GA4 accepts: letters, digits and underscores, starting with a letter, at most 40
 * characters. `Order Completed` → `Order_Completed`; `404 page` → `e_404_page`.
 *
 * @example
 * ga4Name('Video Played (HD)'); // 'Video_Played_HD'
 */
export function ga4Name(name: string, max = MAX_NAME_LENGTH): string {
  // Letters of any script count (`購入完了` stays itself): GA4's rule is letters, not ASCII.
  let cleaned = name.trim().replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (cleaned === '') cleaned = 'event';
  if (!/^\p{L}/u.test(cleaned)) cleaned = `e_${cleaned}`;
  return [...cleaned].slice(0, max).join('').replace(/_+$/, '');
}

/** A name GA4 keeps for itself, before or after fitting (`google ads` is `google_ads`). */
function reservedPrefix(name: string): boolean {
  const fitted = ga4Name(name).toLowerCase();
  return RESERVED_PREFIXES.some((prefix) => name.toLowerCase().startsWith(prefix) || fitted.startsWith(prefix));
}

/** A scalar GA4 takes (text at most `max` characters, a finite number), or undefined. Contact data never. */
function paramValue(value: JsonValue | undefined, max: number): string | number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string' || value === '') return undefined;
  if (EMAIL_INSIDE.test(value)) return undefined;
  return [...value].slice(0, max).join('');
}

/** One item within GA4's limits; undefined without an item_id or item_name. */
function fitItem(item: JsonValue): JsonObject | undefined {
  if (!isJsonObject(item)) return undefined;
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
    if (reservedPrefix(trait) || isContactTrait(trait) || RESERVED_USER_PROPERTIES.has(name) || Object.hasOwn(out, name)) continue;
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
  if (APP_ONLY_EVENT_NAMES.has(name)) {
    throw new PermanentError(`GA4 takes "${name}" from app streams only, and this integration sends to a web stream: rename the event (in this integration's blueprint, or with a pipeline transformation) and replay it`);
  }
  if (RESERVED_EVENT_NAMES.has(name) || reservedPrefix(name)) {
    throw new PermanentError(`GA4 reserves the event name "${name}" for its own events and refuses it: rename the event (in this integration's blueprint, or with a pipeline transformation) and replay it`);
  }
  const out: JsonObject = { name };
  const client = clientIdFromCookie(payload.ga_cookie) ?? (typeof payload.client_id === 'string' && payload.client_id !== '' ? (/^\d+\.\d+$/.test(payload.client_id) ? payload.client_id : clientIdFromId(payload.client_id)) : undefined);
  if (client === undefined) throw new PermanentError('GA4 needs a client_id and this event has none: send an anonymousId (the visitor cookie) or a userId, or let the page\'s GA tag set its _ga cookie');
  out.client_id = client;
  // GA4's policy forbids contact data: an email as user id is not sent.
  if (typeof payload.user_id === 'string' && payload.user_id !== '' && !isEmailAddress(payload.user_id.trim())) out.user_id = [...payload.user_id].slice(0, 256).join('');
  if (typeof payload.timestamp_micros === 'number' && Number.isFinite(payload.timestamp_micros)) out.timestamp_micros = Math.round(payload.timestamp_micros) * 1000;
  if (isJsonObject(payload.consent)) {
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
  const params: JsonObject = { ...(isJsonObject(payload.params) ? payload.params : {}) };
  if (isJsonObject(payload.item) && params.items === undefined) params.items = [payload.item];
  // A session id that is not the tag's (a number) would start a session of its own.
  if (params.session_id !== undefined && !/^\d+$/.test(String(params.session_id))) delete params.session_id;
  const fitted = fitParams(params);
  // GA4 defines an ecommerce event's value as the items' price × quantity (tax and shipping apart).
  if (fitted.value === undefined && fitted.currency !== undefined && Array.isArray(fitted.items)) {
    const total = fitted.items.reduce<number | undefined>((sum, item) => {
      const price = isJsonObject(item) && typeof item.price === 'number' ? item.price : undefined;
      const quantity = isJsonObject(item) && typeof item.quantity === 'number' ? item.quantity : 1;
      return sum === undefined || price === undefined ? undefined : sum + price * quantity;
    }, 0);
    if (total !== undefined && fitted.items.length > 0) fitted.value = Math.round(total * 100) / 100;
  }
  if (fitted.value === undefined && REVENUE_EVENTS.has(name)) {
    throw new PermanentError(`This ${name} has no value, so GA4 would count no revenue: send properties.revenue (or value, or total), or a price on every product, and replay it`);
  }
  if (fitted.value !== undefined && fitted.currency === undefined) {
    // Revenue must not go uncounted unnoticed; elsewhere GA4 would ignore the value anyway.
    if (REVENUE_EVENTS.has(name)) throw new PermanentError(`GA4 counts revenue only with its currency, and this ${name} has a value (${String(fitted.value)}) without one: send properties.currency (ISO 4217, e.g. GBP) and replay it`);
    delete fitted.value;
  }
  out.params = fitted;
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_EVENT_BYTES) {
    throw new PermanentError(`This ${name} event is ${Buffer.byteLength(JSON.stringify(out))} bytes once fitted, over the ${MAX_EVENT_BYTES} a GA4 request (130 kB) can carry with its visitor's fields: send fewer items or shorter values`);
  }
  return out;
}
