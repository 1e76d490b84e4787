// An order's items as impact.com's indexed item fields: ItemSku1, ItemName1, ItemCategory1,
// ItemQuantity1, ItemPrice1 (or ItemSubTotal1, as the Brand API v14 OpenAPI spells it; the
// item-level data reference writes it both ways), then ItemSku2…, in the order the products came.
// impact.com's item-level data: Sku, Category, Quantity and ItemPrice (or ItemSubTotal, never
// both) are "required if passing item-level details", Name optional; strings up to 255
// characters; the item amounts then make the sale amount (no order-level Amount is sent with them).
import { isJsonObject, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { moneyOf, quantityOf } from './amounts.ts';

/** The longest item text impact.com takes: "STRING (255)". */
export const MAX_ITEM_TEXT = 255;

/** The indexed fields of the items that could be sent, and what was left out, in words. */
export interface LineItems {
  fields: JsonObject;
  count: number;
  warnings: string[];
}

/**
 * The indexed item fields of a mapped `items` list (`{ sku, name, category, price, quantity }`,
 * or `subtotal`, the line's total, when a blueprint maps no unit price). An item without a SKU or
 * a price, with a negative price, a quantity under 1, or a SKU over 255 characters is left out
 * (said in `warnings`, by its SKU, or by its place in the mapped list when it has none), and the
 * next one takes its number; a name or category over 255 characters is left
 * out of its item; an item without a category is sent, warned (impact.com fills it from a product
 * catalog when one was uploaded).
 *
 * @example
 * lineItemsOf([{ sku: 'SKU-1', name: 'Anvil', category: 'Anvils', price: 10, quantity: 2 }]);
 * // { fields: { ItemSku1: 'SKU-1', ItemName1: 'Anvil', ItemCategory1: 'Anvils', ItemQuantity1: '2', ItemPrice1: '10' }, count: 1, warnings: [] }
 */
export function lineItemsOf(items: JsonValue | undefined): LineItems {
  const fields: JsonObject = {};
  const warnings: string[] = [];
  if (!Array.isArray(items)) return { fields, count: 0, warnings };
  let count = 0;
  items.forEach((item, i) => {
    const which = `items[${i}]`;
    if (!isJsonObject(item)) {
      warnings.push(`${which} left out: not a product object`);
      return;
    }
    const sku = readText(item.sku);
    if (sku === undefined) {
      warnings.push(`${which} left out: no SKU (impact.com needs ItemSku with item-level details)`);
      return;
    }
    if (sku.length > MAX_ITEM_TEXT) {
      warnings.push(`${which} left out: its SKU has ${sku.length} characters, more than impact.com's ${MAX_ITEM_TEXT}`);
      return;
    }
    const quantity = quantityOf(item.quantity);
    if (quantity === undefined) {
      warnings.push(`item ${sku} left out: quantity ${JSON.stringify(item.quantity)} is not a whole number of 1 or more`);
      return;
    }
    const price = moneyOf(item.price, 'price');
    const subtotal = price === undefined ? moneyOf(item.subtotal, 'subtotal') : undefined;
    const amount = price ?? subtotal;
    if (amount === undefined || 'leftOut' in amount) {
      warnings.push(amount === undefined ? `item ${sku} left out: no price (impact.com needs ItemPrice or ItemSubTotal with item-level details)` : `item ${sku} left out: ${amount.leftOut.replace(' left out:', ':')}`);
      return;
    }
    count += 1;
    fields[`ItemSku${count}`] = sku;
    const name = readText(item.name);
    if (name !== undefined && name.length <= MAX_ITEM_TEXT) fields[`ItemName${count}`] = name;
    else if (name !== undefined) warnings.push(`ItemName${count} left out: ${name.length} characters, more than impact.com's ${MAX_ITEM_TEXT}`);
    const category = readText(item.category);
    if (category !== undefined && category.length <= MAX_ITEM_TEXT) fields[`ItemCategory${count}`] = category;
    else if (category !== undefined) warnings.push(`ItemCategory${count} left out: ${category.length} characters, more than impact.com's ${MAX_ITEM_TEXT}`);
    else warnings.push(`ItemCategory${count} not sent: ${sku} has no category (impact.com asks for one with item-level details, unless a product catalog gives it)`);
    fields[`ItemQuantity${count}`] = String(quantity);
    fields[price !== undefined ? `ItemPrice${count}` : `ItemSubTotal${count}`] = amount.value;
  });
  return { fields, count, warnings };
}
