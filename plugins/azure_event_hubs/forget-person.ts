// Person deletions, as deletion notices. An event hub cannot delete an event: it keeps every event
// until its retention ends (1 to 7 days on Standard, up to 90 on Premium and Dedicated; longer
// with compaction or Capture, whose files are the customer's), and what consumers stored from it
// is theirs. What the hub can do is tell its consumers: with config.deletion_notices on, a
// deletion sends one event `{ "type": "person_deletion", "user_id", "anonymous_id",
// "requested_at" }` (user property kind=person_deletion) — under the person's partition key, so
// it follows their events on their partition — for the customer's consumers to erase what they
// stored of the person. Sending the same notice again is harmless.
import {
  DELETION_NOTICE_TYPE, deletionNotice, deletionNoticeOutcome, noticedPerson,
  type ForgetOutcome, type JsonValue, type NoticedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { classifySend } from './classify.ts';
import { hubTarget, includesContactInfo, sendsDeletionNotices } from './config.ts';
import { batchMessage, partitionKey, sendRequest } from './send-request.ts';

/**
 * The request sending a person's deletion notice, unsigned: the core signs it with the plugin's
 * `sign` as it goes, as it signs deliveries.
 */
export function deletionNoticeRequest(person: NoticedPerson, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  // The partition key of the person's own events, so the notice lands on their partition after them.
  const key = partitionKey({ userId: person.userId, anonymousId: person.anonymousId }, config);
  // An id that is contact information (an email as userId) is not in clear in the notice when
  // events leave contact information out: its SHA-256, as the events and partition keys have it.
  const notice = deletionNotice(person, ctx.now, { includeContactInfo: includesContactInfo(config) });
  return sendRequest([batchMessage(notice, key, { kind: DELETION_NOTICE_TYPE })], [], config);
}

/** Reads Event Hubs' answer to a deletion notice with the delivery's classifier: sent, retried, or refused saying why. */
export function readDeletionNotice(response: VendorResponse, request: RequestDescriptor | undefined, config: Record<string, JsonValue>, now: number): ForgetOutcome {
  // Event Hubs answers 201 (the forwarding's successAnswer); any other 2xx, or a web page, is read
  // by the delivery's classifier, which sends it again: nothing says the notice was written.
  return deletionNoticeOutcome((notice) => classifySend(response, notice, config, now), request, `deletion notice sent to event hub ${hubTarget(config).eventHub}: your consumers erase the person's data`);
}

/** Forwarding deletions as deletion notice events (config.deletion_notices), see the file's comment. */
export const eventHubsForgetPerson: PersonForgetting = {
  // Event Hubs' answer to an accepted send: 201, no body.
  successAnswer: { status: 201, body: '' },
  enabled: (config) => sendsDeletionNotices(config),
  request(person, ctx) {
    const named = noticedPerson(person);
    return 'skipped' in named ? named : deletionNoticeRequest(named, ctx);
  },
  read: (response, request, ctx) => readDeletionNotice(response, request, ctx?.config ?? {}, ctx?.now ?? 0),
};
