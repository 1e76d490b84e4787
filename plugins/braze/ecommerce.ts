// Braze's eCommerce recommended events (Recommended events: event schemas, event validation):
// custom events named `ecommerce.*` whose properties Braze validates against a strict schema on
// ingestion. One that fails — a required property missing, a property at the top level the
// schema does not name, a negative amount, a product without its name or price — is dropped
// entirely (no profile, no revenue, no cart), and reported as an error of the request. The
// plugin fits what a blueprint mapped to the schema, whatever the blueprint: properties the
// schema does not name go under `metadata` (where Braze keeps custom data), and an event still
// missing what Braze requires is dead-lettered naming the field, instead of being dropped by
// Braze.
import { isJsonObject, PermanentError, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

interface Schema {
  /** Top-level properties Braze requires (present and not blank). */
  required: readonly string[];
  /** The other top-level properties the schema names. */
  optional: readonly string[];
}

const AMOUNTS = ['total_value', 'subtotal_value', 'tax', 'shipping', 'total_discounts'] as const;

/** The six eCommerce recommended events and their top-level properties (Braze: Recommended events, event schemas). */
export const ECOMMERCE_SCHEMAS: Readonly<Record<string, Schema>> = {
  'ecommerce.product_viewed': { required: ['product_id', 'product_name', 'variant_id', 'price', 'currency', 'source'], optional: ['image_url', 'product_url', 'type', 'metadata'] },
  // total_value is required for a full cart (no `action`, or `replace`), optional for `add` and `remove`.
  'ecommerce.cart_updated': { required: ['cart_id', 'currency', 'products', 'source'], optional: ['action', 'total_value', 'subtotal_value', 'tax', 'shipping', 'metadata'] },
  'ecommerce.checkout_started': { required: ['checkout_id', 'total_value', 'currency', 'products', 'source'], optional: ['cart_id', 'subtotal_value', 'tax', 'shipping', 'metadata'] },
  'ecommerce.order_placed': { required: ['order_id', 'total_value', 'currency', 'products', 'source'], optional: ['cart_id', 'subtotal_value', 'tax', 'shipping', 'total_discounts', 'discounts', 'metadata'] },
  'ecommerce.order_cancelled': { required: ['order_id', 'cancel_reason', 'total_value', 'currency', 'products', 'source'], optional: ['subtotal_value', 'tax', 'shipping', 'total_discounts', 'discounts', 'metadata'] },
  'ecommerce.order_refunded': { required: ['order_id', 'total_value', 'currency', 'products', 'source'], optional: ['total_discounts', 'discounts', 'metadata'] },
};

/** A product of `products[]`: what Braze requires of each, and what else it names. */
const PRODUCT: Schema = { required: ['product_id', 'product_name', 'variant_id', 'quantity', 'price'], optional: ['image_url', 'product_url', 'metadata'] };

function blank(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

/**
 * An object with the keys the schema does not name moved under its `metadata` (the metadata's
 * own keys win), or why it cannot be.
 */
function withMetadata(object: JsonObject, schema: Schema, where: string, problems: string[]): JsonObject {
  const named = new Set([...schema.required, ...schema.optional]);
  const extra = Object.keys(object).filter((key) => !named.has(key));
  if (extra.length === 0) return object;
  if (object.metadata !== undefined && !isJsonObject(object.metadata)) {
    problems.push(`${where}metadata is not an object, so ${extra.join(', ')} cannot go under it`);
    return object;
  }
  const fitted: JsonObject = {};
  const metadata: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (named.has(key)) fitted[key] = value;
    else metadata[key] = value;
  }
  fitted.metadata = { ...metadata, ...(isJsonObject(object.metadata) ? object.metadata : {}) };
  return fitted;
}

function checkAmount(value: JsonValue | undefined, at: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) problems.push(`${at} ${JSON.stringify(value)} is not an amount Braze takes (a number ≥ 0)`);
}

/**
 * The properties of an eCommerce recommended event as Braze's schema takes them: what it does
 * not name moved under `metadata` (the event's, or the product's), every required property and
 * product field present, amounts numbers ≥ 0, quantities whole numbers. Throws a
 * PermanentError naming every field Braze would refuse the event for. Other events' properties
 * are returned as given.
 *
 * @example
 * fitEcommerce('ecommerce.order_placed', { order_id: 'O-1', total_value: 10, currency: 'USD', source: 'web', coupon: 'SPRING', products: [...] });
 * // { order_id: 'O-1', total_value: 10, currency: 'USD', source: 'web', products: [...], metadata: { coupon: 'SPRING' } }
 */
export function fitEcommerce(name: string, properties: JsonObject): JsonObject {
  const schema = ECOMMERCE_SCHEMAS[name];
  if (!schema) return properties;
  const problems: string[] = [];
  const fitted = withMetadata(properties, schema, 'properties.', problems);
  const required = name === 'ecommerce.cart_updated' && !['add', 'remove'].includes(String(fitted.action ?? '').trim().toLowerCase())
    ? [...schema.required, 'total_value']
    : schema.required;
  const missing = required.filter((key) => blank(fitted[key]));
  if (missing.length > 0) problems.push(`${missing.map((key) => `properties.${key}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  for (const key of AMOUNTS) checkAmount(fitted[key], `properties.${key}`, problems);
  if (fitted.price !== undefined) checkAmount(fitted.price, 'properties.price', problems);
  if (fitted.products !== undefined && !Array.isArray(fitted.products)) problems.push('properties.products is not a list');
  if (Array.isArray(fitted.products)) {
    fitted.products = fitted.products.map((product, index) => {
      const at = `properties.products[${index}].`;
      if (!isJsonObject(product)) {
        problems.push(`properties.products[${index}] is not an object`);
        return product;
      }
      const item = withMetadata(product, PRODUCT, at, problems);
      const gaps = PRODUCT.required.filter((key) => blank(item[key]));
      if (gaps.length > 0) problems.push(`${gaps.map((key) => `${at}${key}`).join(', ')} ${gaps.length === 1 ? 'is' : 'are'} missing`);
      checkAmount(item.price, `${at}price`, problems);
      if (item.quantity !== undefined && !(typeof item.quantity === 'number' && Number.isInteger(item.quantity) && item.quantity >= 0)) {
        problems.push(`${at}quantity ${JSON.stringify(item.quantity)} is not a whole number ≥ 0`);
      }
      return item;
    });
  }
  if (problems.length > 0) {
    throw new PermanentError(`Braze drops an ${name} event its schema refuses, so it was not sent: ${problems.join('; ')}. Map the field in the blueprint (or fix the source), then replay`);
  }
  return fitted;
}
