// Piwik PRO's ecommerce requests from Segment's ecommerce events. The Tracking HTTP API names
// the interaction in `e_t` ("Type of event in tracking request … Decides how other parameters
// will be interpreted": order, cart-update, product-detail-view, add-to-cart, remove-from-cart)
// and carries the products in `ec_products` ("two dimensional, index positioned JSON array":
// [sku, name, category, price, quantity, brand, variant], at most 100 products). An order has its
// `ec_id`, `revenue` (the grand total), `ec_st`, `ec_tx`, `ec_sh` and `ec_dt`; a cart update the
// cart's value as `revenue`. Piwik PRO converts no currency: one per app.
import { PermanentError, productsValue, readDecimal, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

type Params = Record<string, string>;
type Warn = (message: string) => void;

const VENDOR = 'Piwik PRO';
/** "E-commerce cart must not contain more than 100 products." */
export const MAX_PRODUCTS = 100;
/** "Max 5 categories" a product. */
const MAX_CATEGORIES = 5;

/** A number read from the event (nothing for no value), else a PermanentError naming the field ("properties.total"). */
function amount(value: JsonValue | undefined, field: string): number | undefined {
  try {
    return readDecimal(value, { vendor: VENDOR, field });
  } catch {
    throw new PermanentError(`${VENDOR} takes ${field} as a number, not ${JSON.stringify(value).slice(0, 60)}: send a number (e.g. 24.99) in the event`);
  }
}

/** A number as a query parameter: its shortest decimal writing. */
const numberText = (value: number): string => String(Number(value.toFixed(6)));

const isObject = (value: JsonValue | undefined): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A product's category: text, or a list of up to 5 (Segment's `category`, or `categories`). */
function categoryOf(product: JsonObject): JsonValue {
  if (Array.isArray(product.categories)) {
    const list = product.categories.flatMap((c) => readText(c) ?? []).slice(0, MAX_CATEGORIES);
    if (list.length > 0) return list;
  }
  return readText(product.category) ?? null;
}

/**
 * One product as Piwik PRO's `ec_products` entry: `[sku, name, category, price, quantity, brand,
 * variant]`, optional places `null`, trailing nulls dropped; undefined, warned, for a product
 * without a SKU (sku, else product_id, else id), which Piwik PRO requires.
 *
 * @example
 * productEntry({ sku: 'craft-311', name: 'Patch', category: 'Crafts', price: 4.99, quantity: 3, brand: 'FairyTales' }, 'properties.products[0]', warn);
 * // ['craft-311', 'Patch', 'Crafts', 4.99, 3, 'FairyTales']
 */
export function productEntry(product: JsonObject, where: string, warn: Warn): JsonValue[] | undefined {
  const sku = readText(product.sku) ?? readText(product.product_id) ?? readText(product.id);
  if (sku === undefined) {
    warn(`${where} left out of ec_products: Piwik PRO requires each product's SKU (sku, product_id or id)`);
    return undefined;
  }
  const quantity = amount(product.quantity, `${where}.quantity`);
  const entry: JsonValue[] = [
    sku, readText(product.name) ?? null, categoryOf(product), amount(product.price, `${where}.price`) ?? null,
    quantity !== undefined && quantity > 0 ? Math.trunc(quantity) : null, readText(product.brand) ?? null, readText(product.variant) ?? null,
  ];
  while (entry.length > 1 && entry[entry.length - 1] === null) entry.pop();
  return entry;
}

/** The products of a list event (`properties.products`), at most 100, each with a SKU. */
function productsOf(properties: JsonObject, warn: Warn): JsonValue[][] {
  const list = properties.products;
  if (!Array.isArray(list)) return [];
  if (list.length > MAX_PRODUCTS) warn(`properties.products has ${list.length} products: Piwik PRO takes at most ${MAX_PRODUCTS} a cart, the first ${MAX_PRODUCTS} were sent`);
  const entries: JsonValue[][] = [];
  list.slice(0, MAX_PRODUCTS).forEach((product, i) => {
    const entry = isObject(product) ? productEntry(product, `properties.products[${i}]`, warn) : undefined;
    if (entry !== undefined) entries.push(entry);
  });
  return entries;
}

