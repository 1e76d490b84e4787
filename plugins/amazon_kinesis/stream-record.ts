// A record's JSON, after the blueprint: without contact information unless the config asks for
// it, whatever the (editable) blueprint maps. Properties, traits and the context lose what names
// or looks like contact information at any depth (the SDK's removeContactInfo; traits and
// context.traits are read as a person's, so their `name` goes too); the context loses the
// visitor's IP address; URLs lose their query string and fragment (sites put percent-encoded
// addresses there, `/reset?email=jane%40example.com`, which no value check sees; the campaign
// parameters stay in context.campaign); and an id column that is an email address or a phone
// number is given as `sha256:<hex>` of it — as its partition key and a deletion notice give it,
// so a consumer can still group the person's records and match a notice to them (in a Firehose
// destination there is no partition key to match on). Ids SDKs write for "no id"
// ("undefined", "null") are left out either way.
import { removeContactInfo, sha256Hex, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Keys holding a URL: `url`, `referrer`, `href`, `canonical_url`, `imageUri`… */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys holding a query string alone: a page's `search`. */
const SEARCH_KEY = /(?:^|_)search$/i;
/** Text that is an absolute URL, whatever its key. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** The record's id fields (the default blueprint's names). */
const ID_FIELDS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const;

function isRecord(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A value whose URLs carry no query string or fragment, at any depth; a query string alone
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

/** An object about a person without contact information: read under `person`, its `name` is the person's. */
function personWithoutContactInfo(value: JsonValue | undefined): JsonObject | undefined {
  if (!isRecord(value)) return undefined;
  const person = removeContactInfo({ person: withoutQueries(value) as JsonObject }).person;
  return isRecord(person) ? person : undefined;
}

/** Whether the SDK's check takes a value for contact information (jane@example.com, +44 7700 900123). */
export const isContactInfo = (value: JsonValue): boolean => Object.keys(removeContactInfo({ value })).length === 0;

/**
 * An id kept out of records in clear (an email as userId), as records, partition keys and
 * deletion notices all give it.
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => `sha256:${sha256Hex(id)}`;

/**
 * A record without contact information (see the file's comment). Other fields are the
 * blueprint's and stay as mapped; keys keep their order.
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { user_id: 'sha256:…', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(record: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
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
    } else if ((ID_FIELDS as readonly string[]).includes(key)) {
      out[key] = isContactInfo(value) ? hashedId(String(value)) : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The record a mapped event becomes: placeholder ids ("undefined", "null", …) left out, and
 * contact information too unless `includeContactInfo`.
 *
 * @example
 * streamRecord({ message_id: 'm-1', type: 'track', user_id: 'undefined', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', context: {} }
 */
export function streamRecord(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const record: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if ((ID_FIELDS as readonly string[]).includes(key) && !usableId(value)) continue;
    record[key] = value;
  }
  return options.includeContactInfo ? record : withoutContactInfo(record);
}
