// The INSERT: `POST https://{account}.snowflakecomputing.com/api/v2/statements` with one
// multi-row statement whose every value is a bind variable (`?`, bound as TEXT), never text of
// the statement:
//   INSERT INTO DB.SCHEMA.TABLE ("MESSAGE_ID", …, "PROPERTIES")
//   SELECT $1, …, TO_TIMESTAMP_TZ($9, '<format>'), …, PARSE_JSON($12) FROM VALUES (?, …, ?), (?, NULL, …, ?)
// Snowflake refuses PARSE_JSON in an INSERT's VALUES list, so the rows are a VALUES table read by
// a SELECT, which converts the VARIANT and TIMESTAMP_TZ columns. A column a row lacks is the
// constant NULL in its place, not a bound null: the SQL API documents binding values as strings
// only. Times are converted with an explicit format, so an account's TIMESTAMP_INPUT_FORMAT
// (AUTO unless changed) cannot refuse them. The query parameters
// `requestId` (a UUID derived from the integration, the table and the request's events, so a
// re-send of the same events carries the same one) and `retry=true` ask Snowflake not to execute
// again a statement it already executed for that request id. Authorization is added by the
// plugin's `sign` as the request leaves (a JWT must be fresh).
import { nameBasedUuid, PermanentError, requestsHalvedToFit, trimmedText, type HalvedRequestsOptions, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiOrigin, identifier, qualifiedTable, statementTimeout } from './config.ts';
import { TIMESTAMP_COLUMNS, VARIANT_COLUMNS } from './table-row.ts';

/** Rows a statement carries at most (Signal's choice: Snowflake documents no binding count limit for the SQL API). */
export const MAX_ROWS = 200;
/** Bytes of a request's body at most (Signal's choice, well under any value's 16 MB). */
export const MAX_BYTES = 4_000_000;
/**
 * Values a statement's VALUES list holds at most (rows × columns): Snowflake refuses a list of
 * more than 16,384 expressions (error 001795, as its connectors' users report; whether it counts
 * rows or values is not documented, so values are counted, the stricter reading).
 */
export const MAX_CELLS = 16_384;
/** The SQL API's path. */
export const STATEMENTS_PATH = '/api/v2/statements';
/** The User-Agent the SQL API asks every request to carry. */
export const USER_AGENT = 'Signal/1.0 (snowflake plugin)';

/** One bind variable of the SQL API: a Snowflake type and the value as text (the API takes strings only). */
export interface Binding {
  type: 'TEXT';
  value: string;
}

/**
 * A UUID derived from text (SHA-256, shaped as an RFC 9562 version 8 UUID): the same events give
 * the same request id.
 *
 * @example
 * derivedUuid('int_1\nANALYTICS.SIGNAL.EVENTS\nm-1'); // 'xxxxxxxx-xxxx-8xxx-yxxx-xxxxxxxxxxxx'
 */
export function derivedUuid(source: string): string {
  return nameBasedUuid(source, { version: 8 });
}

const isStructured = (value: JsonValue | undefined): boolean => value !== null && typeof value === 'object';

/**
 * The format TO_TIMESTAMP_TZ reads the times with (the SQL text's only literal): ISO 8601 with
 * milliseconds and a numeric offset, as `boundText` writes the rows' UTC times.
 */
export const TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM';

/**
 * A column's value as a bind variable's text (null: the column is NULL for that row): VARIANT
 * columns as JSON text, times with `+00:00` for the `Z` of the rows' UTC times (TZH:TZM reads an
 * offset), text as it is.
 */
