import { definePlugin } from '../../core/sdk/index.ts';
import { classifyStatement } from './classify.ts';
import { CONFIG_SCHEMA, redshiftConfigWarnings, validateRedshiftConfig } from './config.ts';
import { redshiftForgetPerson } from './forget-person.ts';
import { ENDPOINTS, insertRequests, MAX_BYTES, MAX_ROWS, signDataApiRequest } from './requests.ts';
import { tableRow, WITHOUT_CONTACT_INFO } from './table-row.ts';

export { classifyStatement, iamActions } from './classify.ts';
export { CONFIG_SCHEMA, connectionFields, qualifiedTable, validateRedshiftConfig } from './config.ts';
export { errorKind, statementStateOf } from './data-api-error.ts';
export { deleteStatement, deletionRequest, readDeletionAnswer, redshiftForgetPerson } from './forget-person.ts';
export { endpointOf, insertRequests, insertStatement, insertToken, signDataApiRequest } from './requests.ts';
export { tableRow, withoutContactInfo } from './table-row.ts';

/**
 * Amazon Redshift: every event inserted as one row into a table of the customer's own, in a
 * provisioned cluster or a Redshift Serverless workgroup, through the Redshift Data API (AWS
 * JSON 1.1, signed with Signature Version 4 as each request leaves): one multi-row INSERT a
 * request with named parameters only, properties, traits and context as SUPER through
 * JSON_PARSE, a ClientToken derived from the events so a re-send names the same statement; each
 * statement followed through DescribeStatement to its outcome, so a failed INSERT is never
 * counted as delivered; person deletions forwarded as a DELETE with parameters. See README.md.
 *
 * @example
 * // config: { region: 'eu-west-1', cluster_identifier: 'analytics-cluster', database: 'dev', db_user: 'signal_writer', schema: 'signal', table: 'events', access_key_id: 'AKIA…', secret_access_key: '…' }
 * amazonRedshift.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://redshift-data.eu-west-1.amazonaws.com/',
 * //    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.ExecuteStatement' },
 * //    body: { ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer',
 * //            Sql: 'INSERT INTO "signal"."events" ("message_id", …) VALUES (:p1, …, CAST(:p6 AS TIMESTAMPTZ), …, JSON_PARSE(:p8))',
 * //            Parameters: [{ name: 'p1', value: '<messageId>' }, …], ClientToken: '<sha256 hex>', StatementName: 'signal-insert' }, eventIds }]
 * amazonRedshift.sign!(request, ctx); // + x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/redshift-data/aws4_request, …
 */
export default definePlugin({
  id: 'amazon_redshift',
  name: 'Amazon Redshift',
  category: 'cloud_storage',
  description: 'Inserts every event as one row into an Amazon Redshift table of your own (a provisioned cluster or Redshift Serverless) through the Redshift Data API, signed with AWS Signature Version 4: ids and times as columns, properties, traits and context as SUPER; one multi-row INSERT a request with named parameters only and a ClientToken derived from the events, each statement followed through DescribeStatement until Redshift says it finished (a failed INSERT is retried, split down to the row at fault or dead-lettered, never counted as delivered), and person deletions forwarded as a DELETE with parameters.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateRedshiftConfig,
  configWarnings: redshiftConfigWarnings,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as SUPER — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'amazon_redshift/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default row without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id column holding an email or phone.', blueprint: 'amazon_redshift/without_contact_info.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'VARCHAR(256) NOT NULL: the event\'s messageId.' },
    type: { required: true, description: 'VARCHAR(16) NOT NULL: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'VARCHAR(512): a track event\'s name.' },
    name: { required: false, description: 'VARCHAR(512): a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'VARCHAR(512): the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'VARCHAR(512): the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'VARCHAR(512): a group call\'s groupId.' },
    previous_id: { required: false, description: 'VARCHAR(512): an alias call\'s previousId.' },
    timestamp: { required: true, description: 'TIMESTAMPTZ NOT NULL: when the event happened (corrected for the client\'s clock), in UTC.' },
    received_at: { required: true, description: 'TIMESTAMPTZ NOT NULL: when Signal received it; the table\'s sort key.' },
    sent_at: { required: false, description: 'TIMESTAMPTZ: when the client sent it.' },
    properties: { required: false, description: 'SUPER: the event\'s properties.' },
    traits: { required: false, description: 'SUPER: an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'SUPER: the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The warehouse is the customer's own storage, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, within the Data API's quotas (per account and Region, shared with every other
  // client of the account: ExecuteStatement 30 a second, DescribeStatement 100, as reported —
  // see the README's Unconfirmed): 5 INSERTs a second of up to 100 rows, each followed by a few
  // DescribeStatements. A throttled answer pauses the integration (or the operation's bucket).
  rateLimit: { rps: 20, burst: 40, endpoints: { [ENDPOINTS.execute]: { rps: 5, burst: 10 }, [ENDPOINTS.describe]: { rps: 15, burst: 30 } } },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => tableRow(payload, ctx),
  send: insertRequests,
  sign: signDataApiRequest,
  classify: (response, request, ctx) => classifyStatement(response, request, ctx),
  // The answer that settles an INSERT as delivered: DescribeStatement's for a FINISHED statement
  // (docs.aws.amazon.com/redshift-data/latest/APIReference/API_DescribeStatement.html, Response Syntax).
  // ExecuteStatement's own answer (its Id) only queues the statement, and is followed.
  successAnswer: { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { Id: 'd9b6c0c9-0747-4bf4-b142-e8883122f766', Status: 'FINISHED', ResultRows: 2, ResultSize: 0, HasResultSet: false, Duration: 812000000, CreatedAt: 1764590400.123, UpdatedAt: 1764590401.456, QueryString: 'INSERT INTO "signal"."events" ("message_id", "type", "timestamp", "received_at") VALUES (:p1, :p2, CAST(:p3 AS TIMESTAMPTZ), CAST(:p4 AS TIMESTAMPTZ)), (:p5, :p6, CAST(:p7 AS TIMESTAMPTZ), CAST(:p8 AS TIMESTAMPTZ))', RedshiftPid: 1073815670, RedshiftQueryId: 1884302, ClusterIdentifier: 'analytics-cluster', Database: 'dev', DbUser: 'signal_writer' } },
  forgetPerson: redshiftForgetPerson,
});
