// An event's body, after the blueprint: without contact information unless the config asks for
// it, whatever the (editable) blueprint maps. Properties, traits and the context lose what names
// or looks like contact information at any depth (the SDK's recordWithoutContactInfo: traits are
// read as a person's, so their `name` goes too); the context loses the visitor's IP address; URLs
// lose their query string and fragment (sites put `?email=jane%40example.com` there); and an id
// field that is an email address or a phone number is given as `sha256:<hex>` of it — as its
// partition key and a deletion notice give it, so a consumer can still group the person's events
// and match a notice to them. Ids SDKs write for "no id" ("undefined", "null") are left out
// either way.
import { isContactInfo as isContactInfoAt, recordWithoutContactInfo, sha256Hex, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The body's id fields (the default blueprint's names). */
const ID_FIELDS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const;

/** Whether the SDK's check takes a value for contact information (jane@example.com, +44 7700 900123). */
export const isContactInfo = (value: JsonValue): boolean => isContactInfoAt('value', value);

/**
 * An id kept out of events in clear (an email as userId), as bodies, partition keys and
 * deletion notices all give it.
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => `sha256:${sha256Hex(id)}`;

/**
 * An event's body: placeholder ids ("undefined", "null", …) left out, and contact information
 * too unless `includeContactInfo`. Other fields are the blueprint's and stay as mapped.
 *
 * @example
 * eventBody({ message_id: 'm-1', type: 'track', user_id: 'jane@example.com', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', user_id: 'sha256:…', context: {} }
 */
export function eventBody(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const body: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if ((ID_FIELDS as readonly string[]).includes(key) && !usableId(value)) continue;
    body[key] = value;
  }
  return options.includeContactInfo ? body : recordWithoutContactInfo(body, { valueChecked: ID_FIELDS, replace: (value) => hashedId(String(value)) });
}
