// The requests to AppLovin's Conversion API: POST https://b.applovin.com/v1/event?pixel_id=<Axon
// Event Key> with the Conversion API key as the Authorization header (as it is, no scheme) and
// `{ events: [ServerEvent, …] }` as the body.
import { configApiKey, configText, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';

/** AppLovin's Conversion API endpoint. */
export const EVENTS_ENDPOINT = 'https://b.applovin.com/v1/event';
/** "Maximum batch size is 100." */
export const MAX_EVENTS = 100;
/** AppLovin documents no byte limit: 1 MB, and a 413 splits the request. */
export const MAX_BYTES = 1_000_000;

/**
 * The endpoint for the configured pixel (the Axon Event Key, URL-encoded).
 *
 * @example
 * eventsUrl({ pixel_id: 'evk-1234' }); // 'https://b.applovin.com/v1/event?pixel_id=evk-1234'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${EVENTS_ENDPOINT}?pixel_id=${encodeURIComponent(configText(config, 'pixel_id') ?? '')}`;
}

/**
 * The requests for a batch: at most 100 events and 1 MB each, in order, every event once.
 *
 * @example
 * requestsFor(batch, ctx);
 * // [{ method: 'POST', url: 'https://b.applovin.com/v1/event?pixel_id=evk-1234',
 * //    headers: { authorization: '<Conversion API key>', 'content-type': 'application/json' },
 * //    body: { events: [{ name: 'purchase', … }] }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const overheadBytes = JSON.stringify({ events: [] }).length;
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => ({
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authorization: configApiKey(ctx.config, 'api_key'), 'content-type': 'application/json' },
    body: { events: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  }));
}
