// The requests carrying mapped events to Optimizely: `POST https://logx.optimizely.com/v1/events`
// (or eu.logx.optimizely.com) with the batch envelope Optimizely's Event API reference and SDKs
// use: { account_id, project_id, visitors: [...], anonymize_ip, client_name, client_version,
// enrich_decisions }. No credential: the Event API takes none. enrich_decisions: true asks
// Optimizely to attribute each conversion to the decisions it has logged for the visitor (the
// plugin sends no decisions of its own: Signal does not bucket visitors).
// Optimizely: "A single JSON object must be 3.5 MB or less"; it documents no maximum of visitors.
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';

/** Visitors a request: the plugin's limit (Optimizely documents none). */
export const MAX_EVENTS = 500;
/** Bytes of JSON a request: under Optimizely's 3.5 MB a JSON object. */
export const MAX_BYTES = 3_000_000;
/** Sent as client_name and client_version, which Optimizely asks for "for debugging". */
export const CLIENT_NAME = 'signal';
export const CLIENT_VERSION = '1.0.0';

function envelope(ctx: PluginContext, visitors: JsonValue[]): JsonObject {
  const options = optionsOf(ctx.config);
  return {
    account_id: options.accountId,
    project_id: options.projectId,
    visitors,
    anonymize_ip: options.anonymizeIp,
    client_name: CLIENT_NAME,
    client_version: CLIENT_VERSION,
    enrich_decisions: true,
  };
}

/**
 * The Event API request for some events, in order.
 *
 * @example
 * eventsRequest(events, ctx);
 * // { method: 'POST', url: 'https://logx.optimizely.com/v1/events', headers: { 'content-type': 'application/json' }, body: { account_id: '…', project_id: '…', visitors: [...], … }, eventIds: [...] }
 */
export function eventsRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: optionsOf(ctx.config).url,
    headers: { 'content-type': 'application/json' },
    body: envelope(ctx, events.map((e) => e.payload)),
    eventIds: events.map((e) => e.id),
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 500 visitors and 3,000,000 bytes (the
 * envelope counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(oneThousandAndOne, ctx).map((r) => r.eventIds.length); // [500, 500, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  const overheadBytes = Buffer.byteLength(JSON.stringify(envelope(ctx, [])));
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => eventsRequest(part, ctx));
}
