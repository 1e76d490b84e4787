// Person deletions, as deletion notices. Neither Kinesis Data Streams nor Firehose can delete a
// record: a data stream keeps its records until its retention ends (24 hours by default, up to
// 365 days), and Firehose keeps none once delivered (the destination has them). What the stream
// can do is tell its consumers: with config.deletion_notices on, a deletion writes one record
// `{ "type": "person_deletion", "user_id", "anonymous_id", "requested_at" }` to the stream —
// under the person's partition key, so on a data stream it follows their events on their shard —
// for the customer's consumers to erase what they stored of the person (and skip the person's
// records still in the stream). Writing the same notice again is harmless.
import { usableId, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { classifyPut } from './classify.ts';
import { includesContactInfo, sendsDeletionNotices, serviceOf, streamOf } from './config.ts';
import { partitionKey, putRequest, recordEntry } from './put-request.ts';
import { hashedId, isContactInfo } from './stream-record.ts';

/** The `type` of a deletion notice record. */
export const DELETION_NOTICE_TYPE = 'person_deletion';

/**
 * The deletion notice of a person: the ids named (null when not), and when it was asked.
 *
 * @example
 * deletionNotice({ userId: 'u-42', anonymousId: null }, Date.parse('2026-11-30T12:00:00Z'));
 * // { type: 'person_deletion', user_id: 'u-42', anonymous_id: null, requested_at: '2026-11-30T12:00:00.000Z' }
 */
export function deletionNotice(person: { userId: string | null; anonymousId: string | null }, now: number): JsonObject {
  return { type: DELETION_NOTICE_TYPE, user_id: person.userId, anonymous_id: person.anonymousId, requested_at: new Date(now).toISOString() };
}

/**
 * The PutRecords (PutRecordBatch) request writing a person's deletion notice, unsigned: the
 * core signs it with the plugin's `sign` as it goes, as it signs deliveries.
 */
export function deletionNoticeRequest(person: { userId: string | null; anonymousId: string | null }, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  // The partition key of the person's own events, so the notice lands on their shard after them.
  const key = partitionKey({ userId: person.userId ?? undefined, anonymousId: person.anonymousId ?? '', messageId: `deletion:${person.userId ?? person.anonymousId ?? ''}` }, config.partition_key === 'message_id' ? { ...config, partition_key: 'person' } : config);
  // An id that is contact information (an email as userId) is not in clear in the notice when
  // records leave contact information out: its SHA-256, as the records and partition keys have it.
  const asRecorded = (id: string | null) => (id === null || includesContactInfo(config) || !isContactInfo(id) ? id : hashedId(id));
  const notice = deletionNotice({ userId: asRecorded(person.userId), anonymousId: asRecorded(person.anonymousId) }, ctx.now);
  return putRequest([recordEntry(notice, key, serviceOf(config))], [], config);
}

/** Reads AWS's answer to a deletion notice with the delivery's classifier: written, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>): ForgetOutcome {
  // The classifier names events by the request's eventIds: the notice's one record gets one.
  const classified = classifyPut(response, { ...(request ?? { method: 'POST', url: '' }), eventIds: ['notice'] }, config);
  const outcome = 'perEvent' in classified ? classified.perEvent.notice ?? { status: 'delivered' as const } : classified;
  const stream = streamOf(config).name;
  if (outcome.status === 'delivered') return { done: true, message: `deletion notice written to ${stream}: your consumers erase the person's data` };
  if (outcome.status === 'retry') {
    return { retry: outcome.reason, ...(outcome.retryAfterMs === undefined ? {} : { afterSeconds: Math.ceil(outcome.retryAfterMs / 1000) }) };
  }
  return { failed: outcome.reason.replace(/, then replay the dead letters$|; then replay the dead letters$/, '') };
}

/** Forwarding deletions as deletion notice records (config.deletion_notices), see the file's comment. */
export const kinesisForgetPerson: PersonForgetting = {
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = { userId: usableId(person.userId) ? person.userId : null, anonymousId: usableId(person.anonymousId) ? person.anonymousId : null };
    if (named.userId === null && named.anonymousId === null) return { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' };
    return deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}),
};
