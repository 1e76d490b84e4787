import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuthOf, bloomreachConfigWarnings, headersOf, optionsOf, validateBloomreachConfig } from './config.ts';

const TOKEN = 'c178a8c8-5cea-11e8-aa8c-ac1f6b000000';
const valid = { project_token: TOKEN, api_key_id: 'key-id', api_secret: 'secret-1' };

test('optionsOf: trimmed settings, the documented ID names by default, a blank soft ID sends none', () => {
  assert.deepEqual(optionsOf({ ...valid, project_token: ` ${TOKEN} ` }), {
    apiBase: 'https://api.exponea.com', projectToken: TOKEN, apiKeyId: 'key-id', apiSecret: 'secret-1',
    hardId: 'registered', softId: 'cookie', emailId: undefined, referenceCurrency: undefined, purchaseItemEvents: true, forwardDeletions: true,
  });
  assert.equal(optionsOf({ ...valid, reference_currency: ' eur ' }).referenceCurrency, 'EUR');
  const custom = optionsOf({ ...valid, hard_id: ' customer_id ', soft_id: '', email_id: 'email_id', purchase_item_events: false, forward_deletions: false });
  assert.deepEqual([custom.hardId, custom.softId, custom.emailId, custom.purchaseItemEvents, custom.forwardDeletions], ['customer_id', undefined, 'email_id', false, false]);
});

test('HTTP Basic with the API key ID and secret; JSON', () => {
  assert.equal(basicAuthOf({ api_key_id: 'key', api_secret: 'secret' }), `Basic ${Buffer.from('key:secret').toString('base64')}`);
  assert.deepEqual(headersOf({ api_key_id: 'key', api_secret: 'secret' }), { 'content-type': 'application/json', authorization: 'Basic a2V5OnNlY3JldA==' });
});

test('validateBloomreachConfig: each problem names its field, never the secret', () => {
  assert.deepEqual(validateBloomreachConfig(valid), []);
  assert.deepEqual(validateBloomreachConfig({ ...valid, api_base: 'custom', custom_api_base: 'https://api-cis.exponea.com' }), []);
  const fields = (config: Record<string, string>) => validateBloomreachConfig({ ...valid, ...config }).map((p) => p.field);
  assert.deepEqual(fields({ api_base: 'custom' }), ['custom_api_base']);
  assert.deepEqual(fields({ custom_api_base: 'http://api.exponea.com' }), ['custom_api_base'], 'checked before it is chosen');
  assert.deepEqual(fields({ project_token: `https://api.exponea.com/track/v2/projects/${TOKEN}` }), ['project_token']);
  assert.deepEqual(fields({ api_key_id: 'key id' }), ['api_key_id']);
  assert.deepEqual(fields({ api_key_id: 'key:secret' }), ['api_key_id']);
  assert.deepEqual(fields({ api_secret: 'sec ret' }), ['api_secret']);
  assert.deepEqual(fields({ api_secret: 'key-id' }), ['api_secret']);
  assert.deepEqual(fields({ hard_id: 'reg istered' }), ['hard_id']);
  assert.deepEqual(fields({ soft_id: 'registered' }), ['soft_id'], 'the soft ID named as the hard ID');
  assert.deepEqual(fields({ email_id: 'cookie' }), ['email_id']);
  const secret = validateBloomreachConfig({ ...valid, api_secret: 'my secret value' });
  assert.equal(JSON.stringify(secret).includes('my secret value'), false);
  assert.match(validateBloomreachConfig({ ...valid, api_key_id: 'a:b' })[0]!.message, /holds a colon, which HTTP Basic auth cannot carry/);
});

test('bloomreachConfigWarnings: a project token that is no UUID (one copied short)', () => {
  assert.deepEqual(bloomreachConfigWarnings(valid), []);
  const [warning] = bloomreachConfigWarnings({ ...valid, project_token: 'c178a8c8-5cea-11e8-aa8c-ac1f6b0' });
  assert.equal(warning!.field, 'project_token');
  assert.match(warning!.message, /Invalid project id/);
});
