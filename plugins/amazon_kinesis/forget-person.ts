// Person deletions, as deletion notices. Neither Kinesis Data Streams nor Firehose can delete a
// record: a data stream keeps its records until its retention ends (24 hours by default, up to
// 365 days), and Firehose keeps none once delivered (the destination has them). What the stream
// can do is tell its consumers: with config.deletion_notices on, a deletion writes one record
// `{ "type": "person_deletion", "user_id", "anonymous_id", "requested_at" }` to the stream —
// under the person's partition key, so on a data stream it follows their events on their shard —
// for the customer's consumers to erase what they stored of the person (and skip the person's
// records still in the stream). Writing the same notice again is harmless.
import {
  deletionNotice, deletionNoticeOutcome, noticedPerson,
  type ForgetOutcome, type JsonValue, type NoticedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { classifyPut } from './classify.ts';
import { includesContactInfo, sendsDeletionNotices, serviceOf, streamOf } from './config.ts';
import { partitionKey, putRequest, recordEntry } from './put-request.ts';

/**
 * The PutRecords (PutRecordBatch) request writing a person's deletion notice, unsigned: the
 * core signs it with the plugin's `sign` as it goes, as it signs deliveries.
 */
export function deletionNoticeRequest(person: NoticedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  // The partition key of the person's own events, so the notice lands on their shard after them.
  const key = partitionKey({ userId: person.userId ?? undefined, anonymousId: person.anonymousId ?? '', messageId: `deletion:${person.userId ?? person.anonymousId ?? ''}` }, config.partition_key === 'message_id' ? { ...config, partition_key: 'person' } : config);
  // An id that is contact information (an email as userId) is not in clear in the notice when
  // records leave contact information out: its SHA-256, as the records and partition keys have it.
  const notice = deletionNotice(person, ctx.now, { includeContactInfo: includesContactInfo(config) });
  return putRequest([recordEntry(notice, key, serviceOf(config))], [], config);
}

/** Reads AWS's answer to a deletion notice with the delivery's classifier: written, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>): ForgetOutcome {
  return deletionNoticeOutcome((notice) => classifyPut(response, notice, config), request, `deletion notice written to ${streamOf(config).name}: your consumers erase the person's data`);
}

/** Forwarding deletions as deletion notice records (config.deletion_notices), see the file's comment. */
export const kinesisForgetPerson: PersonForgetting = {
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = noticedPerson(person);
    return 'skipped' in named ? named : deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}),
};
