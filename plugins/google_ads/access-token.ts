// The access token exchange of the config's refresh token: Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`, grant_type=refresh_token, the OAuth client's id
// and secret in the form), as every Google plugin declares it (the SDK's googleCredentialExchange,
// here without a service account: the Google Ads API is called as a user of the account). Its
// answer gives `access_token` and `expires_in` (an hour); Google does not rotate the refresh
// token on use, so the config's refresh token stays the one to use.
import { googleCredentialExchange } from '../../core/sdk/index.ts';

/** The Google Ads API's OAuth scope. */
export const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';

/**
 * The core's token exchange for deliveries, enabled by a refresh token; should Google's answer
 * ever name a new refresh token (RFC 6749 §6), the core keeps and uses it.
 */
export const googleAdsAccessToken = {
  ...googleCredentialExchange({ usedBy: ['delivery'], api: 'Google Ads', scope: ADWORDS_SCOPE, serviceAccount: false }),
  rotates: 'refresh_token',
};
