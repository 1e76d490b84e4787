// Person deletions through Iterable's API, with the integration's key. `forget` (default) is
// Iterable's GDPR forget, POST /api/users/forget: it "Deletes the specified user's data from the
// Iterable project and prevents future data collection about them" — by userId in
// userID-based and hybrid projects, by email only in email-based ones. Signal names a person by
// userId (and anonymousId), so in an email-based project the user is first looked up by userId
// (GET /api/users/byUserId, the userId an identify sets there), then forgotten by the email
// Iterable has. `delete` is DELETE /api/users/byUserId/{userId}, in every project type: the
// user and their data go, and data received later creates a new user. Email-based and hybrid
// projects also find users by email: there, each email Signal found for the person (their
// remembered identify traits, the traits of their deleted events: `person.emails`; in
// email-based projects also a userId that is an email) is looked up (GET /api/users/getByEmail)
// and forgotten when Iterable has a user with it, or deleted (DELETE /api/users/{email}).
// UserID-based projects find users by userId only. Iterable never received an anonymous
// visitor from the plugin, so an anonymousId without an email is skipped.
import { configApiKey, deletionEmails, usableId, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiBaseOf, deletionActionOf, projectTypeOf, type ProjectType } from './config.ts';
import { normalizeEmail, userIdProblem } from './identity.ts';
import { headersOf } from './requests.ts';

/** Why a person named by an anonymousId alone is not forwarded (userID-based projects, which find users by userId only). */
export const ANONYMOUS_ONLY = 'the plugin sends Iterable identified users only (by userId or email), never an anonymous visitor, so Iterable holds nothing under an anonymousId';
/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded (email-based and hybrid projects). */
export const ANONYMOUS_NO_EMAIL = `${ANONYMOUS_ONLY}, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)`;
/** What an accepted forget does, said with it. */
export const FORGOTTEN = 'Iterable deletes the user\'s data and collects nothing more about them (events naming them are refused) until they are unforgotten in Iterable; it can take up to ten minutes';

const FORGET_PATH = '/api/users/forget';
const LOOKUP_PATH = '/api/users/byUserId';
/** Get a user by email (query parameter), in email-based and hybrid projects. */
const EMAIL_LOOKUP_PATH = '/api/users/getByEmail';
/** Delete a user by email: `DELETE /api/users/{email}`, in email-based and hybrid projects. */
const USERS_PATH = '/api/users/';
/** What the core puts in an answer in place of the person's ids and emails. */
const HIDDEN = '[…]';

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

/** The email a lookup by email asked for (its `email` query parameter), when it is one. */
function emailLookedUp(request: RequestDescriptor): string | undefined {
  return request.url.endsWith(EMAIL_LOOKUP_PATH) ? request.query?.find(([name]) => name === 'email')?.[1] : undefined;
}

/**
 * Reads a lookup's answer: the forget by the email Iterable has for the userId, or by the email
 * looked up (the request's: the answer's is hidden, being the person's), or nothing to forget.
 */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  const email = emailLookedUp(request);
  const by = email === undefined ? 'userId' : 'email';
  if (response.status === 404) return { done: true, message: `no Iterable user has this ${by}: nothing to forget` };
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, `lookup of the user by ${by}`);
  const user = (response.json as { user?: { email?: JsonValue } } | undefined)?.user;
  const base = request.url.slice(0, request.url.length - (email === undefined ? LOOKUP_PATH : EMAIL_LOOKUP_PATH).length);
  if (email !== undefined) return user !== null && typeof user === 'object' ? { next: forgetRequest(base, request.headers ?? {}, { email }) } : { done: true, message: 'no Iterable user has this email: nothing to forget' };
  const found = typeof user?.email === 'string' ? user.email.trim() : '';
  if (found === '') return { done: true, message: 'no Iterable user has this userId: nothing to forget' };
  // The person's own emails come hidden: each is looked up and forgotten by a request of its own.
  if (found === HIDDEN) return { done: true, message: 'the Iterable user with this userId has one of the person\'s emails, which this deletion forgets by its own request' };
  if (found.includes(HIDDEN)) return { failed: 'the email Iterable has for this userId holds the person\'s id, which Signal hides from plugins, so it cannot be forgotten by it: forget the user in Iterable' };
  return { next: forgetRequest(base, request.headers ?? {}, { email: found }) };
}

