import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { GOOGLE_TOKEN_URL, googleCredentialExchange, googleCredentialOf, googleCredentialProblems } from './google-credentials.ts';
import type { JsonValue, PluginContext, VendorResponse } from './types.ts';

const KEY = JSON.stringify({
  type: 'service_account', client_email: 'signal@shop.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token',
  private_key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const NOW = Date.UTC(2026, 11, 1, 12);
const OAUTH = { client_id: '123456789012-abc.apps.googleusercontent.com', client_secret: 'GOCSPX-secret', refresh_token: '1//0g-refresh' };
const ctx = (config: Record<string, JsonValue>) => ({ config, now: NOW }) as unknown as PluginContext;
const answer = (status: number, json: unknown): VendorResponse => ({ status, headers: {}, body: JSON.stringify(json), json: json as JsonValue });
const refusal = (read: () => unknown): string => { try { read(); } catch (error) { return (error as Error).message; } return 'read'; };
const SCOPE = 'https://www.googleapis.com/auth/ddmconversions';

test('googleCredentialOf: the refresh token when given, else the service account key, else none', () => {
  assert.deepEqual([googleCredentialOf(OAUTH), googleCredentialOf({ service_account_key: KEY }), googleCredentialOf({ refresh_token: ' ', service_account_key: ' ' }), googleCredentialOf({ ...OAUTH, service_account_key: KEY })],
    ['refresh_token', 'service_account', 'none', 'refresh_token']);
});

test('googleCredentialProblems: one credential; a refresh token with its OAuth client; nothing pasted with it; a client id and key that are such', () => {
  assert.deepEqual(googleCredentialProblems(OAUTH), []);
  assert.deepEqual(googleCredentialProblems({ service_account_key: KEY }), []);
  assert.deepEqual(googleCredentialProblems({}).map((p) => [p.field, p.message]), [['refresh_token', 'give one credential: the refresh token of an OAuth client (with client_id and client_secret), or a service account\'s JSON key in service_account_key (see the plugin README)']]);
  assert.deepEqual(googleCredentialProblems({}, { serviceAccount: false }).map((p) => p.message), ['give the refresh token Google gave when Signal was authorised (with client_id and client_secret; see the plugin README)']);
  assert.match(googleCredentialProblems({ ...OAUTH, service_account_key: KEY }).map((p) => `${p.field}: ${p.message}`).join(), /^service_account_key: is given with refresh_token: give one credential/);
  assert.deepEqual(googleCredentialProblems({ ...OAUTH, service_account_key: '{' }, { serviceAccount: false }), [], 'no service account: its field is not read');
  assert.deepEqual(googleCredentialProblems({ refresh_token: '1//0g', client_secret: ' ' }).map((p) => p.field), ['client_id', 'client_secret']);
  assert.deepEqual(googleCredentialProblems({ ...OAUTH, refresh_token: 'Bearer 1//0g', client_secret: 'GOCSPX secret', client_id: 'GOCSPX-secret' }).map((p) => `${p.field}: ${p.message}`), [
    'refresh_token: starts with "Bearer ": give the refresh token alone',
    'client_secret: holds white space or a line break (copied with the text around it?): give the client secret alone',
    'client_id: is "GOCSPX-secret": an OAuth client id of Google Cloud ends with .apps.googleusercontent.com (Google Cloud console > APIs & Services > Credentials > OAuth 2.0 Client IDs)',
  ]);
  assert.match(googleCredentialProblems({ ...OAUTH, refresh_token: 'same', client_secret: 'same' })[0]!.message, /^is the client secret again/);
  const pasted = googleCredentialProblems({ ...OAUTH, client_id: 'x'.repeat(100_000) })[0]!.message;
  assert.ok(pasted.length < 400, 'a huge paste is quoted cut short, not whole');
  assert.match(pasted, /^is "x{120}…": an OAuth client id/);
  for (const [key, message] of [['{"type":"authorized_user"}', /of type "authorized_user"/], ['not json', /is not JSON/], [KEY.replace('PRIVATE KEY', 'PRIVATE KEE'), /cannot be read/]] as const) {
    const problems = googleCredentialProblems({ service_account_key: key });
    assert.deepEqual(problems.map((p) => p.field), ['service_account_key']);
    assert.match(problems[0]!.message, message);
    assert.equal(problems[0]!.message.includes('BEGIN'), false, 'never quoting the key');
  }
});

test('googleCredentialExchange: the refresh-token grant, or the service account\'s assertion for the API\'s scope at ctx.now', () => {
  const exchange = googleCredentialExchange({ usedBy: ['delivery'], api: 'Campaign Manager 360', scope: SCOPE });
  assert.deepEqual(exchange.usedBy, ['delivery']);
  assert.deepEqual([exchange.enabled(OAUTH), exchange.enabled({ service_account_key: KEY }), exchange.enabled({})], [true, true, false]);
  const refresh = exchange.request(ctx({ ...OAUTH, client_id: ` ${OAUTH.client_id} ` }));
  assert.deepEqual([refresh.method, refresh.url], ['POST', GOOGLE_TOKEN_URL]);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(String(refresh.body))), { grant_type: 'refresh_token', refresh_token: OAUTH.refresh_token, client_id: OAUTH.client_id, client_secret: OAUTH.client_secret });
  const assertion = exchange.request(ctx({ service_account_key: KEY }));
  const form = new URLSearchParams(String(assertion.body));
  assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  assert.deepEqual([claims.iss, claims.scope, claims.iat], ['signal@shop.iam.gserviceaccount.com', SCOPE, NOW / 1000]);
  assert.throws(() => exchange.request(ctx({ service_account_key: '{}' })), { name: 'PermanentError', message: /^config\.service_account_key has no client_email/ });
  const refreshOnly = googleCredentialExchange({ usedBy: ['delivery'], api: 'Google Ads', scope: 'https://www.googleapis.com/auth/adwords', serviceAccount: false });
  assert.deepEqual([refreshOnly.enabled(OAUTH), refreshOnly.enabled({ service_account_key: KEY })], [true, false]);
  assert.equal(new URLSearchParams(String(refreshOnly.request(ctx({ ...OAUTH, service_account_key: KEY })).body)).get('grant_type'), 'refresh_token');
});

