// Person deletions through Airship's Named Users uninstall, POST /api/named_users/uninstall
// `{ named_user_id: [id] }`: Airship disassociates and deletes every channel associated with the
// named user, and the named user itself, "in compliance with data privacy laws"; uninstalling
// channels also removes their analytics data. It is asynchronous and may take some time. The
// plugin names Airship users by named user id (the userId) only, so an anonymousId alone has
// nothing to delete.
import { defaultForgetRead, usableId, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { apiBaseOf, textOf } from './config.ts';
import { saidBy } from './classify.ts';
import { MAX_NAMED_USER_CHARS } from './fit-to-airship.ts';
import { headersOf } from './requests.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Airship named users only (by userId), never an anonymous visitor, so Airship holds nothing under an anonymousId';
/** What an accepted uninstall does, said with it. */
export const UNINSTALLED = 'Airship deletes the named user and every channel associated with it (devices, email addresses, phone numbers), with their analytics data; it works asynchronously and may take some time';

function isAirshipError(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) && (json as { ok?: unknown }).ok === false;
}

function quoted(response: VendorResponse): string {
  const said = saidBy(response);
  return said ? ` (Airship: ${said})` : '';
}

/**
 * Forwarding of person deletions with the integration's token (config.forward_deletions, on by
 * default): Airship's Named Users uninstall by the userId.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1' }, ctx);
 * // { method: 'POST', url: 'https://go.urbanairship.com/api/named_users/uninstall', body: { named_user_id: ['u-1'] }, … }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => textOf(config, 'access_token') !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Airship, so no named user of theirs can exist there' };
    const userId = String(person.userId).trim();
    if (Array.from(userId).length > MAX_NAMED_USER_CHARS) return { skipped: `the userId is over Airship's ${MAX_NAMED_USER_CHARS} characters for a named user id, so the plugin never sent it` };
    return { method: 'POST', url: `${apiBaseOf(ctx.config)}/api/named_users/uninstall`, headers: headersOf(ctx), body: { named_user_id: [userId] }, eventIds: [] };
  },
  read(response) {
    if (response.status >= 200 && response.status < 300) {
      if (isAirshipError(response)) return { failed: `HTTP ${response.status}${quoted(response)}` };
      return { done: true, message: `accepted (HTTP ${response.status}): ${UNINSTALLED}` };
    }
    // A 404 in Airship's own error shape (`ok: false`) names no such named user: nothing of the
    // person's is held there, which is what the deletion asks for. A 404 without that shape (a
    // proxy's page) fails below.
    if (response.status === 404 && isAirshipError(response)) return { done: true, message: `HTTP 404: Airship holds no such named user, so nothing to delete${quoted(response)}` };
    if (response.status === 401 || response.status === 403) return { failed: `HTTP ${response.status}: Airship refused the token for the uninstall: check config.access_token (a token with the role to modify named users) and config.region${quoted(response)}` };
    const outcome = defaultForgetRead(response);
    return 'failed' in outcome ? { failed: `HTTP ${response.status}${quoted(response)}` } : outcome;
  },
  successAnswer: { status: 200, headers: { 'content-type': 'application/vnd.urbanairship+json; version=3' }, body: { ok: true } },
};
