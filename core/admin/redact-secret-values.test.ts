import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../sdk/types.ts';
import { redactSecretValues } from './redact-secret-values.ts';

test('every occurrence of a secret is replaced, in texts and keys, at any depth; the rest is kept', () => {
  const secret = 'whsec_0123456789abcdef';
  const value = { auth: `Bearer ${secret}`, list: [secret, 5, null, true, { [secret]: `${secret}/${secret}` }], n: 1.5 };
  assert.deepEqual(redactSecretValues(value, [secret]), {
    auth: 'Bearer [REDACTED]', list: ['[REDACTED]', 5, null, true, { '[REDACTED]': '[REDACTED]/[REDACTED]' }], n: 1.5,
  });
  assert.equal(redactSecretValues(`mapping: ${secret} is not a number`, [secret]), 'mapping: [REDACTED] is not a number');
  assert.deepEqual(value.list[0], secret, 'the input is not changed');
});

test('a __proto__ key stays a key; no secrets leaves the value as it is', () => {
  const value = JSON.parse('{"__proto__": {"x": "abcd1234"}}') as JsonObject;
  const redacted = redactSecretValues(value, ['abcd1234']);
  assert.ok(Object.hasOwn(redacted, '__proto__'));
  assert.equal(Object.getPrototypeOf(redacted), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(redacted, '__proto__')?.value, { x: '[REDACTED]' });
  assert.equal(redactSecretValues(value, []), value);
});
