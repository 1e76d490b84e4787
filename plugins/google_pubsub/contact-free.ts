// Messages without contact information, the default (config.include_contact_info off), kept
// whatever the (editable) blueprint maps: properties, traits and the context lose what names or
// looks like a way to reach a person at any depth (the SDK's removeContactInfo; traits are read
// as a person's, so their `name` goes too); the context loses the visitor's IP address; URLs
// lose their query string and fragment (sites put percent-encoded addresses there,
// `/reset?email=jane%40example.com`, which no value check sees; the campaign parameters stay in
// context.campaign); an id — or an event's or page's name — that is itself an email address or a
// phone number is left out (as the `event` and `name` attributes are).
import { removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Keys holding a URL: `url`, `referrer`, `href`, `canonical_url`, `imageUri`… */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys holding a query string alone: a page's `search`. */
const SEARCH_KEY = /search$/i;
/** Text that is an absolute URL, whatever its key. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** The event's ids, kept unless the id is contact information itself. */
const ID_FIELDS = new Set(['userId', 'anonymousId', 'groupId', 'previousId']);
/** Fields read by value alone: the ids, and the event's or page's name (no person's name by its key). */
const VALUE_CHECKED = new Set([...ID_FIELDS, 'event', 'name']);

export function isRecord(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A value whose URLs carry no query string or fragment, at any depth; a query string under a
 * `search` key is left out. Undefined when nothing is left of it.
 *
 * @example
 * urlsWithoutQueries({ url: 'https://shop.example.com/reset?email=jane%40example.com#top', search: '?email=jane%40example.com' });
 * // { url: 'https://shop.example.com/reset' }
 */
export function urlsWithoutQueries(value: JsonValue, key = ''): JsonValue | undefined {
  if (typeof value === 'string') {
    if (SEARCH_KEY.test(key) && (value.startsWith('?') || value.includes('='))) return undefined;
    if (!URL_KEY.test(key) && !ABSOLUTE_URL.test(value)) return value;
    const cut = value.search(/[?#]/);
    return cut === -1 ? value : value.slice(0, cut);
  }
  if (Array.isArray(value)) return value.flatMap((item) => { const kept = urlsWithoutQueries(item, key); return kept === undefined ? [] : [kept]; });
  if (!isRecord(value)) return value;
  const out: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    const kept = urlsWithoutQueries(item, name);
    if (kept !== undefined) out[name] = kept;
  }
  return out;
}

/** Traits (a person's): without contact information, their `name` included. */
function personWithoutContactInfo(traits: JsonObject): JsonObject {
  const cleaned = removeContactInfo({ person: urlsWithoutQueries(traits) as JsonObject }).person;
  return isRecord(cleaned) ? cleaned : {};
}

/**
 * Whether a value under a key is contact information: the SDK's check of both (an `email` key,
 * a value that is an email address or phone number). An id is read under a neutral key (under
 * an id key the SDK keeps digits in groups).
 *
 * @example
 * isContactInfo('value', 'jane@example.com'); // true
 * isContactInfo('plan', 'pro');               // false
 */
export function isContactInfo(key: string, value: JsonValue): boolean {
  return Object.keys(removeContactInfo({ [key]: value })).length === 0;
}

/**
 * The event's JSON without contact information (see the file's comment). Keys keep their order;
 * fields other than these are left as mapped.
 *
 * @example
 * withoutContactInfo({ type: 'track', userId: 'jane@example.com', anonymousId: 'df_1', properties: { plan: 'pro', email: 'jane@example.com' },
 *                      context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { type: 'track', anonymousId: 'df_1', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(message: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(message)) {
    if (key === 'properties') {
      if (isRecord(value)) out[key] = removeContactInfo(urlsWithoutQueries(value) as JsonObject);
    } else if (key === 'traits') {
      if (isRecord(value)) out[key] = personWithoutContactInfo(value);
    } else if (key === 'context') {
      if (!isRecord(value)) continue;
      const { ip: _ip, traits, ...rest } = value;
      const context = removeContactInfo(urlsWithoutQueries(rest) as JsonObject);
      out[key] = isRecord(traits) ? { ...context, traits: personWithoutContactInfo(traits) } : context;
    } else if (VALUE_CHECKED.has(key)) {
      if (!isContactInfo('value', value)) out[key] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}
