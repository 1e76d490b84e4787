// Person deletions, as deletion notices. SQS has no API to delete a person's messages: a queue
// holds each message until a consumer receives and deletes it, or its retention ends (4 days by
// default, up to 14), and what the consumers stored of it is the customer's. What Signal can do
// is tell those consumers: with config.deletion_notices on, a deletion sends one message to the
// queue — body `{ "type": "person_deletion", "user_id", "anonymous_id", "requested_at" }`,
// attribute event_type `person_deletion` — for the consumers to erase what they stored of the
// person (and skip the person's messages still queued). On a FIFO queue grouped per person it
// joins the person's own group, so it is received after their events. Sending the same notice
// again is harmless. Signal sends it once the person's events on their way are over.
import {
  DELETION_NOTICE_TYPE, deletionNotice, deletionNoticeOutcome, noticedPerson, sha256Hex,
  type ForgetOutcome, type JsonValue, type NoticedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { classifySendMessageBatch } from './classify.ts';
import { includesContactInfo, queueNameOf, sendsDeletionNotices } from './config.ts';
import { messageBody, messageEntry, sendMessageBatchRequest, type MessageSource } from './send-message-batch.ts';

/**
 * SendMessageBatch's documented answer to a deletion notice (one message, sent): what the
 * forwarding's `read` takes as done.
 */
export const DELETION_NOTICE_ANSWER = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: { Successful: [{ Id: '0', MessageId: '4c2b0b2e-5b1f-4f3c-9a8f-2b8a1e6f0d3c', MD5OfMessageBody: '9a0364b9e99bb480dd25e1f0284c8555' }], Failed: [] },
};

/**
 * The SendMessageBatch request sending a person's deletion notice, unsigned: the core signs it
 * with the plugin's `sign` as it goes, as it signs deliveries. An id that is contact information
 * (an email as userId) is given as its SHA-256 while messages leave contact information out, as
 * their bodies give it. On a FIFO queue: the person's message group, and a deduplication id of
 * the notice's content.
 */
export function deletionNoticeRequest(person: NoticedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  const notice = deletionNotice(person, ctx.now, { includeContactInfo: includesContactInfo(config) });
  const body = messageBody(notice);
  // The notice is no track call: the attributes name its type alone; its group is the person's.
  const source: MessageSource = { type: DELETION_NOTICE_TYPE, messageId: `deletion-${sha256Hex(body)}` };
  if (person.userId !== null) source.userId = person.userId;
  if (person.anonymousId !== null) source.anonymousId = person.anonymousId;
  const entry = messageEntry(0, body, source, config);
  return sendMessageBatchRequest([entry], [], config);
}

/** Reads SQS's answer to a deletion notice with the delivery's classifier: sent, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>): ForgetOutcome {
  return deletionNoticeOutcome((notice) => classifySendMessageBatch(response, notice, config), request, `deletion notice sent to the queue ${queueNameOf(config)}: your consumers erase the person's data`);
}

/** Forwarding deletions as deletion notice messages (config.deletion_notices), see the file's comment. */
export const sqsForgetPerson: PersonForgetting = {
  successAnswer: DELETION_NOTICE_ANSWER,
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = noticedPerson(person);
    return 'skipped' in named ? named : deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}),
};
