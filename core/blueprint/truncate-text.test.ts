import assert from 'node:assert/strict';
import { test } from 'node:test';
import { truncateText } from './truncate-text.ts';

test('truncateText keeps whole grapheme clusters', () => {
  assert.equal(truncateText('abcdef', 3), 'abc');
  assert.equal(truncateText('short', 10), 'short');
  assert.equal(truncateText('🇬🇧🇫🇷', 1), '🇬🇧');
  assert.equal(truncateText('👨‍👩‍👧x', 1), '👨‍👩‍👧');
  assert.equal(truncateText('abc', 0), '');
});
