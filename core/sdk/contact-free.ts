// An event or row without contact information, whatever an (editable) blueprint maps: what the
// warehouse, stream and analytics plugins (BigQuery, ClickHouse, Segment, Pub/Sub, Kinesis, …) promise when
// they leave contact information out. Properties, traits and the context lose what names or looks
// like contact information at any depth (removeContactInfo; traits and context.traits are read
// as a person's, so their `name` goes too); the context loses the visitor's IP address; URLs lose
// their query string and fragment (sites put percent-encoded addresses and tokens there,
// `/reset?email=jane%40example.com`, which no value check can see; the campaign parameters stay in
// context.campaign); and fields read by value alone (ids, an event's name) are left out — or
// replaced — when the value is itself an email address or a phone number (such a field holding
// an object or list is cleaned inside as any other field is). Any other field (one
// an edited blueprint adds) is cleaned likewise: out when its key names contact information or
// its value is some, objects and lists in it cleaned, URLs without queries.
import { removeContactInfo } from './contact-info.ts';
import { isJsonObject } from './json-object.ts';
import type { JsonObject, JsonValue } from './types.ts';

/** Keys that hold a URL (`url`, `referrer`, `href`, `image_url`, `canonicalUrl`…). */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys that hold a query string on its own: a page's `search`, `page_search`, `pageSearch` (not `research`). */
const SEARCH_KEY = /(?:^|_)(?:search|SEARCH)$|(?:^|[a-z0-9_])Search$/;
/** An absolute URL under any key. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A value whose URLs carry no query string or fragment, at any depth; a query string on its own
 * (`search: '?email=…'`) is left out. Undefined when nothing is left.
 *
 * @example
 * withoutQueries({ url: 'https://shop.example.com/reset?email=jane%40example.com#top', search: '?email=jane%40example.com' });
 * // { url: 'https://shop.example.com/reset' }
 */
export function withoutQueries(value: JsonValue, key = ''): JsonValue | undefined {
  if (typeof value === 'string') {
    if (SEARCH_KEY.test(key) && (value.startsWith('?') || value.includes('='))) return undefined;
    return URL_KEY.test(key) || ABSOLUTE_URL.test(value) ? value.replace(/[?#][\s\S]*$/, '') : value;
  }
  if (Array.isArray(value)) return value.map((item) => withoutQueries(item, key)).filter((item): item is JsonValue => item !== undefined);
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = withoutQueries(item, name);
      if (kept !== undefined) out[name] = kept;
    }
    return out;
  }
  return value;
}

/**
 * Whether a value under a key is contact information by removeContactInfo's checks (an `email`
 * key; a value that is an email address or a phone number). Read an id under a neutral key such
 * as `value`: under an id key, digits in groups are kept.
 *
 * @example
 * isContactInfo('value', 'jane@example.com'); // true
 * isContactInfo('plan', 'pro');               // false
 */
export function isContactInfo(key: string, value: JsonValue): boolean {
  return Object.keys(removeContactInfo({ [key]: value })).length === 0;
}

/** An object about a person without contact information: under a word naming a person, its `name` is the person's. */
function personWithoutContactInfo(value: JsonValue | undefined): JsonObject {
  const person = isJsonObject(value) ? removeContactInfo({ person: withoutQueries(value) as JsonObject }).person : undefined;
  return isJsonObject(person) ? person : {};
}

/**
 * A canonical event's fields read by value alone, the `valueChecked` of a plugin that cleans a
 * record keyed as the event is: its ids, and the event's or page's name (no person's name by its
 * key). An email address or phone number there is left out.
 *
 * @example
 * recordWithoutContactInfo(message, { valueChecked: EVENT_VALUE_CHECKED_FIELDS });
 */
export const EVENT_VALUE_CHECKED_FIELDS: readonly string[] = Object.freeze(['userId', 'anonymousId', 'previousId', 'groupId', 'event', 'name']);

export interface ContactFreeOptions {
  /** Fields read by value alone: an id (`user_id` or `userId`…), an event's or page's name. */
  valueChecked: readonly string[];
  /** What stands for such a field whose value is contact information; left out when absent or undefined. */
  replace?: (value: JsonValue, key: string) => JsonValue | undefined;
}

/**
 * A record (a canonical event, a table row) without contact information (see the file's
 * comment): `properties` cleaned as an event's, `traits` as a person's, `context` without `ip`,
 * its `traits` as a person's and the rest cleaned; `valueChecked` fields that are an email
 * address or phone number left out (or `replace`d), one holding an object or list cleaned inside
 * as any other field; any other field left out when its key names
 * contact information or its value is some, objects and lists in it cleaned, URLs without their
 * queries. Keys in their order.
 *
 * @example
 * recordWithoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } },
 *   { valueChecked: ['user_id', 'anonymous_id'] });
 * // { properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function recordWithoutContactInfo(record: JsonObject, options: ContactFreeOptions): JsonObject {
  const checked = new Set(options.valueChecked);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'properties') {
      if (isJsonObject(value)) out[key] = removeContactInfo(withoutQueries(value) as JsonObject);
    } else if (key === 'traits') {
      if (isJsonObject(value)) out[key] = personWithoutContactInfo(value);
    } else if (key === 'context') {
      if (!isJsonObject(value)) continue;
      const { ip: _ip, traits, ...rest } = value;
      const context = removeContactInfo(withoutQueries(rest) as JsonObject);
      out[key] = isJsonObject(traits) ? { ...context, traits: personWithoutContactInfo(traits) } : context;
    } else if (checked.has(key) && (value === null || typeof value !== 'object')) {
      if (!isContactInfo('value', value)) out[key] = value;
      else {
        const stand = options.replace?.(value, key);
        if (stand !== undefined) out[key] = stand;
      }
    } else {
      // A value-checked field holding an object or list (an id or name sent as one) is cleaned
      // inside like any other field: the value check sees scalars only.
      const kept = otherFieldWithoutContactInfo(key, value);
      if (kept !== undefined) out[key] = kept;
    }
  }
  return out;
}

/**
 * Any other field (the record's own, or one an edited blueprint adds): left out when its key
 * names contact information (`email`, `customer_phone`) or its value is some; an object or list
 * cleaned as a product's is (a `name` inside it is a thing's); URLs without their queries.
 */
function otherFieldWithoutContactInfo(key: string, value: JsonValue): JsonValue | undefined {
  const unqueried = withoutQueries(value, key);
  if (unqueried === undefined) return undefined;
  // Under a neutral key, so that the field is read as inside a thing, not at the top of an
  // event's properties (where a bare `name` would be taken for the person's).
  const held = removeContactInfo({ field: { [key]: unqueried } }).field;
  return isJsonObject(held) ? held[key] : undefined;
}
