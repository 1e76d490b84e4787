import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from './errors.ts';
import { readDecimal, readInstantMs, readText, readWholeNumber } from './value-readers.ts';

test('text: trimmed non-blank text, or a finite number as its digits; nothing else', () => {
  assert.deepEqual([' SKU-1 ', 'a b', 42, 0, -1.5, 1e21].map(readText), ['SKU-1', 'a b', '42', '0', '-1.5', '1e+21']);
  assert.deepEqual(['', '  ', Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, ['x'], { id: 'x' }].map(readText), Array(9).fill(undefined));
});

test('a decimal: from a number or decimal text; no value is nothing; anything else names the vendor and the field', () => {
  const about = { vendor: 'Reddit', field: 'metadata.value' };
  assert.deepEqual([24.99, ' 24.99 ', '-1', '+2', '.5', '5.', '1e3', '1E-2', 0].map((v) => readDecimal(v, about)), [24.99, 24.99, -1, 2, 0.5, 5, 1000, 0.01, 0]);
  assert.deepEqual([undefined, null, ''].map((v) => readDecimal(v, about)), [undefined, undefined, undefined]);
  for (const value of ['  ', '12,50', '$5', 'abc', '1e999', Number.NaN, Number.POSITIVE_INFINITY, true, [1], { amount: 1 }]) {
    assert.throws(() => readDecimal(value, about), (error: unknown) => error instanceof PermanentError
      && error.message === `Reddit takes metadata.value as a number; the blueprint mapped ${JSON.stringify(value)}: map a number (to_number)`, String(value));
  }
  assert.throws(() => readDecimal('12,50', { vendor: 'LinkedIn', field: 'conversionValue.amount', sentAsText: true }),
    new PermanentError('LinkedIn takes conversionValue.amount as a number (sent as text); the blueprint mapped "12,50": map a number (to_number)'));
});

test('a whole number: truncated from a number or decimal text; nothing otherwise, or outside the range', () => {
  assert.deepEqual([3, 2.7, -2.7, ' 4 ', '1e2', '5.9'].map((v) => readWholeNumber(v)), [3, 2, -2, 4, 100, 5]);
  assert.deepEqual(['', '  ', 'many', '3 items', Number.NaN, Number.POSITIVE_INFINITY, null, undefined, true, [3]].map((v) => readWholeNumber(v)), Array(10).fill(undefined));
  const count = { min: 0, max: 2_147_483_647 };
  assert.deepEqual([0, 7, '7', 2_147_483_647, 2_147_483_647.5, 2_147_483_648, -0.5, -1].map((v) => readWholeNumber(v, count)), [0, 7, 7, 2_147_483_647, undefined, undefined, undefined, undefined]);
});

test('readInstantMs: seconds or ms as numbers or digits, ISO 8601 text; nothing a calendar cannot hold', () => {
  assert.equal(readInstantMs(1796032800), 1796032800000);
  // No offset is UTC whatever the server's zone (Date.parse alone would read it locally).
  assert.equal(readInstantMs('2026-11-30T10:00:00'), 1796032800000);
  assert.equal(readInstantMs('2026-11-30 10:00'), 1796032800000);
  assert.equal(readInstantMs(' 1796032800000 '), 1796032800000);
  assert.equal(readInstantMs(1796032800.9), 1796032800900);
  assert.equal(readInstantMs('2026-11-30T10:00:00Z'), 1796032800000);
  for (const bad of ['yesterday', '', 1e22, Number.NaN, null, {}, undefined] as const) assert.equal(readInstantMs(bad as never), undefined, String(bad));
});
