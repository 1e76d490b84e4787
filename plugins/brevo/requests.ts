// The delivery requests of Brevo's API v3 (`api-key` header, JSON bodies): a contact to POST
// /v3/contacts, an event to POST /v3/events, one record a request. Both endpoints take one
// record; Brevo's batch alternatives do not fit a real-time gateway: POST /v3/contacts/import
// is an asynchronous job whose refusals come later by email or webhook, POST
// /v3/contacts/batch updates existing contacts only, and POST /v3/events/batch has no rate
// limit of its own in Brevo's table (its "all other endpoints" row is 100 requests an hour),
// where POST /v3/events and /v3/contacts have 10 a second each. Built here, performed by the core.
import { configApiKey, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { recordOf } from './fit-to-brevo.ts';

export const API_BASE = 'https://api.brevo.com/v3';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
/** Bytes of one request body: an event's 50 KB of properties, its name and identifiers, with room to spare. */
export const MAX_BODY_BYTES = 64_000;

/**
 * The headers of every request: JSON both ways, and the API key.
 *
 * @example
 * headersOf({ config: { api_key: 'xkeysib-…' }, … }); // { 'content-type': 'application/json', accept: 'application/json', 'api-key': 'xkeysib-…' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', 'api-key': configApiKey(ctx.config) };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, a
 * contact to POST /v3/contacts, an event to POST /v3/events, in the batch's order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://api.brevo.com/v3/contacts', body: { email: …, updateEnabled: true }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://api.brevo.com/v3/events', body: { event_name: 'Signed_Up', … }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const headers = headersOf(ctx);
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Brevo record (contact or event) to send`);
    const endpoint = record.kind === 'contact' ? 'contacts' : 'events';
    return { method: 'POST', url: `${API_BASE}/${endpoint}`, headers, body: record.body, eventIds: [mapped.id], endpoint };
  });
}
