// The Data API's answers to an insert. One request is one INSERT statement: all rows or none, so
// one row Postgres refuses (a value its column cannot take, a NULL in a NOT NULL column, a
// trigger's or a CHECK's refusal) refuses them all. Signal then answers `split` — the request's
// events are sent again in halves, the good half inserted (and a half already inserted is
// skipped by ON CONFLICT DO NOTHING), down to the one event refused alone, which is
// dead-lettered with Postgres's words. A column the table lacks is traced at once: the refusal
// names it, and the rows holding it are in the request's body.
import { configApiKey, transientRetry, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { tableName, tableOf } from './config.ts';
import { CONFLICT_COLUMN } from './insert-request.ts';
import { missingColumn, notDataApiAnswer, postgrestError, said, saidWords, sqlStateClass, unknownRole, type PostgrestError } from './postgrest-error.ts';

/** Passing failures of the database or PostgREST: sent again (ON CONFLICT DO NOTHING makes a re-sent insert safe). */
const PASSING_CODES = new Set([
  'PGRST000', 'PGRST001', 'PGRST002', 'PGRST003', // no connection to the database, the schema cache not loaded, no pool connection in time
  '40001', '40P01', // serialization failure, deadlock
  '55P03', '55006', // a lock not available, an object in use
  '57P01', '57P02', '57P03', // admin shutdown, crash shutdown, cannot connect now
  '25006', // a read-only transaction: Supabase makes a database read-only when its disk is full
]);
/** SQLSTATE classes of passing failures: connection exceptions, insufficient resources, system errors. */
const PASSING_CLASSES = new Set(['08', '53', '58', 'XX']);
/** SQLSTATE classes of data one row carries: data exceptions, integrity constraints, a trigger's RAISE. */
const ROW_DATA_CLASSES = new Set(['22', '23', 'P0', '2F', '38', '39']);
/** Codes of data one row carries outside those classes: a value of the wrong type for its column. */
const ROW_DATA_CODES = new Set(['42804', '42846', 'PGRST102']);
/** Refused credentials: PostgREST's JWT codes, an invalid authorization (class 28); a JWT's unknown role is read apart (22023). */
const CREDENTIAL_CODES = new Set(['PGRST300', 'PGRST301', 'PGRST302', 'PGRST303']);

/** The column a data error names: `… for column "timestamp"`, `… in column "event" of relation …`, `value too long … (column x)`. */
function columnOf(error: PostgrestError): string | undefined {
  return /(?:in|for) column "([^"]+)"/.exec(`${error.message} ${error.details}`)?.[1];
}

/** The request's rows, each with its event id (the body is the rows' JSON array, in `eventIds` order). */
function rowsOf(request: RequestDescriptor): Array<{ id: string; row: Record<string, unknown> | undefined }> {
  const body: unknown = typeof request.body === 'string' ? (() => { try { return JSON.parse(request.body); } catch { return []; } })() : request.body;
  const rows = Array.isArray(body) ? body : [];
  return request.eventIds.map((id, index) => {
    const row: unknown = rows[index];
    return { id, row: row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : undefined };
  });
}

/**
 * A refusal for a column the table lacks: the rows holding it dead-lettered (saying to add the
 * column or leave it out of the blueprint), the others sent again (Postgres inserted none of
 * the request's rows). Undefined when no row holds it.
 */
function missingColumnOutcomes(column: string, request: RequestDescriptor, answered: string, table: string): Classification | undefined {
  const rows = rowsOf(request);
  if (!rows.some(({ row }) => row !== undefined && Object.hasOwn(row, column))) return undefined;
  const refused: EventOutcome = {
    status: 'dead_letter',
    reason: `the Data API refused the row (${answered}): the table ${table} has no column ${column} — add it (ALTER TABLE ${table} ADD COLUMN ${column} …, see the plugin README; then NOTIFY pgrst, 'reload schema' on a self-hosted PostgREST) or leave it out of the blueprint, then replay the dead letters`,
  };
  const again: EventOutcome = { status: 'resend', reason: `the Data API refused the insert for another row's column ${column}, which the table ${table} lacks, and inserted none of its rows: sent again without it` };
  const perEvent: Record<string, EventOutcome> = {};
  for (const { id, row } of rows) perEvent[id] = row !== undefined && Object.hasOwn(row, column) ? refused : again;
  return { perEvent };
}

