// An event's `customData` as Microsoft's Conversions API takes it: the conversion goal fields
// (eventCategory, eventLabel, eventValue), revenue (value, currency), transactionId, the retail
// fields of dynamic remarketing (items, itemIds, pageType, ecommTotalValue, ecommCategory),
// searchTerm and hotelData. Known keys only, so an edited blueprint's stray property (an email)
// is never sent. Microsoft removes an optional field it cannot accept and counts the event
// without it (a "validation warning"): a currency it drops would have the value counted in the
// account's currency, so a currency or number that cannot be read dead-letters the event alone,
// saying why, instead.
import { isJsonObject, namesNoOne, PermanentError, readDecimal, readText, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Microsoft's page types (`pageType`), for dynamic remarketing. */
export const PAGE_TYPES = ['cart', 'category', 'home', 'other', 'product', 'purchase', 'searchresults'] as const;
/** The text fields of customData. */
const TEXT_FIELDS = ['eventCategory', 'eventLabel', 'searchTerm', 'ecommCategory'] as const;
/** The decimal fields of customData. */
const DECIMAL_FIELDS = ['eventValue', 'value', 'ecommTotalValue'] as const;
/**
 * The largest count sent (`quantity`, `lengthOfStay`): a 32-bit integer's, Microsoft's `int`.
 * A count past it is a mistake (a price or an id mapped as the quantity).
 */
export const MAX_COUNT = 2_147_483_647;
const CURRENCY = /^[A-Za-z]{3}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A list of the value (a single-product blueprint maps one item). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const decimal = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'Microsoft', field: `customData.${field}` });

/** One `items` entry as Microsoft takes it (`id`, `quantity`, `price`, `name`), or undefined without an id: the product feed joins on it. */
function item(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const id = readText(raw.id);
  if (id === undefined) return undefined;
  const entry: JsonObject = { id };
  const quantity = readWholeNumber(raw.quantity, { min: 0, max: MAX_COUNT });
  if (quantity !== undefined) entry.quantity = quantity;
  const price = decimal(raw.price, `items[${index}].price`);
  if (price !== undefined) entry.price = price;
  const name = readText(raw.name);
  if (name !== undefined) entry.name = name;
  return entry;
}

/** `pageType` in Microsoft's spelling (`searchresults` from `search_results` or `SearchResults` too), or undefined for another. */
function pageTypeOf(value: JsonValue | undefined): string | undefined {
  const text = readText(value)?.replace(/[\s_-]/g, '').toLowerCase();
  return (PAGE_TYPES as readonly string[]).includes(text ?? '') ? text : undefined;
}

/** `hotelData` with the fields Microsoft documents, or undefined when none is usable. */
function hotelData(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const out: JsonObject = {};
  for (const field of ['totalPrice', 'basePrice'] as const) {
    const number = decimal(raw[field], `hotelData.${field}`);
    if (number !== undefined) out[field] = number;
  }
  for (const field of ['checkinDate', 'checkoutDate'] as const) {
    const date = readText(raw[field]);
    if (date !== undefined && DATE.test(date)) out[field] = date;
  }
  const nights = readWholeNumber(raw.lengthOfStay, { min: 0, max: MAX_COUNT });
  if (nights !== undefined) out.lengthOfStay = nights;
  for (const field of ['partnerHotelId', 'bookingHref'] as const) {
    const text = readText(raw[field]);
    if (text !== undefined) out[field] = text;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `customData` as Microsoft takes it, or undefined when nothing is left: known keys only; text
 * fields as text; numbers read from numbers or decimal text (else a PermanentError naming the
 * field); `currency` upper-cased (else a PermanentError); `transactionId` unless a placeholder
 * (`undefined`: shared by unrelated orders); `items` with an id each; `itemIds` as mapped, else
 * the items' ids; `pageType` one of Microsoft's seven.
 *
 * @example
 * fitCustomData({ value: '50.2', currency: 'usd', pageType: 'purchase', items: { id: 'prod1', price: 25.1, quantity: 2 } });
 * // { value: 50.2, currency: 'USD', items: [{ id: 'prod1', quantity: 2, price: 25.1 }], itemIds: ['prod1'], pageType: 'purchase' }
 */
export function fitCustomData(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const out: JsonObject = {};
  for (const field of TEXT_FIELDS) {
    const text = readText(raw[field]);
    if (text !== undefined) out[field] = text;
  }
  for (const field of DECIMAL_FIELDS) {
    const number = decimal(raw[field], field);
    if (number !== undefined) out[field] = number;
  }
  if (raw.currency !== undefined && raw.currency !== null && raw.currency !== '') {
    const currency = readText(raw.currency);
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`Microsoft takes customData.currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(raw.currency)}`);
    out.currency = currency.toUpperCase();
  }
  const transactionId = readText(raw.transactionId);
  if (transactionId !== undefined && !namesNoOne(transactionId)) out.transactionId = transactionId;
  const items = asList(raw.items).map(item).filter((entry): entry is JsonObject => entry !== undefined);
  if (items.length > 0) out.items = items;
  const mappedIds = asList(raw.itemIds).map((id) => readText(id)).filter((id): id is string => id !== undefined);
  const itemIds = mappedIds.length > 0 ? mappedIds : items.map((entry) => entry.id as string);
  if (itemIds.length > 0) out.itemIds = [...new Set(itemIds)];
  const pageType = pageTypeOf(raw.pageType);
  if (pageType !== undefined) out.pageType = pageType;
  const hotel = hotelData(raw.hotelData);
  if (hotel !== undefined) out.hotelData = hotel;
  return Object.keys(out).length > 0 ? out : undefined;
}
