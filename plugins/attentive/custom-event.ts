// A track call as an Attentive custom event, for POST /v1/events/custom (Attentive: "Custom
// Events"): `type` (the event's name, case sensitive, without " ' ( ) { } [ ] \ | or commas),
// `properties` (keys without " { } [ ] \ or |; values of any type — lists and nested objects
// usable in email journeys only), `externalEventId` ("A unique identifier representing this
// specific event": the messageId, so a retry is recognised) and `occurredAt` (RFC 3339 with its
// UTC offset). Contact information stays out of the properties: the person is the `user`.
import { PermanentError, readText, removeContactInfo, utcTimeText, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

/** The longest event type the plugin sends (Attentive documents none; journeys list types by name). */
export const MAX_TYPE_CHARS = 255;
/** Characters a custom event's type cannot hold (Attentive's list). */
const TYPE_REFUSED = /["'(){}[\]\\|,]+/g;
/** Characters a property key cannot hold (Attentive's list). */
const KEY_REFUSED = /["{}[\]\\|]+/g;
/** Attentive: "There is a maximum of 200 object keys per custom event type" usable in journeys and macros. */
export const MAX_PROPERTY_KEYS = 200;
/** The most bytes of properties the plugin sends in one event (Attentive documents no limit: see the README's Unconfirmed). */
export const MAX_PROPERTIES_BYTES = 64_000;

/**
 * An event name as an Attentive custom event type: each run of refused characters becomes a
 * space, spaces folded, at most 255 characters. A name with nothing left is a PermanentError.
 *
 * @example
 * eventTypeOf('Order Shipped');            // 'Order Shipped'
 * eventTypeOf('Signed Up (trial), "pro"'); // 'Signed Up trial pro'
 */
export function eventTypeOf(value: JsonValue | undefined): string {
  const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const type = raw.replace(TYPE_REFUSED, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TYPE_CHARS).trim();
  if (type === '') throw new PermanentError(`Attentive needs a custom event type, and ${JSON.stringify(value ?? null)} leaves none once the characters it refuses (" ' ( ) { } [ ] \\ | ,) are out: rename the event, or map another type in the blueprint`);
  return type;
}

/** Keys fitted at any depth: refused characters out; a key left empty or clashing with an earlier one is left out with ctx.warn. */
function fittedObject(value: JsonObject, path: string, ctx: PluginContext): JsonObject {
  const entries = new Map<string, JsonValue>();
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    const name = key.replace(KEY_REFUSED, '').trim();
    if (name === '') {
      ctx.warn?.(`${path}.${key} left out: Attentive property names cannot be made only of " { } [ ] \\ |`);
      continue;
    }
    if (entries.has(name)) {
      ctx.warn?.(`${path}.${key} left out: without the characters Attentive refuses it is ${name}, which an earlier property has`);
      continue;
    }
    entries.set(name, fittedValue(item, `${path}.${key}`, ctx));
  }
  return Object.fromEntries(entries);
}

function fittedValue(value: JsonValue, path: string, ctx: PluginContext): JsonValue {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map((item, i) => fittedValue(item, `${path}.${i}`, ctx));
  if (value !== null && typeof value === 'object') return fittedObject(value, path, ctx);
  return value;
}

/**
 * An event's properties as Attentive takes them: contact information removed at any depth (the
 * person is the request's `user`), keys without the characters Attentive refuses, nulls left
 * out. A PermanentError over 64 KB; a warning past Attentive's 200 keys usable in journeys.
 * Undefined when nothing is left.
 *
 * @example
 * eventPropertiesOf({ plan: 'pro', 'tier[1]': 'gold', email: 'jane@example.com' }, ctx); // { plan: 'pro', tier1: 'gold' }
 */
export function eventPropertiesOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const properties = fittedObject(removeContactInfo(value), 'properties', ctx);
  const keys = Object.keys(properties).length;
  if (keys === 0) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(properties));
  if (bytes > MAX_PROPERTIES_BYTES) throw new PermanentError(`the event's properties take ${bytes} bytes; the plugin sends Attentive at most ${MAX_PROPERTIES_BYTES}: leave the large ones out with a pipeline transformation or the blueprint`);
  if (keys > MAX_PROPERTY_KEYS) ctx.warn?.(`properties: ${keys} keys; Attentive keeps them all but offers only ${MAX_PROPERTY_KEYS} per event type to journeys and macros`);
  return properties;
}

/**
 * The time an event occurred as RFC 3339 in UTC (`2024-03-24T16:00:00.000Z`, the form of
 * Attentive's examples), from the blueprint's value (ISO 8601 text, or seconds or milliseconds
 * since 1970) through the SDK's `utcTimeText`: text without an offset is UTC, never the server's
 * zone, and a year outside 1 to 9999 (which toISOString would write as ±YYYYYY, a 400 for the
 * whole event) is no time. Undefined when none was mapped or it cannot be read (said with
 * ctx.warn): Attentive then takes the time it receives the event, which is better than losing it.
 *
 * @example
 * occurredAtOf('2024-03-24T17:00:00+01:00', ctx); // '2024-03-24T16:00:00.000Z'
 * occurredAtOf('2024-03-24 16:00', ctx);          // '2024-03-24T16:00:00.000Z'
 */
export function occurredAtOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const occurredAt = utcTimeText(value);
  if (occurredAt === undefined) ctx.warn?.(`occurredAt left out: ${JSON.stringify(value)} is no time Attentive can read, so Attentive records the time it receives the event`);
  return occurredAt;
}

/** The event's id for Attentive's deduplication (externalEventId): the messageId as text. */
export function externalEventIdOf(value: JsonValue | undefined): string | undefined {
  return readText(value);
}

/**
 * The body of POST /v1/events/custom for a track call (the `user` already built).
 *
 * @example
 * customEventBody({ type: 'Order Shipped', properties: { carrier: 'fedex' }, external_event_id: 'm-1', occurred_at: '2024-03-24T16:00:00.000Z' }, user, ctx);
 * // { type: 'Order Shipped', properties: { carrier: 'fedex' }, externalEventId: 'm-1', occurredAt: '2024-03-24T16:00:00.000Z', user }
 */
export function customEventBody(payload: JsonObject, user: JsonObject, ctx: PluginContext): JsonObject {
  const body: JsonObject = { type: eventTypeOf(payload.type) };
  const properties = eventPropertiesOf(payload.properties, ctx);
  if (properties) body.properties = properties;
  const externalEventId = externalEventIdOf(payload.external_event_id);
  if (externalEventId !== undefined) body.externalEventId = externalEventId;
  const occurredAt = occurredAtOf(payload.occurred_at, ctx);
  if (occurredAt !== undefined) body.occurredAt = occurredAt;
  body.user = user;
  return body;
}
