// Person deletions through Loops' Delete contact, POST /api/v1/contacts/delete with one of
// `email` or `userId` ("Provide exactly one"), so one request per identifier: the contact whose
// userId is the userId named (the plugin sends contacts the userId as theirs), and the contact
// of each email the deletion knows the person by — the userId when it is an email, and the
// emails Signal found for them (their identify calls' traits.email, which the plugin sends as the
// contact's email: `person.emails`). Loops answers 404 when no contact matches ("If a matching
// contact is not found, a 404 Not Found will be returned"): done, so each request is safe to repeat.
import { configApiKey, deletionEmails, excerpt, isSendableEmail, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { rateLimitWaitMs, loopsSaid } from './classify.ts';
import { API_BASE, headersOf } from './requests.ts';

/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Loops contacts and events by userId and email only, never an anonymous visitor\'s id, so Loops holds nothing under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Loops deleted the contact, with its properties, list memberships and event history';

function deletion(by: 'userId' | 'email', value: string, headers: Record<string, string>): RequestDescriptor {
  return { method: 'POST', url: `${API_BASE}/contacts/delete`, headers, body: { [by]: value }, eventIds: [] };
}

/** Which identifier a deletion request names. */
function byOf(request: RequestDescriptor | undefined): string {
  const body = request?.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) && 'email' in body ? 'email' : 'userId';
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): the contact of the userId, then the contact of each email of the person.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx);
 * // [POST /contacts/delete { userId: 'u-1' }, POST /contacts/delete { email: 'jane@example.com' }]
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    const userId = usableId(person.userId) ? String(person.userId).trim() : undefined;
    if (userId === undefined && emails.length === 0) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Loops, so no contact of theirs can exist there' };
    }
    const byUserId = userId === undefined ? [] : [deletion('userId', userId, headersOf(ctx))];
    return [...byUserId, ...emails.map((email) => deletion('email', email, headersOf(ctx)))];
  },
  read(response: VendorResponse, request, ctx): ForgetOutcome {
    const { status } = response;
    const by = byOf(request);
    const json = response.json;
    const isLoops = json !== null && typeof json === 'object' && !Array.isArray(json);
    if ((status >= 200 && status < 300) || status === 404) {
      // A web page or other text there is a proxy's (or a wrong route's): it says nothing of the contact.
      if (!isLoops) return { retry: `HTTP ${status}: the answer is not Loops' (a proxy or firewall in between?): ${excerpt(response.body)}` };
      if (status === 404) return { done: true, message: `Loops has no contact with this ${by}: nothing to delete` };
      if ((json as { success?: unknown }).success === false) return { failed: `HTTP ${status}: Loops did not delete the contact (by ${by}): ${loopsSaid(response)}` };
      return { done: true, message: `accepted (HTTP ${status}): ${DELETED} (by ${by})` };
    }
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Loops refused the API key for the deletion (${loopsSaid(response)}): check config.api_key` };
    if (status === 408 || status === 429 || status >= 500) {
      const reason = `HTTP ${status}: ${loopsSaid(response)}`;
      const waitMs = status === 429 ? rateLimitWaitMs(response, ctx?.now ?? 0) : parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
      return waitMs === undefined ? { retry: reason } : { retry: reason, afterSeconds: Math.ceil(waitMs / 1000) };
    }
    return { failed: `HTTP ${status}: Loops refused the deletion (by ${by}): ${loopsSaid(response)}; delete the contact in Loops (Audience > the contact > Delete)` };
  },
  successAnswer: { status: 200, body: { success: true, message: 'Contact deleted.' } },
};
