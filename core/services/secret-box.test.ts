import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createSecretBox, isLegacySealed, isSealed, parseSecretKey, SealedValueError, type SealContext, type SealedValue } from './secret-box.ts';

const CONTEXT: SealContext = { vendor: 'videoamp', templateId: '0b6c3f0e-6a43-4c6e-9d55-2f1c6f1e8a10', field: 'api_token' };

/** A value as Signal sealed it before contexts (`v1`: no associated data). */
function legacySeal(key: Buffer, plain: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { $sealed: ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.') };
}

test('seal then open returns the value; two seals differ; the form is v2', () => {
  const box = createSecretBox(randomBytes(32));
  const a = box.seal('api-key-123', CONTEXT);
  const b = box.seal('api-key-123', CONTEXT);
  assert.ok(isSealed(a));
  assert.match(a.$sealed, /^v2\./);
  assert.equal(isLegacySealed(a), false);
  assert.notEqual(a.$sealed, b.$sealed);
  assert.equal(a.$sealed.includes('api-key-123'), false);
  assert.equal(box.open(a, CONTEXT), 'api-key-123');
});

test('an object value (a webhook\'s secret headers) seals and opens as the same object', () => {
  const box = createSecretBox(randomBytes(32));
  const headers = { Authorization: 'Bearer erp-token-0123', 'X-Auth-Token': 'tok-4567' };
  const context = { vendor: 'webhook', templateId: CONTEXT.templateId, field: 'secret_headers' };
  const sealed = box.seal(headers, context);
  assert.equal(sealed.$sealed.includes('erp-token'), false);
  assert.deepEqual(box.open(sealed, context), headers);
});

test('a value opens only under the context it was sealed with: another integration, field or vendor is refused, clearly', () => {
  const box = createSecretBox(randomBytes(32));
  const sealed = box.seal('videoamp-live-token', CONTEXT);
  const elsewhere: SealContext[] = [
    { ...CONTEXT, templateId: '5f0b1a4e-2c8d-4e0f-8a61-7d2b9c3e4f50' },
    { ...CONTEXT, field: 'tenant_id' },
    { ...CONTEXT, vendor: 'amperity' },
  ];
  for (const context of elsewhere) {
    assert.throws(() => box.open(sealed, context), (error: Error) => {
      assert.ok(error instanceof SealedValueError, String(error));
      assert.match(error.message, new RegExp(`field ${context.field} of ${context.vendor} integration ${context.templateId} cannot be opened: it was sealed for another field or integration`));
      assert.equal(error.message.includes('videoamp-live-token'), false);
      return true;
    });
  }
  // Parts are encoded unambiguously: moving characters between them is another context.
  const joined = box.seal('k', { vendor: 'a', templateId: 'b|c', field: 'd' });
  assert.throws(() => box.open(joined, { vendor: 'a|b', templateId: 'c', field: 'd' }), SealedValueError);
});

test('a v1 value (sealed before contexts) still opens, under any context', () => {
  const key = randomBytes(32);
  const legacy = legacySeal(key, 'old-api-key-123');
  assert.ok(isLegacySealed(legacy));
  const box = createSecretBox(key);
  assert.equal(box.open(legacy, CONTEXT), 'old-api-key-123');
  assert.equal(box.open(legacy, { ...CONTEXT, field: 'other' }), 'old-api-key-123');
});

test('a tampered value, another key, or a value in an unknown form fails to open with SealedValueError', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);
  for (const sealed of [box.seal('secret', CONTEXT), legacySeal(key, 'secret')]) {
    const parts = sealed.$sealed.split('.');
    parts[3] = Buffer.from('xxxxxx').toString('base64url');
    assert.throws(() => box.open({ $sealed: parts.join('.') }, CONTEXT), SealedValueError);
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed, CONTEXT), /sealed under another SIGNAL_SECRET_KEY/);
    // A v2 value relabelled v1 would skip the context check: its tag then fails.
    assert.throws(() => box.open({ $sealed: sealed.$sealed.replace(/^v\d/, sealed.$sealed.startsWith('v2') ? 'v1' : 'v2') }, CONTEXT), SealedValueError);
  }
  assert.throws(() => box.open({ $sealed: 'v3.a.b.c' }, CONTEXT), /not in a form Signal writes/);
  assert.throws(() => box.open({ $sealed: 'v2.a.b.c.d' }, CONTEXT), SealedValueError);
});

test('sealing or opening needs the whole context', () => {
  const box = createSecretBox(randomBytes(32));
  assert.throws(() => box.seal('k', { ...CONTEXT, templateId: '' }), /non-empty templateId/);
  // A caller in plain JavaScript may leave it out entirely.
  assert.throws(() => box.seal('k', undefined as unknown as SealContext), /non-empty vendor/);
  assert.throws(() => box.open(box.seal('k', CONTEXT), { ...CONTEXT, field: '' }), /non-empty field/);
});

test('parseSecretKey accepts 64 hex or base64 of 32 bytes and refuses others', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSecretKey(key.toString('hex')), key);
  assert.deepEqual(parseSecretKey(key.toString('base64')), key);
  assert.throws(() => parseSecretKey('short'), /32 bytes/);
});
