// The plugin's `map` hook: the blueprint's vendor event fitted to what Airship takes. Track
// calls become Custom Event objects (Airship: Custom Event object — body.name lower case,
// properties' strings at most 255 characters, occurred within the past 90 days and not in the
// future); identify calls become a named user's attribute assignment (`set` actions, `remove`
// for a trait given as null; Text values at most 255 characters). Both name the user by the
// named user id, the event's userId: an event without one is skipped, saying so.
import { isJsonObject, PermanentError, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

/** The two kinds of record: a custom event (POST /api/custom-events), an attribute assignment (POST /api/named_users/{id}/attributes). */
export const KINDS = ['event', 'attributes'] as const;
export type Kind = (typeof KINDS)[number];

/** Airship's named user ids: 1 to 128 characters, no leading or trailing white space. */
export const MAX_NAMED_USER_CHARS = 128;
/** The longest string Airship keeps in a custom event's properties, or in a Text attribute. */
export const MAX_TEXT_CHARS = 255;
/** How far back `occurred` may be: Airship takes events of the past 90 days. */
export const MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** Properties one custom event carries at most (Airship's Java library: "Events are limited to 100 properties"). */
export const MAX_PROPERTIES = 100;
/** Bytes of one request body the plugin sends at most (see README "Unconfirmed": Airship documents no byte limit). */
export const MAX_BODY_BYTES = 1_000_000;

/** The optional text fields of a custom event's body, as Airship names them. */
const BODY_TEXT_FIELDS = ['transaction', 'interaction_id', 'interaction_type', 'session_id', 'unique_id'] as const;

type Warn = ((message: string) => void) | undefined;

/** Text for a field: a string trimmed, a finite number as its digits; '' for anything else. */
function textOf(value: JsonValue | undefined): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' ? value.trim() : '';
}

/** A string cut to Airship's 255 characters (whole code points), saying so. */
function cutText(text: string, at: string, warn: Warn): string {
  const chars = Array.from(text);
  if (chars.length <= MAX_TEXT_CHARS) return text;
  warn?.(`${at} cut to ${MAX_TEXT_CHARS} characters, Airship's limit for strings`);
  return chars.slice(0, MAX_TEXT_CHARS).join('');
}

/**
 * An ISO 8601 UTC time to the second (`2024-03-24T16:00:00Z`), as Airship's examples write
 * `occurred` and attribute timestamps.
 *
 * @example
 * isoSeconds(Date.parse('2024-03-24T16:00:00.123Z')); // '2024-03-24T16:00:00Z'
 */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * The named user id: the blueprint's named_user_id (the userId), trimmed; undefined with the
 * reason when there is none (an anonymous visitor, a placeholder id). An id over Airship's 128
 * characters is an error: no named user can have it.
 *
 * @example
 * namedUserOf({ named_user_id: ' u-1 ' }); // { id: 'u-1' }
 */
export function namedUserOf(payload: JsonObject): { id: string } | { why: string } {
  const raw = payload.named_user_id;
  const id = textOf(raw);
  if (id === '' || !usableId(id)) return { why: 'Airship names users by named user id (the userId) and this event has none (an anonymous visitor\'s)' };
  const chars = Array.from(id).length;
  if (chars > MAX_NAMED_USER_CHARS) throw new PermanentError(`the userId has ${chars} characters and Airship's named user ids have at most ${MAX_NAMED_USER_CHARS}`);
  return { id };
}

/**
 * A custom event's properties as Airship takes them: strings over 255 characters cut (at any
 * depth), nulls left out; undefined when nothing is left.
 *
 * @example
 * fitProperties({ plan: 'pro', note: null }, undefined); // { plan: 'pro' }
 */
export function fitProperties(value: JsonValue | undefined, warn: Warn, at = 'properties'): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const fitted = fitPropertyValue(item, `${at}.${key}`, warn);
    if (fitted !== undefined) out[key] = fitted;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function fitPropertyValue(value: JsonValue, at: string, warn: Warn): JsonValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return cutText(value, at, warn);
  if (Array.isArray(value)) return value.flatMap((item, i) => { const fitted = fitPropertyValue(item, `${at}[${i}]`, warn); return fitted === undefined ? [] : [fitted]; });
  if (isJsonObject(value)) return fitProperties(value, warn, at) ?? {};
  return value;
}

