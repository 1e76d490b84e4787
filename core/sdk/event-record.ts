// An event record as the stream and queue plugins send it (Kinesis, EventBridge, SQS…), after
// their blueprint: the ids SDKs write for "no id" ("undefined", "null") left out, and — unless
// the config includes it — contact information too, whatever the (editable) blueprint maps
// (recordWithoutContactInfo: properties, traits and context cleaned at any depth, no IP
// address, URLs without query strings). An id field that is an email address or a phone number
// is given as `sha256:<hex>` of it, as the plugins' deletion notices give it, so a consumer can
// still group a person's records and match a notice to them.
import { isContactInfo as isContactInfoAt, recordWithoutContactInfo } from './contact-free.ts';
import { sha256Hex } from './aws-signature-v4.ts';
import { usableId } from './placeholder-ids.ts';
import type { JsonObject, JsonValue } from './types.ts';

/** A record's id fields (the stream plugins' default blueprints' names). */
export const EVENT_RECORD_ID_FIELDS: readonly string[] = Object.freeze(['user_id', 'anonymous_id', 'group_id', 'previous_id']);

/**
 * Whether the SDK's check takes a value, read alone, for contact information.
 *
 * @example
 * isContactValue('jane@example.com'); // true
 * isContactValue('u-42');             // false
 */
export const isContactValue = (value: JsonValue): boolean => isContactInfoAt('value', value);

/**
 * An id kept out of records in clear (an email as userId), as records, partition keys and
 * deletion notices all give it.
 *
 * @example
 * hashedContactId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedContactId = (id: string): string => `sha256:${sha256Hex(id)}`;

/**
 * A person's id as a record or deletion notice gives it: as it is, unless it is contact
 * information the config leaves out (then its `hashedContactId`).
 *
 * @example
 * idAsRecorded('jane@example.com', { includeContactInfo: false }); // 'sha256:…'
 * idAsRecorded('u-42', { includeContactInfo: false });             // 'u-42'
 */
export function idAsRecorded(id: string | null, options: { includeContactInfo: boolean }): string | null {
  return id === null || options.includeContactInfo || !isContactValue(id) ? id : hashedContactId(id);
}

/**
 * A record without contact information (see the file's comment). Other fields are the
 * blueprint's and stay as mapped; keys keep their order.
 *
 * @example
 * eventRecordWithoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9' } });
 * // { user_id: 'sha256:…', properties: { plan: 'pro' }, context: {} }
 */
export function eventRecordWithoutContactInfo(record: JsonObject): JsonObject {
  return recordWithoutContactInfo(record, { valueChecked: EVENT_RECORD_ID_FIELDS, replace: (value) => hashedContactId(String(value)) });
}

/**
 * The record a mapped event becomes: placeholder ids left out, and contact information too
 * unless `includeContactInfo`.
 *
 * @example
 * eventRecord({ message_id: 'm-1', type: 'track', user_id: 'undefined', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', context: {} }
 */
export function eventRecord(payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject {
  const record: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (EVENT_RECORD_ID_FIELDS.includes(key) && !usableId(value)) continue;
    record[key] = value;
  }
  return options.includeContactInfo ? record : eventRecordWithoutContactInfo(record);
}
