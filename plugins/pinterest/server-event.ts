// One conversion event as Pinterest's schema takes it, from whatever the blueprint mapped.
// Pinterest validates a request against that schema as a whole: one event with a key it does
// not know, a number where it wants text, or no way to match a person, and every event of the
// request is refused. So the event is fitted here, and one that cannot be fitted is
// dead-lettered alone, saying why, before it is sent.
import { gpcRestrictsProcessing, isJsonObject, pageUrlParamOf, PermanentError, readDecimal, readText, readWholeNumber, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { normalizeUserData } from './user-data.ts';

/** Where the conversion happened (`action_source`). */
export const ACTION_SOURCES = ['web', 'offline', 'app_android', 'app_ios'] as const;

/** The event fields Pinterest's schema has (`additionalProperties: false`): any other is left out. */
const EVENT_TEXT_FIELDS = ['event_source_url', 'partner_name', 'app_id', 'app_name', 'app_version', 'device_brand', 'device_carrier', 'device_model', 'device_type', 'os_version'] as const;
const EVENT_OBJECT_FIELDS = ['app_info', 'device_info'] as const;
/** custom_data fields taken as text (Pinterest parses `value` and `predicted_ltv` into numbers itself). */
const CUSTOM_TEXT_FIELDS = ['content_brand', 'content_category', 'content_name', 'external_measurement_id', 'np', 'opt_out_type', 'order_id', 'search_string'] as const;
const CUSTOM_NUMBER_TEXT_FIELDS = ['value', 'predicted_ltv'] as const;
const CUSTOM_INTEGER_FIELDS = ['num_items', 'external_measurement_vendor_id'] as const;
/** `contents[]` entries: text fields, `item_price` as text, `quantity` an integer. */
const CONTENT_TEXT_FIELDS = ['id', 'item_name', 'item_category', 'item_brand'] as const;

const CURRENCY = /^[A-Za-z]{3}$/;

/** A number Pinterest takes as text (`"72.39"`), or a PermanentError naming the field: a value read wrong is worse than none. */
function numberText(value: JsonValue | undefined, field: string): string | undefined {
  const number = readDecimal(value, { vendor: 'Pinterest', field, sentAsText: true });
  return number === undefined ? undefined : String(number);
}

/** A list of the value (a single-product blueprint maps one id and one contents entry). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** One `contents` entry as Pinterest takes it, or undefined when nothing of it is usable. */
function contentEntry(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const entry: JsonObject = {};
  for (const field of CONTENT_TEXT_FIELDS) {
    const value = readText(raw[field]);
    if (value !== undefined) entry[field] = value;
  }
  const price = numberText(raw.item_price, `custom_data.contents[${index}].item_price`);
  if (price !== undefined) entry.item_price = price;
  const quantity = readWholeNumber(raw.quantity);
  if (quantity !== undefined) entry.quantity = quantity;
  return Object.keys(entry).length > 0 ? entry : undefined;
}

/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;

/**
 * `custom_data` as Pinterest's schema takes it: known keys only, numbers as text where it
 * wants text, ids and contents as lists; `content_ids` filled from the `contents` ids, and
 * `num_items` and `value` from `contents` when every entry has a quantity (and a price), each
 * when the blueprint mapped none; `opt_out_type: LDP` with Limited Data Processing configured.
 * Undefined when nothing is left.
 */
function customData(raw: JsonValue | undefined, limitedDataProcessing: boolean): JsonObject | undefined {
  const input: JsonObject = isJsonObject(raw) ? raw : {};
  const custom: JsonObject = {};
  for (const field of CUSTOM_TEXT_FIELDS) {
    const value = readText(input[field]);
    if (value !== undefined) custom[field] = value;
  }
  for (const field of CUSTOM_NUMBER_TEXT_FIELDS) {
    const value = numberText(input[field], `custom_data.${field}`);
    if (value !== undefined) custom[field] = value;
  }
  for (const field of CUSTOM_INTEGER_FIELDS) {
    const value = readWholeNumber(input[field]);
    if (value !== undefined) custom[field] = value;
  }
  if (input.currency !== undefined && input.currency !== null && input.currency !== '') {
    const currency = readText(input.currency);
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`Pinterest takes currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(input.currency)}`);
    custom.currency = currency.toUpperCase();
  }
  const ids = asList(input.content_ids).map(readText).filter((id): id is string => id !== undefined);
  if (ids.length > 0) custom.content_ids = ids;
  const contents = asList(input.contents).map(contentEntry).filter((entry): entry is JsonObject => entry !== undefined);
  if (contents.length > 0) {
    custom.contents = contents;
    // The contents' ids, each once: the blueprint maps each entry's id from product_id, else sku.
    if (custom.content_ids === undefined) {
      const contentIds = [...new Set(contents.map((entry) => entry.id).filter((id): id is string => typeof id === 'string'))];
      if (contentIds.length > 0) custom.content_ids = contentIds;
    }
    if (custom.num_items === undefined && contents.every((entry) => typeof entry.quantity === 'number')) {
      custom.num_items = contents.reduce((sum, entry) => sum + (entry.quantity as number), 0);
    }
    if (custom.value === undefined && contents.every((entry) => entry.item_price !== undefined && typeof entry.quantity === 'number')) {
      const micros = contents.reduce((sum, entry) => sum + Math.round(Number(entry.item_price) * MICRO) * (entry.quantity as number), 0);
      custom.value = String(micros / MICRO);
    }
  }
  if (limitedDataProcessing && custom.opt_out_type === undefined) custom.opt_out_type = 'LDP';
  return Object.keys(custom).length > 0 ? custom : undefined;
}

