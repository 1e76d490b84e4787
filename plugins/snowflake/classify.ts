// The SQL API's answers to an INSERT. A statement is atomic: it inserts all its rows or none, and
// a refusal names no row. So a refusal of the data (SQLSTATE class 22: a value a column cannot
// take, JSON PARSE_JSON cannot read, text too long for a VARCHAR(n)) is sent again in halves
// until the row at fault is alone and dead-lettered; a refusal of the config (no such table or
// column, no privilege, no warehouse, a refused key) is the same for every row: dead-lettered
// saying which config field or grant to fix. A 202 is a statement still running: sent again with
// the same requestId and retry=true, so Snowflake answers the statement's outcome rather than
// inserting the rows twice.
import { defaultClassify, parseRetryAfter, responseHeader, trimmedText, type Classification, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { identifier, jwtAccount, qualifiedTable, usesAccessToken } from './config.ts';
import { publicKeyFingerprint } from './key-pair.ts';
import {
  INVALID_IDENTIFIER_CODE, JWT_REFUSED_CODES, NO_PRIVILEGE_CODE, NO_WAREHOUSE_CODE, NOT_FOUND_CODE, said, snowflakeAnswer, TIMEOUT_CODE, TOKEN_REFUSED_CODES,
  type SnowflakeAnswer,
} from './snowflake-error.ts';

/** Snowflake's "maximum number of expressions in a list exceeded". */
const TOO_MANY_EXPRESSIONS_CODE = '001795';
/** A request Snowflake refused for its size. */
const TOO_LARGE = /too large|exceeds (?:the )?(?:maximum|limit)|request entity|max(?:imum)? (?:length|size)/i;
/** A warehouse that cannot run statements now: suspended and not resumable (resource monitor), or being resumed. */
const WAREHOUSE_UNAVAILABLE = /warehouse .*(?:cannot be resumed|suspended|resource monitor)|resource monitor .*quota/i;

/** The table as the config names it, for messages (`DB.SCHEMA.TABLE`, or the fields when they are not identifiers). */
function tableName(config: Record<string, JsonValue>): string {
  try {
    return qualifiedTable(config);
  } catch {
    return 'config.database.config.schema.config.table';
  }
}

/** The role the statements run as, for messages. */
const roleName = (config: Record<string, JsonValue>): string => identifier(config.role) ?? 'the user\'s default role';

/** What to check when Snowflake refused the credential, in the config's terms. */
function credentialAdvice(config: Record<string, JsonValue>, answer: SnowflakeAnswer): string {
  const user = trimmedText(config.user) ?? 'config.user';
  if (usesAccessToken(config)) {
    return `Snowflake refused the programmatic access token: check that config.programmatic_access_token is current (not expired, revoked or disabled) and belongs to user ${user} of account ${jwtAccount(config)} (config.user, config.account); store a new one in a new revision, then replay the dead letters`;
  }
  let fingerprint = '';
  try {
    fingerprint = ` (its fingerprint ${publicKeyFingerprint(trimmedText(config.private_key) ?? '', trimmedText(config.private_key_passphrase))})`;
  } catch {
    // A key that cannot be read says so in its own message; the fingerprint is only a hint here.
  }
  const clock = JWT_REFUSED_CODES.has(answer.code ?? '') ? '; and that this server\'s clock is right (the JWT is stamped with it)' : '';
  return `Snowflake refused the key-pair JWT: check that the public key of config.private_key${fingerprint} is set on user ${user} (DESC USER ${user}: RSA_PUBLIC_KEY_FP), that config.user is the login name and config.account the account identifier (the JWT names ${jwtAccount(config)}.${user.toUpperCase()})${clock}; then replay the dead letters`;
}

/** A 2xx: Snowflake's ResultSet (delivered) or QueryStatus (202: still running, sent again). */
function classifyAccepted(response: VendorResponse, answer: SnowflakeAnswer): Classification {
  if (!answer.isJson) {
    // Every SQL API answer is JSON: a web page (a proxy's, a captive portal's) did not insert anything.
    return { status: 'retry', reason: `HTTP ${response.status} with a body that is not the SQL API's JSON answer (${answer.message.slice(0, 120) || 'empty'}): sent again` };
  }
  if (response.status === 202) {
    const handle = answer.statementHandle === undefined ? '' : ` (statement ${answer.statementHandle})`;
    return { status: 'retry', reason: `Snowflake is still running the INSERT${handle}: sent again with the same requestId, so Snowflake answers its outcome instead of inserting the rows twice` };
  }
  return { status: 'delivered' };
}

/**
 * The SQL API's answer to an INSERT request:
 * - 200 with Snowflake's JSON: delivered; a 2xx that is not JSON (a proxy's page): sent again;
 * - 202 (still running): sent again with the same requestId (see the file's comment);
 * - 422 with a data error (SQLSTATE class 22): several rows sent again in halves, one row
 *   dead-lettered with Snowflake's words; `002003` (no table, or no access to it), `000904` (no
 *   such column), `003001` (no privilege), `000606` (no warehouse): dead-lettered naming the
 *   config field or the grant; `000630` (statement timeout): sent again; a warehouse that cannot
 *   resume (resource monitor): dead-lettered saying so;
 * - 401 (or a JWT or token code): dead-lettered saying what to check (key, user, account, clock);
 * - 403: dead-lettered (network policy or privilege); 404: dead-lettered naming config.account;
 * - 413 or a size refusal: sent again in halves (one row alone: dead-lettered);
 * - 429: retried as a rate limit after Retry-After when given; 408 and 5xx: retried.
 *
 * @example
 * classifyStatement({ status: 422, headers: {}, body: '…', json: { code: '000904', sqlState: '42000', message: "SQL compilation error: error line 1 at position 63\ninvalid identifier 'COLOUR'" } }, request, ctx);
 * // { status: 'dead_letter', reason: "Snowflake refused the INSERT (HTTP 422 000904 (42000): …): the table ANALYTICS.SIGNAL.EVENTS has no column COLOUR — …" }
 */
export function classifyStatement(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config'>): Classification {
  const { status } = response;
  const answer = snowflakeAnswer(response);
  if (status >= 200 && status < 300) return classifyAccepted(response, answer);
  const answered = said(response, answer);
  const several = request.eventIds.length > 1;
  const table = tableName(ctx.config);
  const code = answer.code ?? '';
  const refused = `Snowflake refused the INSERT (${answered})`;

  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return { status: 'retry', reason: `Snowflake's rate limit was reached (${answered})`, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  // 001795: more expressions in the VALUES list than Snowflake takes — a size refusal too.
  if (status === 413 || code === TOO_MANY_EXPRESSIONS_CODE || ((status === 400 || status === 422) && TOO_LARGE.test(answer.message) && !(answer.sqlState ?? '').startsWith('22'))) {
    if (several) return { status: 'split', reason: `Snowflake refused the request as too large (${answered}): sending it in halves` };
    return { status: 'dead_letter', reason: `Snowflake refused this row alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude, then replay` };
  }
  if (status === 401 || JWT_REFUSED_CODES.has(code) || TOKEN_REFUSED_CODES.has(code)) {
    return { status: 'dead_letter', reason: `${answered} — ${credentialAdvice(ctx.config, answer)}` };
  }
  if (WAREHOUSE_UNAVAILABLE.test(answer.message)) {
    return { status: 'dead_letter', reason: `${refused}: warehouse ${identifier(ctx.config.warehouse) ?? '(config.warehouse)'} cannot run it — resume it (ALTER WAREHOUSE … RESUME, or set AUTO_RESUME = TRUE) or raise its resource monitor's quota, then replay the dead letters` };
  }
  if (code === TIMEOUT_CODE) {
    return { status: 'retry', reason: `${refused}: the statement ran past config.statement_timeout and was cancelled, inserting nothing — sent again; raise config.statement_timeout or the warehouse's size if this repeats` };
  }
  if (code === NO_WAREHOUSE_CODE || /no active warehouse/i.test(answer.message)) {
    return { status: 'dead_letter', reason: `${refused}: check config.warehouse (${identifier(ctx.config.warehouse) ?? 'empty'}) names an existing warehouse and grant USAGE on it to ${roleName(ctx.config)} (config.role); then replay the dead letters` };
  }
  if (code === INVALID_IDENTIFIER_CODE || /invalid identifier/i.test(answer.message)) {
    const column = /invalid identifier '([^']+)'/i.exec(answer.message)?.[1];
    return { status: 'dead_letter', reason: `${refused}: the table ${table} has no column ${column ?? 'the statement names'} — add the column (see the CREATE TABLE of the plugin README) or leave it out of the blueprint, then replay the dead letters` };
  }
  if (code === NOT_FOUND_CODE || /does not exist or not authorized/i.test(answer.message)) {
    return { status: 'dead_letter', reason: `${refused}: the table ${table} does not exist, or ${roleName(ctx.config)} (config.role) may not see it — check config.database, config.schema and config.table, create the table with the CREATE TABLE of the plugin README, and grant USAGE on the database and schema and INSERT on the table to the role; then replay the dead letters` };
  }
  if (code === NO_PRIVILEGE_CODE || /insufficient privileges/i.test(answer.message)) {
    return { status: 'dead_letter', reason: `${refused}: grant INSERT on ${table} to ${roleName(ctx.config)} (config.role), and USAGE on its database, schema and config.warehouse; then replay the dead letters` };
  }
  if ((answer.sqlState ?? '').startsWith('22') || (status === 422 && /^100\d{3}$/.test(code))) {
    if (several) return { status: 'split', reason: `${refused}: a value of one of its rows does not fit its column; sending the rows in halves to find it` };
    return { status: 'dead_letter', reason: `${refused}: a value of this row does not fit its column — fix what the blueprint maps, or the column's type or length in the table, then replay` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `${refused}: Snowflake denied the request — a network policy may not allow this server's IP address (add it to the user's or account's network policy), or user ${trimmedText(ctx.config.user) ?? '(config.user)'} may not use the SQL API; then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `${refused}: check config.account (${trimmedText(ctx.config.account) ?? 'empty'}): the account identifier is the part of the account URL before .snowflakecomputing.com; then replay the dead letters` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'delivered') return classified;
  if (classified.status === 'retry') return { ...classified, reason: `Snowflake failed (${answered})` };
  return { status: 'dead_letter', reason: `${refused}: check the table ${table} (its columns as the README's CREATE TABLE) and the config, then replay the dead letters` };
}
