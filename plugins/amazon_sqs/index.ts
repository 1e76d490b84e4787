import { EVENT_RECORD_FIELDS, definePlugin, eventRecord } from '../../core/sdk/index.ts';
import { classifySendMessageBatch, SEND_MESSAGE_BATCH_ANSWER } from './classify.ts';
import { CONFIG_SCHEMA, includesContactInfo, sqsConfigWarnings, validateSqsConfig } from './config.ts';
import { sqsForgetPerson } from './forget-person.ts';
import { MAX_BODY_BYTES, MAX_ENTRIES, sendMessageBatchRequests, signSendMessageBatch } from './send-message-batch.ts';

export { classifySendMessageBatch, entryOutcome, SEND_MESSAGE_BATCH_ANSWER, sqsError, type SqsError } from './classify.ts';
export { CONFIG_SCHEMA, isFifo, queueOf, sqsConfigWarnings, validateSqsConfig } from './config.ts';
export { DELETION_NOTICE_ANSWER, deletionNoticeRequest, readDeletionNotice, sqsForgetPerson } from './forget-person.ts';
export {
  ATTRIBUTE_NAMES, endpointOf, groupSafeId, MAX_BODY_BYTES, MAX_ENTRIES, MAX_MESSAGES_BYTES, messageAttributesOf, messageBody, messageEntry, messageGroupOf, messageSize,
  sendMessageBatchRequest, sendMessageBatchRequests, signSendMessageBatch, type MessageSource,
} from './send-message-batch.ts';

/**
 * Amazon SQS: every event sent as one JSON message to the customer's own queue, standard or
 * FIFO (SendMessageBatch over the AWS JSON 1.0 protocol, up to 10 messages a request), with
 * event_type and event_name message attributes, and on a FIFO queue a MessageGroupId per person
 * (or per call type, or fixed) and the event's messageId as MessageDeduplicationId; signed with
 * AWS Signature Version 4 when sent; per-message outcomes from SQS's Successful and Failed
 * lists; contact information left out unless the config includes it; person deletions, when
 * turned on, as deletion notice messages. See README.md.
 *
 * @example
 * // config: { region: 'eu-west-1', queue_url: 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events', access_key_id: 'AKIA…', secret_access_key: '…' }
 * amazonSqs.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/',
 * //    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
 * //    body: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events',
 * //            Entries: [{ Id: '0', MessageBody: '{"message_id":"m-1","type":"track",…}',
 * //                        MessageAttributes: { event_type: { DataType: 'String', StringValue: 'track' }, event_name: { DataType: 'String', StringValue: 'Order Completed' } } }] },
 * //    eventIds: ['m-1'] }]
 * amazonSqs.sign!(request, ctx); // + x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/sqs/aws4_request, …
 */
export default definePlugin({
  id: 'amazon_sqs',
  name: 'Amazon SQS',
  category: 'cloud_storage',
  description: 'Sends every event as a JSON message to your own Amazon SQS queue, standard or FIFO (SendMessageBatch, signed with AWS Signature Version 4), with event_type and event_name message attributes, and on FIFO queues a message group per person and the event\'s messageId as deduplication id; per-message outcomes, contact information left out unless you include it, and optional deletion notice messages for your consumers.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSqsConfig,
  configWarnings: sqsConfigWarnings,
  variants: {
    default: { description: 'Every event as one message whose body is message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on.', blueprint: 'amazon_sqs/default.yaml' },
  },
  vendorFields: {
    ...EVENT_RECORD_FIELDS,
    message_id: { required: true, description: 'The event\'s messageId: deduplicate on it when consuming (a standard queue may deliver a message twice; on a FIFO queue it is also the MessageDeduplicationId).' },
  },
  // The customer's own queue, not a third party: no consent category is recommended (gate it by
  // consent at install when your policy treats what the consumers do as needing one).
  consent: [],
  // Signal's pace, not an AWS quota: a standard queue takes nearly unlimited requests a second,
  // a FIFO queue 300 SendMessageBatch calls a second (3,000 messages) without high throughput
  // mode; a throttled message is retried on its own as a rate limit.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_ENTRIES, maxBytes: MAX_BODY_BYTES },
  map: (payload, _event, ctx) => eventRecord(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: sendMessageBatchRequests,
  sign: signSendMessageBatch,
  classify: (response, request, ctx) => classifySendMessageBatch(response, request, ctx.config),
  // SendMessageBatch's documented answer: every entry in Successful, Failed empty.
  successAnswer: SEND_MESSAGE_BATCH_ANSWER,
  forgetPerson: sqsForgetPerson,
});