/**
 * The Pinterest click id: the `epik` parameter of the page URL, for a visitor who came from a
 * Pin and whose `_epik` cookie the Pinterest Tag has not set (or that was not captured).
 */
function epikFromUrl(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, 'epik', { propertiesUrl: 'never' });
}

/**
 * The conversion event as Pinterest takes it, from the blueprint's mapping: `action_source`
 * from the config unless mapped, `event_id` the messageId unless mapped, `event_time` whole
 * seconds, `user_data` normalised and hashed with `click_id` from the page URL's `epik` when no
 * `_epik` cookie gave one, `custom_data` fitted to Pinterest's schema, `language` as two
 * letters, keys Pinterest's schema does not have left out. Throws a PermanentError (the event
 * is dead-lettered alone) for an event Pinterest would refuse with its whole request: no
 * event_name or event_time, an unknown action_source, or nothing to match a person on.
 *
 * @example
 * toPinterestEvent({ event_name: 'checkout', event_time: 1711296060, event_id: 'm-1', user_data: { em: 'Jane@Example.com' } }, event, ctx);
 * // { event_name: 'checkout', action_source: 'web', event_time: 1711296060, event_id: 'm-1', user_data: { em: ['<sha256>'] } }
 */
export function toPinterestEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const config = ctx.config;
  const eventName = readText(payload.event_name);
  if (eventName === undefined) throw new PermanentError('Pinterest needs event_name (checkout, add_to_cart, page_visit, …, or custom): the blueprint mapped none');
  const eventTime = typeof payload.event_time === 'number' && Number.isFinite(payload.event_time) ? Math.floor(payload.event_time) : undefined;
  if (eventTime === undefined) throw new PermanentError('Pinterest needs event_time (Unix seconds): the blueprint mapped none; map timestamp with to_unix_seconds');
  const actionSource = readText(payload.action_source) ?? (typeof config.action_source === 'string' ? config.action_source : 'web');
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    throw new PermanentError(`Pinterest takes action_source ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(payload.action_source)}`);
  }
  const out: JsonObject = { event_name: eventName, action_source: actionSource, event_time: eventTime, event_id: readText(payload.event_id) ?? event.messageId };

  const { userData, unusable } = normalizeUserData(payload.user_data, { defaultCountryCode: typeof config.default_country_code === 'string' ? config.default_country_code : undefined });
  if (userData.click_id === undefined) {
    const epik = epikFromUrl(event);
    if (epik !== undefined) userData.click_id = epik;
  }
  // Pinterest's schema: at least one of em, hashed_maids, or client_ip_address with client_user_agent.
  if (userData.em === undefined && userData.hashed_maids === undefined && (userData.client_ip_address === undefined || userData.client_user_agent === undefined)) {
    const missing = userData.client_ip_address === undefined && userData.client_user_agent === undefined ? 'client_ip_address and client_user_agent' : userData.client_ip_address === undefined ? 'client_ip_address' : 'client_user_agent';
    throw new PermanentError(`Pinterest cannot match this event to a person: user_data needs em, hashed_maids, or client_ip_address with client_user_agent, and has no em, no hashed_maids and no ${missing}${unusable.length > 0 ? ` (left out as unusable: ${unusable.join(', ')})` : ''}. Send events from the browser (Signal reads the visitor's IP and user agent), or an email in traits`);
  }
  out.user_data = userData;

  for (const field of EVENT_TEXT_FIELDS) {
    const value = readText(payload[field]);
    if (value !== undefined) out[field] = value;
  }
  for (const field of EVENT_OBJECT_FIELDS) if (isJsonObject(payload[field])) out[field] = payload[field];
  if (typeof payload.opt_out === 'boolean') out.opt_out = payload.opt_out;
  if (typeof payload.wifi === 'boolean') out.wifi = payload.wifi;
  // "Two-character ISO-639-1 language code": en-GB is en.
  const language = /^([a-z]{2})(?:[-_][a-z0-9]+)*$/i.exec(readText(payload.language) ?? '');
  if (language) out.language = language[1]!.toLowerCase();
  // The config's flag restricts every event; a visitor's Global Privacy Control (SIGNAL_GPC=restrict) theirs.
  const custom = customData(payload.custom_data, config.limited_data_processing === true || gpcRestrictsProcessing(event));
  if (custom !== undefined) out.custom_data = custom;
  return out;
}