test('googleCredentialExchange: the token and its life; each refusal said in Google\'s terms, naming what to fix; failures retried', () => {
  const exchange = googleCredentialExchange({ usedBy: ['delivery'], api: 'Campaign Manager 360', scope: SCOPE });
  assert.deepEqual(exchange.read(answer(200, { access_token: 'ya29.a0', expires_in: 3599, token_type: 'Bearer' })), { accessToken: 'ya29.a0', expiresInSeconds: 3599 });
  assert.match(refusal(() => exchange.read(answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }))),
    /^Google refused the refresh token \(HTTP 400, invalid_grant: Token has been expired or revoked\.\)\. A Google refresh token stops working .* Authorise Signal again with the ddmconversions scope .* config\.refresh_token in a new revision/);
  assert.match(refusal(() => exchange.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }))), /^Google refused the service account's assertion \(HTTP 400, invalid_grant: Invalid JWT Signature\.\)\. The service account key was deleted/);
  assert.match(refusal(() => exchange.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid grant: account not found' }))), /service account's assertion/);
  assert.match(refusal(() => exchange.read(answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }))), /^Google refused the OAuth client \(HTTP 401, invalid_client: The OAuth client was not found\.\): config\.client_id and config\.client_secret/);
  assert.match(refusal(() => exchange.read(answer(400, { error: 'invalid_scope' }))), /^Google refused the scope https:\/\/www\.googleapis\.com\/auth\/ddmconversions \(HTTP 400, .*\): enable the Campaign Manager 360 API/);
  assert.throws(() => exchange.read(answer(503, { error: 'unavailable' })), { name: 'RetryableError' });
  const refreshOnly = googleCredentialExchange({ usedBy: ['delivery'], api: 'Google Ads', scope: 'https://www.googleapis.com/auth/adwords', serviceAccount: false });
  assert.match(refusal(() => refreshOnly.read(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }))), /^Google refused the refresh token/, 'no service account: every grant refused is the refresh token');
  assert.equal(refusal(() => refreshOnly.read(answer(401, { error: 'invalid_client' }))).includes('service account'), false);
});
