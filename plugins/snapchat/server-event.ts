// One conversion event as Snap's Conversions API v3 takes it, from whatever the blueprint
// mapped. Snap answers a whole request INVALID (400) for one event without a required field,
// with too little customer information, unhashed PII, an out-of-range timestamp or a PURCHASE
// without value and currency (its Verify Set Up page). So the event is fitted here, and one
// that cannot be fitted is dead-lettered alone, saying why, before it is sent with others.
import { isJsonObject, urlParamOf, instantText, PermanentError, readDecimal, readText, readWholeNumber, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { normalizeUserData } from './user-data.ts';

/**
 * Where the conversion happened (`action_source`), in Snap's own values: `WEB` for a website,
 * `OFFLINE` for a store, a call centre or a CRM. (`MOBILE_APP` needs `app_data` and a Snap App
 * ID, which this plugin does not send.)
 */
export const ACTION_SOURCES = ['WEB', 'OFFLINE'] as const;
/**
 * Other spellings of `action_source` Snap takes, in any letter case, as its own values: `web`
 * (its Java SDK's example), `website` and `app` (what Segment's Snap destination sends), and
 * the Meta-compatible aliases its Offline Events page lists for OFFLINE.
 */
const ACTION_SOURCE_ALIASES: Record<string, string> = {
  web: 'WEB', website: 'WEB', offline: 'OFFLINE', physical_store: 'OFFLINE', phone_call: 'OFFLINE', app: 'MOBILE_APP', mobile_app: 'MOBILE_APP',
};
/** Snap reports events up to 37 days old; an older one is refused, and with it its request. */
export const MAX_EVENT_AGE_DAYS = 37;
/**
 * How far ahead of Signal's clock an event may be: a clock a little fast is sent as of now; an
 * event further ahead is dead-lettered alone, since Snap refuses an "out of range" timestamp
 * with its whole request.
 */
export const MAX_CLOCK_AHEAD_MINUTES = 5;
const DAY_MS = 24 * 3600 * 1000;

/**
 * custom_data fields taken as text: the commerce ones (`content_name` from Snap's Business SDK,
 * `CustomData.contentName`), then Dynamic Travel Ads' (Snap's Parameters page).
 */
const CUSTOM_TEXT_FIELDS = [
  'content_name', 'content_category', 'content_type', 'order_id', 'search_string', 'sign_up_method', 'brands', 'delivery_category', 'status',
  'checkin_date', 'travel_start', 'travel_end', 'destination_airport', 'origin_airport', 'country', 'city', 'region', 'neighborhood',
  'departing_departure_date', 'departing_arrival_date', 'returning_departure_date', 'returning_arrival_date', 'hotel_score',
] as const;
const CUSTOM_INTEGER_FIELDS = ['num_items', 'num_adults', 'num_children', 'num_infants'] as const;
const CUSTOM_LIST_FIELDS = ['suggested_destinations', 'suggested_hotels', 'preferred_neighborhoods', 'preferred_star_ratings'] as const;
/** `contents[]` entries: `id` (required), `quantity` and `item_price` as text, as Snap's schema and example have them. */
const CONTENT_TEXT_FIELDS = ['brand', 'delivery_category'] as const;

const CURRENCY = /^[A-Za-z]{3}$/;
/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const decimal = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'Snap', field });

/** A list of the value (a single-product blueprint maps one id and one contents entry). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** One `contents` entry as Snap takes it, or undefined when it has no id (Snap matches products by it). */
function contentEntry(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const id = readText(raw.id);
  if (id === undefined) return undefined;
  const entry: JsonObject = { id };
  const quantity = readWholeNumber(raw.quantity);
  if (quantity !== undefined) entry.quantity = String(quantity);
  const price = decimal(raw.item_price, `custom_data.contents[${index}].item_price`);
  if (price !== undefined) entry.item_price = String(price);
  for (const field of CONTENT_TEXT_FIELDS) {
    const value = readText(raw[field]);
    if (value !== undefined) entry[field] = value;
  }
  return entry;
}

/**
 * `custom_data` as Snap's schema takes it: known keys only, with no contact information at any
 * depth (`removeContactInfo`: a value that is, whole, an email address or a phone number — a
 * search for an address, a phone number as a sign-up method; not one inside longer text); `value` a number, `num_items` a whole number, `content_ids` and `contents` lists;
 * `content_ids` filled from the contents' ids, `num_items` from their quantities and `value`
 * from price × quantity, each when the blueprint mapped none; `currency` from
 * `default_currency` when the event has a value and no currency. Undefined when nothing is left.
 */
