// The requests carrying events to Yahoo's CAPI: `POST {batch|streaming host}/v1/events/<pixelId>`
// with the events as a JSON array, the identity server's access token as `Authorization:
// Bearer`, and JSON as Content-Type and Accept, as Yahoo's Standard Conversion API page shows.
import { configText, PermanentError, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { ENDPOINT_HOSTS, endpointOf } from './config.ts';

/**
 * Events a request: Yahoo documents no count; 100 is Signal's choice, small enough that a
 * request refused for one event (halved to find it) costs little.
 */
export const MAX_EVENTS = 100;
/** Bytes a request: Signal's choice, far under Yahoo's 10 MB a second; a 413 splits the request. */
export const MAX_BYTES = 1_000_000;

/** The CAPI URL of the config's endpoint and pixel. */
export function eventsUrlOf(config: Record<string, JsonValue>): string {
  return `${ENDPOINT_HOSTS[endpointOf(config)]}/v1/events/${encodeURIComponent(configText(config, 'pixel_id') ?? '')}`;
}

/**
 * The requests of a batch: its events in requests of at most 100 events and 1 MB, in order.
 *
 * @example
 * requestsFor([{ id: 'm-1', event, payload: { eventName: 'purchase', … } }], { ...ctx, accessToken: 'eyJ…' });
 * // [{ method: 'POST', url: 'https://batch.datax.yahoo.com/v1/events/10012345',
 * //    headers: { authorization: 'Bearer eyJ…', 'content-type': 'application/json', accept: 'application/json' },
 * //    body: [{ eventName: 'purchase', … }], eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const token = ctx.accessToken;
  if (token === undefined || token === '') {
    throw new PermanentError('no access token was obtained for config.client_id (this Signal core does not exchange client credentials): upgrade Signal');
  }
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' };
  const url = eventsUrlOf(ctx.config);
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((part) => ({
    method: 'POST',
    url,
    headers,
    body: part.map((mapped) => mapped.payload),
    eventIds: part.map((mapped) => mapped.id),
  }));
}
