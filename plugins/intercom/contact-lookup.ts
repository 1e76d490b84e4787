// The contact lookup before fan-out. Intercom has no upsert of a contact by external_id or email:
// `POST /contacts` creates (409 when the person exists) and `PUT /contacts/{id}` updates by
// Intercom's own id. Signal's delivery sends one request per event and cannot chain a second
// from an answer, so the plugin looks the person up through the core's partner enrichment,
// which runs before fan-out: an identify's visitor is found by external_id
// (`GET /contacts/find_by_external_id/{external_id}`, 2.13+), else by email
// (`POST /contacts/search`), and the contact's id lands on the event as
// `partner_attrs.intercom.contact_id`, which the mapping turns into the update's URL. Only
// identify calls are looked up (data events name the user by user_id or email themselves).
import { PermanentError, RetryableError, usableId, type JsonObject, type PartnerAnswer, type PartnerEnrichment, type PartnerIdentity, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { accessTokenOf, apiBaseOf, headersOf } from './config.ts';
import { answered } from './classify.ts';

/** The canonical `Link: </contacts/{id}>; rel="canonical"` of a merged contact's 410. */
const CANONICAL_LINK = /<[^>]*\/contacts\/([A-Za-z0-9_-]+)>\s*;\s*rel="?canonical"?/i;

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

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
 * email; none for other calls, or for placeholder ids.
 *
 * @example
 * identitiesOf({ type: 'identify', userId: 'u-1', traits: { email: 'ann@example.com' }, … });
 * // [{ key: 'external_id', value: 'u-1' }, { key: 'email', value: 'ann@example.com' }]
 */
export function identitiesOf(event: { type: string; userId?: string; traits?: JsonObject; context?: { traits?: JsonObject } }): PartnerIdentity[] {
  if (event.type !== 'identify') return [];
  const identities: PartnerIdentity[] = [];
  if (usableId(event.userId)) identities.push({ key: 'external_id', value: String(event.userId).trim() });
  const email = event.traits?.email ?? event.context?.traits?.email;
  if (typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email.trim())) identities.push({ key: 'email', value: email.trim() });
  return identities;
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
 * The contact lookup as the core's partner enrichment runs it (see the file's comment). Found
 * contacts are cached 5 minutes (a contact deleted since then answers the update 404), people
 * not found 1 second: the identify creating them is usually next, and a later identify must
 * find the contact rather than create it twice. Nothing is shown to browsers.
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
    return { method: 'POST', url: `${base}/contacts/search`, headers, body: { query: { field: 'email', operator: '=', value: identity.value }, pagination: { per_page: 5 } }, eventIds: [] };
  },
  read: (response) => readLookup(response),
  browserAttributes: () => ({}),
  cacheSeconds: { found: 300, notFound: 1 },
};