function boundText(value: JsonValue | undefined, kind: 'variant' | 'timestamp' | 'text'): string | null {
  if (value === undefined || value === null) return null;
  if (kind === 'variant') return JSON.stringify(value);
  if (kind === 'timestamp' && typeof value === 'string') return value.replace(/Z$/, '+00:00');
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A row with its columns named as Snowflake reads the unquoted names: in upper case (Total and
 * total are TOTAL). Rows are made with one name per column already; should one hold two, the
 * first is kept, as the row's own rule keeps it.
 */
function rowAsSnowflakeReadsIt(row: JsonObject): JsonObject {
  const folded: JsonObject = {};
  for (const [name, value] of Object.entries(row)) {
    const column = name.toUpperCase();
    if (!Object.hasOwn(folded, column)) folded[column] = value;
  }
  return folded;
}

/**
 * The columns of some rows (named as Snowflake reads them), in first-seen order, each with how
 * its values are converted: VARIANT (the README's JSON columns, and any column holding an object
 * or list) through PARSE_JSON, TIMESTAMP_TZ through TO_TIMESTAMP_TZ, the rest as text.
 */
function columnsOf(rows: JsonObject[]): Array<{ name: string; kind: 'variant' | 'timestamp' | 'text' }> {
  const seen = new Map<string, 'variant' | 'timestamp' | 'text'>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const readme = name.toLowerCase();
      const known = (VARIANT_COLUMNS as readonly string[]).includes(readme) ? 'variant' : (TIMESTAMP_COLUMNS as readonly string[]).includes(readme) ? 'timestamp' : undefined;
      const kind = known ?? (isStructured(value) ? 'variant' : 'text');
      const before = seen.get(name);
      if (before === undefined || (before === 'text' && kind === 'variant')) seen.set(name, kind);
    }
  }
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

/**
 * The INSERT statement and its bindings for some rows (see the file's comment).
 *
 * @example
 * insertStatement('ANALYTICS.SIGNAL.EVENTS', [{ message_id: 'm-1', type: 'track', timestamp: '2026-03-24T16:00:00.000Z', received_at: '…', properties: { plan: 'pro' } }, { message_id: 'm-2', type: 'page', timestamp: '…', received_at: '…' }]);
 * // { statement: 'INSERT INTO ANALYTICS.SIGNAL.EVENTS ("MESSAGE_ID", "TYPE", "TIMESTAMP", "RECEIVED_AT", "PROPERTIES") SELECT $1, $2, TO_TIMESTAMP_TZ($3, \'YYYY-MM-DD"T"HH24:MI:SS.FF3TZH:TZM\'), …, PARSE_JSON($5) FROM VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, NULL)',
 * //   bindings: { 1: { type: 'TEXT', value: 'm-1' }, …, 3: { type: 'TEXT', value: '2026-03-24T16:00:00.000+00:00' }, …, 5: { type: 'TEXT', value: '{"plan":"pro"}' }, 6: { type: 'TEXT', value: 'm-2' }, … } }
 */
export function insertStatement(table: string, mappedRows: JsonObject[]): { statement: string; bindings: Record<string, Binding> } {
  // Columns are told apart as Snowflake tells them apart: Order_Total in one row and order_total
  // in another are one column, named once (a column named twice is refused for every row).
  const rows = mappedRows.map(rowAsSnowflakeReadsIt);
  const columns = columnsOf(rows);
  const select = columns.map((column, index) => {
    const ref = `$${index + 1}`;
    return column.kind === 'variant' ? `PARSE_JSON(${ref})` : column.kind === 'timestamp' ? `TO_TIMESTAMP_TZ(${ref}, '${TIMESTAMP_FORMAT}')` : ref;
  });
  const bindings: Record<string, Binding> = {};
  let position = 0;
  const tuples = rows.map((row) => {
    const cells = columns.map((column) => {
      const value = boundText(row[column.name], column.kind);
      if (value === null) return 'NULL';
      bindings[String(++position)] = { type: 'TEXT', value };
      return '?';
    });
    return `(${cells.join(', ')})`;
  });
  // Column names are written quoted in upper case: the same column as the unquoted name (Snowflake
  // stores those in upper case), and a blueprint's column named like a reserved word (order,
  // group, values…) is then a name rather than a syntax error for every row.
  const names = columns.map((column) => `"${column.name}"`);
  const statement = `INSERT INTO ${table} (${names.join(', ')}) SELECT ${select.join(', ')} FROM VALUES ${tuples.join(', ')}`;
  return { statement, bindings };
}

