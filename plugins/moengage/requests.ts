// The request MoEngage documents for batches, built here and performed by the core: the Bulk
// Import API, `POST {origin}/v1/transition/{Workspace ID}` with HTTP Basic auth (Workspace ID :
// Data API key), the `MOE-APPKEY: <Workspace ID>` header the Data API's request headers list,
// and `{ "type": "transition", "elements": [ … ] }` — users (`type: customer`, Track User's
// body) and events (`type: event`, Create Event's body) together, in the order they happened,
// at most 100 KB a request.
import { splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { basicAuthOf, optionsOf } from './config.ts';
import { originOf } from './hosts.ts';
import { ENVELOPE_BYTES, MAX_REQUEST_BYTES } from './moengage-element.ts';

/**
 * Elements per request (and events per delivery batch): MoEngage limits a request by its size
 * (100 KB), not by a count; 100 keeps a request's elements within the per-minute limits below
 * when requests follow each other closely.
 */
export const MAX_ELEMENTS = 100;
export const MAX_BYTES = MAX_REQUEST_BYTES;

export const BULK_PATH_PREFIX = '/v1/transition/';

/**
 * The Bulk Import URL of a workspace.
 *
 * @example
 * bulkUrlOf({ workspace_id: 'W1', data_center: '02' }); // 'https://api-02.moengage.com/v1/transition/W1'
 */
export function bulkUrlOf(config: PluginContext['config']): string {
  return `${originOf(config)}${BULK_PATH_PREFIX}${encodeURIComponent(optionsOf(config).workspaceId)}`;
}

/**
 * Bulk Import requests for a batch of mapped elements, every element in exactly one, in the
 * batch's order (a user's attributes before their later events), within 100 KB each.
 *
 * @example
 * buildRequests(batch, ctx).map((r) => r.url); // ['https://api-01.moengage.com/v1/transition/W1']
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = bulkUrlOf(ctx.config);
  const headers = {
    'content-type': 'application/json',
    authorization: basicAuthOf(ctx.config),
    'moe-appkey': optionsOf(ctx.config).workspaceId,
  };
  return splitBatch(batch, { maxEvents: MAX_ELEMENTS, maxBytes: MAX_BYTES, overheadBytes: ENVELOPE_BYTES }).map((part) => ({
    method: 'POST' as const, url, headers,
    body: { type: 'transition', elements: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  }));
}
