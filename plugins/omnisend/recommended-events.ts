// Segment's e-commerce events as Omnisend's recommended events, whose names, `eventVersion` and
// `properties` Omnisend documents one by one (its "Events overview" pages) and whose automations
// (order confirmation, cart, checkout and product abandonment) and reports read them:
//   Order Completed  → placed order (v2): orderID, currency, totalPrice (reports need it), createdAt, discounts, lineItems
//   Order Cancelled  → order canceled (v2): the same, with cancelReason
//   Checkout Started → started checkout (version empty): cartID, currency, value, abandonedCheckoutURL, lineItems
//   Product Added    → added product to cart (version empty): cartID, currency, value, abandonedCheckoutURL, addedItem, lineItems
//   Product Viewed   → viewed product (v4): product { id, title, price, currency, url, imageUrl, … }
// A line item is Omnisend's `product…` object (productID, productSKU, productTitle, productPrice,
// productQuantity, productDiscount, productURL, productImageURL, productVendor,
// productCategories) from a Segment product (product_id, sku, name, price, quantity, url,
// image_url, brand, category). Contact information never goes into these properties.
import { PermanentError, readDecimal, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** A recommended event: its Omnisend name, version, and properties built from the Segment event's. */
export interface RecommendedEvent {
  eventName: string;
  /** Omnisend's documented version; empty for the cart events (sent without one). */
  eventVersion: string;
  properties: JsonObject;
}

type Builder = (properties: JsonObject, timestamp: string) => JsonObject;

/** Segment's names (lower case) → Omnisend's recommended event. */
const RECOMMENDED: ReadonlyMap<string, { eventName: string; eventVersion: string; build: Builder }> = new Map([
  ['order completed', { eventName: 'placed order', eventVersion: 'v2', build: (p, t) => orderProperties(p, t, 'placed order') }],
  ['order cancelled', { eventName: 'order canceled', eventVersion: 'v2', build: (p, t) => ({ ...orderProperties(p, t, 'order canceled'), ...optionalText('cancelReason', p.reason) }) }],
  ['checkout started', { eventName: 'started checkout', eventVersion: '', build: (p) => cartProperties(p, 'started checkout') }],
  ['product added', { eventName: 'added product to cart', eventVersion: '', build: (p) => addedToCartProperties(p) }],
  ['product viewed', { eventName: 'viewed product', eventVersion: 'v4', build: (p) => viewedProductProperties(p) }],
]);

/** The Segment names the plugin sends as recommended events. */
export const RECOMMENDED_SEGMENT_EVENTS = ['Order Completed', 'Order Cancelled', 'Checkout Started', 'Product Added', 'Product Viewed'] as const;

function optionalText(name: string, value: JsonValue | undefined): JsonObject {
  const text = readText(value);
  return text === undefined ? {} : { [name]: text };
}

function optionalNumber(name: string, value: JsonValue | undefined, field: string): JsonObject {
  const number = readDecimal(value, { vendor: 'Omnisend', field });
  return number === undefined ? {} : { [name]: number };
}

/** A text id the event must carry, else a PermanentError naming the property. */
function requiredId(value: JsonValue | undefined, field: string, eventName: string): string {
  const id = readText(value);
  if (id === undefined) throw new PermanentError(`Omnisend's ${eventName} event needs properties.${field} (the id its automations match on), and the event has none: map it in the blueprint or send the event with it`);
  return id;
}

function currencyOf(properties: JsonObject): JsonObject {
  const currency = readText(properties.currency);
  return currency === undefined ? {} : { currency: currency.toUpperCase() };
}

/**
 * A Segment product as Omnisend's line item, or undefined for one that is no object.
 *
 * @example
 * lineItemOf({ product_id: 'p-1', sku: 'SKU-1', name: 'Trail Shoe', price: 59.9, quantity: 2, url: 'https://shop.example/p-1' }, 'products[0]');
 * // { productID: 'p-1', productSKU: 'SKU-1', productTitle: 'Trail Shoe', productPrice: 59.9, productQuantity: 2, productURL: 'https://shop.example/p-1' }
 */
export function lineItemOf(product: JsonValue | undefined, path: string): JsonObject | undefined {
  if (product === null || product === undefined || typeof product !== 'object' || Array.isArray(product)) return undefined;
  const category = readText(product.category);
  return {
    ...optionalText('productID', product.product_id ?? product.productId ?? product.id),
    ...optionalText('productSKU', product.sku),
    ...optionalText('productVariantID', product.variant_id),
    ...optionalText('productTitle', product.name ?? product.title),
    ...optionalText('productVariantTitle', product.variant),
    ...optionalNumber('productPrice', product.price, `${path}.price`),
    ...optionalNumber('productQuantity', product.quantity, `${path}.quantity`),
    ...optionalNumber('productDiscount', product.discount, `${path}.discount`),
    ...optionalText('productURL', product.url),
    ...optionalText('productImageURL', product.image_url ?? product.imageUrl),
    ...optionalText('productVendor', product.brand),
    ...(category === undefined ? {} : { productCategories: [{ id: category, title: category }] }),
  };
}

/** The event's `products` as line items (a missing or malformed list as none). */
function lineItemsOf(properties: JsonObject): JsonValue[] {
  const products = Array.isArray(properties.products) ? properties.products : [];
  return products.map((product, i) => lineItemOf(product, `properties.products[${i}]`)).filter((item): item is JsonObject => item !== undefined);
}

/** The order's total: Segment's total, else revenue, else value. */
function orderTotal(properties: JsonObject): JsonObject {
  const field = properties.total !== undefined ? 'total' : properties.revenue !== undefined ? 'revenue' : 'value';
  return optionalNumber('totalPrice', properties[field], `properties.${field}`);
}

function orderProperties(properties: JsonObject, timestamp: string, eventName: string): JsonObject {
  const coupon = readText(properties.coupon);
  const lineItems = lineItemsOf(properties);
  return {
    orderID: requiredId(properties.order_id ?? properties.orderId, 'order_id', eventName),
    createdAt: timestamp,
    ...currencyOf(properties),
    ...orderTotal(properties),
    ...(coupon === undefined ? {} : { discounts: [{ code: coupon, ...optionalNumber('amount', properties.discount, 'properties.discount') }] }),
    ...(lineItems.length > 0 ? { lineItems } : {}),
  };
}

function cartProperties(properties: JsonObject, eventName: string): JsonObject {
  const lineItems = lineItemsOf(properties);
  const valueField = properties.value !== undefined ? 'value' : properties.revenue !== undefined ? 'revenue' : 'total';
  return {
    cartID: requiredId(properties.cart_id ?? properties.checkout_id ?? properties.order_id, 'cart_id', eventName),
    ...currencyOf(properties),
    ...optionalNumber('value', properties[valueField], `properties.${valueField}`),
    ...optionalText('abandonedCheckoutURL', properties.checkout_url ?? properties.cart_url ?? properties.abandoned_checkout_url),
    ...(lineItems.length > 0 ? { lineItems } : {}),
  };
}

function addedToCartProperties(properties: JsonObject): JsonObject {
  const added = lineItemOf(properties, 'properties') ?? {};
  const listed = lineItemsOf(properties);
  return { ...cartProperties(properties, 'added product to cart'), addedItem: added, lineItems: listed.length > 0 ? listed : [added] };
}

function viewedProductProperties(properties: JsonObject): JsonObject {
  const category = readText(properties.category);
  return {
    product: {
      id: requiredId(properties.product_id ?? properties.productId ?? properties.id, 'product_id', 'viewed product'),
      ...optionalText('variantID', properties.variant_id),
      ...optionalText('sku', properties.sku),
      ...optionalText('title', properties.name ?? properties.title),
      ...optionalNumber('price', properties.price, 'properties.price'),
      ...currencyOf(properties),
      ...optionalText('url', properties.url),
      ...optionalText('imageUrl', properties.image_url ?? properties.imageUrl),
      ...optionalText('vendor', properties.brand),
      ...(category === undefined ? {} : { categories: [{ id: category, title: category }] }),
    },
  };
}

/**
 * The recommended event a Segment e-commerce event is, or undefined for any other name (sent as
 * a custom event). The name is read as Segment writes it, case aside.
 *
 * @example
 * recommendedEventOf('Order Completed', { order_id: 'o-1', total: 42, currency: 'eur' }, '2024-03-24T16:00:00.000Z');
 * // { eventName: 'placed order', eventVersion: 'v2', properties: { orderID: 'o-1', createdAt: '2024-03-24T16:00:00.000Z', currency: 'EUR', totalPrice: 42 } }
 * recommendedEventOf('Signed Up', {}, '…'); // undefined
 */
export function recommendedEventOf(name: string, properties: JsonObject, timestamp: string): RecommendedEvent | undefined {
  const recommended = RECOMMENDED.get(name.trim().toLowerCase());
  if (recommended === undefined) return undefined;
  return { eventName: recommended.eventName, eventVersion: recommended.eventVersion, properties: recommended.build(properties, timestamp) };
}
