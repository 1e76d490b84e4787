// The delivery requests of Airship's API (bearer token, API version 3): custom events to POST
// /api/custom-events in arrays of at most 100, each identify's attributes to POST
// /api/named_users/{named_user_id}/attributes (one named user a request). Built here,
// performed by the core.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, textOf } from './config.ts';
import { MAX_BODY_BYTES, type Kind } from './fit-to-airship.ts';

/** Custom events per request: Airship's array takes 1 to 100. */
export const MAX_EVENTS = 100;
/** Airship's API version header, which every request of its v3 API carries (a 406 without it). */
export const ACCEPT = 'application/vnd.urbanairship+json; version=3';

/**
 * The headers of every request: JSON, Airship's version 3, the bearer token and the project's
 * X-UA-Appkey. The Custom Events API requires the app key; Airship's official libraries
 * (BearerTokenClient of urbanairship/python-library) send it with a bearer token on every
 * request, so the attribute and uninstall requests carry it too.
 *
 * @example
 * headersOf({ config: { access_token: 't', app_key: 'k' }, … });
 * // { 'content-type': 'application/json', accept: 'application/vnd.urbanairship+json; version=3', authorization: 'Bearer t', 'x-ua-appkey': 'k' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${textOf(ctx.config, 'access_token')}`, 'x-ua-appkey': textOf(ctx.config, 'app_key') };
}

/**
 * The record of a mapped event (fitRecord's `{ kind, named_user_id, item }`), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', named_user_id: 'u-1', item: { user: { named_user_id: 'u-1' }, body: { name: 'x' } } }); // { kind: 'event', … }
 */
export function recordOf(payload: JsonObject): { kind: Kind; namedUser: string; item: JsonObject } | undefined {
  const { kind, named_user_id: namedUser, item } = payload;
  if ((kind !== 'event' && kind !== 'attributes') || typeof namedUser !== 'string') return undefined;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  return { kind, namedUser, item };
}

/**
 * The requests for a batch of mapped records: each identify's attribute assignment first, in
 * the order received (a later event may be targeted by an attribute it sets), then the custom
 * events in arrays of at most 100 events and MAX_BODY_BYTES. Every event in exactly one request.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ url: 'https://go.urbanairship.com/api/named_users/u-1/attributes', body: { attributes: [...] }, eventIds: ['identify'] },
 * //  { url: 'https://go.urbanairship.com/api/custom-events', body: [{ occurred, user, body }], eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const base = apiBaseOf(ctx.config);
  const requests: RequestDescriptor[] = [];
  const events: Array<{ id: string; item: JsonObject; size: number }> = [];
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every event it keeps one record; without one there is nothing to send.
    if (!record) throw new Error(`event ${mapped.id} holds no Airship record (a custom event or attributes) to send`);
    if (record.kind === 'attributes') {
      requests.push({ method: 'POST', url: `${base}/api/named_users/${encodeURIComponent(record.namedUser)}/attributes`, headers: headersOf(ctx), body: record.item, eventIds: [mapped.id] });
    } else {
      events.push({ id: mapped.id, item: record.item, size: Buffer.byteLength(JSON.stringify(record.item)) + 1 });
    }
  }
  let part: typeof events = [];
  let bytes = 2;
  const flush = () => {
    if (part.length === 0) return;
    requests.push({ method: 'POST', url: `${base}/api/custom-events`, headers: headersOf(ctx), body: part.map((e) => e.item), eventIds: part.map((e) => e.id) });
    part = [];
    bytes = 2;
  };
  for (const event of events) {
    if (part.length >= MAX_EVENTS || (part.length > 0 && bytes + event.size > MAX_BODY_BYTES)) flush();
    part.push(event);
    bytes += event.size;
  }
  flush();
  return requests;
}
