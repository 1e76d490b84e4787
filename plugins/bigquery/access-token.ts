// The access token exchange of the config's service account key (the SDK's
// googleServiceAccountExchange). One token serves both the streaming inserts and the deletion
// queries of a revision, so its scope follows the config: streaming only needs
// bigquery.insertdata; a DELETE query needs the full bigquery scope.
import { googleServiceAccountExchange, type JsonValue } from '../../core/sdk/index.ts';
import { forwardsDeletions } from './config.ts';

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

/** The core's token exchange, for deliveries and person deletions alike. */
export const bigQueryAccessToken = googleServiceAccountExchange({ usedBy: ['delivery', 'forgetPerson'], api: 'BigQuery', scopes: (config) => [scopeFor(config)] });

/** The token request: the service account's assertion for `scopeFor(config)`, signed with `ctx.now`. */
export const bigQueryTokenRequest = bigQueryAccessToken.request;
/** The token endpoint's answer, a refused assertion or scope said in Google's terms. */
export const readBigQueryTokenAnswer = bigQueryAccessToken.read;
