// The requests: PutEvents (JSON 1.1 protocol, target AWSEvents.PutEvents) POSTed to the Region's
// endpoint, each event one entry `{ Source, DetailType, Detail, EventBusName, Time }` whose
// Detail is the mapped event's JSON as text, within AWS's limits: 10 entries a request, and
// entries adding up to at most 256 KB as AWS counts them (Time 14 bytes, and the UTF-8 bytes of
// Source, DetailType and Detail) — the limit of every Region, although AWS raised it to 1 MB in
// 2026 — with the serialised body within 1 MiB too. An event larger on its own goes alone, and
// AWS's answer decides (accepted up to 1 MB where the new limit is in force, else a dead letter
// saying so). Signed by `signPutEvents` when sent.
import { cutText, signAwsRequest, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { credentialsOf, detailTypeChoiceOf, eventBusOf, includesContactInfo, regionOf, sourceOf } from './config.ts';
import { isContactInfo } from './event-detail.ts';

/** Most entries in one PutEvents request. */
export const MAX_ENTRIES = 10;
/** Most bytes of a request's entries as AWS counts them (256 KB, the limit in every Region). */
export const MAX_ENTRIES_BYTES = 256 * 1024;
/** Most bytes of a serialised request body (Detail's JSON escaped inside the body's JSON may outgrow its count). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most characters of a DetailType. */
export const MAX_DETAIL_TYPE_CHARS = 128;
/** What AWS counts for an entry's Time, whatever its value. */
const TIME_BYTES = 14;
/** The JSON 1.1 content type of the API. */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** X-Amz-Target of PutEvents. */
export const TARGET = 'AWSEvents.PutEvents';
/** The signing name of EventBridge's endpoints. */
export const SIGNING_NAME = 'events';

/**
 * EventBridge's regional endpoint: `https://events.<region>.amazonaws.com/`
 * (`.amazonaws.com.cn` in the China Regions).
 *
 * @example
 * endpointOf('eu-west-1');  // 'https://events.eu-west-1.amazonaws.com/'
 * endpointOf('cn-north-1'); // 'https://events.cn-north-1.amazonaws.com.cn/'
 */
export function endpointOf(region: string): string {
  return `https://events.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}

/**
 * An event's DetailType: with `event_name` (the default) a track event's name, cut to 128
 * characters — the call's type when the name is blank, or is contact information (an email
 * as event name) while the config leaves it out; with `call_type` always the call's type.
 *
 * @example
 * detailTypeOf({ type: 'track', event: 'Order Completed' } as CanonicalEvent, {}); // 'Order Completed'
 * detailTypeOf({ type: 'page', name: 'Home' } as CanonicalEvent, {});               // 'page'
 * detailTypeOf({ type: 'track', event: 'Order Completed' } as CanonicalEvent, { detail_type: 'call_type' }); // 'track'
 */
export function detailTypeOf(event: Pick<CanonicalEvent, 'type' | 'event'>, config: Record<string, JsonValue>): string {
  const name = typeof event.event === 'string' ? event.event.trim() : '';
  if (detailTypeChoiceOf(config) === 'call_type' || event.type !== 'track' || name === '') return event.type;
  if (!includesContactInfo(config) && isContactInfo(name)) return event.type;
  // At most 128 UTF-16 units (as AWS's Java services count characters), never through a
  // character, and well-formed (a lone surrogate is no Unicode text).
  return cutText(name.toWellFormed(), MAX_DETAIL_TYPE_CHARS);
}

/**
 * An event's Time, as JSON 1.1 sends a timestamp: seconds since the epoch (milliseconds as the
 * fraction), from the event's timestamp; undefined when it reads as no time (EventBridge then
 * takes the time of the call).
 *
 * @example
 * eventTime('2026-11-30T11:59:58.250Z'); // 1796039998.25
 */
export function eventTime(timestamp: JsonValue | undefined): number | undefined {
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/**
 * An entry's size as AWS counts it against the request's limit: 14 bytes for Time, and the
 * UTF-8 bytes of Source, DetailType, Detail and each of Resources.
 *
 * @example
 * entrySize({ Source: 'com.acme.signal', DetailType: 'Order Completed', Detail: '{"a":1}', Time: 1796039998.25 }); // 14 + 15 + 15 + 7 = 51
 */
export function entrySize(entry: JsonObject): number {
  const bytes = (value: JsonValue | undefined) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce<number>((sum, resource) => sum + bytes(resource), 0) : 0;
  return (entry.Time === undefined ? 0 : TIME_BYTES) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/**
 * One event's entry: the config's source and bus, its DetailType, its mapped JSON as Detail,
 * and its timestamp as Time.
 *
 * @example
 * putEventsEntry(mapped, { source: 'com.acme.signal', event_bus_name: 'signal-events' });
 * // { Source: 'com.acme.signal', DetailType: 'Order Completed', Detail: '{"message_id":"m-1",…}', EventBusName: 'signal-events', Time: 1796039998.25 }
 */
export function putEventsEntry(detail: JsonObject, event: Pick<CanonicalEvent, 'type' | 'event' | 'timestamp'>, config: Record<string, JsonValue>): JsonObject {
  const time = eventTime(event.timestamp);
  return {
    Source: sourceOf(config),
    DetailType: detailTypeOf(event, config),
    Detail: JSON.stringify(detail),
    EventBusName: eventBusOf(config),
    ...(time === undefined ? {} : { Time: time }),
  };
}

/**
 * The request putting these entries on the bus (unsigned: `signPutEvents` signs it when it is sent).
 *
 * @example
 * putEventsRequest([entry], ['m-1'], config);
 * // { method: 'POST', url: 'https://events.eu-west-1.amazonaws.com/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
 * //   body: { Entries: [entry] }, eventIds: ['m-1'] }
 */
export function putEventsRequest(entries: JsonObject[], eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return {
    method: 'POST',
    url: endpointOf(regionOf(config)),
    headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET },
    body: { Entries: entries },
    eventIds,
  };
}

/** The bytes of `{"Entries":[]}`, the body around the entries. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ Entries: [] }));

/**
 * The requests of a batch: each event one entry, in the batch's order, packed into requests of
 * at most 10 entries, 256 KB of entries as AWS counts them and 1 MiB of body. An entry too
 * large on its own goes alone, and AWS's answer decides its fate.
 */
export function putEventsRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  const requests: RequestDescriptor[] = [];
  let entries: JsonObject[] = [];
  let ids: string[] = [];
  let counted = 0;
  let bodyBytes = ENVELOPE_BYTES;
  for (const mapped of batch) {
    const entry = putEventsEntry(mapped.payload, mapped.event, config);
    const size = entrySize(entry);
    const serialised = Buffer.byteLength(JSON.stringify(entry)) + 1; // + the comma between entries
    if (entries.length > 0 && (entries.length >= MAX_ENTRIES || counted + size > MAX_ENTRIES_BYTES || bodyBytes + serialised > MAX_BODY_BYTES)) {
      requests.push(putEventsRequest(entries, ids, config));
      entries = [];
      ids = [];
      counted = 0;
      bodyBytes = ENVELOPE_BYTES;
    }
    entries.push(entry);
    ids.push(mapped.id);
    counted += size;
    bodyBytes += serialised;
  }
  if (entries.length > 0) requests.push(putEventsRequest(entries, ids, config));
  return requests;
}

/**
 * A request signed with AWS Signature Version 4 for EventBridge in the configured Region, at
 * `ctx.now`: the `sign` hook, so the signature's time is the sending time (after any rate-limit
 * wait; AWS refuses a signature more than 5 minutes off its clock). The session token of
 * temporary credentials is sent and signed as `x-amz-security-token`.
 */
export function signPutEvents(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  return signAwsRequest(request, { region: regionOf(config), service: SIGNING_NAME, credentials: credentialsOf(config), now: ctx.now });
}
