// Person deletions through Drip's Delete a subscriber, DELETE /v2/<account>/subscribers/<id or
// email> (204 No Content), one request per email the deletion knows the person by: the userId
// when it is an email, and the emails Signal found for them (their identify calls'
// traits.email, which the plugin sends as the subscriber's email: `person.emails`). Drip finds
// no subscriber by the site's userId (its `user_id` is a field, not a key), so a userId that is
// no email is not asked by. A 404 is done: nothing to delete, and each request is safe to repeat.
import { configText, deletionEmails, excerpt, isSendableEmail, isWebPage, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { dripSaid, rateLimitWaitMs } from './classify.ts';
import { apiTokenOf } from './config.ts';
import { accountUrl, headersOf } from './requests.ts';

/** Why a deletion naming no email Signal knew is not forwarded. */
export const NO_EMAIL = 'Drip keeps subscribers by email, and Signal knew no email of this person (the userId is no email, and no identify call it remembered or still stored had traits.email); Drip finds no one by the site\'s userId';
/** The note of a deletion by email whose userId is no email. */
export const USER_ID_NOT_ASKED = 'the userId was not asked by: Drip finds subscribers by email or by its own id, not by the site\'s user_id';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Drip deleted the subscriber, with their custom fields, tags and event history';

function deletion(email: string, base: string, headers: Record<string, string>): RequestDescriptor {
  return { method: 'DELETE', url: `${base}/subscribers/${encodeURIComponent(email)}`, headers, eventIds: [] };
}

/**
 * Forwarding of person deletions with the integration's token (config.forward_deletions, on by
 * default): the subscriber of each email of the person.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx);
 * // { requests: [DELETE https://api.getdrip.com/v2/9999999/subscribers/jane%40example.com], note: 'the userId was not asked by: …' }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => apiTokenOf(config) !== '' && configText(config, 'account_id') !== undefined && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    if (emails.length === 0) return { skipped: NO_EMAIL };
    const requests = emails.map((email) => deletion(email, accountUrl(ctx), headersOf(ctx)));
    const userId = usableId(person.userId) ? String(person.userId).trim() : undefined;
    return userId !== undefined && !isSendableEmail(userId) ? { requests, note: USER_ID_NOT_ASKED } : requests;
  },
  read(response: VendorResponse, _request, ctx): ForgetOutcome {
    const { status } = response;
    if (status >= 200 && status < 300) {
      // A web page there is a proxy's (or a login page): it says nothing of the subscriber.
      if (isWebPage(response.body)) return { retry: `HTTP ${status}: the answer is not Drip's (a proxy or firewall in between?): ${excerpt(response.body)}` };
      return { done: true, message: `accepted (HTTP ${status}): ${DELETED}` };
    }
    if (status === 404) return { done: true, message: `Drip has no subscriber with this email: nothing to delete (HTTP 404: ${dripSaid(response)}; Drip answers the same to an account id it does not know: check config.account_id if subscribers you know of remain)` };
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Drip refused the API token for the deletion (${dripSaid(response)}): check config.api_token and config.account_id` };
    if (status === 408 || status === 429 || status >= 500) {
      const reason = `HTTP ${status}: ${dripSaid(response)}`;
      const waitMs = status === 429 ? rateLimitWaitMs(response, undefined, ctx?.now ?? 0) : undefined;
      return waitMs === undefined ? { retry: reason } : { retry: reason, afterSeconds: Math.ceil(waitMs / 1000) };
    }
    return { failed: `HTTP ${status}: Drip refused the deletion (${dripSaid(response)}); delete the subscriber in Drip (People > the person > Delete)` };
  },
  successAnswer: { status: 204, body: '' },
};
