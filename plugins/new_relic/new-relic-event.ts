// Fits a mapped event to one custom event of New Relic's Event API: a flat JSON object with its
// eventType and attributes whose values are strings or numbers ("The API only accepts key-value
// pairs, not map/object or array values"). What the blueprint cannot say is done here:
// - the eventType: config.event_types by event name, then by call type, else config.event_type;
// - nested objects flattened into dotted names (properties.product.id), lists as JSON text,
//   booleans as "true"/"false" (the Event API takes strings and numbers only), nulls left out
//   ("The database does not store any data with a null value");
// - what New Relic would drop the event for, kept within its limits with a warning: attribute
//   values of at most 4,096 characters (cut), names of at most 255 (left out), at most 254
//   attributes (the data requirements page's "Maximum total attributes per event: 254"; the
//   Event API page says 255), names of letters, digits, _, . and : only (others become _);
// - names New Relic reserves left out (accountId, appId that is not an integer, entity.guid,
//   entity.name, entity.type, and the log forwarding keys): they are dropped or misread;
// - the timestamp in ms since the epoch, sent only within 24 hours of the sending time (New
//   Relic: "It must be +/-1 day (24 hours) of the current time on the server"); an older one is
//   sent as originalTimestamp, and New Relic dates the event when it receives it;
// - contact information left out wherever the blueprint puts it (recordWithoutContactInfo:
//   emails, phones, names, addresses in properties, traits and context; the IP address; URL
//   query strings; an id, group id or event name that is an email or a phone; an object key
//   that is one, which would become part of an attribute's name; and, by key and value, any
//   other field an edited blueprint adds): New Relic cannot delete custom events.
import { isJsonObject, namesNoOne, PermanentError, recordWithoutContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { MAX_BYTES } from './requests.ts';

/** Characters of an attribute value New Relic keeps (longer: the event is rejected). */
export const MAX_VALUE_CHARS = 4096;
/** Characters of an attribute name (longer: the event is rejected). */
export const MAX_NAME_CHARS = 255;
/** Attributes of one event, eventType and timestamp included. */
export const MAX_ATTRIBUTES = 254;
/** How far from the sending time a timestamp may be: New Relic's ±24 hours, less 5 minutes of clock skew. */
export const TIMESTAMP_WINDOW_MS = 24 * 3_600_000 - 5 * 60_000;

/** Attribute names New Relic drops or reads in its own way (its data requirements page). */
const RESERVED_NAMES = new Set(['accountId', 'entity.guid', 'entity.name', 'entity.type', 'log', 'hostname', 'plugin.type', 'fb.input']);
/** Characters of an attribute name: "alphanumeric characters, colons (:), periods (.), and underscores (_)". */
const NAME_CHAR = /[^A-Za-z0-9_.:]/g;
/** The visitor's ids, left out unless config.send_ids (and when an SDK's placeholder). */
const ID_FIELDS = new Set(['userId', 'anonymousId', 'previousId']);
/** Fields whose value alone is checked for an email address or a phone number. */
const VALUE_CHECKED = [...ID_FIELDS, 'groupId', 'eventName', 'name'];
/** Mapped fields that are not attributes: set by the plugin. */
const PLUGIN_FIELDS = new Set(['eventType', 'timestamp']);

type Warn = ((message: string) => void) | undefined;

/**
 * A text cut to `max` characters by code points, so that an emoji is never split in half.
 *
 * @example
 * cutText('a😀b', 2); // 'a'
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max) break;
    kept += char;
  }
  return kept;
}

/**
 * An object flattened into dotted names, in order: `{ a: { b: 1 } }` → `[['a.b', 1]]`. Lists
 * stay whole (sent as JSON text); empty objects give nothing.
 *
 * @example
 * flatten({ page: { url: 'https://shop.example/' }, tags: ['a'] });
 * // [['page.url', 'https://shop.example/'], ['tags', ['a']]]
 */
export function flatten(value: JsonObject, prefix = ''): [string, JsonValue][] {
  const out: [string, JsonValue][] = [];
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isJsonObject(item)) out.push(...flatten(item, name));
    else out.push([name, item]);
  }
  return out;
}

/**
 * An attribute value as the Event API takes it: a string or a finite number; booleans as
 * "true"/"false", lists as their JSON; null, absent and non-finite values give undefined.
 *
 * @example
 * attributeValue(true); // 'true'
 * attributeValue(['a', 'b']); // '["a","b"]'
 * attributeValue(null); // undefined
 */
export function attributeValue(value: JsonValue | undefined): string | number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/**
 * The eventType of an event: config.event_types by the track event's name, then by the call
 * type, else config.event_type.
 *
 * @example
 * eventTypeOf('track', 'Order Completed', { eventType: 'SignalEvent', eventTypes: { 'Order Completed': 'Purchase' } }); // 'Purchase'
 */
export function eventTypeOf(type: string, name: string | undefined, options: { eventType: string; eventTypes: Record<string, string> }): string {
  if (type === 'track' && name !== undefined && options.eventTypes[name] !== undefined) return options.eventTypes[name];
  return options.eventTypes[type] ?? options.eventType;
}

/** The timestamp attribute: ms since the epoch, whole, within New Relic's window of `now`. */
function timestampOf(payload: JsonObject, event: CanonicalEvent, now: number, attributes: JsonObject, warn: Warn): void {
  let ms = typeof payload.timestamp === 'number' && Number.isFinite(payload.timestamp) ? Math.trunc(payload.timestamp) : Date.parse(event.timestamp ?? event.receivedAt ?? '');
  if (!Number.isFinite(ms)) return;
  // Seconds given where ms were meant (a blueprint's to_unix_seconds): New Relic takes both.
  if (ms < 100_000_000_000) ms *= 1000;
  if (Math.abs(now - ms) <= TIMESTAMP_WINDOW_MS) {
    attributes.timestamp = ms;
    return;
  }
  attributes.originalTimestamp = ms;
  warn?.(`timestamp sent as originalTimestamp: the event's time (${new Date(ms).toISOString()}) is more than 24 hours from now, which New Relic's Event API does not take; New Relic dates the event when it receives it`);
}

