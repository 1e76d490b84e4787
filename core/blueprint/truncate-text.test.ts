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

test('a letter carrying thousands of combining marks keeps only the letter: the result stays within the field', () => {
  const zalgo = `e${'\u0301'.repeat(20_000)}`;
  assert.equal(truncateText(`${zalgo}${zalgo}abc`, 100), 'eeabc');
  assert.ok(truncateText(zalgo.repeat(200), 100).length <= 100 * 32);
  // Real sequences are kept whole: a family emoji is 11 units.
  assert.equal(truncateText('👨‍👩‍👧‍👦👨‍👩‍👧‍👦x', 1), '👨‍👩‍👧‍👦');
});
