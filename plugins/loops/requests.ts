// The delivery requests of Loops' API (`Authorization: Bearer <API key>`, JSON bodies): a contact
// to PUT /api/v1/contacts/update (one joining mailing lists to POST /api/v1/contacts/create
// first: see contact.ts), an event to POST /api/v1/events/send with the event's
// messageId as its `Idempotency-Key`, one record a request: Loops has no batch endpoint for
// either. Built here, performed by the core.
import { configApiKey, nameBasedUuid, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { isListCreation } from './contact.ts';
import { MAX_BODY_BYTES, recordOf } from './fit-to-loops.ts';

export const API_BASE = 'https://app.loops.so/api/v1';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };
/** Loops: the Idempotency-Key is "a string of up to 100 characters". */
export const MAX_IDEMPOTENCY_KEY_CHARS = 100;
/** The namespace of the UUIDs standing in for messageIds longer than Loops' key (a fixed, random one). */
const IDEMPOTENCY_NAMESPACE = '0d5f3f52-6b7e-4a53-9c33-5a3c1f7e2b41';

/**
 * The headers of every request: JSON both ways, and the API key as the Bearer token.
 *
 * @example
 * headersOf({ config: { api_key: 'd2d5…' }, … }); // { authorization: 'Bearer d2d5…', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { authorization: `Bearer ${configApiKey(ctx.config)}`, 'content-type': 'application/json', accept: 'application/json' };
}

/**
 * The Idempotency-Key of an event: its messageId, the same on every try and replay, so Loops
 * sends no email twice for it ("409 Conflict … if the idempotency key has been used in the
 * previous 24 hours"); a messageId longer than Loops' 100 characters as a name-based UUID of it.
 *
 * @example
 * idempotencyKeyOf('m-1'); // 'm-1'
 * idempotencyKeyOf('x'.repeat(150)); // a UUID (version 5), the same for the same messageId
 */
export function idempotencyKeyOf(messageId: string): string {
  return messageId.length > 0 && messageId.length <= MAX_IDEMPOTENCY_KEY_CHARS && !/[^\x21-\x7e]/.test(messageId)
    ? messageId
    : nameBasedUuid(messageId, { version: 5, namespace: IDEMPOTENCY_NAMESPACE });
}

/**
 * Update contact (`PUT {api}/contacts/update`) with a contact's body.
 *
 * @example
 * updateRequest({ email: 'jane@example.com' }, ['m-1'], ctx);
 * // { method: 'PUT', url: 'https://app.loops.so/api/v1/contacts/update', headers: { authorization: 'Bearer …', … }, body: { email: 'jane@example.com' }, eventIds: ['m-1'] }
 */
export function updateRequest(body: JsonObject, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'PUT', url: `${API_BASE}/contacts/update`, headers: headersOf(ctx), body, eventIds };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, a
 * contact to PUT /contacts/update (one joining mailing lists to POST /contacts/create), an
 * event to POST /events/send, in the batch's order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'PUT', url: 'https://app.loops.so/api/v1/contacts/update', body: { email: …, userId: … }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://app.loops.so/api/v1/events/send', headers: { …, 'idempotency-key': 'signed-up' }, body: { eventName: 'Signed Up', … }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Loops record (contact or event) to send`);
    if (record.kind === 'contact') {
      // Lists join only a contact Loops creates: a 409 (Loops has it) leads to the update without them.
      if (isListCreation(record.body)) return { method: 'POST', url: `${API_BASE}/contacts/create`, headers: headersOf(ctx), body: record.body, eventIds: [mapped.id] };
      return updateRequest(record.body, [mapped.id], ctx);
    }
    const headers = { ...headersOf(ctx), 'idempotency-key': idempotencyKeyOf(mapped.event.messageId) };
    return { method: 'POST', url: `${API_BASE}/events/send`, headers, body: record.body, eventIds: [mapped.id] };
  });
}
