// The delivery requests of Iterable's API (header Api-Key, JSON bodies): users to POST
// /api/users/bulkUpdate and events to POST /api/events/trackBulk in batches within their
// limits, purchases to POST /api/commerce/trackPurchase one a request (it takes one). Built
// here, performed by the core.
import { configApiKey, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf } from './config.ts';
import { ENVELOPE_BYTES, MAX_BODY_BYTES, RECORD_KINDS, type Kind } from './fit-to-iterable.ts';

/**
 * Records per bulk request. Iterable documents bulkUpdate's 4 MB body, not a count, and
 * neither for trackBulk; 1,000 is the bound other senders use (Segment's batches of up to
 * 1,001, Tealium's 1,000 per batch, RudderStack's "~1000 users"), which 4 MB allows for records of
 * 4 KB, so bytes decide for few batches.
 */
export const MAX_RECORDS = 1000;

/**
 * Each kind's endpoint path, the array a bulk body holds its records in, and the name of its
 * rate limit (`rateLimit.endpoints`: Iterable limits each endpoint per project).
 */
export const ENDPOINTS: Record<Kind, { path: string; array?: 'users' | 'events'; limit: string }> = {
  user: { path: '/api/users/bulkUpdate', array: 'users', limit: 'bulkUpdate' },
  event: { path: '/api/events/trackBulk', array: 'events', limit: 'trackBulk' },
  purchase: { path: '/api/commerce/trackPurchase', limit: 'trackPurchase' },
};

/**
 * The headers of every request: JSON, and the project's API key in `Api-Key` (Iterable's
 * securityDefinitions: an apiKey in the header "Api-Key").
 *
 * @example
 * headersOf({ config: { api_key: 'k' }, … }); // { 'content-type': 'application/json', 'Api-Key': 'k' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json', 'Api-Key': configApiKey(ctx.config) };
}

/**
 * The record of a mapped event (fitRecord's `{ kind, item }`), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', item: { userId: 'u-1', eventName: 'Viewed' } }); // { kind: 'event', item: { userId: 'u-1', eventName: 'Viewed' } }
 * recordOf({ eventName: 'Viewed' });                                         // undefined
 */
export function recordOf(payload: JsonObject): { kind: Kind; item: JsonObject } | undefined {
  const { kind, item } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  return { kind, item };
}

/**
 * The user a record names, as one key: `userId:…` or `email:…` (lower case, as sent).
 *
 * @example
 * userKeyOf({ userId: 'u-1', dataFields: {} }); // 'userId:u-1'
 */
export function userKeyOf(item: JsonValue | undefined): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return '';
  if (typeof item.userId === 'string') return `userId:${item.userId}`;
  return typeof item.email === 'string' ? `email:${item.email.toLowerCase()}` : '';
}

/**
 * Bulk parts of records: at most MAX_RECORDS records and MAX_BODY_BYTES of body each, in order.
 * With `oneUpdatePerUser`, a user's second record starts a new part: bulkUpdate's answer names
 * a failed user by email or userId, not by position, so two updates of one user in a request
 * could not be told apart.
 */
function bulkParts(records: Array<{ id: string; item: JsonObject }>, oneUpdatePerUser: boolean): Array<Array<{ id: string; item: JsonObject }>> {
  const parts: Array<Array<{ id: string; item: JsonObject }>> = [];
  let current: Array<{ id: string; item: JsonObject }> = [];
  let bytes = ENVELOPE_BYTES;
  let users = new Set<string>();
  for (const record of records) {
    const size = Buffer.byteLength(JSON.stringify(record.item)) + 1;
    const user = userKeyOf(record.item);
    if (current.length > 0 && (current.length >= MAX_RECORDS || bytes + size > MAX_BODY_BYTES || (oneUpdatePerUser && users.has(user)))) {
      parts.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
      users = new Set();
    }
    current.push(record);
    bytes += size;
    users.add(user);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The requests for a batch of mapped records (see fitRecord): user updates first, in bulkUpdate
 * requests of at most 1,000 users and 4,000,000 bytes, one update per user a request; then
 * events, in trackBulk requests of at most 1,000 events and 4,000,000 bytes; then each purchase
 * in a trackPurchase request of its own. Every event in exactly one request, the order of each
 * kind kept; `eventIds` list the events in the order of the records, which is how classify
 * tells which event a failure names.
 *
 * @example
 * buildRequests([identify, signedUp, order], ctx);
 * // [{ url: 'https://api.iterable.com/api/users/bulkUpdate', body: { users: [...] }, eventIds: ['identify'] },
 * //  { url: '…/api/events/trackBulk', body: { events: [...] }, eventIds: ['signed-up'] },
 * //  { url: '…/api/commerce/trackPurchase', body: { id: 'o-1', user: {...}, items: [...], total: 30, createdAt: … }, eventIds: ['order'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const base = apiBaseOf(ctx.config);
  const headers = headersOf(ctx);
  const byKind: Record<Kind, Array<{ id: string; item: JsonObject }>> = { user: [], event: [], purchase: [] };
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every event one record; without one there is nothing to send, and the
    // core dead-letters the event this names (it builds halves until one event is left).
    if (!record) throw new Error(`event ${mapped.id} holds no Iterable record (user, event or purchase) to send`);
    byKind[record.kind].push({ id: mapped.id, item: record.item });
  }
  const requests: RequestDescriptor[] = [];
  for (const kind of ['user', 'event'] as const) {
    const { path, array, limit } = ENDPOINTS[kind];
    for (const part of bulkParts(byKind[kind], kind === 'user')) {
      requests.push({ method: 'POST', url: `${base}${path}`, headers, body: { [array!]: part.map((r) => r.item) }, eventIds: part.map((r) => r.id), endpoint: limit });
    }
  }
  for (const { id, item } of byKind.purchase) {
    requests.push({ method: 'POST', url: `${base}${ENDPOINTS.purchase.path}`, headers, body: item, eventIds: [id], endpoint: ENDPOINTS.purchase.limit });
  }
  return requests;
}
