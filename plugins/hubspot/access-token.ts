// The access token exchange of an OAuth config: HubSpot's date-based OAuth token endpoint
// (`POST https://api.hubapi.com/oauth/<version>/token`, form-encoded, every parameter in the
// body — "these endpoints improve on the v1 endpoints by requiring all parameters to be in the
// request body"; v1 is deprecated on February 16, 2027). The answer's access token lasts 30
// minutes; the refresh token does not expire while the app stays installed.
import { oauthRefreshTokenRequest, PermanentError, readOAuthTokenAnswer, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiVersionOf, urlOf } from './api.ts';

const INSTALL_AGAIN = 'HubSpot refresh tokens last until the app is uninstalled from the account (or the app\'s client secret is rotated): install the app in the account again, store its new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are the app\'s; then replay the dead letters';

/**
 * The token request for a config's refresh token, at the token endpoint of the config's API
 * version.
 *
 * @example
 * hubSpotTokenRequest(ctx);
 * // { method: 'POST', url: 'https://api.hubapi.com/oauth/2026-09/token', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function hubSpotTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return oauthRefreshTokenRequest({
    url: urlOf('token', apiVersionOf(config)),
    clientId: String(config.client_id ?? '').trim(),
    clientSecret: String(config.client_secret ?? '').trim(),
    refreshToken: String(config.refresh_token ?? '').trim(),
  });
}

/**
 * Reads the token endpoint's answer: RFC 6749's (`access_token`, `expires_in`), also in the
 * camel case HubSpot's reference writes its token schema in (`accessToken`, `expiresIn`); a
 * refused refresh token (400/401: BAD_REFRESH_TOKEN, invalid_grant) said in HubSpot's terms;
 * 408, 429 and 5xx retried.
 *
 * @example
 * readHubSpotTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'CKDZ…', expires_in: 1800, refresh_token: 'na1-…' } });
 * // { accessToken: 'CKDZ…', expiresInSeconds: 1800 }
 */
export function readHubSpotTokenAnswer(response: VendorResponse): IssuedAccessToken {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json as Record<string, unknown> : {};
  if (response.status >= 200 && response.status < 300 && json.access_token === undefined && typeof json.accessToken === 'string') {
    const expiresIn = typeof json.expiresIn === 'number' && json.expiresIn > 0 ? json.expiresIn : 1800;
    if (json.accessToken === '') throw new PermanentError('HubSpot\'s token endpoint answered without an access token');
    return { accessToken: json.accessToken, expiresInSeconds: expiresIn };
  }
  return readOAuthTokenAnswer(response, { refused: ({ status, said }) => `HubSpot refused the refresh token (HTTP ${status}, ${said}). ${INSTALL_AGAIN}` });
}