function customData(raw: JsonValue | undefined, defaultCurrency: string | undefined): JsonObject | undefined {
  const input: JsonObject = isJsonObject(raw) ? removeContactInfo(raw) : {};
  const custom: JsonObject = {};
  for (const field of CUSTOM_TEXT_FIELDS) {
    const value = readText(input[field]);
    if (value !== undefined) custom[field] = value;
  }
  for (const field of CUSTOM_INTEGER_FIELDS) {
    const value = readWholeNumber(input[field]);
    if (value !== undefined) custom[field] = value;
  }
  for (const field of CUSTOM_LIST_FIELDS) {
    const values = asList(input[field]).map(readText).filter((value): value is string => value !== undefined);
    if (values.length > 0) custom[field] = values;
  }
  const value = decimal(input.value, 'custom_data.value');
  if (value !== undefined) custom.value = value;
  if (input.currency !== undefined && input.currency !== null && input.currency !== '') {
    const currency = readText(input.currency);
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`Snap takes currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(input.currency)}`);
    custom.currency = currency.toUpperCase();
  }
  const ids = asList(input.content_ids).map(readText).filter((id): id is string => id !== undefined);
  if (ids.length > 0) custom.content_ids = [...new Set(ids)];
  const contents = asList(input.contents).map(contentEntry).filter((entry): entry is JsonObject => entry !== undefined);
  if (contents.length > 0) {
    custom.contents = contents;
    // The contents' ids, each once: the blueprints map each entry's id from product_id, else sku.
    custom.content_ids ??= [...new Set(contents.map((entry) => entry.id as string))];
    if (custom.num_items === undefined && contents.every((entry) => entry.quantity !== undefined)) {
      custom.num_items = contents.reduce((sum, entry) => sum + Number(entry.quantity), 0);
    }
    if (custom.value === undefined && contents.every((entry) => entry.item_price !== undefined && entry.quantity !== undefined)) {
      const micros = contents.reduce((sum, entry) => sum + Math.round(Number(entry.item_price) * MICRO) * Number(entry.quantity), 0);
      custom.value = micros / MICRO;
    }
  }
  if (custom.value !== undefined && custom.currency === undefined && defaultCurrency !== undefined) custom.currency = defaultCurrency.toUpperCase();
  return Object.keys(custom).length > 0 ? custom : undefined;
}

/** The `ScCid` parameter of a URL or query string, its name in any letter case (`?SCCID=…`, `?sccid=…`). */
function scCidOf(source: JsonValue | undefined): string | undefined {
  return urlParamOf(source, 'ScCid', { anyCase: true })?.trim() || undefined;
}

/**
 * The Snap click id of an ad click, as Snap's own server-side tag (`getScClickId`) reads it:
 * the page URL's `ScCid` parameter (Snap appends it to an ad's landing page), else the
 * referrer's (the page after the landing page). Undefined when neither has one: then the
 * `_scclid` cookie the Snap Pixel keeps, as mapped, is sent.
 */
function clickIdOfAdClick(event: CanonicalEvent): string | undefined {
  const page = event.context?.page;
  return scCidOf(page?.url) ?? scCidOf(page?.search) ?? scCidOf(page?.referrer);
}

/**
 * The conversion event as Snap takes it, from the blueprint's mapping: `event_id` the
 * messageId unless mapped (a PURCHASE's order id with `config.purchase_event_id` order_id),
 * `event_time` whole seconds (now for a clock up to 5 minutes fast), `action_source` from the
 * config unless mapped (Snap's other spellings read as WEB or OFFLINE), `event_source_url` as
 * mapped or left out, `user_data` normalised and hashed with `sc_click_id` from the page URL's
 * (else the referrer's) `ScCid`, else the `_scclid` cookie as mapped, `custom_data` fitted to
 * Snap's schema; keys Snap does not take left out. Throws a PermanentError (the event is
 * dead-lettered alone) for an event Snap would refuse with its whole request: no event_name or
 * event_time, an event older than 37 days or more than 5 minutes ahead, an action_source other
 * than WEB or OFFLINE, too little customer information, or a PURCHASE without value and
 * currency.
 *
 * @example
 * toSnapEvent({ event_name: 'PURCHASE', event_time: 1796032800, event_source_url: 'https://shop.example.com/thanks',
 *   user_data: { em: 'Jane@Example.com' }, custom_data: { value: 10, currency: 'usd' } }, event, ctx);
 * // { event_name: 'PURCHASE', event_time: 1796032800, event_id: event.messageId, action_source: 'WEB', event_source_url: '…',
 * //   user_data: { em: ['<sha256>'] }, custom_data: { value: 10, currency: 'USD' } }
 */
