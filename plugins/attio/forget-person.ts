// Person deletions. Attio deletes a record by its id (DELETE /v2/objects/people/records/{record_id}:
// 200 `{}`, 404 when there is no such record), so each deletion is a chain of two requests for
// each identifier of the person:
//
// 1. `POST /v2/objects/people/records/query` with the filter `{ "email_addresses": "<email>" }`
//    (Attio's shorthand filter: an exact match) — for each email Signal knew the person by —
//    and, when config.user_id_attribute is set, `{ "<slug>": "<userId>" }` for the userId;
// 2. `DELETE /v2/objects/people/records/{record_id}` for the person found, checked first to
//    hold the email or userId asked for (a filter Attio would not apply must not delete others).
//
// Each step is safe to repeat: a person deleted by an earlier try is no longer found.
import { deletionEmails, isJsonObject, isSendableEmail, usableId, type ForgetOutcome, type JsonObject, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { unsuccessfulDeletion } from './classify.ts';
import { configApiKeyOf, userIdAttributeOf } from './config.ts';
import { API_BASE, headersOf } from './requests.ts';

export const QUERY_URL = `${API_BASE}/objects/people/records/query`;
/** People a lookup asks for: an email is unique among people in Attio, so one is expected. */
export const LOOKUP_LIMIT = 10;
/** What the core puts in place of the person's ids and emails in the answers `read` gets. */
const HIDDEN = '[…]';
/** A record id as Attio gives one (a UUID). */
const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a deletion naming only an anonymousId, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin writes Attio people by email (and userId, when config.user_id_attribute is set) only, never by an anonymous visitor\'s id, and Signal knew no email of this visitor: run deletePerson with the person\'s userId or email';

/** The identifier a lookup asks for: the attribute and the value. */
interface Asked {
  slug: string;
  value: string;
}

function lookup(slug: string, value: string, config: PluginContext['config']): RequestDescriptor {
  return { method: 'POST', url: QUERY_URL, headers: headersOf(config), body: { filter: { [slug]: value }, limit: LOOKUP_LIMIT }, eventIds: [] };
}

/** The attribute and value a lookup asked for (its filter's only pair). */
function askedOf(request: RequestDescriptor | undefined): Asked | undefined {
  const body = request?.body;
  const filter = isJsonObject(body as JsonValue | undefined) ? (body as JsonObject).filter : undefined;
  if (!isJsonObject(filter)) return undefined;
  const [pair] = Object.entries(filter);
  return pair !== undefined && typeof pair[1] === 'string' ? { slug: pair[0], value: pair[1] } : undefined;
}

/** The texts a record's attribute holds (an email attribute's addresses, a text attribute's values). */
function heldTexts(values: JsonValue | undefined, slug: string): string[] {
  const items = isJsonObject(values) ? values[slug] : undefined;
  if (!Array.isArray(items)) return [];
  const texts: string[] = [];
  for (const item of items) {
    if (!isJsonObject(item)) continue;
    for (const key of ['email_address', 'original_email_address', 'value']) if (typeof item[key] === 'string') texts.push(item[key]);
  }
  return texts;
}

/**
 * The ids of the people a lookup found who hold the value asked for (or, in the answer the core
 * hands over, its hidden form), and how many it found; undefined when the answer is not
 * Attio's (`{ data: [{ id: { record_id }, values }] }`).
 *
 * @example
 * matchedRecordIds({ status: 200, headers: {}, body: '…', json: { data: [{ id: { record_id: 'bf07…' }, values: { email_addresses: [{ email_address: 'jane@example.com' }] } }] } }, lookupOfJane);
 * // { ids: ['bf07…'], found: 1 }
 */
export function matchedRecordIds(response: VendorResponse, request: RequestDescriptor | undefined): { ids: string[]; found: number } | undefined {
  const json = response.json;
  if (!isJsonObject(json) || !Array.isArray(json.data)) return undefined;
  const asked = askedOf(request);
  const ids: string[] = [];
  for (const record of json.data) {
    if (!isJsonObject(record) || !isJsonObject(record.id)) continue;
    const recordId = record.id.record_id;
    if (typeof recordId !== 'string' || !RECORD_ID.test(recordId) || asked === undefined) continue;
    const held = heldTexts(record.values as JsonValue | undefined, asked.slug);
    const wanted = asked.slug === 'email_addresses' ? asked.value.toLowerCase() : asked.value;
    if (held.some((text) => text === HIDDEN || (asked.slug === 'email_addresses' ? text.toLowerCase() : text) === wanted)) ids.push(recordId);
  }
  return { ids: [...new Set(ids)], found: json.data.length };
}

function readLookup(response: VendorResponse, request: RequestDescriptor | undefined, now: number): ForgetOutcome {
  const by = askedOf(request)?.slug === 'email_addresses' ? 'email' : 'userId';
  if (response.status < 200 || response.status >= 300) return unsuccessfulDeletion(response, `lookup of the person (by ${by})`, now);
  const matched = matchedRecordIds(response, request);
  if (matched === undefined) return { retry: `HTTP ${response.status}: not Attio's answer to a people query (its { data: […] }): a proxy or firewall in between?` };
  if (matched.ids.length === 0 && matched.found > 0) {
    return { failed: `Attio's query by ${by} answered ${matched.found} ${matched.found === 1 ? 'person' : 'people'}, none holding the person's ${by}: nothing was deleted — delete the person in Attio (People > the person > Delete record)` };
  }
  if (matched.ids.length === 0) return { done: true, message: `Attio has no person with this ${by}: nothing to delete` };
  const [first] = matched.ids;
  return { next: { method: 'DELETE', url: `${API_BASE}/objects/people/records/${first!}`, headers: { ...(request?.headers ?? {}) }, eventIds: [], memo: { by, others: matched.ids.length - 1 } } };
}

function readDelete(response: VendorResponse, request: RequestDescriptor | undefined, now: number): ForgetOutcome {
  const memo = isJsonObject(request?.memo as JsonValue | undefined) ? (request!.memo as JsonObject) : {};
  const by = typeof memo.by === 'string' ? memo.by : 'email';
  if (response.status === 404) return { done: true, message: `Attio has no such person any more (HTTP 404, by ${by}): deleted already` };
  if (response.status < 200 || response.status >= 300) return unsuccessfulDeletion(response, `deletion of the person (by ${by})`, now);
  const others = typeof memo.others === 'number' ? memo.others : 0;
  const more = others > 0 ? `; ${others} more ${others === 1 ? 'person holds' : 'people hold'} this ${by}: delete ${others === 1 ? 'it' : 'them'} in Attio, or run the deletion again` : '';
  return { done: true, message: `accepted (HTTP ${response.status}): Attio deleted the person (by ${by}), with their attribute values${more}` };
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): for each email of
 * the person (the SDK's `deletionEmails`: the userId when it is one, and the emails Signal
 * found for them) and for the userId in config.user_id_attribute, the person holding it is
 * looked up, then deleted.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx);
 * // [POST /v2/objects/people/records/query { filter: { email_addresses: 'jane@example.com' }, limit: 10 }]
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKeyOf(config) !== '' && config.forward_deletions !== false,
  request(person: NamedPerson, ctx) {
    const emails = deletionEmails(person, (email) => isSendableEmail(email));
    const requests = emails.map((email) => lookup('email_addresses', email, ctx.config));
    const slug = userIdAttributeOf(ctx.config);
    const userId = usableId(person.userId) ? String(person.userId).trim() : undefined;
    if (slug !== undefined && userId !== undefined) requests.push(lookup(slug, userId, ctx.config));
    if (requests.length > 0) return requests;
    if (userId !== undefined) return { skipped: 'Signal knew no email of this person, and config.user_id_attribute is not set, so Attio holds nothing of theirs under the userId: run deletePerson with the person\'s email, or set config.user_id_attribute' };
    return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Attio, so no person of theirs can exist there' };
  },
  read(response, request, ctx) {
    const now = ctx?.now ?? Date.now();
    return request?.method === 'DELETE' ? readDelete(response, request, now) : readLookup(response, request, now);
  },
  // The lookup's documented answer (List person records), here for nobody found.
  successAnswer: { status: 200, body: { data: [] } },
};