/** The first 100 properties of an event's (top level), saying which were left out: more could refuse the whole array. */
function keepFirstProperties(properties: JsonObject, warn: Warn): JsonObject {
  const keys = Object.keys(properties);
  if (keys.length <= MAX_PROPERTIES) return properties;
  const left = keys.slice(MAX_PROPERTIES);
  warn?.(`properties: ${left.length} left out (${excerptKeys(left)}): Airship keeps at most ${MAX_PROPERTIES} properties on a custom event`);
  return Object.fromEntries(keys.slice(0, MAX_PROPERTIES).map((key) => [key, properties[key]!]));
}

function excerptKeys(keys: string[]): string {
  return keys.length <= 5 ? keys.join(', ') : `${keys.slice(0, 5).join(', ')}, …`;
}

/** `occurred`: the event's time to the second; over 90 days old is an error, a future time left out (Airship then takes the time it receives it). */
function occurredOf(payload: JsonObject, event: CanonicalEvent, now: number, warn: Warn): string | undefined {
  const ms = readInstantMs(payload.occurred ?? event.timestamp);
  if (ms === undefined) return undefined;
  if (now - ms > MAX_AGE_MS) throw new PermanentError(`the event happened ${isoSeconds(ms)}, more than 90 days before it is sent, and Airship refuses custom events older than that`);
  if (ms > now) {
    warn?.(`occurred left out: ${isoSeconds(ms)} is in the future, which Airship refuses (it takes the time it receives the event instead)`);
    return undefined;
  }
  return isoSeconds(ms);
}

function fitEvent(payload: JsonObject, event: CanonicalEvent, namedUser: string, ctx: PluginContext, warn: Warn): JsonObject {
  const raw = textOf(payload.name);
  if (raw === '') throw new PermanentError('Airship needs the custom event\'s name (body.name) and the blueprint mapped none');
  const name = raw.toLowerCase();
  const body: JsonObject = { name };
  if (payload.value !== undefined && payload.value !== null) {
    if (typeof payload.value === 'number' && Number.isFinite(payload.value)) body.value = payload.value;
    else warn?.(`value left out: ${JSON.stringify(payload.value)} is not a number, and Airship's value is one`);
  }
  for (const field of BODY_TEXT_FIELDS) {
    const text = textOf(payload[field]);
    if (text !== '') body[field] = text;
  }
  // Airship: interaction_type "should almost always be 'url' for web events"; interaction_id is the page's path.
  if (body.interaction_id !== undefined && body.interaction_type === undefined) body.interaction_type = 'url';
  const properties = fitProperties(payload.properties, warn);
  if (properties) body.properties = keepFirstProperties(properties, warn);
  const item: JsonObject = {};
  const occurred = occurredOf(payload, event, ctx.now, warn);
  if (occurred !== undefined) item.occurred = occurred;
  item.user = { named_user_id: namedUser };
  item.body = body;
  return item;
}

/**
 * Airship's predefined attributes of type Date: their values must be ISO 8601 date-times
 * `YYYY-MM-DDTHH:MM:SS` (Airship: Attribute types), so a trait such as `1990-05-01` is converted.
 */
export const DATE_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(['birthdate', 'account_creation']);

/**
 * A Date attribute's value as Airship takes it (`YYYY-MM-DDTHH:MM:SS`, UTC), or undefined when
 * the text is no calendar date (a bare number such as `1` parses as a date in JavaScript: refused).
 *
 * @example
 * dateAttributeValue('1990-05-01');              // '1990-05-01T00:00:00'
 * dateAttributeValue('1990-05-01T10:00:00+02:00'); // '1990-05-01T08:00:00'
 * dateAttributeValue('soon');                    // undefined
 */
