// The access token exchange of a Google service account's JSON key (the RFC 7523 JWT bearer
// grant: an assertion signed with the key) as every plugin of a Google Cloud API declares it:
// the key in one config field, the scopes the config calls for, Google's refusals worded with
// what to fix. Google answers `access_token` and `expires_in` (an hour); the core keeps it and
// renews it on a 401.
import { googleServiceAccountTokenRequest, parseGoogleServiceAccountKey, readOAuthTokenAnswer } from './oauth.ts';
import { PermanentError } from './errors.ts';
import type { AccessTokenExchange, AccessTokenUse, IssuedAccessToken, JsonValue, PluginContext, RequestDescriptor, VendorResponse } from './types.ts';
import { trimmedText } from './config-text.ts';

export interface GoogleServiceAccountExchangeOptions {
  /** What the token is used by: deliveries, person deletions (and their notices), or both. */
  usedBy: AccessTokenUse[];
  /** The OAuth scopes a config's token asks for: the narrowest its requests take. */
  scopes(config: Record<string, JsonValue>): string[];
  /** The Google API those scopes belong to, as its console names it ("Cloud Pub/Sub"): a refused scope says to enable it. */
  api: string;
  /** The config field holding the JSON key file (default `service_account_key`). */
  field?: string;
}

/** An exchange whose `request` and `read` are always there (plugins test them directly). */
export type GoogleServiceAccountExchange = AccessTokenExchange & {
  request(ctx: PluginContext): RequestDescriptor;
  read(response: VendorResponse): IssuedAccessToken;
};

/**
 * A plugin's `accessToken` for a Google service account key. `request` signs the assertion
 * with `ctx.now` (a key that cannot be read — refused at install, so only a hand-edited
 * revision — is a PermanentError naming the field); `read` is the SDK's reading of RFC 6749
 * answers, a refused scope or assertion said in Google's terms.
 *
 * @example
 * accessToken: googleServiceAccountExchange({ usedBy: ['delivery'], api: 'Cloud Storage', scopes: () => ['https://www.googleapis.com/auth/devstorage.read_write'] }),
 */
export function googleServiceAccountExchange(options: GoogleServiceAccountExchangeOptions): GoogleServiceAccountExchange {
  const field = options.field ?? 'service_account_key';
  return {
    usedBy: options.usedBy,
    enabled: (config) => trimmedText(config[field]) !== undefined,
    request(ctx) {
      const key = parseGoogleServiceAccountKey(trimmedText(ctx.config[field]));
      if (typeof key === 'string') throw new PermanentError(`config.${field} ${key}: store the whole JSON key file in a new revision`);
      return googleServiceAccountTokenRequest(key, options.scopes(ctx.config), ctx.now);
    },
    read(response) {
      return readOAuthTokenAnswer(response, {
        refused: ({ status, code, said }) => {
          const answered = `HTTP ${status}, ${said}`;
          if (code === 'invalid_scope') return `Google refused the ${options.api} scope (${answered}): enable the ${options.api} API in the service account's project, then replay the dead letters`;
          return `Google refused the service account's assertion (${answered}): the key in config.${field} was deleted or disabled, or its service account or project was. Create a new JSON key (Google Cloud console > IAM & Admin > Service accounts > the account > Keys > Add key), store it in a new revision, then replay the dead letters`;
        },
      });
    },
  };
}
