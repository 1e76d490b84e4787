// The `without_contact_info` variant's promise, kept whatever its (editable) blueprint maps: no
// way to reach a person leaves in a row. Properties, traits and the context lose what names or
// looks like contact information at any depth (the SDK's removeContactInfo), traits are read as
// a person's (their `name` is the person's), the context loses the visitor's IP address, URLs
// lose their query string and fragment (sites put percent-encoded addresses and tokens there,
// `/reset?email=jane%40example.com`, which no value check can see; the campaign parameters stay
// in context.campaign), and an id column holding an email address or phone number is left out.
import { removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The variant that sends no contact information. */
export const WITHOUT_CONTACT_INFO = 'without_contact_info';

/** Keys that hold a URL (`url`, `referrer`, `href`, `image_url`, `canonicalUrl`…). */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys that hold a query string on its own (a page's `search`). */
const SEARCH_KEY = /(?:^|_)search$/i;
/** An absolute URL under any key. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** The id columns: kept unless the id itself is contact information. */
const ID_COLUMNS = new Set(['user_id', 'anonymous_id', 'group_id', 'previous_id']);

const isRecord = (value: JsonValue | undefined): value is JsonObject => value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);

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
    if (SEARCH_KEY.test(key) && /^\?|=/.test(value)) return undefined;
    return URL_KEY.test(key) || ABSOLUTE_URL.test(value) ? value.replace(/[?#][\s\S]*$/, '') : value;
  }
  if (Array.isArray(value)) return value.map((item) => withoutQueries(item, key)).filter((item): item is JsonValue => item !== undefined);
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = withoutQueries(item, name);
      if (kept !== undefined) out[name] = kept;
    }
    return out;
  }
  return value;
}

/** An object about a person without contact information: under a word naming a person, its `name` is the person's. */
function personWithoutContactInfo(value: JsonValue | undefined): JsonObject | undefined {
  if (!isRecord(value)) return undefined;
  const person = removeContactInfo({ person: withoutQueries(value) as JsonObject }).person;
  return isRecord(person) ? person : undefined;
}

/**
 * A mapped row without contact information (see the file's comment), before the row's columns
 * are written: `properties` cleaned as an event's properties, `traits` as a person, `context`
 * without `ip`, its `traits` as a person and the rest cleaned; id columns that are an email
 * address or a phone number left out. Other columns stay as mapped, keys in their order.
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(row: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'properties') {
      if (isRecord(value)) out[key] = removeContactInfo(withoutQueries(value) as JsonObject);
    } else if (key === 'traits') {
      const person = personWithoutContactInfo(value);
      if (person !== undefined) out[key] = person;
    } else if (key === 'context') {
      if (!isRecord(value)) continue;
      const { ip: _ip, traits, ...rest } = value;
      const context = removeContactInfo(withoutQueries(rest) as JsonObject);
      const person = personWithoutContactInfo(traits);
      out[key] = person === undefined ? context : { ...context, traits: person };
    } else if (ID_COLUMNS.has(key)) {
      // Kept unless the SDK's check takes it for contact information (read under a neutral key:
      // under an id key the SDK keeps digits in groups).
      if (Object.keys(removeContactInfo({ value })).length > 0) out[key] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}
