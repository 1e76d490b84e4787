// An event's `metadata` as Reddit's Conversions API v3 takes it: `conversion_id` (deduplication
// with the Reddit Pixel), `currency`, `value` (a number in the currency's base unit),
// `item_count` and `products`. A value or currency that cannot be read dead-letters the event
// alone, saying why, for the types that carry them: a value that is no number could not be sent,
// and for a currency that is no ISO 4217 code Reddit assumes the ad account's ("About event
// metadata"), counting the value in the wrong currency.
import { isJsonObject, namesNoOne, PermanentError, readDecimal, readText, readWholeNumber, removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/**
 * Tracking types whose conversions carry a value and a currency, and those that carry an item
 * count, per Reddit's "About event metadata" help page (as Reddit's own Segment destination and
 * RudderStack's apply it): the others are sent without them.
 */
const WITH_VALUE: ReadonlySet<string> = new Set(['ADD_TO_CART', 'ADD_TO_WISHLIST', 'PURCHASE', 'LEAD', 'SIGN_UP', 'CUSTOM']);
const WITH_ITEM_COUNT: ReadonlySet<string> = new Set(['ADD_TO_CART', 'ADD_TO_WISHLIST', 'PURCHASE', 'CUSTOM']);
/** `products[]` text fields besides the required `id`. */
const PRODUCT_TEXT_FIELDS = ['name', 'category'] as const;

const CURRENCY = /^[A-Za-z]{3}$/;
/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;
/**
 * The largest count sent (`item_count`, `quantity`): a 32-bit integer's. A count past it is a
 * mistake (a price or an id mapped as the quantity), and Reddit would refuse the whole request
 * for a number its integer field cannot hold.
 */
export const MAX_COUNT = 2_147_483_647;

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const decimal = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'Reddit', field });

/** A whole number from 0 to MAX_COUNT, or nothing (`item_count`, `quantity`). */
const count = (value: JsonValue | undefined) => readWholeNumber(value, { min: 0, max: MAX_COUNT });

/** A list of the value (a single-product blueprint maps one product). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** One `products` entry as Reddit takes it, or undefined when it has no id (Reddit's v3 requires one). */
function product(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const id = readText(raw.id);
  if (id === undefined) return undefined;
  const entry: JsonObject = { id };
  for (const field of PRODUCT_TEXT_FIELDS) {
    const value = readText(raw[field]);
    if (value !== undefined) entry[field] = value;
  }
  const quantity = count(raw.quantity);
  if (quantity !== undefined) entry.quantity = quantity;
  const price = decimal(raw.item_price, `metadata.products[${index}].item_price`);
  if (price !== undefined) entry.item_price = price;
  return entry;
}

/**
 * `metadata` as Reddit takes it, for an event of `trackingType`: known keys only, with no
 * contact information at any depth (`removeContactInfo`); `conversion_id` as mapped, else (none,
 * or a placeholder such as `undefined`) `conversionId` (the messageId); `currency` upper-cased;
 * `products` entries with an id; counts from 0 to MAX_COUNT;
 * `item_count` from the products' quantities and `value` from price × quantity when the
 * blueprint mapped none and every product has them; value and currency only for the types that
 * carry them, item_count likewise.
 *
 * @example
 * fitMetadata({ currency: 'usd', products: { id: 'SKU-1', item_price: 24.99, quantity: 3 } }, 'PURCHASE', 'm-1');
 * // { conversion_id: 'm-1', currency: 'USD', products: [{ id: 'SKU-1', quantity: 3, item_price: 24.99 }], item_count: 3, value: 74.97 }
 */
export function fitMetadata(raw: JsonValue | undefined, trackingType: string, conversionId: string): JsonObject {
  const input: JsonObject = isJsonObject(raw) ? removeContactInfo(raw) : {};
  // A placeholder (`undefined`, `null`) is shared by unrelated events: Reddit would keep one of
  // them and drop the others as duplicates, so the messageId is sent instead.
  const mappedId = readText(input.conversion_id);
  const out: JsonObject = { conversion_id: mappedId !== undefined && !namesNoOne(mappedId) ? mappedId : conversionId };
  // Reddit takes no value or currency with the other types: what was mapped for them is not
  // read, so it cannot cost the event.
  const withValue = WITH_VALUE.has(trackingType);
  if (withValue && input.currency !== undefined && input.currency !== null && input.currency !== '') {
    const currency = readText(input.currency);
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`Reddit takes currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(input.currency)}`);
    out.currency = currency.toUpperCase();
  }
  let value = withValue ? decimal(input.value, 'metadata.value') : undefined;
  let itemCount = count(input.item_count);
  const products = asList(input.products).map(product).filter((entry): entry is JsonObject => entry !== undefined);
  if (products.length > 0) {
    out.products = products;
    if (itemCount === undefined && products.every((entry) => typeof entry.quantity === 'number')) {
      const sum = products.reduce((total, entry) => total + (entry.quantity as number), 0);
      if (sum <= MAX_COUNT) itemCount = sum;
    }
    if (value === undefined && products.every((entry) => typeof entry.item_price === 'number' && typeof entry.quantity === 'number')) {
      const sum = products.reduce((total, entry) => total + Math.round((entry.item_price as number) * MICRO) * (entry.quantity as number), 0) / MICRO;
      // A sum past what a double holds would be sent as null, and refused with the request.
      if (Number.isFinite(sum)) value = sum;
    }
  }
  if (itemCount !== undefined && WITH_ITEM_COUNT.has(trackingType)) out.item_count = itemCount;
  if (withValue && value !== undefined) out.value = value;
  return out;
}
