// The request PostHog's capture API documents for many events: `POST {host}/batch/` with the
// project API key in the body (`api_key`), `historical_migration` for imports of past data,
// and the events under `batch`. "There is no limit on the number of events you can send in a
// batch, but the entire request body must be less than 20MB." Built here, performed by the core.
import { configApiKey, splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { ingestionBaseOf } from './hosts.ts';

/**
 * Bytes of JSON per request: under PostHog's 20 MB, in both readings (capture's limit is 20 MiB,
 * `BATCH_BODY_SIZE`), so no batch costs a 413 and a split.
 */
export const MAX_BYTES = 20_000_000;
/**
 * Events per request. PostHog sets no count; a request PostHog refuses (400) is refused whole
 * and sent again in halves to find the event it refuses, so batches are kept to 1,000 events
 * (Signal's delivery jobs hold 100 to 500; a worker's fetch of ten jobs is cut into requests).
 */
export const MAX_EVENTS = 1000;
/** The path of the batch endpoint (the trailing slash as PostHog's examples write it). */
export const BATCH_PATH = '/batch/';

/** The body around the events: the project API key, and the historical flag when it is on. */
function envelope(ctx: PluginContext, batch: JsonValue[]): JsonObject {
  return { api_key: configApiKey(ctx.config), ...(ctx.config.historical_migration === true ? { historical_migration: true } : {}), batch };
}

/**
 * The `/batch/` request for some events, in order.
 *
 * @example
 * batchRequest(events, ctx); // { method: 'POST', url: 'https://us.i.posthog.com/batch/', body: { api_key: 'phc_…', batch: [...] }, eventIds: [...] }
 */
export function batchRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${ingestionBaseOf(ctx.config)}${BATCH_PATH}`,
    headers: { 'content-type': 'application/json' },
    body: envelope(ctx, events.map((e) => e.payload)),
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 1,000 events and 20,000,000 bytes
 * (the envelope counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(twoThousandAndOne, ctx).map((r) => r.eventIds.length); // [1000, 1000, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  const overheadBytes = Buffer.byteLength(JSON.stringify(envelope(ctx, [])));
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => batchRequest(part, ctx));
}
