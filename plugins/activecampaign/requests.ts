// The requests Signal sends ActiveCampaign, built here and performed by the core:
//
// - a contact: `POST {api}/contact/sync` (JSON `{ "contact": { … } }`, the `Api-Token` header).
//   When the config names a list, the sync's answer (its `contact.id`) leads to the list step,
//   as delivery follow-ups (classify.ts): for "subscribed", the contact's list memberships
//   (`GET {api}/contacts/{id}/contactLists`), then — only when the list is not among them —
//   `POST {api}/contactLists` with `{ "contactList": { list, contact, status: 1 } }`; for
//   "unsubscribed", that POST with status 2 at once. Which step a request is, and the list,
//   ride along as its `memo` (never sent or logged).
// - an event: `POST https://trackcmp.net/event`, form-encoded (`key`, `event`, `eventdata`,
//   `actid`, `visit`), as ActiveCampaign's Track event reference takes it.
//
// One record a request: neither API takes more (the bulk contact import is an asynchronous job
// whose refusals are not in its answer). `endpoint` names the rate limit bucket: the API v3 and
// Event Tracking apart (see index.ts).
import { configApiKey, isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, eventTrackingOf, type ListSetting } from './config.ts';
import { recordOf } from './fit-to-activecampaign.ts';

/** ActiveCampaign's Event Tracking origin and endpoint (Track event). */
export const TRACKCMP_ORIGIN = 'https://trackcmp.net';
export const TRACK_EVENT_URL = `${TRACKCMP_ORIGIN}/event`;
/** One record a request (see above). */
export const MAX_RECORDS = 1;
/** Bytes of one body: a contact with its custom fields, or an event with 8,000 characters of eventdata, with room to spare. */
export const MAX_BODY_BYTES = 64_000;
/** Memberships asked for in the list step: ActiveCampaign's pages hold up to 100 (20 by default). */
export const MEMBERSHIPS_PAGE = '100';

/** The steps of an identify's chain and the event's request, as their memo names them. */
export type Step = 'sync' | 'memberships' | 'join' | 'event';

/** The plugin's note on a request it built. */
export interface Memo {
  activecampaign: Step;
  /** The list step the sync leads to (sync), or takes (memberships, join). */
  list?: ListSetting;
  /** The contact's id, from the sync's answer (memberships, join). */
  contact?: string;
}

/**
 * The plugin's note on a request, or undefined for any other (the conformance suite's, an older one's).
 *
 * @example
 * memoOf({ method: 'POST', url: '…/contact/sync', eventIds: ['m-1'], memo: { activecampaign: 'sync', list: { list: 2, status: 1 } } });
 * // { activecampaign: 'sync', list: { list: 2, status: 1 } }
 */
export function memoOf(request: RequestDescriptor): Memo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || !['sync', 'memberships', 'join', 'event'].includes(String(memo.activecampaign))) return undefined;
  const list = memo.list;
  if (list !== undefined && !(isJsonObject(list) && typeof list.list === 'number' && (list.status === 1 || list.status === 2))) return undefined;
  if (memo.contact !== undefined && typeof memo.contact !== 'string') return undefined;
  return memo as unknown as Memo;
}

/**
 * The headers of every API v3 request: the API key as `Api-Token`, JSON both ways.
 *
 * @example
 * apiHeadersOf({ api_key: '0123…' }); // { 'Api-Token': '0123…', accept: 'application/json', 'content-type': 'application/json' }
 */
export function apiHeadersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { 'Api-Token': configApiKey(config), accept: 'application/json', 'content-type': 'application/json' };
}

/** The API v3 base of the config; a config without one cannot be installed, so none here is a bug. */
function apiBase(ctx: PluginContext): string {
  const base = apiBaseOf(ctx.config);
  if (base === undefined) throw new Error('config.api_url is no https URL (the config check refuses it): nothing can be sent to ActiveCampaign');
  return base;
}

function memoValue(memo: Memo): JsonValue {
  return { ...memo } as unknown as JsonValue;
}

