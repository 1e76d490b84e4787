// The access token exchange of a LaunchPoint custom service (Marketo: "Authentication"): the
// client id and secret are exchanged at the instance's Identity endpoint,
// `<instance>/identity/oauth/token` with grant_type client_credentials, for an access token of an
// hour (`expires_in` 3599 in Marketo's example, the token's remaining lifespan: asking again
// before it expires gives the same token). Marketo documents the call as "HTTP GET (or POST)"
// with the three parameters in the query string, and its Identity OpenAPI specification
// (`identityUsingPOST`) defines them as query parameters of the POST too: the plugin sends that
// documented POST, with no body. The core redacts the secret from every log of the URL. The
// token then goes in an `Authorization: Bearer` header on every REST call (Marketo removes the
// access_token query parameter in 2026). Identity calls do not count towards the API limits.
//
// Marketo answers a refused or expired token inside an HTTP 200: `success: false` with error 601
// ("Access token invalid") or 602 ("Access token expired"). `tokenRefused` reads those, so the
// core renews the token once and sends the request again, as it does after a 401.
import { readOAuthTokenAnswer, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { errorsOf } from './answers.ts';
import { instanceOrigin } from './config.ts';

/** Marketo's response-level codes for a token it no longer takes: invalid (601), expired (602). */
export const TOKEN_ERROR_CODES = new Set(['601', '602']);

/**
 * The token request of the config's custom service: Marketo's documented
 * `POST /identity/oauth/token?grant_type=client_credentials&client_id=…&client_secret=…`.
 *
 * @example
 * marketoTokenRequest(ctx);
 * // { method: 'POST', url: 'https://123-ABC-456.mktorest.com/identity/oauth/token', headers: { accept: 'application/json' },
 * //   query: [['grant_type', 'client_credentials'], ['client_id', '…'], ['client_secret', '…']], eventIds: [] }
 */
export function marketoTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return {
    method: 'POST',
    url: `${instanceOrigin(config)}/identity/oauth/token`,
    headers: { accept: 'application/json' },
    query: [['grant_type', 'client_credentials'], ['client_id', String(config.client_id ?? '').trim()], ['client_secret', String(config.client_secret ?? '').trim()]],
    eventIds: [],
  };
}

/**
 * Reads the Identity endpoint's answer (`{ access_token, token_type, expires_in, scope }`); a
 * refused custom service (401, or 400 invalid_client) said in Marketo's terms; 408, 429 and 5xx
 * retried.
 *
 * @example
 * readMarketoTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'cdf01657-110d-4155-99a7-f986b2ff13a0:int', token_type: 'bearer', expires_in: 3599, scope: 'apis@acmeinc.com' } });
 * // { accessToken: 'cdf01657-110d-4155-99a7-f986b2ff13a0:int', expiresInSeconds: 3599 }
 */
export function readMarketoTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, said }) => `Marketo refused the custom service's credentials (HTTP ${status}, ${said}): check config.client_id and config.client_secret against the LaunchPoint custom service (Admin > Integration > LaunchPoint > View Details), and that config.munchkin_id is the instance the service belongs to; then replay`,
  });
}

/**
 * Whether Marketo's answer refuses the access token the request carried: an HTTP 200 with
 * `success: false` and error 601 or 602 (Marketo answers every response-level error in a 200).
 *
 * @example
 * tokenRefused({ status: 200, headers: {}, body: '{"success":false,"errors":[{"code":"602","message":"Access token expired"}]}' }); // true
 */
export function tokenRefused(response: VendorResponse): boolean {
  if (response.status < 200 || response.status >= 300) return false;
  return errorsOf(response).some((error) => TOKEN_ERROR_CODES.has(error.code));
}
