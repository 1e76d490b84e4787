// The delivery requests of Attentive's REST API (`https://api.attentivemobile.com/v1`, the app's
// API key as the Bearer token, JSON bodies), one record a request: Attentive's custom events,
// custom attributes and eCommerce endpoints each take one event or one person, and it has no
// batch endpoint for them (its bulk APIs are for segments and subscriber imports). Built here,
// performed by the core.
import { configApiKey, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { recordOf, type Kind } from './fit-to-attentive.ts';

export const API_BASE = 'https://api.attentivemobile.com/v1';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
/** Bytes of one request body: an event's 64 KB of properties, or 200 items, with room to spare. */
export const MAX_BODY_BYTES = 128_000;

/** Each kind's path under /v1, which is also its endpoint's name in the plugin's rate limits. */
export const PATHS: Record<Kind, string> = {
  custom_attributes: '/attributes/custom',
  custom_event: '/events/custom',
  product_view: '/events/ecommerce/product-view',
  add_to_cart: '/events/ecommerce/add-to-cart',
  purchase: '/events/ecommerce/purchase',
};

/**
 * The headers of every request: JSON both ways, and the API key as the Bearer token.
 *
 * @example
 * headersOf({ config: { api_key: 'abc' }, … }); // { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer abc' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${configApiKey(ctx.config)}` };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, to
 * its kind's endpoint, in the batch's order.
 *
 * @example
 * buildRequests([identify, orderCompleted], ctx);
 * // [{ method: 'POST', url: 'https://api.attentivemobile.com/v1/attributes/custom', body: { properties: …, user: … }, eventIds: ['identify'], endpoint: 'custom_attributes' },
 * //  { method: 'POST', url: 'https://api.attentivemobile.com/v1/events/ecommerce/purchase', body: { items: …, orderId: …, user: … }, eventIds: ['order'], endpoint: 'purchase' }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const headers = headersOf(ctx);
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Attentive record (custom attributes, custom event or eCommerce event) to send`);
    return { method: 'POST', url: `${API_BASE}${PATHS[record.kind]}`, headers, body: record.body, eventIds: [mapped.id], endpoint: record.kind };
  });
}
