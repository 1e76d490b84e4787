import { EVENT_RECORD_FIELDS, definePlugin } from '../../core/sdk/index.ts';
import { classifyProduce } from './classify.ts';
import { CONFIG_SCHEMA, includesContactInfo, MAX_RECORDS_PER_REQUEST, validateKafkaConfig } from './config.ts';
import { kafkaForgetPerson } from './forget-person.ts';
import { MAX_BODY_BYTES, produceRequests } from './produce-request.ts';
import { topicRecord } from './topic-record.ts';

export { classifyProduce, reportOutcome } from './classify.ts';
export { apiBaseOf, CONFIG_SCHEMA, recordsUrlOf, validateKafkaConfig } from './config.ts';
export { errorOf, readObjects, readReports, statusOfCode } from './delivery-reports.ts';
export { deletionNoticeRequest, kafkaForgetPerson, readDeletionRecords, tombstonesRequest } from './forget-person.ts';
export { keyOf, MAX_BODY_BYTES, produceRecord, produceRequest, produceRequests, recordKey, streamBody } from './produce-request.ts';
export { topicRecord, withoutContactInfo } from './topic-record.ts';

/**
 * Apache Kafka through Confluent's REST APIs: every event produced as one JSON record to a topic
 * of the customer's Kafka — Confluent Cloud's Kafka REST API v3 or a self-managed Confluent REST
 * Proxy — keyed per person by default (one person's records in one partition, in order), several
 * records a request as a stream of JSON objects, one delivery report each; per-record outcomes;
 * contact information left out unless the config includes it; person deletions, when turned on,
 * as a deletion notice record or tombstones for a compacted topic. See README.md.
 *
 * @example
 * // config: { rest_endpoint: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443', cluster_id: 'lkc-abc123', topic: 'signal-events', api_key: 'ABCDEFGH12345678', api_secret: '…' }
 * kafka.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3/clusters/lkc-abc123/topics/signal-events/records',
 * //    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Basic <base64 of key:secret>' },
 * //    body: '{"key":{"type":"STRING","data":"u-42"},"value":{"type":"JSON","data":{"message_id":"m-1","type":"track",…}}}\n{"key":…}', eventIds }]
 */
export default definePlugin({
  id: 'kafka',
  name: 'Apache Kafka (Confluent REST)',
  category: 'cloud_storage',
  description: 'Produces every event as a JSON record to a topic of your Kafka cluster over HTTP — Confluent Cloud\'s Kafka REST API or a self-managed Confluent REST Proxy — keyed per person so each person\'s records stay in order; per-record delivery reports, contact information left out unless you include it, and optional deletion notices or tombstones for compacted topics.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateKafkaConfig,
  variants: {
    default: { description: 'Every event as one record: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on.', blueprint: 'kafka/default.yaml' },
  },
  vendorFields: { ...EVENT_RECORD_FIELDS },
  // The customer's own cluster, not a third party: no consent category is recommended (gate it
  // by consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a Confluent quota (see the README): records refused for the REST
  // endpoint's or the cluster's rate limit are retried on their own as a rate limit.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_RECORDS_PER_REQUEST, maxBytes: MAX_BODY_BYTES },
  // Kafka REST's documented answer to records appended: one JSON delivery report per record
  // (error_code 200), streamed one after the other, each chunk ending in CRLF (the REST Proxy's
  // chunk separator) — here to a request of two records.
  successAnswer: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: [
      { error_code: 200, cluster_id: 'lkc-abc123', topic_name: 'signal-events', partition_id: 0, offset: 42, timestamp: '2026-11-30T12:00:00.250Z', key: { type: 'STRING', size: 4 }, value: { type: 'JSON', size: 312 } },
      { error_code: 200, cluster_id: 'lkc-abc123', topic_name: 'signal-events', partition_id: 1, offset: 17, timestamp: '2026-11-30T12:00:00.251Z', key: { type: 'STRING', size: 6 }, value: { type: 'JSON', size: 287 } },
    ].map((report) => `${JSON.stringify(report)}\r\n`).join(''),
  },
  map: (payload, _event, ctx) => topicRecord(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: produceRequests,
  classify: (response, request, ctx) => classifyProduce(response, request, ctx.config),
  forgetPerson: kafkaForgetPerson,
});
