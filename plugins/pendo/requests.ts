// The requests Pendo documents, built here and performed by the core:
// - Track Events, `POST {origin}/data/track` with header `x-pendo-integration-key: <Track Event
//   shared secret>` and one event's JSON body a request (Pendo takes one event a request);
// - the Metadata API's bulk update, `POST {origin}/api/v1/metadata/visitor/{custom|agent}/value`
//   (`?create=true` to create unknown visitors) with header `x-pendo-integration-key:
//   <integration key>` and `[{ visitorId, values }, …]`, several visitors a request.
import { splitBatch, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { isMetadataRecord } from './pendo-event.ts';
import { originOf } from './hosts.ts';

/** Visitors per Metadata API request (and events per delivery batch): Pendo documents no limit; 100 keeps requests small. */
export const MAX_EVENTS = 100;
/** Bytes of JSON per request: Pendo documents none; 1 MB keeps well inside common API gateways' limits. */
export const MAX_BYTES = 1_000_000;

export const TRACK_PATH = '/data/track';
export const METADATA_PATH_PREFIX = '/api/v1/metadata/visitor/';

/** The rate-limit buckets of Pendo's endpoints (see `rateLimit.endpoints`). */
export const ENDPOINTS = { track: 'track', metadata: 'metadata' } as const;

const KEY_HEADER = 'x-pendo-integration-key';

/** One track event's request. */
function trackRequest(origin: string, secret: string, event: MappedEvent): RequestDescriptor {
  return {
    method: 'POST', url: `${origin}${TRACK_PATH}`,
    headers: { 'content-type': 'application/json', [KEY_HEADER]: secret },
    body: event.payload, eventIds: [event.id], endpoint: ENDPOINTS.track,
  };
}

/**
 * Groups of metadata records, none naming a visitor twice: the values of a second identify of
 * the same visitor go in a later request, so the later traits win as they would one by one.
 */
function withoutRepeats(records: MappedEvent[]): MappedEvent[][] {
  const groups: Array<{ ids: Set<string>; items: MappedEvent[] }> = [];
  for (const record of records) {
    const visitor = String(record.payload.visitorId);
    let last = -1;
    groups.forEach((g, index) => { if (g.ids.has(visitor)) last = index; });
    // The first group after the last one naming this visitor.
    let group = groups[last + 1];
    if (!group) {
      group = { ids: new Set(), items: [] };
      groups.push(group);
    }
    group.ids.add(visitor);
    group.items.push(record);
  }
  return groups.map((g) => g.items);
}

function metadataRequests(records: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const options = optionsOf(ctx.config);
  const url = `${originOf(ctx.config)}${METADATA_PATH_PREFIX}${options.metadataGroup}/value`;
  return withoutRepeats(records).flatMap((group) => splitBatch(group, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((part) => ({
    method: 'POST' as const, url,
    ...(options.createVisitors ? { query: [['create', 'true']] as Array<[string, string]> } : {}),
    headers: { 'content-type': 'application/json', [KEY_HEADER]: options.integrationKey ?? '' },
    body: part.map((e) => ({ visitorId: e.payload.visitorId, values: e.payload.values as JsonObject })),
    eventIds: part.map((e) => e.id), endpoint: ENDPOINTS.metadata,
  })));
}

/**
 * Requests for a batch of mapped events, every event in exactly one: each track event in a
 * request of its own, visitors' metadata in bulk Metadata API requests.
 *
 * @example
 * buildRequests(batch, ctx).map((r) => r.url);
 * // ['https://app.pendo.io/data/track', 'https://app.pendo.io/api/v1/metadata/visitor/custom/value']
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const origin = originOf(ctx.config);
  const { trackSecret } = optionsOf(ctx.config);
  const tracks = batch.filter((e) => !isMetadataRecord(e.payload));
  const metadata = batch.filter((e) => isMetadataRecord(e.payload));
  return [
    ...tracks.map((e) => trackRequest(origin, trackSecret, e)),
    ...(metadata.length > 0 ? metadataRequests(metadata, ctx) : []),
  ];
}
