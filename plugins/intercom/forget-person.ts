// Person deletions: Intercom deletes a contact with `DELETE /contacts/{id}`, by its own id (a
// deletion, not an archive: destroyed after a 7-day grace period), so the contact is first
// found by the person's userId as its external_id
// (`GET /contacts/find_by_external_id/{external_id}`), then deleted by the id the answer gives:
// a `{ next }` chain of two requests. The plugin never sends an anonymous visitor to Intercom,
// so an anonymousId alone is skipped.
import { usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { accessTokenOf, apiBaseOf, headersOf } from './config.ts';
import { answered, foundContact } from './answers.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Intercom identified users only (by userId or email), never an anonymous visitor, so Intercom holds no contact under an anonymousId';

const LOOKUP = '/contacts/find_by_external_id/';

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

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the contact whose
 * external_id is the person's userId is looked up, then deleted. Each step is safe
 * to repeat: a contact already gone answers the lookup 404 (done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => accessTokenOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Intercom, so no contact of theirs can exist there' };
    }
    const userId = String(person.userId).trim();
    return { method: 'GET', url: `${apiBaseOf(ctx.config)}${LOOKUP}${encodeURIComponent(userId)}`, headers: headersOf(ctx.config), eventIds: [] };
  },
  read(response, request) {
    // The lookup's answer, else the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readFind(response, request);
    if (response.status >= 200 && response.status < 300) return { done: true, message: `deleted (HTTP ${response.status}): Intercom deleted the contact (its data is destroyed after Intercom's 7-day grace period)` };
    if (request?.method === 'DELETE' && response.status === 404) return { done: true, message: 'the contact is no longer in Intercom: nothing to delete' };
    return unsuccessful(response, 'deletion');
  },
};
