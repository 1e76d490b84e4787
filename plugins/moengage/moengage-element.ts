// The plugin's `map` hook: the blueprint's record made into one element of MoEngage's Bulk
// Import (`elements` of `POST /v1/transition/{Workspace ID}`). A record with an `action` is an
// event — `{ type: 'event', customer_id, actions: [{ action, attributes, platform?,
// app_version?, current_time, user_timezone_offset? }] }`, Create Event's body; one without
// (the identify handler removes it) a user's attributes — `{ type: 'customer', customer_id,
// attributes }`, Track User's body. Whatever the blueprint gives, the plugin decides who the
// element is about (the userId as MoEngage's ID, customer_id; a site's properties never choose
// it), keeps MoEngage's documented rules (no `moe_` names, the IDs MoEngage refuses, the
// platform values, the time zone offset's range) and says what it left out.
import { isJsonObject, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/**
 * IDs MoEngage does not take as a user's ID (its SDKs' and Data API's list of refused
 * UniqueID values): an element naming one would create or update a shared user.
 */
export const REFUSED_CUSTOMER_IDS: ReadonlySet<string> = new Set([
  'unknown', 'guest', 'null', '0', '1', '2', '-1', '-2', 'true', 'false', 'user_attribute_unique_id', '(empty)', 'na', 'n/a',
  'dummy_seller_code', 'user_id', 'id', 'customer_id', 'uid', 'userid', 'none',
]);

/** MoEngage: "You cannot use moe_ as a prefix while naming events, event attributes, or user attributes". */
export const RESERVED_PREFIX = 'moe_';
/** MoEngage: user_timezone_offset "between -54000 to 54000" seconds. */
export const MAX_TIMEZONE_OFFSET_SECONDS = 54_000;
/** Create Event's platform values ("ANDROID, iOS, web, or unknown"). */
export const PLATFORMS = ['ANDROID', 'iOS', 'web', 'unknown'] as const;
/**
 * Bytes of one request's JSON (MoEngage: "a batch request of a maximum of 100 KB in a single API
 * call"; the Data API overview's 128 KB is not relied on). An element this large alone cannot go.
 */
export const MAX_REQUEST_BYTES = 100_000;
/** The bulk envelope around the elements: `{"type":"transition","elements":[…]}`. */
export const ENVELOPE_BYTES = Buffer.byteLength('{"type":"transition","elements":[]}');

type Warn = ((message: string) => void) | undefined;

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/**
 * The customer_id of a record: the userId the blueprint mapped, when it names someone
 * MoEngage takes (not a placeholder, not one of MoEngage's refused IDs).
 *
 * @example
 * customerIdOf('user-1'); // 'user-1'
 * customerIdOf('guest');  // undefined
 */
export function customerIdOf(value: JsonValue | undefined): string | undefined {
  return usableId(value, REFUSED_CUSTOMER_IDS) ? String(value).trim() : undefined;
}

/** MoEngage: "\"id\", \"_id\", and \"\" keywords are blocked and not to be used as user attribute names". */
export const BLOCKED_USER_ATTRIBUTES: ReadonlySet<string> = new Set(['id', '_id', '']);

/**
 * Attributes without MoEngage's reserved `moe_` names (and, for a user's, without the names it
 * blocks: `id`, `_id`, empty) and without undefined values.
 *
 * @example
 * fitAttributes({ plan: 'pro', moe_x: 1 }, 'traits', warn); // { plan: 'pro' } (and a warning)
 * fitAttributes({ plan: 'pro', _id: 'x' }, 'traits', warn, BLOCKED_USER_ATTRIBUTES); // { plan: 'pro' } (and a warning)
 */
export function fitAttributes(value: JsonValue | undefined, what: string, warn: Warn, blocked: ReadonlySet<string> = new Set()): JsonObject {
  const out: JsonObject = {};
  const reserved: string[] = [];
  const refused: string[] = [];
  for (const [key, item] of Object.entries(isJsonObject(value) ? value : {})) {
    if (item === undefined) continue;
    if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
      reserved.push(key);
      continue;
    }
    if (blocked.has(key.trim().toLowerCase())) {
      refused.push(JSON.stringify(key));
      continue;
    }
    out[key] = item;
  }
  if (reserved.length > 0) warn?.(`${what} left out: MoEngage reserves the moe_ prefix for itself (using it risks blacklisting): ${reserved.join(', ')}`);
  if (refused.length > 0) warn?.(`${what} left out: MoEngage blocks these as user attribute names: ${refused.join(', ')}`);
  return out;
}

/**
 * A UTC time as MoEngage's examples write it, ISO 8601 to the second (`2020-05-31T16:33:35Z`),
 * from a mapped time (ms, or ISO text), else the event's own, else when Signal received it.
 *
 * @example
 * currentTimeOf('2024-03-24T16:00:00.250Z', event); // '2024-03-24T16:00:00Z'
 */
