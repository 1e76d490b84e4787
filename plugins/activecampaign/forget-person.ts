// Person deletions: ActiveCampaign deletes a contact by its own id (`DELETE /api/3/contacts/{id}`,
// "Delete an existing contact"; 404 "No result found for contact with id 1" when there is none),
// and keys contacts by email, so a deletion first looks the contact up by email
// (`GET /api/3/contacts?email=…`, "List, search, and filter contacts": `email`, "Email address of
// the contact you want to get"), then deletes the one found: a `{ next }` chain of two requests.
// The contact is looked up by each email the deletion knows the person by: the userId when it is
// an email address, and the emails Signal found for them (their remembered identify traits, the
// traits of their deleted events: `person.emails`). With none, no contact ActiveCampaign can
// find is named, and the deletion is skipped saying so.
import { configApiKey, deletionEmails, transientRetry, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, contactIdsOf, ID, isActiveCampaignAnswer, wordsOf } from './answers.ts';
import { apiBaseOf } from './config.ts';
import { isEmail } from './identity.ts';
import { apiHeadersOf } from './requests.ts';

/** Why a deletion whose userId is no email, and for whom Signal knew no email, is not forwarded. */
export const NOT_AN_EMAIL = 'ActiveCampaign keys contacts by email and can look them up by email only; the userId named is no email address and Signal knew no email of the person (no traits.email on an identify call it remembered or still stored): delete the contact in ActiveCampaign (Contacts > the contact > Delete), or run deletePerson with the person\'s email as userId';
/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends ActiveCampaign contacts and events by email only, never by an anonymous visitor\'s id, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored): run deletePerson with the person\'s email as userId';
/** What an accepted deletion means, said with it. */
export const DELETED = 'ActiveCampaign deleted the contact';

/** An answer that is no success: a refused key, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const said = answered(response);
  const transient = transientRetry(response, 'ActiveCampaign', wordsOf(response) || '(no message)');
  if (transient?.status === 'retry') {
    return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  }
  if (response.status === 401 || response.status === 403) return { failed: `${said}: ActiveCampaign refused the ${what}: check config.api_key (the key of Settings > Developer, of a user allowed to delete contacts) and config.api_url` };
  return { failed: `${said}: ActiveCampaign refused the ${what}` };
}

/** The base URL of a request the plugin built (the part before `/contacts`). */
function baseOf(request: RequestDescriptor): string {
  const at = request.url.indexOf('/contacts');
  return at >= 0 ? request.url.slice(0, at) : request.url;
}

/** Reads the lookup's answer: the deletion of the contact found, or nothing to delete. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'lookup of the contact by email');
  const ids = contactIdsOf(response);
  // A web page or other text (a proxy's) says nothing of the contact: not "nothing to delete".
  if (ids === undefined || !isActiveCampaignAnswer(response)) return { retry: `${answered(response)}: not ActiveCampaign's answer to a contact search (its { contacts: […] })` };
  if (ids.length === 0) return { done: true, message: 'ActiveCampaign has no contact with this email: nothing to delete' };
  if (ids.length > 1) return { failed: `${ids.length} ActiveCampaign contacts have this email: none was deleted — delete them in ActiveCampaign (Contacts)` };
  return { next: { method: 'DELETE', url: `${baseOf(request)}/contacts/${ids[0]!}`, headers: { ...(request.headers ?? {}) }, eventIds: [] } };
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): for each email of
 * the person (the SDK's `deletionEmails`), the contact with that email is looked up, then deleted by its
 * id. Each step is safe to repeat: a contact already gone is found by no lookup (done), or
 * answers the deletion 404 (done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => apiBaseOf(config) !== undefined && configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, isEmail);
    if (emails.length === 0) {
      if (usableId(person.userId)) return { skipped: NOT_AN_EMAIL };
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to ActiveCampaign, so no contact of theirs can exist there' };
    }
    const { 'content-type': _json, ...headers } = apiHeadersOf(ctx.config);
    return emails.map((email): RequestDescriptor => ({ method: 'GET', url: `${apiBaseOf(ctx.config)}/contacts`, query: [['email', email]], headers: { ...headers }, eventIds: [] }));
  },
  read(response, request) {
    // The lookup's answer, else the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readLookup(response, request);
    if (response.status >= 200 && response.status < 300) return { done: true, message: `deleted (HTTP ${response.status}): ${DELETED}` };
    if (request?.method === 'DELETE' && response.status === 404 && ID.test(request.url.split('/').pop() ?? '')) return { done: true, message: 'the contact is no longer in ActiveCampaign: nothing to delete' };
    return unsuccessful(response, 'deletion');
  },
  // The first request's documented answer (List, search, and filter contacts: `{ contacts, meta }`),
  // here for an email no contact has: done, nothing to delete.
  successAnswer: { status: 200, body: { scoreValues: [], contacts: [], meta: { total: '0' } } },
};
