// Person deletions. Ortto deletes people by their Ortto id, and only archived ones: "The process
// to delete a contact is first to archive it, then to delete it" (Archiving and deleting
// people; Archive, restore and delete people: "Contacts must be archived before they can be
// restored or deleted", `inclusion_ids` "A list of contacts to archive/restore/delete. You can
// obtain the contact ID using the get endpoint"). So a deletion is a chain of three requests:
//
// 1. `POST /v1/person/get` — the people whose email (`str::email`) is one of the person's
//    emails or whose External ID (`str::ei`, where the plugin sends the userId) is the userId,
//    with those two fields returned (`$str::is` conditions, joined by `$or`);
// 2. `PUT /v1/person/archive` `{ inclusion_ids }` — the people found, checked first to hold
//    the person's email or userId (a filter Ortto would not apply must not archive others);
// 3. `DELETE /v1/person/delete` `{ inclusion_ids }` — the same people.
//
// Each step is safe to repeat. A retry after the archive starts again from the lookup, which
// searches the main people list only ("Can no longer be found via search"): a person archived
// by an earlier try is then not found, and Ortto deletes archived people itself after 29 days —
// said in the outcome.
import {
  configApiKey, deletionEmails, isJsonObject, transientRetry, usableId, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { answered, orttoWords } from './classify.ts';
import { apiOriginOf } from './config.ts';
import { isEmail } from './identity.ts';
import { headersOf } from './requests.ts';

export const GET_PATH = '/v1/person/get';
export const ARCHIVE_PATH = '/v1/person/archive';
export const DELETE_PATH = '/v1/person/delete';
/** People asked for by one lookup, and archived and deleted by one request ("batches of contacts up to 100 at once"). */
export const MAX_PEOPLE = 100;
/** What the core puts in place of the person's ids and emails in the answers `read` gets. */
const HIDDEN = '[…]';

/** Why a deletion naming only an anonymousId, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Ortto people by email and userId (as External ID) only, never by an anonymous visitor\'s id, and Signal knew no email of this visitor: run deletePerson with the person\'s userId or email';
/** Said with a deletion that found nobody: what may still be in Ortto's archive. */
export const NOBODY = 'Ortto has no person with this email or External ID in its people list: nothing to delete (a person archived by an earlier try is deleted by Ortto itself after 29 days)';

type Step = 'get' | 'archive' | 'delete';

function stepOf(request: RequestDescriptor | undefined): Step {
  if (request?.url.endsWith(ARCHIVE_PATH)) return 'archive';
  if (request?.url.endsWith(DELETE_PATH)) return 'delete';
  return 'get';
}

/** A `$str::is` condition of Ortto's filter. */
function isCondition(fieldId: string, value: string): JsonObject {
  return { '$str::is': { field_id: fieldId, value } };
}

/** An answer that is no success: one worth another try, a refused key, or a failure. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const transient = transientRetry(response, 'Ortto', orttoWords(response) || '(no message)');
  if (transient?.status === 'retry') {
    return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  }
  if (response.status === 401 || response.status === 403) return { failed: `${answered(response)}: Ortto refused the ${what}: check config.api_key (a Custom API data source's key) and config.region` };
  return { failed: `${answered(response)}: Ortto refused the ${what}` };
}

/** The values the lookup asked for (its filter's), to check the people found against. */
function askedValues(request: RequestDescriptor | undefined): { emails: Set<string>; externalIds: Set<string> } {
  const emails = new Set<string>();
  const externalIds = new Set<string>();
  const body = request?.body;
  const filter = isJsonObject(body as JsonValue | undefined) ? (body as JsonObject).filter : undefined;
  const conditions = isJsonObject(filter) ? (Array.isArray(filter.$or) ? filter.$or : [filter]) : [];
  for (const condition of conditions) {
    const is = isJsonObject(condition) ? condition['$str::is'] : undefined;
    if (!isJsonObject(is) || typeof is.value !== 'string') continue;
    if (is.field_id === 'str::email') emails.add(is.value.toLowerCase());
    if (is.field_id === 'str::ei') externalIds.add(is.value);
  }
  return { emails, externalIds };
}

/**
 * The ids of the people a lookup found who hold the person's email or External ID (or, in the
 * answer the core hands over, the hidden form of it), or undefined when the answer is not
 * Ortto's (`{ contacts: [{ id, fields }] }`; `contacts` null or absent for none).
 */
export function matchedIds(response: VendorResponse, request: RequestDescriptor | undefined): { ids: string[]; found: number } | undefined {
  const json = response.json;
  if (!isJsonObject(json as JsonValue | undefined)) return undefined;
  const contacts = (json as JsonObject).contacts;
  if (contacts === null || contacts === undefined) return { ids: [], found: 0 };
  if (!Array.isArray(contacts)) return undefined;
  const asked = askedValues(request);
  const ids: string[] = [];
  for (const contact of contacts) {
    if (!isJsonObject(contact) || typeof contact.id !== 'string' || contact.id === '') continue;
    const fields = isJsonObject(contact.fields) ? contact.fields : {};
    const email = typeof fields['str::email'] === 'string' ? fields['str::email'] : undefined;
    const externalId = typeof fields['str::ei'] === 'string' ? fields['str::ei'] : undefined;
    const holdsEmail = email !== undefined && (email === HIDDEN || asked.emails.has(email.toLowerCase()));
    const holdsId = externalId !== undefined && (externalId === HIDDEN || asked.externalIds.has(externalId));
    if (holdsEmail || holdsId) ids.push(contact.id);
  }
  return { ids: [...new Set(ids)], found: contacts.length };
}

/** The ids a request the plugin built carries (`inclusion_ids`). */
function inclusionIdsOf(request: RequestDescriptor | undefined): string[] {
  const body = request?.body;
  const ids = isJsonObject(body as JsonValue | undefined) ? (body as JsonObject).inclusion_ids : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** The request after the lookup or the archive: the same origin and headers, the people's ids. */
function idsRequest(request: RequestDescriptor | undefined, method: 'PUT' | 'DELETE', path: string, ids: string[]): RequestDescriptor {
  const origin = request ? new URL(request.url).origin : apiOriginOf({});
  return { method, url: `${origin}${path}`, headers: { ...(request?.headers ?? {}) }, body: { inclusion_ids: ids }, eventIds: [] };
}

function readLookup(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'lookup of the person');
  const matched = matchedIds(response, request);
  if (matched === undefined) return { retry: `${answered(response)}: not Ortto's answer to a people lookup (its { contacts: […] })` };
  if (matched.ids.length === 0 && matched.found > 0) {
    return { failed: `Ortto's lookup answered ${matched.found} people, none holding the person's email or External ID: nothing was archived or deleted — delete the person in Ortto (People > the person > Archive, then Delete)` };
  }
  if (matched.ids.length === 0) return { done: true, message: NOBODY };
  return { next: idsRequest(request, 'PUT', ARCHIVE_PATH, matched.ids) };
}

function count(response: VendorResponse, key: string): number | undefined {
  const value = isJsonObject(response.json as JsonValue | undefined) ? (response.json as JsonObject)[key] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the people holding
 * the person's emails (the SDK's `deletionEmails`: the userId when it is one, and the emails
 * Signal found for them) or the userId as External ID are looked up, archived, then deleted.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const emails = deletionEmails(person, isEmail);
    const conditions = emails.map((email) => isCondition('str::email', email));
    if (usableId(person.userId)) conditions.push(isCondition('str::ei', String(person.userId).trim()));
    if (conditions.length === 0) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Ortto, so no person of theirs can exist there' };
    }
    return {
      method: 'POST', url: `${apiOriginOf(ctx.config)}${GET_PATH}`, headers: headersOf(ctx.config), eventIds: [],
      body: { limit: MAX_PEOPLE, fields: ['str::email', 'str::ei'], filter: conditions.length === 1 ? conditions[0]! : { $or: conditions } },
    };
  },
  read(response, request) {
    switch (stepOf(request)) {
      case 'get': return readLookup(response, request);
      case 'archive':
        if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'archive of the person');
        return { next: idsRequest(request, 'DELETE', DELETE_PATH, inclusionIdsOf(request)) };
      case 'delete': {
        if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'deletion of the archived person (Ortto deletes archived people itself after 29 days)');
        const people = inclusionIdsOf(request).length;
        const deleted = count(response, 'deleted_contacts');
        const scheduled = count(response, 'scheduled_contacts');
        const said = [deleted !== undefined ? `${deleted} deleted` : '', scheduled ? `${scheduled} scheduled` : ''].filter(Boolean).join(', ');
        return { done: true, message: `Ortto archived and deleted ${people} ${people === 1 ? 'person' : 'people'}${said ? ` (${said})` : ''}` };
      }
    }
  },
  // The lookup's documented answer (Retrieve one or more people), here for nobody found.
  successAnswer: { status: 200, body: { contacts: [], meta: { total_contacts: 0, total_organizations: 0, total_matches: 0, total_subscribers: 0 }, offset: 0, next_offset: 0, cursor_id: '', has_more: false } },
};
