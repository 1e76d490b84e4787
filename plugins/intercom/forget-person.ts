// Person deletions: Intercom deletes a contact with `DELETE /contacts/{id}`, by its own id (a
// deletion, not an archive: destroyed after a 7-day grace period), so the contact is first
// found by the person's userId as its external_id
// (`GET /contacts/find_by_external_id/{external_id}`), then deleted by the id the answer gives:
// a `{ next }` chain of two requests. The contacts with an email of the person (the userId when
// it is one, and those Signal found for them — their remembered identify traits, the traits of
// their deleted events: `person.emails`) are searched too (`POST /contacts/search`, email `=`, its
// lower-case form too when it has capitals) — an identify without a userId makes a
// contact by email alone — and deleted unless they hold another person's external_id. The
// plugin never sends an anonymous visitor to Intercom, so an anonymousId without an email is
// skipped.
import { deletionEmails, isJsonObject, usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { accessTokenOf, apiBaseOf, headersOf } from './config.ts';
import { answered, CONTACT_ID, foundContact } from './answers.ts';
import { identityOf } from './fit-to-intercom.ts';
import { emailQuery } from './requests.ts';

/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Intercom identified users only (by userId or email), never an anonymous visitor, so Intercom holds no contact under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';

const LOOKUP = '/contacts/find_by_external_id/';
const SEARCH = '/contacts/search';
/** Contacts an email search asks for: a user and the odd lead sharing the email are expected. */
const SEARCH_PAGE = 5;
/** What the core puts in an answer in place of the person's ids and emails. */
const HIDDEN = '[…]';

/** An answer that is no success: one worth another try, or a failure naming what to check. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: answered(response) };
  if (response.status === 401 || response.status === 403) return { failed: `${answered(response)}: Intercom refused the ${what}: check config.access_token (an app token with Read and write users) and config.region` };
  return { failed: answered(response) };
}

/** The base URL of a request the plugin built (the part before the path it knows). */
function baseOf(request: RequestDescriptor, path: string): string {
  const at = request.url.indexOf(path);
  return at >= 0 ? request.url.slice(0, at) : request.url;
}

/** Reads the lookup's answer: the deletion of the contact found, or nothing to delete. */
function readFind(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status === 404) return { done: true, message: 'no Intercom contact has this userId as external_id: nothing to delete' };
  if (response.status !== 410 && (response.status < 200 || response.status >= 300)) return unsuccessful(response, 'lookup of the contact by external_id');
  const id = foundContact(response);
  if (id === undefined) return { done: true, message: 'no Intercom contact has this userId as external_id: nothing to delete' };
  return { next: { method: 'DELETE', url: `${baseOf(request, LOOKUP)}/contacts/${encodeURIComponent(id)}`, headers: { ...(request.headers ?? {}) }, eventIds: [] } };
}

/** How many more contacts of the person an email search found than the one its deletion deletes (the deletion's memo). */
function moreOf(request: RequestDescriptor | undefined): number {
  const memo = request?.memo;
  return isJsonObject(memo) && typeof memo.more === 'number' ? memo.more : 0;
}

/**
 * Reads an email search's answer: the deletion of a contact of the person's — a user first —
 * noting how many more there are; none is done. A hit holding an external_id is the person's
 * only when it is hidden whole (`[…]`: the core hides the person's ids in answers); another
 * external_id is another user sharing the email, never deleted.
 */
function readSearch(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'search of contacts by email');
  const json = response.json;
  const hits = isJsonObject(json) && Array.isArray(json.data) ? json.data.filter(isJsonObject).filter((c) => typeof c.id === 'string' && CONTACT_ID.test(c.id)) : [];
  const persons = hits.filter((c) => c.external_id === undefined || c.external_id === null || c.external_id === '' || c.external_id === HIDDEN);
  const others = hits.length - persons.length;
  const leftAlone = others > 0 ? ` (${others} under another userId left alone: delete ${others === 1 ? 'it' : 'them'} in Intercom if ${others === 1 ? 'it is' : 'they are'} the person's)` : '';
  const contact = persons.find((c) => c.role === 'user') ?? persons[0];
  if (contact === undefined) return { done: true, message: `no Intercom contact of the person has this email${leftAlone}: nothing to delete` };
  const memo: Record<string, JsonValue> = { intercom: 'forget', more: persons.length - 1 };
  return { next: { method: 'DELETE', url: `${baseOf(request, SEARCH)}/contacts/${encodeURIComponent(String(contact.id))}`, headers: { ...(request.headers ?? {}) }, eventIds: [], ...(persons.length > 1 ? { memo } : {}) } };
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the contact whose
 * external_id is the person's userId is looked up, then deleted; and for each email of the
 * person (the SDK's `deletionEmails`), the contacts with it are searched and one of theirs
 * deleted (the deletion asked again while more remain). Each step is safe to repeat: a contact already gone
 * answers the lookup 404 (done), is no longer found by a search, or answers its deletion 404.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => accessTokenOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    // The userId when it is an email, then those Signal found (the SDK's deletionEmails), by the plugin's own check.
    const emails = deletionEmails(person, (value) => identityOf({ email: value }).email !== undefined);
    const searches = emails.map((email): RequestDescriptor => ({
      method: 'POST', url: `${apiBaseOf(ctx.config)}${SEARCH}`, headers: headersOf(ctx.config),
      body: { query: emailQuery(email), pagination: { per_page: SEARCH_PAGE } }, eventIds: [],
    }));
    if (!usableId(person.userId)) {
      if (searches.length > 0) return searches;
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Intercom, so no contact of theirs can exist there' };
    }
    const userId = String(person.userId).trim();
    const lookup: RequestDescriptor = { method: 'GET', url: `${apiBaseOf(ctx.config)}${LOOKUP}${encodeURIComponent(userId)}`, headers: headersOf(ctx.config), eventIds: [] };
    return searches.length > 0 ? [lookup, ...searches] : lookup;
  },
  read(response, request) {
    // The lookup's or a search's answer, else the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readFind(response, request);
    if (request?.method === 'POST' && request.url.endsWith(SEARCH)) return readSearch(response, request);
    const more = moreOf(request);
    const again = more > 0 ? `; ${more} more contact${more === 1 ? '' : 's'} of the person ${more === 1 ? 'has' : 'have'} this email: searched and deleted again` : '';
    if (response.status >= 200 && response.status < 300) {
      const deleted = `deleted (HTTP ${response.status}): Intercom deleted the contact (its data is destroyed after Intercom's 7-day grace period)`;
      return more > 0 ? { retry: `${deleted}${again}` } : { done: true, message: deleted };
    }
    if (request?.method === 'DELETE' && response.status === 404) {
      const gone = 'the contact is no longer in Intercom: nothing to delete';
      return more > 0 ? { retry: `${gone}${again}` } : { done: true, message: gone };
    }
    return unsuccessful(response, 'deletion');
  },
};
