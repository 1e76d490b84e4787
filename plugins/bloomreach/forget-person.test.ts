import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { anonymizedIds, forgetPerson, NO_BLOOMREACH_ID, readAnonymization } from './forget-person.ts';

const TOKEN = 'c178a8c8-5cea-11e8-aa8c-ac1f6b000000';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { project_token: TOKEN, api_key_id: 'key', api_secret: 'secret', api_base: 'https://api.eu1.exponea.com', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const names = { hardId: 'registered', softId: 'cookie', emailId: 'email_id' };

test('anonymizedIds: the userId, each email (with an email ID) and the anonymousId, one customer ID each', () => {
  assert.deepEqual(anonymizedIds({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com', 'j@work.example'] }, names), [{ registered: 'u-1' }, { email_id: 'jane@example.com' }, { email_id: 'j@work.example' }, { cookie: 'df_1' }]);
  assert.deepEqual(anonymizedIds({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com'] }, names), [{ registered: 'Jane@Example.com' }, { email_id: 'jane@example.com' }], 'an email userId once, lower-cased under the email ID');
  assert.deepEqual(anonymizedIds({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com'] }, { ...names, emailId: undefined, softId: undefined }), [{ registered: 'u-1' }]);
  assert.deepEqual(anonymizedIds({ userId: 'null', anonymousId: 'anonymous' }, names), []);
});

test('forgetPerson: Anonymize a customer requests at the API base, HTTP Basic; skipped without an id the plugin sends', () => {
  assert.equal(forgetPerson.enabled(ctx().config), true);
  assert.equal(forgetPerson.enabled(ctx({ forward_deletions: false }).config), false);
  assert.equal(forgetPerson.enabled(ctx({ api_base: 'custom' }).config), false, 'no usable API base');
  const requests = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_1', emails: [] }, ctx()) as RequestDescriptor[];
  assert.deepEqual(requests, [
    { method: 'POST', url: `https://api.eu1.exponea.com/data/v2/projects/${TOKEN}/customers/anonymize`, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('key:secret').toString('base64')}` }, body: { customer_ids: { registered: 'u-1' } }, eventIds: [] },
    { method: 'POST', url: `https://api.eu1.exponea.com/data/v2/projects/${TOKEN}/customers/anonymize`, headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('key:secret').toString('base64')}` }, body: { customer_ids: { cookie: 'df_1' } }, eventIds: [] },
  ]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1' }, ctx({ soft_id: '' })), { skipped: NO_BLOOMREACH_ID });
});

test('readAnonymization: done, nothing to do, retried or failed with what to fix', () => {
  assert.deepEqual(readAnonymization(answer(200, { success: true })), { done: true, message: 'anonymized (HTTP 200): Bloomreach anonymized the customer: its external IDs and the properties marked Private (PII) in Data manager are removed and it gets a new cookie ID; its events stay, tied to no one (properties not marked Private stay too)' });
  assert.deepEqual(readAnonymization(answer(400, { success: false, errors: { _global: ['Customer does not exist'] } })), { done: true, message: 'no Bloomreach customer has this ID (HTTP 400: Customer does not exist): nothing to anonymize' });
  assert.deepEqual(readAnonymization(answer(200, { success: false, errors: ['Customer does not exist'] })), { done: true, message: 'no Bloomreach customer has this ID (HTTP 200: Customer does not exist): nothing to anonymize' });
  assert.deepEqual(readAnonymization(answer(429, 'slow down', { 'retry-after': '30' })), { retry: 'Bloomreach rate limit reached (HTTP 429: slow down)', afterSeconds: 30 });
  assert.deepEqual(readAnonymization(answer(500, '')), { retry: 'Bloomreach HTTP 500: (no body)' });
  assert.match((readAnonymization(answer(403, { success: false, errors: ['not authorized'] })) as { failed: string }).failed, /needs GDPR > Anonymize customer/);
  assert.match((readAnonymization(answer(400, { success: false, error: 'Could not authenticate' })) as { failed: string }).failed, /^Bloomreach refused the credentials \(HTTP 400: Could not authenticate\): check config\.project_token/);
  assert.match((readAnonymization(answer(401, '')) as { failed: string }).failed, /refused the credentials/);
  assert.match((readAnonymization(answer(403, { success: false, error: 'invalid secret' })) as { failed: string }).failed, /^Bloomreach refused the credentials \(HTTP 403: invalid secret\)/, 'a 403 naming the secret is no missing permission');
  assert.match((readAnonymization(answer(403, { success: false, error: 'No permission to anonymize customer' })) as { failed: string }).failed, /needs GDPR > Anonymize customer/);
  assert.match((readAnonymization(answer(404, 'Not Found')) as { failed: string }).failed, /check config\.api_base/);
  assert.deepEqual(readAnonymization(answer(200, { success: false, errors: ['Invalid customer ids'] })), { failed: 'Bloomreach refused the anonymization (HTTP 200: Invalid customer ids)' });
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true })), readAnonymization(answer(200, { success: true })));
});
