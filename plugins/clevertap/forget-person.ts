// Person deletions through CleverTap's Delete User Profile API: POST /1/delete/profiles.json
// with `{ "identity": "<userId>" }` (it takes `identity` or `guid`, a string or up to 100 of
// them), with the integration's credentials. The plugin names CleverTap profiles by the userId
// as their identity only, never an anonymous visitor, so an anonymousId alone is skipped.
import { configText, excerpt, usableId, type ForgetOutcome, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { apiBaseOf, headersOf } from './config.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends CleverTap identified users only (the userId as the profile\'s identity), never an anonymous visitor, so CleverTap holds no profile of theirs under an anonymousId';
/** The deletion endpoint's path. */
export const DELETE_PATH = '/1/delete/profiles.json';

function quoted(response: VendorResponse): string {
  const said = excerpt(response.body ?? '');
  return said ? ` (CleverTap: ${said})` : '';
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the profile whose
 * identity is the userId is deleted. A 2xx `{ "status": "success" }` is done; `status: "fail"`
 * failed with CleverTap's error; 401/403 failed naming the credentials; 408, 429, 5xx tried again.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'POST', url: 'https://eu1.api.clevertap.com/1/delete/profiles.json', body: { identity: 'u-1' }, eventIds: [] }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => typeof config.account_id === 'string' && configText(config, 'passcode') !== undefined && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to CleverTap, so no profile of theirs can exist there' };
    const identity = String(person.userId).trim();
    return { method: 'POST', url: `${apiBaseOf(ctx.config)}${DELETE_PATH}`, headers: headersOf(ctx.config), body: { identity }, eventIds: [] };
  },
  read(response): ForgetOutcome {
    const status = response.status;
    if (status >= 200 && status < 300) {
      const json = response.json;
      const answer = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { status?: unknown; error?: unknown }) : {};
      if (String(answer.status ?? '').toLowerCase() === 'fail') return { failed: `HTTP ${status}, status fail${quoted(response)}` };
      return { done: true, message: `accepted (HTTP ${status}): CleverTap deletes the profile whose identity is the userId, with its events` };
    }
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: CleverTap refused the credentials for the deletion: check config.account_id, config.passcode and config.region${quoted(response)}` };
    if (status === 408 || status === 429 || status >= 500) return { retry: `HTTP ${status}${quoted(response)}` };
    return { failed: `HTTP ${status}${quoted(response)}` };
  },
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success' } },
};
