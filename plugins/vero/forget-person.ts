// Person deletions through Vero's Delete user, POST /users/delete { id } ("deletes a single user"
// by their id): the user whose id is the person's userId — the only id the plugin ever sends
// Vero users under. A deletion naming only an anonymousId is skipped: the plugin never sends an
// anonymous visitor to Vero, so nobody there holds it. Vero's Delete user takes no email, and
// every user the plugin created has the userId as id, so the person's emails are not needed.
// A 404 (no such user) is done: each request is safe to repeat.
import { excerpt, isWebPage, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { authTokenOf } from './config.ts';
import { CREDENTIALS, veroSaid } from './classify.ts';
import { API_BASE, HEADERS, withToken } from './requests.ts';

/** Why a deletion naming an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Vero users by userId only, never an anonymous visitor\'s id, so Vero holds nobody under an anonymousId (Vero\'s Delete user takes the user\'s id, not an email)';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Vero deleted the user whose id is the userId, with their properties, events and subscription status (Vero: deletions are final)';

/**
 * Forwarding of person deletions with the integration's token (config.forward_deletions, on by
 * default): the user whose id is the person's userId.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, ctx);
 * // { method: 'POST', url: 'https://api.getvero.com/api/v2/users/delete', body: { auth_token: '…', id: 'u-1' }, eventIds: [] }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => authTokenOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Vero, so no user of theirs can exist there' };
    }
    const id = String(person.userId).trim();
    return { method: 'POST', url: `${API_BASE}/users/delete`, headers: { ...HEADERS }, body: withToken({ id }, ctx), eventIds: [] };
  },
  read(response: VendorResponse, _request, ctx): ForgetOutcome {
    const { status } = response;
    const json = response.json;
    const isVero = json !== null && typeof json === 'object' && !Array.isArray(json);
    if (status >= 200 && status < 300) {
      // A web page there is a proxy's or a login page: it says nothing of the user. Any other 2xx
      // is Vero's acceptance, with or without its documented `{ "status": 200, … }` body (Vero
      // documents no body for Delete user), as delivery reads a 2xx.
      if (isWebPage(response.body)) return { retry: `HTTP ${status}: the answer is not Vero's (a proxy or firewall in between?): ${excerpt(response.body)}` };
      return { done: true, message: `accepted (HTTP ${status}): ${DELETED}` };
    }
    if (status === 404) {
      // Only Vero's own answer says the user is missing; a bare 404 may be a wrong route's or a proxy's.
      if (!isVero) return { retry: `HTTP ${status}: the answer is not Vero's (a proxy or firewall in between?): ${excerpt(response.body)}` };
      return { done: true, message: 'Vero has no user with this id: nothing to delete' };
    }
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Vero refused the Authentication Token for the deletion (${veroSaid(response)}): ${CREDENTIALS}` };
    if (status === 408 || status === 429 || status >= 500) {
      const reason = `HTTP ${status}: ${veroSaid(response)}`;
      const waitMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
      return waitMs === undefined ? { retry: reason } : { retry: reason, afterSeconds: Math.ceil(waitMs / 1000) };
    }
    return { failed: `HTTP ${status}: Vero refused the deletion (${veroSaid(response)}); delete the user in Vero (Profiles > the user > Delete)` };
  },
  successAnswer: { status: 200, body: { status: 200, message: 'Success.' } },
};
