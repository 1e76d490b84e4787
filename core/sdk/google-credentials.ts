// The credential of a plugin that calls a Google API as a Google user or a service account,
// read, checked and exchanged the same way by every such plugin (Google Ads, Data Manager,
// Campaign Manager 360): an OAuth client's refresh token (`client_id`, `client_secret`,
// `refresh_token`: Google's refresh-token grant at `https://oauth2.googleapis.com/token`, the
// scope the user authorised), or — where the API takes one — a service account's JSON key
// (`service_account_key`: an RFC 7523 assertion asking for the API's scope). Google answers
// `access_token` and `expires_in` (an hour) to both; its refusals are said here in its terms,
// naming the config field to fix.
import { PermanentError } from './errors.ts';
import { excerpt } from './excerpt.ts';
import { googleServiceAccountTokenRequest, oauthRefreshTokenRequest, parseGoogleServiceAccountKey, readOAuthTokenAnswer } from './oauth.ts';
import { pastedSecretProblem } from './pasted-secret.ts';
import type { AccessTokenExchange, AccessTokenUse, ConfigProblem, IssuedAccessToken, JsonValue, PluginContext, RequestDescriptor, VendorResponse } from './types.ts';
import { trimmedText } from './config-text.ts';

/** Google's OAuth 2.0 token endpoint. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Which credential a config gives: an OAuth client's refresh token, a service account's key, or none. */
export type GoogleCredentialKind = 'refresh_token' | 'service_account' | 'none';

/**
 * The credential of a config: the refresh token when one is given (with its OAuth client), else
 * the service account key, else none (`googleCredentialProblems` refuses none, and both).
 *
 * @example
 * googleCredentialOf({ refresh_token: '1//0g…', client_id: '…', client_secret: '…' }); // 'refresh_token'
 * googleCredentialOf({ service_account_key: '{…}' });                               // 'service_account'
 * googleCredentialOf({});                                                           // 'none'
 */
export function googleCredentialOf(config: Record<string, JsonValue>): GoogleCredentialKind {
  if (trimmedText(config.refresh_token) !== undefined) return 'refresh_token';
  if (trimmedText(config.service_account_key) !== undefined) return 'service_account';
  return 'none';
}

export interface GoogleCredentialOptions {
  /** Whether the API takes a service account's key as the other credential (default true); without, the refresh token is the only one. */
  serviceAccount?: boolean;
}

/**
 * The problems of a config's Google credential the JSON Schema cannot see, each naming its
 * field: no credential, or both (with a service account); a refresh token without its OAuth
 * client; a refresh token or client secret pasted with `Bearer ` or white space; a client id
 * that is no Google Cloud OAuth client id; the client secret given again as the refresh token;
 * a service account key that cannot be read (never quoting it).
 *
 * @example
 * googleCredentialProblems({ refresh_token: 'Bearer 1//0g', client_id: 'c.apps.googleusercontent.com', client_secret: 's' });
 * // [{ field: 'refresh_token', message: 'starts with "Bearer ": give the refresh token alone' }]
 */
export function googleCredentialProblems(config: Record<string, JsonValue>, options: GoogleCredentialOptions = {}): ConfigProblem[] {
  const serviceAccount = options.serviceAccount !== false;
  const problems: ConfigProblem[] = [];
  const refreshToken = trimmedText(config.refresh_token);
  const key = serviceAccount ? trimmedText(config.service_account_key) : undefined;
  if (refreshToken === undefined && key === undefined) {
    problems.push({
      field: 'refresh_token',
      message: serviceAccount
        ? 'give one credential: the refresh token of an OAuth client (with client_id and client_secret), or a service account\'s JSON key in service_account_key (see the plugin README)'
        : 'give the refresh token Google gave when Signal was authorised (with client_id and client_secret; see the plugin README)',
    });
  }
  if (refreshToken !== undefined && key !== undefined) {
    problems.push({ field: 'service_account_key', message: 'is given with refresh_token: give one credential, the refresh token (with the OAuth client) or the service account key, and remove the other' });
  }
  if (refreshToken !== undefined) {
    for (const field of ['client_id', 'client_secret'] as const) {
      if (trimmedText(config[field]) === undefined) problems.push({ field, message: `is required with refresh_token: the ${field === 'client_id' ? 'client id' : 'secret'} of the OAuth client that issued it (Google Cloud console > APIs & Services > Credentials)` });
    }
  }
  for (const [field, what] of [['refresh_token', 'refresh token'], ['client_secret', 'client secret']] as const) {
    const value = trimmedText(config[field]);
    const problem = value === undefined ? undefined : pastedSecretProblem(field, value, what);
    if (problem) problems.push(problem);
  }
  const clientId = trimmedText(config.client_id);
  if (clientId !== undefined && (/\s/.test(clientId) || !clientId.endsWith('.apps.googleusercontent.com'))) {
    problems.push({ field: 'client_id', message: `is ${JSON.stringify(excerpt(clientId, 120))}: an OAuth client id of Google Cloud ends with .apps.googleusercontent.com (Google Cloud console > APIs & Services > Credentials > OAuth 2.0 Client IDs)` });
  }
  if (refreshToken !== undefined && refreshToken === trimmedText(config.client_secret)) {
    problems.push({ field: 'refresh_token', message: 'is the client secret again: the refresh token is the refresh_token of the token answer you got when authorising Signal (see the plugin README)' });
  }
  if (key !== undefined) {
    const parsed = parseGoogleServiceAccountKey(key);
    if (typeof parsed === 'string') problems.push({ field: 'service_account_key', message: parsed });
  }
  return problems;
}

