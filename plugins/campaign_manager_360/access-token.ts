// The access token exchange of the config's credential at Google's OAuth 2.0 token endpoint
// (`POST https://oauth2.googleapis.com/token`), for the scope conversions.batchinsert requires,
// `https://www.googleapis.com/auth/ddmconversions`: an OAuth client's refresh token (the scope
// is the one the user authorised), or a service account's signed assertion asking for that
// scope — the exchange every Google plugin declares (the SDK's googleCredentialExchange).
// Google answers `access_token` and `expires_in` (an hour).
import { googleCredentialExchange } from '../../core/sdk/index.ts';

/** The scope conversions.batchinsert requires: "Manage DoubleClick Digital Marketing conversions". */
export const DDMCONVERSIONS_SCOPE = 'https://www.googleapis.com/auth/ddmconversions';

/** The core's token exchange for deliveries: enabled by either credential, refusals said in Google's terms. */
export const cm360AccessToken = googleCredentialExchange({ usedBy: ['delivery'], api: 'Campaign Manager 360', scope: DDMCONVERSIONS_SCOPE });