/** The products' price × quantity, summed (the SDK's reading): the value of a cart or order that names none. */
const productsTotal = (properties: JsonObject): number | undefined => productsValue(properties.products, { vendor: VENDOR, valueField: 'revenue' });

/**
 * An ecommerce order: `e_t=order`, `ec_id` (order_id; else the messageId, warned), `revenue`
 * (total, else revenue, else value, else the products' sum), `ec_st`, `ec_tx`, `ec_sh`, `ec_dt`
 * and `ec_products`. A PermanentError naming the field when no amount can be told.
 *
 * @example
 * orderParams({ order_id: 'o-1', total: 27.5, tax: 2.5, products: [{ sku: 'S1', price: 25 }] }, 'm-1', warn);
 * // { e_t: 'order', ec_id: 'o-1', revenue: '27.5', ec_tx: '2.5', ec_products: '[["S1",null,null,25]]' }
 */
export function orderParams(properties: JsonObject, messageId: string, warn: Warn): Params {
  let orderId = readText(properties.order_id) ?? readText(properties.orderId);
  if (orderId === undefined) {
    warn('properties.order_id is missing: the messageId was sent as the order ID (ec_id)');
    orderId = messageId;
  }
  const revenue = amount(properties.total, 'properties.total') ?? amount(properties.revenue, 'properties.revenue') ?? amount(properties.value, 'properties.value') ?? productsTotal(properties);
  if (revenue === undefined) throw new PermanentError('Piwik PRO requires an order\'s grand total (revenue): the event has no properties.total, revenue, value, nor products with prices');
  const params: Params = { e_t: 'order', ec_id: orderId, revenue: numberText(revenue) };
  const parts: Array<[string, string]> = [['ec_st', 'subtotal'], ['ec_tx', 'tax'], ['ec_sh', 'shipping'], ['ec_dt', 'discount']];
  for (const [param, field] of parts) {
    const value = amount(properties[field], `properties.${field}`);
    if (value !== undefined) params[param] = numberText(value);
  }
  const products = productsOf(properties, warn);
  if (products.length > 0) params.ec_products = JSON.stringify(products);
  return params;
}

/**
 * A cart update (`e_t=cart-update`): the whole cart as `ec_products` and its value as `revenue`
 * (value, else revenue, else total, else the products' sum).
 *
 * @example
 * cartParams({ products: [{ sku: 'S1', price: 5, quantity: 2 }] }, warn); // { e_t: 'cart-update', revenue: '10', ec_products: '[["S1",null,null,5,2]]' }
 */
export function cartParams(properties: JsonObject, warn: Warn): Params {
  const params: Params = { e_t: 'cart-update' };
  const value = amount(properties.value, 'properties.value') ?? amount(properties.revenue, 'properties.revenue') ?? amount(properties.total, 'properties.total') ?? productsTotal(properties);
  if (value !== undefined) params.revenue = numberText(value);
  params.ec_products = JSON.stringify(productsOf(properties, warn));
  return params;
}

/**
 * A one-product interaction (`e_t` = product-detail-view, add-to-cart or remove-from-cart): the
 * event's product (Segment puts its fields in properties) as the one entry of `ec_products`;
 * null, warned, without a SKU.
 *
 * @example
 * productParams('add-to-cart', { product_id: 'S1', name: 'Tee', price: 5, quantity: 1 }, warn); // { e_t: 'add-to-cart', ec_products: '[["S1","Tee",null,5,1]]' }
 */
export function productParams(type: 'product-detail-view' | 'add-to-cart' | 'remove-from-cart', properties: JsonObject, warn: Warn): Params | null {
  const entry = productEntry(properties, 'properties', warn);
  if (entry === undefined) return null;
  return { e_t: type, ec_products: JSON.stringify([entry]) };
}
