import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minorUnitDigits, minorUnits } from './minor-units.ts';

test('ISO 4217 minor units: two digits by default, ISO\'s exceptions, nothing for a code that names no currency', () => {
  assert.deepEqual(['usd', 'EUR', 'JPY', 'KRW', 'KWD', 'BHD', 'CLF', 'HUF', 'IDR', 'COP'].map(minorUnitDigits), [2, 2, 0, 0, 3, 3, 4, 2, 2, 2], 'HUF, IDR and COP have two in ISO 4217, though browsers format them with none');
  for (const bad of ['XYZ', 'US', 'dollars', '']) assert.equal(minorUnitDigits(bad), undefined, bad);
});

test('amounts in the minor unit OpenAI takes: its own example, decimal rounding without float error, signs', () => {
  assert.equal(minorUnits(129.99, 'USD', 'data.amount'), 12999, 'OpenAI\'s example: 12999 for $129.99');
  assert.equal(minorUnits(1.005, 'USD', 'data.amount'), 101, 'not 100 (1.005 × 100 is 100.49999… in binary)');
  assert.equal(minorUnits(0.1 + 0.2, 'EUR', 'data.amount'), 30);
  assert.equal(minorUnits(1500, 'JPY', 'data.amount'), 1500);
  assert.equal(minorUnits(1499.5, 'jpy', 'data.amount'), 1500);
  assert.equal(minorUnits(1.2345, 'KWD', 'data.amount'), 1235);
  assert.equal(minorUnits(-19.995, 'USD', 'data.amount'), -2000, 'half away from zero, as for a positive amount');
  assert.equal(minorUnits(0, 'USD', 'data.amount'), 0);
  assert.throws(() => minorUnits(1, 'XYZ', 'data.contents[0].amount'), { name: 'PermanentError', message: 'OpenAI takes data.contents[0].amount with an ISO 4217 currency; "XYZ" is none' });
});