/**
 * A mapped event without contact information wherever the (editable) blueprint puts it: New
 * Relic keeps events until its retention ends and cannot delete them. The SDK's
 * recordWithoutContactInfo cleans every field (a blueprint's `email` target too) and leaves out
 * keys that are themselves an email address or a phone number, which flattened would become
 * part of an attribute's name (`properties.recipients.jane@example.com`).
 *
 * @example
 * withoutContactInfo({ type: 'group', groupId: 'jane@example.com', email: 'jane@example.com', plan: 'pro', properties: { email: 'jane@example.com', sku: 'a' } });
 * // { type: 'group', plan: 'pro', properties: { sku: 'a' } }
 */
export function withoutContactInfo(record: JsonObject): JsonObject {
  return recordWithoutContactInfo(record, { valueChecked: VALUE_CHECKED });
}

/**
 * The custom event of a mapped event: `{ eventType, timestamp, …flat attributes }`, within
 * New Relic's limits, with warnings for what was cut, renamed or left out.
 *
 * @example
 * fitEvent({ type: 'track', eventName: 'Signed Up', timestamp: 1711296000000, properties: { plan: 'pro', trial: true } }, event, ctx, warn);
 * // { eventType: 'SignalEvent', timestamp: 1711296000000, type: 'track', eventName: 'Signed Up', 'properties.plan': 'pro', 'properties.trial': 'true' }
 */
export function fitEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject {
  const options = optionsOf(ctx.config);
  const type = typeof payload.type === 'string' && payload.type !== '' ? payload.type : event.type;
  const name = typeof payload.eventName === 'string' ? payload.eventName : undefined;
  const attributes: JsonObject = { eventType: eventTypeOf(type, name, options) };
  timestampOf(payload, event, ctx.now, attributes, warn);

  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (PLUGIN_FIELDS.has(key)) continue;
    if (ID_FIELDS.has(key) && (!options.sendIds || typeof value !== 'string' || namesNoOne(value))) continue;
    kept[key] = value;
  }
  const source = withoutContactInfo(kept);

  const renamed: string[] = [];
  const cut: string[] = [];
  const leftOut: string[] = [];
  for (const [original, raw] of flatten(source)) {
    const value = attributeValue(raw);
    if (value === undefined) continue;
    const name = original.replace(NAME_CHAR, '_');
    if (name === '' || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      leftOut.push(`"${original}" (an empty name)`);
      continue;
    }
    if (name.length > MAX_NAME_CHARS) {
      leftOut.push(`"${cutText(original, 40)}…" (a name over ${MAX_NAME_CHARS} characters)`);
      continue;
    }
    if (RESERVED_NAMES.has(name) || (name === 'appId' && !(typeof value === 'number' && Number.isInteger(value)))) {
      leftOut.push(`"${name}" (reserved by New Relic)`);
      continue;
    }
    if (name in attributes) {
      leftOut.push(`"${original}" (its name, as New Relic takes it, is another attribute's: ${name})`);
      continue;
    }
    if (name !== original) renamed.push(`"${original}" as ${name}`);
    if (typeof value === 'string' && value.length > MAX_VALUE_CHARS) {
      attributes[name] = cutText(value, MAX_VALUE_CHARS);
      cut.push(name);
    } else attributes[name] = value;
  }
  const names = Object.keys(attributes);
  if (names.length > MAX_ATTRIBUTES) {
    const over = names.slice(MAX_ATTRIBUTES);
    for (const name of over) delete attributes[name];
    warn?.(`${over.length} attribute(s) left out (${over.slice(0, 5).join(', ')}${over.length > 5 ? ', …' : ''}): New Relic rejects an event with more than ${MAX_ATTRIBUTES} attributes`);
  }
  if (renamed.length > 0) warn?.(`attribute(s) renamed, New Relic names holding only letters, digits, _, . and : — ${renamed.join(', ')}`);
  if (cut.length > 0) warn?.(`attribute(s) cut to ${MAX_VALUE_CHARS} characters, past which New Relic rejects the event: ${cut.join(', ')}`);
  if (leftOut.length > 0) warn?.(`attribute(s) left out: ${leftOut.join(', ')}`);
  refuseOversize(attributes);
  return attributes;
}

/**
 * Dead-letters an event whose JSON, alone in its array, is over the Event API's 1 MB a POST (254
 * values of 4,096 characters can reach 3 MB): New Relic would answer 413 to it whatever the
 * batch, so it is refused here, naming its largest attributes.
 *
 * @example
 * refuseOversize({ eventType: 'SignalEvent', 'properties.note': 'x'.repeat(4096) }); // (nothing: it fits)
 */
export function refuseOversize(attributes: JsonObject): void {
  const bytes = Buffer.byteLength(JSON.stringify(attributes)) + 2;
  if (bytes <= MAX_BYTES) return;
  const largest = Object.entries(attributes)
    .map(([name, value]) => [name, Buffer.byteLength(JSON.stringify(value))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, size]) => `${name} (${size} bytes)`);
  throw new PermanentError(`the event is ${bytes} bytes of JSON, over the ${MAX_BYTES} bytes New Relic's Event API takes in one POST even alone (it would answer 413); its largest attributes: ${largest.join(', ')}`);
}