/** The statement's context fields: database, schema, warehouse and role as Snowflake stores them (upper case). */
function contextFields(config: Record<string, JsonValue>): JsonObject {
  const role = identifier(config.role);
  return {
    database: identifier(config.database) ?? '',
    schema: identifier(config.schema) ?? '',
    warehouse: identifier(config.warehouse) ?? '',
    ...(role === undefined ? {} : { role }),
  };
}

/** The headers of every SQL API request but its authorization (added as it is sent). */
export const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT };

/** One INSERT request for some events. */
function insertRequest(events: MappedEvent[], ctx: PluginContext, table: string): RequestDescriptor {
  const { statement, bindings } = insertStatement(table, events.map((event) => event.payload));
  const eventIds = events.map((event) => event.id);
  return {
    method: 'POST',
    url: `${apiOrigin(ctx.config)}${STATEMENTS_PATH}`,
    query: [['requestId', derivedUuid([ctx.integrationId, trimmedText(ctx.config.account) ?? '', table, ...eventIds].join('\n'))], ['retry', 'true']],
    headers: { ...JSON_HEADERS },
    body: { statement, timeout: statementTimeout(ctx.config), ...contextFields(ctx.config), bindings: bindings as unknown as JsonObject },
    eventIds,
  };
}

const bodyBytes = (request: RequestDescriptor): number => Buffer.byteLength(JSON.stringify(request.body));

/**
 * The INSERT requests for a batch: its events in order, at most `MAX_ROWS` rows, `MAX_CELLS`
 * values and `MAX_BYTES` of body each, every event once. A row too large for any request is refused (a PermanentError
 * naming its size: the core then dead-letters that event alone and sends the others).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://myorg-shop.snowflakecomputing.com/api/v2/statements', query: [['requestId', '…'], ['retry', 'true']],
 * //    body: { statement: 'INSERT INTO ANALYTICS.SIGNAL.EVENTS (…) SELECT … FROM VALUES (?, …)', timeout: 60, database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', bindings: {…} }, eventIds }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  let table: string;
  try {
    table = qualifiedTable(ctx.config);
  } catch (error) {
    throw new PermanentError(error instanceof Error ? error.message : String(error));
  }
  const options: HalvedRequestsOptions = {
    build: (events) => insertRequest(events, ctx, table),
    // A single row's values are never too many for the VALUES list: only its bytes can refuse it.
    fits: (request, events) => (events.length === 1 || events.length * columnsOf(events.map((event) => rowAsSnowflakeReadsIt(event.payload))).length <= MAX_CELLS) && bodyBytes(request) <= MAX_BYTES,
    tooLarge: (request) => `the row is ${bodyBytes(request).toLocaleString('en')} bytes of statement and bindings, more than a request Signal sends to Snowflake takes (${MAX_BYTES.toLocaleString('en')}): leave its largest properties out with a pipeline transformation or the blueprint's exclude`,
  };
  const requests: RequestDescriptor[] = [];
  // Rows are grouped by their JSON size first (a cheap estimate of their bindings), then each
  // group is checked at its exact size and halved while it is too large.
  let group: MappedEvent[] = [];
  let estimate = 0;
  for (const event of batch) {
    const size = Buffer.byteLength(JSON.stringify(event.payload)) * 2 + 64 * Object.keys(event.payload).length;
    if (group.length > 0 && (group.length >= MAX_ROWS || estimate + size > MAX_BYTES)) {
      requests.push(...requestsHalvedToFit(group, options));
      group = [];
      estimate = 0;
    }
    group.push(event);
    estimate += size;
  }
  if (group.length > 0) requests.push(...requestsHalvedToFit(group, options));
  return requests;
}
