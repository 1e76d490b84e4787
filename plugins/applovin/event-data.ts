// The event's `data` as Axon's "Events and objects" page documents it: `currency` (ISO 4217),
// `value`, `transaction_id`, `shipping`, `tax`, `search_term` and `items` (Axon items:
// item_id, item_name, item_brand, item_variant_id, item_category_id, price, quantity, …).
// AppLovin refuses a whole batch for one invalid event, so what Axon requires of an event is
// checked here and the event dead-lettered alone rather than sent: a purchase needs currency,
// value, transaction_id and items; begin_checkout currency, value and items; view_item and
// add_to_cart items; add_payment_info a currency; generate_lead currency and value (its
// Conversion API page: "always send { currency, value }").
import { isJsonObject, PermanentError, productsValue, readDecimal, readText, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { EventName } from './config.ts';

/** What each event needs in `data`, as Axon's events page marks it required. */
const REQUIRED: Partial<Record<EventName, ReadonlyArray<'currency' | 'value' | 'transaction_id' | 'items'>>> = {
  view_item: ['items'],
  add_to_cart: ['items'],
  begin_checkout: ['currency', 'value', 'items'],
  add_payment_info: ['currency'],
  purchase: ['currency', 'value', 'transaction_id', 'items'],
  generate_lead: ['currency', 'value'],
};
/** Signal's cap on text fields: Axon documents none; a product name or order id is far shorter. */
export const MAX_TEXT_CHARS = 500;

/** Text cut to MAX_TEXT_CHARS characters. */
function textOf(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text === undefined ? undefined : [...text].slice(0, MAX_TEXT_CHARS).join('');
}

/** A money amount as Axon takes it: a number, at most 6 decimals, rounded as written. */
function amountOf(value: number): number {
  return Math.round(Number((value * 1e6).toPrecision(15))) / 1e6;
}

/**
 * One Axon item from a mapped product: item_id (required: an item without one is left out),
 * item_name, item_brand, item_variant_id, item_category_id (a Google Product Taxonomy id, a
 * whole number), image_url, price, discount and quantity (1 when absent).
 */
function itemOf(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const id = textOf(raw.item_id);
  if (id === undefined) return undefined;
  const item: JsonObject = { item_id: id };
  for (const key of ['item_name', 'item_brand', 'item_variant_id', 'image_url'] as const) {
    const text = textOf(raw[key]);
    if (text !== undefined) item[key] = text;
  }
  const category = readWholeNumber(raw.item_category_id, { min: 1 });
  if (category !== undefined) item.item_category_id = category;
  const price = readDecimal(raw.price, { vendor: 'AppLovin', field: `items[${index}].price` });
  if (price !== undefined) item.price = amountOf(price);
  const discount = readDecimal(raw.discount, { vendor: 'AppLovin', field: `items[${index}].discount` });
  if (discount !== undefined) item.discount = amountOf(discount);
  item.quantity = readWholeNumber(raw.quantity, { min: 1 }) ?? 1;
  return item;
}

/**
 * `data` of an event named `eventName` from what the blueprint mapped (`{}` when there is
 * nothing to say: the field is required), or null for page_view and app_open (the Conversion
 * API pages: "for page_view, set data to null"). `value` is the mapped one, else the items' price × quantity; `currency`
 * the mapped one upper-cased, else `defaultCurrency`. A value without a currency is left out,
 * said through `warn`. Throws a PermanentError (the event is dead-lettered alone, before
 * AppLovin could refuse its whole batch) for what Axon requires of the event and it lacks, a
 * value below 0, a currency that is no ISO 4217 code.
 *
 * @example
 * eventData('purchase', { currency: 'usd', transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] }, undefined);
 * // { currency: 'USD', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] }
 */
export function eventData(eventName: EventName, mapped: JsonValue | undefined, defaultCurrency: string | undefined, warn: (message: string) => void = () => {}): JsonObject | null {
  if (eventName === 'page_view' || eventName === 'app_open') return null;
  const raw = isJsonObject(mapped) ? mapped : {};
  const data: JsonObject = {};
  const rawItems = raw.items === undefined || raw.items === null ? [] : Array.isArray(raw.items) ? raw.items : [raw.items];
  const items = rawItems.map(itemOf).filter((item): item is JsonObject => item !== undefined);
  if (items.length < rawItems.length) warn(`${rawItems.length - items.length} of the event's items left out: an Axon item needs an item_id (map the product's id or sku)`);
  const value = readDecimal(raw.value, { vendor: 'AppLovin', field: 'data.value' }) ?? productsValue(items, { vendor: 'AppLovin', valueField: 'data.value' });
  const written = readText(raw.currency);
  const code = (written ?? defaultCurrency)?.toUpperCase();
  if (code !== undefined && !/^[A-Z]{3}$/.test(code)) throw new PermanentError(`AppLovin takes data.currency as an ISO 4217 code; ${JSON.stringify(written ?? defaultCurrency)} is none`);
  if (value !== undefined && value < 0) throw new PermanentError(`AppLovin takes data.value as a value of at least 0; the blueprint mapped ${value}`);

  const required = REQUIRED[eventName] ?? [];
  const needs = (field: string, fix: string) => {
    throw new PermanentError(`AppLovin requires data.${field} for ${eventName} (any invalid event fails its whole batch, so the event is not sent): ${fix}`);
  };
  if (required.includes('value') && value === undefined) needs('value', 'map properties.revenue, total or value, or the products\' price and quantity');
  if (code !== undefined) data.currency = code;
  else if (required.includes('currency') || (required.includes('value') && value !== undefined)) needs('currency', 'map properties.currency, or set config.default_currency');
  if (value !== undefined) {
    if (code === undefined) warn('data.value left out: no currency (map properties.currency, or set config.default_currency)');
    else data.value = amountOf(value);
  }
  const transactionId = textOf(raw.transaction_id);
  if (transactionId !== undefined) data.transaction_id = transactionId;
  else if (required.includes('transaction_id')) needs('transaction_id', 'map properties.order_id (or checkout_id)');
  if (items.length > 0) data.items = items;
  else if (required.includes('items')) needs('items', 'map the products (properties.products, or the product\'s own product_id or sku) with an item_id each');
  for (const key of ['shipping', 'tax'] as const) {
    const amount = readDecimal(raw[key], { vendor: 'AppLovin', field: `data.${key}` });
    if (amount !== undefined && amount >= 0 && code !== undefined) data[key] = amountOf(amount);
  }
  const searchTerm = textOf(raw.search_term);
  if (searchTerm !== undefined) data.search_term = searchTerm;
  return data;
}
