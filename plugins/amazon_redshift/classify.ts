// The Data API's answers to an INSERT, followed to the statement's outcome. ExecuteStatement
// only queues the statement and answers its Id: the rows are in the table when DescribeStatement
// says FINISHED, so the answer is followed (the core's follow-ups, `{ next }`) by
// DescribeStatement, asked again while the statement is SUBMITTED, PICKED or STARTED, up to the
// core's 4 follow-ups in a row. A statement still running after them is retried: the re-send
// carries the same ClientToken, so the Data API names the same statement instead of running the
// INSERT again, and its outcome is asked for anew. A statement is atomic (all its rows or none):
// - FINISHED: delivered;
// - FAILED for a value a column refuses (type, length, JSON): several rows are sent again in
//   halves (new statements, new tokens) until the row at fault is alone and dead-lettered;
// - FAILED for the table, a column, a grant, the database user: dead-lettered saying what to fix;
// - FAILED for a passing reason (a conflict with another transaction, a lost connection), or
//   ABORTED: run once more at once as a new statement (its token derived from the failed one's
//   Id, so a re-send finds it again), then retried with the core's backoff;
// - a statement that failed before this delivery began (the Data API answered a ClientToken it
//   remembers with an old statement: a replay after a fix, a retry) is run once more the same way.
import {
  MAX_FOLLOW_UPS, parseRetryAfter, responseHeader, trimmedText,
  type ClassifyResult, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { databaseAuthOf, targetOf, regionOf, schemaOf } from './config.ts';
import {
  ACCESS_DENIED, awsJsonError, CLOCK_SKEW, CREDENTIALS, errorKind, EXPIRED, RUNNING_STATUSES, said, statementIdOf, statementStateOf, THROTTLING, TRANSIENT,
  type StatementState,
} from './data-api-error.ts';
import { derivedToken, describeRequest, executeRequest, TARGETS, type SqlParameter, type StatementMemo } from './requests.ts';

/**
 * A statement created this long before the delivery began is an old one the Data API answered
 * for a ClientToken it remembers (clocks of Signal and AWS may differ by a few seconds).
 */
export const STALE_MARGIN_MS = 5_000;

/**
 * The memo of a request, or one inferred from its operation (a request built elsewhere, e.g. a
 * test's or the conformance suite's): its X-Amz-Target, else the answer's shape.
 *
 * @example
 * memoOf({ method: 'POST', url, headers: { 'x-amz-target': 'RedshiftData.DescribeStatement' }, eventIds: [] });
 * // { step: 'describe', token: '', depth: 0, rerun: false, verb: 'INSERT' }
 */
export function memoOf(request: RequestDescriptor, response?: VendorResponse): StatementMemo {
  const memo = request.memo as unknown as StatementMemo | undefined;
  if (memo !== undefined && memo !== null && typeof memo === 'object' && (memo.step === 'execute' || memo.step === 'describe')) return memo;
  const target = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
  const described = target === TARGETS.describe || (target === undefined && response !== undefined && statementStateOf(response) !== undefined);
  return { step: described ? 'describe' : 'execute', token: '', depth: 0, rerun: false, verb: 'INSERT' };
}

/** The table as messages name it. */
const tableWords = (config: Record<string, JsonValue>): string => `${schemaOf(config)}.${(trimmedText(config.table) ?? '(config.table)').toLowerCase()}`;

/** Where the statements run, as messages name it. */
function targetWords(config: Record<string, JsonValue>): string {
  const target = targetOf(config);
  return `${target.kind === 'workgroup' ? 'workgroup' : 'cluster'} ${target.id || '(not set)'} (config.${target.kind === 'workgroup' ? 'workgroup_name' : 'cluster_identifier'}) in ${regionOf(config) || '(config.region)'}`;
}

/** The database user, as messages name it. */
function userWords(config: Record<string, JsonValue>): string {
  const auth = databaseAuthOf(config);
  if (auth === 'secret') return 'the database user of config.secret_arn';
  if (auth === 'db_user') return `database user ${trimmedText(config.db_user)!} (config.db_user)`;
  return 'the database user of the IAM identity of config.access_key_id (IAM:<user name>)';
}

/**
 * The IAM actions the access key needs, by how the Data API signs in to the database.
 *
 * @example
 * iamActions({ cluster_identifier: 'analytics-cluster', database: 'dev', db_user: 'signal_writer' }, 'ExecuteStatement');
 * // "redshift-data:ExecuteStatement, redshift:GetClusterCredentials on the cluster's dbuser:analytics-cluster/signal_writer and dbname:analytics-cluster/dev"
 */
export function iamActions(config: Record<string, JsonValue>, operation: 'ExecuteStatement' | 'DescribeStatement'): string {
  const actions = [`redshift-data:${operation}`];
  if (operation === 'ExecuteStatement') {
    const auth = databaseAuthOf(config);
    if (auth === 'secret') actions.push('secretsmanager:GetSecretValue on config.secret_arn');
    else if (targetOf(config).kind === 'workgroup') actions.push('redshift-serverless:GetCredentials on the workgroup');
    else if (auth === 'db_user') actions.push(`redshift:GetClusterCredentials on the cluster's dbuser:${targetOf(config).id}/${trimmedText(config.db_user)!} and dbname:${targetOf(config).id}/${trimmedText(config.database) ?? ''}`);
    else actions.push('redshift:GetClusterCredentialsWithIAM on the cluster\'s database');
  }
  return actions.join(', ');
}

/** A retry of a rate-limited answer, after its Retry-After when it gives one. */
function throttled(reason: string, response: VendorResponse): EventOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

const deadLetter = (reason: string): EventOutcome => ({ status: 'dead_letter', reason });
const retry = (reason: string): EventOutcome => ({ status: 'retry', reason });

/** A refused request (any status but 2xx), ExecuteStatement's or DescribeStatement's. */
function classifyRefusal(response: VendorResponse, request: RequestDescriptor, memo: StatementMemo, config: Record<string, JsonValue>): ClassifyResult {
  const error = awsJsonError(response);
  const answered = said(response.status, error);
  const operation = memo.step === 'describe' ? 'DescribeStatement' : 'ExecuteStatement';
  const code = error.code;
  const several = request.eventIds.length > 1;
  const replay = 'then replay the dead letters';
  if (response.status === 429 || THROTTLING.has(code)) {
    const why = code === 'ActiveStatementsExceededException' ? ': too many statements are running on the cluster or workgroup at once' : code === 'ActiveSessionsExceededException' ? ': too many sessions are open' : '';
    return throttled(`the Data API refused the ${operation} for its limits (${answered})${why}; sent again later`, response);
  }
  if (CLOCK_SKEW.has(code)) return retry(`AWS refused the signature's time (${answered}): check this server's clock (NTP); sent again`);
  if (CREDENTIALS.has(code)) return deadLetter(`AWS refused the access key (${answered}): check config.access_key_id and config.secret_access_key (an active key of the IAM identity, its secret pasted whole); ${replay}`);
  if (EXPIRED.has(code)) return deadLetter(`AWS refused the temporary credentials as expired (${answered}): store current config.access_key_id, config.secret_access_key and config.session_token in a new revision (or use a long-lived IAM user key); ${replay}`);
  if (ACCESS_DENIED.has(code) || response.status === 403) {
    return deadLetter(`AWS denied the ${operation} (${answered}): grant the IAM identity of config.access_key_id ${iamActions(config, operation)}; ${replay}`);
  }
  if (code === 'ResourceNotFoundException' && memo.step === 'describe') {
    return retry(`the Data API no longer knows statement ${memo.id ?? ''} (${answered}): the INSERT is sent again with the same ClientToken`);
  }
  if (memo.step === 'describe' && (code === 'ValidationException' || response.status === 400)) {
    // DescribeStatement takes only the Id the Data API gave: a refusal is not the config's.
    return retry(`the Data API refused to describe statement ${memo.id ?? ''} (${answered}): the INSERT is sent again with the same ClientToken`);
  }
  if (response.status === 413) {
    if (several) return { status: 'split', reason: `the Data API refused the request for its size (${answered}): sending the rows in halves` };
    return deadLetter(`the Data API refused the request for its size even for this row alone (${answered}): leave its largest properties out with the blueprint's exclude or a pipeline transformation, ${replay}`);
  }
  if (code === 'ValidationException' || (response.status === 400 && code === '')) {
    const message = error.message;
    if (/larger than|too large|too long|exceed|maximum|limit/i.test(message) && memo.step === 'execute') {
      if (several) return { status: 'split', reason: `the Data API refused the statement for its size (${answered}): sending the rows in halves` };
      return deadLetter(`the Data API refused the statement for its size even for this row alone (${answered}): leave its largest properties out with the blueprint's exclude or a pipeline transformation, ${replay}`);
    }
    if (/paus|resum|modifying|resiz|reboot|not available|unavailable|maintenance|creating/i.test(message)) {
      return retry(`the ${targetWords(config)} cannot run statements now (${answered}); sent again later (a paused cluster must be resumed)`);
    }
    if (/workgroup/i.test(message)) return deadLetter(`${answered}: check config.workgroup_name and config.region (the ${targetWords(config)}); ${replay}`);
    if (/cluster/i.test(message)) return deadLetter(`${answered}: check config.cluster_identifier and config.region (the ${targetWords(config)}); ${replay}`);
    if (/secret/i.test(message)) return deadLetter(`${answered}: check config.secret_arn (a secret of the same Region holding the database user's username and password, readable by the IAM identity); ${replay}`);
    if (/database|dbname/i.test(message)) return deadLetter(`${answered}: check config.database; ${replay}`);
    if (/db ?user/i.test(message)) return deadLetter(`${answered}: check config.db_user; ${replay}`);
    return deadLetter(`the Data API refused the ${operation} (${answered}): check the config (config.region, config.${targetOf(config).kind === 'workgroup' ? 'workgroup_name' : 'cluster_identifier'}, config.database); ${replay}`);
  }
  if (response.status === 408 || response.status >= 500 || TRANSIENT.has(code)) {
    return retry(`the Data API failed the ${operation} (${answered}); sent again`);
  }
  if (response.status === 404) return deadLetter(`${answered}: nothing answers the Data API's route at the configured Region's endpoint — check config.region; ${replay}`);
  return deadLetter(`the Data API refused the ${operation} (${answered}): check the config; ${replay}`);
}

/** The memo of the original ExecuteStatement's statement, for a re-run: its SQL and parameters. */
interface RerunSource {
  sql: string;
  parameters: SqlParameter[];
}

/** The follow-up asking after a statement. */
function describeNext(id: string, request: RequestDescriptor, memo: StatementMemo, ctx: Pick<PluginContext, 'config'>): ClassifyResult {
  const source = (memo as StatementMemo & { source?: RerunSource }).source;
  const next: StatementMemo & { source?: RerunSource } = { ...memo, step: 'describe', id, depth: memo.depth + 1, ...(source === undefined ? {} : { source }) };
  return { next: [describeRequest(id, request.eventIds, ctx, next)] };
}

/** The statement's SQL and parameters as the ExecuteStatement request carried them. */
function sourceOf(request: RequestDescriptor): RerunSource | undefined {
  const body = request.body as { Sql?: unknown; Parameters?: unknown } | undefined;
  if (body === undefined || typeof body !== 'object' || typeof body.Sql !== 'string') return undefined;
  return { sql: body.Sql, parameters: Array.isArray(body.Parameters) ? (body.Parameters as SqlParameter[]) : [] };
}

/**
 * What a failed (or aborted) statement means for its rows (see the file's comment): run once
 * more as a new statement, split, dead-lettered saying what to fix, or retried.
 */
function classifyFailed(state: StatementState, request: RequestDescriptor, memo: StatementMemo, ctx: PluginContext): ClassifyResult {
  const config = ctx.config;
  const id = state.id ?? memo.id ?? '';
  const words = state.status === 'ABORTED' ? `statement ${id} was aborted${state.error === '' ? '' : ` (${state.error})`}` : `statement ${id} failed: ${state.error || 'no error given'}`;
  const kind = state.status === 'ABORTED' ? { kind: 'transient' as const } : errorKind(state.error);
  const stale = state.createdAtMs !== undefined && state.createdAtMs < ctx.now - STALE_MARGIN_MS;
  const source = (memo as StatementMemo & { source?: RerunSource }).source;
  // A re-run needs its ExecuteStatement and two DescribeStatements within the core's follow-ups.
  const canRerun = !memo.rerun && source !== undefined && memo.depth + 2 <= MAX_FOLLOW_UPS && id !== '';
  if (canRerun && (stale || kind.kind === 'transient' || kind.kind === 'unknown')) {
    const token = derivedToken(['rerun', memo.token, id]);
    const rerun: StatementMemo & { source: RerunSource } = { step: 'execute', token, depth: memo.depth + 1, rerun: true, verb: memo.verb, source: source! };
    return { next: [executeRequest(source!.sql, source!.parameters, request.eventIds, token, ctx, rerun)] };
  }
  const table = tableWords(config);
  const replay = 'then replay the dead letters';
  switch (kind.kind) {
    case 'data':
      if (request.eventIds.length > 1) return { status: 'split', reason: `Redshift refused a value of one of the rows (${words}): sending the rows in halves to find it` };
      return deadLetter(`Redshift refused a value of this row (${words}): fix what the blueprint maps, or the column's type or length in ${table}, ${replay}`);
    case 'no_table':
      return deadLetter(`Redshift has no table ${table} (${words}): check config.database, config.schema and config.table, and create the table with the CREATE TABLE of the plugin README; ${replay}`);
    case 'no_column':
      return deadLetter(`the table ${table} has no column ${kind.name ?? 'the statement names'} (${words}): add the column (see the plugin README's CREATE TABLE) or leave it out of the blueprint; ${replay}`);
    case 'no_privilege':
      return deadLetter(`${userWords(config)} may not insert into ${table} (${words}): GRANT USAGE ON SCHEMA ${schemaOf(config)} and GRANT INSERT ON ${table} to it; ${replay}`);
    case 'sign_in':
      return deadLetter(`the database refused ${userWords(config)} (${words}): check config.db_user or the username and password in config.secret_arn; ${replay}`);
    case 'no_database':
      return deadLetter(`the ${targetWords(config)} has no database ${trimmedText(config.database) ?? ''} (${words}): check config.database; ${replay}`);
    case 'syntax':
      return deadLetter(`Redshift refused the INSERT's text (${words}): a column the blueprint adds may be named so that it needs quotes, or the table differs from the README's; ${replay}`);
    case 'transient':
      return retry(`${words}; sent again`);
    default:
      return retry(`${words} — an error Signal does not recognise: sent again, and dead-lettered with these words if it lasts`);
  }
}

/**
 * The Data API's answer to an INSERT's ExecuteStatement or to a DescribeStatement following it
 * (see the file's comment):
 * - ExecuteStatement 200 with the statement's Id: followed by DescribeStatement;
 * - DescribeStatement FINISHED: delivered; SUBMITTED, PICKED or STARTED: asked again (within the
 *   core's follow-ups), then retried with the same ClientToken; FAILED or ABORTED: see `classifyFailed`;
 * - a 2xx that is not the Data API's answer (a proxy's page): retried;
 * - 429, ThrottlingException, ActiveStatementsExceededException, ActiveSessionsExceededException:
 *   retried as a rate limit; 408, 5xx, InternalServerException, ExecuteStatementException,
 *   DatabaseConnectionException: retried;
 * - AccessDeniedException (403): dead-lettered naming the IAM actions to grant; a refused or
 *   expired key: dead-lettered naming the config fields; ValidationException: dead-lettered
 *   naming the field it is about (a statement too large: split), retried when the cluster is paused.
 *
 * @example
 * classifyStatement({ status: 200, headers: {}, body: '…', json: { Id: 'd9b6c0c9-0747-4bf4-b142-e8883122f766' } }, insert, ctx);
 * // { next: [{ method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/', headers: { …, 'x-amz-target': 'RedshiftData.DescribeStatement' }, body: { Id: 'd9b6c0c9-…' }, eventIds, … }] }
 * classifyStatement({ status: 200, headers: {}, body: '…', json: { Id: 'd9b6…', Status: 'FINISHED', ResultRows: 2 } }, describe, ctx);
 * // { status: 'delivered' }
 */
export function classifyStatement(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const memo = memoOf(request, response);
  if (response.status < 200 || response.status >= 300) return classifyRefusal(response, request, memo, ctx.config);
  const notTheApi = (what: string): EventOutcome => retry(`HTTP ${response.status} without ${what}: not the Data API's answer (a proxy in the way?), so the INSERT is sent again with the same ClientToken`);
  if (memo.step === 'execute') {
    const id = statementIdOf(response);
    if (id === undefined) return notTheApi('a statement Id');
    const source = sourceOf(request);
    return describeNext(id, request, source === undefined ? memo : ({ ...memo, source } as StatementMemo), ctx);
  }
  const state = statementStateOf(response);
  if (state === undefined) return notTheApi('a statement Status');
  if (state.status === 'FINISHED') return { status: 'delivered' };
  if (RUNNING_STATUSES.has(state.status)) {
    if (memo.depth < MAX_FOLLOW_UPS) return describeNext(state.id ?? memo.id ?? '', request, memo, ctx);
    return retry(`Redshift is still running statement ${state.id ?? memo.id ?? ''} (${state.status}) after ${memo.depth} checks: sent again with the same ClientToken, so the Data API names this statement rather than inserting the rows twice, and its outcome is asked for again`);
  }
  if (state.status === 'FAILED' || state.status === 'ABORTED') return classifyFailed(state, request, memo, ctx);
  return notTheApi(`a statement status it documents (${state.status})`);
}
