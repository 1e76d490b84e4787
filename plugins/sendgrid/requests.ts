// The delivery requests: contacts upserted with PUT /v3/marketing/contacts, many a request.
// SendGrid takes "up to 30,000 contacts, or 6MB of data, whichever is lower" a request, and
// `list_ids` applies to every contact of the request: contacts joining the config's lists
// (marketing consent) and the others go in separate requests. The same person twice in one
// batch (two identifies) goes in two requests, in order, so SendGrid never sees one contact
// twice in a request. Built here, performed by the core.
import { configApiKey, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiOriginOf, listIdsOf } from './config.ts';
import { contactOf, type SendGridContact } from './contact.ts';

export const CONTACTS_PATH = '/v3/marketing/contacts';
/** Contacts in one request: SendGrid's 30,000. */
export const MAX_CONTACTS = 30_000;
/** Bytes of one request body: SendGrid's 6 MB (read as 6,000,000 bytes, the lower reading). */
export const MAX_BODY_BYTES = 6_000_000;
/** The body around the contacts: `{"list_ids":[…up to 100 UUIDs…],"contacts":[]}`. */
const ENVELOPE_BYTES = 4_000;

/**
 * The headers of every request: JSON, and the API key as a bearer token.
 *
 * @example
 * headersOf({ config: { api_key: 'SG.x.y' }, … }); // { authorization: 'Bearer SG.x.y', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(ctx: Pick<PluginContext, 'config'>): Record<string, string> {
  return { authorization: `Bearer ${configApiKey(ctx.config)}`, 'content-type': 'application/json', accept: 'application/json' };
}

/** The identifiers of a contact, as `type:value` keys (email lower-cased, as SendGrid stores it). */
function identifierKeys(contact: JsonObject): string[] {
  const keys: string[] = [];
  if (typeof contact.email === 'string') keys.push(`email:${contact.email.toLowerCase()}`);
  for (const type of ['phone_number_id', 'external_id'] as const) if (typeof contact[type] === 'string') keys.push(`${type}:${String(contact[type])}`);
  return keys;
}

interface Group { subscribe: boolean; items: Array<{ id: string; contact: JsonObject }>; bytes: number; keys: Set<string>; started: number }

/**
 * The requests for a batch of mapped contacts (see fitContact): PUT /v3/marketing/contacts,
 * consenting contacts with the config's `list_ids`, the others without; each request within
 * SendGrid's count and size, no person twice in one.
 *
 * @example
 * buildRequests([janeWithConsent, joeWithout], ctx);
 * // [{ method: 'PUT', url: 'https://api.sendgrid.com/v3/marketing/contacts', body: { list_ids: ['ca7a…'], contacts: [{ email: 'jane@…' }] }, eventIds: ['m-1'] },
 * //  { method: 'PUT', url: 'https://api.sendgrid.com/v3/marketing/contacts', body: { contacts: [{ email: 'joe@…' }] }, eventIds: ['m-2'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const headers = headersOf(ctx);
  const url = `${apiOriginOf(ctx.config)}${CONTACTS_PATH}`;
  const lists = listIdsOf(ctx.config);
  const done: Group[] = [];
  const open = new Map<boolean, Group>();
  for (const [index, mapped] of batch.entries()) {
    const record: SendGridContact | undefined = contactOf(mapped.payload);
    // The map hook gives every sent event a contact; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no SendGrid contact to send`);
    const subscribe = record.subscribe && lists.length > 0;
    const size = Buffer.byteLength(JSON.stringify(record.contact)) + 1;
    const keys = identifierKeys(record.contact);
    let group = open.get(subscribe);
    if (group && (group.items.length >= MAX_CONTACTS || group.bytes + size > MAX_BODY_BYTES - ENVELOPE_BYTES || keys.some((key) => group!.keys.has(key)))) {
      done.push(group);
      group = undefined;
    }
    if (!group) {
      group = { subscribe, items: [], bytes: 0, keys: new Set(), started: index };
      open.set(subscribe, group);
    }
    group.items.push({ id: mapped.id, contact: record.contact });
    group.bytes += size;
    for (const key of keys) group.keys.add(key);
  }
  // In the order each request was started, so a person's earlier identify goes first.
  const groups = [...done, ...open.values()].sort((a, b) => a.started - b.started);
  return groups.map((group) => ({
    method: 'PUT',
    url,
    headers,
    body: { ...(group.subscribe ? { list_ids: lists } : {}), contacts: group.items.map((item) => item.contact) },
    eventIds: group.items.map((item) => item.id),
  }));
}
