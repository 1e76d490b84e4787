// The access token exchange of the config's refresh token: Login with Amazon's token endpoint
// (`POST https://api.amazon.com/auth/o2/token`, grant_type=refresh_token, the security profile's
// client id and secret in the form), the one for every region of the Amazon Ads API. Its answer
// gives `access_token` (Atza|…) and `expires_in` (3600) and names the refresh token again; should
// it ever name another one (RFC 6749 §6), the core keeps and uses it (`rotates`).
import { configText, oauthRefreshTokenRequest, readOAuthTokenAnswer, type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** Login with Amazon's token endpoint. */
export const TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

const AUTHORISE_AGAIN = 'a refresh token ends when the user who authorised Signal revokes it (Login with Amazon > your Amazon account\'s apps), loses access to the advertiser, or the security profile\'s secret is changed: authorise the app again with scope advertising::campaign_management, store the new refresh token in config.refresh_token in a new revision — with the config.client_id and config.client_secret of the security profile that issued it — then replay the dead letters';

/**
 * The token request for the config's refresh token.
 *
 * @example
 * amazonTokenRequest(ctx);
 * // { method: 'POST', url: 'https://api.amazon.com/auth/o2/token', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
 * //   body: 'grant_type=refresh_token&refresh_token=Atzr%7C…&client_id=amzn1.application-oa2-client.…&client_secret=…', eventIds: [] }
 */
export function amazonTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return oauthRefreshTokenRequest({
    url: TOKEN_URL,
    clientId: configText(config, 'client_id') ?? '',
    clientSecret: configText(config, 'client_secret') ?? '',
    refreshToken: configText(config, 'refresh_token') ?? '',
  });
}

/**
 * Reads Login with Amazon's answer: the token and its lifetime; 408, 429 and 5xx retried; a
 * refused credential (400 `invalid_grant`, `invalid_client`, `unauthorized_client`, …) said in
 * Amazon's terms, naming the fields to check.
 *
 * @example
 * readAmazonTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'Atza|IwEB…', refresh_token: 'Atzr|IwEB…', token_type: 'bearer', expires_in: 3600 } });
 * // { accessToken: 'Atza|IwEB…', expiresInSeconds: 3600, refreshToken: 'Atzr|IwEB…' }
 */
export function readAmazonTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said }) => code === 'invalid_client' || code === 'unauthorized_client'
      ? `Login with Amazon refused the app's credentials (HTTP ${status}, ${said}): check config.client_id and config.client_secret (Login with Amazon console > your security profile > Web Settings), then replay the dead letters`
      : `Login with Amazon refused the refresh token (HTTP ${status}, ${said}): ${AUTHORISE_AGAIN}`,
  });
}

/** The core's token exchange for deliveries, enabled once a refresh token is configured. */
export const amazonAccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => configText(config, 'refresh_token') !== undefined,
  request: amazonTokenRequest,
  read: readAmazonTokenAnswer,
  rotates: 'refresh_token',
};
