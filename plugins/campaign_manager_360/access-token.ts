// The access token exchange of the config's credential at Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`), for the scope conversions.batchinsert requires,
// `https://www.googleapis.com/auth/ddmconversions`: an OAuth client's refresh token (the scope
// is the one the user authorised), or a service account's signed assertion asking for that
// scope (the SDK's whole exchange). Google answers `access_token` and `expires_in` (an hour).
import {
  googleServiceAccountExchange, oauthRefreshTokenRequest, readOAuthTokenAnswer,
  type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { credentialOf, text } from './config.ts';

/** Google's OAuth 2.0 token endpoint. */
export const TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** The scope conversions.batchinsert requires: "Manage DoubleClick Digital Marketing conversions". */
export const DDMCONVERSIONS_SCOPE = 'https://www.googleapis.com/auth/ddmconversions';

/** A service account key's exchange, as every Google plugin declares it (the SDK's). */
const serviceAccount = googleServiceAccountExchange({ usedBy: ['delivery'], api: 'Campaign Manager 360', scopes: () => [DDMCONVERSIONS_SCOPE] });

const AUTHORISE_AGAIN = 'A Google refresh token stops working when the Google account that authorised Signal revokes its access or loses its own, after six months unused, when that account has authorised the same OAuth client too many times since, and — while the OAuth consent screen of the Google Cloud project is in "Testing" — seven days after it was issued (publish the app "In production"). Authorise Signal again with the ddmconversions scope (see the plugin README), store the new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are those of the OAuth client that issued it; then replay the dead letters';

/**
 * The token request of a config: the refresh-token grant when `refresh_token` is given (with
 * the OAuth client in the form), else the service account's assertion for the ddmconversions
 * scope, signed with `ctx.now`.
 *
 * @example
 * cm360TokenRequest(ctx);
 * // { method: 'POST', url: 'https://oauth2.googleapis.com/token', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function cm360TokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  if (credentialOf(config) === 'service_account') return serviceAccount.request(ctx);
  return oauthRefreshTokenRequest({
    url: TOKEN_URL,
    clientId: text(config.client_id) ?? '',
    clientSecret: text(config.client_secret) ?? '',
    refreshToken: text(config.refresh_token) ?? '',
  });
}

/**
 * Reads the token endpoint's answer to a refresh-token grant: the SDK's reading of RFC 6749
 * answers (2xx: the token and its lifetime; 408, 429, 5xx: retried), a refused credential said
 * in Google's terms — `invalid_client` / `unauthorized_client` the OAuth client, `invalid_scope`
 * the API, `invalid_grant` the refresh token ("Token has been expired or revoked.").
 *
 * @example
 * readRefreshTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29.a0…', expires_in: 3599 } });
 * // { accessToken: 'ya29.a0…', expiresInSeconds: 3599 }
 */
export function readRefreshTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said: what }) => {
      const said = `HTTP ${status}, ${what}`;
      if (code === 'invalid_client' || code === 'unauthorized_client') {
        return `Google refused the OAuth client (${said}): config.client_id and config.client_secret must be those of the Google Cloud OAuth client (APIs & Services > Credentials) that issued config.refresh_token. Fix them in a new revision, then replay the dead letters`;
      }
      if (code === 'invalid_scope') return `Google refused the scope ${DDMCONVERSIONS_SCOPE} (${said}): enable the Campaign Manager 360 API in the OAuth client's Google Cloud project, then authorise Signal again with that scope and replay the dead letters`;
      return `Google refused the refresh token (${said}). ${AUTHORISE_AGAIN}`;
    },
  });
}

/**
 * The core's token exchange for deliveries: enabled by either credential; a service account's
 * answers read by the SDK's exchange, a refresh token's by readRefreshTokenAnswer. `read` gets no
 * config, so it tells them apart by Google's words: an assertion refused says "JWT" or
 * "account"; anything else is the refresh token's.
 */
export const cm360AccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => credentialOf(config) !== 'none',
  request: cm360TokenRequest,
  read(response) {
    const said = `${response.body ?? ''}`;
    return /jwt|assertion|account not found|service account/i.test(said) && response.status >= 400 ? serviceAccount.read(response) : readRefreshTokenAnswer(response);
  },
};
