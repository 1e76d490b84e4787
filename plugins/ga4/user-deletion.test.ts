import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import type { PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import ga4 from './index.ts';
import { clientIdFromId } from './fit-to-ga4.ts';
import { DELETION_SCOPE, deletionConfigProblems, ga4ForgetPerson, readDeletionAnswer, serviceAccountToken } from './user-deletion.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyFile = JSON.stringify({ type: 'service_account', client_email: 'signal@shop.iam.gserviceaccount.com', private_key: pem, token_uri: 'https://oauth2.googleapis.com/token' });
const config = { measurement_id: 'G-ABC123XYZ9', api_secret: 'secret-0123456789', property_id: '123456789', service_account_key: keyFile };
const ctx: PluginContext = { config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: Date.UTC(2026, 10, 30), accessToken: 'ya29.token' };

const answer = (status: number, json: unknown): VendorResponse => ({ status, headers: {}, body: JSON.stringify(json), json });

test('config: deletions need a numeric property ID and a readable key, both or neither', () => {
  assert.deepEqual(ga4.validateConfig!(config), []);
  assert.deepEqual(deletionConfigProblems({ property_id: 'G-ABC123XYZ9', service_account_key: keyFile }).map((p) => p.field), ['property_id']);
  assert.deepEqual(deletionConfigProblems({ property_id: '123', service_account_key: '{"type":"authorized_user"}' }), [
    { field: 'service_account_key', message: 'is a key file of type "authorized_user", not "service_account"' },
  ]);
  assert.deepEqual(deletionConfigProblems({ property_id: '123' }), [
    { field: 'service_account_key', message: 'is required with the other of property_id and service_account_key: forwarding person deletions to GA4 needs both' },
  ]);
  assert.deepEqual(deletionConfigProblems({ service_account_key: keyFile }).map((p) => p.field), ['property_id']);
  assert.equal(ga4.forgetPerson!.enabled({ measurement_id: 'G-ABC123XYZ9' }), false);
  assert.equal(ga4.forgetPerson!.enabled(config), true);
});

test('the token: the service account asks for the Admin API scope, for deletions only', () => {
  assert.deepEqual(serviceAccountToken.usedBy, ['forgetPerson'], 'the Measurement Protocol takes the API secret');
  const request = serviceAccountToken.request(ctx);
  assert.equal(request.url, 'https://oauth2.googleapis.com/token');
  const claims = JSON.parse(Buffer.from(new URLSearchParams(request.body as string).get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.equal(claims.scope, DELETION_SCOPE);
  assert.equal(claims.iss, 'signal@shop.iam.gserviceaccount.com');
  assert.throws(() => serviceAccountToken.request({ ...ctx, config: { ...config, service_account_key: '{' } }), /service_account_key is not JSON/);
});

test('a deletion: one submitUserDeletion by user_id, one by the client_id Signal sent for the anonymousId', () => {
  const requests = ga4ForgetPerson.request({ userId: 'u-1', anonymousId: 'df_visitor_1' }, ctx) as RequestDescriptor[];
  const url = 'https://analyticsadmin.googleapis.com/v1alpha/properties/123456789:submitUserDeletion';
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.headers?.authorization, r.body]), [
    ['POST', url, 'Bearer ya29.token', { userId: 'u-1' }],
    ['POST', url, 'Bearer ya29.token', { clientId: clientIdFromId('df_visitor_1') }],
  ]);
  // An anonymousId already in GA's form is the client_id itself, as the mapping sends it.
  assert.deepEqual((ga4ForgetPerson.request({ userId: null, anonymousId: '1234.5678' }, ctx) as RequestDescriptor[]).map((r) => r.body), [{ clientId: '1234.5678' }]);
  assert.deepEqual(ga4ForgetPerson.request({ userId: 'undefined', anonymousId: null }, ctx), { skipped: 'GA4 deletes by user_id or client_id, and the ids named are placeholders' });
});

test('answers: accepted with the time, refusals say what to fix, throttling and outages tried again', () => {
  assert.deepEqual(readDeletionAnswer(answer(200, { deletionRequestTime: '2026-11-30T12:00:00Z' })), { done: true, message: 'GA4 deletes the data received before 2026-11-30T12:00:00Z' });
  const denied = readDeletionAnswer(answer(403, { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } }));
  assert.match('failed' in denied ? denied.failed : '', /^PERMISSION_DENIED: The caller does not have permission — add the service account's email to the property .* Editor role/);
  assert.match(JSON.stringify(readDeletionAnswer(answer(404, { error: { status: 'NOT_FOUND', message: 'not found' } }))), /check property_id/);
  assert.deepEqual(readDeletionAnswer(answer(400, { error: { status: 'INVALID_ARGUMENT', message: 'bad id' } })), { failed: 'INVALID_ARGUMENT: bad id' });
  assert.deepEqual(readDeletionAnswer(answer(429, { error: { status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } })), { retry: 'RESOURCE_EXHAUSTED: Quota exceeded' });
  assert.ok('retry' in readDeletionAnswer({ status: 503, headers: {}, body: 'unavailable' }));
});
