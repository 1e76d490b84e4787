import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseHeader } from './response-header.ts';

test('responseHeader: by name whatever the case, none when absent', () => {
  assert.equal(responseHeader({ 'retry-after': '30' }, 'retry-after'), '30');
  assert.equal(responseHeader({ 'Retry-After': '30' }, 'retry-after'), '30');
  assert.equal(responseHeader({ 'x-ratelimit-reset': '9' }, 'X-RateLimit-Reset'), '9');
  assert.equal(responseHeader({}, 'retry-after'), undefined);
  assert.equal(responseHeader(undefined, 'retry-after'), undefined);
});
