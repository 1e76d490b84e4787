// The access token exchange of a Server-to-Server API integration (Salesforce: "Access Token for
// Server-to-Server Integrations"): `POST https://<subdomain>.auth.marketingcloudapis.com/v2/token`
// with a JSON body — grant_type client_credentials, client_id, client_secret and, to write to
// another business unit than the package's, account_id (the MID, a number). The answer's
// access_token lasts 20 minutes (expires_in, 1079 s in Salesforce's example); the core renews it
// a minute before, and at once when an API answers 401. The answer's rest_instance_url is the
// tenant's REST host, which the plugin builds from the same subdomain.
import { readOAuthTokenAnswer, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { tokenUrlOf } from './config.ts';

/**
 * The token request of the config's API integration.
 *
 * @example
 * marketingCloudTokenRequest(ctx);
 * // { method: 'POST', url: 'https://mc563885gzs27c5t9-63k636ttgm.auth.marketingcloudapis.com/v2/token', headers: { 'content-type': 'application/json', accept: 'application/json' },
 * //   body: { grant_type: 'client_credentials', client_id: '…', client_secret: '…', account_id: 514009876 }, eventIds: [] }
 */
export function marketingCloudTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  const mid = typeof config.account_id === 'string' && /^[0-9]{1,12}$/.test(config.account_id.trim()) ? Number(config.account_id.trim()) : undefined;
  return {
    method: 'POST',
    url: tokenUrlOf(config),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: {
      grant_type: 'client_credentials',
      client_id: String(config.client_id ?? '').trim(),
      client_secret: String(config.client_secret ?? '').trim(),
      ...(mid === undefined ? {} : { account_id: mid }),
    },
    eventIds: [],
  };
}

/**
 * Reads the token endpoint's answer (RFC 6749's fields); a refused integration (400/401:
 * invalid_client, unauthorized_client, …) said in Marketing Cloud's terms, naming the fields to
 * check; 408, 429 and 5xx retried.
 *
 * @example
 * readMarketingCloudTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'eyJhbGci…', token_type: 'Bearer', expires_in: 1079, rest_instance_url: 'https://mc….rest.marketingcloudapis.com/' } });
 * // { accessToken: 'eyJhbGci…', expiresInSeconds: 1079 }
 */
export function readMarketingCloudTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, said }) => `Marketing Cloud refused the API integration's credentials (HTTP ${status}, ${said}): check config.client_id and config.client_secret against the package's API Integration (Installed Packages; a Server-to-Server integration), that config.subdomain is that integration's, and that config.account_id (when set) is the MID of a business unit the package is installed in; then replay`,
  });
}
