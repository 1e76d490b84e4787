import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDecimal } from './decimal-text.ts';

test('decimal text only: blank, hex, binary, grouped and infinite text is no number', () => {
  assert.equal(parseDecimal(' 89.99 '), 89.99);
  assert.equal(parseDecimal('-7'), -7);
  assert.equal(parseDecimal('.5'), 0.5);
  assert.equal(parseDecimal('1e3'), 1000);
  for (const text of ['', '   ', '0x10', '0b11', '0o7', '1,234', 'Infinity', '1e400', 'NaN', '12 apples']) assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
});
