import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { JsonObject } from '../sdk/types.ts';
import { REDACTED, redactRequest, redactSecretValues, redactText, secretValuesOf } from './redact.ts';

test('secrets are masked in headers, URL, query and body; the scheme is kept', () => {
  const safe = redactRequest({
    method: 'POST',
    url: 'https://api.vendor.test/v1/events?key=sk_live_12345&plain=ok',
    query: [['token', 'abc'], ['note', 'has sk_live_12345 inside']],
    headers: { Authorization: 'Bearer sk_live_12345', 'X-Other': 'visible' },
    body: JSON.stringify({ api_key: 'another-secret', events: [{ note: 'sk_live_12345' }], count: 2 }),
    eventIds: ['e1'],
  }, ['sk_live_12345']) as { url: string; headers: Record<string, string>; body: { api_key: string; events: Array<{ note: string }>; count: number } };
  assert.equal(safe.headers.Authorization, `Bearer ${REDACTED}`);
  assert.equal(safe.headers['X-Other'], 'visible');
  assert.equal(safe.url.includes('sk_live_12345'), false);
  assert.match(safe.url, /token=%5BREDACTED%5D/);
  assert.equal(safe.body.api_key, REDACTED);
  assert.equal(safe.body.events[0]!.note, REDACTED);
  assert.equal(safe.body.count, 2);
});

test('redactText ignores secrets shorter than 4 characters', () => {
  assert.equal(redactText('a-b-abcd', ['ab', 'abcd']), `a-b-${REDACTED}`);
});

test('secretValuesOf: string secrets, and every string inside an object or list secret (a webhook\'s secret_headers)', () => {
  assert.deepEqual(
    secretValuesOf(['whsec-0123456789abcdef', { Authorization: 'Bearer tok-1234', 'X-Short': 'abc', nested: { deeper: ['list-value'] } }, undefined, null, 42, 'abc', 'whsec-0123456789abcdef']),
    ['whsec-0123456789abcdef', 'Bearer tok-1234', 'Bearer%20tok-1234', 'list-value'],
  );
  assert.deepEqual(secretValuesOf([]), []);
});

test('a secret pasted with white space, or sent percent-encoded, is redacted in the form the plugin sent', () => {
  const secrets = secretValuesOf(['  sk/live+key=1\n']);
  assert.deepEqual(secrets, ['  sk/live+key=1\n', 'sk/live+key=1', 'sk%2Flive%2Bkey%3D1']);
  assert.equal(redactText('Authorization: Bearer sk/live+key=1', secrets), `Authorization: Bearer ${REDACTED}`);
  const logged = redactRequest({ method: 'GET', url: `https://x.test/keys/${encodeURIComponent('sk/live+key=1')}/events`, eventIds: [] }, secrets) as { url: string };
  assert.equal(logged.url, `https://x.test/keys/${REDACTED}/events`);
});

test('headers whose name says they hold a credential are masked whatever the integration\'s secrets', () => {
  const headers = { 'X-Auth-Token': 'tok-1', 'Private-Token': 'tok-2', 'X-Webhook-Secret': 'tok-3', 'X-Amz-Security-Token': 'tok-4', 'X-Shopify-Access-Token': 'tok-5', 'X-Team': 'growth', 'Content-Type': 'application/json', 'X-Signal-Timestamp': '1714642542', 'Amperity-Tenant': 'acme' };
  const safe = redactRequest({ method: 'POST', url: 'https://x.test/', headers, eventIds: [] }, []) as { headers: Record<string, string> };
  assert.deepEqual(safe.headers, { ...headers, 'X-Auth-Token': REDACTED, 'Private-Token': REDACTED, 'X-Webhook-Secret': REDACTED, 'X-Amz-Security-Token': REDACTED, 'X-Shopify-Access-Token': REDACTED });
});

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

test('a bytes body is described by its size and SHA-256, never kept', () => {
  const bytes = new TextEncoder().encode('secret-key-1234 inside an archive');
  const logged = redactRequest({ method: 'PUT', url: 'https://bucket.test/key', body: bytes, eventIds: ['e1'] }, ['secret-key-1234']) as { body: unknown };
  assert.deepEqual(logged.body, { $binary: true, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
});

test('a `sig` query parameter (a SAS signature) is masked by its name, whatever the token\'s encoding; the rest of the token stays readable', () => {
  // A portal SAS token keeps raw colons in st/se: once the query is re-encoded (`:` → `%3A`) the
  // token's own text is no longer in the URL, so only the parameter's name can find the signature.
  const token = 'sp=cw&st=2024-03-24T08:00:00Z&se=2030-03-24T16:00:00Z&spr=https&sv=2022-11-02&sr=c&sig=Qk3bUr%2FX1a9Zb4%2BlP0o8f2yQb0vXyF9l5l0GJzZJk9E%3D';
  const request = { method: 'PUT' as const, url: `https://acme.blob.core.windows.net/c/a.ndjson.gz?${token}`, eventIds: [] };
  for (const secrets of [secretValuesOf([token]), []]) {
    const logged = redactRequest(request, secrets) as { url: string };
    assert.equal(new URL(logged.url).searchParams.get('sig'), REDACTED);
    assert.ok(!logged.url.includes('Qk3bUr') && !logged.url.includes('X1a9Zb4'), logged.url);
    assert.equal(new URL(logged.url).searchParams.get('se'), '2030-03-24T16:00:00Z', 'the expiry stays readable');
  }
});
