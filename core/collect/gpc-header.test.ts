import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasGpcHeader } from './gpc-header.ts';

test('only Sec-GPC: 1 is an opt-out, as the GPC specification defines it', () => {
  assert.equal(hasGpcHeader('1'), true);
  assert.equal(hasGpcHeader(' 1 '), true);
  assert.equal(hasGpcHeader('1, 1'), true, 'a repeated header, as Node joins it');
  assert.equal(hasGpcHeader(['1', '1']), true);
  for (const other of [undefined, '', '0', 'true', 'yes', '1, 0', '11']) assert.equal(hasGpcHeader(other), false, String(other));
});
