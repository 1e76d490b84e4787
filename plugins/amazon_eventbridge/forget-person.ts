// Person deletions, as deletion notice events. An event bus keeps no events: it routes each one
// to the targets of the rules it matches, and what those targets stored (a Lambda's table, an
// SQS queue, a Firehose's S3 objects, an archive kept for replay until its retention ends) is
// the customer's. EventBridge has no API to delete a person from them. What Signal can do is
// tell those targets: with config.deletion_notices on, a deletion puts one event on the bus —
// source the config's, detail-type `signal.person_deletion`, detail `{ "type": "person_deletion",
// "user_id", "anonymous_id", "requested_at" }` — for a rule to route to what erases the person.
// Putting the same notice again is harmless. Signal sends it once the person's events on their
// way are over, so it comes after them.
import {
  deletionNotice, deletionNoticeOutcome, noticedPerson,
  type ForgetOutcome, type JsonObject, type JsonValue, type NoticedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { classifyPutEvents } from './classify.ts';
import { eventBusNameOf, eventBusOf, includesContactInfo, sendsDeletionNotices, sourceOf } from './config.ts';
import { eventTime, putEventsRequest } from './put-events-request.ts';

/** The detail-type of a deletion notice: namespaced, so that no track event's name is taken for one. */
export const DELETION_DETAIL_TYPE = 'signal.person_deletion';
/**
 * PutEvents's documented answer to a deletion notice (one entry, put): what the forwarding's
 * `read` takes as done — the `forgetPerson.successAnswer` of a contract that has one.
 */
export const DELETION_NOTICE_ANSWER = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: { FailedEntryCount: 0, Entries: [{ EventId: 'd804d26a-88db-4b66-9eaf-9a11c708ae82' }] },
};

/**
 * The PutEvents request putting a person's deletion notice on the bus, unsigned: the core signs
 * it with the plugin's `sign` as it goes, as it signs deliveries. An id that is contact
 * information (an email as userId) is given as its SHA-256 while events leave contact
 * information out, as their details give it.
 */
export function deletionNoticeRequest(person: NoticedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  const notice = deletionNotice(person, ctx.now, { includeContactInfo: includesContactInfo(config) });
  const entry: JsonObject = { Source: sourceOf(config), DetailType: DELETION_DETAIL_TYPE, Detail: JSON.stringify(notice), EventBusName: eventBusOf(config), Time: eventTime(notice.requested_at)! };
  return putEventsRequest([entry], [], config);
}

/** Reads AWS's answer to a deletion notice with the delivery's classifier: put, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>): ForgetOutcome {
  return deletionNoticeOutcome((notice) => classifyPutEvents(response, notice, config), request, `deletion notice put on the event bus ${eventBusNameOf(config)}: your rules' targets erase the person's data`);
}

/** Forwarding deletions as deletion notice events (config.deletion_notices), see the file's comment. */
export const eventBridgeForgetPerson: PersonForgetting = {
  successAnswer: DELETION_NOTICE_ANSWER,
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = noticedPerson(person);
    return 'skipped' in named ? named : deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}),
};