export function currentTimeOf(value: JsonValue | undefined, event: CanonicalEvent): string {
  for (const candidate of [value, event.timestamp, event.receivedAt]) {
    if (typeof candidate !== 'string' && typeof candidate !== 'number') continue;
    const ms = typeof candidate === 'number' ? candidate : Date.parse(candidate);
    if (Number.isFinite(ms) && Math.abs(ms) < 8.64e15) return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return new Date(0).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The offset from UTC, in seconds, of an IANA time zone (the browser's `context.timezone`) at
 * a moment: MoEngage's user_timezone_offset (IST: 19800). Undefined for a zone the runtime does
 * not know or an offset outside MoEngage's ±54,000 s.
 *
 * @example
 * timezoneOffsetOf('Asia/Kolkata', Date.parse('2024-03-24T16:00:00Z')); // 19800
 */
export function timezoneOffsetOf(zone: string, atMs: number): number | undefined {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(atMs).find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    return undefined;
  }
  if (name === undefined) return undefined;
  if (name === 'GMT' || name === 'UTC') return 0;
  const match = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(name);
  if (!match) return undefined;
  const seconds = (Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60) * (match[1] === '-' ? -1 : 1);
  return Math.abs(seconds) <= MAX_TIMEZONE_OFFSET_SECONDS ? seconds : undefined;
}

/**
 * Create Event's platform: a mapped value in MoEngage's spelling (any case), else what the
 * event says — an app's iOS or Android, a browser's `web`; undefined when it is not known
 * (MoEngage: send unknown "or do not send any value"; a wrong one misleads its campaigns).
 *
 * @example
 * platformOf(undefined, { context: { page: { url: 'https://…' } } }); // 'web'
 */
export function platformOf(value: JsonValue | undefined, event: CanonicalEvent): string | undefined {
  const given = text(value).toLowerCase();
  const named = PLATFORMS.find((p) => p.toLowerCase() === given);
  if (named !== undefined) return named;
  const context = (event.context ?? {}) as JsonObject;
  const os = isJsonObject(context.os) ? text(context.os.name).toLowerCase() : '';
  if (isJsonObject(context.app) || isJsonObject(context.device)) {
    if (/\b(?:ios|ipados|iphone os)\b/.test(os)) return 'iOS';
    if (/\bandroid\b/.test(os)) return 'ANDROID';
  }
  if (isJsonObject(context.page) || text(context.userAgent) !== '' || event.type === 'page') return 'web';
  return undefined;
}

function within(element: JsonObject): JsonObject {
  const bytes = Buffer.byteLength(JSON.stringify(element)) + ENVELOPE_BYTES;
  if (bytes > MAX_REQUEST_BYTES) {
    throw new PermanentError(`MoEngage takes at most 100 KB a request, and this element alone is ${bytes} bytes: leave its largest attributes out with the blueprint's exclude`);
  }
  return element;
}

function fitEvent(payload: JsonObject, event: CanonicalEvent, customerId: string, warn: Warn): JsonObject {
  const name = text(payload.action);
  if (name === '') throw new PermanentError('MoEngage: the event has no name (action), which Create Event requires: map one in the blueprint');
  if (name.toLowerCase().startsWith(RESERVED_PREFIX)) {
    throw new PermanentError(`MoEngage reserves the moe_ prefix for its own events ("${name}"): rename the event in the blueprint`);
  }
  const currentTime = currentTimeOf(payload.current_time, event);
  const action: JsonObject = { action: name, attributes: fitAttributes(payload.attributes, 'event attributes', warn) };
  const platform = platformOf(payload.platform, event);
  if (platform !== undefined) action.platform = platform;
  const appVersion = text(payload.app_version);
  if (appVersion !== '') action.app_version = appVersion;
  action.current_time = currentTime;
  const zone = text(payload.timezone);
  if (typeof payload.user_timezone_offset === 'number' && Math.abs(payload.user_timezone_offset) <= MAX_TIMEZONE_OFFSET_SECONDS) {
    action.user_timezone_offset = Math.trunc(payload.user_timezone_offset);
  } else if (zone !== '') {
    const offset = timezoneOffsetOf(zone, Date.parse(currentTime));
    if (offset === undefined) warn?.(`user_timezone_offset left out: the time zone "${zone}" is not one the runtime knows (an IANA name such as Europe/Berlin)`);
    else action.user_timezone_offset = offset;
  }
  return within({ type: 'event', customer_id: customerId, actions: [action] });
}

function fitCustomer(payload: JsonObject, customerId: string, warn: Warn): JsonObject | null {
  const attributes = fitAttributes(payload.attributes, 'traits', warn, BLOCKED_USER_ATTRIBUTES);
  if (Object.keys(attributes).length === 0) {
    warn?.('not sent: no trait to set as a user attribute');
    return null;
  }
  return within({ type: 'customer', customer_id: customerId, attributes });
}

/**
 * The blueprint's record fitted to a MoEngage bulk element: an event, or a user's attributes;
 * null (not sent, with a warning) when it names no user MoEngage takes.
 *
 * @example
 * fitRecord({ customer_id: 'user-1', action: 'Signed Up', attributes: { plan: 'pro' } }, event);
 * // { type: 'event', customer_id: 'user-1', actions: [{ action: 'Signed Up', attributes: { plan: 'pro' }, platform: 'web', current_time: '2024-03-24T16:00:00Z' }] }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, warn?: Warn): JsonObject | null {
  const customerId = customerIdOf(payload.customer_id);
  if (customerId === undefined) {
    const given = text(payload.customer_id);
    warn?.(given === ''
      ? 'not sent: MoEngage needs the user\'s ID (customer_id, the userId), and this call has no userId'
      : `not sent: MoEngage refuses "${given}" as a user's ID (customer_id): it would name a user shared by everyone sent with it`);
    return null;
  }
  return 'action' in payload ? fitEvent(payload, event, customerId, warn) : fitCustomer(payload, customerId, warn);
}
