// Omnisend's answers, as its API (version 2026-03-15) documents them: 202 Accepted for an event;
// 201 Created or 200 OK for a contact created or updated; 200 with `{ contacts: [...] }` for a
// lookup. Errors are RFC 9457 Problem Details — `{ type, title, status, detail, instance }`, a
// 400 adding `errors: [{ field, code, message }]`, one per field that failed validation, and a
// 429 adding `retryAfter` (seconds). 401: "Authentication is missing or invalid"; 403:
// "Insufficient permissions for this operation" (the key lacks the Contacts or Events
// permission); 410: "API version has been retired". Rate limits: 400 requests a minute on
// events and on contacts.
import {
  excerpt, isJsonObject, isWebPage, parseRetryAfter, responseHeader, transientRetry,
  type ClassifyResult, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { bodyWithSubscriptions, type Subscription } from './contact.ts';
import { subscriptionOf } from './fit-to-omnisend.ts';
import { API_VERSION, contactRequest, lookupRequest, type LookupMemo } from './requests.ts';

/** What to check when Omnisend refuses the key. */
const CREDENTIALS = 'check config.api_key (a key of Store settings > API keys in Omnisend, not revoked, given without "Omnisend-API-Key ")';
/** Omnisend's limits are per minute: without a wait in the answer, a minute. */
export const RATE_LIMIT_WAIT_MS = 60_000;

/**
 * What Omnisend said in an answer: its Problem's detail (else title) and each field error
 * (`field: message`), else the body's start, or `(no body)`.
 *
 * @example
 * omnisendSaid({ status: 400, headers: {}, body: '…', json: { title: 'Validation failed', errors: [{ field: 'identifiers[0].id', message: 'Must be a valid email address' }] } });
 * // 'Validation failed; identifiers[0].id: Must be a valid email address'
 */
export function omnisendSaid(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const words: string[] = [];
    const head = typeof json.detail === 'string' && json.detail.trim() !== '' ? json.detail : typeof json.title === 'string' ? json.title : typeof json.error === 'string' ? json.error : undefined;
    if (head !== undefined && head.trim() !== '') words.push(head.trim());
    if (Array.isArray(json.errors)) {
      for (const error of json.errors) {
        if (!isJsonObject(error)) continue;
        const field = typeof error.field === 'string' ? error.field : undefined;
        const message = typeof error.message === 'string' ? error.message : typeof error.code === 'string' ? error.code : undefined;
        if (message !== undefined) words.push(field === undefined ? message : `${field}: ${message}`);
      }
    }
    if (words.length > 0) return excerpt(words.join('; '));
  }
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/**
 * How long Omnisend asks to wait after a 429: Retry-After, else the Problem's `retryAfter`
 * (seconds), else a minute.
 *
 * @example
 * rateLimitWaitMs({ status: 429, headers: {}, body: '', json: { retryAfter: 12 } }, Date.now()); // 12000
 */
export function rateLimitWaitMs(response: VendorResponse, now: number): number {
  const header = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (header !== undefined) return header;
  const json = response.json;
  if (isJsonObject(json) && typeof json.retryAfter === 'number' && json.retryAfter > 0) return Math.min(Math.ceil(json.retryAfter * 1000), 3_600_000);
  return RATE_LIMIT_WAIT_MS;
}

function isLookup(request: RequestDescriptor): boolean {
  return request.method === 'GET';
}

function whatOf(request: RequestDescriptor): string {
  return isLookup(request) ? 'contact lookup' : /\/events$/.test(request.url) ? 'event' : 'contact';
}

/** The memo of a lookup request, read back (the core keeps it as JSON). */
function memoOf(request: RequestDescriptor): LookupMemo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || !isJsonObject(memo.body) || !Array.isArray(memo.pending) || !Array.isArray(memo.allowed)) return undefined;
  const list = (values: JsonValue[]) => values.map(subscriptionOf).filter((s): s is Subscription => s !== undefined);
  return { body: memo.body, pending: list(memo.pending), allowed: list(memo.allowed), consent: isJsonObject(memo.consent) ? memo.consent : {} };
}

