// Person deletions through Mailchimp's permanent delete of a list member, POST
// /lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent ("Delete permanently …
// all personally identifiable information related to a list member, and remove them from a
// list. This will make it impossible to re-import the list member."). The member is named in
// the path by its subscriber hash, and the endpoint "also accepts a list member's email
// address or contact_id": each email the deletion knows the person by — the userId when it is
// one, the emails Signal found for them (their identify calls' traits.email, which the plugin
// sends as the member's email: `person.emails`) — goes as its subscriber hash, one request an
// email; any other userId can name a member only as Mailchimp's contact_id, so it goes as one
// too, last. Its 404 (no member has that contact_id) means nothing to delete there when the
// person's emails were asked for before it: Mailchimp keys members by email, the plugin never
// sends a userId, and a member deleted by email a moment ago answers 404 by its contact_id too
// — so the deletion is done. Alone (Signal knew no email), its 404 fails the deletion: the
// person may be there under an email Signal did not know, and only the admin can find them.
// Last, so that failure never keeps the members by email from being deleted: the core stops
// at the first request that does not end done.
import { configApiKey, configText, deletionEmails, isSendableEmail, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { audienceUrlOf, headersOf } from './requests.ts';
import { subscriberHash } from './subscriber-hash.ts';

/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Mailchimp members by email only, never an anonymous visitor, so Mailchimp holds nothing under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
/** What to do when Mailchimp has no member by the userId as a contact_id. */
export const BY_HAND = 'delete the contact in Mailchimp by their email (Audience > All contacts > the contact > Actions > Delete permanently), or name the person by their email as userId';
/** The memo of a contact_id request sent after the person's emails (its 404 is then nothing to delete). */
const AFTER_EMAILS = 'after emails';
/** The memo of a contact_id request sent alone, Signal knowing no email (its 404 then fails the deletion). */
const CONTACT_ID_ALONE = 'contact id alone';
/**
 * A subscriber hash in a member URL: how a request without a memo (built before the memos) is
 * told from a contact_id. Never the test of a request with one: Mailchimp's contact_ids are 32
 * characters of letters and digits too, and so is a userId such as a UUID without hyphens.
 */
const HASHED = /\/members\/[0-9a-f]{32}\/actions\/delete-permanent$/;
/** What an accepted permanent delete means, said with it. */
export const DELETED = 'Mailchimp deleted the member and their personal data permanently; the address can join the audience again only by signing up through a Mailchimp form, not through the API';

function quoted(response: VendorResponse): string {
  const json = response.json as { title?: unknown; detail?: unknown } | undefined;
  const words = [json?.title, json?.detail].filter((w): w is string => typeof w === 'string' && w.trim() !== '').join(': ');
  const said = (words || response.body).trim().replace(/\s+/g, ' ').slice(0, 300);
  return said ? ` (Mailchimp: ${said})` : '';
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): the permanent delete, in the configured audience, of the member of each email of the
 * person (`deletionEmails`: an email userId, the emails Signal found), then of the member whose
 * contact_id a userId that is no email is. Safe to repeat: a member already gone answers 404,
 * read as done for an email, and for a contact_id asked after the emails (failed when it was
 * the only way to name the person).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && configText(config, 'audience_id') !== undefined && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    const contactId = usableId(person.userId) && !isSendableEmail(String(person.userId)) ? [encodeURIComponent(String(person.userId).trim())] : [];
    if (emails.length + contactId.length === 0) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Mailchimp, so no member of theirs can exist there' };
    const deleting = (member: string): RequestDescriptor => ({ method: 'POST', url: `${audienceUrlOf(ctx)}/members/${member}/actions/delete-permanent`, headers: headersOf(ctx), eventIds: [] });
    return [
      ...emails.map((email) => deleting(subscriberHash(email))),
      ...contactId.map((member) => ({ ...deleting(member), memo: { mailchimp: emails.length > 0 ? AFTER_EMAILS : CONTACT_ID_ALONE } })),
    ];
  },
  read(response, request): ForgetOutcome {
    const status = response.status;
    if (status >= 200 && status < 300) return { done: true, message: `accepted (HTTP ${status}): ${DELETED}` };
    const memo = request?.memo;
    const kind = memo !== null && typeof memo === 'object' && !Array.isArray(memo) ? memo.mailchimp : undefined;
    if (status === 404 && kind === AFTER_EMAILS) {
      return { done: true, message: 'no member has this userId as its contact_id (Mailchimp keys members by email; the person\'s emails were asked for before it): nothing more to delete' };
    }
    if (status === 404 && (kind === CONTACT_ID_ALONE || (kind === undefined && request !== undefined && !HASHED.test(request.url)))) {
      return { failed: `HTTP 404: Mailchimp has no member whose contact_id is this userId (it keys members by email, the userId is no email address, and Signal knew no email of the person): ${BY_HAND}` };
    }
    if (status === 404) return { done: true, message: 'the audience has no member with this email: nothing to delete' };
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Mailchimp refused the API key for the deletion: check config.api_key (with its data center suffix) and config.audience_id${quoted(response)}` };
    if (status === 408 || status === 429 || status >= 500) return { retry: `HTTP ${status}${quoted(response)}` };
    return { failed: `HTTP ${status}${quoted(response)}` };
  },
};
