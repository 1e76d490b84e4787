// What a conversion was worth and what it held, as The Trade Desk takes them: `value` as decimal
// text with a period ("19.98", "the revenue-tracking value in decimal string"), `currency` as an
// ISO 4217 code, `order_id`, and `items`, each `{ item_code, name, qty, price, cat }` (the
// fields of The Trade Desk's tag templates). Every one of them is text: The Trade Desk's own
// Data API schema types the real-time conversion line item's `qty` and `price` as strings
// (`RealTimeConversionEventLineItem`), and its offline conversions' `Value` too. A value or
// currency that cannot be read dead-letters the event, saying why: a conversion counted at the
// wrong value is worse than none.
import { isJsonObject, namesNoOne, PermanentError, readDecimal, readText, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

const CURRENCY = /^[A-Za-z]{3}$/;
/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;
/** The largest quantity sent: a 32-bit integer's (a quantity past it is a price or an id mapped by mistake). */
const MAX_QTY = 2_147_483_647;

/** A list of the value (a single-product blueprint maps one item). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A number as decimal text with a period and no exponent, rounded to micro-units: `74.97`,
 * `5`, `0.000001`.
 *
 * @example
 * decimalText(74.97000000000001); // '74.97'
 */
export function decimalText(value: number): string {
  const rounded = Math.round(value * MICRO) / MICRO;
  if (Number.isInteger(rounded)) return rounded.toFixed(0);
  return rounded.toFixed(6).replace(/0+$/, '');
}

/** One item as read: its code, name and category, and its quantity and price as numbers (for the value). */
interface Item {
  code: string;
  name?: string;
  qty?: number;
  price?: number;
  cat?: string;
}

/** One item, or undefined when it has no item code (the product id The Trade Desk matches on). */
function item(raw: JsonValue, index: number): Item | undefined {
  if (!isJsonObject(raw)) return undefined;
  const code = readText(raw.item_code);
  if (code === undefined || namesNoOne(code)) return undefined;
  return {
    code,
    name: readText(raw.name),
    qty: readWholeNumber(raw.qty, { min: 0, max: MAX_QTY }),
    price: readDecimal(raw.price, { vendor: 'The Trade Desk', field: `items[${index}].price`, sentAsText: true }),
    cat: readText(raw.cat),
  };
}

/** An `items` entry as The Trade Desk's schema types it: every field text (`qty` "3", `price` "24.99"). */
function itemEntry(read: Item): JsonObject {
  const entry: JsonObject = { item_code: read.code };
  if (read.name !== undefined) entry.name = read.name;
  if (read.qty !== undefined) entry.qty = String(read.qty);
  if (read.price !== undefined) entry.price = decimalText(read.price);
  if (read.cat !== undefined) entry.cat = read.cat;
  return entry;
}

/**
 * The order fields as The Trade Desk takes them, from what the blueprint mapped: `value` as
 * decimal text (from the mapped value, else price × qty of the items when every item has both),
 * `currency` upper-cased, `order_id` (a placeholder such as `undefined` is no order id), `items`
 * with an item code, their `qty` and `price` as text too. Throws a PermanentError for a value or
 * price that is no number, or a currency that is no ISO 4217 code.
 *
 * @example
 * orderFields({ currency: 'usd', order_id: 'ORD-1', items: [{ item_code: 'SKU-1', price: 24.99, qty: 3 }] });
 * // { value: '74.97', currency: 'USD', order_id: 'ORD-1', items: [{ item_code: 'SKU-1', qty: '3', price: '24.99' }] }
 */
export function orderFields(payload: JsonObject): JsonObject {
  const out: JsonObject = {};
  const items = asList(payload.items).map(item).filter((read): read is Item => read !== undefined);
  let value = readDecimal(payload.value, { vendor: 'The Trade Desk', field: 'value', sentAsText: true });
  if (value === undefined && items.length > 0 && items.every((read) => read.price !== undefined && read.qty !== undefined)) {
    const sum = items.reduce((total, read) => total + Math.round(read.price! * MICRO) * read.qty!, 0) / MICRO;
    if (Number.isFinite(sum)) value = sum;
  }
  if (value !== undefined) out.value = decimalText(value);
  if (payload.currency !== undefined && payload.currency !== null && payload.currency !== '') {
    const currency = readText(payload.currency);
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`The Trade Desk takes currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(payload.currency)}`);
    out.currency = currency.toUpperCase();
  }
  const orderId = readText(payload.order_id);
  if (orderId !== undefined && !namesNoOne(orderId)) out.order_id = orderId;
  if (items.length > 0) out.items = items.map(itemEntry);
  return out;
}
