// The event HEC indexes, from what the blueprint maps: the record every stream plugin sends
// (ids, times, properties, traits, context), without contact information unless the config
// includes it, whatever the (editable) blueprint maps. Properties, traits and the context lose
// what names or looks like contact information at any depth (the SDK's
// recordWithoutContactInfo), the context loses the visitor's IP address, URLs lose their query
// string and fragment; an id that is an email address or a phone number goes as
// `sha256:<hex>` of it, so a search can still group one person's events. Ids SDKs write for
// "no id" ("undefined", "null") are left out either way: Splunk would show them as one person.
import { recordWithoutContactInfo, sha256Hex, usableId, type JsonObject } from '../../core/sdk/index.ts';

/** The record's id fields (the default blueprint's names). */
export const ID_FIELDS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const;

/**
 * An id kept out of events in clear (an email as userId).
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => `sha256:${sha256Hex(id)}`;

/**
 * The event one mapped record becomes (see the file's comment); keys keep their order.
 *
 * @example
 * eventRecord({ message_id: 'm-1', type: 'track', user_id: 'undefined', anonymous_id: 'df_1', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', anonymous_id: 'df_1', context: {} }
 */
export function eventRecord(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const record: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((ID_FIELDS as readonly string[]).includes(key) && !usableId(value)) continue;
    record[key] = value;
  }
  return options.includeContactInfo ? record : recordWithoutContactInfo(record, { valueChecked: ID_FIELDS, replace: (value) => hashedId(String(value)) });
}
