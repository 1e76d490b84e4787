// Person deletions through OneSignal's Delete user, `DELETE /apps/{app_id}/users/by/external_id/
// {external_id}` (OneSignal: Delete user — "permanently delete a user … including all associated
// subscriptions, properties, and aliases. The operation is asynchronous"; answered 202). The
// plugin names OneSignal users by External ID (the userId) only, so an anonymousId alone has
// nothing to delete.
import { configText, defaultForgetRead, excerpt, isWebPage, type JsonObject, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { appUrl, headersOf } from './config.ts';
import { externalIdOf, userPath } from './external-id.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends OneSignal users by External ID (the userId) only, never an anonymous visitor, so OneSignal holds nothing of theirs under an anonymousId';
/** What an accepted deletion does, said with it. */
export const DELETED = 'OneSignal deletes the user with every subscription (push, email, SMS), alias and property, asynchronously';

function inOneSignalShape(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) && 'errors' in (json as JsonObject);
}

function quoted(response: VendorResponse): string {
  const said = saidBy(response);
  return said ? ` (OneSignal: ${said})` : '';
}

/**
 * Forwarding of person deletions with the integration's App API key (config.forward_deletions,
 * on by default): Delete user by the userId as External ID.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'DELETE', url: 'https://api.onesignal.com/apps/<app_id>/users/by/external_id/u-1', headers: { authorization: 'Key …', … }, eventIds: [] }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'api_key') !== undefined && configText(config, 'app_id') !== undefined && config.forward_deletions !== false,
  request(person, ctx) {
    const externalId = externalIdOf(person.userId);
    if (externalId === undefined) {
      return { skipped: externalIdOf(person.anonymousId) !== undefined ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to OneSignal, so no user of theirs can exist there' };
    }
    return { method: 'DELETE', url: `${appUrl(ctx.config)}${userPath(externalId)}`, headers: headersOf(ctx.config), eventIds: [] };
  },
  read(response) {
    if (response.status >= 200 && response.status < 300) {
      // A web page is a proxy's, not OneSignal's answer: the deletion was not taken.
      if (isWebPage(response.body)) return { retry: `HTTP ${response.status} with a web page, not OneSignal's answer: ${excerpt(response.body, 120)}` };
      return { done: true, message: `accepted (HTTP ${response.status}): ${DELETED}` };
    }
    // A 404 in OneSignal's own error shape (`errors`) names no such user: nothing of the
    // person's is held there, which is what the deletion asks for. A 404 without it (a proxy's
    // page) fails below.
    if (response.status === 404 && inOneSignalShape(response)) return { done: true, message: `HTTP 404: OneSignal holds no user with this External ID, so nothing to delete${quoted(response)}` };
    if (response.status === 401 || response.status === 403) {
      return { failed: `HTTP ${response.status}: OneSignal refused the key for the deletion: check config.api_key (an App API key of this app) and config.app_id${quoted(response)}` };
    }
    const outcome = defaultForgetRead(response);
    return 'failed' in outcome ? { failed: `HTTP ${response.status}${quoted(response)}` } : outcome;
  },
  // OneSignal: Delete user, 202.
  successAnswer: { status: 202, body: {} },
};
