import { definePlugin } from '../../core/sdk/index.ts';
import { bigQueryAccessToken } from './access-token.ts';
import { classifyInsertAll } from './classify.ts';
import { CONFIG_SCHEMA, validateBigQueryConfig } from './config.ts';
import { bigQueryForgetPerson } from './forget-person.ts';
import { insertRequests, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow, WITHOUT_CONTACT_INFO } from './table-row.ts';

export { validateBigQueryConfig } from './config.ts';
export { classifyInsertAll } from './classify.ts';
export { insertRequests, insertAllUrl } from './insert-request.ts';
export { tableRow } from './table-row.ts';

/**
 * Google BigQuery: every event streamed as one row into a table of the customer's own
 * (tabledata.insertAll, authorised by a service account's key through the core's access
 * tokens), with per-row outcomes from BigQuery's insertErrors; person deletions forwarded as a
 * parameterised DML DELETE. See README.md, which holds the table's CREATE TABLE.
 *
 * @example
 * // config: { project_id: 'shop-analytics', dataset_id: 'signal', table_id: 'events', service_account_key: '{"type":"service_account",…}' }
 * bigquery.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://bigquery.googleapis.com/bigquery/v2/projects/shop-analytics/datasets/signal/tables/events/insertAll',
 * //    body: { skipInvalidRows: false, ignoreUnknownValues: false, rows: [{ insertId: '<messageId>', json: { message_id, type, …, properties: '{…}' } }] }, eventIds }]
 */
export default definePlugin({
  id: 'bigquery',
  name: 'Google BigQuery',
  category: 'cloud_storage',
  description: 'Streams every event into a BigQuery table of your own, one row per event (ids, times, and properties, traits and context as JSON columns), through the streaming insert API (tabledata.insertAll) with a service account\'s key; per-row outcomes from BigQuery\'s insert errors, the messageId as insertId for best-effort deduplication, and person deletions forwarded as a parameterised DELETE query.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateBigQueryConfig,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as JSON — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'bigquery/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default row without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id column holding an email or phone.', blueprint: 'bigquery/without_contact_info.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'STRING NOT NULL: the event\'s messageId (also sent as the row\'s insertId).' },
    type: { required: true, description: 'STRING NOT NULL: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'STRING: a track event\'s name.' },
    name: { required: false, description: 'STRING: a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'STRING: the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'STRING: the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'STRING: a group call\'s groupId.' },
    previous_id: { required: false, description: 'STRING: an alias call\'s previousId.' },
    timestamp: { required: true, description: 'TIMESTAMP NOT NULL: when the event happened (corrected for the client\'s clock).' },
    received_at: { required: true, description: 'TIMESTAMP NOT NULL: when Signal received it; the table\'s partitioning column.' },
    sent_at: { required: false, description: 'TIMESTAMP: when the client sent it.' },
    properties: { required: false, description: 'JSON: the event\'s properties.' },
    traits: { required: false, description: 'JSON: an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'JSON: the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The warehouse is the customer's own storage, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a Google limit: streaming quotas are per project in bytes and rows a
  // second (see the README), far above 20 requests of 500 rows a second.
  rateLimit: { rps: 20, burst: 40 },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  accessToken: bigQueryAccessToken,
  map: (payload, _event, ctx) => tableRow(payload, ctx),
  send: insertRequests,
  classify: (response, request, ctx) => classifyInsertAll(response, request, ctx),
  // tabledata.insertAll (cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/insertAll): kind only, insertErrors absent when every row was inserted.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { kind: 'bigquery#tableDataInsertAllResponse' } },
  forgetPerson: bigQueryForgetPerson,
});
