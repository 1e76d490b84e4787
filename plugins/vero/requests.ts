// The delivery requests of Vero's Track API v2.0 (`https://api.getvero.com/api/v2`, JSON bodies
// by POST unless Vero says otherwise): a user to POST /users/track, an event to POST
// /events/track, an alias to PUT /users/reidentify, one record a request (Vero has no batch
// endpoint). The Authentication Token goes in each body as `auth_token`, as Vero's own Ruby
// library sends it: never in the URL. An identify's subscription change rides in the request's
// memo, for classify to send as a follow-up once Vero took the user (subscription.ts).
import { type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authTokenOf } from './config.ts';
import { MAX_BODY_BYTES, recordOf, type Kind } from './fit-to-vero.ts';
import type { SubscriptionChange } from './subscription.ts';

export const API_BASE = 'https://api.getvero.com/api/v2';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };

/** The path and method of each kind of record. */
const ENDPOINTS: Record<Kind, { method: 'POST' | 'PUT'; path: string }> = {
  user: { method: 'POST', path: '/users/track' },
  event: { method: 'POST', path: '/events/track' },
  alias: { method: 'PUT', path: '/users/reidentify' },
};

/** The headers of every request: JSON both ways. */
export const HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json', accept: 'application/json' });

/**
 * A body with the token first, as every Vero request carries it.
 *
 * @example
 * withToken({ id: 'u-1' }, ctx); // { auth_token: 'ZmQw…', id: 'u-1' }
 */
export function withToken(body: JsonObject, ctx: PluginContext): JsonObject {
  return { auth_token: authTokenOf(ctx.config), ...body };
}

/**
 * The request that unsubscribes or re-subscribes a user by id (POST /users/unsubscribe or
 * /users/resubscribe), carrying the identify's event.
 *
 * @example
 * subscriptionRequest('unsubscribe', 'u-1', ['m-1'], ctx);
 * // { method: 'POST', url: 'https://api.getvero.com/api/v2/users/unsubscribe', body: { auth_token: '…', id: 'u-1' }, eventIds: ['m-1'] }
 */
export function subscriptionRequest(change: SubscriptionChange, id: string, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${API_BASE}/users/${change}`, headers: { ...HEADERS }, body: withToken({ id }, ctx), eventIds };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, in
 * the batch's order; an identify asking for a subscription change notes it in `memo`.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://api.getvero.com/api/v2/users/track', body: { auth_token: '…', id: 'u-1', … }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://api.getvero.com/api/v2/events/track', body: { auth_token: '…', identity: { id: 'u-1' }, event_name: 'Signed Up', … }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Vero record (user, event or alias) to send`);
    const { method, path } = ENDPOINTS[record.kind];
    const request: RequestDescriptor = { method, url: `${API_BASE}${path}`, headers: { ...HEADERS }, body: withToken(record.body, ctx), eventIds: [mapped.id] };
    if (record.subscription !== undefined) request.memo = { subscription: record.subscription, id: record.body.id ?? null };
    return request;
  });
}
