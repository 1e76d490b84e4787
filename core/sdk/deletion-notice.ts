// Deletion notices: what the stream and queue plugins (Kinesis, EventBridge, SQS, Event Hubs,
// Kafka) send when Signal is asked to forget a person. Their vendors cannot delete what they
// carried — a stream keeps its records until its retention ends, a queue its messages until a
// consumer takes them — so, when the customer turns it on, the plugin sends one notice
// `{ "type": "person_deletion", "user_id", "anonymous_id", "requested_at" }` the way it sends
// events, for the customer's consumers to erase what they stored of the person. This file is the
// part that is the same everywhere: the notice, the person it may name, and what the vendor's
// answer to it means for the deletion. How the notice travels (a record, a message, an event on
// a bus, under which key or group) is each plugin's.
import { idAsRecorded } from './event-record.ts';
import { usableId } from './placeholder-ids.ts';
import type { Classification, ForgetOutcome, JsonObject, NamedPerson, RequestDescriptor } from './types.ts';

/** The `type` of a deletion notice (and the attribute or property the plugins route it by). */
export const DELETION_NOTICE_TYPE = 'person_deletion';

/** Why no notice is sent when every id named is a placeholder (a `{ skipped }` reason). */
export const NOTICE_NAMES_NO_ONE = 'the ids named are placeholders ("null", "undefined", …) that name no one';

/** The ids a notice is about. */
export type NoticedPerson = Pick<NamedPerson, 'userId' | 'anonymousId'>;

/**
 * The body of a person's deletion notice: the ids named (null when not), and when it was asked.
 * With `includeContactInfo: false`, an id that is contact information (an email as userId) is
 * given as its SHA-256, as the plugins' records give it (`idAsRecorded`), so a consumer can
 * still match the notice to the person's records; without options the ids are as given.
 *
 * @example
 * deletionNotice({ userId: 'u-42', anonymousId: null }, Date.parse('2026-11-30T12:00:00Z'));
 * // { type: 'person_deletion', user_id: 'u-42', anonymous_id: null, requested_at: '2026-11-30T12:00:00.000Z' }
 * deletionNotice({ userId: 'jane@example.com', anonymousId: 'df_1' }, now, { includeContactInfo: false });
 * // { type: 'person_deletion', user_id: 'sha256:…', anonymous_id: 'df_1', requested_at: '…' }
 */
export function deletionNotice(person: NoticedPerson, now: number, options?: { includeContactInfo: boolean }): JsonObject {
  const id = (value: string | null) => (options === undefined ? value : idAsRecorded(value, options));
  return { type: DELETION_NOTICE_TYPE, user_id: id(person.userId), anonymous_id: id(person.anonymousId), requested_at: new Date(now).toISOString() };
}

/**
 * The person a notice may name: each id kept when it is usable (a placeholder such as "null"
 * becomes null), or a `{ skipped }` reason when none is — a notice naming no one is not sent.
 *
 * @example
 * noticedPerson({ userId: 'u-42', anonymousId: 'undefined' }); // { userId: 'u-42', anonymousId: null }
 * noticedPerson({ userId: 'null', anonymousId: null });        // { skipped: 'the ids named are placeholders … that name no one' }
 */
export function noticedPerson(person: NoticedPerson): NoticedPerson | { skipped: string } {
  const named = { userId: usableId(person.userId) ? person.userId : null, anonymousId: usableId(person.anonymousId) ? person.anonymousId : null };
  return named.userId === null && named.anonymousId === null ? { skipped: NOTICE_NAMES_NO_ONE } : named;
}

/**
 * The delivery advice that ends a dead letter's reason ("…, then replay the dead letters"),
 * taken off: a deletion that failed has no dead letter to replay.
 *
 * @example
 * withoutReplayAdvice('SQS denied access (HTTP 403): allow …, then replay the dead letters'); // 'SQS denied access (HTTP 403): allow …'
 */
export function withoutReplayAdvice(reason: string): string {
  return reason.replace(/[,;]? then replay the dead letters(?: once (?:the cause is )?fixed)?$/, '');
}

/**
 * What the vendor's answer to a notice means for the deletion, read with the plugin's own
 * delivery classifier (`classify`, given the notice's request with the one event id `notice`):
 * delivered — done, with `done` as its message; retried — tried again (after the vendor's
 * Retry-After); anything else — failed, with the classifier's reason less its replay advice
 * (a split cannot happen to one small notice; were it to, it fails saying why).
 *
 * @example
 * deletionNoticeOutcome((request) => classifyPut(response, request, config), request, 'deletion notice written to signal-events: your consumers erase the person\'s data');
 * // { done: true, message: 'deletion notice written to signal-events: …' }, or { retry: '…', afterSeconds: 30 }, or { failed: '…' }
 */
export function deletionNoticeOutcome(classify: (request: RequestDescriptor) => Classification, request: RequestDescriptor | undefined, done: string): ForgetOutcome {
  const classified = classify({ ...(request ?? { method: 'POST', url: '' }), eventIds: ['notice'] });
  const outcome = 'perEvent' in classified ? classified.perEvent.notice ?? { status: 'delivered' as const } : classified;
  if (outcome.status === 'delivered') return { done: true, message: done };
  if (outcome.status === 'retry') {
    return { retry: outcome.reason, ...(outcome.retryAfterMs === undefined ? {} : { afterSeconds: Math.ceil(outcome.retryAfterMs / 1000) }) };
  }
  return { failed: withoutReplayAdvice(outcome.reason) };
}
