// Person deletions forwarded to the table: a lightweight DELETE through the HTTP interface,
// `DELETE FROM `db`.`table` WHERE user_id = {user_id:String} OR …`, the statement in the body and
// the person's ids as query parameters (`param_user_id=…`): ClickHouse substitutes them as typed
// values, so no id ever becomes SQL text. The statement names only the configured table, whose
// names the config checks admit no backtick. A lightweight DELETE marks the rows deleted (they
// vanish from every query at once) and the next merge of their parts removes them from disk;
// the README says how to bound that wait. It waits, by default, until the rows are marked; a
// DELETE that outlasts the core's request timeout is sent again, which is harmless.
import { allowedPrivateTargets, defaultForgetRead, parseRetryAfter, responseHeader, eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, trimmedText, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { CODES, clickHouseError, notClickHouseAnswer, said } from './clickhouse-error.ts';
import { endpointOf, forwardsDeletions, sqlTableName, tableName, tableOf, userOf } from './config.ts';
import { authHeaders } from './insert-request.ts';

/** A column the DELETE reads that the table lacks: `Unknown expression identifier`, `Missing columns`. */
const UNKNOWN_IDENTIFIER = 47;
/** A DELETE ClickHouse does not run on this table (projections, an engine without lightweight deletes). */
const NOT_SUPPORTED = new Set([48, 344]);

/**
 * The DELETE statement and its parameters for the ids named (placeholders left out): rows whose
 * user_id — or an alias's previous_id — is the userId, and rows whose anonymous_id (or
 * previous_id) is the anonymousId. Null when no usable id is named.
 *
 * @example
 * deleteStatement({ userId: 'u-1', anonymousId: null }, { database: 'signal', table: 'events' });
 * // { query: 'DELETE FROM `signal`.`events` WHERE user_id = {user_id:String} OR previous_id = {user_id:String}', parameters: [['param_user_id', 'u-1']] }
 */
export function deleteStatement(person: NamedPerson, ref: ReturnType<typeof tableOf>): { query: string; parameters: Array<[string, string]> } | null {
  const rows = eventRowsOfPerson(person, (column) => `{${column}:String}`);
  if (rows === null) return null;
  return { query: `DELETE FROM ${sqlTableName(ref)} WHERE ${rows.condition}`, parameters: rows.ids.map(({ name, value }): [string, string] => [`param_${name}`, value]) };
}

/**
 * The request deleting the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443/', query: [['param_user_id', 'u-1'], ['param_anonymous_id', 'df_1']],
 * //   headers: { 'x-clickhouse-user': …, 'x-clickhouse-key': …, 'content-type': 'text/plain; charset=utf-8' },
 * //   body: 'DELETE FROM `signal`.`events` WHERE user_id = {user_id:String} OR … OR previous_id = {anonymous_id:String}', eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const statement = deleteStatement(person, tableOf(ctx.config));
  if (statement === null) return { skipped: PLACEHOLDER_IDS_SKIPPED };
  const allow = allowedPrivateTargets(ctx.config);
  return {
    method: 'POST',
    url: `${endpointOf(ctx.config)}/`,
    query: statement.parameters,
    headers: { ...authHeaders(ctx.config), 'content-type': 'text/plain; charset=utf-8' },
    body: statement.query,
    eventIds: [],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * Reads ClickHouse's answer to the DELETE:
 * - 2xx without an exception: done (the rows are marked deleted: gone from queries, from disk at the
 *   next merge) — unless it is a web page without ClickHouse's headers (a proxy's: tried again);
 * - TOO_MANY_PARTS and other passing failures, 408, 429, 5xx: tried again (after Retry-After);
 * - a refused login, a missing grant (ALTER DELETE), an unknown table, database or column, a
 *   table whose projections refuse lightweight deletes: failed, saying what to fix.
 *
 * @example
 * readDeletionAnswer({ status: 403, headers: { 'x-clickhouse-exception-code': '497' }, body: 'Code: 497. DB::Exception: signal_writer: Not enough privileges. … (ACCESS_DENIED)' }, request, ctx);
 * // { failed: 'HTTP 403, ClickHouse code 497 ACCESS_DENIED: … — run GRANT ALTER DELETE ON signal.events TO signal_writer, or turn config.forward_deletions off' }
 */
export function readDeletionAnswer(response: VendorResponse, _request?: RequestDescriptor, ctx?: Pick<PluginContext, 'config'>): ForgetOutcome {
  const config: Record<string, JsonValue> = ctx?.config ?? {};
  const error = clickHouseError(response);
  const answered = said(response, error);
  const ok = response.status >= 200 && response.status < 300;
  // A proxy's or login portal's page in a 2xx is no deletion: tried again, naming the field to check.
  if (ok && error.code === undefined && notClickHouseAnswer(response)) return { retry: `the answer to the DELETE is a web page, not ClickHouse's (${answered}): check that config.url is the service's HTTPS endpoint` };
  if (ok && error.code === undefined) return { done: true, message: 'ClickHouse marked the person\'s rows deleted (a lightweight DELETE): gone from queries now, removed from disk by the next merge of their parts' };
  const table = ctx === undefined ? 'the table' : tableName(config);
  const user = ctx === undefined ? 'the user' : userOf(config);
  switch (error.code) {
    case CODES.AUTHENTICATION_FAILED: case CODES.UNKNOWN_USER: case CODES.WRONG_PASSWORD: case CODES.REQUIRED_PASSWORD:
      return { failed: `${answered} — check config.username and config.password` };
    case CODES.ACCESS_DENIED: case CODES.DATABASE_ACCESS_DENIED: case CODES.READONLY:
      return { failed: `${answered} — run GRANT ALTER DELETE ON ${table} TO ${user}, or turn config.forward_deletions off` };
    case CODES.UNKNOWN_TABLE: case CODES.UNKNOWN_DATABASE:
      return { failed: `${answered} — check config.database and config.table` };
    case UNKNOWN_IDENTIFIER:
      return { failed: `${answered} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
    default:
      break;
  }
  if (error.code !== undefined && NOT_SUPPORTED.has(error.code)) {
    return { failed: `${answered} — ClickHouse runs no lightweight DELETE on this table (a table with projections needs the table setting lightweight_mutation_projection_mode): see the plugin README` };
  }
  if (error.code !== undefined && [CODES.TOO_MANY_PARTS, CODES.TOO_MANY_SIMULTANEOUS_QUERIES, CODES.MEMORY_LIMIT_EXCEEDED, CODES.TIMEOUT_EXCEEDED, CODES.KEEPER_EXCEPTION, CODES.TABLE_IS_READ_ONLY].some((code) => code === error.code)) {
    const afterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return afterMs === undefined ? { retry: answered } : { retry: answered, afterSeconds: Math.ceil(afterMs / 1000) };
  }
  if (ok) return { retry: `ClickHouse failed after accepting the DELETE (${answered})` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: answered };
  if ('failed' in outcome) return { failed: answered };
  return outcome;
}

/** The plugin's forwarding of person deletions: on with a password, unless config.forward_deletions is false. */
export const clickHouseForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && trimmedText(config.password) !== undefined,
  request: deletionRequest,
  read: readDeletionAnswer,
};
