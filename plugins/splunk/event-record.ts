// The event HEC indexes, from what the blueprint maps: the record every stream plugin sends
// (ids, times, properties, traits, context) — the SDK's eventRecord (core/sdk/event-record.ts):
// without contact information unless the config includes it, whatever the (editable) blueprint
// maps, an id that is an email address or a phone number as `sha256:<hex>` of it, so a search
// can still group one person's events, and ids SDKs write for "no id" ("undefined", "null")
// left out: Splunk would show them as one person. Unlike the stream plugins' records, a
// top-level field the blueprint maps to null (an unset sent_at) is left out too, as this plugin
// has always sent it: a search then finds no field rather than a null one.
import { eventRecord as streamEventRecord, hashedContactId, type JsonObject } from '../../core/sdk/index.ts';

/**
 * An id kept out of events in clear (an email as userId).
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => hashedContactId(id);

/**
 * The event one mapped record becomes (see the file's comment); keys keep their order.
 *
 * @example
 * eventRecord({ message_id: 'm-1', type: 'track', user_id: 'undefined', anonymous_id: 'df_1', sent_at: null, context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', anonymous_id: 'df_1', context: {} }
 */
export function eventRecord(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const present: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value !== undefined && value !== null) present[key] = value;
  }
  return streamEventRecord(present, options);
}
