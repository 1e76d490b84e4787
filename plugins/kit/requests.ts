// The delivery requests of Kit's API v4 (`X-Kit-Api-Key: <API key>`, JSON bodies): a subscriber
// to POST /v4/subscribers, a tagging to POST /v4/tags/{tag_id}/subscribers, one record a
// request: Kit's bulk endpoints (/v4/bulk/…) need OAuth ("We support bulk processing … requiring
// OAuth authentication"), which an API key is not. Built here, performed by the core.
import { configApiKey, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { MAX_BODY_BYTES, recordOf } from './fit-to-kit.ts';

export const API_BASE = 'https://api.kit.com/v4';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };

/**
 * The headers of every request: JSON both ways, and the API key in Kit's header.
 *
 * @example
 * headersOf({ config: { api_key: 'kit_0d5f…' }, … }); // { 'x-kit-api-key': 'kit_0d5f…', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'x-kit-api-key': configApiKey(ctx.config), 'content-type': 'application/json', accept: 'application/json' };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, a
 * subscriber to POST /subscribers, a tagging to POST /tags/{tag_id}/subscribers, in the batch's
 * order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://api.kit.com/v4/subscribers', body: { email_address: …, state: 'active' }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://api.kit.com/v4/tags/4120/subscribers', body: { email_address: … }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Kit record (subscriber or tagging) to send`);
    const url = record.kind === 'subscriber' ? `${API_BASE}/subscribers` : `${API_BASE}/tags/${record.tagId}/subscribers`;
    return { method: 'POST', url, headers: headersOf(ctx), body: record.body, eventIds: [mapped.id] };
  });
}
