import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutText } from './cut-text.ts';

test('cutText: at most max UTF-16 units, never through a surrogate pair; text within max as it is', () => {
  assert.equal(cutText('abcdef', 3), 'abc');
  assert.equal(cutText('ab😀', 3), 'ab', 'the pair\'s first half goes too');
  assert.equal(cutText('ab😀', 4), 'ab😀');
  assert.equal(cutText('ab😀c', 4), 'ab😀');
  assert.equal(cutText('abc', 0), '');
  assert.equal(cutText('a\ud83d', 5), 'a\ud83d', 'text within max is not touched, a lone half included');
});
