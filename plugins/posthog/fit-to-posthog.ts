// What the blueprint mapped, fitted to the event PostHog's capture API takes: `{ event,
// distinct_id, properties, timestamp, uuid }`. The ids, the uuid, the IP and the person
// operations come from the blueprint's top-level fields (which it maps from the canonical
// event) — never from the site's properties, which lose PostHog's reserved keys — and the
// plugin adds what PostHog's JavaScript SDK would: `$device_id`, `$process_person_profile`
// for anonymous events, `$geoip_disable` without the visitor's IP, the page's `$host`,
// `$pathname` and `$referring_domain`. What PostHog would drop without a word (no name, no
// distinct_id) or refuse with the whole request (a bad uuid, an event over its size limit)
// is dead-lettered here, each event on its own.
import { isJsonObject, PermanentError, trimmedText, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { PostHogOptions } from './config.ts';
import { distinctIdText, usableDistinctId, uuidFor } from './identity.ts';

/** PostHog's event names for the calls that are not track events. */
export const EVENTS = { pageview: '$pageview', screen: '$screen', identify: '$identify', set: '$set', alias: '$create_alias' } as const;

/**
 * Properties PostHog reads as identity, person operations, geolocation or routing rather than
 * as data. A browser must not choose them, so the event's `properties` never supply them
 * (the blueprint's pass-through copies the site's properties there): the plugin removes them
 * and sets its own from the blueprint's top-level fields.
 */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  'distinct_id', '$distinct_id', '$device_id', '$anon_distinct_id', '$ip', '$process_person_profile',
  '$set', '$set_once', '$unset', 'token', '$token', 'api_key',
]);

/**
 * The largest event sent, in bytes of JSON. Capture produces each event as one Kafka message of
 * at most 1,000,000 bytes (its `kafka_producer_message_max_bytes`), the event's JSON inside
 * an envelope as an escaped string; a larger one fails its whole request. Kept under that
 * with room for the envelope and the escaping.
 */
export const MAX_EVENT_BYTES = 900_000;

/** `$referrer` and `$referring_domain` of a page without a referrer, as PostHog's JavaScript SDK sends them. */
export const DIRECT = '$direct';

/** A top-level field the blueprint mapped, or undefined (null counts as none). */
function field(payload: JsonObject, key: string): JsonValue | undefined {
  const value = Object.hasOwn(payload, key) ? payload[key] : undefined;
  return value === null ? undefined : value;
}

/** A distinct id of a mapped field, as PostHog stores it; undefined when PostHog would refuse it. */
function idOf(value: JsonValue | undefined): string | undefined {
  return usableDistinctId(value) ? distinctIdText(value) : undefined;
}

/** A URL's parts, or undefined when the text is not an absolute http(s) URL. */
function urlOf(value: JsonValue | undefined): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A date-time with its offset, as RFC 3339 writes it (capture and PostHog's ingestion read these as they are). */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The event time as ISO 8601: the blueprint's `timestamp`, else the event's; undefined without
 * either (PostHog then uses its own clock). A date-time with its offset is sent as it is (its
 * precision kept); other text JavaScript reads (a date alone, a time without offset, which it
 * reads in the server's zone) and epoch milliseconds are sent in UTC, so PostHog reads the
 * instant Signal read rather than guessing a zone.
 */
function timestampOf(mapped: JsonValue | undefined, event: CanonicalEvent): string | undefined {
  const value = mapped ?? event.timestamp;
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`PostHog takes timestamp as an ISO 8601 date-time; the blueprint mapped ${JSON.stringify(value)}`);
  return typeof value === 'string' && RFC_3339.test(value.trim()) ? value.trim() : new Date(ms).toISOString();
}

/** The web properties PostHog's JavaScript SDK sends with every event of a page: host, path, referrer and its domain. */
function addPageProperties(properties: JsonObject, pageview: boolean): void {
  const page = urlOf(properties.$current_url);
  if (page === undefined) return;
  properties.$host ??= page.host;
  if (pageview) properties.$pathname ??= page.pathname;
  const referrer = urlOf(properties.$referrer);
  if (referrer !== undefined) properties.$referring_domain ??= referrer.host;
  else if (properties.$referrer === undefined || properties.$referrer === null || properties.$referrer === '') {
    properties.$referrer = DIRECT;
    properties.$referring_domain ??= DIRECT;
  }
}

/** Person properties of a `$set`/`$set_once` the blueprint mapped: an object, or nothing. */
function personProperties(value: JsonValue | undefined, key: string): JsonObject | undefined {
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) throw new PermanentError(`PostHog takes ${key} as an object of person properties; the blueprint mapped ${JSON.stringify(value)}`);
  return value;
}

/** Who an event is about, by PostHog's rules for its name. */
interface Who {
  distinctId: string;
  /** Whether the event names the visitor by its anonymous id (no usable userId). */
  anonymous: boolean;
  /** The event's name, when the identity changes it (an identify without a user: `$set`). */
  event?: string;
}

