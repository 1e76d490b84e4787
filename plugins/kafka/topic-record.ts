// A record's value, after the blueprint: without contact information unless the config asks for
// it, whatever the (editable) blueprint maps — the SDK's eventRecord (core/sdk/event-record.ts),
// shared with the other stream plugins. An id field that is an email address or a phone number
// is given as `sha256:<hex>` of it — as its record key and a deletion record give it, so a
// consumer can still group the person's records and match a deletion to them. Ids SDKs write for
// "no id" ("undefined", "null") are left out either way.
import { eventRecord, eventRecordWithoutContactInfo, hashedContactId, isContactValue, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Whether the SDK's check takes a value for contact information (jane@example.com, +44 7700 900123). */
export const isContactInfo = (value: JsonValue): boolean => isContactValue(value);

/**
 * An id kept out of records in clear (an email as userId), as values, keys and deletion records
 * all give it.
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => hashedContactId(id);

/**
 * A record value without contact information (see the file's comment).
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9' } });
 * // { user_id: 'sha256:…', properties: { plan: 'pro' }, context: {} }
 */
export const withoutContactInfo = (record: JsonObject): JsonObject => eventRecordWithoutContactInfo(record);

/**
 * The value a mapped event becomes: placeholder ids ("undefined", "null", …) left out, and
 * contact information too unless `includeContactInfo`.
 *
 * @example
 * topicRecord({ message_id: 'm-1', type: 'track', user_id: 'undefined', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', context: {} }
 */
export const topicRecord = (payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject => eventRecord(payload, options);