export function toSnapEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const config = ctx.config;
  const eventName = readText(payload.event_name);
  if (eventName === undefined) throw new PermanentError('Snap needs event_name (PURCHASE, ADD_CART, PAGE_VIEW, …): the blueprint mapped none');
  const eventTime = typeof payload.event_time === 'number' && Number.isFinite(payload.event_time) ? Math.floor(payload.event_time) : undefined;
  if (eventTime === undefined) throw new PermanentError('Snap needs event_time (Unix seconds): the blueprint mapped none; map timestamp with to_unix_seconds');
  if (ctx.now - eventTime * 1000 > MAX_EVENT_AGE_DAYS * DAY_MS) {
    throw new PermanentError(`Snap takes events up to ${MAX_EVENT_AGE_DAYS} days old (this one is from ${instantText(eventTime * 1000)}) and would refuse every event sent with it`);
  }
  if (eventTime * 1000 - ctx.now > MAX_CLOCK_AHEAD_MINUTES * 60_000) {
    throw new PermanentError(`This event's time, ${instantText(eventTime * 1000)}, is more than ${MAX_CLOCK_AHEAD_MINUTES} minutes in the future (the sender's clock or timestamp is wrong), and Snap would refuse every event sent with it: send the time the event happened`);
  }
  const sentTime = Math.min(eventTime, Math.floor(ctx.now / 1000));
  const mappedSource = readText(payload.action_source);
  const actionSource = mappedSource === undefined ? (typeof config.action_source === 'string' ? config.action_source : 'WEB') : (ACTION_SOURCE_ALIASES[mappedSource.toLowerCase()] ?? mappedSource.toUpperCase());
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    const app = actionSource === 'MOBILE_APP' ? ' (app events need app_data and a Snap App ID, which this plugin does not send)' : '';
    throw new PermanentError(`This plugin sends action_source ${ACTION_SOURCES.join(' or ')} (also written web, website, offline, physical_store, phone_call); the blueprint mapped ${JSON.stringify(payload.action_source)}${app}`);
  }
  const out: JsonObject = { event_name: eventName, event_time: sentTime, event_id: readText(payload.event_id) ?? event.messageId, action_source: actionSource };
  // Snap lists event_source_url among the parameters it asks of each event "for best signal
  // integrity", but neither its own server-side tag nor its SDK refuses an event without one: a
  // web event whose page is unknown (an order completed on the server) is sent without it
  // rather than lost.
  const url = readText(payload.event_source_url);
  if (url !== undefined) out.event_source_url = url;

  const { userData, unusable } = normalizeUserData(payload.user_data, { defaultCountryCode: typeof config.default_country_code === 'string' ? config.default_country_code : undefined });
  // A new ad click beats an old one: the URL's (or the referrer's) ScCid wins over the cookie.
  const clickId = clickIdOfAdClick(event);
  if (clickId !== undefined) userData.sc_click_id = clickId;
  // Snap: "At least one of the following to match your events to Snapchatters: em, ph,
  // client_ip_address & client_user_agent" (or an app's madid, which web events have not).
  if (userData.em === undefined && userData.ph === undefined && (userData.client_ip_address === undefined || userData.client_user_agent === undefined)) {
    throw new PermanentError(`Snap cannot match this event to a Snapchatter: user_data needs em, ph, or client_ip_address with client_user_agent, and has none of them${unusable.length > 0 ? ` (left out as unusable: ${unusable.join(', ')})` : ''}. Send events from the browser (Signal reads the visitor's IP and user agent), or an email or phone in traits`);
  }
  out.user_data = userData;

  const custom = customData(payload.custom_data, typeof config.default_currency === 'string' && config.default_currency !== '' ? config.default_currency : undefined);
  if (eventName === 'PURCHASE') {
    const missing = [custom?.value === undefined ? 'value' : '', custom?.currency === undefined ? 'currency' : ''].filter(Boolean);
    if (missing.length > 0) {
      throw new PermanentError(`Snap requires custom_data.value and custom_data.currency for PURCHASE events; this one has no ${missing.join(' and no ')}: send revenue (or products with price and quantity) and currency with the order, or set config.default_currency`);
    }
  }
  if (custom !== undefined) out.custom_data = custom;
  // Snap's Best Practices: for purchases, event_id "can also map to" the Pixel's transaction_id.
  if (eventName === 'PURCHASE' && config.purchase_event_id === 'order_id' && typeof custom?.order_id === 'string') out.event_id = custom.order_id;
  return out;
}
