// Person deletions: SendGrid deletes contacts by their own ids (DELETE
// /v3/marketing/contacts?ids=…, an asynchronous job answering 202 { job_id }), so the contact is
// first found by an identifier ("Get Contacts by Identifiers", POST
// /v3/marketing/contacts/search/identifiers/{identifier_type}: 200 with the contacts found, 404
// when none is), then deleted by the id the answer gives: a `{ next }` chain of two requests.
// The plugin sends a contact the userId as its external_id, so the person is looked up by
// external_id; and by email for each email the deletion knows the person by: the userId when it
// is an email address (a contact the account created by email before the plugin), and the emails
// Signal found for them (their identify calls' traits.email, which the plugin sends as the
// contact's email: `person.emails`). The plugin never sends an anonymous visitor's id, so an
// anonymousId without an email is skipped.
import { configApiKey, deletionEmails, excerpt, isSendableEmail, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiOriginOf } from './config.ts';
import { answered, waitOf } from './classify.ts';
import { CONTACTS_PATH, headersOf } from './requests.ts';

/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends SendGrid contacts by userId (external_id) and email only, never an anonymous visitor\'s id, so SendGrid holds nothing under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
const SEARCH = `${CONTACTS_PATH}/search/identifiers/`;

function lookup(origin: string, type: 'external_id' | 'email', identifier: string, headers: Record<string, string>): RequestDescriptor {
  return { method: 'POST', url: `${origin}${SEARCH}${type}`, headers, body: { identifiers: [identifier] }, eventIds: [] };
}

/**
 * The ids of the contacts a lookup's answer found (`result.<identifier>.contact.id`), each once.
 *
 * @example
 * foundContactIds({ status: 200, headers: {}, body: '…', json: { result: { 'u-1': { contact: { id: 'c-42' } } } } }); // ['c-42']
 */
export function foundContactIds(response: VendorResponse): string[] {
  const result = (response.json as { result?: unknown } | undefined)?.result;
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return [];
  const ids = Object.values(result as Record<string, unknown>).map((entry) => (entry as { contact?: { id?: unknown } } | null)?.contact?.id);
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

/** An answer that is no success: one worth another try, or a failure naming what to check. */
function unsuccessful(response: VendorResponse, what: string, now: number): ForgetOutcome {
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const wait = response.status === 429 ? waitOf(response, now) : parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
    return wait === undefined ? { retry: `SendGrid ${answered(response)}` } : { retry: `SendGrid ${answered(response)}`, afterSeconds: Math.ceil(wait / 1000) };
  }
  if (response.status === 401 || response.status === 403) return { failed: `${answered(response)}: SendGrid refused the ${what}: check config.api_key (a key with Marketing access) and config.region` };
  return { failed: `${answered(response)}: SendGrid refused the ${what}; delete the contact in SendGrid (Marketing > Contacts)` };
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the contact whose
 * external_id is the userId is looked up, then deleted; and for each email of the person
 * (`deletionEmails`: an email userId, the emails Signal found), the contact with that email.
 * Each step is safe to repeat: a contact already gone answers the lookup 404 (done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    if (!usableId(person.userId) && emails.length === 0) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to SendGrid, so no contact of theirs can exist there' };
    const origin = apiOriginOf(ctx.config);
    const headers = headersOf(ctx);
    const byExternalId = usableId(person.userId) ? [lookup(origin, 'external_id', String(person.userId).trim(), headers)] : [];
    return [...byExternalId, ...emails.map((email) => lookup(origin, 'email', email, { ...headers }))];
  },
  read(response, request, ctx): ForgetOutcome {
    const now = ctx?.now ?? 0;
    const ok = response.status >= 200 && response.status < 300;
    if (request?.method === 'POST') {
      const by = request.url.endsWith('/email') ? 'email' : 'external_id';
      if (response.status === 404) return { done: true, message: `SendGrid has no contact with this ${by}: nothing to delete` };
      // "A 400 status code is returned if any searched addresses are invalid": SendGrid holds no
      // contact under an email it calls invalid (its upserts refuse one), so there is none to delete.
      if (response.status === 400 && by === 'email') return { done: true, message: `SendGrid calls the address looked up no valid email (${answered(response)}), so no contact has it as email: nothing to delete` };
      if (!ok) return unsuccessful(response, `lookup of the contact by ${by}`, now);
      const ids = foundContactIds(response);
      if (ids.length === 0) return { done: true, message: `SendGrid has no contact with this ${by}: nothing to delete` };
      return { next: { method: 'DELETE', url: `${request.url.slice(0, request.url.indexOf(SEARCH))}${CONTACTS_PATH}`, query: [['ids', ids.join(',')]], headers: { ...(request.headers ?? {}) }, eventIds: [] } };
    }
    // The deletion's answer (the conformance suite reads answers alone, without the request).
    if (ok) {
      const jobId = (response.json as { job_id?: unknown } | undefined)?.job_id;
      if (response.body.trim() !== '' && response.json === undefined) return { retry: `HTTP ${response.status}: the answer is not SendGrid's (a proxy or firewall in between?): ${excerpt(response.body)}` };
      return { done: true, message: `accepted (HTTP ${response.status}): SendGrid deletes the contact in a job${typeof jobId === 'string' ? ` (job ${jobId})` : ''}, with its fields and list memberships` };
    }
    if (request?.method === 'DELETE' && response.status === 404) return { done: true, message: 'the contact is no longer in SendGrid: nothing to delete' };
    return unsuccessful(response, 'deletion', now);
  },
  successAnswer: { status: 202, body: { job_id: '46ac6fc2-8b8a-4a63-9c53-4e1e3e3b4a3a' } },
};
