// The event's `eventData` as Yahoo's CAPI takes it: `price` (the conversion's value, which the
// DSP reports as a dynamic conversion value), `products` (each with its `category` and
// `subCategory`, which Yahoo's product rules match) and `customKeyValues` (text pairs the DSP
// rules can match: Signal sends the order id and the value's currency there). Yahoo counts a
// price in US dollars unless the seat was set up otherwise, so a value in another currency is
// sent with its currency named, never converted.
import { isJsonObject, PermanentError, productsValue, readDecimal, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Signal's cap on a custom key's value and a category: Yahoo documents none. */
export const MAX_TEXT_CHARS = 256;
/** Signal's cap on the products sent with one event. */
export const MAX_PRODUCTS = 100;

/** Text cut to `MAX_TEXT_CHARS` characters (whole code points). */
function cut(text: string): string {
  const chars = [...text];
  return chars.length > MAX_TEXT_CHARS ? chars.slice(0, MAX_TEXT_CHARS).join('') : text;
}

/** A value rounded to 6 decimals as written, not as its binary approximation. */
function priceOf(value: number): number {
  return Math.round(Number((value * 1e6).toPrecision(15))) / 1e6;
}

/** The products' categories: those with a category (and their subCategory), at most MAX_PRODUCTS. */
function productsOf(raw: JsonValue | undefined): JsonObject[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const products: JsonObject[] = [];
  for (const item of list) {
    if (!isJsonObject(item)) continue;
    const category = readText(item.category);
    if (category === undefined) continue;
    const subCategory = readText(item.subCategory);
    products.push({ category: cut(category), ...(subCategory === undefined ? {} : { subCategory: cut(subCategory) }) });
    if (products.length === MAX_PRODUCTS) break;
  }
  return products;
}

/**
 * `eventData` from what the blueprint mapped (`price`, `currency`, `order_id`, `products`
 * with `price`, `quantity`, `category`, `subCategory`): the price (the mapped one, else the
 * products' price × quantity), the products' categories, the order id and the currency as custom
 * keys; undefined when nothing is left. Throws a PermanentError (the event dead-lettered alone)
 * for a price below 0 or a currency that is no ISO 4217 code.
 *
 * @example
 * yahooEventData({ currency: 'eur', order_id: 'ORD-1', products: [{ price: 24.99, quantity: 3, category: 'Shoes', subCategory: 'Trail' }] });
 * // { price: 74.97, products: [{ category: 'Shoes', subCategory: 'Trail' }], customKeyValues: { order_id: 'ORD-1', currency: 'EUR' } }
 */
export function yahooEventData(mapped: JsonValue | undefined): JsonObject | undefined {
  const raw = isJsonObject(mapped) ? mapped : {};
  const out: JsonObject = {};
  const price = readDecimal(raw.price, { vendor: 'Yahoo', field: 'eventData.price' })
    ?? productsValue(raw.products, { vendor: 'Yahoo', valueField: 'eventData.price' });
  if (price !== undefined) {
    if (price < 0) throw new PermanentError(`Yahoo takes eventData.price as a value of at least 0; the blueprint mapped ${price}`);
    out.price = priceOf(price);
  }
  const products = productsOf(raw.products);
  if (products.length > 0) out.products = products;
  const custom: JsonObject = {};
  const orderId = readText(raw.order_id);
  if (orderId !== undefined) custom.order_id = cut(orderId);
  const currency = readText(raw.currency)?.toUpperCase();
  if (currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new PermanentError(`Yahoo's price is read in a currency's ISO 4217 code; ${JSON.stringify(readText(raw.currency))} is none (map properties.currency as USD, EUR, …)`);
    if (out.price !== undefined) custom.currency = currency;
  }
  if (Object.keys(custom).length > 0) out.customKeyValues = custom;
  return Object.keys(out).length > 0 ? out : undefined;
}
