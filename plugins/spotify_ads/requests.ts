// The requests to Spotify's Conversions API: POST https://capi.spotify.com/capi-direct/events/
// with the connection's token as a bearer token and
// `{ conversion_events: { capi_connection_id, events } }` as the body.
import { configApiKey, configText, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';

/** Spotify's direct CAPI endpoint (its trailing slash as Spotify writes it). */
export const EVENTS_URL = 'https://capi.spotify.com/capi-direct/events/';
/**
 * Spotify documents `events` as a list and no limit on it; 100 events a request is Signal's
 * choice, small enough that a request refused for one event (halved to find it) costs little.
 */
export const MAX_EVENTS = 100;
/** Spotify documents no byte limit either: 1 MB, and a 413 splits the request. */
export const MAX_BYTES = 1_000_000;

/** The body's envelope around the events, as Spotify documents it. */
export function envelope(config: Record<string, JsonValue>, events: JsonValue[]): { conversion_events: { capi_connection_id: string; events: JsonValue[] } } {
  return { conversion_events: { capi_connection_id: configText(config, 'connection_id') ?? '', events } };
}

/**
 * The requests for a batch: at most 100 events and 1 MB each, in order, every event once.
 *
 * @example
 * requestsFor(batch, ctx);
 * // [{ method: 'POST', url: 'https://capi.spotify.com/capi-direct/events/',
 * //    headers: { authorization: 'Bearer eyJ…', 'content-type': 'application/json' },
 * //    body: { conversion_events: { capi_connection_id: '2fd920ed-…', events: [{ event_name: 'PURCHASE', … }] } }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const overheadBytes = JSON.stringify(envelope(ctx.config, [])).length;
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => ({
    method: 'POST',
    url: EVENTS_URL,
    headers: { authorization: `Bearer ${configApiKey(ctx.config, 'access_token')}`, 'content-type': 'application/json' },
    body: envelope(ctx.config, part.map((e) => e.payload)),
    eventIds: part.map((e) => e.id),
  }));
}
