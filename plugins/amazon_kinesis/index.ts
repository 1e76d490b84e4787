import { EVENT_RECORD_FIELDS, definePlugin } from '../../core/sdk/index.ts';
import { classifyPut } from './classify.ts';
import { CONFIG_SCHEMA, includesContactInfo, kinesisConfigWarnings, validateKinesisConfig } from './config.ts';
import { kinesisForgetPerson } from './forget-person.ts';
import { MAX_BODY_BYTES, MAX_RECORDS, putRequests, signPutRequest } from './put-request.ts';
import { streamRecord } from './stream-record.ts';

export { awsError, classifyPut, recordOutcome } from './classify.ts';
export { CONFIG_SCHEMA, kinesisConfigWarnings, streamOf, validateKinesisConfig } from './config.ts';
export { deletionNoticeRequest, kinesisForgetPerson, readDeletionNotice } from './forget-person.ts';
export { endpointOf, MAX_BODY_BYTES, MAX_RECORDS, partitionKey, putRequests, recordData, signPutRequest } from './put-request.ts';
export { streamRecord, withoutContactInfo } from './stream-record.ts';

/**
 * Amazon Kinesis: every event streamed as one JSON record into the customer's own Kinesis data
 * stream (PutRecords, partitioned per person by default) or Amazon Data Firehose stream
 * (PutRecordBatch, a newline after each record), signed with AWS Signature Version 4 when sent;
 * per-record outcomes from AWS's per-record results; contact information left out unless the
 * config includes it; person deletions, when turned on, as deletion notice records. See README.md.
 *
 * @example
 * // config: { service: 'data_streams', region: 'eu-west-1', stream_name: 'signal-events', access_key_id: 'AKIA…', secret_access_key: '…' }
 * amazonKinesis.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://kinesis.eu-west-1.amazonaws.com/',
 * //    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' },
 * //    body: { StreamName: 'signal-events', Records: [{ Data: '<base64 of the record's JSON>', PartitionKey: '<userId, else anonymousId>' }] }, eventIds }]
 * amazonKinesis.sign!(request, ctx); // + x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/kinesis/aws4_request, …
 */
export default definePlugin({
  id: 'amazon_kinesis',
  name: 'Amazon Kinesis',
  category: 'cloud_storage',
  description: 'Streams every event as a JSON record into your own Amazon Kinesis data stream (PutRecords, partitioned per person so each person\'s records stay in order) or Amazon Data Firehose stream (PutRecordBatch, one record a line for S3, Redshift, Snowflake…), signed with AWS Signature Version 4; per-record outcomes, contact information left out unless you include it, and optional deletion notice records for your consumers.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateKinesisConfig,
  configWarnings: kinesisConfigWarnings,
  variants: {
    default: { description: 'Every event as one record: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on.', blueprint: 'amazon_kinesis/default.yaml' },
  },
  vendorFields: { ...EVENT_RECORD_FIELDS },
  // The customer's own stream, not a third party: no consent category is recommended (gate it
  // by consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not an AWS quota: a shard takes 1,000 records or 1 MiB a second, a Firehose
  // stream thousands of requests a second (see the README); throughput-exceeded records are
  // retried on their own as a rate limit.
  rateLimit: { rps: 10, burst: 20 },
  // The larger of the two bodies: send packs Firehose requests within 4 MiB.
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES.data_streams },
  map: (payload, _event, ctx) => streamRecord(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: putRequests,
  sign: signPutRequest,
  classify: (response, request, ctx) => classifyPut(response, request, ctx.config),
  // Kinesis PutRecords, Response Syntax (docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html): a Records entry per record, in order, FailedRecordCount 0.
  successAnswer: { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { FailedRecordCount: 0, Records: [{ SequenceNumber: '49543463076548007577105092703039560359975228518395019266', ShardId: 'shardId-000000000000' }, { SequenceNumber: '49543463076570308322303623326179887152428262250726293522', ShardId: 'shardId-000000000000' }] } },
  forgetPerson: kinesisForgetPerson,
});
