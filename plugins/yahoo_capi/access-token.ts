// The access token of Yahoo's DSP API identity server (Yahoo's "Setup & Access Guide"): an OAuth
// 2.0 client-credentials grant at `POST https://id.b2b.yahooinc.com/identity/oauth2/access_token`
// where the client authenticates with a JSON Web Token it signs itself (RFC 7523 client
// assertion): HS256 with the client secret as the key, iss and sub the client id, aud the token
// URL with `?realm=dsp`, iat and exp (10 minutes on). The form adds scope=dsp-api-access and
// realm=dsp. The answer is RFC 6749's (`access_token`, `expires_in`); the core keeps the token,
// renews it a minute before it ends, and renews it once when the CAPI answers 401.
import { createHmac } from 'node:crypto';
import { configText, readOAuthTokenAnswer, type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** Yahoo's identity server's token endpoint for the DSP API. */
export const TOKEN_URL = 'https://id.b2b.yahooinc.com/identity/oauth2/access_token';
/** The assertion's audience: the token URL with the DSP realm, as Yahoo's guide writes it. */
export const ASSERTION_AUDIENCE = `${TOKEN_URL}?realm=dsp`;
/** How long a signed assertion is valid: Yahoo's samples give 10 minutes. */
export const ASSERTION_SECONDS = 600;

/** Base64url without padding (RFC 7515 §2). */
function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The client assertion: a JWT signed HS256 with the client secret. No `jti`: Yahoo's samples
 * send none, and plugins stay pure (the same moment signs the same assertion).
 *
 * @example
 * clientAssertion('client-1', 'secret', Date.parse('2026-12-01T12:00:00Z'));
 * // 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2lkLmIyYi55YWhvb2luYy5jb20v….<signature>'
 */
export function clientAssertion(clientId: string, clientSecret: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ aud: ASSERTION_AUDIENCE, iss: clientId, sub: clientId, iat, exp: iat + ASSERTION_SECONDS }));
  const signature = base64url(createHmac('sha256', clientSecret).update(`${header}.${claims}`).digest());
  return `${header}.${claims}.${signature}`;
}

/**
 * The token request: the client-credentials grant with the signed assertion, in a form.
 *
 * @example
 * yahooTokenRequest(ctx);
 * // { method: 'POST', url: 'https://id.b2b.yahooinc.com/identity/oauth2/access_token',
 * //   headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
 * //   body: 'grant_type=client_credentials&scope=dsp-api-access&realm=dsp&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJ…', eventIds: [] }
 */
export function yahooTokenRequest(ctx: PluginContext): RequestDescriptor {
  const clientId = configText(ctx.config, 'client_id') ?? '';
  const clientSecret = configText(ctx.config, 'client_secret') ?? '';
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: 'dsp-api-access',
    realm: 'dsp',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion(clientId, clientSecret, ctx.now),
  });
  return { method: 'POST', url: TOKEN_URL, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString(), eventIds: [] };
}

/**
 * Reads the identity server's answer: the token and its lifetime; 408, 429 and 5xx retried; a
 * refused credential named in Yahoo's terms.
 *
 * @example
 * readYahooTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'eyJ…', token_type: 'Bearer', expires_in: 599 } });
 * // { accessToken: 'eyJ…', expiresInSeconds: 599 }
 */
export function readYahooTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, said }) => `Yahoo's identity server refused the DSP API credentials (HTTP ${status}, ${said}): check config.client_id and config.client_secret (the pair Yahoo issued together; a lost secret is reissued by DSP Support) and that DSP API access is enabled for the account, then replay the dead letters`,
  });
}

/** The core's token exchange for deliveries, enabled once the client id and secret are set. */
export const yahooAccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => configText(config, 'client_id') !== undefined && configText(config, 'client_secret') !== undefined,
  request: yahooTokenRequest,
  read: readYahooTokenAnswer,
};
