// The delivery requests (Bearer token, Intercom-Version, JSON): one request an event, since
// Intercom's contact and data event endpoints take one record each. Built here, performed by
// the core.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, headersOf } from './config.ts';

/** One record a request: Intercom has no bulk endpoint for contacts or data events. */
export const MAX_EVENTS = 1;
/**
 * Bytes of one body. Intercom documents no body limit; a contact or an event fitted by the
 * plugin is a few KB at most (10 metadata keys of 255 characters), so this bound is never near.
 */
export const MAX_BODY_BYTES = 256_000;

/**
 * The request for one mapped record: `PUT /contacts/{contact_id}` for a contact the lookup
 * found, `POST /contacts` for one it did not, `POST /events` for a data event.
 *
 * @example
 * requestFor({ id: 'm-1', payload: { kind: 'event', body: { event_name: 'Signed Up', created_at: 1711296000, user_id: 'u-1' } } }, ctx);
 * // { method: 'POST', url: 'https://api.intercom.io/events', headers: {...}, body: {...}, eventIds: ['m-1'] }
 */
export function requestFor(mapped: Pick<MappedEvent, 'id' | 'payload'>, ctx: PluginContext): RequestDescriptor {
  const { kind, body, contact_id: contactId } = mapped.payload;
  if ((kind !== 'contact' && kind !== 'event') || body === null || typeof body !== 'object' || Array.isArray(body)) {
    // The map hook gives every event it keeps a record; without one there is nothing to send.
    throw new Error(`event ${mapped.id} holds no Intercom record (contact or data event) to send`);
  }
  const base = apiBaseOf(ctx.config);
  const headers = headersOf(ctx.config);
  if (kind === 'event') return { method: 'POST', url: `${base}/events`, headers, body: body as JsonObject, eventIds: [mapped.id] };
  if (typeof contactId === 'string') return { method: 'PUT', url: `${base}/contacts/${encodeURIComponent(contactId)}`, headers, body: body as JsonObject, eventIds: [mapped.id] };
  return { method: 'POST', url: `${base}/contacts`, headers, body: body as JsonObject, eventIds: [mapped.id] };
}

/**
 * The requests for a batch: one per event, in order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx); // [POST /contacts, POST /events]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => requestFor(mapped, ctx));
}
