import assert from 'node:assert/strict';
import { test } from 'node:test';
import { purchaseItemProperties, totalQuantityOf } from './purchase-items.ts';

test('purchaseItemProperties: the order\'s id, status, source and currency, the item\'s fields, quantity 1 and total_price filled in', () => {
  const order = { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', total_price: 99, product_list: [] };
  assert.deepEqual(purchaseItemProperties(order, [{ product_id: 'A', price: 9.99, quantity: 3 }, { product_id: 'B', price: '5' }, { product_id: 'C', total_price: 1, local_currency: 'GBP' }, { product_id: 'D', price_local_currency: 4, quantity: 2 }]), [
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', product_id: 'A', price: 9.99, quantity: 3, total_price: 29.97 },
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', product_id: 'B', price: '5', quantity: 1, total_price: 5 },
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'GBP', product_id: 'C', total_price: 1, quantity: 1 },
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', local_currency: 'EUR', product_id: 'D', price_local_currency: 4, quantity: 2, total_price_local_currency: 8 },
  ]);
});

test('purchaseItemProperties: entries that are no object, and items past 49, left out with a warning', () => {
  const warnings: string[] = [];
  const items = Array.from({ length: 52 }, (_, i) => ({ product_id: `P-${i}` }));
  const lines = purchaseItemProperties({ purchase_id: 'O-1' }, [...items, 'SKU-9', null], (m) => warnings.push(m));
  assert.equal(lines.length, 49);
  assert.equal(lines[48]!.product_id, 'P-48');
  assert.deepEqual(warnings, [
    'purchase_items: 2 entries are not a product object; no purchase_item was sent for them',
    'purchase_items: the order has 52 products and one Bloomreach batch takes 50 commands (the purchase and 49 purchase_item events): the last 3 purchase_item events were not sent (the purchase\'s product_list names every product)',
  ]);
});

test('purchaseItemProperties: a price that is no number leaves total_price out, said', () => {
  const warnings: string[] = [];
  assert.deepEqual(purchaseItemProperties({ purchase_id: 'O-1' }, [{ product_id: 'A', price: 'free' }], (m) => warnings.push(m)), [{ purchase_id: 'O-1', product_id: 'A', price: 'free', quantity: 1 }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^purchase_items: Bloomreach takes products\[0\]\.price as a number; .*that purchase_item was sent without total_price$/);
});

test('totalQuantityOf: each line\'s whole quantity, 1 when absent', () => {
  assert.equal(totalQuantityOf([{ product_id: 'A', quantity: 2 }, { product_id: 'B' }, { product_id: 'C', quantity: '3' }, 'x']), 6);
  assert.equal(totalQuantityOf([]), undefined);
  assert.equal(totalQuantityOf('x'), undefined);
});
