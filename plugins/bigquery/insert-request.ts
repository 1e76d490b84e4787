// The streaming insert: `POST https://bigquery.googleapis.com/bigquery/v2/projects/{projectId}/
// datasets/{datasetId}/tables/{tableId}/insertAll` (tabledata.insertAll, which Google's docs now
// call the Storage Write API (REST), "still fully supported"), authorised by the service
// account's access token. Body: `{ skipInvalidRows: false, ignoreUnknownValues: false, rows:
// [ { insertId, json } ] }` — one invalid row refuses the request's rows (the others come back
// `stopped` and are sent again without it), and a value the table has no column for is an error
// rather than silently dropped. Google's limits: 10 MB a request, 50,000 rows, 500 recommended.
import { PermanentError, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { sendsInsertId, tableOf, type TableRef } from './config.ts';

/** Rows a request carries at most: Google recommends 500 (it takes up to 50,000). */
export const MAX_ROWS = 500;
/** Bytes of a request's body at most: Google's "HTTP request size limit: 10 MB", with a margin for the MB's reading. */
export const MAX_BYTES = 10_000_000;
/** The API's origin. */
export const BIGQUERY_API = 'https://bigquery.googleapis.com/bigquery/v2';

/** A path segment: percent-encoded, the colon of a domain-scoped project (`example.com:shop`) kept as a path may carry it. */
export const segment = (id: string): string => encodeURIComponent(id).replace(/%3A/gi, ':');

/**
 * The table's insertAll URL.
 *
 * @example
 * insertAllUrl({ projectId: 'shop-analytics', datasetId: 'signal', tableId: 'events' });
 * // 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/datasets/signal/tables/events/insertAll'
 */
export function insertAllUrl(table: TableRef): string {
  return `${BIGQUERY_API}/projects/${segment(table.projectId)}/datasets/${segment(table.datasetId)}/tables/${segment(table.tableId)}/insertAll`;
}

/** One row of the request: the event's messageId as insertId (unless turned off), the mapped row as json. */
function rowOf(event: MappedEvent, withInsertId: boolean): JsonObject {
  return withInsertId ? { insertId: event.event.messageId, json: event.payload } : { json: event.payload };
}

/** The request's body around its rows (the two flags false: BigQuery's defaults, said explicitly). */
const envelope = (rows: JsonObject[]): JsonObject => ({ skipInvalidRows: false, ignoreUnknownValues: false, rows });
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify(envelope([])));

/**
 * The insertAll requests for a batch: its events in order, at most `MAX_ROWS` rows and
 * `MAX_BYTES` of body each, every event once (`eventIds` in row order: insertErrors name rows
 * by index). A row too large for any request is refused (a PermanentError: the core then
 * dead-letters that event alone, and sends the others).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/datasets/signal/tables/events/insertAll',
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' },
 * //    body: { skipInvalidRows: false, ignoreUnknownValues: false, rows: [{ insertId: 'm-1', json: { message_id: 'm-1', … } }] }, eventIds: ['m-1'] }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = insertAllUrl(tableOf(ctx.config));
  const headers = { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' };
  const withInsertId = sendsInsertId(ctx.config);
  const requests: RequestDescriptor[] = [];
  let rows: JsonObject[] = [];
  let ids: string[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (rows.length === 0) return;
    requests.push({ method: 'POST', url, headers, body: envelope(rows), eventIds: ids });
    rows = [];
    ids = [];
    bytes = ENVELOPE_BYTES;
  };
  for (const event of batch) {
    const row = rowOf(event, withInsertId);
    const size = Buffer.byteLength(JSON.stringify(row)) + 1; // + the comma between rows
    if (ENVELOPE_BYTES + size > MAX_BYTES) {
      throw new PermanentError(`the row is ${size.toLocaleString('en')} bytes of JSON, more than a streaming insert request takes (10 MB): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
    if (rows.length >= MAX_ROWS || bytes + size > MAX_BYTES) flush();
    rows.push(row);
    ids.push(event.id);
    bytes += size;
  }
  flush();
  return requests;
}
