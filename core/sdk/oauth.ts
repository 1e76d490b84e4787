/**
 * Token requests and answers of OAuth 2.0 (RFC 6749) for plugins' `accessToken` exchanges:
 * the refresh-token and client-credentials grants, a Google service account's signed
 * assertion (RFC 7523), and the reading of a token endpoint's answer. All pure: the core
 * performs the request.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { parseRetryAfter } from '../delivery/retry-policy.ts';
import { PermanentError, RetryableError } from './errors.ts';
import type { IssuedAccessToken, RequestDescriptor, VendorResponse } from './types.ts';

/** How a client authenticates at the token endpoint: in the form (`body`) or HTTP Basic (`basic`). */
export type ClientAuthentication = 'body' | 'basic';

/** The lifetime assumed when a token answer gives none (RFC 6749 leaves `expires_in` optional). */
const DEFAULT_EXPIRES_IN = 3600;

function formRequest(url: string, fields: Array<[string, string | undefined]>, clientId: string, clientSecret: string | undefined, auth: ClientAuthentication): RequestDescriptor {
  const form = new URLSearchParams();
  for (const [name, value] of fields) if (value !== undefined && value !== '') form.append(name, value);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (auth === 'basic') {
    // RFC 6749 §2.3.1: each part form-encoded before the Basic scheme's base64.
    const user = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
  } else {
    form.append('client_id', clientId);
    if (clientSecret !== undefined && clientSecret !== '') form.append('client_secret', clientSecret);
  }
  return { method: 'POST', url, headers, body: form.toString(), eventIds: [] };
}

/**
 * A refresh-token grant (RFC 6749 §6): a new access token for the refresh token the admin got
 * when authorising Signal at the vendor.
 *
 * @example
 * oauthRefreshTokenRequest({ url: 'https://www.linkedin.com/oauth/v2/accessToken', clientId: 'id', clientSecret: 's', refreshToken: 'r' });
 * // { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=r&client_id=id&client_secret=s', eventIds: [] }
 */
export function oauthRefreshTokenRequest(options: { url: string; clientId: string; clientSecret?: string; refreshToken: string; scope?: string; clientAuth?: ClientAuthentication }): RequestDescriptor {
  return formRequest(options.url, [['grant_type', 'refresh_token'], ['refresh_token', options.refreshToken], ['scope', options.scope]], options.clientId, options.clientSecret, options.clientAuth ?? 'body');
}

/**
 * A client-credentials grant (RFC 6749 §4.4): a token for the client itself, no user involved.
 *
 * @example
 * oauthClientCredentialsRequest({ url: 'https://auth.vendor.example/v2/token', clientId: 'id', clientSecret: 's', clientAuth: 'basic' });
 */
export function oauthClientCredentialsRequest(options: { url: string; clientId: string; clientSecret: string; scope?: string; clientAuth?: ClientAuthentication; extra?: Record<string, string> }): RequestDescriptor {
  return formRequest(options.url, [['grant_type', 'client_credentials'], ['scope', options.scope], ...Object.entries(options.extra ?? {})], options.clientId, options.clientSecret, options.clientAuth ?? 'body');
}

/** The fields of a Google service account's JSON key file that a token request needs. */
export interface GoogleServiceAccountKey {
  client_email: string;
  private_key: string;
  /** Google's token endpoint as the key file names it (`https://oauth2.googleapis.com/token`). */
  token_uri: string;
}

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * Reads a Google service account's JSON key file (as downloaded from the Cloud console), or
 * says what is wrong with it, naming the field. Only the fields a token request needs are
 * kept; the private key must be a PEM RSA key.
 *
 * @example
 * const key = parseGoogleServiceAccountKey(config.service_account_key);
 * if (typeof key === 'string') problems.push({ field: 'service_account_key', message: key });
 */
