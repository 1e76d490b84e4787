// Person deletions through Attentive's Privacy Request API: POST /v1/privacy/delete-request with
// `clientUserId`, `subjectEmail` or `subjectPhone` ("This will delete a subscriber within thirty
// days"), answered 200 `{ id, … }` (the request, whose progress GET /v1/privacy/delete-request/{id}
// shows). The plugin sends Attentive the userId as the clientUserId, so the deletion names the
// subscriber by it; a userId that is an email address may also be the subscriber's email (a
// subscriber who signed up through Attentive's own forms), so that one is asked for too. Asking
// again for someone already deleted creates another request: safe to repeat.
import { excerpt, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { attentiveWords } from './classify.ts';
import { apiKeyOf } from './config.ts';
import { isEmail } from './identity.ts';
import { API_BASE, headersOf } from './requests.ts';

/** Why a deletion naming an anonymousId alone is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Attentive the userId (as clientUserId), email and phone only, never an anonymous visitor\'s id, so Attentive holds nothing under an anonymousId';
/** The audit note Attentive keeps with the request (its `requestMsg`): no id of the person. */
export const REQUEST_MESSAGE = 'Person deletion forwarded by Signal';

function deletion(field: 'clientUserId' | 'subjectEmail', value: string, headers: Record<string, string>): RequestDescriptor {
  return { method: 'POST', url: `${API_BASE}/privacy/delete-request`, headers, body: { [field]: value, requestMsg: REQUEST_MESSAGE }, eventIds: [] };
}

function quoted(response: VendorResponse): string {
  const said = attentiveWords(response);
  return said ? ` (Attentive: ${said})` : '';
}

function isJsonObject(response: VendorResponse): boolean {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

function byOf(request: RequestDescriptor | undefined): string {
  const body = request?.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) && 'subjectEmail' in body ? 'email' : 'clientUserId';
}

/**
 * Forwarding of person deletions with the integration's key (config.forward_deletions, on by
 * default): the subscriber whose clientUserId is the userId, then, for a userId that is an
 * email address, the subscriber with that email.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => apiKeyOf(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Attentive, so no subscriber of theirs can exist there' };
    const userId = String(person.userId).trim();
    const headers = headersOf(ctx);
    const requests = [deletion('clientUserId', userId, headers)];
    if (isEmail(userId)) requests.push(deletion('subjectEmail', userId, headers));
    return requests;
  },
  read(response, request, ctx): ForgetOutcome {
    const status = response.status;
    const by = byOf(request);
    if (status >= 200 && status < 300) {
      // Attentive answers the request it recorded, `{ id, … }`: a web page or other text there is
      // a proxy's (or a wrong route's), which says nothing of the deletion.
      if (!isJsonObject(response)) return { retry: `HTTP ${status}: the answer is not Attentive's (a proxy or firewall in between?): ${excerpt(response.body)}` };
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
