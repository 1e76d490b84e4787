// Person deletions, as deletion notices. An event hub cannot delete an event: it keeps every event
// until its retention ends (1 to 7 days on Standard, up to 90 on Premium and Dedicated; longer
// with compaction or Capture, whose files are the customer's), and what consumers stored from it
// is theirs. What the hub can do is tell its consumers: with config.deletion_notices on, a
// deletion sends one event `{ "type": "person_deletion", "user_id", "anonymous_id",
// "requested_at" }` (user property kind=person_deletion) — under the person's partition key, so
// it follows their events on their partition — for the customer's consumers to erase what they
// stored of the person. Sending the same notice again is harmless.
import { usableId, type ForgetOutcome, type JsonObject, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { classifySend } from './classify.ts';
import { hubTarget, includesContactInfo, sendsDeletionNotices } from './config.ts';
import { hashedId, isContactInfo } from './event-body.ts';
import { batchMessage, partitionKey, sendRequest } from './send-request.ts';

/** The `type` of a deletion notice's body, and its `kind` user property. */
export const DELETION_NOTICE_TYPE = 'person_deletion';

/**
 * The body of a person's deletion notice: the ids named (null when not), and when it was asked.
 *
 * @example
 * deletionNotice({ userId: 'u-42', anonymousId: null }, Date.parse('2026-11-30T12:00:00Z'));
 * // { type: 'person_deletion', user_id: 'u-42', anonymous_id: null, requested_at: '2026-11-30T12:00:00.000Z' }
 */
export function deletionNotice(person: NamedPerson, now: number): JsonObject {
  return { type: DELETION_NOTICE_TYPE, user_id: person.userId, anonymous_id: person.anonymousId, requested_at: new Date(now).toISOString() };
}

/**
 * The request sending a person's deletion notice, unsigned: the core signs it with the plugin's
 * `sign` as it goes, as it signs deliveries.
 */
export function deletionNoticeRequest(person: NamedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  // The partition key of the person's own events, so the notice lands on their partition after them.
  const key = partitionKey({ userId: person.userId, anonymousId: person.anonymousId }, config);
  // An id that is contact information (an email as userId) is not in clear in the notice when
  // events leave contact information out: its SHA-256, as the events and partition keys have it.
  const asSent = (id: string | null) => (id === null || includesContactInfo(config) || !isContactInfo(id) ? id : hashedId(id));
  const notice = deletionNotice({ userId: asSent(person.userId), anonymousId: asSent(person.anonymousId) }, ctx.now);
  return sendRequest([batchMessage(notice, key, { kind: DELETION_NOTICE_TYPE })], [], config);
}

/** Reads Event Hubs' answer to a deletion notice with the delivery's classifier: sent, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>, now: number): ForgetOutcome {
  // Event Hubs answers 201 (the forwarding's successAnswer); any other 2xx, or a web page, is read
  // by the delivery's classifier, which sends it again: nothing says the notice was written.
  // The classifier names events by the request's eventIds: the notice gets one.
  const classified = classifySend(response, { ...(request ?? { method: 'POST', url: '' }), eventIds: ['notice'] }, config, now);
  const outcome = 'perEvent' in classified ? classified.perEvent.notice ?? { status: 'delivered' as const } : classified;
  if (outcome.status === 'delivered') return { done: true, message: `deletion notice sent to event hub ${hubTarget(config).eventHub}: your consumers erase the person's data` };
  if (outcome.status === 'retry') {
    return { retry: outcome.reason, ...(outcome.retryAfterMs === undefined ? {} : { afterSeconds: Math.ceil(outcome.retryAfterMs / 1000) }) };
  }
  // A notice is one event: a "split" cannot happen; were it to, it is refused like a dead letter.
  return { failed: outcome.reason.replace(/,? then replay the dead letters$/, '') };
}

/** Forwarding deletions as deletion notice events (config.deletion_notices), see the file's comment. */
export const eventHubsForgetPerson: PersonForgetting = {
  // Event Hubs' answer to an accepted send: 201, no body.
  successAnswer: { status: 201, body: '' },
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = { userId: usableId(person.userId) ? person.userId : null, anonymousId: usableId(person.anonymousId) ? person.anonymousId : null };
    if (named.userId === null && named.anonymousId === null) return { skipped: 'the ids named are placeholders ("null", "undefined", …) that name no one' };
    return deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}, ctx?.now ?? 0),
};
