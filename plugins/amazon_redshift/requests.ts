// The Data API requests: `POST https://redshift-data.<region>.amazonaws.com/` in the AWS JSON 1.1
// protocol, the operation in `X-Amz-Target` (`RedshiftData.ExecuteStatement`,
// `RedshiftData.DescribeStatement`), signed with Signature Version 4 (service `redshift-data`)
// as each leaves. An INSERT is one multi-row statement whose every value is a named parameter
// (`:p1`, `:p2`, …), never text of the statement:
//   INSERT INTO "signal"."events" ("message_id", …, "timestamp", …, "properties")
//   VALUES (:p1, …, CAST(:p6 AS TIMESTAMPTZ), …, JSON_PARSE(:p9)), (:p10, NULL, …)
// The Data API takes a parameter's value as a string of at least one character: a column a row
// lacks is the constant NULL in its place, an empty string the constant ''. Its `ClientToken`
// (the idempotency token) is derived from the integration, its revision, the table and the
// request's events, so a re-send of the same events names the same statement rather than
// running another (see classify.ts for when a statement that failed is run again).
import { createHash } from 'node:crypto';
import { PermanentError, requestsHalvedToFit, signAwsRequest, trimmedText, type HalvedRequestsOptions, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { connectionFields, credentialsOf, qualifiedTable, regionOf, targetOf } from './config.ts';
import { SUPER_COLUMNS, TIMESTAMP_COLUMNS } from './table-row.ts';

/** Rows a statement carries at most (Signal's choice: the Data API documents no parameter count limit). */
export const MAX_ROWS = 100;
/** Parameters a statement carries at most (Signal's choice, see the README's Unconfirmed). */
export const MAX_PARAMETERS = 1_500;
/** The SQL text's size at most: the Data API refuses a query string larger than 100 kB. */
export const MAX_SQL_BYTES = 100_000;
/** A request body's size at most (Signal's choice: the Data API documents no request size). */
export const MAX_BYTES = 1_000_000;
/** The JSON 1.1 protocol's content type. */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** The operations' targets. */
export const TARGETS = {
  execute: 'RedshiftData.ExecuteStatement',
  describe: 'RedshiftData.DescribeStatement',
} as const;
/** The rate limit buckets of `rateLimit.endpoints` (the Data API's quotas are per operation). */
export const ENDPOINTS = { execute: 'execute_statement', describe: 'describe_statement' } as const;
/** The `StatementName` Signal's statements carry (shown in the console's query history and ListStatements). */
export const STATEMENT_NAME = 'signal-insert';

/** What follows a request of the chain: which statement, how deep in the chain, and whether it re-runs a failed one. */
export interface StatementMemo {
  /** `execute` (an INSERT sent) or `describe` (its statement asked after). */
  step: 'execute' | 'describe';
  /** The ClientToken the statement was sent with. */
  token: string;
  /** The statement's Id (describe steps). */
  id?: string;
  /** Follow-ups before this request (the core allows MAX_FOLLOW_UPS in a row). */
  depth: number;
  /** Whether this statement re-runs one that failed (run once, never again in a chain). */
  rerun: boolean;
  /** What the statement does, for messages: `INSERT` or `DELETE`. */
  verb: 'INSERT' | 'DELETE';
}

/**
 * The Data API's endpoint in a Region (`.amazonaws.com.cn` in China).
 *
 * @example
 * endpointOf('eu-west-1');  // 'https://redshift-data.eu-west-1.amazonaws.com/'
 * endpointOf('cn-north-1'); // 'https://redshift-data.cn-north-1.amazonaws.com.cn/'
 */
export function endpointOf(region: string): string {
  return `https://redshift-data.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}

/**
 * A ClientToken derived from text: the SHA-256 in hex, 64 characters (the Data API's most).
 *
 * @example
 * derivedToken(['insert', 'int_1', 'm-1']); // '3f1c…' (64 hex digits)
 */
export function derivedToken(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * The token of an INSERT of these events (see the file's comment): the same integration,
 * revision, place, table and events give the same token.
 *
 * @example
 * insertToken(['m-1', 'm-2'], ctx); // '9b1f…' (64 hex digits)
 */
export function insertToken(eventIds: readonly string[], ctx: Pick<PluginContext, 'config' | 'integrationId' | 'revisionId'>): string {
  const target = targetOf(ctx.config);
  return derivedToken(['insert', ctx.integrationId, ctx.revisionId, target.kind, target.id, trimmedText(ctx.config.database) ?? '', qualifiedTable(ctx.config), ...eventIds]);
}

/** How a column's values are sent: SUPER through JSON_PARSE, TIMESTAMPTZ through CAST, the rest as text. */
type Kind = 'super' | 'timestamp' | 'text';

const isStructured = (value: JsonValue | undefined): boolean => value !== null && typeof value === 'object';

/** The columns of some rows, in first-seen order, each with how its values are sent (an object or list in any column: SUPER). */
function columnsOf(rows: JsonObject[]): Array<{ name: string; kind: Kind }> {
  const seen = new Map<string, Kind>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const known: Kind | undefined = (SUPER_COLUMNS as readonly string[]).includes(name) ? 'super' : (TIMESTAMP_COLUMNS as readonly string[]).includes(name) ? 'timestamp' : undefined;
      const kind = known ?? (isStructured(value) ? 'super' : 'text');
      const before = seen.get(name);
      if (before === undefined || (before === 'text' && kind === 'super')) seen.set(name, kind);
    }
  }
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

/**
 * A time as the parameter carries it: Redshift's own TIMESTAMPTZ text, `2026-03-24 16:00:00.000+00`,
 * from the row's ISO 8601 UTC time.
 */
function timestampParameter(value: string): string {
  return value.replace('T', ' ').replace(/Z$/, '+00');
}

/** A value as a parameter's text, or null for the constant NULL. */
function parameterText(value: JsonValue | undefined, kind: Kind): string | null {
  if (value === undefined || value === null) return null;
  if (kind === 'super') return JSON.stringify(value);
  if (kind === 'timestamp' && typeof value === 'string') return timestampParameter(value);
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One of the Data API's SqlParameters. */
export interface SqlParameter {
  name: string;
  value: string;
}

/**
 * The INSERT statement and its parameters for some rows (see the file's comment).
 *
 * @example
 * insertStatement('"signal"."events"', [{ message_id: 'm-1', type: 'track', event: '', timestamp: '2026-03-24T16:00:00.000Z', received_at: '…', properties: { plan: 'pro' } }]);
 * // { sql: 'INSERT INTO "signal"."events" ("message_id", "type", "event", "timestamp", "received_at", "properties") VALUES (:p1, :p2, \'\', CAST(:p3 AS TIMESTAMPTZ), CAST(:p4 AS TIMESTAMPTZ), JSON_PARSE(:p5))',
 * //   parameters: [{ name: 'p1', value: 'm-1' }, { name: 'p2', value: 'track' }, { name: 'p3', value: '2026-03-24 16:00:00.000+00' }, …, { name: 'p5', value: '{"plan":"pro"}' }] }
 */
export function insertStatement(table: string, rows: JsonObject[]): { sql: string; parameters: SqlParameter[] } {
  const columns = columnsOf(rows);
  const parameters: SqlParameter[] = [];
  const tuples = rows.map((row) => {
    const cells = columns.map((column) => {
      const value = parameterText(row[column.name], column.kind);
      if (value === null) return 'NULL';
      if (value === '') return column.kind === 'text' ? '\'\'' : 'NULL';
      const name = `p${parameters.length + 1}`;
      parameters.push({ name, value });
      return column.kind === 'super' ? `JSON_PARSE(:${name})` : column.kind === 'timestamp' ? `CAST(:${name} AS TIMESTAMPTZ)` : `:${name}`;
    });
    return `(${cells.join(', ')})`;
  });
  // Column names quoted in lower case: the same columns as unquoted names (Redshift folds those to
  // lower case), and a blueprint's column named like a reserved word (order, group, timestamp…)
  // is then a name rather than a syntax error for every row.
  const names = columns.map((column) => `"${column.name.toLowerCase()}"`);
  return { sql: `INSERT INTO ${table} (${names.join(', ')}) VALUES ${tuples.join(', ')}`, parameters };
}

/**
 * The headers of a Data API operation (the signature is added as it is sent).
 *
 * @example
 * headersOf('RedshiftData.DescribeStatement'); // { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.DescribeStatement' }
 */
export const headersOf = (target: string): Record<string, string> => ({ 'content-type': CONTENT_TYPE, 'x-amz-target': target });

/**
 * An ExecuteStatement request running `sql` with `parameters`, carrying `eventIds`.
 *
 * @example
 * executeRequest('INSERT …', [{ name: 'p1', value: 'm-1' }], ['m-1'], 'ab12…', ctx, { step: 'execute', token: 'ab12…', depth: 0, rerun: false, verb: 'INSERT' });
 * // { method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.ExecuteStatement' },
 * //   body: { ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer', Sql: 'INSERT …', Parameters: [{ name: 'p1', value: 'm-1' }], ClientToken: 'ab12…', StatementName: 'signal-insert' }, eventIds: ['m-1'], endpoint: 'execute_statement', memo: {…} }
 */
export function executeRequest(sql: string, parameters: SqlParameter[], eventIds: string[], token: string | undefined, ctx: Pick<PluginContext, 'config'>, memo: StatementMemo): RequestDescriptor {
  return {
    method: 'POST',
    url: endpointOf(regionOf(ctx.config)),
    headers: headersOf(TARGETS.execute),
    body: {
      ...connectionFields(ctx.config),
      Sql: sql,
      ...(parameters.length === 0 ? {} : { Parameters: parameters as unknown as JsonValue[] }),
      ...(token === undefined ? {} : { ClientToken: token }),
      StatementName: memo.verb === 'INSERT' ? STATEMENT_NAME : 'signal-person-deletion',
    },
    eventIds,
    endpoint: ENDPOINTS.execute,
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The DescribeStatement request asking after statement `id`, carrying the same events.
 *
 * @example
 * describeRequest('d9b6c0c9-0747-4bf4-b142-e8883122f766', ['m-1'], ctx, memo);
 * // { method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/', headers: { …, 'x-amz-target': 'RedshiftData.DescribeStatement' }, body: { Id: 'd9b6c0c9-…' }, eventIds: ['m-1'], endpoint: 'describe_statement', memo }
 */
export function describeRequest(id: string, eventIds: string[], ctx: Pick<PluginContext, 'config'>, memo: StatementMemo): RequestDescriptor {
  return {
    method: 'POST',
    url: endpointOf(regionOf(ctx.config)),
    headers: headersOf(TARGETS.describe),
    body: { Id: id },
    eventIds,
    endpoint: ENDPOINTS.describe,
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The INSERT request of some events, with its token.
 *
 * @example
 * insertRequest(mapped, ctx, '"signal"."events"'); // an ExecuteStatement request (see executeRequest) carrying the events' ids
 */
export function insertRequest(events: MappedEvent[], ctx: Pick<PluginContext, 'config' | 'integrationId' | 'revisionId'>, table: string): RequestDescriptor {
  const { sql, parameters } = insertStatement(table, events.map((event) => event.payload));
  const eventIds = events.map((event) => event.id);
  const token = insertToken(eventIds, ctx);
  return executeRequest(sql, parameters, eventIds, token, ctx, { step: 'execute', token, depth: 0, rerun: false, verb: 'INSERT' });
}

const bodyBytes = (request: RequestDescriptor): number => Buffer.byteLength(JSON.stringify(request.body));

/**
 * The INSERT requests for a batch: its events in order, each request within `MAX_ROWS` rows,
 * `MAX_PARAMETERS` parameters, `MAX_SQL_BYTES` of SQL text and `MAX_BYTES` of body, every event
 * once. A row too large for any request is refused (a PermanentError naming its size: the core
 * then dead-letters that event alone and sends the others).
 *
 * @example
 * insertRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/', headers: {…, 'x-amz-target': 'RedshiftData.ExecuteStatement' },
 * //    body: { ClusterIdentifier, Database, DbUser, Sql: 'INSERT INTO "signal"."events" (…) VALUES (:p1, …), (…)', Parameters: [...], ClientToken, StatementName: 'signal-insert' }, eventIds }]
 */
export function insertRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  let table: string;
  try {
    table = qualifiedTable(ctx.config);
  } catch (error) {
    throw new PermanentError(error instanceof Error ? error.message : String(error));
  }
  const statementOf = (request: RequestDescriptor): { Sql: string; Parameters?: unknown[] } => request.body as { Sql: string; Parameters?: unknown[] };
  const options: HalvedRequestsOptions = {
    build: (events) => insertRequest(events, ctx, table),
    fits: (request) => {
      const body = statementOf(request);
      return Buffer.byteLength(body.Sql) <= MAX_SQL_BYTES && (body.Parameters?.length ?? 0) <= MAX_PARAMETERS && bodyBytes(request) <= MAX_BYTES;
    },
    tooLarge: (request) => {
      const body = statementOf(request);
      return `the row is ${bodyBytes(request).toLocaleString('en')} bytes of statement and parameters (${Buffer.byteLength(body.Sql).toLocaleString('en')} of SQL text, ${body.Parameters?.length ?? 0} parameters), more than a request Signal sends to the Data API takes (${MAX_BYTES.toLocaleString('en')} bytes, ${MAX_SQL_BYTES.toLocaleString('en')} of SQL text, ${MAX_PARAMETERS} parameters): leave its largest properties out with a pipeline transformation or the blueprint's exclude`;
    },
  };
  const requests: RequestDescriptor[] = [];
  for (let start = 0; start < batch.length; start += MAX_ROWS) requests.push(...requestsHalvedToFit(batch.slice(start, start + MAX_ROWS), options));
  return requests;
}

/**
 * A request signed with AWS Signature Version 4 for `redshift-data` in the configured Region, at
 * `ctx.now`: the `sign` hook, so the signature's time is the sending time (AWS refuses one more
 * than 5 minutes off). The session token of temporary credentials is sent and signed as
 * `x-amz-security-token`.
 *
 * @example
 * signDataApiRequest(request, { config, now: Date.now() });
 * // { ...request, headers: { ..., 'x-amz-date': '20261130T120000Z', authorization: 'AWS4-HMAC-SHA256 Credential=AKIA…/20261130/eu-west-1/redshift-data/aws4_request, …' } }
 */
export function signDataApiRequest(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  return signAwsRequest(request, { region: regionOf(ctx.config), service: 'redshift-data', credentials: credentialsOf(ctx.config), now: ctx.now });
}
