// An event's `detail` (the JSON object EventBridge's rules and targets read), after the
// blueprint: without contact information unless the config asks for it, whatever the (editable)
// blueprint maps. Properties, traits and the context lose what names or looks like contact
// information at any depth (the SDK's recordWithoutContactInfo; traits are read as a person's,
// so their `name` goes too); the context loses the visitor's IP address; URLs lose their query
// string and fragment (sites put percent-encoded addresses there, `/reset?email=jane%40example.com`);
// and an id field that is an email address or a phone number is given as `sha256:<hex>` of it —
// as a deletion notice gives it, so a target can still match a notice to the person's events.
// Ids SDKs write for "no id" ("undefined", "null") are left out either way.
import { isContactInfo as isContactInfoAt, recordWithoutContactInfo, sha256Hex, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The detail's id fields (the default blueprint's names). */
const ID_FIELDS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const;

/** Whether the SDK's check takes a value for contact information (jane@example.com, +44 7700 900123). */
export const isContactInfo = (value: JsonValue): boolean => isContactInfoAt('value', value);

/**
 * An id kept out of events in clear (an email as userId), as details and deletion notices give it.
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => `sha256:${sha256Hex(id)}`;

/**
 * A detail without contact information (see the file's comment). Other fields are the
 * blueprint's and stay as mapped; keys keep their order.
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { user_id: 'sha256:…', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(detail: JsonObject): JsonObject {
  return recordWithoutContactInfo(detail, { valueChecked: ID_FIELDS, replace: (value) => hashedId(String(value)) });
}

/**
 * The detail a mapped event becomes: placeholder ids ("undefined", "null", …) left out, and
 * contact information too unless `includeContactInfo`.
 *
 * @example
 * eventDetail({ message_id: 'm-1', type: 'track', user_id: 'undefined', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', context: {} }
 */
export function eventDetail(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const detail: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if ((ID_FIELDS as readonly string[]).includes(key) && !usableId(value)) continue;
    detail[key] = value;
  }
  return options.includeContactInfo ? detail : withoutContactInfo(detail);
}
