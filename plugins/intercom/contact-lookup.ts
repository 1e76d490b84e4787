// The contact lookup before fan-out. Intercom has no upsert of a contact by external_id or email
// (2.13–2.16 and Preview: `POST /contacts` and `POST /contacts/bulk` are strict creates that
// answer 409 when the person exists, `PUT /contacts/{id}` updates by Intercom's own id only).
// Signal's delivery sends one request per event and cannot chain a second from an answer, so
// the plugin resolves the contact's id through the core's partner enrichment, which runs before
// fan-out and may chain requests: an identify's person is found by external_id
// (`GET /contacts/find_by_external_id/{external_id}`, 2.13+), else by email
// (`POST /contacts/search`), else created with the identity alone (`POST /contacts` with role,
// external_id and email). A creation that loses a race — the Messenger, or another identify of
// the same person, created the contact since the lookups — answers 409 "A contact matching
// those details already exists with id=…", and that id is the contact's. Either way the id lands
// on the event as `partner_attrs.intercom.contact_id`, and the identify's delivery is always
// `PUT /contacts/{id}` with the traits: an upsert in effect, with no window in which a second
// creation can fail. Only when the lookup itself fails (a timeout, Intercom down, the partner
// paused) does the delivery fall back to `POST /contacts`, whose 409 classify explains. Only
// identify calls are looked up (data events name the user by user_id or email themselves).
import { PermanentError, RetryableError, usableId, type JsonObject, type PartnerAnswer, type PartnerEnrichment, type PartnerIdentity, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { accessTokenOf, apiBaseOf, headersOf } from './config.ts';
import { answered, errorsOf } from './classify.ts';

/** The canonical `Link: </contacts/{id}>; rel="canonical"` of a merged contact's 410. */
const CANONICAL_LINK = /<[^>]*\/contacts\/([A-Za-z0-9_-]+)>\s*;\s*rel="?canonical"?/i;

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The identity naming the creation step: its value is the contact's identity as JSON (see `creationBody`). */
export const NEW_CONTACT = 'new_contact';

/** The existing contact's id in a 409's message: "A contact matching those details already exists with id=…" (also "An archived contact …"). */
const CONFLICT_ID = /already exists with id=([A-Za-z0-9_-]+)/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A found contact's attributes: its id (all the mapping needs) and role. */
function found(contact: Record<string, unknown>): PartnerAnswer {
  const id = contact.id;
  if (typeof id !== 'string' || id === '') return { notFound: true };
  const attributes: JsonObject = { contact_id: id, ...(typeof contact.role === 'string' ? { role: contact.role } : {}) };
  return { found: { attributes, profileId: id } };
}

/**
 * The identities an event is looked up by: an identify's userId (as `external_id`), then its
 * email, then the creation of the contact with both (`new_contact`, tried only when neither was
 * found); none for other calls, or for placeholder ids.
 *
 * @example
 * identitiesOf({ type: 'identify', userId: 'u-1', traits: { email: 'ann@example.com' }, … });
 * // [{ key: 'external_id', value: 'u-1' }, { key: 'email', value: 'ann@example.com' },
 * //  { key: 'new_contact', value: '{"external_id":"u-1","email":"ann@example.com"}' }]
 */
export function identitiesOf(event: { type: string; userId?: string; traits?: JsonObject; context?: { traits?: JsonObject } }): PartnerIdentity[] {
  if (event.type !== 'identify') return [];
  const identities: PartnerIdentity[] = [];
  if (usableId(event.userId)) identities.push({ key: 'external_id', value: String(event.userId).trim() });
  const email = event.traits?.email ?? event.context?.traits?.email;
  if (typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email.trim())) identities.push({ key: 'email', value: email.trim() });
  if (identities.length > 0) {
    // Key order fixed, so the same person is the same cache entry.
    const person = Object.fromEntries(identities.map((i) => [i.key, i.value]));
    identities.push({ key: NEW_CONTACT, value: JSON.stringify(person) });
  }
  return identities;
}

/**
 * The body creating a contact from a `new_contact` identity: a user with the external_id and
 * email it names (the traits follow in the delivery's `PUT`).
 *
 * @example
 * creationBody('{"external_id":"u-1","email":"ann@example.com"}'); // { role: 'user', external_id: 'u-1', email: 'ann@example.com' }
 */
export function creationBody(value: string): JsonObject {
  const person: unknown = JSON.parse(value);
  const body: JsonObject = { role: 'user' };
  if (isObject(person)) {
    if (typeof person.external_id === 'string') body.external_id = person.external_id;
    if (typeof person.email === 'string') body.email = person.email;
  }
  return body;
}

