// The delivery requests (Bearer token, Intercom-Version, JSON): one event a request, since
// Intercom's contact and data event endpoints take one record each. Intercom has no upsert of
// a contact (POST /contacts is a strict create answering 409 when the person exists;
// PUT /contacts/{id} updates by Intercom's own id only), so an identify is sent as a chain of
// requests, each built here and performed by the core as a follow-up of the answer before it
// (classify.ts reads the answers): the lookup (`find_by_external_id`, else the search by email),
// then the update of the contact found, or its creation. What the next step sends — the
// contact's fields — rides along as the request's `memo`, never sent or logged. A data event
// is one request, `POST /events`, settled by its answer.
import { isJsonObject, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, headersOf } from './config.ts';

/** One record a request: Intercom has no bulk endpoint for contacts or data events. */
export const MAX_EVENTS = 1;
/**
 * Bytes of one body. Intercom documents no body limit; a contact or an event fitted by the
 * plugin is a few KB at most (10 metadata keys of 255 characters), so this bound is never near.
 */
export const MAX_BODY_BYTES = 256_000;

/**
 * An identify's note on each request of its chain: which step the request is, the contact's
 * fields (the update's body: no `role`, so an update leaves a lead a lead), how many follow-ups
 * led to it, and whether an update already met a contact gone and looked it up again.
 */
export interface ContactMemo {
  intercom: 'contact';
  step: 'find' | 'search' | 'create' | 'update';
  contact: JsonObject;
  depth: number;
  again?: true;
  /** Contacts the email search found under another external_id (other users: never updated). */
  others?: string[];
}

export type Memo = ContactMemo;

/**
 * The plugin's note on a request it built, or undefined for any other request (the conformance
 * suite's, an older one's).
 *
 * @example
 * memoOf({ method: 'GET', url: '…/contacts/find_by_external_id/u-1', eventIds: ['m-1'], memo: { intercom: 'contact', step: 'find', contact: { external_id: 'u-1' }, depth: 0 } });
 * // { intercom: 'contact', step: 'find', contact: { external_id: 'u-1' }, depth: 0 }
 */
export function memoOf(request: RequestDescriptor): Memo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || typeof memo.depth !== 'number' || typeof memo.step !== 'string') return undefined;
  if (memo.intercom === 'contact' && isJsonObject(memo.contact) && ['find', 'search', 'create', 'update'].includes(memo.step)) return memo as unknown as ContactMemo;
  return undefined;
}

function request(ctx: PluginContext, method: RequestDescriptor['method'], path: string, body: JsonObject | undefined, eventIds: string[], memo: Memo): RequestDescriptor {
  return { method, url: `${apiBaseOf(ctx.config)}${path}`, headers: headersOf(ctx.config), ...(body !== undefined ? { body } : {}), eventIds, memo: memo as unknown as JsonObject };
}

/**
 * The first lookup of an identify's contact: by its userId as `external_id`
 * (`GET /contacts/find_by_external_id/{userId}`, Intercom-Version 2.13+), else by email
 * (`POST /contacts/search`).
 *
 * @example
 * lookupRequest({ intercom: 'contact', step: 'find', contact: { external_id: 'u-1', email: 'ann@example.com' }, depth: 0 }, ['m-1'], ctx);
 * // { method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/u-1', … }
 */
export function lookupRequest(memo: Omit<ContactMemo, 'step'>, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const userId = memo.contact.external_id;
  if (typeof userId === 'string') return request(ctx, 'GET', `/contacts/find_by_external_id/${encodeURIComponent(userId)}`, undefined, eventIds, { ...memo, step: 'find' });
  return searchRequest(memo, eventIds, ctx);
}

/**
 * The search query of the contacts with an email: `=` on it, or — when it has capitals — either
 * it or its lower-case form (`OR`): Intercom's search compares text exactly (RudderStack's
 * Intercom destination searches emails lower-cased, "as INTERCOM API expects email in
 * lowercase"), while a contact may hold the email as a site first sent it.
 *
 * @example
 * emailQuery('ann@example.com'); // { field: 'email', operator: '=', value: 'ann@example.com' }
 * emailQuery('Ann@Example.com'); // { operator: 'OR', value: [{ field: 'email', operator: '=', value: 'Ann@Example.com' }, { field: 'email', operator: '=', value: 'ann@example.com' }] }
 */
