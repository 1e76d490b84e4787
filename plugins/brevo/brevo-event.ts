// A track call as a Brevo event, for POST /v3/events (Brevo: "Create an event"): `event_name`
// (up to 255 characters, "only alphanumeric characters, hyphens (-), and underscores (_)"),
// `identifiers` (at least one: `ext_id` from the userId, `email_id` from the person's email),
// `event_date` (ISO 8601; optional) and `event_properties` (keys up to 255 characters of the same
// alphabet; "Size is limited to 50KB"). Contact information stays out of the properties: a
// person's contact data goes to their contact, from identify.
import { mappedEmail, mappedUserId, PermanentError, removeContactInfo, type JsonObject, type JsonValue, type PluginContext, readInstantMs } from '../../core/sdk/index.ts';
import { EXT_IDS } from './identity.ts';

export const MAX_NAME_CHARS = 255;
export const MAX_PROPERTY_KEY_CHARS = 255;
/** Brevo: event_properties' "Size is limited to 50KB" (taken as 50,000 bytes of JSON, to be safe). */
export const MAX_PROPERTIES_BYTES = 50_000;

/** Every run of characters Brevo refuses in a name becomes one underscore; underscores at the ends go. */
function fitted(text: string, max: number): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, max).replace(/_+$/, '');
}

/**
 * An event name fitted to Brevo's rules (see `fitted`). A name with nothing left is a
 * PermanentError naming the event.
 *
 * @example
 * eventNameOf('Order Completed');       // 'Order_Completed'
 * eventNameOf('Produkt angesehen (€)'); // 'Produkt_angesehen'
 */
export function eventNameOf(value: JsonValue | undefined): string {
  const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const name = fitted(raw, MAX_NAME_CHARS);
  if (name === '') {
    throw new PermanentError(`Brevo needs an event name of letters, digits, hyphens or underscores, and ${JSON.stringify(value ?? null)} leaves none: rename the event, or map another event_name in the blueprint`);
  }
  return name;
}

/**
 * An object's keys fitted to Brevo's alphabet at any depth — Brevo segments and personalises on
 * nested properties too, and its rule on keys does not stop at the top — with nulls left out.
 * A key that is empty once fitted, or that an earlier key of the same object became, is left
 * out with ctx.warn naming its path. (A Map, not `in`: a key such as `constructor` is no clash.)
 */
function fittedObject(value: JsonObject, path: string, ctx: PluginContext): JsonObject {
  const entries = new Map<string, JsonValue>();
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    const name = fitted(key, MAX_PROPERTY_KEY_CHARS);
    if (name === '') {
      ctx.warn?.(`${path}.${key} left out: Brevo property names are letters, digits, hyphens and underscores`);
      continue;
    }
    if (entries.has(name)) {
      ctx.warn?.(`${path}.${key} left out: it is ${name} in Brevo's alphabet, which an earlier property has`);
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
 * The event's properties as Brevo takes them: contact information removed at any depth, keys
 * fitted to Brevo's alphabet at any depth (a key that is empty after it, or the same as an
 * earlier one, is left out with ctx.warn), nulls left out. A PermanentError when they are over
 * Brevo's 50 KB. Undefined when nothing is left.
 *
 * @example
 * eventPropertiesOf({ plan: 'pro', 'seat count': 3, email: 'jane@example.com', cart: { 'item count': 2 } }, ctx);
 * // { plan: 'pro', seat_count: 3, cart: { item_count: 2 } }
 */
export function eventPropertiesOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const properties = fittedObject(removeContactInfo(value), 'properties', ctx);
  if (Object.keys(properties).length === 0) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(properties));
  if (bytes > MAX_PROPERTIES_BYTES) {
    throw new PermanentError(`the event's properties take ${bytes} bytes; Brevo takes at most 50 KB of event_properties: leave the large ones out with a pipeline transformation or the blueprint`);
  }
  return properties;
}

/**
 * The time an event occurred as ISO 8601 in UTC (the form of Brevo's examples), from the
 * blueprint's value; undefined when none was mapped or it cannot be read (said with ctx.warn):
 * Brevo then takes the time it receives the event ("If no value is passed, the timestamp of
 * the event creation is used"), which is better than losing the event.
 *
 * @example
 * eventDateOf('2024-03-24T17:00:00.250+01:00', ctx); // '2024-03-24T16:00:00.250Z'
 * eventDateOf(undefined, ctx);                       // undefined
 */
export function eventDateOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const ms = readInstantMs(value) ?? Number.NaN;
  // Date's range is ±8.64e15 ms: beyond it toISOString throws.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    ctx.warn?.(`event_date left out: ${JSON.stringify(value)} is no time Brevo can read, so Brevo records the time it receives the event`);
    return undefined;
  }
  return new Date(ms).toISOString();
}

/**
 * The body of POST /v3/events for a track call, or null when it names no contact: an
 * anonymous visitor's event (no userId, no email Signal knows) names no one in Brevo.
 *
 * @example
 * eventBody({ event_name: 'Signed Up', ext_id: 'u-1', email: 'jane@example.com', event_date: '2024-03-24T16:00:00.000Z', event_properties: { plan: 'pro' } }, ctx);
 * // { event_name: 'Signed_Up', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1', email_id: 'jane@example.com' }, event_properties: { plan: 'pro' } }
 */
export function eventBody(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const identifiers: JsonObject = {};
  const extId = mappedUserId(payload.ext_id, EXT_IDS);
  if (extId !== undefined) identifiers.ext_id = extId;
  let email: string | undefined;
  try {
    email = mappedEmail(payload.email, 'Brevo');
  } catch (error) {
    // With the userId the event still names its contact: the bad address is only left out.
    if (extId === undefined) throw error;
    ctx.warn?.(`identifiers.email_id left out: ${JSON.stringify(payload.email)} is not an email address`);
  }
  if (email !== undefined) identifiers.email_id = email;
  if (Object.keys(identifiers).length === 0) return null;
  const body: JsonObject = { event_name: eventNameOf(payload.event_name) };
  const eventDate = eventDateOf(payload.event_date, ctx);
  if (eventDate !== undefined) body.event_date = eventDate;
  body.identifiers = identifiers;
  const properties = eventPropertiesOf(payload.event_properties, ctx);
  if (properties) body.event_properties = properties;
  return body;
}
