import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { googleServiceAccountExchange } from './google-service-account-exchange.ts';
import type { JsonValue, PluginContext, VendorResponse } from './types.ts';

const KEY = JSON.stringify({
  type: 'service_account', client_email: 'signal@acme-prod.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const NOW = Date.UTC(2026, 11, 1, 12);
const ctx = (config: Record<string, JsonValue>) => ({ config, now: NOW }) as unknown as PluginContext;
const answer = (status: number, json: unknown): VendorResponse => ({ status, headers: {}, body: JSON.stringify(json), json });
const claimsOf = (body: string) => JSON.parse(Buffer.from(new URLSearchParams(body).get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

test('googleServiceAccountExchange: the assertion for the scopes the config calls for, signed at ctx.now, from the field named', () => {
  const exchange = googleServiceAccountExchange({ usedBy: ['delivery'], api: 'Cloud Storage', scopes: (config) => (config.wide ? ['a', 'b'] : ['a']), field: 'key_file' });
  assert.deepEqual(exchange.usedBy, ['delivery']);
  assert.deepEqual([exchange.enabled({ key_file: KEY }), exchange.enabled({ key_file: '  ' }), exchange.enabled({ service_account_key: KEY })], [true, false, false]);
  const request = exchange.request(ctx({ key_file: ` ${KEY}\n`, wide: true }));
  assert.equal(request.url, 'https://oauth2.googleapis.com/token');
  const claims = claimsOf(String(request.body));
  assert.deepEqual([claims.iss, claims.scope, claims.iat, claims.exp], ['signal@acme-prod.iam.gserviceaccount.com', 'a b', NOW / 1000, NOW / 1000 + 3600]);
  assert.throws(() => exchange.request(ctx({ key_file: '{' })), { name: 'PermanentError', message: /^config\.key_file is not JSON: .*store the whole JSON key file in a new revision$/ });
});

test('googleServiceAccountExchange: answers read as RFC 6749 says, refusals in Google\'s terms naming the API or the field', () => {
  const exchange = googleServiceAccountExchange({ usedBy: ['delivery', 'forgetPerson'], api: 'Cloud Pub/Sub', scopes: () => ['https://www.googleapis.com/auth/pubsub'] });
  assert.deepEqual(exchange.read(answer(200, { access_token: 'ya29.c', expires_in: 3599 })), { accessToken: 'ya29.c', expiresInSeconds: 3599 });
  assert.throws(() => exchange.read(answer(400, { error: 'invalid_scope', error_description: 'Bad scope' })), { name: 'PermanentError', message: /^Google refused the Cloud Pub\/Sub scope \(HTTP 400, .*\): enable the Cloud Pub\/Sub API/ });
  assert.throws(() => exchange.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })), { name: 'PermanentError', message: /^Google refused the service account's assertion \(HTTP 400, .*\): the key in config\.service_account_key was deleted or disabled/ });
  assert.throws(() => exchange.read(answer(503, { error: 'unavailable' })), { name: 'RetryableError' });
});
