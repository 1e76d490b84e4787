// The requests carrying custom events to New Relic's Event API: `POST
// {origin}/v1/accounts/{accountId}/events` with a JSON array of events, the key as Api-Key (or
// X-Insert-Key), `Content-Type: application/json`, and by default the body gzipped with
// `Content-Encoding: gzip` ("Always use compression with every payload"). The Event API takes
// at most 1 MB (10^6 bytes) a POST: the plugin keeps the JSON itself within that, so the
// request fits whether New Relic measures it before or after compression. New Relic documents
// no number of events a POST; 1,000 is the plugin's own bound (see README, Unconfirmed).
import { gzipJson, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authHeaders, eventsUrlOf, optionsOf } from './config.ts';

/** Events a request: the plugin's bound (New Relic documents none). */
export const MAX_EVENTS = 1000;
/** Bytes of JSON a request: the Event API's "1MB (10^6 bytes) maximum per POST". */
export const MAX_BYTES = 1_000_000;

/**
 * The Event API request for some events, in order: their JSON array, gzipped unless
 * config.compression is none (gzip's output is the same for the same input, so a retry sends
 * the same bytes).
 *
 * @example
 * eventsRequest(events, ctx);
 * // { method: 'POST', url: 'https://insights-collector.newrelic.com/v1/accounts/123/events',
 * //   headers: { 'content-type': 'application/json', 'api-key': '…', 'content-encoding': 'gzip' }, body: <gzip of '[{…}]'>, eventIds }
 */
export function eventsRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const json = events.map((e) => e.payload);
  const gzip = optionsOf(ctx.config).compression === 'gzip';
  return {
    method: 'POST',
    url: eventsUrlOf(ctx.config),
    headers: { 'content-type': 'application/json', ...authHeaders(ctx.config), ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipJson(json) : json,
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 1,000 events and 1,000,000 bytes of
 * JSON (the array's brackets counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(twoThousandAndOne, ctx).map((r) => r.eventIds.length); // [1000, 1000, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((part) => eventsRequest(part, ctx));
}