export function dateAttributeValue(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : undefined;
}

/** One attribute assignment: `set` with a Text, Number or Date value, `remove` for null; anything else left out, saying so. */
function attributeOf(key: string, value: JsonValue, timestamp: string | undefined, warn: Warn): JsonObject | undefined {
  const stamp: JsonObject = timestamp === undefined ? {} : { timestamp };
  if (value === null) return { action: 'remove', key, ...stamp };
  if (typeof value === 'number' && Number.isFinite(value)) return { action: 'set', key, value, ...stamp };
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (DATE_ATTRIBUTE_KEYS.has(key)) {
      const date = dateAttributeValue(text);
      if (date === undefined) {
        warn?.(`attributes.${key} left out: ${JSON.stringify(cutText(text, `attributes.${key}`, undefined))} is not a date, and Airship's ${key} is a Date attribute (YYYY-MM-DDTHH:MM:SS)`);
        return undefined;
      }
      return { action: 'set', key, value: date, ...stamp };
    }
    return { action: 'set', key, value: cutText(text, `attributes.${key}`, warn), ...stamp };
  }
  warn?.(`attributes.${key} left out: Airship's attributes take text, numbers and dates (${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object: JSON attributes need a schema defined in Airship' : typeof value} given)`);
  return undefined;
}

function fitAttributes(payload: JsonObject, event: CanonicalEvent, warn: Warn): JsonObject | null {
  const ms = readInstantMs(payload.timestamp ?? event.timestamp);
  const timestamp = ms === undefined ? undefined : isoSeconds(ms);
  const attributes = (isJsonObject(payload.attributes) ? Object.entries(payload.attributes) : []).flatMap(([key, value]) => {
    const attribute = key.trim() === '' ? undefined : attributeOf(key.trim(), value, timestamp, warn);
    return attribute === undefined ? [] : [attribute];
  });
  if (attributes.length === 0) {
    warn?.('not sent: the identify has no trait Airship can keep as an attribute');
    return null;
  }
  return { attributes };
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as `{ kind, named_user_id, item }`:
 * - `event` → a Custom Event object `{ occurred?, user: { named_user_id }, body: { name (lower case), value?, transaction?, interaction_id?, interaction_type?, session_id?, unique_id?, properties? } }`;
 * - `attributes` → `{ attributes: [{ action: 'set', key, value, timestamp }, …] }` for the named user.
 * An event without a named user id (an anonymous visitor's), or an identify with no attribute
 * to set, is skipped (null) with a warning; a record over one request's bytes is refused.
 *
 * @example
 * fitRecord({ kind: 'event', named_user_id: 'u-1', name: 'Signed Up', properties: { plan: 'pro' } }, event, ctx);
 * // { kind: 'event', named_user_id: 'u-1', item: { occurred: '2024-03-24T16:00:00Z', user: { named_user_id: 'u-1' }, body: { name: 'signed up', properties: { plan: 'pro' } } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = ctx.warn;
  const kind: Kind = payload.kind === 'attributes' ? 'attributes' : 'event';
  const who = namedUserOf(payload);
  if ('why' in who) {
    warn?.(`not sent: ${who.why}`);
    return null;
  }
  const item = kind === 'event' ? fitEvent(payload, event, who.id, ctx, warn) : fitAttributes(payload, event, warn);
  if (item === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > MAX_BODY_BYTES - 2) throw new PermanentError(`this ${kind === 'event' ? 'custom event' : 'attribute assignment'} is ${bytes} bytes, over the ${MAX_BODY_BYTES} bytes the plugin sends in one request: leave its largest ${kind === 'event' ? 'properties' : 'traits'} out with the blueprint's exclude`);
  return { kind, named_user_id: who.id, item };
}
