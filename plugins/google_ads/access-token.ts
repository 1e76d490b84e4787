// The access token exchange of the config's refresh token: Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`, grant_type=refresh_token, the OAuth client's id
// and secret in the form). Its answer gives `access_token` and `expires_in` (an hour); Google
// does not rotate the refresh token on use, so the config's refresh token stays the one to use.
import { oauthRefreshTokenRequest, readOAuthTokenAnswer, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** Google's OAuth 2.0 token endpoint. */
export const TOKEN_URL = 'https://oauth2.googleapis.com/token';

const AUTHORISE_AGAIN = 'A Google refresh token stops working when the Google account that authorised Signal revokes its access, after six months unused, when that account has authorised the same OAuth client too many times since (the oldest tokens go first), and — while the OAuth consent screen of the Google Cloud project is in "Testing" — seven days after it was issued (publish the app "In production" to end that). Authorise Signal again (see the Google Ads plugin README), store the new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are those of the OAuth client that issued it; then replay the dead letters';

/**
 * The token request for a config's refresh token.
 *
 * @example
 * googleAdsTokenRequest(ctx);
 * // { method: 'POST', url: 'https://oauth2.googleapis.com/token', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function googleAdsTokenRequest(ctx: PluginContext): RequestDescriptor {
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
 * its lifetime; 408, 429, 5xx: retried), with a refused credential — Google answers 400
 * `invalid_grant` ("Token has been expired or revoked.") for the refresh token, 401
 * `invalid_client` or `unauthorized_client` for the OAuth client — said in Google's terms.
 *
 * @example
 * readGoogleTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29.a0…', expires_in: 3599 } });
 * // { accessToken: 'ya29.a0…', expiresInSeconds: 3599 }
 */
export function readGoogleTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said }) => (code === 'invalid_client' || code === 'unauthorized_client'
      ? `Google refused the OAuth client (HTTP ${status}, ${said}): config.client_id and config.client_secret must be those of the Google Cloud OAuth client (APIs & Services > Credentials) that issued config.refresh_token. Fix them in a new revision, then replay the dead letters`
      : `Google refused the refresh token (HTTP ${status}, ${said}). ${AUTHORISE_AGAIN}`),
  });
}
