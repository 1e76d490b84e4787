// Person deletions through Brevo's contact deletion, DELETE /v3/contacts/{identifier} with
// `identifierType` ("Option 2 works for all identifierType": email_id, contact_id, ext_id,
// phone_id, …). The plugin sends a contact the userId as its ext_id, so the deletion names the
// contact by ext_id; and by email_id each email the deletion knows the person by: the userId when
// it is an email address (a contact the site created by email before the plugin), and the emails
// Signal found for them (their identify calls' traits.email, which the plugin sends as the
// contact's EMAIL: `person.emails`). A contact already gone answers 404: done, so each request is
// safe to repeat.
import { configApiKey, deletionEmails, isSendableEmail, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { API_BASE, headersOf } from './requests.ts';

/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Brevo contacts and events by userId (ext_id) and email only, never an anonymous visitor\'s id, so Brevo holds nothing under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
/** What an accepted deletion means, said with it. */
export const DELETED = 'Brevo deleted the contact, with its attributes and list memberships';

function quoted(response: VendorResponse): string {
  const json = response.json as { code?: unknown; message?: unknown } | undefined;
  const words = [json?.code, json?.message].filter((w): w is string => typeof w === 'string' && w.trim() !== '').join(': ');
  const said = (words || response.body).trim().replace(/\s+/g, ' ').slice(0, 300);
  return said ? ` (Brevo: ${said})` : '';
}

/** Whether an answer is Brevo's own: empty, or a JSON object. */
function isBrevoAnswer(response: VendorResponse): boolean {
  const json = response.json;
  return response.body.trim() === '' || (json !== null && typeof json === 'object' && !Array.isArray(json));
}

function deletion(identifier: string, type: 'ext_id' | 'email_id', headers: Record<string, string>): RequestDescriptor {
  return { method: 'DELETE', url: `${API_BASE}/contacts/${encodeURIComponent(identifier)}`, query: [['identifierType', type]], headers, eventIds: [] };
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): the contact whose ext_id is the userId, then the contact of each email of the person
 * (`deletionEmails`: an email userId, the emails Signal found).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    if (!usableId(person.userId) && emails.length === 0) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Brevo, so no contact of theirs can exist there' };
    const headers = headersOf(ctx);
    const byExtId = usableId(person.userId) ? [deletion(String(person.userId).trim(), 'ext_id', headers)] : [];
    return [...byExtId, ...emails.map((email) => deletion(email, 'email_id', { ...headers }))];
  },
  read(response, request, ctx): ForgetOutcome {
    const status = response.status;
    const by = request?.query?.find(([name]) => name === 'identifierType')?.[1] === 'email_id' ? 'email' : 'ext_id';
    // Brevo answers 204 empty, or a 404 `{ code, message }`: a web page or other text there is a
    // proxy's (or a wrong route's), which says nothing of the contact, so neither counts as done.
    if ((status >= 200 && status < 300) || status === 404) {
      if (!isBrevoAnswer(response)) return { retry: `HTTP ${status}: the answer is not Brevo's (a proxy or firewall in between?): ${response.body.trim().replace(/\s+/g, ' ').slice(0, 300)}` };
      if (status === 404) return { done: true, message: `Brevo has no contact with this ${by}: nothing to delete` };
      return { done: true, message: `accepted (HTTP ${status}): ${DELETED} (by ${by})` };
    }
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Brevo refused the API key for the deletion: check config.api_key (an API v3 key, xkeysib-…) and the account's authorised IPs${quoted(response)}` };
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
      const reset = Number(responseHeader(response.headers, 'x-sib-ratelimit-reset'));
      const afterSeconds = retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : Number.isFinite(reset) && reset > 0 ? Math.ceil(reset) : undefined;
      return afterSeconds === undefined ? { retry: `HTTP ${status}${quoted(response)}` } : { retry: `HTTP ${status}${quoted(response)}`, afterSeconds };
    }
    return { failed: `HTTP ${status}${quoted(response)}: delete the contact in Brevo (Contacts > the contact > Delete)` };
  },
};