/**
 * The contact sync of one identify (`POST {api}/contact/sync`).
 *
 * @example
 * syncRequest({ contact: { email: 'jane@example.com' } }, { list: 2, status: 1 }, ['m-1'], ctx);
 * // { method: 'POST', url: 'https://acme.api-us1.com/api/3/contact/sync', headers: { 'Api-Token': '…', … },
 * //   body: { contact: { email: 'jane@example.com' } }, eventIds: ['m-1'], endpoint: 'api', memo: { activecampaign: 'sync', list: { list: 2, status: 1 } } }
 */
export function syncRequest(body: JsonObject, list: ListSetting | undefined, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${apiBase(ctx)}/contact/sync`, headers: apiHeadersOf(ctx.config), body, eventIds, endpoint: 'api', memo: memoValue({ activecampaign: 'sync', ...(list ? { list } : {}) }) };
}

/**
 * The contact's list memberships (`GET {api}/contacts/{id}/contactLists`), asked before a
 * subscription so that no existing membership — an unsubscribed one above all — is changed.
 *
 * @example
 * membershipsRequest('113', { list: 2, status: 1 }, ['m-1'], ctx);
 * // { method: 'GET', url: 'https://acme.api-us1.com/api/3/contacts/113/contactLists', query: [['limit', '100']], … }
 */
export function membershipsRequest(contact: string, list: ListSetting, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const { 'content-type': _json, ...headers } = apiHeadersOf(ctx.config);
  return {
    method: 'GET', url: `${apiBase(ctx)}/contacts/${encodeURIComponent(contact)}/contactLists`, query: [['limit', MEMBERSHIPS_PAGE]], headers, eventIds, endpoint: 'api',
    memo: memoValue({ activecampaign: 'memberships', list, contact }),
  };
}

/**
 * The list status of the contact (`POST {api}/contactLists`: "1" subscribes, "2" unsubscribes;
 * ids as text, as ActiveCampaign's schema writes them).
 *
 * @example
 * joinRequest('113', { list: 2, status: 1 }, ['m-1'], ctx);
 * // { method: 'POST', url: 'https://acme.api-us1.com/api/3/contactLists', body: { contactList: { list: '2', contact: '113', status: '1' } }, … }
 */
export function joinRequest(contact: string, list: ListSetting, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST', url: `${apiBase(ctx)}/contactLists`, headers: apiHeadersOf(ctx.config),
    body: { contactList: { list: String(list.list), contact, status: String(list.status) } }, eventIds, endpoint: 'api',
    memo: memoValue({ activecampaign: 'join', list, contact }),
  };
}

/**
 * The Event Tracking request of one event: a form body with the Event Key, the name, the data,
 * the actid and the contact's email as `visit` JSON.
 *
 * @example
 * eventRequest({ kind: 'event', event: 'purchase', email: 'jane@example.com', eventdata: 'A-1' }, ['m-1'], ctx);
 * // { method: 'POST', url: 'https://trackcmp.net/event', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
 * //   body: 'key=…&event=purchase&eventdata=A-1&actid=1111111&visit=%7B%22email%22%3A%22jane%40example.com%22%7D', eventIds: ['m-1'], endpoint: 'events', memo: { activecampaign: 'event' } }
 */
export function eventRequest(record: { event: string; email: string; eventdata?: string }, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const tracking = eventTrackingOf(ctx.config);
  if (tracking === undefined) throw new Error('config.actid and config.event_key are not set: Event Tracking cannot be sent');
  const form = new URLSearchParams();
  form.append('key', tracking.key);
  form.append('event', record.event);
  if (record.eventdata !== undefined) form.append('eventdata', record.eventdata);
  form.append('actid', tracking.actid);
  form.append('visit', JSON.stringify({ email: record.email }));
  return {
    method: 'POST', url: TRACK_EVENT_URL, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(), eventIds, endpoint: 'events', memo: memoValue({ activecampaign: 'event' }),
  };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each its own request, in order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx); // [POST …/api/3/contact/sync, POST https://trackcmp.net/event]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (record === undefined) throw new Error(`event ${mapped.id} holds no ActiveCampaign record (contact or event) to send`);
    if (record.kind === 'event') return eventRequest(record, [mapped.id], ctx);
    return syncRequest(record.body as JsonObject, record.list, [mapped.id], ctx);
  });
}
