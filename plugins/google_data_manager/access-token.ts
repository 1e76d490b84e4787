// The access token exchange of the config's credential at Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`): an OAuth client's refresh token (grant_type
// refresh_token, the client's id and secret in the form; the scope is the one authorised), or
// a service account's signed assertion (RFC 7523) asking for the Data Manager API's scope — the
// exchange every Google plugin declares (the SDK's googleCredentialExchange). Google answers
// `access_token` and `expires_in` (an hour) to both.
import { googleCredentialExchange } from '../../core/sdk/index.ts';

/** The Data Manager API's only OAuth scope. */
export const DATAMANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';

/** The core's token exchange for deliveries: enabled by either credential, refusals said in Google's terms. */
export const dataManagerAccessToken = googleCredentialExchange({ usedBy: ['delivery'], api: 'Data Manager', scope: DATAMANAGER_SCOPE });
