// The access token exchange, at the org's own token endpoint
// (`POST https://<my domain>/services/oauth2/token`, form-encoded, the client id and secret in the
// body as Salesforce's examples send them):
// - the refresh token flow ("OAuth 2.0 Refresh Token Flow for Renewed Sessions"):
//   grant_type=refresh_token, refresh_token, client_id, client_secret (when the app requires it);
//   should the app rotate refresh tokens, the answer names a new one, which the core keeps
//   (`rotates`);
// - the client credentials flow ("OAuth 2.0 Client Credentials Flow for Server-to-Server
//   Integration"): grant_type=client_credentials, client_id, client_secret; the token acts as the
//   app's Run As integration user.
// The answer is `{ access_token, signature, scope, instance_url, id, token_type, issued_at }`:
// Salesforce gives no `expires_in` (the session lasts the app's session timeout), so the SDK's
// hour is assumed, and a 401 INVALID_SESSION_ID (a session that ended sooner) renews it at once.
import { configText, oauthClientCredentialsRequest, oauthRefreshTokenRequest, readOAuthTokenAnswer, RetryableError, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { tokenUrlOf, usesClientCredentials } from './config.ts';

/**
 * The token request of the config's flow.
 *
 * @example
 * salesforceTokenRequest(ctx);
 * // { method: 'POST', url: 'https://acme.my.salesforce.com/services/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function salesforceTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  const url = tokenUrlOf(config);
  const clientId = configText(config, 'client_id') ?? '';
  const clientSecret = configText(config, 'client_secret');
  if (usesClientCredentials(config)) return oauthClientCredentialsRequest({ url, clientId, clientSecret: clientSecret ?? '' });
  return oauthRefreshTokenRequest({ url, clientId, ...(clientSecret === undefined ? {} : { clientSecret }), refreshToken: configText(config, 'refresh_token') ?? '' });
}

/**
 * Reads the token endpoint's answer: the access token (an hour assumed: Salesforce gives no
 * expires_in); a refused credential (400 invalid_grant, invalid_client_id, invalid_client,
 * inactive_user, inactive_org, …) in Salesforce's terms, naming the fields to check;
 * `rate_limit_exceeded` (too many token requests), 408, 429 and 5xx tried again.
 *
 * @example
 * readSalesforceTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: '00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog', instance_url: 'https://acme.my.salesforce.com', token_type: 'Bearer', issued_at: '1278448832702' } });
 * // { accessToken: '00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog', expiresInSeconds: 3600 }
 */
export function readSalesforceTokenAnswer(response: VendorResponse): IssuedAccessToken {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json as Record<string, unknown> : {};
  if (json.error === 'rate_limit_exceeded') throw new RetryableError(`Salesforce's token endpoint refused more token requests for now (HTTP ${response.status}, rate_limit_exceeded)`, 60_000);
  return readOAuthTokenAnswer(response, {
    refused: ({ status, said }) => `Salesforce refused the app's credentials (HTTP ${status}, ${said}): with auth_flow refresh_token, the refresh token was revoked or expired (the app's refresh token policy, a password reset, a revoked connection) — authorise Signal again and store the new refresh token in config.refresh_token in a new revision; with client_credentials, check that the app enables the Client Credentials Flow with a Run As user; check config.client_id and config.client_secret, and that config.my_domain is the org the app is installed in (an inactive user or org is refused too); then replay the dead letters`,
  });
}
