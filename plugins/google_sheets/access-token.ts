// The access token exchange of the config's credential at Google's OAuth 2.0 token endpoint (the
// SDK's googleCredentialExchange, as every Google plugin declares it): a service account's signed
// assertion asking for the spreadsheets scope, or an OAuth client's refresh token authorised with
// it. For deliveries only: rows in a customer's sheet are not deleted by Signal.
import { googleCredentialExchange } from '../../core/sdk/index.ts';
import { SHEETS_SCOPE } from './config.ts';

/** The core's token exchange for deliveries: enabled by either credential, refusals said in Google's terms. */
export const sheetsAccessToken = googleCredentialExchange({ usedBy: ['delivery'], api: 'Google Sheets', scope: SHEETS_SCOPE });

/** The token request: the service account's assertion for the spreadsheets scope (signed with `ctx.now`), or the refresh-token grant. */
export const sheetsTokenRequest = sheetsAccessToken.request;
/** The token endpoint's answer, a refused credential said in Google's terms. */
export const readSheetsTokenAnswer = sheetsAccessToken.read;
