// Person deletions through the Insights API's `DELETE /1/usertokens/{userToken}`: "Deletes all
// events related to the specified user token from events metrics and analytics", answered 204
// with no body (422 for a malformed token, 429 with x-ratelimit-* headers when rate-limited).
// It deletes one token a request, so a person named by a userId and an anonymousId gets one
// request per token, each derived as the events' were (user-token.ts): the visitor's
// userToken and the user's (authenticatedUserToken, or userToken when there was no visitor).
// Algolia's reference gives it the deleteObject ACL, which the events' search key lacks: it is
// sent with config.deletion_api_key when given, else with config.api_key (which then needs it).
import { configText, responseHeader, type ForgetOutcome, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { authHeaders } from './config.ts';
import { insightsBaseOf } from './hosts.ts';
import { userTokenOf } from './user-token.ts';

export const USERTOKENS_PATH = '/1/usertokens/';

/**
 * One deletion request a distinct user token of the person.
 *
 * @example
 * forgetPerson.request({ userId: 'user-1', anonymousId: 'anon-1' }, ctx);
 * // [{ method: 'DELETE', url: 'https://insights.algolia.io/1/usertokens/user-1', … }, { … '/1/usertokens/anon-1' … }]
 */
function request(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): RequestDescriptor[] | { skipped: string } {
  const tokens = [...new Set([userTokenOf(person.userId ?? undefined), userTokenOf(person.anonymousId ?? undefined)].filter((t): t is string => t !== undefined))];
  if (tokens.length === 0) return { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one: no user token of theirs was sent to Algolia' };
  return tokens.map((token) => ({
    method: 'DELETE',
    url: `${insightsBaseOf(ctx.config)}${USERTOKENS_PATH}${encodeURIComponent(token)}`,
    headers: authHeaders(ctx.config, { forDeletion: true }),
    eventIds: [],
  }));
}

/** Seconds until `x-ratelimit-reset` (a Unix time in seconds), when Algolia gives one in the future. */
function resetAfterSeconds(response: VendorResponse, now: number | undefined): number | undefined {
  const reset = Number(responseHeader(response.headers ?? {}, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0 || now === undefined) return undefined;
  const seconds = Math.ceil(reset - now / 1000);
  return seconds > 0 ? Math.min(seconds, 3600) : undefined;
}

/**
 * Algolia's answer to one token's deletion: 2xx done; 401/403 failed naming config.deletion_api_key;
 * 422 failed with Algolia's words; 408, 429 (after `x-ratelimit-reset` or Retry-After) and 5xx
 * tried again; any other status failed.
 *
 * @example
 * read({ status: 204, headers: {}, body: '' }); // { done: true, message: 'Algolia deleted the user token\'s events (HTTP 204)' }
 */
function read(response: VendorResponse, _request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status >= 200 && response.status < 300) return { done: true, message: `Algolia deleted the user token's events from its events metrics and analytics (${answered})` };
  if (response.status === 401 || response.status === 403) return { failed: `Algolia refused the credentials (${answered}): check config.app_id and config.deletion_api_key, a key with the deleteObject ACL that Algolia requires to delete a user token's events (without it the deletion is sent with config.api_key, whose search ACL does not allow it)` };
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const retryAfter = responseHeader(response.headers ?? {}, 'retry-after');
    const afterSeconds = (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined) ?? resetAfterSeconds(response, ctx?.now);
    return afterSeconds === undefined ? { retry: `Algolia: ${answered}` } : { retry: `Algolia: ${answered}`, afterSeconds };
  }
  return { failed: `Algolia refused the deletion (${answered})` };
}

/**
 * Person deletions, for every integration: with config.deletion_api_key (deleteObject ACL), else
 * config.api_key.
 *
 * @example
 * forgetPerson.request({ userId: 'user-1', anonymousId: null }, ctx);
 * // [{ method: 'DELETE', url: 'https://insights.algolia.io/1/usertokens/user-1', headers: { 'x-algolia-application-id': …, 'x-algolia-api-key': … }, eventIds: [] }]
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'app_id') !== undefined && (configText(config, 'deletion_api_key') !== undefined || configText(config, 'api_key') !== undefined),
  request,
  read,
  successAnswer: { status: 204, body: '' },
};
