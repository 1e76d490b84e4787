import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createSecretBox, isSealed, parseSecretKey } from './secret-box.ts';

test('seal then open returns the value; two seals differ', () => {
  const box = createSecretBox(randomBytes(32));
  const a = box.seal('api-key-123');
  const b = box.seal('api-key-123');
  assert.ok(isSealed(a));
  assert.notEqual(a.$sealed, b.$sealed);
  assert.equal(a.$sealed.includes('api-key-123'), false);
  assert.equal(box.open(a), 'api-key-123');
});

test('a tampered value or another key fails to open', () => {
  const box = createSecretBox(randomBytes(32));
  const sealed = box.seal('secret');
  const parts = sealed.$sealed.split('.');
  parts[3] = Buffer.from('xxxxxx').toString('base64url');
  assert.throws(() => box.open({ $sealed: parts.join('.') }));
  assert.throws(() => createSecretBox(randomBytes(32)).open(sealed));
});

test('parseSecretKey accepts 64 hex or base64 of 32 bytes and refuses others', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSecretKey(key.toString('hex')), key);
  assert.deepEqual(parseSecretKey(key.toString('base64')), key);
  assert.throws(() => parseSecretKey('short'), /32 bytes/);
});
