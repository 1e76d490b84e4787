// Person deletions through Iterable's API, with the integration's key. `forget` (default) is
// Iterable's GDPR forget, POST /api/users/forget: it "Deletes the specified user's data from the
// Iterable project and prevents future data collection about them" — by userId in
// userID-based and hybrid projects, by email only in email-based ones. Signal names a person by
// userId (and anonymousId), so in an email-based project the user is first looked up by userId
// (GET /api/users/byUserId, the userId an identify sets there), then forgotten by the email
// Iterable has. `delete` is DELETE /api/users/byUserId/{userId}, in every project type: the
// user and their data go, and data received later creates a new user. Iterable never received
// an anonymous visitor from the plugin, so an anonymousId alone is skipped.
import { usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiBaseOf, apiKeyOf, deletionActionOf, projectTypeOf } from './config.ts';
import { userIdProblem } from './identity.ts';
import { headersOf } from './requests.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Iterable identified users only (by userId or email), never an anonymous visitor, so Iterable holds nothing under an anonymousId';
/** What an accepted forget does, said with it. */
export const FORGOTTEN = 'Iterable deletes the user\'s data and collects nothing more about them (events naming them are refused) until they are unforgotten in Iterable; it can take up to ten minutes';

const FORGET_PATH = '/api/users/forget';
const LOOKUP_PATH = '/api/users/byUserId';

function quoted(response: VendorResponse): string {
  const said = response.body.trim().replace(/\s+/g, ' ').slice(0, 300);
  return said ? ` (Iterable: ${said})` : '';
}

/** Iterable's code in an answer, when it has one. */
function codeOf(response: VendorResponse): string | undefined {
  const json = response.json;
  const code = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** An answer that is no success: a refused key, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  if (response.status === 401 || response.status === 403) return { failed: `HTTP ${response.status}: Iterable refused the API key for the ${what}: check config.api_key (a Server-side key of the project) and config.region${quoted(response)}` };
  if (response.status === 408 || response.status === 429 || response.status >= 500 || codeOf(response) === 'RateLimitExceeded') return { retry: `HTTP ${response.status}${quoted(response)}` };
  return { failed: `HTTP ${response.status}${quoted(response)}` };
}

/** The forget request naming a user by one identifier. */
function forgetRequest(base: string, headers: Record<string, string>, body: { userId: string } | { email: string }): RequestDescriptor {
  return { method: 'POST', url: `${base}${FORGET_PATH}`, headers: { ...headers }, body, eventIds: [] };
}

/** Reads a lookup's answer: the forget by the email Iterable has for the userId, or nothing to forget. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status === 404) return { done: true, message: 'no Iterable user has this userId: nothing to forget' };
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'lookup of the user by userId');
  const user = (response.json as { user?: { email?: JsonValue } } | undefined)?.user;
  const email = typeof user?.email === 'string' ? user.email.trim() : '';
  if (email === '') return { done: true, message: 'no Iterable user has this userId: nothing to forget' };
  const base = request.url.slice(0, request.url.length - LOOKUP_PATH.length);
  return { next: forgetRequest(base, request.headers ?? {}, { email }) };
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): Iterable's GDPR forget by userId (userID-based and hybrid projects), or by the
 * email a lookup by userId finds (email-based projects); with config.deletion_action `delete`,
 * DELETE /api/users/byUserId/{userId} instead. Iterable's limits for forget: 3 requests a
 * second and 1,000 a day per project (a refusal over them is tried again).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => apiKeyOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Iterable, so no user of theirs can exist there' };
    const userId = String(person.userId).trim();
    const problem = userIdProblem(userId);
    if (problem) return { skipped: `the userId ${problem}, so the plugin never sent it and no Iterable user has it` };
    const base = apiBaseOf(ctx.config);
    const headers = headersOf(ctx);
    if (deletionActionOf(ctx.config) === 'delete') {
      return { method: 'DELETE', url: `${base}${LOOKUP_PATH}/${encodeURIComponent(userId)}`, headers, eventIds: [] };
    }
    if (projectTypeOf(ctx.config) === 'email') {
      return { method: 'GET', url: `${base}${LOOKUP_PATH}`, query: [['userId', userId]], headers, eventIds: [] };
    }
    return forgetRequest(base, headers, { userId });
  },
  read(response, request) {
    // The lookup's answer, else the forget's or the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readLookup(response, request);
    const deleting = request?.method === 'DELETE';
    if (response.status >= 200 && response.status < 300) {
      const code = codeOf(response);
      if (code !== undefined && code !== 'Success') return { failed: `HTTP ${response.status}, code ${code}${quoted(response)}` };
      return { done: true, message: deleting ? `accepted (HTTP ${response.status}): Iterable deletes the user and their data asynchronously; data received later creates a new user` : `accepted (HTTP ${response.status}): ${FORGOTTEN}` };
    }
    if (deleting && (response.status === 404 || codeOf(response) === 'NotFound')) return { done: true, message: 'no Iterable user has this userId: nothing to delete' };
    return unsuccessful(response, deleting ? 'deletion' : 'forget');
  },
};
