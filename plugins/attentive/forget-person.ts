// Person deletions through Attentive's Privacy Request API: POST /v1/privacy/delete-request with
// `clientUserId`, `subjectEmail` or `subjectPhone` ("This will delete a subscriber within thirty
// days"), answered 200 `{ id, … }` (the request, whose progress GET /v1/privacy/delete-request/{id}
// shows). The plugin sends Attentive the userId as the clientUserId, so the deletion names the
// subscriber by it; and by subjectEmail each email the deletion knows the person by: the userId
// when it is an email address (a subscriber who signed up through Attentive's own forms), and the
// emails Signal found for them (their identify calls' traits.email, which the plugin sends as the
// subscriber's email: `person.emails`). The emails go first: whether Attentive takes a
// clientUserId alone is unconfirmed, and a refusal of it ends the deletion there (the core stops
// at the first request that does not end done), which must not keep the emails' from being made.
// Asking again for someone already deleted creates another request: safe to repeat.
import { configApiKey, deletionEmails, excerpt, isJsonObject, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { attentiveWords } from './classify.ts';
import { isEmail } from './identity.ts';
import { API_BASE, headersOf } from './requests.ts';

/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Attentive the userId (as clientUserId), email and phone only, never an anonymous visitor\'s id, so Attentive holds nothing under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
/** The audit note Attentive keeps with the request (its `requestMsg`): no id of the person. */
export const REQUEST_MESSAGE = 'Person deletion forwarded by Signal';

function deletion(field: 'clientUserId' | 'subjectEmail', value: string, headers: Record<string, string>): RequestDescriptor {
  return { method: 'POST', url: `${API_BASE}/privacy/delete-request`, headers, body: { [field]: value, requestMsg: REQUEST_MESSAGE }, eventIds: [] };
}

function quoted(response: VendorResponse): string {
  const said = attentiveWords(response);
  return said ? ` (Attentive: ${said})` : '';
}

function byOf(request: RequestDescriptor | undefined): string {
  const body = request?.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) && 'subjectEmail' in body ? 'email' : 'clientUserId';
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): the subscriber of each email of the person (`deletionEmails`: an email userId, the
 * emails Signal found), then the subscriber whose clientUserId is the userId.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, isEmail);
    if (!usableId(person.userId) && emails.length === 0) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Attentive, so no subscriber of theirs can exist there' };
    const headers = headersOf(ctx);
    const byClientUserId = usableId(person.userId) ? [deletion('clientUserId', String(person.userId).trim(), headers)] : [];
    return [...emails.map((email) => deletion('subjectEmail', email, { ...headers })), ...byClientUserId];
  },
  read(response, request, ctx): ForgetOutcome {
    const status = response.status;
    const by = byOf(request);
    if (status >= 200 && status < 300) {
      // Attentive answers the request it recorded, `{ id, … }`: a web page or other text there is
      // a proxy's (or a wrong route's), which says nothing of the deletion.
      if (!isJsonObject(response.json)) return { retry: `HTTP ${status}: the answer is not Attentive's (a proxy or firewall in between?): ${excerpt(response.body)}` };
      const id = (response.json as { id?: unknown }).id;
      return { done: true, message: `accepted (HTTP ${status}${typeof id === 'string' || typeof id === 'number' ? `, privacy request ${String(id)}` : ''}): Attentive deletes the subscriber with this ${by} within thirty days` };
    }
    if (status === 401) return { failed: `HTTP 401: Attentive refused the API key for the deletion: check config.api_key${quoted(response)}` };
    if (status === 403) return { failed: `HTTP 403: the custom app may not make privacy requests: give it the Privacy Requests permission (Marketplace > Manage custom apps), or turn config.forward_deletions off and delete the subscriber in Attentive${quoted(response)}` };
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
      return retryAfterMs === undefined ? { retry: `HTTP ${status}${quoted(response)}` } : { retry: `HTTP ${status}${quoted(response)}`, afterSeconds: Math.ceil(retryAfterMs / 1000) };
    }
    return { failed: `HTTP ${status}${quoted(response)}: delete the subscriber in Attentive's platform` };
  },
};
