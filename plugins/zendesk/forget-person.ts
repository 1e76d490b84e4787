// Person deletions (GDPR): Zendesk deletes a user by its own id, in two steps — `DELETE
// /api/v2/users/{id}` (a soft deletion: the user is moved to the deleted users) and `DELETE
// /api/v2/deleted_users/{id}` (the permanent deletion, which Zendesk documents for GDPR requests).
// So the user is first looked up: by the person's userId as external_id
// (`GET /api/v2/users/search?external_id=…`), and by each email the deletion knows the person by
// (`GET /api/v2/users/search?query=email:…`): the userId when it is an email, and the emails
// Signal found for them (their identify calls' traits.email, which the plugin sends as the
// user's email: `person.emails`). Each lookup starts its own chain of three requests (search,
// deletion, permanent deletion: the core follows at most three in a row), so every email makes
// a chain. An email's chain deletes only a user without an external_id or with one of the
// person's (as the core hides them): a user of another external_id is another person of yours.
// Only end users are deleted: an agent or admin found under the id is reported, never deleted.
// The plugin never sends an anonymous visitor to Zendesk, so an anonymousId without an email is
// skipped.
import { deletionEmails, isEmailAddress, isJsonObject, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered } from './answers.ts';
import { apiBaseOf, credentialFields, hasCredentials, headersOf } from './config.ts';

const SEARCH = '/api/v2/users/search';
/**
 * What the core writes in place of the person's ids and emails in the answers it hands to `read`
 * (it keeps them out of everything it stores): a user's email or external_id that is the
 * person's userId, anonymousId or one of their emails reads as this.
 */
const HIDDEN_ID = '[…]';

/** Whether a value of the answer is the id looked up: itself (in any case: Zendesk compares emails and external ids so), or one of the person's as the core hid it. */
function isTheId(value: string, id: string): boolean {
  return value === HIDDEN_ID || value.toLowerCase() === id.toLowerCase();
}

/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Zendesk identified users only (by userId or email), never an anonymous visitor, so Zendesk holds no user under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';

function queryOf(request: RequestDescriptor | undefined, name: string): string | undefined {
  return request?.query?.find(([key]) => key === name)?.[1];
}

/** The origin of a request the plugin built. */
function baseOf(request: RequestDescriptor): string {
  return new URL(request.url).origin;
}

function withoutBody(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'));
}

/** An answer that is no success: one worth another try, or a failure naming what to check. */
function unsuccessful(response: VendorResponse, what: string, config?: Record<string, JsonValue>): ForgetOutcome {
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    // Zendesk asks callers to obey its Retry-After (permanent deletions: 700 users every 10 minutes).
    const afterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return afterMs === undefined ? { retry: answered(response) } : { retry: answered(response), afterSeconds: Math.ceil(afterMs / 1000) };
  }
  if (response.status === 401 || response.status === 403) {
    const fields = config ? credentialFields(config) : 'config.email and config.api_token (or config.oauth_access_token)';
    return { failed: `${answered(response)}: Zendesk refused the ${what}: check ${fields} (an admin's credential is needed to delete users)` };
  }
  return { failed: answered(response) };
}

/**
 * The user a search's answer names: with an email, its first user holding exactly that email
 * (Zendesk's search matches loosely); else its first user. Undefined when it names none. A user
 * without a role is taken as no end user (Zendesk always gives one), so it is never deleted.
 *
 * @example
 * foundUser({ status: 200, headers: {}, body: '…', json: { users: [{ id: 35436, role: 'end-user', external_id: 'u-1' }] } }); // { id: 35436, role: 'end-user', externalId: 'u-1' }
 */
export function foundUser(response: VendorResponse, email?: string): { id: number; role: string; externalId?: string } | undefined {
  const users = isJsonObject(response.json) && Array.isArray(response.json.users) ? response.json.users.filter(isJsonObject) : [];
  const match = users.find((u) => Number.isSafeInteger(u.id) && (email === undefined || (typeof u.email === 'string' && isTheId(u.email, email))));
  if (!match) return undefined;
  const externalId = typeof match.external_id === 'string' && match.external_id.trim() !== '' ? match.external_id : undefined;
  return { id: match.id as number, role: typeof match.role === 'string' ? match.role : 'unknown role', ...(externalId !== undefined ? { externalId } : {}) };
}

