import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantText } from './instant-text.ts';

test('an instant as ISO text, or the number when a Date cannot hold it', () => {
  assert.equal(instantText(0), '1970-01-01T00:00:00.000Z');
  assert.equal(instantText(1e22), '1e+22 ms since 1970 (out of range)');
  assert.equal(instantText(-9e15), '-9000000000000000 ms since 1970 (out of range)');
  assert.equal(instantText(Number.NaN), 'NaN ms since 1970 (out of range)');
});
