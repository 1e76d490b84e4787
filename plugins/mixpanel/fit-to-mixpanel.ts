// What the blueprint mapped, fitted to Mixpanel's two record shapes (Import Events; User
// Profiles, /engage): an event `{event, properties}` with the time, the ids and an $insert_id
// Mixpanel accepts — set by the plugin, never taken from the site's properties — or a profile
// update `{$distinct_id, $ip, <one operation>}` with its reserved contact properties
// normalised. What Mixpanel would refuse for good is dead-lettered here, each event on its own
// and with the reason, rather than sent for a failed record.
import { isJsonObject, PermanentError, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { distinctIdOf, insertIdFor, usableId } from './identity.ts';
import { normalizeProfileProperties, type ProfileOptions } from './profile-properties.ts';

/**
 * The profile operations the plugin sends to /engage; an update carries exactly one. Only
 * operations that give the same profile when applied twice: an update may reach Mixpanel twice
 * (retried after a timeout or a 5xx, or sent again after a 413 split, when Mixpanel may already
 * have applied it). `$remove` takes a value out of a list: again, it finds it gone.
 */
export const PROFILE_OPERATIONS = ['$set', '$set_once', '$unset', '$union', '$remove'] as const;
/** /engage operations that add to what the profile holds, so that applied twice they count twice: refused. */
const ADDING_OPERATIONS = ['$add', '$append'] as const;
/** What an /engage update may hold besides its operation ($token is added when sending). */
const PROFILE_KEYS = ['$distinct_id', '$ip', '$ignore_time', '$ignore_alias', '$latitude', '$longitude'] as const;
/** Mixpanel refuses event times before 1971-01-01. */
const EARLIEST_TIME_MS = Date.UTC(1971, 0, 1);
/** Mixpanel reads a time below this as seconds, above it as milliseconds. */
const MS_THRESHOLD = 1e11;
/** The event Mixpanel's JavaScript SDK sends for a page view. */
export const PAGE_VIEW_EVENT = '$mp_web_page_view';
/**
 * `ip: "0"` (events) and `$ip: "0"` (profiles) tell Mixpanel not to geolocate: without an IP of
 * the visitor it would locate every one of them at Signal's server.
 */
export const NO_GEOLOCATION = '0';
/**
 * Mixpanel's limit on one record: "Each event must be smaller than 1MB of uncompressed JSON"
 * (Import Events), a profile update "a maximum of 1 MB" (User Profile limits); kept under both
 * readings of "MB" (a record of this many bytes or more is refused), and so well within a
 * request's 2 MiB.
 */
export const MAX_RECORD_BYTES = 1_000_000;

/** A URL's parts, or undefined when the text is not an absolute http(s) URL. */
function urlOf(text: JsonValue | undefined): URL | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The event time in ms: the blueprint's top-level `time` (seconds or ms, as Mixpanel reads it), else the event's timestamp. */
function timeOf(mapped: JsonValue | undefined, event: CanonicalEvent): number {
  if (mapped === undefined || mapped === null) {
    const parsed = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
    if (!Number.isFinite(parsed)) throw new PermanentError('Mixpanel needs a time and this event has no timestamp: map timestamp to time with to_unix_ms');
    return parsed;
  }
  if (typeof mapped !== 'number' || !Number.isFinite(mapped)) {
    throw new PermanentError(`Mixpanel needs the time as a number (seconds or milliseconds since epoch); the blueprint mapped ${JSON.stringify(mapped)} to time: use the to_unix_ms transform`);
  }
  const ms = Math.abs(mapped) < MS_THRESHOLD ? mapped * 1000 : mapped;
  if (ms < EARLIEST_TIME_MS) throw new PermanentError(`Mixpanel refuses events before 1971-01-01 (time ${mapped})`);
  return Math.round(ms);
}

/**
 * Event properties Mixpanel reads as identity, deduplication, time, geolocation or routing,
 * rather than as data: `distinct_id`, `$user_id` and `$device_id` (Simplified ID Merge links a
 * `$device_id` to a `$user_id` for good the first time an event carries both), `$insert_id`
 * and `time` (deduplication), `ip` (geolocation), `token`, `$ignore` (Mixpanel drops the event
 * without saying so), `bucket`/`$bucket` and `$distinct_id`. A browser must not choose them, so
 * `properties` never supplies them, whatever the blueprint copied there (its pass-through
 * copies the site's properties): the plugin removes them and sets its own.
 */
export const RESERVED_EVENT_PROPERTIES: ReadonlySet<string> = new Set(['distinct_id', '$distinct_id', '$user_id', '$device_id', '$insert_id', 'time', 'ip', 'token', '$ignore', 'bucket', '$bucket']);

/** A reserved field the blueprint mapped at the top level of the payload (beside `event` and `properties`), or undefined. */
function mappedField(payload: JsonObject, key: string): JsonValue | undefined {
  const value = Object.hasOwn(payload, key) ? payload[key] : undefined;
  return value === null ? undefined : value;
}

/** An id for `$user_id`/`$device_id`: the blueprint's, else the canonical event's; undefined when Mixpanel would refuse it. */
function idOf(mapped: JsonValue | undefined, fromEvent: string | undefined): string | undefined {
  const value = mapped !== undefined ? mapped : fromEvent;
  return usableId(value) ? String(value) : undefined;
}

/**
 * An event as /import takes it: `event` and `properties` only. The reserved properties (see
 * `RESERVED_EVENT_PROPERTIES`) come from the blueprint's top-level fields of the same names —
 * `time`, `$insert_id`, `$user_id`, `$device_id`, `distinct_id`, `ip`, which a blueprint maps
 * from the canonical event and a site's properties cannot reach — or else from the canonical
 * event itself (timestamp, messageId, userId, anonymousId, context.ip); any the properties
 * hold are removed. Then: `time` in ms, `$insert_id` valid, `$user_id`/`$device_id` only when
 * usable (a placeholder such as `"null"` is left out), `distinct_id` the `$user_id` whenever
 * there is one (Simplified ID Merge requires it), else the blueprint's `distinct_id`, else
 * `$device:<$device_id>`; `ip: "0"` without the visitor's IP; on page views the URL parts
 * Mixpanel's JavaScript SDK sends (`current_domain`, `current_url_protocol`) and the
 * `$referring_domain` of a `$referrer`.
 *
 * @example
 * fitEvent({ event: 'Signed Up', time: 1711296000000, $device_id: 'df_abc', properties: { plan: 'pro', $user_id: 'someone-else' } }, event);
 * // { event: 'Signed Up', properties: { time: 1711296000000, distinct_id: '$device:df_abc', $insert_id: <messageId>, $device_id: 'df_abc', ip: '0', plan: 'pro' } }
 */
export function fitEvent(payload: JsonObject, event: CanonicalEvent): JsonObject {
  const name = typeof payload.event === 'number' ? String(payload.event) : payload.event;
  if (typeof name !== 'string' || name.trim() === '') throw new PermanentError('Mixpanel needs an event name and the blueprint mapped none (event_name_target: event)');
  if (payload.properties !== undefined && !isJsonObject(payload.properties)) throw new PermanentError('Mixpanel takes properties as an object; the blueprint mapped another value to properties');
  const time = timeOf(mappedField(payload, 'time'), event);
  const insertSource = mappedField(payload, '$insert_id') ?? event.messageId;
  if (insertSource === undefined || String(insertSource).trim() === '') throw new PermanentError('Mixpanel needs an $insert_id and this event has no messageId');
  const userId = idOf(mappedField(payload, '$user_id'), event.userId);
  const deviceId = idOf(mappedField(payload, '$device_id'), event.anonymousId);
  const mappedDistinctId = mappedField(payload, 'distinct_id');
  const distinctId = userId ?? (usableId(mappedDistinctId) ? String(mappedDistinctId) : distinctIdOf(undefined, deviceId));
  if (distinctId === undefined) {
    throw new PermanentError(`Mixpanel needs a distinct_id and this event has no usable id (userId ${JSON.stringify(event.userId ?? null)}, anonymousId ${JSON.stringify(event.anonymousId ?? null)}): Mixpanel refuses placeholders such as "null" or "anonymous"`);
  }
  const mappedIp = mappedField(payload, 'ip') ?? event.context?.ip;
  const ip = typeof mappedIp === 'number' ? String(mappedIp) : mappedIp;
  const properties: JsonObject = { time, distinct_id: distinctId, $insert_id: insertIdFor(String(insertSource)) };
  if (userId !== undefined) properties.$user_id = userId;
  if (deviceId !== undefined) properties.$device_id = deviceId;
  properties.ip = typeof ip === 'string' && ip.trim() !== '' ? ip : NO_GEOLOCATION;
  for (const [key, value] of Object.entries(payload.properties ?? {})) if (!RESERVED_EVENT_PROPERTIES.has(key)) properties[key] = value;
  if (name === PAGE_VIEW_EVENT) {
    const page = urlOf(properties.$current_url);
    if (page) {
      properties.current_domain ??= page.hostname;
      properties.current_url_protocol ??= page.protocol;
    }
  }
  const referrer = urlOf(properties.$referrer);
  if (referrer) properties.$referring_domain ??= referrer.hostname;
  return { event: name, properties };
}

/**
 * A profile update as /engage takes it: a usable `$distinct_id`, `$ip` (`"0"` without the
 * visitor's IP), and exactly one operation of `PROFILE_OPERATIONS` (`$add` and `$append` are
 * refused: see there); `$set`/`$set_once` with `$email`, `$phone` and `$created` normalised
 * (see profile-properties.ts). An `$email` or `$phone` that cannot be used dead-letters the
 * update, naming it and why (sent without it, it would be lost without a trace). Null when
 * nothing is left to update (a bare identify, blank contact properties): nothing is sent.
 *
 * @example
 * fitProfileUpdate({ $distinct_id: 'user-123', $set: { $email: ' Jane@Example.com ' } });
 * // { $distinct_id: 'user-123', $ip: '0', $set: { $email: 'jane@example.com' } }
 */
export function fitProfileUpdate(payload: JsonObject, options: ProfileOptions = {}): JsonObject | null {
  const adding = ADDING_OPERATIONS.filter((operation) => payload[operation] !== undefined);
  if (adding.length > 0) {
    throw new PermanentError(`the blueprint mapped ${adding.join(' and ')}, which the plugin does not send: a profile update may reach Mixpanel twice (retried after a timeout or a 5xx, or sent again after a 413), and ${adding.join(' or ')} would then count twice; map a $set of the total (or $union for a list) instead`);
  }
  const operations = PROFILE_OPERATIONS.filter((operation) => payload[operation] !== undefined);
  if (operations.length !== 1) {
    throw new PermanentError(`a Mixpanel profile update carries exactly one operation (${PROFILE_OPERATIONS.join(', ')}); the blueprint mapped ${operations.length === 0 ? 'none' : operations.join(' and ')}`);
  }
  const operation = operations[0]!;
  const distinctId = payload.$distinct_id;
  if (!usableId(distinctId)) {
    throw new PermanentError(`Mixpanel sets profiles on a user's distinct_id and this update has no usable one (${JSON.stringify(distinctId ?? null)}): Mixpanel refuses placeholders such as "null" or "anonymous"`);
  }
  const update: JsonObject = {};
  for (const key of PROFILE_KEYS) if (payload[key] !== undefined) update[key] = payload[key]!;
  update.$distinct_id = String(distinctId);
  if (typeof update.$ip === 'number') update.$ip = String(update.$ip);
  if (typeof update.$ip !== 'string' || update.$ip.trim() === '') update.$ip = NO_GEOLOCATION;
  let value = payload[operation]!;
  if (operation === '$set' || operation === '$set_once') {
    if (!isJsonObject(value)) throw new PermanentError(`Mixpanel takes ${operation} as an object of properties; the blueprint mapped ${JSON.stringify(value)}`);
    const normalized = normalizeProfileProperties(value, options);
    if (normalized.leftOut.length > 0) {
      // Sending the rest would lose these without a trace: the update waits in the dead letters.
      const problems = normalized.leftOut.map((p) => `${operation}.${p.key} ${p.reason}`).join('; ');
      throw new PermanentError(`the profile update was not sent: ${problems}. Fix the value at the source${normalized.leftOut.some((p) => p.reason.includes('default_country_code')) ? ' (or set config.default_country_code)' : ''}, or leave it out with a pipeline transformation, then replay`);
    }
    value = normalized.properties;
    if (Object.keys(value).length === 0) return null;
  }
  update[operation] = value;
  return update;
}

/**
 * The plugin's `map` hook: a payload with `event` is an event, one with `$distinct_id` or a
 * profile operation a profile update; anything else is refused saying what to map.
 *
 * @example
 * fitPayload({ $distinct_id: 'u-1', $set: {} }, event); // null: nothing to update
 */
export function fitPayload(payload: JsonObject, event: CanonicalEvent, options: ProfileOptions = {}): JsonObject | null {
  let record: JsonObject | null;
  if (payload.event !== undefined) record = fitEvent(payload, event);
  else if (payload.$distinct_id !== undefined || [...PROFILE_OPERATIONS, ...ADDING_OPERATIONS].some((operation) => payload[operation] !== undefined)) record = fitProfileUpdate(payload, options);
  else throw new PermanentError('the blueprint mapped neither a Mixpanel event (event and properties) nor a profile update ($distinct_id and $set)');
  const bytes = record === null ? 0 : Buffer.byteLength(JSON.stringify(record));
  if (bytes >= MAX_RECORD_BYTES) {
    throw new PermanentError(`Mixpanel refuses ${record!.event === undefined ? 'a profile update' : 'an event'} of 1 MB or more of JSON and this one has ${bytes} bytes: leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
  }
  return record;
}

/** Whether a mapped payload is a profile update (for /engage) rather than an event (for /import). */
export function isProfileUpdate(payload: JsonObject): boolean {
  return payload.event === undefined;
}
