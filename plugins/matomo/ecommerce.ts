// Matomo's ecommerce requests from Segment's ecommerce events. "You must set &idgoal=0 in the
// request to track an ecommerce interaction: cart update or an ecommerce order": an order has its
// `ec_id` ("required when tracking an ecommerce order"), `revenue` ("The grand total … required"),
// `ec_st`, `ec_tx`, `ec_sh`, `ec_dt` and `ec_items`; a cart update is the same without `ec_id`,
// the cart's value as revenue and every product in the cart as items. A product view is a page
// view with `_pks`, `_pkn`, `_pkc` and `_pkp` (the JavaScript tracker's setEcommerceView before
// trackPageView). Matomo takes amounts in the website's currency and converts none.
import { readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

type Params = Record<string, string>;
type Warn = (message: string) => void;

/**
 * A number from a number or decimal text, else undefined.
 *
 * @example
 * amountOf('24.99'); // 24.99
 * amountOf('$5');    // undefined
 */
export function amountOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) return undefined;
  return Number(value);
}

/** A number as a query parameter: its shortest decimal writing. */
const numberText = (value: number): string => String(Number(value.toFixed(6)));

/**
 * Matomo's `ec_items` of Segment's products: `[sku, name, category, price, quantity]` each ("item
 * sku (required), item name (or … an empty string), item category (or … empty string), item price
 * (or … 0), item quantity (or … 1)"); a product without a SKU or id is left out, warned.
 *
 * @example
 * itemsOf([{ sku: 'SKU-1', name: 'Tee', category: 'Apparel', price: 19.9, quantity: 2 }], warn); // [['SKU-1', 'Tee', 'Apparel', 19.9, 2]]
 */
export function itemsOf(products: JsonValue | undefined, warn: Warn): JsonValue[][] {
  if (!Array.isArray(products)) return [];
  const items: JsonValue[][] = [];
  products.forEach((product, i) => {
    if (product === null || typeof product !== 'object' || Array.isArray(product)) return;
    const sku = readText(product.sku) ?? readText(product.product_id) ?? readText(product.id);
    if (sku === undefined) {
      warn(`properties.products[${i}] left out of ec_items: Matomo requires each item's SKU (sku, product_id or id)`);
      return;
    }
    const quantity = amountOf(product.quantity);
    items.push([sku, readText(product.name) ?? '', readText(product.category) ?? '', amountOf(product.price) ?? 0, quantity !== undefined && quantity > 0 ? quantity : 1]);
  });
  return items;
}

/** The items' price × quantity, summed: the value of a cart or order that names none. */
function itemsTotal(items: JsonValue[][]): number {
  return items.reduce((sum, item) => sum + (Number(item[3]) || 0) * (Number(item[4]) || 0), 0);
}

function currencyWarning(properties: JsonObject, siteCurrency: string | undefined, warn: Warn): void {
  const currency = readText(properties.currency)?.toUpperCase();
  if (siteCurrency !== undefined && currency !== undefined && currency !== siteCurrency) {
    warn(`properties.currency is ${currency}, the website's currency is ${siteCurrency} (config.currency): Matomo converts no amounts, so they are recorded as ${siteCurrency}`);
  }
}

/**
 * The parameters of an ecommerce order: `idgoal=0`, `ec_id` (the order id; else the messageId,
 * warned, so a retried order is still recorded once — Matomo ignores an order id it has), the
 * grand total as `revenue` (total, else revenue, else value, else the items' sum), `ec_st`
 * (subtotal), `ec_tx` (tax), `ec_sh` (shipping), `ec_dt` (discount), `ec_items`. Null, warned,
 * when no amount can be told.
 *
 * @example
 * orderParams({ order_id: 'o-1', total: 27.5, tax: 2.5, products: [{ sku: 'S1', price: 25 }] }, 'm-1', undefined, warn);
 * // { idgoal: '0', ec_id: 'o-1', revenue: '27.5', ec_tx: '2.5', ec_items: '[["S1","","",25,1]]' }
 */
export function orderParams(properties: JsonObject, messageId: string, siteCurrency: string | undefined, warn: Warn): Params | null {
  const items = itemsOf(properties.products, warn);
  let orderId = readText(properties.order_id) ?? readText(properties.orderId);
  if (orderId === undefined) {
    warn('properties.order_id is missing: the messageId was sent as the order id (ec_id), which Matomo requires');
    orderId = messageId;
  }
  const revenue = amountOf(properties.total) ?? amountOf(properties.revenue) ?? amountOf(properties.value) ?? (items.length > 0 ? itemsTotal(items) : undefined);
  if (revenue === undefined) {
    warn('not sent: an ecommerce order needs its grand total (properties.total, revenue or value, or products with prices), which Matomo requires as revenue');
    return null;
  }
  currencyWarning(properties, siteCurrency, warn);
  const params: Params = { idgoal: '0', ec_id: orderId, revenue: numberText(revenue) };
  const parts: Array<[string, JsonValue | undefined]> = [['ec_st', properties.subtotal], ['ec_tx', properties.tax], ['ec_sh', properties.shipping], ['ec_dt', properties.discount]];
  for (const [name, value] of parts) {
    const amount = amountOf(value);
    if (amount !== undefined) params[name] = numberText(amount);
  }
  if (items.length > 0) params.ec_items = JSON.stringify(items);
  return params;
}

/**
 * The parameters of a cart update: `idgoal=0`, the cart's value as `revenue` (value, else
 * revenue, else total, else the items' sum; 0 for an empty cart) and every product as `ec_items`.
 *
 * @example
 * cartParams({ products: [{ sku: 'S1', price: 10, quantity: 2 }] }, undefined, warn); // { idgoal: '0', revenue: '20', ec_items: '[["S1","","",10,2]]' }
 */
export function cartParams(properties: JsonObject, siteCurrency: string | undefined, warn: Warn): Params {
  const items = itemsOf(properties.products, warn);
  const revenue = amountOf(properties.value) ?? amountOf(properties.revenue) ?? amountOf(properties.total) ?? itemsTotal(items);
  currencyWarning(properties, siteCurrency, warn);
  return { idgoal: '0', revenue: numberText(revenue), ec_items: JSON.stringify(items) };
}

/**
 * The product view parameters of a page view: `_pks` (SKU, else product id), `_pkn` (name),
 * `_pkc` (category), `_pkp` (price), those the product has.
 *
 * @example
 * productViewParams({ product_id: 'P-1', name: 'Tee', price: 19.9 }); // { _pks: 'P-1', _pkn: 'Tee', _pkp: '19.9' }
 */
export function productViewParams(properties: JsonObject): Params {
  const params: Params = {};
  const sku = readText(properties.sku) ?? readText(properties.product_id) ?? readText(properties.id);
  const name = readText(properties.name);
  const category = readText(properties.category);
  const price = amountOf(properties.price);
  if (sku !== undefined) params._pks = sku;
  if (name !== undefined) params._pkn = name;
  if (category !== undefined) params._pkc = category;
  if (price !== undefined) params._pkp = numberText(price);
  return params;
}