export interface GoogleCredentialExchangeOptions extends GoogleCredentialOptions {
  /** What the token is used by: deliveries, person deletions (and their notices), or both. */
  usedBy: AccessTokenUse[];
  /** The Google API, as its console's Library names it ("Data Manager", "Campaign Manager 360"): a refused scope says to enable it. */
  api: string;
  /** The OAuth scope the API's requests take (a service account's assertion asks for it; a refresh token must have been authorised with it). */
  scope: string;
}

/** An exchange whose `request` and `read` are always there (plugins test them directly). */
export type GoogleCredentialExchange = AccessTokenExchange & {
  request(ctx: PluginContext): RequestDescriptor;
  read(response: VendorResponse): IssuedAccessToken;
};

/** The last part of a scope, as a user knows it: `datamanager` of `https://www.googleapis.com/auth/datamanager`. */
const scopeName = (scope: string): string => scope.slice(scope.lastIndexOf('/') + 1);

/** A refusal of a service account's assertion, in Google's words ("Invalid JWT Signature.", "Invalid grant: account not found"). */
const ASSERTION_REFUSED = /jwt|assertion|account not found|service account/i;

/**
 * A plugin's `accessToken` for a Google credential (see `googleCredentialProblems`): enabled by
 * either credential (the refresh token alone with `serviceAccount: false`); `request` is the
 * refresh-token grant when `refresh_token` is given (the OAuth client in the form), else the
 * service account's assertion for `scope`, signed with `ctx.now` (a key that cannot be read —
 * refused at install, so only a hand-edited revision — a PermanentError naming the field);
 * `read` is the SDK's reading of RFC 6749 answers (2xx: the token and its lifetime; 408, 429,
 * 5xx: retried), a refusal said in Google's terms — `invalid_client` / `unauthorized_client` the
 * OAuth client, `invalid_scope` the API, an assertion refused ("JWT", "account not found") the
 * service account key, any other the refresh token ("Token has been expired or revoked.").
 *
 * @example
 * accessToken: googleCredentialExchange({ usedBy: ['delivery'], api: 'Data Manager', scope: 'https://www.googleapis.com/auth/datamanager' }),
 */
export function googleCredentialExchange(options: GoogleCredentialExchangeOptions): GoogleCredentialExchange {
  const serviceAccount = options.serviceAccount !== false;
  const name = scopeName(options.scope);
  const authoriseAgain = `A Google refresh token stops working when the Google account that authorised Signal revokes its access or loses its own, after six months unused, when that account has authorised the same OAuth client too many times since (the oldest tokens go first), and — while the OAuth consent screen of the Google Cloud project is in "Testing" — seven days after it was issued (publish the app "In production"). Authorise Signal again with the ${name} scope (see the plugin README), store the new refresh token in config.refresh_token in a new revision, checking that config.client_id and config.client_secret are those of the OAuth client that issued it; then replay the dead letters`;
  const newKey = 'The service account key was deleted or disabled, the service account itself was, or its project was: create a new JSON key (Google Cloud console > IAM & Admin > Service accounts > the account > Keys > Add key), store it in config.service_account_key in a new revision, then replay the dead letters';
  return {
    usedBy: options.usedBy,
    enabled: (config) => (serviceAccount ? googleCredentialOf(config) !== 'none' : trimmedText(config.refresh_token) !== undefined),
    request(ctx) {
      const { config } = ctx;
      if (serviceAccount && googleCredentialOf(config) === 'service_account') {
        const key = parseGoogleServiceAccountKey(trimmedText(config.service_account_key));
        if (typeof key === 'string') throw new PermanentError(`config.service_account_key ${key}: store the whole JSON key file in a new revision`);
        return googleServiceAccountTokenRequest(key, [options.scope], ctx.now);
      }
      return oauthRefreshTokenRequest({
        url: GOOGLE_TOKEN_URL,
        clientId: trimmedText(config.client_id) ?? '',
        clientSecret: trimmedText(config.client_secret) ?? '',
        refreshToken: trimmedText(config.refresh_token) ?? '',
      });
    },
    read(response) {
      return readOAuthTokenAnswer(response, {
        refused: ({ status, code, said: what }) => {
          const said = `HTTP ${status}, ${what}`;
          if (code === 'invalid_client' || code === 'unauthorized_client') {
            const keyToo = serviceAccount ? ' (a service account key is refused so only when it is no longer the service account\'s)' : '';
            return `Google refused the OAuth client (${said}): config.client_id and config.client_secret must be those of the Google Cloud OAuth client (APIs & Services > Credentials) that issued config.refresh_token${keyToo}. Fix them in a new revision, then replay the dead letters`;
          }
          if (code === 'invalid_scope') {
            return `Google refused the scope ${options.scope} (${said}): enable the ${options.api} API in the credential's Google Cloud project and add the scope to its OAuth consent screen's data access (a refresh token must have been authorised with it: see the plugin README), then replay the dead letters`;
          }
          if (serviceAccount && ASSERTION_REFUSED.test(what)) return `Google refused the service account's assertion (${said}). ${newKey}`;
          return `Google refused the refresh token (${said}). ${authoriseAgain}`;
        },
      });
    },
  };
}
