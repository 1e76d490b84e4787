// Person deletions, as records. A Kafka topic cannot delete a record on request: records stay
// until the topic's retention ends (retention.ms, 7 days by default; forever with
// retention.ms=-1), or, on a compacted topic (cleanup.policy=compact), until a newer record of the
// same key replaces them. What Signal can write is, per config.deletion_records:
// - `notice`: one deletion notice record `{ "type": "person_deletion", "user_id", "anonymous_id",
//   "requested_at" }` under the person's key (their partition, after their records), for the
//   customer's consumers to erase what they stored of the person;
// - `tombstone`: a record with a null value under each of the person's keys (the userId and the
//   anonymousId, as records were keyed by either): compaction then removes every earlier record
//   of those keys, and the tombstones themselves after the topic's delete.retention.ms.
// Writing either again is harmless.
import {
  deletionNotice, noticedPerson, withoutReplayAdvice,
  type EventOutcome, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { classifyProduce, reportOutcome } from './classify.ts';
import { readReports } from './delivery-reports.ts';
import { deletionRecordsOf, includesContactInfo, recordKeyChoiceOf, topicOf } from './config.ts';
import { keyOf, produceRecord, produceRequest, recordKey } from './produce-request.ts';

/** The config the person's own key is read with: per person when records are keyed per event or not at all. */
function personKeyConfig(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const choice = recordKeyChoiceOf(config);
  return choice === 'message_id' || choice === 'none' ? { ...config, record_key: 'person' } : config;
}

/**
 * The request writing a person's deletion notice, under the key of the person's own records; an
 * id that is contact information is given as its SHA-256 when records leave contact information
 * out, as the records and keys have it.
 */
export function deletionNoticeRequest(person: NamedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  const key = recordKey({ userId: person.userId, anonymousId: person.anonymousId, messageId: `deletion:${person.userId ?? person.anonymousId ?? ''}` }, personKeyConfig(config));
  const notice = deletionNotice(person, ctx.now, { includeContactInfo: includesContactInfo(config) });
  return { ...produceRequest([produceRecord(key, notice)], [], config), memo: { records: 1 } };
}

/** The request writing a tombstone under each of the person's keys (the userId's, the anonymousId's). */
export function tombstonesRequest(person: NamedPerson, ctx: Pick<PluginContext, 'config'>): RequestDescriptor {
  const { config } = ctx;
  const keys = [...new Set([person.userId, person.anonymousId].filter((id): id is string => id !== null).map((id) => keyOf(id, includesContactInfo(config))))];
  return { ...produceRequest(keys.map((key) => produceRecord(key, null)), [], config), memo: { records: keys.length } };
}

/** The outcome of a deletion from the outcomes of its records: refused, retried, or written. */
function deletionOutcome(outcomes: EventOutcome[], config: Record<string, JsonValue>, count: number): ForgetOutcome {
  for (const outcome of outcomes) {
    if (outcome.status === 'dead_letter') return { failed: withoutReplayAdvice(outcome.reason) };
  }
  for (const outcome of outcomes) {
    if (outcome.status === 'retry') return { retry: outcome.reason, ...(outcome.retryAfterMs === undefined ? {} : { afterSeconds: Math.ceil(outcome.retryAfterMs / 1000) }) };
  }
  const what = deletionRecordsOf(config) === 'tombstone'
    ? `${count === 1 ? 'a tombstone' : `${count} tombstones`} (compaction removes the person's records)`
    : 'a deletion notice (your consumers erase the person\'s data)';
  return { done: true, message: `${what} written to ${topicOf(config)}` };
}

/**
 * Reads Kafka REST's answer to a deletion's records: written when every delivery report says
 * so; retried when one is (a rate limit, a passing Kafka error) or when the answer is no Kafka
 * REST answer, or when fewer reports came than the `sent` records; failed with the delivery's
 * reason when one is refused for good.
 */
export function readDeletionRecords(response: VendorResponse, config: Record<string, JsonValue>, sent?: number): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) {
    const classified = classifyProduce(response, { method: 'POST', url: '', eventIds: ['record'] }, config);
    return 'status' in classified && classified.status !== 'split' ? deletionOutcome([classified], config, 1) : { failed: `Kafka REST refused the deletion's records (HTTP ${response.status})` };
  }
  const reports = readReports(response.body);
  if (reports === undefined || reports.length === 0) {
    return { retry: `HTTP ${response.status} with no delivery report: not Kafka REST's answer (a proxy in the way? check config.rest_endpoint), so the deletion's records are sent again` };
  }
  if (sent !== undefined && reports.length < sent) {
    return { retry: `Kafka REST's answer ended after ${reports.length} of ${sent} delivery reports: the deletion's records are sent again` };
  }
  // Every record has its report with an error_code (200 when written): a JSON object without one,
  // or more reports than records, is not Kafka REST's answer (a proxy in the way).
  if (reports.some((report) => report.errorCode === undefined) || (sent !== undefined && reports.length > sent)) {
    return { retry: `HTTP ${response.status} without Kafka REST's delivery reports (error_code per record): not Kafka REST's answer (a proxy in the way? check config.rest_endpoint), so the deletion's records are sent again` };
  }
  return deletionOutcome(reports.map((report) => reportOutcome(report, config) ?? { status: 'delivered' }), config, reports.length);
}

/** Forwarding deletions as records (config.deletion_records), see the file's comment. */
export const kafkaForgetPerson: PersonForgetting = {
  // Kafka REST's delivery report for a deletion's one record (a notice), as the REST Proxy writes it.
  successAnswer: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: `${JSON.stringify({ error_code: 200, cluster_id: 'lkc-abc123', topic_name: 'signal-events', partition_id: 0, offset: 43, timestamp: '2026-11-30T12:00:01.000Z', key: { type: 'STRING', size: 4 }, value: { type: 'JSON', size: 96 } })}\r\n`,
  },
  enabled: (config) => deletionRecordsOf(config) !== 'off',
  request(person, ctx) {
    const named = noticedPerson(person);
    if ('skipped' in named) return named;
    return deletionRecordsOf(ctx.config) === 'tombstone' ? tombstonesRequest(named, ctx) : deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => {
    // The number of records sent, from the plugin's own note on the request.
    const memo = request?.memo;
    const sent = memo !== null && typeof memo === 'object' && !Array.isArray(memo) && typeof memo.records === 'number' ? memo.records : undefined;
    return readDeletionRecords(response, ctx?.config ?? {}, sent);
  },
};
