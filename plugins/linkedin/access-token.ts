// The access token exchange of a refresh-token config: LinkedIn's OAuth 2.0 token endpoint
// (`POST https://www.linkedin.com/oauth/v2/accessToken`, grant_type=refresh_token, the app's
// client id and secret in the form). Its answer gives `access_token` and `expires_in` (60 days)
// and the refresh token's remaining life (`refresh_token_expires_in`): a programmatic refresh
// token lasts 365 days from the member's authorisation, and using it does not extend that. The
// answer names the same refresh token again (LinkedIn does not rotate it), so the config's
// refresh token stays the one to use.
import { oauthRefreshTokenRequest, readOAuthTokenAnswer, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** LinkedIn's OAuth 2.0 token endpoint (the authorisation code and refresh-token grants). */
export const TOKEN_URL = 'https://www.linkedin.com/oauth/v2/accessToken';

const AUTHORISE_AGAIN = 'LinkedIn refresh tokens last 365 days from the member\'s authorisation (renewals do not extend them) and end when the member revokes Signal\'s access or the app\'s secret changes: authorise Signal again (see the LinkedIn plugin README) and store the new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are those of the app that issued it; then replay the dead letters';

/**
 * The token request for a config's refresh token.
 *
 * @example
 * linkedInTokenRequest(ctx);
 * // { method: 'POST', url: 'https://www.linkedin.com/oauth/v2/accessToken', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function linkedInTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return oauthRefreshTokenRequest({
    url: TOKEN_URL,
    clientId: String(config.client_id ?? '').trim(),
    clientSecret: String(config.client_secret ?? '').trim(),
    refreshToken: String(config.refresh_token ?? '').trim(),
  });
}

/**
 * Reads the token endpoint's answer: the SDK's reading of RFC 6749 answers (2xx: the token and
 * its lifetime; 408, 429, 5xx: retried; other answers refused as the SDK says them), with a
 * refused credential — LinkedIn answers 400 or 401 with `error` and `error_description` — said
 * in LinkedIn's terms: what to do to authorise Signal again.
 *
 * @example
 * readLinkedInTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'AQX…', expires_in: 5184000 } });
 * // { accessToken: 'AQX…', expiresInSeconds: 5184000 }
 */
export function readLinkedInTokenAnswer(response: VendorResponse): IssuedAccessToken {
  // LinkedIn refuses a refresh token with 400 (its docs: invalid_request, "…invalid, expired
  // or revoked") or 401; any other answer (a 404 page, a 403) is not about the token.
  return readOAuthTokenAnswer(response, { refused: ({ status, said }) => `LinkedIn refused the refresh token (HTTP ${status}, ${said}). ${AUTHORISE_AGAIN}` });
}
