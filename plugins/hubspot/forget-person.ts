// Person deletions through HubSpot's GDPR delete (POST /crm/objects/<version>/contacts/gdpr-delete),
// which "permanently delete[s] a contact and all associated content". It takes the contact's
// record id, or its email with `idProperty: 'email'` — but an email no contact has is then
// added to a blocklist, "preventing the email from being used in the future". So a deletion
// first finds the contact (POST /crm/objects/<version>/contacts/search): by email when the
// userId is an email address, and by config.user_id_property (the property identify calls
// write the userId to) when it is set, and by each email Signal found for the person (their
// remembered identify traits, the traits of their deleted events: `person.emails`); then deletes
// it by its record id. HubSpot knows no Signal anonymousId: a person named by one alone, for whom
// Signal knew no email, is skipped, saying so.
import { configText, deletionEmails, usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidOf } from './answers.ts';
import { apiVersionOf, DEFAULT_API_VERSION, endpointOf, headersOf, SCOPES, urlOf, versionOfUrl } from './api.ts';
import { normalizeEmail } from './contact.ts';
import { userIdPropertyOf } from './config.ts';

/** Contacts a search asks for: one is expected; more are reported, not deleted. */
const SEARCH_LIMIT = 10;

/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'HubSpot finds contacts by email or a property holding the userId, and knows no Signal anonymousId: a visitor known by an anonymousId alone, of whom Signal knew no email (no traits.email on an identify call it remembered or still stored), has no contact Signal can name — delete it in HubSpot, or run deletePerson with the userId the visitor later had';
/** What the admin is told when a userId that is no email was not searched for (no config.user_id_property), while the person's emails were. */
export const USER_ID_NOT_SEARCHED = 'the userId was not searched for: it is no email address and config.user_id_property is not set (set it to the contact property identify calls write the userId to, e.g. signal_user_id); the contacts were searched for by the person\'s emails only';
/** Why a userId that is no email, for a person of whom Signal knew no email, is not forwarded without config.user_id_property. */
export const NO_LOOKUP = 'the userId is no email address, config.user_id_property is not set and Signal knew no email of the person (no traits.email on an identify call it remembered or still stored), so no HubSpot contact can be found for it: set config.user_id_property to the contact property identify calls write the userId to (e.g. signal_user_id), or delete the contact in HubSpot';

/** The search for the contacts whose `property` equals `value` (their record ids and email). */
function search(property: string, value: string, ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: urlOf('contactsSearch', apiVersionOf(ctx.config)),
    headers: headersOf(ctx),
    body: { filterGroups: [{ filters: [{ propertyName: property, operator: 'EQ', value }] }], properties: ['email'], limit: SEARCH_LIMIT },
    eventIds: [],
  };
}

/**
 * The GDPR delete of one contact by its record id, at the API version of the search that found
 * it (`read` is given no config: the search's URL carries the integration's version).
 */
function gdprDelete(contactId: string, search: RequestDescriptor | undefined): RequestDescriptor {
  const version = (search ? versionOfUrl(search.url) : undefined) ?? DEFAULT_API_VERSION;
  return { method: 'POST', url: urlOf('gdprDelete', version), headers: { ...search?.headers }, body: { objectId: contactId }, eventIds: [] };
}

/** The property a search looked by, from its body (`email`, or the user ID property). */
function searchedBy(request: RequestDescriptor | undefined): string {
  const body = request?.body as { filterGroups?: Array<{ filters?: Array<{ propertyName?: unknown }> }> } | undefined;
  const property = body?.filterGroups?.[0]?.filters?.[0]?.propertyName;
  return typeof property === 'string' ? property : 'email';
}

/** An answer that is no success: a refused credential or scope, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, scope: string, what: string): ForgetOutcome {
  const said = saidOf(response);
  if (response.status === 401) return { failed: `HTTP 401: HubSpot refused the credential (config.access_token, or the app of config.refresh_token): ${said}` };
  if (response.status === 403) return { failed: `HTTP 403: HubSpot refused the ${what}: the credential needs the ${scope} scope (add it, or set config.forward_deletions to false): ${said}` };
  if (response.status === 408 || response.status === 423 || response.status === 429 || response.status >= 500) return { retry: `HTTP ${response.status}: ${said}` };
  return { failed: `HTTP ${response.status}: ${said}` };
}

/** Reads a search's answer: the deletion of the one contact found; none found is done; several are reported. */
function readSearch(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, SCOPES.contactsSearch, 'contact search');
  const results = (response.json as { results?: unknown } | undefined)?.results;
  const ids = (Array.isArray(results) ? results : []).map((r) => (r as { id?: unknown } | null)?.id).map((id) => (typeof id === 'number' ? String(id) : id)).filter((id): id is string => typeof id === 'string' && id !== '');
  const by = searchedBy(request);
  if (ids.length === 0) return { done: true, message: `no HubSpot contact has this ${by === 'email' ? 'email' : `userId in ${by}`}: nothing to delete` };
  if (ids.length > 1) return { failed: `${ids.length} HubSpot contacts have this ${by === 'email' ? 'email' : `userId in ${by}`}: none was deleted — delete them in HubSpot` };
  return { next: gdprDelete(ids[0]!, request) };
}

/**
 * Forwarding of person deletions with the integration's credential (scopes
 * crm.objects.contacts.read for the search, crm.objects.contacts.write for the deletion): for
 * a userId that is an email address, the contact with that email; with config.user_id_property,
 * the contact whose property holds the userId; for each other email Signal found for the
 * person, the contact with it — each found, then deleted by its record id with HubSpot's GDPR
 * delete (permanent). Each search is a request of its own, safe to repeat (a contact already
 * deleted is no longer found).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config: Record<string, JsonValue>) => (configText(config, 'access_token') !== undefined || configText(config, 'refresh_token') !== undefined) && config.forward_deletions !== false,
  request(person, ctx) {
    const requests: RequestDescriptor[] = [];
    const userId = usableId(person.userId) ? String(person.userId).trim() : undefined;
    const userIdEmail = userId === undefined ? undefined : normalizeEmail(userId);
    if (userIdEmail !== undefined) requests.push(search('email', userIdEmail, ctx));
    const property = userIdPropertyOf(ctx.config);
    if (userId !== undefined && property !== undefined) requests.push(search(property, userId, ctx));
    // The emails of the person (the SDK's deletionEmails), as the plugin sends emails, once; the userId's searched already.
    const emails = new Set(deletionEmails(person, (value) => normalizeEmail(value) !== undefined).flatMap((email) => normalizeEmail(email) ?? []));
    for (const email of emails) if (email !== userIdEmail) requests.push(search('email', email, ctx));
    // A userId named but not searched for (no email, no property holding it): said with the emails' searches, and why.
    if (requests.length > 0) return userId !== undefined && userIdEmail === undefined && property === undefined ? { requests, note: USER_ID_NOT_SEARCHED } : requests;
    return { skipped: userId === undefined ? ANONYMOUS_ONLY : NO_LOOKUP };
  },
  read(response, request) {
    // A search's answer, else the deletion's (the conformance suite reads answers alone).
    if (request !== undefined && endpointOf(request.url) === 'contactsSearch') return readSearch(response, request);
    if (response.status >= 200 && response.status < 300) {
      return { done: true, message: `deleted (HTTP ${response.status}): HubSpot permanently deleted the contact and its associated content (GDPR delete); this cannot be undone` };
    }
    if (response.status === 404) return { done: true, message: 'HubSpot has no such contact any more (HTTP 404): it was deleted already' };
    return unsuccessful(response, SCOPES.gdprDelete, 'deletion');
  },
};
