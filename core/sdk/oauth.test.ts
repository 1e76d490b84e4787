import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  googleServiceAccountTokenRequest, oauthClientCredentialsRequest, oauthRefreshTokenRequest, parseGoogleServiceAccountKey, readOAuthTokenAnswer,
} from './oauth.ts';
import type { VendorResponse } from './types.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyFile = JSON.stringify({ type: 'service_account', project_id: 'p', client_email: 'signal@p.iam.gserviceaccount.com', private_key: pem, token_uri: 'https://oauth2.googleapis.com/token' });

function answer(status: number, json: unknown, headers: Record<string, string> = {}): VendorResponse {
  const body = JSON.stringify(json);
  return { status, headers, body, json };
}

describe('token requests', () => {
  it('a refresh-token grant carries the client in the form by default, in Basic when asked', () => {
    const inForm = oauthRefreshTokenRequest({ url: 'https://auth.example/token', clientId: 'id', clientSecret: 's&1', refreshToken: 'r/1' });
    assert.equal(inForm.method, 'POST');
    assert.equal(inForm.headers?.['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(inForm.body as string)), { grant_type: 'refresh_token', refresh_token: 'r/1', client_id: 'id', client_secret: 's&1' });
    assert.deepEqual(inForm.eventIds, []);
    const basic = oauthRefreshTokenRequest({ url: 'https://auth.example/token', clientId: 'i d', clientSecret: 's:1', refreshToken: 'r', scope: 'a b', clientAuth: 'basic' });
    assert.equal(basic.headers?.authorization, `Basic ${Buffer.from('i%20d:s%3A1').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(basic.body as string)), { grant_type: 'refresh_token', refresh_token: 'r', scope: 'a b' });
  });

  it('a client-credentials grant adds the extra fields the vendor asks for', () => {
    const request = oauthClientCredentialsRequest({ url: 'https://auth.example/token', clientId: 'id', clientSecret: 's', extra: { account_id: '42' } });
    assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body as string)), { grant_type: 'client_credentials', account_id: '42', client_id: 'id', client_secret: 's' });
  });

  it('a Google service account signs an RS256 assertion for the scopes, valid one hour from now', () => {
    const key = parseGoogleServiceAccountKey(keyFile);
    assert.ok(typeof key !== 'string', String(key));
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    const request = googleServiceAccountTokenRequest(key, ['https://www.googleapis.com/auth/analytics.user.deletion'], now);
    assert.equal(request.url, 'https://oauth2.googleapis.com/token');
    const form = new URLSearchParams(request.body as string);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'RS256', typ: 'JWT' });
    assert.deepEqual(JSON.parse(Buffer.from(claims!, 'base64url').toString()), {
      iss: 'signal@p.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/analytics.user.deletion',
      aud: 'https://oauth2.googleapis.com/token', iat: now / 1000, exp: now / 1000 + 3600,
    });
    assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')));
    // Pure: the same input gives the same request.
    assert.deepEqual(googleServiceAccountTokenRequest(key, ['https://www.googleapis.com/auth/analytics.user.deletion'], now), request);
  });

  it('a key file that cannot serve says what is wrong with it', () => {
    assert.match(String(parseGoogleServiceAccountKey('{')), /not JSON/);
    assert.match(String(parseGoogleServiceAccountKey('[]')), /JSON object/);
    assert.match(String(parseGoogleServiceAccountKey(JSON.stringify({ type: 'authorized_user' }))), /authorized_user/);
    assert.match(String(parseGoogleServiceAccountKey(JSON.stringify({ client_email: 'a@b', private_key: 'x' }))), /PEM/);
    assert.match(String(parseGoogleServiceAccountKey(JSON.stringify({ client_email: 'a@b', private_key: '-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n' }))), /cannot be read/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.match(String(parseGoogleServiceAccountKey(JSON.stringify({ client_email: 'a@b', private_key: ec }))), /ec private_key/);
    assert.match(String(parseGoogleServiceAccountKey(JSON.stringify({ client_email: 'a@b', private_key: pem, token_uri: 'http://x' }))), /not https/);
    assert.equal((parseGoogleServiceAccountKey(JSON.stringify({ client_email: 'a@b', private_key: pem })) as { token_uri: string }).token_uri, 'https://oauth2.googleapis.com/token');
  });
});

describe('readOAuthTokenAnswer', () => {
  it('reads the token and its lifetime, an hour when the answer gives none', () => {
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at', expires_in: 5183999, token_type: 'Bearer' })), { accessToken: 'at', expiresInSeconds: 5183999 });
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at', expires_in: '60' })), { accessToken: 'at', expiresInSeconds: 60 });
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at' })), { accessToken: 'at', expiresInSeconds: 3600 });
    // LinkedIn says how long the refresh token itself lasts.
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at', expires_in: 5183999, refresh_token: 'r', refresh_token_expires_in: 31103999 })), { accessToken: 'at', expiresInSeconds: 5183999, credentialExpiresInSeconds: 31103999, refreshToken: 'r' });
    // A refresh token with a line break could not go in a form: not offered for keeping.
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at', expires_in: 60, refresh_token: 'r\nx' })), { accessToken: 'at', expiresInSeconds: 60 });
    assert.deepEqual(readOAuthTokenAnswer(answer(200, { access_token: 'at', expires_in: -5, refresh_token_expires_in: 'soon' })), { accessToken: 'at', expiresInSeconds: 3600 });
  });

  it('a refused credential is permanent and says what to do', () => {
    assert.throws(() => readOAuthTokenAnswer(answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' })), (error: Error) => {
      assert.equal(error.name, 'PermanentError');
      assert.match(error.message, /invalid_grant: Token has been expired or revoked\.\): .*authorise Signal again/);
      return true;
    });
    assert.throws(() => readOAuthTokenAnswer(answer(401, { error: 'invalid_client' })), { name: 'PermanentError', message: /client id or secret is wrong/ });
    assert.throws(() => readOAuthTokenAnswer(answer(403, { message: 'nope' })), { name: 'PermanentError', message: /refused the request \(HTTP 403: \{"message":"nope"\}\)/ });
    assert.throws(() => readOAuthTokenAnswer(answer(200, { token_type: 'Bearer' })), { name: 'PermanentError', message: /without an access_token/ });
  });

  it('a failing endpoint is tried again, after its Retry-After', () => {
    assert.throws(() => readOAuthTokenAnswer(answer(503, { error: 'backend' }, { 'Retry-After': '7' })), (error: Error & { retryAfterMs?: number }) => {
      assert.equal(error.name, 'RetryableError');
      assert.equal(error.retryAfterMs, 7000);
      return true;
    });
    assert.throws(() => readOAuthTokenAnswer(answer(429, {})), { name: 'RetryableError' });
  });
});

describe('readOAuthTokenAnswer in a vendor\'s terms', () => {
  it('a 400/401 refusal gets the vendor\'s message, quoting code and description (or the body); other answers keep the SDK\'s', () => {
    const refused = ({ status, code, said }: { status: number; code?: string; said: string }) => `Acme refused ${code ?? 'the request'} (HTTP ${status}, ${said})`;
    assert.throws(() => readOAuthTokenAnswer(answer(400, { error: 'invalid_grant', error_description: '  Token\nrevoked ' }), { refused }), { name: 'PermanentError', message: 'Acme refused invalid_grant (HTTP 400, invalid_grant: Token revoked)' });
    assert.throws(() => readOAuthTokenAnswer({ status: 401, headers: {}, body: ' Unauthorized ' }, { refused }), { name: 'PermanentError', message: 'Acme refused the request (HTTP 401, Unauthorized)' });
    assert.throws(() => readOAuthTokenAnswer({ status: 400, headers: {}, body: '' }, { refused }), { message: 'Acme refused the request (HTTP 400, (no body))' });
    assert.throws(() => readOAuthTokenAnswer(answer(403, { message: 'nope' }), { refused }), { name: 'PermanentError', message: /the token endpoint refused the request \(HTTP 403/ });
    assert.throws(() => readOAuthTokenAnswer(answer(503, {}), { refused }), { name: 'RetryableError' });
  });
});
