// The requests carrying mapped events to the Insights API: `POST {base}/1/events` with
// `{ "events": [...] }`, authenticated by the X-Algolia-Application-Id and X-Algolia-API-Key
// headers. Algolia: "You can include up to 1,000 events in a single request, but the request
// body must be smaller than 2 MB."
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authHeaders } from './config.ts';
import { insightsBaseOf } from './hosts.ts';

/** Events a request: Algolia's documented maximum. */
export const MAX_EVENTS = 1000;
/** Bytes of JSON a request: "smaller than 2 MB", read as 2,000,000 bytes, less a margin. */
export const MAX_BYTES = 1_900_000;
export const EVENTS_PATH = '/1/events';

function envelope(events: JsonValue[]): JsonObject {
  return { events };
}

/**
 * The `/1/events` request for some events, in order.
 *
 * @example
 * eventsRequest(events, ctx);
 * // { method: 'POST', url: 'https://insights.algolia.io/1/events', headers: { 'x-algolia-application-id': 'APPID', … }, body: { events: [...] }, eventIds: [...] }
 */
export function eventsRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${insightsBaseOf(ctx.config)}${EVENTS_PATH}`,
    headers: { 'content-type': 'application/json', ...authHeaders(ctx.config) },
    body: envelope(events.map((e) => e.payload)),
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 1,000 events and 1,900,000 bytes (the
 * envelope counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(twoThousandAndOne, ctx).map((r) => r.eventIds.length); // [1000, 1000, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  const overheadBytes = Buffer.byteLength(JSON.stringify(envelope([])));
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => eventsRequest(part, ctx));
}
