import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerpt } from './excerpt.ts';

test('excerpt folds white space, trims, and cuts long text with an ellipsis', () => {
  assert.equal(excerpt('  Invalid\n   API key \t'), 'Invalid API key');
  assert.equal(excerpt(''), '');
  assert.equal(excerpt('x'.repeat(300)), 'x'.repeat(300));
  assert.equal(excerpt('x'.repeat(301)), `${'x'.repeat(300)}…`);
  assert.equal(excerpt('abcdef', 3), 'abc…');
});
