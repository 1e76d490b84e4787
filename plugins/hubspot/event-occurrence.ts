// A track call as one occurrence of a HubSpot custom event (an input of POST
// /events/<version>/send/batch): `{ eventName, email | utk | objectId, occurredAt, uuid,
// properties }`. The event is named by config.event_names (a Signal event it does not name is
// not sent); the contact it belongs to by its record id, email or the hubspotutk cookie
// (HubSpot's identifiers, in its order of priority); its properties fitted to HubSpot's limits
// ("exceeding any of the following limits will result in a failed request"), so one event's
// long value does not refuse the batch it travels in.
import { isJsonObject, PermanentError, removeContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext, readInstantMs } from '../../core/sdk/index.ts';
import { normalizeEmail } from './contact.ts';
import { customEventFor, EVENT_NAME_PATTERN } from './config.ts';
import { eventUuid } from './event-uuid.ts';
import { propertyText } from './property-values.ts';

/** The key of a custom event occurrence in a mapped payload. */
export const OCCURRENCE = 'occurrence';
/** HubSpot: "Each event occurrence can contain data for up to 50 properties." */
export const MAX_EVENT_PROPERTIES = 50;
/** HubSpot: "URL and referrer properties can receive up to 1,024 characters, while all other properties can receive up to 256 characters." */
export const MAX_VALUE_CHARS = 256;
export const MAX_URL_VALUE_CHARS = 1024;
/** HubSpot: internal names "must start with a letter and contain only lowercase letters a-z, numbers 0-9, and underscores", at most 50 characters. */
const EVENT_PROPERTY_NAME = /^[a-z][a-z0-9_]{0,49}$/;
/** The hubspotutk cookie's value: HubSpot's visitor token, 32 hexadecimal characters. */
const UTK = /^[0-9a-f]{32}$/i;
/** A CRM record id: digits. */
const RECORD_ID = /^[1-9]\d{0,19}$/;

/** A value cut to `max` characters as a reader counts them (no surrogate pair split). */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/**
 * An event's properties as HubSpot takes them: contact information left out (the contact
 * record holds it), names lower-cased as HubSpot reads them ("properties with the same internal
 * name after lowercasing are considered duplicates": the first one is kept), names HubSpot
 * cannot hold (`plan type`, `2fa`) and values without a text form (objects) left out, values
 * cut to 256 characters (1,024 for URL and referrer properties), at most 50 properties, in
 * name order.
 *
 * @example
 * eventProperties({ orderId: 'O-1', revenue: 27.5, 'plan type': 'pro', email: 'jane@example.com', tags: ['a', 'b'] });
 * // { orderid: 'O-1', revenue: '27.5', tags: 'a;b' }
 */
export function eventProperties(raw: JsonValue | undefined, warn?: (message: string) => void): Record<string, string> {
  if (raw !== undefined && raw !== null && !isJsonObject(raw)) throw new PermanentError('HubSpot takes an event\'s properties as an object; the blueprint mapped another value to properties');
  const kept = new Map<string, string>();
  for (const [key, value] of Object.entries(removeContactInfo(isJsonObject(raw) ? raw : {}))) {
    const name = key.trim().toLowerCase();
    if (!EVENT_PROPERTY_NAME.test(name)) {
      warn?.(`properties.${key} left out: a HubSpot event property name is a lower-case letter, then letters, digits or _ (50 at most)`);
      continue;
    }
    if (kept.has(name)) {
      warn?.(`properties.${key} left out: HubSpot reads it as ${name}, which an earlier property already is`);
      continue;
    }
    const text = propertyText(value);
    if (text === undefined) {
      warn?.(`properties.${key} left out: HubSpot event properties are text, numbers or booleans (an object has no text form)`);
      continue;
    }
    kept.set(name, cut(text, /url|referrer/.test(name) ? MAX_URL_VALUE_CHARS : MAX_VALUE_CHARS));
  }
  const names = [...kept.keys()].sort().slice(0, MAX_EVENT_PROPERTIES);
  if (kept.size > MAX_EVENT_PROPERTIES) warn?.(`${kept.size - MAX_EVENT_PROPERTIES} properties left out: HubSpot takes ${MAX_EVENT_PROPERTIES} an event (the first in name order are sent)`);
  return Object.fromEntries(names.map((name) => [name, kept.get(name)!]));
}

/** The time the event happened, ISO 8601 in UTC: what the blueprint mapped, else the event's timestamp. */
function occurredAtOf(mapped: JsonValue | undefined, event: CanonicalEvent): string | undefined {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  if (source === undefined || source === null || source === '') return undefined;
  const ms = readInstantMs(source) ?? Number.NaN;
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new PermanentError(`HubSpot takes occurredAt as an ISO 8601 date-time; the blueprint mapped ${JSON.stringify(source)} to occurredAt`);
  }
  return new Date(ms).toISOString();
}

/**
 * The HubSpot custom event a mapped event is: the fully qualified name the blueprint mapped to
 * `eventName`, else the one config.event_names gives the event's name (the blueprint's `event`,
 * else the track call's); undefined when neither names one.
 */
function eventNameOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): string | undefined {
  if (typeof payload.eventName === 'string' && EVENT_NAME_PATTERN.test(payload.eventName.trim())) return payload.eventName.trim();
  const name = typeof payload.event === 'string' ? payload.event : event.event;
  return customEventFor(name ?? undefined, ctx.config);
}

/**
 * The occurrence of a mapped event, or null when config.event_names does not name it (the
 * event is not sent: dropped, not an error). The contact is named by `objectId` (a record id
 * the blueprint mapped), `email` (normalised) and `utk` (the hubspotutk cookie), as many as are
 * usable; an event with none is refused (dead-lettered, saying why): HubSpot would not know
 * whose it is.
 *
 * @example
 * occurrenceOf({ event: 'Order Completed', email: 'Jane@Example.com', occurredAt: '2024-03-24T16:00:00.000Z', properties: { order_id: 'O-1' } }, event, ctx);
 * // { occurrence: { eventName: 'pe1234567_order_completed', email: 'jane@example.com', occurredAt: '2024-03-24T16:00:00.000Z', uuid: '…', properties: { order_id: 'O-1' } } }
 */
export function occurrenceOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const eventName = eventNameOf(payload, event, ctx);
  if (eventName === undefined) return null;
  const occurrence: JsonObject = { eventName };
  const objectId = typeof payload.objectId === 'number' ? String(payload.objectId) : typeof payload.objectId === 'string' ? payload.objectId.trim() : undefined;
  if (objectId !== undefined && RECORD_ID.test(objectId)) occurrence.objectId = objectId;
  const email = normalizeEmail(payload.email);
  if (email !== undefined) occurrence.email = email;
  const utk = typeof payload.utk === 'string' ? payload.utk.trim() : event.context?.cookies?.hubspotutk?.trim();
  if (utk !== undefined && UTK.test(utk)) occurrence.utk = utk.toLowerCase();
  if (occurrence.objectId === undefined && occurrence.email === undefined && occurrence.utk === undefined) {
    throw new PermanentError('HubSpot links a custom event to a contact by its record id, email or the hubspotutk cookie, and this event has none usable (no email in its traits, no hubspotutk cookie from HubSpot\'s tracking code): it would belong to no one');
  }
  const occurredAt = occurredAtOf(payload.occurredAt, event);
  if (occurredAt !== undefined) occurrence.occurredAt = occurredAt;
  occurrence.uuid = eventUuid(usableId(payload.uuid) ? String(payload.uuid) : event.messageId);
  occurrence.properties = eventProperties(payload.properties, ctx.warn);
  return { [OCCURRENCE]: occurrence };
}