/** Whether two identifiers are the same (an email case aside). */
function sameId(subscription: Subscription, id: JsonValue | undefined): boolean {
  if (typeof id !== 'string') return false;
  return subscription.type === 'email' ? id.trim().toLowerCase() === subscription.id.toLowerCase() : id.trim() === subscription.id;
}

/** Whether a contact of a lookup's answer holds the subscription's identifier (an identifier, or the read-only `email` / `phone`). */
function holdsIdentifier(contact: JsonObject, subscription: Subscription): boolean {
  const identifiers = Array.isArray(contact.identifiers) ? contact.identifiers : [];
  if (identifiers.some((identifier) => isJsonObject(identifier) && identifier.type === subscription.type && sameId(subscription, identifier.id))) return true;
  if (subscription.type === 'email') return sameId(subscription, contact.email);
  return Array.isArray(contact.phone) && contact.phone.some((phone) => sameId(subscription, phone));
}

/**
 * The channel status Omnisend has for a subscription's identifier in a lookup's answer, or
 * undefined when no contact has it. Every status the answer gives the contact for that channel
 * counts: the identifier's (`identifiers[].channels[channel].status`), the contact's per channel
 * (`statuses[]`) and, for email, the contact's `status` (its primary email's). `unsubscribed`
 * wins over any other, so that an answer whose identifier carries no channels can never hide an
 * unsubscription the contact shows elsewhere; a contact holding the identifier with no status at
 * all reads as nonSubscribed.
 *
 * @example
 * channelStatusIn({ contacts: [{ identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'unsubscribed' } } }] }] }, { type: 'email', id: 'jane@example.com', channel: 'email' }); // 'unsubscribed'
 * channelStatusIn({ contacts: [{ email: 'jane@example.com', status: 'unsubscribed', identifiers: [{ type: 'email', id: 'jane@example.com' }] }] }, { type: 'email', id: 'jane@example.com', channel: 'email' }); // 'unsubscribed'
 */
export function channelStatusIn(answer: JsonValue | undefined, subscription: Subscription): string | undefined {
  if (!isJsonObject(answer) || !Array.isArray(answer.contacts)) return undefined;
  const statuses: string[] = [];
  let held = false;
  for (const contact of answer.contacts) {
    if (!isJsonObject(contact) || !holdsIdentifier(contact, subscription)) continue;
    held = true;
    for (const identifier of Array.isArray(contact.identifiers) ? contact.identifiers : []) {
      if (!isJsonObject(identifier) || identifier.type !== subscription.type || !sameId(subscription, identifier.id)) continue;
      const channel = isJsonObject(identifier.channels) ? identifier.channels[subscription.channel] : undefined;
      if (isJsonObject(channel) && typeof channel.status === 'string') statuses.push(channel.status);
    }
    for (const status of Array.isArray(contact.statuses) ? contact.statuses : []) {
      if (isJsonObject(status) && status.channel === subscription.channel && typeof status.status === 'string') statuses.push(status.status);
    }
    if (subscription.channel === 'email' && typeof contact.status === 'string') statuses.push(contact.status);
  }
  if (!held) return undefined;
  return statuses.includes('unsubscribed') ? 'unsubscribed' : statuses.includes('subscribed') ? 'subscribed' : statuses[0] ?? 'nonSubscribed';
}

/** The status afterLookup is given for a lookup answer it cannot read: no subscription. */
const UNREADABLE = 'unreadable';