/**
 * Reads the creation's answer: the contact created (2xx), or the one that already exists (409
 * naming its id: created since the lookups, by the Messenger or another identify of the same
 * person). An archived contact (409 "An archived contact …") cannot be updated until it is
 * unarchived, and a refused body (400: an email Intercom does not take) will be refused again:
 * both are not found, with a warning, so the identify's delivery sends `POST /contacts` and
 * dead-letters with Intercom's words and what to do. 429, 5xx throw `RetryableError`.
 *
 * @example
 * readCreation({ status: 409, headers: {}, body: '…', json: { type: 'error.list', errors: [{ code: 'conflict', message: 'A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05' }] } });
 * // { found: { attributes: { contact_id: '5da6f18e3d7cf967e4582d05' }, profileId: '5da6f18e3d7cf967e4582d05' } }
 */
export function readCreation(response: VendorResponse): PartnerAnswer {
  const { status } = response;
  if (status >= 200 && status < 300) return isObject(response.json) ? found(response.json) : { notFound: true };
  if (status === 409) {
    const message = errorsOf(response).map((e) => e.message).join(' ') || response.body;
    const id = CONFLICT_ID.exec(message)?.[1];
    if (id && !/archived/i.test(message)) return { found: { attributes: { contact_id: id }, profileId: id } };
    return { notFound: true, warning: `Intercom contact creation before fan-out: ${answered(response)}: the identify goes on as POST /contacts and is dead-lettered naming what to do` };
  }
  if (status === 429 || status === 408 || status >= 500) throw new RetryableError(`Intercom contact creation: ${answered(response)}`);
  if (status === 401 || status === 403) throw new PermanentError(`Intercom contact creation: ${answered(response)}: check config.access_token (an app token with Read and write users) and config.region`);
  return { notFound: true, warning: `Intercom contact creation before fan-out: ${answered(response)}: the identify goes on as POST /contacts, which Intercom will refuse the same way` };
}

/**
 * Reads a lookup's answer: the contact found (a 200 with the contact, a search's first user,
 * else its first contact; a 410 naming the merged-into contact), or not found (404, an empty
 * search). A refused token or another refusal throws `PermanentError` (logged, the event goes on
 * without the id), 429 and 5xx `RetryableError`.
 *
 * @example
 * readLookup({ status: 200, headers: {}, body: '…', json: { type: 'contact', id: '6762f0df1bb69f9f2193bb84', role: 'user' } });
 * // { found: { attributes: { contact_id: '6762f0df1bb69f9f2193bb84', role: 'user' }, profileId: '6762f0df1bb69f9f2193bb84' } }
 */
export function readLookup(response: VendorResponse): PartnerAnswer {
  const { status } = response;
  if (status === 404) return { notFound: true };
  if (status === 410) {
    const link = CANONICAL_LINK.exec(header(response.headers, 'link') ?? '');
    return link ? { found: { attributes: { contact_id: link[1]! }, profileId: link[1]! } } : { notFound: true };
  }
  if (status === 429 || status === 408 || status >= 500) throw new RetryableError(`Intercom contact lookup: ${answered(response)}`);
  if (status === 401 || status === 403) throw new PermanentError(`Intercom contact lookup: ${answered(response)}: check config.access_token (an app token with Read users) and config.region`);
  if (status < 200 || status >= 300) throw new PermanentError(`Intercom contact lookup: ${answered(response)}`);
  const json = response.json;
  if (!isObject(json)) return { notFound: true };
  if (json.type === 'list' || Array.isArray(json.data)) {
    const contacts = (Array.isArray(json.data) ? json.data : []).filter(isObject);
    const contact = contacts.find((c) => c.role === 'user') ?? contacts[0];
    return contact ? found(contact) : { notFound: true };
  }
  return found(json);
}

/**
 * The contact lookup as the core's partner enrichment runs it (see the file's comment): by
 * external_id, by email, else the contact's creation. Found (and created) contacts are cached 5
 * minutes (a contact deleted since then answers the update 404), people not found 1 second.
 * The core runs it only for events that pass the integration's routing and consent, so a
 * contact is created only for a person Intercom may receive. Nothing is shown to browsers.
 */
export const contactLookup: PartnerEnrichment = {
  enabled: (config) => accessTokenOf(config) !== '',
  identities: (event) => identitiesOf(event),
  lookup(identity, ctx): RequestDescriptor {
    const base = apiBaseOf(ctx.config);
    const headers = headersOf(ctx.config);
    if (identity.key === 'external_id') {
      return { method: 'GET', url: `${base}/contacts/find_by_external_id/${encodeURIComponent(identity.value)}`, headers, eventIds: [] };
    }
    if (identity.key === NEW_CONTACT) return { method: 'POST', url: `${base}/contacts`, headers, body: creationBody(identity.value), eventIds: [] };
    return { method: 'POST', url: `${base}/contacts/search`, headers, body: { query: { field: 'email', operator: '=', value: identity.value }, pagination: { per_page: 5 } }, eventIds: [] };
  },
  read: (response, request) => (request.method === 'POST' && /\/contacts$/.test(request.url) ? readCreation(response) : readLookup(response)),
  browserAttributes: () => ({}),
  cacheSeconds: { found: 300, notFound: 1 },
};
