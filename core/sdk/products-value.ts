// The value of an order from its products, for a plugin whose vendor takes one value a
// conversion and whose blueprint maps the products when no value is mapped: the sum of price ×
// quantity, added in micro-units so 24.99 × 3 is 74.97 and not 74.97000000000001.
import { PermanentError } from './errors.ts';
import type { JsonObject, JsonValue } from './types.ts';
import { readDecimal } from './value-readers.ts';

/** Micro-units: six decimals, more than any currency has. */
const MICRO = 1_000_000;

export interface ProductsValueAbout {
  /** The vendor, as the refusals name it ("Google Ads", "the Data Manager API"). */
  vendor: string;
  /** The value field the sum stands in for ("conversionValue"): a sum too large for a number says to map it. */
  valueField: string;
  /** Whether the vendor's schema takes numbers as text (said in a refused price or quantity). */
  sentAsText?: boolean;
}

const isProduct = (value: JsonValue): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The products' value: the sum of each one's price × quantity (quantity 1 when absent, whole
 * numbers only: truncated), one product mapped alone counted as a list of one; undefined
 * without products, or when one is no object or has no price (a partial sum would under-count
 * the conversion). A price or quantity that is no number throws readDecimal's PermanentError
 * naming `products[i].price`; so does a sum too large for a number (JSON has no Infinity: it
 * would be sent as null).
 *
 * @example
 * productsValue([{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }], { vendor: 'Google Ads', valueField: 'conversionValue' }); // 75.17
 * productsValue({ price: 24.99 }, { vendor: 'Google Ads', valueField: 'conversionValue' });                                              // 24.99
 * productsValue([{ price: 5 }, { quantity: 1 }], { vendor: 'Google Ads', valueField: 'conversionValue' });                               // undefined
 */
export function productsValue(raw: JsonValue | undefined, about: ProductsValueAbout): number | undefined {
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const products = list.filter(isProduct);
  if (products.length === 0 || products.length !== list.length) return undefined;
  const read = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: about.vendor, field, sentAsText: about.sentAsText });
  let micros = 0;
  for (const [index, product] of products.entries()) {
    const price = read(product.price, `products[${index}].price`);
    if (price === undefined) return undefined;
    const quantity = read(product.quantity, `products[${index}].quantity`) ?? 1;
    micros += Math.round(price * MICRO) * Math.trunc(quantity);
  }
  if (!Number.isFinite(micros)) {
    throw new PermanentError(`${about.vendor} takes ${about.valueField} as a number, and the products' sum of price × quantity is too large for one: map ${about.valueField}`);
  }
  return micros / MICRO;
}
