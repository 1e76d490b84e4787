// GA4 person deletions end to end: deletePerson through the admin API, the person-deletion
// worker, the core's access tokens (a Google service account's signed assertion exchanged at
// oauth2.googleapis.com) and the Admin API's submitUserDeletion, both stood in for by the vendor
// simulator.
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline } from '../../test/helpers/vendor-e2e.ts';
import { clientIdFromId } from './fit-to-ga4.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyFile = JSON.stringify({
  type: 'service_account', project_id: 'shop', client_email: 'signal@shop.iam.gserviceaccount.com',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: 'https://oauth2.googleapis.com/token',
});
const DELETION_PATH = '/v1alpha/properties/123456789:submitUserDeletion';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url}/google-oauth,https://analyticsadmin.googleapis.com=${sim.url}`,
  }, { label: 'ga4_deletion', vendors: ['ga4'] });
});
after(() => closeAll(signal, sim));

/** The deletion's outcome at GA4 (the vendors entries without their integrationId). */
const deletion = (pipelineId: string, person: { userId?: string; anonymousId?: string }) => deletePerson(signal, pipelineId, person, ['vendor', 'status', 'responseStatus', 'message']);

test('a person deletion: a service account token, then one submitUserDeletion per id; a refused token renewed once; a missing permission says what to do', { timeout: 90_000 }, async () => {
  let tokens = 0;
  sim.setDefault('POST', '/google-oauth/token', () => ({ status: 200, body: { access_token: `ya29.token-${++tokens}`, expires_in: 3599, token_type: 'Bearer' } }));
  sim.setDefault('POST', DELETION_PATH, { status: 200, body: { deletionRequestTime: '2026-11-30T12:00:00Z' } });
  const { site } = await installOnNewPipeline(signal, 'ga4', 'GA4 deletions', {
    config: { measurement_id: 'G-ABC123XYZ9', api_secret: 'secret-0123456789', property_id: '123456789', service_account_key: keyFile },
    consentCategories: ['analytics'],
  });

  const [vendor] = await deletion(site.id, { userId: 'u-ga4-forget-1', anonymousId: 'df_ga4visitor01' });
  assert.deepEqual(vendor, {
    vendor: 'ga4', status: 'sent', responseStatus: 200,
    message: 'request 1 of 2: GA4 deletes the data received before 2026-11-30T12:00:00Z; request 2 of 2: GA4 deletes the data received before 2026-11-30T12:00:00Z',
  });
  const [tokenRequest] = sim.requests({ path: '/google-oauth/token' });
  const assertion = new URLSearchParams(tokenRequest!.body).get('assertion')!;
  const [header, claims, signature] = assertion.split('.');
  assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'signed with the service account key');
  assert.equal((JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { scope: string }).scope, 'https://www.googleapis.com/auth/analytics.edit');
  const deletions = sim.requests({ path: DELETION_PATH });
  assert.deepEqual(deletions.map((r) => [r.headers.authorization, r.json]), [
    ['Bearer ya29.token-1', { userId: 'u-ga4-forget-1' }],
    ['Bearer ya29.token-1', { clientId: clientIdFromId('df_ga4visitor01') }],
  ]);

  // A token revoked at Google: the 401 renews it once, and the requests go again with the new one.
  sim.script('POST', DELETION_PATH, [{ status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } }]);
  const [renewed] = await deletion(site.id, { userId: 'u-ga4-forget-2' });
  assert.equal(renewed!.status, 'sent');
  assert.deepEqual(sim.requests({ path: DELETION_PATH }).slice(2).map((r) => r.headers.authorization), ['Bearer ya29.token-1', 'Bearer ya29.token-2']);
  assert.equal(sim.count({ path: '/google-oauth/token' }), 2, 'the token is kept between deletions, renewed only when refused');

  sim.setDefault('POST', DELETION_PATH, { status: 403, body: { error: { code: 403, message: 'User does not have sufficient permissions for this property.', status: 'PERMISSION_DENIED' } } });
  const [refused] = await deletion(site.id, { userId: 'u-ga4-forget-3' });
  assert.equal(refused!.status, 'failed');
  assert.match(String(refused!.message), /^PERMISSION_DENIED: User does not have sufficient permissions for this property\. — add the service account's email to the property/);

  // A key Google no longer knows: the token endpoint's refusal is the deletion's outcome.
  sim.setDefault('POST', '/google-oauth/token', { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
  sim.setDefault('POST', DELETION_PATH, reply.unauthorized({ error: { status: 'UNAUTHENTICATED', message: 'expired' } }));
  const [revoked] = await deletion(site.id, { userId: 'u-ga4-forget-4' });
  assert.equal(revoked!.status, 'failed');
  assert.match(String(revoked!.message), /^access token: the token endpoint refused the credential \(invalid_grant: Invalid JWT Signature\.\)/);
});
