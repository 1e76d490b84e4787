import { definePlugin } from '../../core/sdk/index.ts';
import { classifyInsert } from './classify.ts';
import { CONFIG_SCHEMA, validateClickHouseConfig } from './config.ts';
import { clickHouseForgetPerson } from './forget-person.ts';
import { insertRequests, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow, WITHOUT_CONTACT_INFO, withoutContactInfo } from './table-row.ts';

export { validateClickHouseConfig } from './config.ts';
export { classifyInsert } from './classify.ts';
export { insertRequests, deduplicationToken } from './insert-request.ts';
export { tableRow } from './table-row.ts';

/**
 * ClickHouse (Cloud or self-hosted): every event inserted as one row into a table of the
 * customer's own through ClickHouse's HTTP interface (`INSERT … FORMAT JSONEachRow`, rows as
 * newline-delimited JSON), as asynchronous inserts that ClickHouse buffers into few parts, each
 * request with a deduplication token so a re-sent one is not inserted twice where the table
 * deduplicates; refusals classified by ClickHouse's exception code (a row it cannot read found
 * by splitting the request, a missing column traced to the rows that hold it); person deletions
 * forwarded as a lightweight DELETE with the ids as query parameters. See README.md, which holds
 * the table's CREATE TABLE and the user's grants.
 *
 * @example
 * // config: { url: 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443', database: 'signal', table: 'events', username: 'signal_writer', password: '…' }
 * clickhouse.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443/',
 * //    query: [['query', 'INSERT INTO `signal`.`events` FORMAT JSONEachRow'], ['async_insert', '1'], ['wait_for_async_insert', '1'],
 * //            ['insert_deduplication_token', 'signal-…'], ['date_time_input_format', 'best_effort'], ['input_format_skip_unknown_fields', '0']],
 * //    headers: { 'x-clickhouse-user': 'signal_writer', 'x-clickhouse-key': '…', 'content-type': 'application/x-ndjson' },
 * //    body: '{"message_id":"m-1","type":"track",…,"properties":"{\"plan\":\"pro\"}"}\n', eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'clickhouse',
  name: 'ClickHouse',
  category: 'cloud_storage',
  description: 'Inserts every event as one row into a ClickHouse table of your own (ClickHouse Cloud or self-hosted), through the HTTP interface as JSONEachRow: ids and times as columns, properties, traits and context as JSON text; asynchronous inserts with a deduplication token per request, refusals classified by ClickHouse\'s exception code (a bad row found by splitting the request, a missing column named), and person deletions forwarded as a lightweight DELETE with the ids as query parameters.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateClickHouseConfig,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as JSON text — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'clickhouse/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default row without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id column holding an email or phone.', blueprint: 'clickhouse/without_contact_info.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'String: the event\'s messageId (part of the sorting key, so ReplacingMergeTree folds copies).' },
    type: { required: true, description: 'LowCardinality(String): track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'String (default \'\'): a track event\'s name.' },
    name: { required: false, description: 'String (default \'\'): a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'String (default \'\'): the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'String (default \'\'): the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'String (default \'\'): a group call\'s groupId.' },
    previous_id: { required: false, description: 'String (default \'\'): an alias call\'s previousId.' },
    timestamp: { required: true, description: 'DateTime64(3, \'UTC\'): when the event happened (corrected for the client\'s clock).' },
    received_at: { required: true, description: 'DateTime64(3, \'UTC\'): when Signal received it; the partition key (by month).' },
    sent_at: { required: false, description: 'Nullable(DateTime64(3, \'UTC\')): when the client sent it.' },
    properties: { required: false, description: 'String (JSON text): the event\'s properties.' },
    traits: { required: false, description: 'String (JSON text): an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'String (JSON text): the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The table is the customer's own storage, like a database of theirs: no third party receives
  // the events, so no consent category is recommended (see the README: gate it by consent at
  // install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a ClickHouse limit: asynchronous inserts take many small inserts; a
  // self-hosted server's max_concurrent_queries (and TOO_MANY_PARTS) are answered as rate limits.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => tableRow(ctx.variant === WITHOUT_CONTACT_INFO ? withoutContactInfo(payload) : payload),
  send: insertRequests,
  classify: (response, request, ctx) => classifyInsert(response, request, ctx),
  // ClickHouse's HTTP interface (clickhouse.com/docs/interfaces/http): an INSERT answers 200 with an empty body and its X-ClickHouse-Summary.
  successAnswer: { status: 200, headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-query-id': '5abe861c-239c-467f-b955-8a201abb8b7f', 'x-clickhouse-summary': '{"read_rows":"2","read_bytes":"512","written_rows":"2","written_bytes":"512","total_rows_to_read":"0","result_rows":"2","result_bytes":"512"}' }, body: '' },
  forgetPerson: clickHouseForgetPerson,
});
