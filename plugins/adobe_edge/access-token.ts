// The IMS access token of an OAuth Server-to-Server credential: a client-credentials grant at
// Adobe's IMS (`POST https://ims-na1.adobelogin.com/ims/token/v3`, the credential's client id,
// secret and scopes in the form). The answer gives `access_token` and `expires_in` (86399, a
// day); there is no refresh token, a new token is asked for with the same credential.
import { configText, oauthClientCredentialsRequest, readOAuthTokenAnswer, type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { DEFAULT_SCOPES, isAuthenticated } from './config.ts';

/** Adobe IMS's token endpoint (the one host Adobe documents for every region). */
export const TOKEN_URL = 'https://ims-na1.adobelogin.com/ims/token/v3';

/**
 * The token request for the config's credential.
 *
 * @example
 * adobeTokenRequest({ ...ctx, config: { client_id: 'abc', client_secret: 'p8e-…' } });
 * // { method: 'POST', url: 'https://ims-na1.adobelogin.com/ims/token/v3', body: 'grant_type=client_credentials&scope=openid%2CAdobeID%2C…&client_id=abc&client_secret=p8e-…', … }
 */
export function adobeTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return oauthClientCredentialsRequest({
    url: TOKEN_URL,
    clientId: configText(config, 'client_id') ?? '',
    clientSecret: configText(config, 'client_secret') ?? '',
    scope: (configText(config, 'scopes') ?? DEFAULT_SCOPES).replace(/\s+/g, ''),
  });
}

/**
 * Reads IMS's answer: the token and its lifetime; 408, 429 and 5xx retried; a refused
 * credential said naming the config fields to check.
 *
 * @example
 * readAdobeTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'eyJ…', token_type: 'bearer', expires_in: 86399 } });
 * // { accessToken: 'eyJ…', expiresInSeconds: 86399 }
 */
export function readAdobeTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said }) => code === 'invalid_scope'
      ? `Adobe IMS refused the scopes (HTTP ${status}, ${said}): set config.scopes to the scopes the Developer Console lists for the OAuth Server-to-Server credential, then replay the dead letters`
      : `Adobe IMS refused the credential (HTTP ${status}, ${said}): check config.client_id and config.client_secret (Developer Console > your project > OAuth Server-to-Server; a secret rotated there must be given again), then replay the dead letters`,
  });
}

/** The core's token exchange for deliveries, enabled once a Client ID is configured. */
export const adobeAccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: isAuthenticated,
  request: adobeTokenRequest,
  read: readAdobeTokenAnswer,
};