/**
 * The emails of the person to find Iterable users by: none in userID-based projects, which find
 * users by userId only; else the SDK's `deletionEmails` — in email-based projects a userId that
 * is an email too (hybrid ones forget the userId as a userId) — as the plugin sends emails, once.
 */
function emailsOf(person: NamedPerson, projectType: ProjectType): string[] {
  if (projectType === 'userid') return [];
  const named = projectType === 'email' ? person : { ...person, userId: null };
  return [...new Set(deletionEmails(named, (value) => normalizeEmail(value) !== undefined).flatMap((email) => normalizeEmail(email) ?? []))];
}

/** The request for the userId (per the project type and the deletion action), or why none can be made. */
function userIdRequest(person: NamedPerson, base: string, headers: Record<string, string>, projectType: ProjectType, action: 'forget' | 'delete'): RequestDescriptor | { skipped: string } {
  if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? (projectType === 'userid' ? ANONYMOUS_ONLY : ANONYMOUS_NO_EMAIL) : 'the ids named are placeholders the plugin never sends to Iterable, so no user of theirs can exist there' };
  const userId = String(person.userId).trim();
  const problem = userIdProblem(userId);
  if (problem) return { skipped: `the userId ${problem}, so the plugin never sent it and no Iterable user has it` };
  if (action === 'delete') return { method: 'DELETE', url: `${base}${LOOKUP_PATH}/${encodeURIComponent(userId)}`, headers, eventIds: [] };
  if (projectType === 'email') return { method: 'GET', url: `${base}${LOOKUP_PATH}`, query: [['userId', userId]], headers, eventIds: [] };
  return forgetRequest(base, headers, { userId });
}

/** The request for one email: its lookup (then the forget of the user found), or its deletion. */
function emailRequest(email: string, base: string, headers: Record<string, string>, action: 'forget' | 'delete'): RequestDescriptor {
  if (action === 'delete') return { method: 'DELETE', url: `${base}${USERS_PATH}${encodeURIComponent(email)}`, headers: { ...headers }, eventIds: [] };
  return { method: 'GET', url: `${base}${EMAIL_LOOKUP_PATH}`, query: [['email', email]], headers: { ...headers }, eventIds: [] };
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): Iterable's GDPR forget by userId (userID-based and hybrid projects), or by the
 * email a lookup by userId finds (email-based projects); with config.deletion_action `delete`,
 * DELETE /api/users/byUserId/{userId} instead. In email-based and hybrid projects, each email of
 * the person (`emailsOf`) too: looked up, then forgotten; or deleted. Iterable's limits
 * for forget: 3 requests a second and 1,000 a day per project (a refusal over them is tried
 * again).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const base = apiBaseOf(ctx.config);
    const headers = headersOf(ctx);
    const projectType = projectTypeOf(ctx.config);
    const action = deletionActionOf(ctx.config);
    const byUserId = userIdRequest(person, base, headers, projectType, action);
    const byEmails = emailsOf(person, projectType).map((email) => emailRequest(email, base, headers, action));
    if (byEmails.length === 0) return byUserId;
    return 'skipped' in byUserId ? byEmails : [byUserId, ...byEmails];
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
    if (deleting && (response.status === 404 || codeOf(response) === 'NotFound')) return { done: true, message: `no Iterable user has this ${request.url.includes(`${LOOKUP_PATH}/`) ? 'userId' : 'email'}: nothing to delete` };
    return unsuccessful(response, deleting ? 'deletion' : 'forget');
  },
};