/** After a lookup's answer (its status for the first pending subscription, or none): the next lookup, or the contact's write. */
function afterLookup(memo: LookupMemo, status: string | undefined, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const [looked, ...pending] = memo.pending;
  // Only an identifier Omnisend does not know (no status) or knows as nonSubscribed is
  // subscribed: unsubscribed stays so, subscribed needs nothing (sending it again would move its
  // date), and any other answer (a status Omnisend does not document, a body that is no list of
  // contacts) subscribes no one — the contact is still written, without channels.
  const allowed = looked !== undefined && (status === undefined || status === 'nonSubscribed') ? [...memo.allowed, looked] : memo.allowed;
  const next: LookupMemo = { ...memo, pending, allowed };
  if (pending.length > 0) return { next: [lookupRequest(next, request.eventIds, ctx)] };
  return { next: [contactRequest(bodyWithSubscriptions(memo.body, allowed, memo.consent), request.eventIds, ctx)] };
}

/**
 * Omnisend's answers to a delivery request (one record a request):
 * - 2xx: delivered (a lookup's: the next lookup, or the contact's write, see afterLookup); a web
 *   page in its place (a proxy's) retried;
 * - 404 to a lookup: no such contact — the subscription is allowed;
 * - 429: retried as Omnisend's rate limit, after Retry-After (or the Problem's retryAfter), else a minute;
 * - 401 and 403: dead-lettered saying the API key (or its permissions) is refused;
 * - 410: dead-lettered saying the API version the plugin speaks was retired;
 * - 408 and 5xx: retried; any other 4xx: dead-lettered with Omnisend's words, naming the fields.
 *
 * @example
 * classifyOmnisend({ status: 400, headers: {}, body: '…', json: { title: 'Validation failed', errors: [{ field: 'eventName', message: 'is required' }] } }, eventRequest, ctx);
 * // { status: 'dead_letter', reason: 'Omnisend refused the event (HTTP 400: Validation failed; eventName: is required)' }
 */
export function classifyOmnisend(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const what = whatOf(request);
  const said = omnisendSaid(response);
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Omnisend's (a proxy or firewall in between?): sent again` };
    if (!isLookup(request)) return { status: 'delivered' };
    const memo = memoOf(request);
    if (memo === undefined) return { status: 'dead_letter', reason: 'the contact lookup carries no contact to write (a plugin error): replay the event' };
    // Parsed JSON (a JsonValue), checked an object here.
    const json = response.json as JsonValue;
    if (!isJsonObject(json)) return { status: 'retry', reason: `the answer to the contact lookup (HTTP ${status}: ${said}) is not Omnisend's list of contacts: sent again` };
    if (!Array.isArray(json.contacts)) {
      ctx.warn?.(`the answer to the contact lookup (HTTP ${status}: ${said}) holds no list of contacts: the contact is written without subscribing it`);
      return afterLookup(memo, UNREADABLE, request, ctx);
    }
    return afterLookup(memo, memo.pending[0] === undefined ? undefined : channelStatusIn(json, memo.pending[0]), request, ctx);
  }
  if (status === 404 && isLookup(request)) {
    const memo = memoOf(request);
    if (memo !== undefined) return afterLookup(memo, undefined, request, ctx);
  }
  if (status === 429) {
    return { status: 'retry', reason: `Omnisend rate limit reached (HTTP 429: ${said}): 400 requests a minute`, retryAfterMs: rateLimitWaitMs(response, ctx.now), throttled: true };
  }
  if (status === 401) return { status: 'dead_letter', reason: `Omnisend refused the API key (HTTP 401: ${said}): ${CREDENTIALS}` };
  if (status === 403) return { status: 'dead_letter', reason: `Omnisend refused the ${what} for the API key's permissions (HTTP 403: ${said}): give the key the Contacts (read and write) and Events (write) permissions in Store settings > API keys` };
  if (status === 410) return { status: 'dead_letter', reason: `Omnisend retired the API version the plugin speaks (${API_VERSION}; HTTP 410: ${said}): update the plugin` };
  const transient = transientRetry(response, 'Omnisend', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Omnisend refused the ${what} (HTTP ${status}: ${said})` };
}

