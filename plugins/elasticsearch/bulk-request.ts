// The bulk request: `POST {endpoint}/_bulk`, newline-delimited JSON — for each event a `create`
// action line naming the index and the document's `_id`, then the document — the last line ended
// by a newline, as the bulk API requires. `create` (not `index`): a document whose `_id` is
// already there is refused with a 409 rather than overwritten, so a request sent again after a
// lost answer (a timeout after the cluster indexed it) or a replay indexes nothing twice; data
// streams accept only `create`. The `_id` is derived from the event's messageId and the pipeline
// integration: the same event always gets the same `_id`, while another pipeline's event that
// reuses a messageId (ids are per pipeline) gets another and is not taken for a copy.
import { allowedPrivateTargets } from '../../core/sdk/index.ts';
import { createHash } from 'node:crypto';
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { authHeaders, baseUrlOf, indexPatternOf } from './config.ts';
import { TIMESTAMP } from './document.ts';
import { indexNameAt } from './index-name.ts';

/**
 * Documents a request carries at most: the answer names each (a few hundred bytes an item), and
 * the core reads 1 MiB of an answer; Signal's delivery jobs hold 100 to 500 events.
 */
export const MAX_DOCUMENTS = 500;
/**
 * Bytes of a request's body at most: Signal's choice. Elastic advises benchmarking from small
 * requests and staying well under "a couple tens of megabytes"; its clients' bulk helpers flush
 * at 5 MB, far under `http.max_content_length` (100 MB by default; 10 MB on the smallest
 * Amazon OpenSearch Service instances).
 */
export const MAX_BYTES = 5_000_000;

/**
 * The document's `_id`: a SHA-256 digest of the pipeline integration and the messageId, in
 * base64url (43 characters, under the 512 bytes an `_id` may have).
 *
 * @example
 * documentId('int_1', 'm-1'); // 'Qm9…' (43 characters)
 */
export function documentId(integrationId: string, messageId: string): string {
  return createHash('sha256').update(`${integrationId}\n${messageId}`).digest('base64url');
}

/** The index of a document: the configured name, its date part from the document's `@timestamp`. */
export function indexOf(document: JsonObject, pattern: string): string {
  const ms = Date.parse(String(document[TIMESTAMP]));
  // The map hook guarantees a readable @timestamp; a payload built otherwise is refused, not sent to a NaN index.
  if (Number.isNaN(ms)) throw new Error(`the document's @timestamp ${JSON.stringify(document[TIMESTAMP] ?? null).slice(0, 80)} is not a time: the index name's date is read from it`);
  return indexNameAt(pattern, ms);
}

/** The two lines of one event: its action and its document, each ended by a newline. */
export function bulkLines(event: MappedEvent, ctx: Pick<PluginContext, 'config' | 'integrationId'>): string {
  const action = { create: { _index: indexOf(event.payload, indexPatternOf(ctx.config)), _id: documentId(ctx.integrationId, event.event.messageId) } };
  return `${JSON.stringify(action)}\n${JSON.stringify(event.payload)}\n`;
}

/**
 * The bulk requests for a batch: its events in order, at most `MAX_DOCUMENTS` documents and
 * `MAX_BYTES` of body each, every event once (`eventIds` in the order of the answer's `items`).
 * An event larger than `MAX_BYTES` on its own is refused before sending (the core then
 * dead-letters that event alone, and sends the others).
 *
 * @example
 * bulkRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io/_bulk',
 * //    headers: { authorization: 'ApiKey …', 'content-type': 'application/x-ndjson' },
 * //    body: '{"create":{"_index":"signal-events-2026.11.30","_id":"…"}}\n{"@timestamp":"2026-11-30T11:59:58.250Z",…}\n', eventIds: ['m-1'] }]
 */
export function bulkRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = `${baseUrlOf(ctx.config)}/_bulk`;
  const headers = { ...authHeaders(ctx.config), 'content-type': 'application/x-ndjson' };
  const allow = allowedPrivateTargets(ctx.config);
  const requests: RequestDescriptor[] = [];
  let lines: string[] = [];
  let ids: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (ids.length === 0) return;
    requests.push({ method: 'POST', url, headers, body: lines.join(''), eventIds: ids, ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}) });
    lines = [];
    ids = [];
    bytes = 0;
  };
  for (const event of batch) {
    const pair = bulkLines(event, ctx);
    const size = Buffer.byteLength(pair);
    if (size > MAX_BYTES) {
      throw new Error(`the document is ${size.toLocaleString('en')} bytes of JSON, more than a bulk request carries (${MAX_BYTES.toLocaleString('en')}): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
    if (ids.length >= MAX_DOCUMENTS || bytes + size > MAX_BYTES) flush();
    lines.push(pair);
    ids.push(event.id);
    bytes += size;
  }
  flush();
  return requests;
}
