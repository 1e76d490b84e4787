// Person deletions, as deletion notice events. An event bus keeps no events: it routes each one
// to the targets of the rules it matches, and what those targets stored (a Lambda's table, an
// SQS queue, a Firehose's S3 objects, an archive kept for replay until its retention ends) is
// the customer's. EventBridge has no API to delete a person from them. What Signal can do is
// tell those targets: with config.deletion_notices on, a deletion puts one event on the bus —
// source the config's, detail-type `signal.person_deletion`, detail `{ "type": "person_deletion",
// "user_id", "anonymous_id", "requested_at" }` — for a rule to route to what erases the person.
// Putting the same notice again is harmless. Signal sends it once the person's events on their
// way are over, so it comes after them.
import { usableId, type ForgetOutcome, type JsonObject, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { classifyPutEvents } from './classify.ts';
import { eventBusNameOf, eventBusOf, includesContactInfo, sendsDeletionNotices, sourceOf } from './config.ts';
import { hashedId, isContactInfo } from './event-detail.ts';
import { eventTime, putEventsRequest } from './put-events-request.ts';

/** The detail-type of a deletion notice: namespaced, so that no track event's name is taken for one. */
export const DELETION_DETAIL_TYPE = 'signal.person_deletion';
/** The `type` in a deletion notice's detail. */
export const DELETION_NOTICE_TYPE = 'person_deletion';
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
 * The detail of a person's deletion notice: the ids named (null when not), and when it was asked.
 *
 * @example
 * deletionNotice({ userId: 'u-42', anonymousId: null }, Date.parse('2026-11-30T12:00:00Z'));
 * // { type: 'person_deletion', user_id: 'u-42', anonymous_id: null, requested_at: '2026-11-30T12:00:00.000Z' }
 */
export function deletionNotice(person: NamedPerson, now: number): JsonObject {
  return { type: DELETION_NOTICE_TYPE, user_id: person.userId, anonymous_id: person.anonymousId, requested_at: new Date(now).toISOString() };
}

/**
 * The PutEvents request putting a person's deletion notice on the bus, unsigned: the core signs
 * it with the plugin's `sign` as it goes, as it signs deliveries. An id that is contact
 * information (an email as userId) is given as its SHA-256 while events leave contact
 * information out, as their details give it.
 */
export function deletionNoticeRequest(person: NamedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  const asSent = (id: string | null) => (id === null || includesContactInfo(config) || !isContactInfo(id) ? id : hashedId(id));
  const notice = deletionNotice({ userId: asSent(person.userId), anonymousId: asSent(person.anonymousId) }, ctx.now);
  const entry: JsonObject = { Source: sourceOf(config), DetailType: DELETION_DETAIL_TYPE, Detail: JSON.stringify(notice), EventBusName: eventBusOf(config), Time: eventTime(notice.requested_at)! };
  return putEventsRequest([entry], [], config);
}

/** Reads AWS's answer to a deletion notice with the delivery's classifier: put, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>): ForgetOutcome {
  // The classifier names events by the request's eventIds: the notice's one entry gets one.
  const classified = classifyPutEvents(response, { ...(request ?? { method: 'POST', url: '' }), eventIds: ['notice'] }, config);
  const outcome = 'perEvent' in classified ? classified.perEvent.notice ?? { status: 'delivered' as const } : classified;
  if (outcome.status === 'delivered') return { done: true, message: `deletion notice put on the event bus ${eventBusNameOf(config)}: your rules' targets erase the person's data` };
  if (outcome.status === 'retry') {
    return { retry: outcome.reason, ...(outcome.retryAfterMs === undefined ? {} : { afterSeconds: Math.ceil(outcome.retryAfterMs / 1000) }) };
  }
  // A split is a request of one entry refused for its size, which a notice never is: failed, saying so.
  return { failed: outcome.reason.replace(/[,;] then replay the dead letters$/, '') };
}

/** Forwarding deletions as deletion notice events (config.deletion_notices), see the file's comment. */
export const eventBridgeForgetPerson: PersonForgetting = {
  successAnswer: DELETION_NOTICE_ANSWER,
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = { userId: usableId(person.userId) ? person.userId : null, anonymousId: usableId(person.anonymousId) ? person.anonymousId : null };
    if (named.userId === null && named.anonymousId === null) return { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' };
    return deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}),
};
