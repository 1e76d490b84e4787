// Person deletions forwarded to the table: a DELETE run through the Data API's ExecuteStatement
// with the person's ids as named parameters, never inside the statement's text (which names only
// the configured table, checked to be a name). Rows whose user_id — or an alias's previous_id —
// is the userId go, and rows whose anonymous_id (or previous_id) is the anonymousId. The Data API
// answers the statement's Id at once: the outcome is followed through DescribeStatement (twice
// at most, the core's chain being three requests), and a DELETE still running then is asked
// again later from the start. Deleting what is gone already deletes nothing, so the DELETE
// carries no ClientToken: each try is a statement of its own. Signed by the plugin's `sign`.
import {
  eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, trimmedText,
  type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { databaseAuthOf, forwardsDeletions, qualifiedTable, schemaOf } from './config.ts';
import { iamActions, memoOf } from './classify.ts';
import {
  ACCESS_DENIED, awsJsonError, CREDENTIALS, errorKind, EXPIRED, RUNNING_STATUSES, said, statementIdOf, statementStateOf, THROTTLING, TRANSIENT,
} from './data-api-error.ts';
import { describeRequest, executeRequest, type SqlParameter, type StatementMemo } from './requests.ts';

/** DescribeStatements after the DELETE within the core's chain of three requests. */
const MAX_CHECKS = 2;

/**
 * The DELETE statement and its parameters for the ids named (placeholders left out), or null
 * when no usable id is named.
 *
 * @example
 * deleteStatement({ userId: 'u-1', anonymousId: null }, '"signal"."events"');
 * // { sql: 'DELETE FROM "signal"."events" WHERE user_id = :user_id OR previous_id = :user_id', parameters: [{ name: 'user_id', value: 'u-1' }] }
 */
export function deleteStatement(person: NamedPerson, table: string): { sql: string; parameters: SqlParameter[] } | null {
  const rows = eventRowsOfPerson(person, (column) => `:${column}`);
  if (rows === null) return null;
  return { sql: `DELETE FROM ${table} WHERE ${rows.condition}`, parameters: rows.ids.map(({ name, value }) => ({ name, value })) };
}

/**
 * The ExecuteStatement request deleting the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/', headers: { …, 'x-amz-target': 'RedshiftData.ExecuteStatement' },
 * //   body: { ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer', Sql: 'DELETE FROM "signal"."events" WHERE user_id = :user_id OR … OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id',
 * //           Parameters: [{ name: 'user_id', value: 'u-1' }, { name: 'anonymous_id', value: 'df_1' }], StatementName: 'signal-person-deletion' }, eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  let table: string;
  try {
    table = qualifiedTable(ctx.config);
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  const statement = deleteStatement(person, table);
  if (statement === null) return { skipped: PLACEHOLDER_IDS_SKIPPED };
  return executeRequest(statement.sql, statement.parameters, [], undefined, ctx, { step: 'execute', token: '', depth: 0, rerun: false, verb: 'DELETE' });
}

/** The table as messages name it. */
const tableWords = (config: Record<string, JsonValue> | undefined): string => (config === undefined ? 'the table' : `${schemaOf(config)}.${(trimmedText(config.table) ?? '').toLowerCase()}`);

/** A failed DELETE statement's outcome: a passing failure tried again, anything else failed saying what to fix. */
function failedDelete(id: string, status: string, error: string, config: Record<string, JsonValue> | undefined): ForgetOutcome {
  const words = status === 'ABORTED' ? `the DELETE (statement ${id}) was aborted` : `the DELETE (statement ${id}) failed: ${error || 'no error given'}`;
  const kind = status === 'ABORTED' ? 'transient' : errorKind(error).kind;
  const table = tableWords(config);
  if (kind === 'transient' || kind === 'unknown') return { retry: words };
  if (kind === 'no_privilege') return { failed: `${words} — GRANT DELETE ON ${table} to the database user (${config !== undefined && databaseAuthOf(config) === 'db_user' ? `config.db_user ${trimmedText(config.db_user)!}` : 'of config.secret_arn, or IAM:<user name> of the access key'}), or turn config.forward_deletions off` };
  if (kind === 'no_table' || kind === 'no_database') return { failed: `${words} — check config.database, config.schema and config.table` };
  if (kind === 'no_column') return { failed: `${words} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
  return { failed: words };
}

/**
 * Reads the Data API's answer to the DELETE's ExecuteStatement (followed by DescribeStatement) or
 * to a DescribeStatement: FINISHED done, saying how many rows went; still running asked again
 * (twice), then tried again later; FAILED by a passing failure, 408, 429 and 5xx tried again; a
 * refused key, a denied action, a missing table or privilege failed, saying what to fix.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { Id: 'd9b6…', Status: 'FINISHED', ResultRows: 3 } }, request, ctx);
 * // { done: true, message: 'Redshift deleted 3 rows (statement d9b6…)' }
 */
export function readDeletionAnswer(response: VendorResponse, request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const config = ctx?.config;
  const memo: StatementMemo = request === undefined ? { step: 'execute', token: '', depth: 0, rerun: false, verb: 'DELETE' } : memoOf(request, response);
  if (response.status >= 200 && response.status < 300) {
    const state = statementStateOf(response);
    if (state === undefined) {
      const id = statementIdOf(response);
      if (id === undefined) return { retry: `HTTP ${response.status} without a statement Id or Status: not the Data API's answer (a proxy in the way?)` };
      if (ctx === undefined || request === undefined) return { retry: `the Data API queued the DELETE as statement ${id}: asked again` };
      return { next: describeRequest(id, [], ctx, { ...memo, step: 'describe', id, depth: memo.depth + 1, verb: 'DELETE' }) };
    }
    const id = state.id ?? memo.id ?? '';
    if (state.status === 'FINISHED') return { done: true, message: state.rows === undefined ? `Redshift ran the DELETE (statement ${id})` : `Redshift deleted ${state.rows} row${state.rows === 1 ? '' : 's'} (statement ${id})` };
    if (RUNNING_STATUSES.has(state.status)) {
      if (ctx !== undefined && request !== undefined && memo.depth < MAX_CHECKS) return { next: describeRequest(id, [], ctx, { ...memo, step: 'describe', id, depth: memo.depth + 1, verb: 'DELETE' }) };
      return { retry: `Redshift is still running the DELETE (statement ${id}, ${state.status}): asked again later` };
    }
    if (state.status === 'FAILED' || state.status === 'ABORTED') return failedDelete(id, state.status, state.error, config);
    return { retry: `HTTP ${response.status} with a statement status the Data API does not document (${state.status})` };
  }
  const error = awsJsonError(response);
  const answered = said(response.status, error);
  if (response.status === 408 || response.status === 429 || response.status >= 500 || THROTTLING.has(error.code) || TRANSIENT.has(error.code)) return { retry: answered };
  if (error.code === 'ResourceNotFoundException' && memo.step === 'describe') return { retry: `${answered}: the DELETE is run again` };
  if (CREDENTIALS.has(error.code)) return { failed: `${answered} — AWS refused the access key: check config.access_key_id and config.secret_access_key` };
  if (EXPIRED.has(error.code)) return { failed: `${answered} — the temporary credentials expired: store current ones (config.access_key_id, config.secret_access_key, config.session_token)` };
  if (ACCESS_DENIED.has(error.code) || response.status === 403) {
    const actions = config === undefined ? 'redshift-data:ExecuteStatement and redshift-data:DescribeStatement' : `${iamActions(config, 'ExecuteStatement')} and redshift-data:DescribeStatement`;
    return { failed: `${answered} — grant the IAM identity of config.access_key_id ${actions}` };
  }
  if (error.code === 'ValidationException') return { failed: `${answered} — check config.region, config.cluster_identifier or config.workgroup_name, config.database and config.secret_arn or config.db_user` };
  return { failed: answered };
}

/**
 * The plugin's forwarding of person deletions: on unless config.forward_deletions is false.
 *
 * @example
 * redshiftForgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx); // an ExecuteStatement running the DELETE (see deletionRequest)
 */
export const redshiftForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && trimmedText(config.access_key_id) !== undefined,
  request: deletionRequest,
  read: readDeletionAnswer,
  // DescribeStatement's answer for a finished DELETE (docs.aws.amazon.com/redshift-data/latest/APIReference/API_DescribeStatement.html).
  successAnswer: { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { Id: 'd9b6c0c9-0747-4bf4-b142-e8883122f766', Status: 'FINISHED', ResultRows: 3, ResultSize: 0, HasResultSet: false, Duration: 412000000, CreatedAt: 1764590400.123, UpdatedAt: 1764590400.987, QueryString: 'DELETE FROM "signal"."events" WHERE user_id = :user_id OR previous_id = :user_id', RedshiftQueryId: 1884301, ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer' } },
};
