// The User Deletion API's token: "All endpoints require an auth_token, which is obtained through
// HTTP Basic Authentication of an app_id and api_key" — `POST /api/public/v0/auth_token` answers
// `{ "access_token": "…" }` (or `err`), and the token "expires in 5 minutes". The core asks for
// it, keeps it and renews it a minute before it expires; it is used by deletions only (the
// server-side APIs take the app_id alone).
import { readOAuthTokenAnswer, type AccessTokenExchange, type IssuedAccessToken, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { PRIVACY_API_BASE } from './hosts.ts';

/** Heap's token lasts 5 minutes; its answer gives no `expires_in`. */
export const TOKEN_SECONDS = 300;
export const AUTH_TOKEN_PATH = '/api/public/v0/auth_token';

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The token request: HTTP Basic with the app ID as user name and the API key as password.
 *
 * @example
 * authTokenRequest(ctx); // { method: 'POST', url: 'https://heapanalytics.com/api/public/v0/auth_token', headers: { authorization: 'Basic …' }, eventIds: [] }
 */
export function authTokenRequest(ctx: PluginContext): RequestDescriptor {
  const credentials = Buffer.from(`${text(ctx.config.app_id)}:${text(ctx.config.api_key)}`, 'utf8').toString('base64');
  return { method: 'POST', url: `${PRIVACY_API_BASE}${AUTH_TOKEN_PATH}`, headers: { authorization: `Basic ${credentials}`, accept: 'application/json' }, eventIds: [] };
}

/**
 * Reads the token answer: the token for 5 minutes (or the `expires_in` an answer gives); a
 * refused app ID or key says which fields to fix; a failing endpoint is tried again.
 *
 * @example
 * readAuthTokenAnswer({ status: 200, headers: {}, body: '{"access_token":"t"}', json: { access_token: 't' } });
 * // { accessToken: 't', expiresInSeconds: 300 }
 */
export function readAuthTokenAnswer(response: VendorResponse): IssuedAccessToken {
  // A 403 is the same refusal as a 401 here: RFC 6749's reading calls it an unknown refusal.
  // Heap's answer carries `err` "if unsuccessful" without saying its status: an `err` without a
  // token in a 2xx is the same refusal, naming the fields to fix.
  const answered = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? (response.json as Record<string, unknown>) : {};
  const refusedIn2xx = response.status >= 200 && response.status < 300 && answered.access_token === undefined && answered.err !== undefined;
  const answer = response.status === 403 || refusedIn2xx ? { ...response, status: 401 } : response;
  const issued = readOAuthTokenAnswer(answer, {
    // Heap's own words: its `err`, else the body (saidBy).
    refused: () => `Heap refused the app ID and API key (HTTP ${response.status}${saidBy(response) ? `: ${saidBy(response)}` : ''}): config.api_key must be the account's API key (Account > Manage > Privacy & Security) and config.app_id the Main Production environment's ID — Heap's User Deletion API refuses any other environment`,
  });
  const json = response.json as { expires_in?: unknown } | undefined;
  return json !== undefined && json !== null && typeof json === 'object' && json.expires_in !== undefined ? issued : { ...issued, expiresInSeconds: TOKEN_SECONDS };
}

/** The deletion token of an integration with an API key. */
export const deletionToken: AccessTokenExchange = {
  usedBy: ['forgetPerson'],
  enabled: (config) => text(config.api_key) !== '' && text(config.app_id) !== '',
  request: authTokenRequest,
  read: readAuthTokenAnswer,
};
