// The requests carrying events to the customer's Snowplow Collector, as the tracker protocol's
// example requests show them: POST <collector>/com.snowplowanalytics.snowplow/tp2 (or the
// configured POST path), Content-Type application/json, the body a payload_data self-describing
// JSON whose data lists the events. Events are grouped as the trackers group them: up to 40,000
// bytes a request (the web tracker's default maxPostBytes, "because the Snowplow Stream
// Collector can have a maximum request size"); a larger event goes alone, up to the collector's
// 1 MB limit ("the maximum size of a Kinesis record"). Each event's stm (dvce_sent_tstamp) is
// the moment its request is sent (set again by `sign`, after the rate limiter's wait).
import {
  PermanentError, allowedPrivateTargets, isJsonObject, type MappedEvent, type PluginContext, type RequestDescriptor,
} from '../../core/sdk/index.ts';
import { collectorEndpointOf, customHeadersOf } from './config.ts';
import { PAYLOAD_DATA_SCHEMA, PLUGIN_VERSION } from './protocol.ts';

/** Most events a request (the trackers send 10 by default; the byte target binds first for most events). */
export const MAX_EVENTS = 100;
/** The bytes a request's body is kept within while it holds several events: the trackers' default maxPostBytes. */
export const TARGET_BYTES = 40_000;
/** Most bytes of any body: the collector refuses more (1 MB, a Kinesis record), whatever its sink. */
export const MAX_BYTES = 1_000_000;
/** The body around the events: `{"schema":"iglu:…payload_data…","data":[` and `]}`. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ schema: PAYLOAD_DATA_SCHEMA, data: [] }));
/** `,"stm":"1711296000000"` and the comma between events. */
const STM_BYTES = Buffer.byteLength(',"stm":"0000000000000"') + 1;
/** Who sends, for events without their visitor's `ua` (the collector records this header then). */
export const USER_AGENT = `Signal-Snowplow/${PLUGIN_VERSION}`;

/** An event's share of a body: its JSON, its stm and a comma. */
const sizeOf = (mapped: MappedEvent): number => Buffer.byteLength(JSON.stringify(mapped.payload)) + STM_BYTES;

/**
 * The batch in groups of at most `MAX_EVENTS` events and `TARGET_BYTES` bytes of body, in order;
 * an event alone over the target is a group of its own.
 */
function groupsOf(batch: MappedEvent[]): MappedEvent[][] {
  const groups: MappedEvent[][] = [];
  let current: MappedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const mapped of batch) {
    const size = sizeOf(mapped);
    if (current.length > 0 && (current.length >= MAX_EVENTS || bytes + size > TARGET_BYTES)) {
      groups.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(mapped);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The headers of every request: JSON in UTF-8, Signal's User-Agent, and the config's custom
 * headers (a gateway's credential).
 *
 * @example
 * headersOf({ headers: { 'X-Api-Key': 'k-1' } });
 * // { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Signal-Snowplow/1.0.0', 'x-api-key': 'k-1' }
 */
export function headersOf(config: PluginContext['config']): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT, ...customHeadersOf(config) };
}

/**
 * The events' requests: one POST per group, each event with `stm` the delivery's time. An
 * event whose body alone passes the collector's 1 MB throws (and is dead-lettered saying so).
 *
 * @example
 * requestsFor([mapped], ctx);
 * // [{ method: 'POST', url: 'https://collector.example.com/com.snowplowanalytics.snowplow/tp2',
 * //    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Signal-Snowplow/1.0.0' },
 * //    body: { schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [{ e: 'pv', …, stm: '1711296000000' }] },
 * //    eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = collectorEndpointOf(ctx.config);
  const headers = headersOf(ctx.config);
  const allow = allowedPrivateTargets(ctx.config);
  const stm = String(ctx.now);
  return groupsOf(batch).map((group) => {
    const body = { schema: PAYLOAD_DATA_SCHEMA, data: group.map((mapped) => ({ ...mapped.payload, stm })) };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    if (bytes > MAX_BYTES) throw new PermanentError(`the event is ${bytes} bytes as the collector receives it, more than the ${MAX_BYTES} a Snowplow Collector takes (a Kinesis record's limit): its properties are too large`);
    return {
      method: 'POST',
      url,
      headers: { ...headers },
      body,
      eventIds: group.map((mapped) => mapped.id),
      ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
    };
  });
}

/**
 * The request as it is sent: each event's `stm` the sending moment (`ctx.now` at `sign` time),
 * so Snowplow's derived_tstamp (collector time minus the device's sending delay) is the event's
 * own time however long the request waited.
 *
 * @example
 * withSentTime(request, 1711296000123).body.data[0].stm; // '1711296000123'
 */
export function withSentTime(request: RequestDescriptor, now: number): RequestDescriptor {
  const body = request.body;
  if (!isJsonObject(body) || !Array.isArray(body.data)) return request;
  const stm = String(now);
  return { ...request, body: { ...body, data: body.data.map((event) => (isJsonObject(event) ? { ...event, stm } : event)) } };
}
