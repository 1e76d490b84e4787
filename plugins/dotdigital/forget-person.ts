// Person deletions through Dotdigital's contact deletion, DELETE
// /contacts/v3/email/{email} ("Deletes a contact using a specific identifier": 200 with the
// contactId, 404 for none). The plugin names contacts by email only, so the deletion names each
// email Signal knows the person by: the userId when it is an email address, and the emails of
// their identify calls (`person.emails`). A contact already gone answers 404: done, so each
// request is safe to repeat.
import { deletionEmails, isSendableEmail, parseRetryAfter, responseHeader, configText, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered } from './classify.ts';
import { contactUrl, headersOf } from './requests.ts';

/** Why a deletion naming no email is not forwarded. */
export const NO_EMAIL = 'the plugin sends Dotdigital contacts and events by email only, and Signal knows no email of this person (the userId is none, and no identify call it remembered or still stored gave traits.email)';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Dotdigital deleted the contact, with its data fields, list memberships, preferences, consent records and contact-scoped Insight data';

function isDotdigitalAnswer(response: VendorResponse): boolean {
  return response.body.trim() === '' || (response.json !== null && response.json !== undefined && typeof response.json === 'object');
}

/**
 * Forwarding of person deletions with the integration's API user (config.forward_deletions, on
 * by default): the contact of each email of the person (`deletionEmails`).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'username') !== undefined && typeof config.password === 'string' && config.password !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    if (emails.length === 0) return { skipped: NO_EMAIL };
    const headers = headersOf(ctx);
    return emails.map((email): RequestDescriptor => ({ method: 'DELETE', url: contactUrl(ctx, email), headers: { ...headers }, eventIds: [] }));
  },
  read(response, _request, ctx): ForgetOutcome {
    const status = response.status;
    // A web page or other text is a proxy's (or a wrong route's): it says nothing of the contact.
    if ((status >= 200 && status < 300) || status === 404) {
      if (!isDotdigitalAnswer(response)) return { retry: `HTTP ${status}: the answer is not Dotdigital's (a proxy or firewall in between?): ${response.body.trim().replace(/\s+/g, ' ').slice(0, 300)}` };
      if (status === 404) return { done: true, message: 'Dotdigital has no contact with this email: nothing to delete' };
      return { done: true, message: `accepted (HTTP ${status}): ${DELETED}` };
    }
    if (status === 401) return { failed: `${answered(response)}: Dotdigital refused the API user for the deletion: check config.username and config.password` };
    if (status === 403) return { failed: `${answered(response)}: Dotdigital refused the deletion: check config.region (another region's host answers 403; the account's API endpoint is in Settings > Access > API users)` };
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
      const retry = answered(response);
      return retryAfterMs === undefined ? { retry } : { retry, afterSeconds: Math.ceil(retryAfterMs / 1000) };
    }
    return { failed: `${answered(response)}: delete the contact in Dotdigital (Audience > Contacts > the contact > Delete)` };
  },
};
