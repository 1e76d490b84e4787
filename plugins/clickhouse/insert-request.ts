// The insert: `POST https://{host}:8443/?query=INSERT INTO `db`.`table` FORMAT JSONEachRow&…`
// through ClickHouse's HTTP interface, the rows as newline-delimited JSON in the body. The
// statement goes in the `query` URL parameter rather than the body's first line: the body then
// holds the rows alone (what the delivery log shows, and what the byte limit measures), and the
// statement, a few dozen bytes, stays far below `max_query_size` and the URL's 1 MiB. Settings
// travel as URL parameters too: `async_insert=1&wait_for_async_insert=1` (ClickHouse buffers
// many small inserts into one part, and answers once the rows are written, so an error reaches
// Signal), `insert_deduplication_token` (a re-sent request is the same insert: dropped where
// the table deduplicates inserts, see the README), `date_time_input_format=best_effort` (the
// ISO 8601 times with their `Z`), and `input_format_skip_unknown_fields=0` (a value the table
// has no column for is an error naming it, not silently dropped). The user and password go in
// the X-ClickHouse-User / X-ClickHouse-Key headers.
import { createHash } from 'node:crypto';
import { allowedPrivateTargets, splitBatch, trimmedText, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { endpointOf, sqlTableName, tableOf, userOf, usesAsyncInsert } from './config.ts';

/** Rows a request carries at most: enough for few, large parts; Signal's delivery jobs hold up to 500 events. */
export const MAX_ROWS = 1000;
/**
 * Bytes of a request's body at most: Signal's choice, under async_insert_max_data_size (10 MiB
 * by default self-hosted, 100 MiB on ClickHouse Cloud: reaching it only flushes the buffer) and
 * quick to send again.
 */
export const MAX_BYTES = 8_000_000;

/**
 * The insert statement for the configured table.
 *
 * @example
 * insertStatement({ database: 'signal', table: 'events' }); // 'INSERT INTO `signal`.`events` FORMAT JSONEachRow'
 */
export const insertStatement = (ref: ReturnType<typeof tableOf>): string => `INSERT INTO ${sqlTableName(ref)} FORMAT JSONEachRow`;

/**
 * The request's deduplication token: a digest of the integration and the request's event ids in
 * order, so the same request sent again (a retry after a lost answer) carries the same token,
 * and another request — other events, or the same events from another integration writing to
 * the same table — another one.
 *
 * @example
 * deduplicationToken('int_1', ['m-1', 'm-2']); // 'signal-5b0c…' (64 hex digits)
 */
export function deduplicationToken(integrationId: string, eventIds: readonly string[]): string {
  return `signal-${createHash('sha256').update([integrationId, ...eventIds].join('\n')).digest('hex')}`;
}

/** The insert's URL parameters, in a fixed order (the statement first). */
export function insertQuery(ctx: Pick<PluginContext, 'config' | 'integrationId'>, eventIds: readonly string[]): Array<[string, string]> {
  return [
    ['query', insertStatement(tableOf(ctx.config))],
    // Off is said, not left to the server: a profile (or a newer server's default) turning
    // async_insert on with wait_for_async_insert=0 would answer before writing, its errors lost.
    ...(usesAsyncInsert(ctx.config) ? [['async_insert', '1'], ['wait_for_async_insert', '1']] as Array<[string, string]> : [['async_insert', '0']] as Array<[string, string]>),
    ['insert_deduplication_token', deduplicationToken(ctx.integrationId, eventIds)],
    ['date_time_input_format', 'best_effort'],
    ['input_format_skip_unknown_fields', '0'],
  ];
}

/** The headers that say who Signal is to ClickHouse (the password in X-ClickHouse-Key, never in the URL). */
export function authHeaders(config: PluginContext['config']): Record<string, string> {
  return { 'x-clickhouse-user': userOf(config), 'x-clickhouse-key': trimmedText(config.password) ?? '' };
}

/** One row's line: its JSON, one line (JSON.stringify escapes line breaks inside strings). */
const lineOf = (payload: JsonObject): string => JSON.stringify(payload);

/**
 * The insert requests for a batch: its events in order, at most `MAX_ROWS` rows and `MAX_BYTES`
 * of body each, every event once (`eventIds` in row order: a refusal that names a field is
 * traced to the rows that hold it). A row larger than `MAX_BYTES` on its own is refused before
 * sending (the core then dead-letters that event alone, and sends the others).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443/',
 * //    query: [['query', 'INSERT INTO `signal`.`events` FORMAT JSONEachRow'], ['async_insert', '1'], …],
 * //    headers: { 'x-clickhouse-user': 'signal_writer', 'x-clickhouse-key': '…', 'content-type': 'application/x-ndjson' },
 * //    body: '{"message_id":"m-1",…}\n', eventIds: ['m-1'] }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  for (const event of batch) {
    const size = Buffer.byteLength(lineOf(event.payload)) + 1; // + its line break
    if (size > MAX_BYTES) {
      throw new Error(`the row is ${size.toLocaleString('en')} bytes of JSON, more than an insert request carries (${MAX_BYTES.toLocaleString('en')}): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
  }
  const url = `${endpointOf(ctx.config)}/`;
  const headers = { ...authHeaders(ctx.config), 'content-type': 'application/x-ndjson' };
  const allow = allowedPrivateTargets(ctx.config);
  // splitBatch measures each payload's JSON plus one byte: exactly a row's line and its line break.
  return splitBatch(batch, { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES }).map((rows) => {
    const ids = rows.map((event) => event.id);
    return {
      method: 'POST', url, headers, query: insertQuery(ctx, ids), body: rows.map((event) => `${lineOf(event.payload)}\n`).join(''), eventIds: ids,
      ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
    };
  });
}
