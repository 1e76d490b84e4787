// Bloomreach's transactional data: "purchase" and "purchase_item" events (Regular imports:
// "This is imported in the form of 'purchase' and 'purchase_item' events"). A purchase carries
// the order (purchase_id, purchase_status, product_list, product_ids, total_price, …; Custom
// events); each purchase_item one of its products, repeating the order's id, status and
// currency, as Bloomreach's own Magento connector sends them (purchase_item: purchase_id,
// purchase_status, product_id, variant_id, title, brand, sku, category_level_1, price,
// price_local_currency, local_currency, quantity, total_price, total_price_local_currency). A
// blueprint cannot multiply, so the plugin fills in each line's total_price (and
// total_price_local_currency) and the order's total_quantity.
import { isJsonObject, productsValue, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Bloomreach: "You can send up to 50 commands in a batch" — an order and its items travel in one. */
export const MAX_COMMANDS = 50;
export const PURCHASE_ITEM = 'purchase_item';
/** The order's fields every purchase_item repeats (its own values win). */
const SHARED = ['purchase_id', 'purchase_status', 'purchase_source_type', 'purchase_source_name', 'local_currency'] as const;

/**
 * The number of units in a product list: each object's `quantity` (a whole number; 1 when
 * absent or unreadable); undefined for a value that is no list of objects.
 *
 * @example
 * totalQuantityOf([{ product_id: 'A', quantity: 2 }, { product_id: 'B' }]); // 3
 */
export function totalQuantityOf(productList: JsonValue | undefined): number | undefined {
  if (!Array.isArray(productList)) return undefined;
  const lines = productList.filter(isJsonObject);
  if (lines.length === 0) return undefined;
  return lines.reduce((sum, line) => sum + (readWholeNumber(line.quantity, { min: 0 }) ?? 1), 0);
}

/** Each unit price with the line total it makes: in the reference currency, and in the local one. */
const LINE_TOTALS = [['price', 'total_price'], ['price_local_currency', 'total_price_local_currency']] as const;

/** A line's unit price (`priceField`) × quantity (the SDK's productsValue); undefined without a readable price, said through `warn`. */
function lineTotal(line: JsonObject, priceField: string, totalField: string, warn?: (message: string) => void): number | undefined {
  try {
    return productsValue({ price: line[priceField] ?? null, quantity: line.quantity ?? null }, { vendor: 'Bloomreach', valueField: totalField });
  } catch (error) {
    warn?.(`purchase_items: ${(error as Error).message}; that purchase_item was sent without ${totalField}`);
    return undefined;
  }
}

/**
 * The properties of a purchase's purchase_item events, one per object of `items` (at most
 * `MAX_COMMANDS - 1`, so the purchase and its items fit one batch request; the rest are left
 * out, said through `warn`): the item's fields after the order's purchase_id, purchase_status,
 * purchase_source_type, purchase_source_name and local_currency, quantity 1 when absent, and
 * total_price (price × quantity) and total_price_local_currency (price_local_currency ×
 * quantity) when the item gives none.
 *
 * @example
 * purchaseItemProperties({ purchase_id: 'O-1', purchase_status: 'success', local_currency: 'EUR' }, [{ product_id: 'A', price: 5, quantity: 2 }]);
 * // [{ purchase_id: 'O-1', purchase_status: 'success', local_currency: 'EUR', product_id: 'A', price: 5, quantity: 2, total_price: 10 }]
 */
export function purchaseItemProperties(purchase: JsonObject, items: JsonValue[], warn?: (message: string) => void): JsonObject[] {
  const lines: JsonObject[] = [];
  let notObjects = 0;
  for (const item of items) {
    if (!isJsonObject(item)) {
      notObjects++;
      continue;
    }
    const line: JsonObject = {};
    for (const field of SHARED) if (purchase[field] !== undefined && purchase[field] !== null) line[field] = purchase[field];
    Object.assign(line, item);
    if (line.quantity === undefined || line.quantity === null) line.quantity = 1;
    for (const [priceField, totalField] of LINE_TOTALS) {
      if (line[priceField] === undefined || line[priceField] === null || (line[totalField] !== undefined && line[totalField] !== null)) continue;
      const total = lineTotal(line, priceField, totalField, warn);
      if (total !== undefined) line[totalField] = total;
    }
    lines.push(line);
  }
  if (notObjects > 0) warn?.(`purchase_items: ${notObjects} ${notObjects === 1 ? 'entry is' : 'entries are'} not a product object; no purchase_item was sent for ${notObjects === 1 ? 'it' : 'them'}`);
  const room = MAX_COMMANDS - 1;
  if (lines.length > room) {
    warn?.(`purchase_items: the order has ${lines.length} products and one Bloomreach batch takes ${MAX_COMMANDS} commands (the purchase and ${room} purchase_item events): the last ${lines.length - room} purchase_item events were not sent (the purchase's product_list names every product)`);
    return lines.slice(0, room);
  }
  return lines;
}
