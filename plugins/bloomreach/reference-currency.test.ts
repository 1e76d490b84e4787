import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillAmounts } from './reference-currency.ts';

test('fillAmounts: each amount\'s twin filled in when the event\'s currency is the reference one, or either is unknown', () => {
  assert.deepEqual(fillAmounts({ local_currency: 'eur', total_price_local_currency: 25, price_local_currency: 5 }, 'EUR'), {
    properties: { local_currency: 'eur', total_price_local_currency: 25, price_local_currency: 5, total_price: 25, price: 5 }, leftOut: [],
  });
  assert.deepEqual(fillAmounts({ local_currency: 'GBP', total_price: 12 }, undefined).properties, { local_currency: 'GBP', total_price: 12, total_price_local_currency: 12 }, 'no reference currency configured');
  assert.deepEqual(fillAmounts({ price_local_currency: 3 }, 'EUR').properties, { price_local_currency: 3, price: 3 }, 'an event without a currency');
  assert.deepEqual(fillAmounts({ local_currency: 'EUR', total_price: 10, total_price_local_currency: 11 }, 'EUR').properties, { local_currency: 'EUR', total_price: 10, total_price_local_currency: 11 }, 'both given: kept');
  assert.deepEqual(fillAmounts({ plan: 'pro' }, 'EUR'), { properties: { plan: 'pro' }, leftOut: [] });
});

test('fillAmounts: in another currency the reference amounts are left out, named; a site\'s own kept', () => {
  assert.deepEqual(fillAmounts({ local_currency: 'USD', total_price_local_currency: 30, price_local_currency: 15 }, 'EUR'), {
    properties: { local_currency: 'USD', total_price_local_currency: 30, price_local_currency: 15 }, leftOut: ['total_price', 'price'],
  });
  assert.deepEqual(fillAmounts({ local_currency: 'USD', total_price: 27.5 }, 'EUR'), { properties: { local_currency: 'USD', total_price: 27.5 }, leftOut: [] });
});
