// The insert: `POST {url}/rest/v1/{table}?columns=…&on_conflict=message_id` through the Data API
// (PostgREST), the rows as one JSON array — one INSERT statement, all rows or none. Idempotent by
// design: `Prefer: resolution=ignore-duplicates` with `on_conflict=message_id` makes it
// `INSERT … ON CONFLICT (message_id) DO NOTHING`, so a request sent again after a lost answer
// (a timeout after Postgres committed) inserts nothing twice, and neither do two copies of an
// event in one request. `columns` names every key of the request's rows (quoted, so PostgREST
// reads any name as written): rows may differ in the keys they hold (an id left out, a page
// without an event name) where PostgREST would otherwise refuse keys that differ from the first
// row's, and `missing=default` gives a column a row lacks its default rather than NULL.
// `return=minimal`: Postgres sends nothing back, the answer is a bare 201.
import { allowedPrivateTargets, splitBatch, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authHeaders, tableUrl } from './config.ts';

/** Rows a request carries at most: Signal's choice, one statement Postgres writes quickly (Signal's delivery jobs hold up to 500 events). */
export const MAX_ROWS = 500;
/** Bytes of a request's JSON body at most: Signal's choice, well under what Supabase's gateway and PostgREST take, quick to send again. */
export const MAX_BYTES = 4_000_000;
/** The column the table's primary key (or a unique constraint) is on: what makes a re-sent row a duplicate. */
export const CONFLICT_COLUMN = 'message_id';
/** What every insert asks of PostgREST (see the file's comment). */
export const INSERT_PREFER = 'return=minimal,resolution=ignore-duplicates,missing=default';

/** A column name as PostgREST's `columns` and `on_conflict` read it quoted: `"name"`, a `"` or `\` inside escaped. */
export const quotedName = (name: string): string => `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The request's `columns` parameter: every key of its rows, each once, in the order first met.
 *
 * @example
 * columnsParam([{ message_id: 'm-1', type: 'track' }, { message_id: 'm-2', name: 'Home' }]); // '"message_id","type","name"'
 */
export function columnsParam(rows: readonly JsonObject[]): string {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) names.add(key);
  return [...names].map(quotedName).join(',');
}

/**
 * The insert requests for a batch: its events in order, at most `MAX_ROWS` rows and `MAX_BYTES`
 * of body each, every event once (`eventIds` in row order: a refusal that names a column is
 * traced to the rows that hold it). A row larger than `MAX_BYTES` on its own is refused before
 * sending (the core then dead-letters that event alone, and sends the others).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://abcdefghijklmnopqrst.supabase.co/rest/v1/events',
 * //    query: [['columns', '"message_id","type",…'], ['on_conflict', 'message_id']],
 * //    headers: { apikey: 'sb_secret_…', 'content-profile': 'public', prefer: 'return=minimal,resolution=ignore-duplicates,missing=default', 'content-type': 'application/json' },
 * //    body: [{ message_id: 'm-1', type: 'track', … }], eventIds: ['m-1'] }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  for (const event of batch) {
    const size = Buffer.byteLength(JSON.stringify(event.payload)) + 2; // + the array's brackets
    if (size > MAX_BYTES) {
      throw new Error(`the row is ${size.toLocaleString('en')} bytes of JSON, more than an insert request carries (${MAX_BYTES.toLocaleString('en')}): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
  }
  const url = tableUrl(ctx.config);
  const headers = { ...authHeaders(ctx.config), prefer: INSERT_PREFER, 'content-type': 'application/json' };
  const allow = allowedPrivateTargets(ctx.config);
  return splitBatch(batch, { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((events) => {
    const rows = events.map((event) => event.payload);
    return {
      method: 'POST', url, headers,
      query: [['columns', columnsParam(rows)], ['on_conflict', CONFLICT_COLUMN]],
      body: rows, eventIds: events.map((event) => event.id),
      ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
    };
  });
}
