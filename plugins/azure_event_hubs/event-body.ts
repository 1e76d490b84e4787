// An event's body, after the blueprint: without contact information unless the config asks for
// it, whatever the (editable) blueprint maps — the SDK's eventRecord (core/sdk/event-record.ts),
// shared with the other stream plugins. An id field that is an email address or a phone number
// is given as `sha256:<hex>` of it — as its partition key and a deletion notice give it, so a
// consumer can still group the person's events and match a notice to them. Ids SDKs write for
// "no id" ("undefined", "null") are left out either way.
import { eventRecord, hashedContactId, isContactValue, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Whether the SDK's check takes a value for contact information (jane@example.com, +44 7700 900123). */
export const isContactInfo = (value: JsonValue): boolean => isContactValue(value);

/**
 * An id kept out of events in clear (an email as userId), as bodies, partition keys and
 * deletion notices all give it.
 *
 * @example
 * hashedId('jane@example.com'); // 'sha256:' + 64 hex digits
 */
export const hashedId = (id: string): string => hashedContactId(id);

/**
 * An event's body: placeholder ids ("undefined", "null", …) left out, and contact information
 * too unless `includeContactInfo`. Other fields are the blueprint's and stay as mapped.
 *
 * @example
 * eventBody({ message_id: 'm-1', type: 'track', user_id: 'jane@example.com', context: { ip: '203.0.113.9' } }, { includeContactInfo: false });
 * // { message_id: 'm-1', type: 'track', user_id: 'sha256:…', context: {} }
 */
export const eventBody = (payload: JsonObject, options: { includeContactInfo: boolean }): JsonObject => eventRecord(payload, options);
