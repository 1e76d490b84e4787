// The access token exchange at the account's accounts server (Zoho CRM "Refreshing your Access
// Tokens"): `POST https://accounts.zoho.<dc>/oauth/v2/token`, form-encoded, with
// grant_type=refresh_token, refresh_token, client_id and client_secret. The answer is
// `{ access_token, expires_in: 3600, api_domain, token_type: "Bearer", scope }`: a token lasts an
// hour. Zoho does not rotate refresh tokens (the answer names none).
//
// Zoho's accounts server answers some refusals with HTTP 200 and an `error` instead of a token
// (`{"error":"invalid_code"}` for a refresh token that is revoked, expired, or of another data
// center; `invalid_client` for a wrong client id or secret), so those are read before the SDK's
// RFC 6749 reading; and it refuses too many token requests in a row with
// `{"error":"Access Denied","error_description":"You have made too many requests continuously…"}`,
// which is waited out.
import { configText, oauthRefreshTokenRequest, readOAuthTokenAnswer, PermanentError, RetryableError, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { tokenUrlOf } from './config.ts';

/** How long the accounts server's "too many requests" is waited out (Signal's choice; Zoho names no time). */
export const TOKEN_THROTTLE_WAIT_MS = 60_000;
/** The way back after a refused credential. */
const REPLAY = 'then replay the dead letters';

/**
 * The refresh token request.
 *
 * @example
 * zohoTokenRequest(ctx);
 * // { method: 'POST', url: 'https://accounts.zoho.com/oauth/v2/token', headers: { 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…', eventIds: [] }
 */
export function zohoTokenRequest(ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  return oauthRefreshTokenRequest({
    url: tokenUrlOf(config),
    clientId: configText(config, 'client_id') ?? '',
    clientSecret: configText(config, 'client_secret') ?? '',
    refreshToken: configText(config, 'refresh_token') ?? '',
  });
}

/** What to check for a refused credential, in Zoho's terms. */
function refusedCredential(said: string): string {
  return `Zoho's accounts server refused the client's credentials (${said}): the refresh token may be revoked (API Console > the client, or a user's Connected Apps), belong to another data center than config.data_center, or to another client than config.client_id; check config.client_id and config.client_secret; generate a new refresh token with the ZohoCRM.modules scopes and store it in config.refresh_token in a new revision, ${REPLAY}`;
}

/**
 * Reads the accounts server's answer: the access token (expires_in, an hour); a refusal given
 * with HTTP 200 (`invalid_code`, `invalid_client`) or 400/401 as a PermanentError naming the
 * fields to check; "Access Denied" for too many token requests, 408, 429 and 5xx tried again.
 *
 * @example
 * readZohoTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: '1000.abc', expires_in: 3600, api_domain: 'https://www.zohoapis.com', token_type: 'Bearer' } });
 * // { accessToken: '1000.abc', expiresInSeconds: 3600 }
 */
export function readZohoTokenAnswer(response: VendorResponse): IssuedAccessToken {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json as Record<string, unknown> : {};
  const error = typeof json.error === 'string' ? json.error : undefined;
  const description = typeof json.error_description === 'string' ? json.error_description.replace(/\s+/g, ' ').trim().slice(0, 200) : undefined;
  const said = `HTTP ${response.status}, ${[error, description].filter(Boolean).join(': ') || response.body.slice(0, 200) || '(no body)'}`;
  if (error !== undefined && (/access denied/i.test(error) || /too many requests/i.test(description ?? ''))) {
    throw new RetryableError(`Zoho's accounts server refused more token requests for now (${said})`, TOKEN_THROTTLE_WAIT_MS);
  }
  // A refusal in a 200: no token, an error.
  if (response.status >= 200 && response.status < 300 && error !== undefined && typeof json.access_token !== 'string') {
    throw new PermanentError(refusedCredential(said));
  }
  const issued = readOAuthTokenAnswer(response, { refused: (refusal) => refusedCredential(`HTTP ${refusal.status}, ${refusal.said}`) });
  // Zoho's older answer form gives `expires_in_sec` (seconds) beside `expires_in` in
  // milliseconds (3600000), as Zoho's own SDKs read it: kept 1000 hours, the token would be
  // refused every hour.
  const seconds = json.expires_in_sec;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return { ...issued, expiresInSeconds: Math.floor(seconds) };
  return issued;
}