export function emailQuery(email: string): JsonObject {
  const exactly = (value: string): JsonObject => ({ field: 'email', operator: '=', value });
  const lower = email.toLowerCase();
  return lower === email ? exactly(email) : { operator: 'OR', value: [exactly(email), exactly(lower)] };
}

/**
 * The search of a contact by email (emailQuery; up to 5 hits, a user preferred to a lead).
 *
 * @example
 * searchRequest(memo, ['m-1'], ctx); // { method: 'POST', url: '…/contacts/search', body: { query: { field: 'email', operator: '=', value: 'ann@example.com' }, pagination: { per_page: 5 } }, … }
 */
export function searchRequest(memo: Omit<ContactMemo, 'step'>, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const body = { query: typeof memo.contact.email === 'string' ? emailQuery(memo.contact.email) : { field: 'email', operator: '=', value: null }, pagination: { per_page: 5 } };
  return request(ctx, 'POST', '/contacts/search', body, eventIds, { ...memo, step: 'search' });
}

/**
 * The contact's creation with its fields, as a user (`role: "user"`).
 *
 * @example
 * createRequest(memo, ['m-1'], ctx); // { method: 'POST', url: '…/contacts', body: { role: 'user', external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee' }, … }
 */
export function createRequest(memo: Omit<ContactMemo, 'step'>, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return request(ctx, 'POST', '/contacts', { role: 'user', ...memo.contact }, eventIds, { ...memo, step: 'create' });
}

/**
 * The update of the contact with Intercom's id `id` (a valid id: see answers.ts) with its fields.
 *
 * @example
 * updateRequest('6762f0df1bb69f9f2193bb84', memo, ['m-1'], ctx); // { method: 'PUT', url: '…/contacts/6762f0df1bb69f9f2193bb84', body: { external_id: 'u-1', … }, … }
 */
export function updateRequest(id: string, memo: Omit<ContactMemo, 'step'>, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return request(ctx, 'PUT', `/contacts/${encodeURIComponent(id)}`, memo.contact, eventIds, { ...memo, step: 'update' });
}

/**
 * A data event (`POST /events`). It needs no memo: its answer settles it (Intercom's 404 for a
 * user it does not have is tried again on the retry schedule; the plugin creates no contact
 * from a data event — see classify.ts).
 *
 * @example
 * eventRequest({ event_name: 'Signed Up', created_at: 1711296000, user_id: 'u-1' }, ['m-1'], ctx);
 * // { method: 'POST', url: 'https://api.intercom.io/events', headers: {...}, body: { event_name: 'Signed Up', … }, eventIds: ['m-1'] }
 */
export function eventRequest(body: JsonObject, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${apiBaseOf(ctx.config)}/events`, headers: headersOf(ctx.config), body, eventIds };
}

/**
 * The first request for one mapped record: an identify's lookup (its fields in the memo, for
 * the update or the creation its answer leads to), or the data event (`POST /events`).
 *
 * @example
 * requestFor({ id: 'm-1', payload: { kind: 'event', body: { event_name: 'Signed Up', created_at: 1711296000, user_id: 'u-1' } } }, ctx);
 * // { method: 'POST', url: 'https://api.intercom.io/events', headers: {...}, body: {...}, eventIds: ['m-1'] }
 */
export function requestFor(mapped: Pick<MappedEvent, 'id' | 'payload'>, ctx: PluginContext): RequestDescriptor {
  const { kind, body } = mapped.payload;
  if ((kind !== 'contact' && kind !== 'event') || !isJsonObject(body)) {
    // The map hook gives every event it keeps a record; without one there is nothing to send.
    throw new Error(`event ${mapped.id} holds no Intercom record (contact or data event) to send`);
  }
  if (kind === 'event') return eventRequest(body, [mapped.id], ctx);
  if (typeof body.external_id !== 'string' && typeof body.email !== 'string') throw new Error(`event ${mapped.id} names no Intercom contact (external_id or email)`);
  return lookupRequest({ intercom: 'contact', contact: body, depth: 0 }, [mapped.id], ctx);
}

/**
 * The requests for a batch: one per event, in order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx); // [GET /contacts/find_by_external_id/u-1, POST /events]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => requestFor(mapped, ctx));
}
