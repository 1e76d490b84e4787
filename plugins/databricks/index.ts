import { definePlugin, EVENT_RECORD_FIELDS, oauthClientCredentialsRequest, type PluginContext, type RequestDescriptor, trimmedText } from '../../core/sdk/index.ts';
import { classifyStatement } from './classify.ts';
import { CONFIG_SCHEMA, usesOAuth, validateDatabricksConfig, workspaceOrigin } from './config.ts';
import { databricksForgetPerson } from './forget-person.ts';
import { ENDPOINTS, insertRequests, MAX_BYTES, MAX_ROWS } from './requests.ts';
import { tableRow, WITHOUT_CONTACT_INFO } from './table-row.ts';

export { classifyStatement, WAREHOUSE_WAIT_MS } from './classify.ts';
export { CONFIG_SCHEMA, qualifiedTable, validateDatabricksConfig, warehouseId, workspaceHost } from './config.ts';
export { databricksForgetPerson, deleteStatement, deletionRequest, readDeletionAnswer } from './forget-person.ts';
export { cancelRequest, executeRequest, insertRequests, insertStatement, MAX_PARAMETERS, statusRequest } from './requests.ts';
export { apiErrorOf, errorClassOf, failureKind, statementStateOf } from './statement-answer.ts';
export { tableRow, withoutContactInfo } from './table-row.ts';

/**
 * The OAuth machine-to-machine token request of a service principal: client credentials (HTTP
 * Basic) at the workspace's `https://<host>/oidc/v1/token`, scope `all-apis`.
 *
 * @example
 * databricksTokenRequest(ctx);
 * // { method: 'POST', url: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/oidc/v1/token', headers: { authorization: 'Basic …', 'content-type': 'application/x-www-form-urlencoded', … },
 * //   body: 'grant_type=client_credentials&scope=all-apis', eventIds: [] }
 */
export function databricksTokenRequest(ctx: PluginContext): RequestDescriptor {
  return oauthClientCredentialsRequest({ url: `${workspaceOrigin(ctx.config)}/oidc/v1/token`, clientId: trimmedText(ctx.config.client_id) ?? '', clientSecret: trimmedText(ctx.config.client_secret) ?? '', scope: 'all-apis', clientAuth: 'basic' });
}

/**
 * Databricks: every event inserted as one row into a Delta table of the customer's own through
 * the SQL Statement Execution API (`POST https://<workspace>/api/2.0/sql/statements` on a SQL
 * warehouse): one multi-row INSERT a request with named parameter markers only, properties,
 * traits and context as JSON text (STRING) or VARIANT; a statement not done within wait_timeout
 * followed to its outcome, so a failed INSERT is never counted as delivered; a personal access
 * token or a service principal's OAuth client credentials; person deletions forwarded as a DELETE
 * with parameters. See README.md for the CREATE TABLE.
 *
 * @example
 * // config: { host: 'dbc-a1b2345c-d6e7.cloud.databricks.com', warehouse_id: '1234567890abcdef', access_token: 'dapi…', catalog: 'main', schema: 'signal', table: 'events' }
 * databricks.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.0/sql/statements', headers: { authorization: 'Bearer dapi…', … },
 * //    body: { warehouse_id: '1234567890abcdef', statement: 'INSERT INTO `main`.`signal`.`events` (`message_id`, …) VALUES (:p1, …)',
 * //            parameters: [{ name: 'p1', value: '<messageId>', type: 'STRING' }, …], catalog: 'main', schema: 'signal', wait_timeout: '8s', on_wait_timeout: 'CONTINUE', disposition: 'INLINE', format: 'JSON_ARRAY' }, eventIds }]
 */
export default definePlugin({
  id: 'databricks',
  name: 'Databricks',
  category: 'cloud_storage',
  description: 'Inserts every event as one row into a Delta table of your own in Databricks (ids and times as columns, properties, traits and context as JSON text or VARIANT) through the SQL Statement Execution API on a SQL warehouse, with a personal access token or a service principal\'s OAuth client credentials: one multi-row INSERT a request with named parameters only, each statement followed until Databricks says it succeeded (a failed INSERT is retried, split down to the row at fault or dead-lettered, never counted as delivered), and person deletions forwarded as a DELETE with parameters.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateDatabricksConfig,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as JSON — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'databricks/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default row without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id column holding an email or phone.', blueprint: 'databricks/without_contact_info.yaml' },
  },
  vendorFields: {
    ...EVENT_RECORD_FIELDS,
    message_id: { required: true, description: 'STRING NOT NULL: the event\'s messageId (deduplicate on it when reading: a statement Signal could not see finish may have inserted its rows before they were sent again).' },
    type: { required: true, description: 'STRING NOT NULL: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'STRING: a track event\'s name.' },
    name: { required: false, description: 'STRING: a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'STRING: the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'STRING: the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'STRING: a group call\'s groupId.' },
    previous_id: { required: false, description: 'STRING: an alias call\'s previousId.' },
    timestamp: { required: true, description: 'TIMESTAMP NOT NULL: when the event happened (corrected for the client\'s clock), in UTC.' },
    received_at: { required: true, description: 'TIMESTAMP NOT NULL: when Signal received it.' },
    sent_at: { required: false, description: 'TIMESTAMP: when the client sent it.' },
    properties: { required: false, description: 'STRING (JSON text) or VARIANT, as config.json_columns says: the event\'s properties.' },
    traits: { required: false, description: 'STRING (JSON text) or VARIANT: an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'STRING (JSON text) or VARIANT: the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The lakehouse is the customer's own storage, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a documented Databricks limit (see the README's Unconfirmed): 5 statements
  // a second of up to a few dozen rows each keeps a small warehouse busy without queueing
  // statements; status and cancellation requests have a bucket of their own. A 429 pauses the
  // integration for its Retry-After.
  rateLimit: { rps: 15, burst: 30, endpoints: { [ENDPOINTS.execute]: { rps: 5, burst: 10 }, [ENDPOINTS.status]: { rps: 10, burst: 20 } } },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: usesOAuth,
    request: databricksTokenRequest,
  },
  map: (payload, _event, ctx) => tableRow(payload, ctx),
  send: insertRequests,
  classify: (response, request, ctx) => classifyStatement(response, request, ctx),
  // The API's answer for an INSERT that succeeded within wait_timeout: the statement response with
  // its one-row result (docs.databricks.com/api/workspace/statementexecution/executestatement, Response).
  successAnswer: {
    status: 200, headers: { 'content-type': 'application/json' },
    body: {
      statement_id: '01f0c2a4-5b7e-1d3c-9a8f-0e6b7c5d4a3f', status: { state: 'SUCCEEDED' },
      manifest: { format: 'JSON_ARRAY', schema: { column_count: 2, columns: [{ name: 'num_affected_rows', type_text: 'BIGINT', type_name: 'LONG', position: 0 }, { name: 'num_inserted_rows', type_text: 'BIGINT', type_name: 'LONG', position: 1 }] }, total_chunk_count: 1, chunks: [{ chunk_index: 0, row_offset: 0, row_count: 1 }], total_row_count: 1, truncated: false },
      result: { chunk_index: 0, row_offset: 0, row_count: 1, data_array: [['2', '2']] },
    },
  },
  forgetPerson: databricksForgetPerson,
});