/** The distinct id of an event; null when it is not to be sent; throws when it cannot be. */
function whoOf(name: string, payload: JsonObject, event: CanonicalEvent, options: PostHogOptions): Who | null {
  const userId = idOf(field(payload, 'distinct_id'));
  const deviceId = idOf(field(payload, '$device_id'));
  const ids = `(userId ${JSON.stringify(event.userId ?? null)}, anonymousId ${JSON.stringify(event.anonymousId ?? null)})`;
  if (name === EVENTS.identify) {
    if (userId !== undefined) return { distinctId: userId, anonymous: false };
    // A visitor's traits without a userId: only as a person profile of the visitor, which
    // `identified_only` does not create; `always` sets them on the visitor's person.
    if (options.personProfiles === 'always' && deviceId !== undefined) return { distinctId: deviceId, anonymous: true, event: EVENTS.set };
    return null;
  }
  if (name === EVENTS.alias) {
    if (userId === undefined) throw new PermanentError(`PostHog's $create_alias needs the userId the previousId becomes, and this alias has no usable one ${ids}`);
    return { distinctId: userId, anonymous: false };
  }
  if (userId !== undefined) return { distinctId: userId, anonymous: false };
  if (deviceId !== undefined) return { distinctId: deviceId, anonymous: true };
  throw new PermanentError(`PostHog needs a distinct_id and this event has no usable id ${ids}: PostHog drops events without one, and placeholders such as "null", "anonymous" or "guest" name no one`);
}

/**
 * The event as PostHog's `/batch/` takes it: `event`, `distinct_id` (the userId whenever
 * there is a usable one, else the anonymousId: `$device_id`), `properties` (the site's, less
 * `RESERVED_PROPERTIES`, then `$device_id`; `$ip`, or `$geoip_disable: true` without the
 * visitor's IP — PostHog would locate the visitor at Signal's address; `$process_person_profile:
 * false` on a visitor's events with `person_profiles: identified_only`; `$set`/`$set_once` on
 * an identify, with `$anon_distinct_id` when the visitor had another id; `alias` on
 * `$create_alias`), `timestamp` (ISO 8601) and `uuid` (see `uuidFor`). An identify without a
 * userId is a `$set` of the visitor's person with `person_profiles: always` and not sent
 * otherwise (null); an alias needs a userId and a different, usable previousId.
 *
 * @example
 * fitRecord({ event: 'Signed Up', distinct_id: null, $device_id: 'df_abc', uuid: 'm-1', properties: { plan: 'pro', $ip: '1.2.3.4' } }, event, { personProfiles: 'identified_only' });
 * // { event: 'Signed Up', distinct_id: 'df_abc', properties: { plan: 'pro', $device_id: 'df_abc', $geoip_disable: true, $process_person_profile: false }, timestamp: …, uuid: <UUIDv5 of m-1> }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, options: PostHogOptions): JsonObject | null {
  const mappedName = typeof payload.event === 'number' ? String(payload.event) : payload.event;
  if (typeof mappedName !== 'string' || mappedName.trim() === '') throw new PermanentError('PostHog needs an event name and the blueprint mapped none (event_name_target: event): PostHog drops events without one');
  if (payload.properties !== undefined && payload.properties !== null && !isJsonObject(payload.properties)) throw new PermanentError('PostHog takes properties as an object; the blueprint mapped another value to properties');
  const who = whoOf(mappedName, payload, event, options);
  if (who === null) return null;
  const name = who.event ?? mappedName;

  const messageId = field(payload, 'uuid') ?? event.messageId;
  if (messageId === undefined || String(messageId).trim() === '') throw new PermanentError('PostHog deduplicates events by uuid and this event has no messageId to derive one from');
  const timestamp = timestampOf(field(payload, 'timestamp'), event);

  const properties: JsonObject = {};
  const site = isJsonObject(payload.properties) ? payload.properties : {};
  for (const [key, value] of Object.entries(site)) if (!RESERVED_PROPERTIES.has(key)) properties[key] = value;
  const deviceId = idOf(field(payload, '$device_id'));
  if (deviceId !== undefined) properties.$device_id = deviceId;
  const ip = trimmedText(field(payload, '$ip'));
  if (ip !== undefined) properties.$ip = ip;
  else properties.$geoip_disable = true;
  if (who.anonymous && options.personProfiles === 'identified_only' && name !== EVENTS.set) properties.$process_person_profile = false;

  if (name === EVENTS.identify || name === EVENTS.set) {
    properties.$set = personProperties(field(payload, '$set'), '$set') ?? {};
    const setOnce = personProperties(field(payload, '$set_once'), '$set_once');
    if (setOnce !== undefined) properties.$set_once = setOnce;
    // PostHog adds the visitor's id to the user's person (merging the visitor's person into it
    // when it has one), so the visitor's later events by that id count for the user. Events
    // sent before as anonymous events stay anonymous (PostHog: "All past events remain
    // anonymous and are not changed").
    const anonymous = idOf(field(payload, '$anon_distinct_id'));
    if (name === EVENTS.identify && anonymous !== undefined && anonymous !== who.distinctId) properties.$anon_distinct_id = anonymous;
  }
  if (name === EVENTS.alias) {
    const alias = idOf(field(payload, 'alias'));
    if (alias === undefined || alias === who.distinctId) {
      throw new PermanentError(`PostHog's $create_alias merges another id into the userId, and this alias has no usable previousId different from it (previousId ${JSON.stringify(field(payload, 'alias') ?? null)})`);
    }
    properties.alias = alias;
  }
  addPageProperties(properties, name === EVENTS.pageview);

  const record: JsonObject = { event: name, distinct_id: who.distinctId, properties, uuid: uuidFor(String(messageId)) };
  if (timestamp !== undefined) record.timestamp = timestamp;
  const bytes = Buffer.byteLength(JSON.stringify(record));
  if (bytes > MAX_EVENT_BYTES) {
    throw new PermanentError(`PostHog refuses an event this large (${bytes} bytes of JSON; each event travels as a message of at most 1,000,000 bytes, and one over it fails its whole request): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
  }
  return record;
}
