// A track call as a Dotdigital event, for POST /events/v3/import (Events API v3, "Import a
// collection of events"): `contactIdentity` ({ identifier: 'email', value }: the event goes to
// an existing contact, "Each event must be associated with an existing contact"), `type` (1 to
// 80 characters; Dotdigital makes it a contact-scoped Insight data collection named by the type
// with every non-alphanumeric character as `_`, which must not be one of its standard
// collections), `id` (the messageId), `eventTimestamp` (ISO 8601 UTC), `timelineDetails.summary`
// (shown on the contact's timeline, up to 160) and `eventData` (the properties, without the
// person's contact data).
import { cutText, mappedEmail, PermanentError, readInstantMs, removeContactInfo, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

export const MAX_TYPE_CHARS = 80;
export const MAX_SUMMARY_CHARS = 160;
/** The plugin's bound on one event's data (Dotdigital takes 50 MB a request; the batch stays far below). */
export const MAX_EVENT_DATA_BYTES = 100_000;

/** Insight data collections Dotdigital has itself: an event type must not become one of them (Dotdigital: "Import events"). */
export const STANDARD_COLLECTIONS = ['cartInsight', 'catalog', 'consentInsight', 'easyEditorExtensions', 'nostoEmailCampaigns', 'orders', 'productCategories', 'webInsight', 'wishList'] as const;

/**
 * The event type: the name trimmed, at most 80 characters; a PermanentError for none, or for one
 * whose collection name would be one of Dotdigital's standard collections.
 *
 * @example
 * eventTypeOf('Order Completed'); // 'Order Completed'
 * eventTypeOf('orders');          // throws PermanentError: … Dotdigital's own orders collection …
 */
export function eventTypeOf(value: JsonValue | undefined): string {
  const raw = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  const type = cutText(raw, MAX_TYPE_CHARS).trim();
  if (type === '') throw new PermanentError('Dotdigital needs an event type (the event\'s name, 1 to 80 characters), and the event has none: map event_type in the blueprint');
  const collection = type.replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  const clash = STANDARD_COLLECTIONS.find((name) => name.toLowerCase() === collection);
  if (clash) throw new PermanentError(`the event type ${JSON.stringify(type)} would be Dotdigital's own ${clash} Insight data collection, which events must not use: rename the event (a pipeline transformation or the blueprint's event_type)`);
  return type;
}

/**
 * When the event occurred, as ISO 8601 UTC; undefined (Dotdigital then takes the time it
 * processes it) when none was mapped or it cannot be read, said with ctx.warn.
 *
 * @example
 * eventTimestampOf('2024-03-24T17:00:00+01:00', ctx); // '2024-03-24T16:00:00.000Z'
 */
export function eventTimestampOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const ms = readInstantMs(value) ?? Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    ctx.warn?.(`eventTimestamp left out: ${JSON.stringify(value)} is no time, so Dotdigital records the time it processes the event`);
    return undefined;
  }
  return new Date(ms).toISOString();
}

/**
 * The event's data: the properties without contact information (at any depth) and without
 * nulls; undefined when nothing is left; a PermanentError beyond MAX_EVENT_DATA_BYTES.
 *
 * @example
 * eventDataOf({ plan: 'pro', email: 'jane@example.com', coupon: null }); // { plan: 'pro' }
 */
export function eventDataOf(value: JsonValue | undefined): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data = Object.fromEntries(Object.entries(removeContactInfo(value)).filter(([, item]) => item !== null));
  if (Object.keys(data).length === 0) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_EVENT_DATA_BYTES) throw new PermanentError(`the event's properties take ${bytes} bytes, more than the ${MAX_EVENT_DATA_BYTES} the plugin sends as one Dotdigital event's eventData: leave the large ones out with a pipeline transformation or the blueprint`);
  return data;
}

/**
 * One event of POST /events/v3/import for a track call, or null when it names no contact (no
 * email: an anonymous visitor, or someone whose email Signal does not know).
 *
 * @example
 * eventRecord({ email: 'jane@example.com', event_type: 'Signed Up', event_id: 'm-1', event_timestamp: '2024-03-24T16:00:00.000Z', event_data: { plan: 'pro' } }, ctx);
 * // { contactIdentity: { identifier: 'email', value: 'jane@example.com' }, type: 'Signed Up', id: 'm-1', eventTimestamp: '2024-03-24T16:00:00.000Z', timelineDetails: { summary: 'Signed Up' }, eventData: { plan: 'pro' } }
 */
export function eventRecord(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const email = mappedEmail(payload.email, 'Dotdigital');
  if (email === undefined) return null;
  const type = eventTypeOf(payload.event_type);
  const record: JsonObject = { contactIdentity: { identifier: 'email', value: email }, type };
  if (typeof payload.event_id === 'string' && payload.event_id.trim() !== '') record.id = cutText(payload.event_id.trim(), 100);
  const timestamp = eventTimestampOf(payload.event_timestamp, ctx);
  if (timestamp !== undefined) record.eventTimestamp = timestamp;
  record.timelineDetails = { summary: cutText(type, MAX_SUMMARY_CHARS) };
  const data = eventDataOf(payload.event_data);
  if (data) record.eventData = data;
  return record;
}