export function parseGoogleServiceAccountKey(text: unknown): GoogleServiceAccountKey | string {
  if (typeof text !== 'string') return 'must be the JSON key file of a Google service account, as text';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not JSON: paste the whole key file (Cloud console > IAM > Service accounts > Keys > Add key > JSON)';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'must be a JSON object (the key file)';
  const key = parsed as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account') return `is a key file of type "${String(key.type)}", not "service_account"`;
  if (typeof key.client_email !== 'string' || !key.client_email.includes('@')) return 'has no client_email: is it a service account key file?';
  if (typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) return 'has no private_key in PEM form';
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.private_key);
  } catch {
    return 'has a private_key that cannot be read (it was changed, or its line breaks were lost)';
  }
  if (privateKey.asymmetricKeyType !== 'rsa') return `has a ${privateKey.asymmetricKeyType ?? 'non-RSA'} private_key; Google signs service account assertions with RSA`;
  const tokenUri = typeof key.token_uri === 'string' && key.token_uri !== '' ? key.token_uri : GOOGLE_TOKEN_URI;
  if (!/^https:\/\//.test(tokenUri)) return 'has a token_uri that is not https';
  return { client_email: key.client_email, private_key: key.private_key, token_uri: tokenUri };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * The token request of a Google service account (RFC 7523 JWT bearer grant): an assertion
 * signed with the account's key (RS256, deterministic, so the builder stays pure), valid one
 * hour from `now` (ms), asking for `scopes`.
 *
 * @example
 * googleServiceAccountTokenRequest(key, ['https://www.googleapis.com/auth/analytics.user.deletion'], ctx.now);
 */
export function googleServiceAccountTokenRequest(key: GoogleServiceAccountKey, scopes: string[], now: number): RequestDescriptor {
  const issuedAt = Math.floor(now / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iss: key.client_email, scope: scopes.join(' '), aud: key.token_uri, iat: issuedAt, exp: issuedAt + 3600 }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key.private_key).toString('base64url');
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${header}.${claims}.${signature}` });
  return { method: 'POST', url: key.token_uri, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString(), eventIds: [] };
}

/** RFC 6749 §5.2 error codes that mean the credential itself is refused: retrying cannot help. */
const REFUSED: Record<string, string> = {
  invalid_grant: 'the grant (refresh token, code or assertion) is invalid, expired or revoked: authorise Signal again and store the new credential in a new revision',
  invalid_client: 'the client id or secret is wrong, or the client may not use this grant',
  unauthorized_client: 'the client may not use this grant type',
  unsupported_grant_type: 'the token endpoint does not support this grant type',
  invalid_scope: 'the scope asked for is invalid or more than the credential allows',
  invalid_request: 'the token request is malformed or misses a parameter',
};

/** A positive number of seconds from a number or digits, else undefined. */
function seconds(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

function said(response: VendorResponse): string {
  const body = response.body.replace(/\s+/g, ' ').trim();
  return `HTTP ${response.status}${body === '' ? '' : `: ${body.slice(0, 300)}`}`;
}

/** A token endpoint's refusal of a credential (HTTP 400 or 401), as a vendor's message quotes it. */
export interface OAuthRefusal {
  status: number;
  /** The OAuth `error` code (`invalid_grant`, `invalid_client`, …), when the answer gives one. */
  code?: string;
  /** `code: description`, or the body when the answer is no OAuth error, or `(no body)`. */
  said: string;
}

/** How a plugin's reading differs from RFC 6749's: a refused credential in the vendor's terms. */
export interface TokenAnswerOptions {
  /** The message of a 400/401 refusal, saying in the vendor's terms what to do (a `PermanentError`'s). */
  refused?: (refusal: OAuthRefusal) => string;
}

/** The refusal a 400/401 answer carries (see `OAuthRefusal`). */
function refusalOf(response: VendorResponse, json: Record<string, unknown>): OAuthRefusal {
  const code = typeof json.error === 'string' ? json.error : undefined;
  const description = typeof json.error_description === 'string' ? json.error_description.replace(/\s+/g, ' ').trim().slice(0, 200) : undefined;
  const quoted = [code, description].filter(Boolean).join(': ') || response.body.replace(/\s+/g, ' ').trim().slice(0, 200) || '(no body)';
  return { status: response.status, ...(code === undefined ? {} : { code }), said: quoted };
}

/**
 * The default reading of a token endpoint's answer (RFC 6749 §5): `access_token` and
 * `expires_in` (an hour when absent) from a 2xx JSON answer; a 400/401 with an OAuth `error`
 * throws `PermanentError` saying what to fix (`options.refused` words it in the vendor's
 * terms); 408, 429 and 5xx throw `RetryableError` (honouring Retry-After); any other answer
 * `PermanentError`.
 *
 * @example
 * readOAuthTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29…', expires_in: 3599 } });
 * // { accessToken: 'ya29…', expiresInSeconds: 3599 }
 * readOAuthTokenAnswer(answer, { refused: ({ status, said }) => `Acme refused the refresh token (HTTP ${status}, ${said}): authorise Signal again` });
 */
export function readOAuthTokenAnswer(response: VendorResponse, options: TokenAnswerOptions = {}): IssuedAccessToken {
  const json = (response.json !== null && typeof response.json === 'object' ? response.json : {}) as Record<string, unknown>;
  if (response.status >= 200 && response.status < 300) {
    if (typeof json.access_token !== 'string' || json.access_token === '') {
      throw new PermanentError(`the token endpoint answered without an access_token (${said(response).slice(0, 120)})`);
    }
    const expiresIn = seconds(json.expires_in) ?? DEFAULT_EXPIRES_IN;
    const credentialExpiresIn = seconds(json.refresh_token_expires_in);
    // A refresh token issued with the access token (RFC 6749 §6): the core keeps it when the
    // exchange `rotates`; one with a line break could not be sent in a form, so it is ignored.
    const refreshToken = typeof json.refresh_token === 'string' && json.refresh_token !== '' && !/[\r\n\0]/.test(json.refresh_token) ? json.refresh_token : undefined;
    return {
      accessToken: json.access_token, expiresInSeconds: expiresIn,
      ...(credentialExpiresIn === undefined ? {} : { credentialExpiresInSeconds: credentialExpiresIn }),
      ...(refreshToken === undefined ? {} : { refreshToken }),
    };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const retryAfterMs = parseRetryAfter(Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1]);
    throw new RetryableError(`the token endpoint failed (${said(response)})`, retryAfterMs);
  }
  if (options.refused && (response.status === 400 || response.status === 401)) throw new PermanentError(options.refused(refusalOf(response, json)));
  const code = typeof json.error === 'string' ? json.error : undefined;
  const description = typeof json.error_description === 'string' ? `: ${json.error_description.slice(0, 200)}` : '';
  if (code !== undefined && REFUSED[code] !== undefined) throw new PermanentError(`the token endpoint refused the credential (${code}${description}): ${REFUSED[code]}`);
  throw new PermanentError(`the token endpoint refused the request (${said(response)})`);
}
