// The requests carrying mapped events to Statsig: `POST {host}/v1/log_event` with
// `{ "events": [...] }`, the server secret as STATSIG-API-KEY and the sending time as
// STATSIG-CLIENT-TIME (Statsig: "used to normalize event timestamps against server time").
// Statsig documents no maximum of events or bytes a request (its API reference only says
// "Minimum array length: 1"): the limits below are the plugin's, conservative (see README,
// Unconfirmed).
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authHeaders } from './config.ts';
import { eventsOriginOf } from './hosts.ts';

/** Events a request: the plugin's limit (Statsig documents none). */
export const MAX_EVENTS = 500;
/** Bytes of JSON a request: the plugin's limit (Statsig documents none). */
export const MAX_BYTES = 1_000_000;
export const LOG_EVENT_PATH = '/v1/log_event';

function envelope(events: JsonValue[]): JsonObject {
  return { events };
}

/**
 * The log_event request for some events, in order.
 *
 * @example
 * logEventRequest(events, ctx);
 * // { method: 'POST', url: 'https://events.statsigapi.net/v1/log_event', headers: { 'statsig-api-key': 'secret-…', 'statsig-client-time': '1711296000000', … }, body: { events: [...] }, eventIds: [...] }
 */
export function logEventRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${eventsOriginOf(ctx.config)}${LOG_EVENT_PATH}`,
    headers: { 'content-type': 'application/json', ...authHeaders(ctx.config), 'statsig-client-time': String(ctx.now) },
    body: envelope(events.map((e) => e.payload)),
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 500 events and 1,000,000 bytes (the
 * envelope counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(oneThousandAndOne, ctx).map((r) => r.eventIds.length); // [500, 500, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  const overheadBytes = Buffer.byteLength(JSON.stringify(envelope([])));
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => logEventRequest(part, ctx));
}
