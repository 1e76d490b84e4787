// What the Snowplow tracker protocol fixes, as Snowplow documents it: the self-describing JSON
// wrappers (payload_data 1-0-4 around a request's events, unstruct_event around a
// self-describing event, contexts around entities), the Snowplow schemas Signal sends events and
// entities of (never one of its own under Snowplow's vendor), the atomic fields' maximum lengths
// (Snowplow's atomic schema, which Enrich validates: a longer value fails the whole event), and
// how event ids are made when a messageId is no UUID.
import { nameBasedUuid } from '../../core/sdk/index.ts';

/** The plugin's version, in `tv` (v_tracker) as `signal-<version>`. */
export const PLUGIN_VERSION = '1.0.0';
/** The tracker version Signal's events carry (`tv`, at most 100 characters). */
export const TRACKER_VERSION = `signal-${PLUGIN_VERSION}`;

/** The body of a POST: a self-describing JSON whose data is the list of events. */
export const PAYLOAD_DATA_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
/** The wrapper of a self-describing event (`ue_px` / `ue_pr`). */
export const UNSTRUCT_EVENT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';
/** The wrapper of an event's context entities (`cx` / `co`). */
export const CONTEXTS_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';
/** The mobile trackers' screen view event: `name` and `id` (a UUID) required. */
export const SCREEN_VIEW_SCHEMA = 'iglu:com.snowplowanalytics.mobile/screen_view/jsonschema/1-0-0';
/** The mobile trackers' device entity: osType, osVersion, deviceManufacturer and deviceModel required. */
export const MOBILE_CONTEXT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-1';

/**
 * Most characters of the atomic fields Signal sets (Snowplow's atomic event properties; `url`
 * and `refr` as the default Enrich configuration allows them).
 */
export const FIELD_MAX_LENGTH: Readonly<Record<string, number>> = {
  uid: 255, duid: 128, tnuid: 128, ip: 128, ua: 1000, lang: 255, tz: 255,
  url: 10_000, refr: 10_000, page: 2000,
  se_ca: 1000, se_ac: 1000, se_la: 4096, se_pr: 1000,
};

/** Fields cut to their maximum when longer; the others (ids, URLs, addresses) are left out: cut, they would be wrong. */
export const CUT_FIELDS: ReadonlySet<string> = new Set(['ua', 'lang', 'page', 'se_ca', 'se_ac', 'se_la', 'se_pr']);

/** The namespace of event ids derived from messageIds: fixed forever, or events sent again would get new ids. */
export const EVENT_ID_NAMESPACE = '9f08b9b0-a28e-44c1-98c6-3b9863daf38c';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The event id (`eid`, which Snowplow requires to be a UUID): the messageId when it is one (in
 * lower case), else the name-based UUID (version 5) of the messageId — the same on every retry
 * and replay, so Snowplow's deduplication by event id holds.
 *
 * @example
 * eventIdOf('5A305BF5-32FC-40D9-B0E8-66052F0F2C95'); // '5a305bf5-32fc-40d9-b0e8-66052f0f2c95'
 * eventIdOf('ajs-next-1711296000000-abc');         // a UUID v5, always the same for this messageId
 */
export function eventIdOf(messageId: string): string {
  return UUID_TEXT.test(messageId) ? messageId.toLowerCase() : nameBasedUuid(messageId, { version: 5, namespace: EVENT_ID_NAMESPACE });
}

/**
 * A screen view's id (screen_view's `id`, a UUID): derived from the messageId like the event
 * id, but another UUID (the screen and the event that saw it are two things to Snowplow).
 *
 * @example
 * screenViewIdOf('m-1'); // a UUID v5, always the same for this messageId
 */
export function screenViewIdOf(messageId: string): string {
  return nameBasedUuid(`screen_view:${messageId}`, { version: 5, namespace: EVENT_ID_NAMESPACE });
}

/**
 * A self-describing JSON as the tracker protocol carries it: URL-safe Base64 of its JSON (the
 * `ue_px` and `cx` parameters; the trackers' encoding, without padding), or the JSON text itself
 * (`ue_pr` and `co`).
 *
 * @example
 * encodedJson({ schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: {} }, true); // 'eyJzY2hlbWEiOiJpZ2x1…'
 */
export function encodedJson(value: unknown, base64: boolean): string {
  const json = JSON.stringify(value);
  return base64 ? Buffer.from(json, 'utf8').toString('base64url') : json;
}
