// An order's products as Awin's product-level tracking takes them (`basket`): each product's id,
// name, unit price, quantity, SKU, category and commission group code — Awin's product row is
// "productId | productName | productItemPrice | productQuantity | productSku |
// commissionGroupCode | productCategory", whose values "must not contain pipes, as those are used
// as delimiter" (Product-level tracking). Each product's commission group: its own
// `commission_group`, else its category's (config), else the order's.
import { isJsonObject, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { moneyOf, toCents } from './amounts.ts';

/** A commission group code a blueprint may map: letters, digits, `_ . -`. */
export const GROUP_CODE = /^[A-Za-z0-9_.-]{1,50}$/;
/** The longest product text sent (Awin documents none; a product name of 255 characters is plenty). */
const MAX_TEXT = 255;

/** One basket line's commission group and price × quantity. */
export interface BasketLine {
  code: string;
  total: number;
}

/** The basket to send, each line's group and total, and what was left out, in words. */
export interface Basket {
  items: JsonObject[];
  lines: BasketLine[];
  warnings: string[];
}

/** Product text without pipes (Awin's delimiter), cut to 255 characters; undefined for none. */
function productText(value: JsonValue | undefined): string | undefined {
  const text = readText(value)?.replaceAll('|', ' ').replace(/\s+/g, ' ').trim();
  return text === undefined || text === '' ? undefined : text.slice(0, MAX_TEXT);
}

/**
 * A mapped commission group code, or undefined when there is none or it is not one.
 *
 * @example
 * groupCodeOf(' BOOKS '); // 'BOOKS'
 * groupCodeOf('A|B');     // undefined
 */
export function groupCodeOf(value: JsonValue | undefined): string | undefined {
  const code = readText(value);
  return code !== undefined && GROUP_CODE.test(code) ? code : undefined;
}

/**
 * The basket of a mapped `products` list (`{ id, name, price, quantity, sku, category,
 * commission_group }`): a product without an id, a name or a price, or with a negative price or
 * a quantity below 1, is left out (said in `warnings`); a missing quantity is 1. `orderGroup` is
 * the group of products nothing else names; `categoryGroups` the config's category → group map
 * (keys lower-cased).
 *
 * @example
 * basketOf([{ id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, category: 'Footwear' }], 'DEFAULT', new Map());
 * // { items: [{ id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, category: 'Footwear', commissionGroupCode: 'DEFAULT' }],
 * //   lines: [{ code: 'DEFAULT', total: 59.99 }], warnings: [] }
 */
export function basketOf(products: JsonValue | undefined, orderGroup: string, categoryGroups: ReadonlyMap<string, string>): Basket {
  const items: JsonObject[] = [];
  const lines: BasketLine[] = [];
  const warnings: string[] = [];
  if (!Array.isArray(products)) return { items, lines, warnings };
  products.forEach((product, i) => {
    const which = `products[${i}]`;
    if (!isJsonObject(product)) {
      warnings.push(`${which} left out of the basket: not a product object`);
      return;
    }
    const id = productText(product.id);
    const name = productText(product.name);
    const price = moneyOf(product.price, `${which}.price`);
    const quantity = product.quantity === undefined || product.quantity === null || product.quantity === '' ? 1 : Number(product.quantity);
    const missing = [id === undefined ? 'an id' : '', name === undefined ? 'a name' : '', price === undefined ? 'a price' : ''].filter(Boolean);
    if (missing.length > 0) {
      warnings.push(`${id ?? which} left out of the basket: no ${missing.join(', ')} (Awin's product-level tracking needs id, name, price and quantity)`);
      return;
    }
    if (price! < 0) {
      warnings.push(`${id} left out of the basket: price ${price} below 0`);
      return;
    }
    if (!Number.isInteger(quantity) || quantity < 1) {
      warnings.push(`${id} left out of the basket: quantity ${JSON.stringify(product.quantity)} is not a whole number of 1 or more`);
      return;
    }
    const category = productText(product.category);
    const code = groupCodeOf(product.commission_group) ?? (category === undefined ? undefined : categoryGroups.get(category.toLowerCase())) ?? orderGroup;
    const sku = productText(product.sku);
    const item: JsonObject = { id: id!, name: name!, price: toCents(price!), quantity };
    if (sku !== undefined) item.sku = sku;
    if (category !== undefined) item.category = category;
    item.commissionGroupCode = code;
    items.push(item);
    lines.push({ code, total: price! * quantity });
  });
  return { items, lines, warnings };
}
