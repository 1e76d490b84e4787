import { definePlugin, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authorizationHeaders } from './authorization.ts';
import { classifyStatement } from './classify.ts';
import { CONFIG_SCHEMA, validateSnowflakeConfig } from './config.ts';
import { snowflakeForgetPerson } from './forget-person.ts';
import { insertRequests, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow } from './table-row.ts';

export { validateSnowflakeConfig } from './config.ts';
export { classifyStatement } from './classify.ts';
export { insertRequests, insertStatement } from './insert-request.ts';
export { tableRow } from './table-row.ts';
export { keyPairJwt, publicKeyFingerprint } from './key-pair.ts';

/**
 * The plugin's `sign`: the request's authorization as it leaves — a key-pair JWT stamped with
 * `ctx.now` (the sending time, after any wait for the rate limit; a re-send gets a new one), or
 * the programmatic access token.
 *
 * @example
 * signStatement(request, { ...ctx, now: Date.now() });
 * // { ...request, headers: { ...request.headers, authorization: 'Bearer eyJ…', 'x-snowflake-authorization-token-type': 'KEYPAIR_JWT' } }
 */
export function signStatement(request: RequestDescriptor, ctx: PluginContext): RequestDescriptor {
  return { ...request, headers: { ...request.headers, ...authorizationHeaders(ctx.config, ctx.now) } };
}

/**
 * Snowflake: every event inserted as one row into a table of the customer's own, through the SQL
 * API (`POST https://{account}.snowflakecomputing.com/api/v2/statements`): one multi-row INSERT a
 * request, every value a bind variable, properties, traits and context as VARIANT through
 * PARSE_JSON; authorised by a key-pair JWT signed as each request leaves (or a programmatic
 * access token); a requestId derived from the events so a re-send is not inserted twice; person
 * deletions forwarded as a DELETE with bind variables. See README.md for the CREATE TABLE.
 *
 * @example
 * // config: { account: 'myorg-shop', user: 'SIGNAL_WRITER', private_key: '-----BEGIN PRIVATE KEY-----…', database: 'ANALYTICS', schema: 'SIGNAL', table: 'EVENTS', warehouse: 'SIGNAL_WH' }
 * snowflake.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://myorg-shop.snowflakecomputing.com/api/v2/statements', query: [['requestId', '…'], ['retry', 'true']],
 * //    body: { statement: 'INSERT INTO ANALYTICS.SIGNAL.EVENTS (message_id, …) SELECT $1, … PARSE_JSON($12) … FROM VALUES (?, …)', timeout: 60,
 * //            database: 'ANALYTICS', schema: 'SIGNAL', warehouse: 'SIGNAL_WH', bindings: { 1: { type: 'TEXT', value: '<messageId>' }, … } }, eventIds }]
 */
export default definePlugin({
  id: 'snowflake',
  name: 'Snowflake',
  category: 'cloud_storage',
  description: 'Inserts every event as one row into a Snowflake table of your own (ids, times, and properties, traits and context as VARIANT columns) through the Snowflake SQL API, with key-pair authentication (a JWT signed as each request leaves) or a programmatic access token; one multi-row INSERT a request with bind variables only, a requestId derived from the events so a re-send is not inserted twice, and person deletions forwarded as a DELETE with bind variables.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSnowflakeConfig,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as VARIANT — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'snowflake/default.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'VARCHAR NOT NULL: the event\'s messageId.' },
    type: { required: true, description: 'VARCHAR NOT NULL: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'VARCHAR: a track event\'s name.' },
    name: { required: false, description: 'VARCHAR: a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'VARCHAR: the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'VARCHAR: the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'VARCHAR: a group call\'s groupId.' },
    previous_id: { required: false, description: 'VARCHAR: an alias call\'s previousId.' },
    timestamp: { required: true, description: 'TIMESTAMP_TZ NOT NULL: when the event happened (corrected for the client\'s clock), in UTC.' },
    received_at: { required: true, description: 'TIMESTAMP_TZ NOT NULL: when Signal received it; the table\'s clustering key.' },
    sent_at: { required: false, description: 'TIMESTAMP_TZ: when the client sent it.' },
    properties: { required: false, description: 'VARIANT: the event\'s properties.' },
    traits: { required: false, description: 'VARIANT: an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'VARIANT: the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The warehouse is the customer's own storage, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a documented Snowflake limit: each request is a statement the warehouse
  // queues and runs; 5 a second of up to 200 rows (1,000 rows a second) keeps an X-Small busy
  // without piling statements up. A 429 pauses the integration.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => tableRow(payload, ctx),
  send: insertRequests,
  sign: signStatement,
  classify: (response, request, ctx) => classifyStatement(response, request, ctx),
  // Snowflake's SQL API ResultSet for an INSERT (docs.snowflake.com/en/developer-guide/sql-api/reference, ResultSet): code 090001, the rows inserted in data and stats.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { resultSetMetaData: { numRows: 1, format: 'jsonv2', rowType: [{ name: 'number of rows inserted', type: 'fixed', nullable: false }] }, data: [['2']], code: '090001', statementStatusUrl: '/api/v2/statements/01b2c3d4-0000-1234-0000-000100020003?requestId=4d2a8f3e-7c1b-4e5a-9f6d-2b8c0a1e3d5f', requestId: '4d2a8f3e-7c1b-4e5a-9f6d-2b8c0a1e3d5f', sqlState: '00000', statementHandle: '01b2c3d4-0000-1234-0000-000100020003', message: 'Statement executed successfully.', createdOn: 1714651200000, stats: { numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 } } },
  forgetPerson: snowflakeForgetPerson,
});
