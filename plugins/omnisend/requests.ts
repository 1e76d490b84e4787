// The delivery requests of Omnisend's API, version 2026-03-15 (https://api.omnisend.com/api,
// `Authorization: Omnisend-API-Key <key>`, `Omnisend-Version: 2026-03-15`, JSON bodies), one
// record a request: Omnisend's event and contact endpoints take one each. An event goes to POST
// /events; a contact to POST /contacts (create, or update the contact of that email) — after a
// lookup (GET /contacts?email= or ?phone=) of each identifier it would subscribe, whose answer
// decides the subscription (classify.ts). Built here, performed by the core.
import { configApiKey, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import type { Subscription } from './contact.ts';
import { MAX_BODY_BYTES, recordOf } from './fit-to-omnisend.ts';

export const API_BASE = 'https://api.omnisend.com/api';
/** The API version the plugin's requests and their reading follow (Omnisend's current one). */
export const API_VERSION = '2026-03-15';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };

/**
 * The headers of every request: the API key with Omnisend's scheme, the API version, JSON.
 *
 * @example
 * headersOf(ctx); // { authorization: 'Omnisend-API-Key 6571…', 'omnisend-version': '2026-03-15', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { authorization: `Omnisend-API-Key ${configApiKey(ctx.config)}`, 'omnisend-version': API_VERSION, 'content-type': 'application/json', accept: 'application/json' };
}

/** What a contact's lookups carry from one to the next (the request's memo). */
export interface LookupMemo {
  body: JsonObject;
  /** The subscriptions still to look up, the first one by this request. */
  pending: Subscription[];
  /** The subscriptions the earlier lookups allowed. */
  allowed: Subscription[];
  consent: JsonObject;
}

/**
 * The lookup of the first pending subscription's identifier: GET /contacts?email= (or ?phone=).
 *
 * @example
 * lookupRequest({ body, pending: [{ type: 'email', id: 'jane@example.com', channel: 'email' }], allowed: [], consent }, ['m-1'], ctx);
 * // { method: 'GET', url: 'https://api.omnisend.com/api/contacts', query: [['email', 'jane@example.com']], memo: { … }, eventIds: ['m-1'] }
 */
export function lookupRequest(memo: LookupMemo, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const [first] = memo.pending;
  if (first === undefined) throw new Error('a contact lookup needs a subscription to look up');
  // A GET has no body to type.
  const { 'content-type': _json, ...headers } = headersOf(ctx);
  // The memo is plain JSON (texts and lists of them); its interface only lacks JsonObject's index signature.
  return { method: 'GET', url: `${API_BASE}/contacts`, headers, query: [[first.type, first.id]], memo: memo as unknown as JsonValue, eventIds };
}

/**
 * Create or update a contact (`POST {api}/contacts`) with its body.
 *
 * @example
 * contactRequest({ identifiers: [{ type: 'email', id: 'jane@example.com' }] }, ['m-1'], ctx);
 */
export function contactRequest(body: JsonObject, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${API_BASE}/contacts`, headers: headersOf(ctx), body, eventIds };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, in
 * the batch's order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://api.omnisend.com/api/contacts', … }, { method: 'POST', url: 'https://api.omnisend.com/api/events', … }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Omnisend record (contact or event) to send`);
    if (record.kind === 'event') return { method: 'POST', url: `${API_BASE}/events`, headers: headersOf(ctx), body: record.body, eventIds: [mapped.id] };
    const subscriptions = record.subscriptions ?? [];
    if (subscriptions.length === 0) return contactRequest(record.body, [mapped.id], ctx);
    return lookupRequest({ body: record.body, pending: subscriptions, allowed: [], consent: record.consent ?? {} }, [mapped.id], ctx);
  });
}
