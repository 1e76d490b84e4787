// The requests carrying logs to Datadog's Logs intake: `POST
// https://http-intake.logs.<site>/api/v2/logs` with a JSON array of logs, the API key as
// DD-API-KEY, `Content-Type: application/json`, and by default the body gzipped with
// `Content-Encoding: gzip` ("Datadog recommends sending your logs compressed"). The Send logs
// page's limits per request: "Maximum content size per payload (uncompressed): 5MB", "Maximum
// array size if sending multiple logs in an array: 1000 entries".
import { gzipJson, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { logsUrlOf, optionsOf } from './config.ts';

/** Logs a request: "1000 entries". */
export const MAX_EVENTS = 1000;
/** Bytes of JSON a request, uncompressed: "5MB" (read as 5,000,000 bytes, the smaller reading). */
export const MAX_BYTES = 5_000_000;

/**
 * The Send logs request for some logs, in order: their JSON array, gzipped unless
 * config.compression is none (gzip gives the same bytes for the same logs, so a retry sends
 * the same request).
 *
 * @example
 * logsRequest(events, ctx);
 * // { method: 'POST', url: 'https://http-intake.logs.datadoghq.com/api/v2/logs',
 * //   headers: { 'content-type': 'application/json', 'dd-api-key': '…', 'content-encoding': 'gzip' }, body: <gzip of '[{…}]'>, eventIds }
 */
export function logsRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const options = optionsOf(ctx.config);
  const logs = events.map((e) => e.payload);
  const gzip = options.compression === 'gzip';
  return {
    method: 'POST',
    url: logsUrlOf(ctx.config),
    headers: { 'content-type': 'application/json', 'dd-api-key': options.apiKey, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipJson(logs) : logs,
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 1,000 logs and 5,000,000 bytes of JSON
 * (the array's brackets counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(twoThousandAndOne, ctx).map((r) => r.eventIds.length); // [1000, 1000, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((part) => logsRequest(part, ctx));
}