/** A refusal of the request's data: sent again in halves when it carries several events, the event dead-lettered when alone. */
function rowRefused(error: PostgrestError, request: RequestDescriptor, answered: string, table: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `Postgres refused a row of the insert (${answered}) and inserted none: sending the events again in halves to find it` };
  const column = columnOf(error);
  const where = column === undefined ? 'a value the table does not take' : `the value of ${column}, which the column does not take`;
  return { status: 'dead_letter', reason: `Postgres refused this row (${answered}): ${where} in ${table} — fix what the blueprint maps there, or the table's column, constraint or trigger (see the CREATE TABLE of the plugin README), then replay the dead letter` };
}

/** A refusal for the request's size or its time: sent again in halves, the event dead-lettered (size) or retried (time) when alone. */
function tooLarge(request: RequestDescriptor, answered: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `the Data API refused the insert as too large (${answered}): sending it in halves` };
  return { status: 'dead_letter', reason: `the Data API refused this row alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude, then replay` };
}

/** What a code means, or undefined when the code alone does not say (then the status decides). */
function byCode(error: PostgrestError, response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification | undefined {
  const { code } = error;
  const answered = said(response, error);
  const table = tableName(config);
  const { schema } = tableOf(config);
  const keyKind = configApiKey(config).startsWith('sb_') ? 'secret key' : 'key';
  if (CREDENTIAL_CODES.has(code) || sqlStateClass(code) === '28' || unknownRole(error)) {
    return { status: 'dead_letter', reason: `the Data API refused the ${keyKind} (${answered}): check config.api_key — a secret key (sb_secret_…) or the legacy service_role key of this project (Project Settings > API Keys; a rotated key needs a new revision); then replay the dead letters` };
  }
  if (code === '42501') {
    if (/row-level security/i.test(error.message)) {
      return { status: 'dead_letter', reason: `Row Level Security refused the insert (${answered}): config.api_key is not a secret or service_role key, which writes past it — give one (Project Settings > API Keys); then replay the dead letters` };
    }
    return { status: 'dead_letter', reason: `Postgres denied the insert (${answered}): run GRANT USAGE ON SCHEMA ${schema} TO service_role; GRANT SELECT, INSERT, DELETE ON ${table} TO service_role (see the grants of the plugin README), and check config.schema and config.table; then replay the dead letters` };
  }
  if (code === 'PGRST106' || code === '3F000') {
    return { status: 'dead_letter', reason: `the Data API does not serve the schema ${schema} (${answered}): check config.schema, or expose the schema (Project Settings > Data API > Exposed schemas; PGRST_DB_SCHEMAS self-hosted); then replay the dead letters` };
  }
  if (code === '42P01' || code === 'PGRST205') {
    return { status: 'dead_letter', reason: `the Data API has no table ${table} (${answered}): check config.schema and config.table, and create the table with the CREATE TABLE of the plugin README (then NOTIFY pgrst, 'reload schema' on a self-hosted PostgREST); then replay the dead letters` };
  }
  if (code === '42P10') {
    return { status: 'dead_letter', reason: `the table ${table} has no primary key or unique constraint on ${CONFLICT_COLUMN} (${answered}), which lets Signal skip a row sent twice: ALTER TABLE ${table} ADD PRIMARY KEY (${CONFLICT_COLUMN}) (see the plugin README); then replay the dead letters` };
  }
  // Postgres's 55000 (a 500 from PostgREST) is mostly passing, but not this one: a DEFERRABLE key
  // can never be ON CONFLICT's arbiter, so every insert would be retried to no end.
  if (code === '55000' && /ON CONFLICT does not support deferrable/i.test(error.message)) {
    return { status: 'dead_letter', reason: `the table ${table}'s key on ${CONFLICT_COLUMN} is DEFERRABLE (${answered}), which ON CONFLICT cannot use to skip a row sent twice: make it NOT DEFERRABLE (ALTER TABLE ${table} ALTER CONSTRAINT <its name> NOT DEFERRABLE, or drop and add it again; see the plugin README); then replay the dead letters` };
  }
  const column = missingColumn(error);
  if (column !== undefined) return missingColumnOutcomes(column, request, answered, table) ?? rowRefused(error, request, answered, table);
  if (code === '54000' || code === '54001') return tooLarge(request, answered);
  // A statement that outlasted the role's statement_timeout: a smaller one may not; alone, tried again.
  if (code === '57014') {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Postgres cancelled the insert, which took too long (${answered}): sending it in halves` };
    return { status: 'retry', reason: `Postgres cancelled the insert, which took too long (${answered})` };
  }
  if (ROW_DATA_CODES.has(code) || ROW_DATA_CLASSES.has(sqlStateClass(code))) return rowRefused(error, request, answered, table);
  if (PASSING_CODES.has(code) || PASSING_CLASSES.has(sqlStateClass(code))) {
    return transientRetry(response, 'Supabase', saidWords(response, error)) ?? { status: 'retry', reason: `the database failed for now (${answered})` };
  }
  return undefined;
}

/**
 * The Data API's answer to an insert:
 * - 2xx: delivered (201, no body, with `return=minimal`; rows already there skipped by ON
 *   CONFLICT DO NOTHING) — unless it is a web page (a proxy's: retried, naming config.url);
 * - 429: retried as a rate limit, after Retry-After; 408, 5xx and passing database failures
 *   (no connection, a deadlock, a full disk's read-only mode): retried with the core's backoff;
 * - a column the table lacks (PGRST204, 42703): the rows holding it dead-lettered naming the
 *   column, the others sent again;
 * - a row's data Postgres refuses (classes 22, 23, P0, a wrong type…), and a 400 under a code
 *   this plugin does not name: `split` when several events, the event dead-lettered alone,
 *   naming the column when Postgres does;
 * - 413, 54000, a statement timeout: split (a timeout alone is retried);
 * - a refused key (401, PGRST301–303, Supabase's "Invalid API key"), Row Level Security, a
 *   missing grant, schema, table or primary key: dead-lettered at once, naming the config field
 *   to fix or the statement to run;
 * - a 404 without a code (no Data API at config.url and config.api_path) and other 4xx:
 *   dead-lettered with the answer's words.
 *
 * @example
 * classifyInsert({ status: 404, headers: {}, body: '{"code":"42P01","details":null,"hint":null,"message":"relation \\"public.missing\\" does not exist"}' }, request, ctx);
 * // { status: 'dead_letter', reason: 'the Data API has no table public.missing (HTTP 404, 42P01: relation "public.missing" does not exist): check config.schema and config.table, …' }
 */
export function classifyInsert(response: VendorResponse, request: RequestDescriptor, ctx: { config: Record<string, JsonValue> }): Classification {
  const { status } = response;
  const error = postgrestError(response);
  const answered = said(response, error);
  if (status >= 200 && status < 300) {
    if (notDataApiAnswer(response)) return { status: 'retry', reason: `the answer to the insert is a web page, not the Data API's (${answered}): check config.url (the project's URL) and config.api_path` };
    return { status: 'delivered' };
  }
  if (status === 429) {
    const limited = transientRetry(response, 'Supabase', saidWords(response, error));
    if (limited !== undefined) return limited;
  }
  const classified = byCode(error, response, request, ctx.config);
  if (classified !== undefined) return classified;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `the Data API refused the insert (${answered}): check config.api_key — a secret key (sb_secret_…) or the legacy service_role key of the project at config.url; then replay the dead letters` };
  }
  if (status === 413) return tooLarge(request, answered);
  const retry = transientRetry(response, 'Supabase', saidWords(response, error));
  if (retry !== undefined) return retry;
  const table = tableName(ctx.config);
  if (status === 404) return { status: 'dead_letter', reason: `no Data API table answered at config.url and config.api_path (${answered}): check both (a Supabase project: https://<project-ref>.supabase.co and /rest/v1) and config.table (${table}); then replay the dead letters` };
  // PostgREST answers 400 to data errors whose codes this plugin does not list: one row's bad value
  // must not dead-letter the request's other rows.
  if (status === 400 && error.code !== '') return rowRefused(error, request, answered, table);
  return { status: 'dead_letter', reason: `the Data API refused the ${request.eventIds.length > 1 ? 'insert' : 'row'} (${answered}): check the table ${table} and the config, then replay the dead letters` };
}
