// Person deletions, as far as Kit's API allows: it has no way to delete a subscriber (API v4
// has Unsubscribe subscriber, no delete; deleting is done in Kit's app). So this is opt-in
// (config.unsubscribe_on_deletion, off by default) and says what it did: the subscriber of each
// email Signal knew the person by is unsubscribed — Kit sends them no more email — and their
// data stays in Kit until someone deletes them there. For each email, a chain of two requests:
//
// 1. `GET /v4/subscribers?email_address=<email>&status=all` (status "Defaults to active": `all`
//    finds an inactive or bounced subscriber too);
// 2. `POST /v4/subscribers/{id}/unsubscribe` for the subscriber found holding that email
//    (Kit: "returns a 204 empty response"), unless they are unsubscribed (`cancelled`) already.
//
// Each step is safe to repeat: unsubscribing an unsubscribed subscriber changes nothing.
import { configApiKey, deletionEmails, isJsonObject, isSendableEmail, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { kitSaid } from './classify.ts';
import { API_BASE, headersOf } from './requests.ts';

/** What the core puts in place of the person's ids and emails in the answers `read` gets. */
const HIDDEN = '[…]';
/** Said with every outcome: what Kit keeps. */
export const NOT_DELETED = 'not deleted: Kit\'s API cannot delete a subscriber, so their data stays in Kit — delete them there (Subscribers > the subscriber > Delete subscriber) to erase it';
/** Why a deletion naming an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const NO_EMAIL = 'the plugin sends Kit subscribers by email address only, and Signal knew no email of this person (no traits.email on an identify call it remembered or still stored): run deletePerson with the person\'s email as userId, or delete the subscriber in Kit';

function lookup(email: string, headers: Record<string, string>): RequestDescriptor {
  const query = new URLSearchParams({ email_address: email, status: 'all' });
  return { method: 'GET', url: `${API_BASE}/subscribers?${query.toString()}`, headers, eventIds: [] };
}

/** The email a lookup asked for (or the core's hidden form of it). */
function askedEmail(request: RequestDescriptor | undefined): string | undefined {
  if (request === undefined) return undefined;
  try {
    return new URL(request.url).searchParams.get('email_address') ?? undefined;
  } catch {
    return undefined;
  }
}

/** A failed, retried or refused step of a deletion, by its status. */
function unsuccessful(response: VendorResponse, step: string, now: number): ForgetOutcome {
  const { status } = response;
  const said = kitSaid(response);
  if (status === 401 || status === 403) return { failed: `HTTP ${status}: Kit refused the API key for the ${step} (${said}): check config.api_key and that the account still has API access` };
  if (status === 408 || status === 429 || status >= 500) {
    const waitMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
    const reason = `HTTP ${status}: ${said}`;
    return waitMs === undefined ? { retry: reason } : { retry: reason, afterSeconds: Math.ceil(waitMs / 1000) };
  }
  return { failed: `HTTP ${status}: Kit refused the ${step} (${said}); unsubscribe or delete the subscriber in Kit` };
}

/**
 * The subscribers a lookup found holding the email asked for: `{ id, state }` each; undefined
 * when the answer is not Kit's (`{ subscribers: [{ id, email_address, state }] }`).
 *
 * @example
 * foundSubscribers({ status: 200, headers: {}, body: '…', json: { subscribers: [{ id: 288, email_address: 'jane@example.com', state: 'active' }] } }, lookupOfJane);
 * // [{ id: 288, state: 'active' }]
 */
export function foundSubscribers(response: VendorResponse, request: RequestDescriptor | undefined): Array<{ id: number; state: string }> | undefined {
  const json = response.json;
  if (!isJsonObject(json) || !Array.isArray(json.subscribers)) return undefined;
  const asked = askedEmail(request)?.toLowerCase();
  const found: Array<{ id: number; state: string }> = [];
  for (const subscriber of json.subscribers as JsonValue[]) {
    if (!isJsonObject(subscriber)) continue;
    const { id, email_address: email, state } = subscriber as JsonObject;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0 || typeof email !== 'string') continue;
    // A filter Kit would not apply must not unsubscribe others: only the address asked for.
    if (email !== HIDDEN && (asked === undefined || (asked !== HIDDEN.toLowerCase() && email.toLowerCase() !== asked))) continue;
    found.push({ id, state: typeof state === 'string' ? state : 'unknown' });
  }
  return found;
}

function readLookup(response: VendorResponse, request: RequestDescriptor | undefined, now: number): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'lookup of the subscriber by email', now);
  const found = foundSubscribers(response, request);
  if (found === undefined) return { retry: `HTTP ${response.status}: not Kit's answer to a subscriber lookup (its { subscribers: […] }): a proxy or firewall in between?` };
  const active = found.find((subscriber) => subscriber.state !== 'cancelled');
  if (active === undefined) {
    return { done: true, message: found.length === 0 ? 'Kit has no subscriber with this email: nothing to unsubscribe' : `the subscriber with this email is unsubscribed in Kit already; ${NOT_DELETED}` };
  }
  return { next: { method: 'POST', url: `${API_BASE}/subscribers/${active.id}/unsubscribe`, headers: { ...(request?.headers ?? {}) }, body: {}, eventIds: [] } };
}

function readUnsubscribe(response: VendorResponse, now: number): ForgetOutcome {
  if (response.status === 404) return { done: true, message: `Kit has no such subscriber any more (HTTP 404): nothing to unsubscribe; ${NOT_DELETED}` };
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'unsubscription of the subscriber', now);
  return { done: true, message: `accepted (HTTP ${response.status}): Kit unsubscribed the subscriber with this email, who receives no more email from the account; ${NOT_DELETED}` };
}

/**
 * Opt-in unsubscription of the person's Kit subscribers on a person deletion (see above): for
 * each email of the person (the SDK's `deletionEmails`: the userId when it is one, and the
 * emails Signal found for them), a lookup, then an unsubscription.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx);
 * // [GET https://api.kit.com/v4/subscribers?email_address=jane%40example.com&status=all]
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.unsubscribe_on_deletion === true,
  request(person, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email, { strict: true }));
    if (emails.length > 0) return emails.map((email) => lookup(email, headersOf(ctx)));
    if (usableId(person.userId) || usableId(person.anonymousId)) return { skipped: NO_EMAIL };
    return { skipped: 'the ids named are placeholders the plugin never sends to Kit, so no subscriber of theirs can exist there' };
  },
  read(response, request, ctx) {
    const now = ctx?.now ?? Date.now();
    return request?.method === 'POST' ? readUnsubscribe(response, now) : readLookup(response, request, now);
  },
  // The lookup's documented answer (List subscribers), here for nobody found.
  successAnswer: { status: 200, body: { subscribers: [], pagination: { has_previous_page: false, has_next_page: false, start_cursor: null, end_cursor: null, per_page: 500 } } },
};
