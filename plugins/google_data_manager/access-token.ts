// The access token exchange of the config's credential at Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`): an OAuth client's refresh token (grant_type
// refresh_token, the client's id and secret in the form; the scope is the one authorised), or
// a service account's signed assertion (RFC 7523) asking for the Data Manager API's scope.
// Google answers `access_token` and `expires_in` (an hour) to both.
import {
  googleServiceAccountTokenRequest, oauthRefreshTokenRequest, parseGoogleServiceAccountKey, PermanentError, readOAuthTokenAnswer,
  type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { credentialOf, text } from './config.ts';

/** Google's OAuth 2.0 token endpoint. */
export const TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** The Data Manager API's only OAuth scope. */
export const DATAMANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';

const AUTHORISE_AGAIN = 'A Google refresh token stops working when the Google account that authorised Signal revokes its access or loses its own, after six months unused, when that account has authorised the same OAuth client too many times since (the oldest tokens go first), and — while the OAuth consent screen of the Google Cloud project is in "Testing" — seven days after it was issued (publish the app "In production"). Authorise Signal again with the datamanager scope (see the plugin README), store the new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are those of the OAuth client that issued it; then replay the dead letters';
const NEW_KEY = 'The service account key was deleted or disabled, the service account itself was, or its project was: create a new JSON key (Google Cloud console > IAM & Admin > Service accounts > the account > Keys > Add key), store it in config.service_account_key in a new revision, then replay the dead letters';

/**
 * The token request of a config: the refresh-token grant when `refresh_token` is given (with
 * the OAuth client in the form), else the service account's assertion for the datamanager scope,
 * signed with `ctx.now`.
 *
 * @example
 * dataManagerTokenRequest(ctx);
 * // { method: 'POST', url: 'https://oauth2.googleapis.com/token', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function dataManagerTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  if (credentialOf(config) === 'service_account') {
    const key = parseGoogleServiceAccountKey(text(config.service_account_key));
    if (typeof key === 'string') throw new PermanentError(`config.service_account_key ${key}: store the whole JSON key file in a new revision`);
    return googleServiceAccountTokenRequest(key, [DATAMANAGER_SCOPE], ctx.now);
  }
  return oauthRefreshTokenRequest({
    url: TOKEN_URL,
    clientId: text(config.client_id) ?? '',
    clientSecret: text(config.client_secret) ?? '',
    refreshToken: text(config.refresh_token) ?? '',
  });
}

/**
 * Reads the token endpoint's answer: the SDK's reading of RFC 6749 answers (2xx: the token and
 * its lifetime; 408, 429, 5xx: retried), with a refused credential said in Google's terms —
 * an assertion refused (`invalid_grant` with "JWT", "Invalid grant: account not found") names
 * the service account key; `invalid_grant` otherwise the refresh token ("Token has been expired
 * or revoked."); `invalid_client` / `unauthorized_client` the OAuth client; `invalid_scope`.
 *
 * @example
 * readDataManagerTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29.a0…', expires_in: 3599 } });
 * // { accessToken: 'ya29.a0…', expiresInSeconds: 3599 }
 */
export function readDataManagerTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said: what }) => {
      const said = `HTTP ${status}, ${what}`;
      if (code === 'invalid_client' || code === 'unauthorized_client') {
        return `Google refused the OAuth client (${said}): config.client_id and config.client_secret must be those of the Google Cloud OAuth client (APIs & Services > Credentials) that issued config.refresh_token (a service account key is refused so only when it is no longer the service account's). Fix them in a new revision, then replay the dead letters`;
      }
      if (code === 'invalid_scope') {
        return `Google refused the scope ${DATAMANAGER_SCOPE} (${said}): enable the Data Manager API in the credential's Google Cloud project and add the scope to its OAuth consent screen's data access (see the plugin README), then replay the dead letters`;
      }
      if (/jwt|assertion|account not found|service account/i.test(what)) return `Google refused the service account's assertion (${said}). ${NEW_KEY}`;
      return `Google refused the refresh token (${said}). ${AUTHORISE_AGAIN}`;
    },
  });
}

/** The core's token exchange for deliveries: enabled by either credential. */
export const dataManagerAccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => credentialOf(config) !== 'none',
  request: dataManagerTokenRequest,
  read: readDataManagerTokenAnswer,
};
