import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError, RetryableError } from './errors.ts';

test('RetryableError keeps a sane retryAfterMs and is recognisable by name', () => {
  const error = new RetryableError('throttled', 1500.4);
  assert.equal(error.name, 'RetryableError');
  assert.equal(error.message, 'throttled');
  assert.equal(error.retryAfterMs, 1500);
  assert.ok(error instanceof Error);
  assert.equal(new RetryableError('x').retryAfterMs, undefined);
  assert.equal(new RetryableError('x', Number.NaN).retryAfterMs, undefined);
  assert.equal(new RetryableError('x', -5).retryAfterMs, undefined);
  const cause = new Error('socket');
  assert.equal(new RetryableError('x', 0, { cause }).cause, cause);
});

test('PermanentError carries its reason', () => {
  const error = new PermanentError('Invalid API key: check config.api_key');
  assert.equal(error.name, 'PermanentError');
  assert.equal(error.message, 'Invalid API key: check config.api_key');
});
