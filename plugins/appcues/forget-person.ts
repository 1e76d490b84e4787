// Person deletions through the Public API's Delete user profile: DELETE
// {origin}/v2/accounts/{account}/users/{userId}/profile, answered 204. Appcues: it "will wipe out
// the user profile and reset all their experiences, profile attributes, and tracked events";
// it "does not remove user activity from analytics and reporting". The plugin sends Appcues
// users by userId only, so the userId is the one id to delete by.
import { defaultForgetRead, usableId, type ForgetOutcome, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { userIdProblem } from './appcues-record.ts';
import { appcuesSaid, CREDENTIALS } from './classify.ts';
import { optionsOf } from './config.ts';
import { headersOf, userUrl } from './requests.ts';

/** Why a deletion without a userId is not forwarded. */
export const NO_APPCUES_USER = 'the person has no userId: the plugin sends Appcues users by userId only, never an anonymous visitor, so Appcues holds nothing of theirs under another id';
/** Why a deletion for a userId no Appcues URL can carry ("." or "..", or too long) is not forwarded. */
export const UNSENDABLE_USER_ID = 'the person\'s userId cannot be part of an Appcues URL ("." or "..", or too long): the plugin never sent Appcues anything under it, so there is nothing to delete';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Appcues deleted the user profile: its properties, experience history and tracked events (activity already in Appcues\' analytics and reports stays)';

/**
 * Reads the deletion's answer: 2xx done; 404 done (no profile for this user: nothing to
 * delete); 401/403 failed naming the credentials; 408, 429 and 5xx tried again (after
 * Retry-After); any other status failed with Appcues' words.
 *
 * @example
 * readDeletion({ status: 204, headers: {}, body: '' }); // { done: true, message: 'accepted (HTTP 204): Appcues deleted the user profile …' }
 */
export function readDeletion(response: VendorResponse, _request?: RequestDescriptor, _ctx?: PluginContext): ForgetOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { done: true, message: `accepted (HTTP ${status}): ${DELETED}` };
  if (status === 404) return { done: true, message: `Appcues has no profile for this user (HTTP 404: ${appcuesSaid(response)}): nothing to delete` };
  if (status === 401 || status === 403) return { failed: `HTTP ${status}: Appcues refused the credentials for the deletion (${appcuesSaid(response)}): ${CREDENTIALS}` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `HTTP ${status}: Appcues' deletion failed (${appcuesSaid(response)})` };
  if ('failed' in outcome) return { failed: `HTTP ${status}: Appcues refused the deletion (${appcuesSaid(response)}); delete the user in Studio (Users > the user > Delete) or through the Public API` };
  return outcome;
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): one DELETE of the
 * userId's profile. Safe to repeat: a profile gone already is answered 404, taken as done.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'DELETE', url: 'https://api.appcues.com/v2/accounts/12345/users/u-1/profile', … }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => {
    const { accountId, apiKey, apiSecret } = optionsOf(config);
    return accountId !== '' && apiKey !== '' && apiSecret !== '' && config.forward_deletions !== false;
  },
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: NO_APPCUES_USER };
    const userId = String(person.userId).trim();
    // Delivery never sends such an id (the URL would reach another endpoint): nothing to delete.
    if (userIdProblem(userId) !== undefined) return { skipped: UNSENDABLE_USER_ID };
    const headers = headersOf(ctx.config);
    // A DELETE has no body: no content-type to declare.
    delete headers['content-type'];
    return { method: 'DELETE', url: userUrl(ctx.config, userId, 'profile'), headers, eventIds: [] };
  },
  read: readDeletion,
  successAnswer: { status: 204, body: '' },
};
