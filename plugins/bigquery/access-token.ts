// The access token exchange of the config's service account key at Google's OAuth 2.0 token
// endpoint (the RFC 7523 JWT bearer grant: an assertion signed with the key, built by the SDK).
// One token serves both the streaming inserts and the deletion queries of a revision, so its
// scope follows the config: streaming only needs bigquery.insertdata; a DELETE query needs the
// full bigquery scope. Google answers `access_token` and `expires_in` (an hour).
import {
  googleServiceAccountTokenRequest, parseGoogleServiceAccountKey, PermanentError, readOAuthTokenAnswer,
  type AccessTokenExchange, type IssuedAccessToken, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { forwardsDeletions, text } from './config.ts';

/** tabledata.insertAll's narrowest scope: inserting rows, nothing else. */
export const INSERT_SCOPE = 'https://www.googleapis.com/auth/bigquery.insertdata';
/** The scope jobs.query needs to run a DELETE statement (insertdata does not cover jobs). */
export const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';

/**
 * The scope a config's token asks for: the full BigQuery scope when person deletions are
 * forwarded (a query job), else only the insert scope.
 *
 * @example
 * scopeFor({ forward_deletions: false }); // 'https://www.googleapis.com/auth/bigquery.insertdata'
 */
export function scopeFor(config: Record<string, JsonValue>): string {
  return forwardsDeletions(config) ? BIGQUERY_SCOPE : INSERT_SCOPE;
}

/**
 * The token request: the service account's assertion for `scopeFor(config)`, signed with
 * `ctx.now`. A key that cannot be read (refused at install, so only a hand-edited revision)
 * is a PermanentError naming the field.
 *
 * @example
 * bigQueryTokenRequest(ctx);
 * // { method: 'POST', url: 'https://oauth2.googleapis.com/token', body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=…', eventIds: [] }
 */
export function bigQueryTokenRequest(ctx: PluginContext): RequestDescriptor {
  const key = parseGoogleServiceAccountKey(text(ctx.config.service_account_key));
  if (typeof key === 'string') throw new PermanentError(`config.service_account_key ${key}: store the whole JSON key file in a new revision`);
  return googleServiceAccountTokenRequest(key, [scopeFor(ctx.config)], ctx.now);
}

/**
 * Reads the token endpoint's answer: the SDK's reading of RFC 6749 answers (2xx: the token and
 * its lifetime; 408, 429 and 5xx retried), with a refused assertion said in Google's terms: the
 * key was deleted or disabled, or its service account or project was.
 *
 * @example
 * readBigQueryTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29.c…', expires_in: 3599 } });
 * // { accessToken: 'ya29.c…', expiresInSeconds: 3599 }
 */
export function readBigQueryTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said }) => {
      const answered = `HTTP ${status}, ${said}`;
      if (code === 'invalid_scope') return `Google refused the scope asked for (${answered}): enable the BigQuery API in the service account's project, then replay the dead letters`;
      return `Google refused the service account's assertion (${answered}): the key in config.service_account_key was deleted or disabled, or its service account or project was. Create a new JSON key (Google Cloud console > IAM & Admin > Service accounts > the account > Keys > Add key), store it in a new revision, then replay the dead letters`;
    },
  });
}

/** The core's token exchange, for deliveries and person deletions alike. */
export const bigQueryAccessToken: AccessTokenExchange = {
  usedBy: ['delivery', 'forgetPerson'],
  enabled: (config) => text(config.service_account_key) !== undefined,
  request: bigQueryTokenRequest,
  read: readBigQueryTokenAnswer,
};
