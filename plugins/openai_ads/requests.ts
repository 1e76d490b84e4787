// The requests to OpenAI's Conversions API: POST https://bzr.openai.com/v1/events?pid=<Pixel ID>
// with the Conversions API key as a bearer token and `{ validate_only, events }` as the body.
import { configApiKey, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';

export const EVENTS_ENDPOINT = 'https://bzr.openai.com/v1/events';
/** OpenAI's limit: "batches of up to 1,000 events". */
export const MAX_EVENTS = 1000;
/**
 * OpenAI documents no byte limit; 1 MB (Signal's choice) keeps a full batch of ordinary events
 * in one request, and a 413 splits the batch anyway.
 */
export const MAX_BYTES = 1_000_000;

/**
 * The events URL of the configured pixel.
 *
 * @example
 * eventsUrl({ pixel_id: '134534276512' }); // 'https://bzr.openai.com/v1/events?pid=134534276512'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${EVENTS_ENDPOINT}?pid=${encodeURIComponent(String(config.pixel_id ?? '').trim())}`;
}

/**
 * The requests for a batch: at most 1,000 events and 1 MB each, in order, every event once.
 *
 * @example
 * requestsFor(batch, ctx);
 * // [{ method: 'POST', url: 'https://bzr.openai.com/v1/events?pid=134534276512',
 * //    headers: { authorization: 'Bearer …', 'content-type': 'application/json' },
 * //    body: { validate_only: false, events: [{ id: 'm-1', type: 'order_created', … }] }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const validateOnly = ctx.config.validate_only === true;
  const envelope = JSON.stringify({ validate_only: validateOnly, events: [] }).length;
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: envelope }).map((part) => ({
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authorization: `Bearer ${configApiKey(ctx.config)}`, 'content-type': 'application/json' },
    body: { validate_only: validateOnly, events: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  }));
}
