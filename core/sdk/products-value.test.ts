import assert from 'node:assert/strict';
import { test } from 'node:test';
import { productsValue } from './products-value.ts';
import type { JsonValue } from './types.ts';

const ABOUT = { vendor: 'Google Ads', valueField: 'conversionValue' };

test('productsValue: price × quantity summed in micro-units; quantity 1 when absent; one product alone is a list of one', () => {
  assert.equal(productsValue([{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }], ABOUT), 75.17, 'no binary error');
  assert.equal(productsValue([{ price: 24.99, quantity: 3 }, { price: 0.1 }], ABOUT), 75.07);
  assert.equal(productsValue({ price: 24.99 }, ABOUT), 24.99);
  assert.equal(productsValue([{ price: 10, quantity: '2.9' }, { price: 1, quantity: null }, { price: 1, quantity: '' }], ABOUT), 22, 'a quantity truncated; null or blank is 1');
  assert.equal(productsValue([{ price: 0 }], ABOUT), 0);
});

test('productsValue: no products, one that is no object or has no price: no value (never a partial sum)', () => {
  const none: Array<JsonValue | undefined> = [undefined, null, [], [{ price: 5 }, { quantity: 1 }], [{ price: 5 }, 'x'], 'x', [{ price: null }]];
  for (const raw of none) {
    assert.equal(productsValue(raw, ABOUT), undefined, JSON.stringify(raw));
  }
});

test('productsValue: a price or quantity that is no number, or a sum too large for one, is a PermanentError naming the field', () => {
  assert.throws(() => productsValue([{ price: 'free' }], ABOUT), { name: 'PermanentError', message: 'Google Ads takes products[0].price as a number; the blueprint mapped "free": map a number (to_number)' });
  assert.throws(() => productsValue([{ price: 1 }, { price: 2, quantity: 'two' }], { ...ABOUT, vendor: 'LinkedIn', sentAsText: true }),
    { message: 'LinkedIn takes products[1].quantity as a number (sent as text); the blueprint mapped "two": map a number (to_number)' });
  assert.throws(() => productsValue([{ price: 1e303, quantity: 10 }], ABOUT),
    { name: 'PermanentError', message: 'Google Ads takes conversionValue as a number, and the products\' sum of price × quantity is too large for one: map conversionValue' });
});