function readSearch(response: VendorResponse, request: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'user search', ctx?.config);
  const externalId = queryOf(request, 'external_id');
  const email = queryOf(request, 'query')?.replace(/^email:/, '');
  const user = foundUser(response, externalId === undefined ? email : undefined);
  if (!user) {
    return { done: true, message: externalId !== undefined ? 'no Zendesk user has this userId as external_id: nothing to delete' : 'no Zendesk user has this email: nothing to delete' };
  }
  // External ids are not case sensitive in Zendesk (Profiles guide, "Using external ID"). The
  // person's userId (or another of their ids) reads "[…]" here: the core hid it.
  if (email !== undefined && user.externalId !== undefined && !isTheId(user.externalId, email)) {
    return { done: true, message: `the Zendesk user with this email (id ${user.id}) has another external_id, so is another person of yours: not deleted` };
  }
  if (user.role !== 'end-user') return { failed: `the Zendesk user found (id ${user.id}) is an ${user.role}, not an end user: Signal never deletes agents or admins — delete them in Zendesk if meant` };
  // Zendesk asks for Content-Type: application/json on DELETE requests too (API reference, "Requests").
  return { next: { method: 'DELETE', url: `${baseOf(request)}/api/v2/users/${user.id}`, headers: { ...withoutBody(request.headers), 'content-type': 'application/json' }, eventIds: [] } };
}

/**
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx);
 * // [{ method: 'GET', url: 'https://acme.zendesk.com/api/v2/users/search', query: [['external_id', 'u-1']], headers: { authorization: 'Basic …', accept: 'application/json' }, eventIds: [] }]
 * forgetPerson.request({ userId: 'ann@example.com', anonymousId: null }, ctx);
 * // [the search by external_id, { …, query: [['query', 'email:ann@example.com']] }]
 * forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['ann@example.com'] }, ctx);
 * // [{ …, query: [['query', 'email:ann@example.com']] }]
 *
 * Forwarding of person deletions (config.forward_deletions, on by default): the end user whose
 * external_id is the person's userId, and the one of each email of the person (`deletionEmails`:
 * an email userId, the emails Signal found), is looked up, deleted, then permanently deleted.
 * Each step is safe to repeat: a user already gone answers the search with no user (done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => hasCredentials(config) && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, isEmailAddress);
    if (!usableId(person.userId) && emails.length === 0) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Zendesk, so no user of theirs can exist there' };
    }
    const { ['content-type']: _contentType, ...headers } = headersOf(ctx.config);
    const search = (query: [string, string]): RequestDescriptor => ({ method: 'GET', url: `${apiBaseOf(ctx.config)}${SEARCH}`, query: [query], headers: { ...headers }, eventIds: [] });
    const byExternalId = usableId(person.userId) ? [search(['external_id', String(person.userId).trim()])] : [];
    return [...byExternalId, ...emails.map((email) => search(['query', `email:${email}`]))];
  },
  read(response, request, ctx) {
    // The search's answer, else a deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readSearch(response, request, ctx);
    const permanent = request?.url.includes('/api/v2/deleted_users/') ?? false;
    if (response.status >= 200 && response.status < 300) {
      if (request && !permanent) {
        const id = /\/api\/v2\/users\/(\d+)$/.exec(new URL(request.url).pathname)?.[1];
        if (id) return { next: { method: 'DELETE', url: `${baseOf(request)}/api/v2/deleted_users/${id}`, headers: { ...(request.headers ?? {}) }, eventIds: [] } };
      }
      return { done: true, message: `deleted (HTTP ${response.status}): Zendesk ${permanent ? 'permanently deleted the user' : 'deleted the user'}` };
    }
    if (response.status === 404 && request?.method === 'DELETE') return { done: true, message: 'the user is no longer in Zendesk: nothing to delete' };
    return unsuccessful(response, permanent ? 'permanent deletion' : 'deletion', ctx?.config);
  },
};
