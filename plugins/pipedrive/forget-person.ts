// Person deletions: Pipedrive deletes a person by its own id (`DELETE /api/v2/persons/{id}`:
// "Marks a person as deleted. After 30 days, the person will be permanently deleted."), and the
// plugin finds persons by email, so a deletion first searches the persons holding each email
// the deletion knows the person by (`GET /api/v2/persons/search?term=…&fields=email&
// exact_match=true`), then deletes the persons found by id, the oldest first: a `{ next }` chain
// of the search and up to two deletions (the core's chain is at most three requests). When more
// persons hold the email than that, the deletion is tried again, and the search finds the rest;
// a search finding none is done. The emails: the userId when it is an email
// address, and the emails Signal found for the person (`deletionEmails`).
import { deletionEmails, isSendableEmail, transientRetry, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, EDGE_BLOCK_PAUSE_MS, foundPersonsOf, isEdgeBlock, isPipedriveId, isPipedriveSuccess, wordsOf } from './answers.ts';
import { apiOriginOf, apiTokenOf } from './config.ts';
import { searchRequest } from './requests.ts';

/** Why a deletion whose userId is no email, and for whom Signal knew no email, is not forwarded. */
export const NOT_AN_EMAIL = 'the plugin finds Pipedrive persons by email only; the userId named is no email address and Signal knew no email of the person (no traits.email on an identify call it remembered or still stored): delete the person in Pipedrive (Contacts > People), or run deletePerson with the person\'s email as userId';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Pipedrive marked the person deleted (it deletes them for good after 30 days)';

const isEmail = (value: string): boolean => isSendableEmail(value, { strict: true });

/** An answer that is no success: a refused token, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const said = answered(response);
  const transient = transientRetry(response, 'Pipedrive', wordsOf(response) || '(no message)');
  if (transient?.status === 'retry') {
    return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  }
  if (isEdgeBlock(response)) return { retry: `${said}: Pipedrive's edge blocked the API token for sending on after 429s (its HTML page, no answer of Pipedrive's)`, afterSeconds: EDGE_BLOCK_PAUSE_MS / 1000 };
  if (response.status === 401 || response.status === 403) return { failed: `${said}: Pipedrive refused the ${what}: check config.api_token (of a user allowed to delete persons) and config.company_domain` };
  return { failed: `${said}: Pipedrive refused the ${what}` };
}

/** Reads the search's answer: the deletion of the oldest person found, or nothing to delete. */
function readSearch(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'search of the person by email');
  const found = foundPersonsOf(response);
  // A web page or other text (a proxy's) says nothing of the person: not "nothing to delete".
  if (found === undefined || !isPipedriveSuccess(response)) return { retry: `${answered(response)}: not Pipedrive's answer to a person search (its data.items)` };
  const oldest = found[0];
  if (oldest === undefined) return { done: true, message: 'Pipedrive has no person with this email: nothing to delete' };
  const base = request.url.slice(0, request.url.indexOf('/persons/search'));
  return { next: deletionOf(base, oldest.id, found.slice(1).map((person) => person.id), 1, request) };
}

/** The DELETE of one person, noting the ids of the others holding the email and which deletion of the chain it is. */
function deletionOf(base: string, id: number, remaining: number[], nth: number, request: RequestDescriptor): RequestDescriptor {
  return { method: 'DELETE', url: `${base}/persons/${id}`, headers: { ...(request.headers ?? {}) }, eventIds: [], memo: { remaining, nth } };
}

/** The ids of the other persons holding the email, and which deletion of the chain a DELETE is (its memo). */
function remainingOf(request: RequestDescriptor): { remaining: number[]; nth: number } {
  const memo = request.memo;
  if (memo === null || typeof memo !== 'object' || Array.isArray(memo)) return { remaining: [], nth: 1 };
  const remaining = Array.isArray(memo.remaining) ? memo.remaining.filter(isPipedriveId) : [];
  return { remaining, nth: typeof memo.nth === 'number' ? memo.nth : 1 };
}

/** After a person's deletion (or its 404): the next person holding the email, a try again for the rest, or done. */
function afterDeletion(request: RequestDescriptor, done: string): ForgetOutcome {
  const { remaining, nth } = remainingOf(request);
  const next = remaining[0];
  if (next === undefined) return { done: true, message: done };
  // The chain holds the search and two deletions: beyond, a later try's search finds the rest.
  if (nth >= 2) return { retry: `${done}; ${remaining.length} more persons hold this email, so the search is made again for them` };
  const base = request.url.slice(0, request.url.lastIndexOf('/persons/'));
  return { next: deletionOf(base, next, remaining.slice(1), nth + 1, request) };
}

/** Reads the answer to a DELETE of a person: deleted, or gone already (404, 410), is the next step; else a failure. */
function readDeletion(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status >= 200 && response.status < 300) return afterDeletion(request, `deleted (HTTP ${response.status}): ${DELETED}`);
  if (response.status === 404 || response.status === 410) return afterDeletion(request, 'the person is no longer in Pipedrive: nothing to delete');
  return unsuccessful(response, 'deletion');
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): for each email of
 * the person, the persons holding it are searched, then deleted by id, the oldest first. Each
 * step is safe to repeat: a person already deleted is found by no search (done), or answers the
 * deletion 404 (done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => apiOriginOf(config) !== undefined && apiTokenOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, isEmail);
    if (emails.length === 0) {
      if (usableId(person.userId)) return { skipped: NOT_AN_EMAIL };
      return { skipped: usableId(person.anonymousId) ? 'the plugin sends Pipedrive persons by email only, never by an anonymous visitor\'s id, and Signal knew no email of this visitor: run deletePerson with the person\'s email as userId' : 'the ids named are placeholders the plugin never sends to Pipedrive, so no person of theirs can exist there' };
    }
    // Each search is the identify's own search (which refuses a config naming no Pipedrive host).
    return emails.map((email) => searchRequest(email, [], ctx.config));
  },
  read(response, request) {
    if (request?.method === 'GET') return readSearch(response, request);
    if (request?.method === 'DELETE') return readDeletion(response, request);
    // An answer read without its request (none the plugin built): a 2xx says nothing more than done.
    return response.status >= 200 && response.status < 300 ? { done: true, message: `HTTP ${response.status}: ${DELETED}` } : unsuccessful(response, 'deletion');
  },
  // The first request's documented answer (Search persons), here for an email no person holds: done, nothing to delete.
  successAnswer: { status: 200, body: { success: true, data: { items: [] }, additional_data: { next_cursor: null } } },
};
