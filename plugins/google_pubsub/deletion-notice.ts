// Person deletions. Pub/Sub has no API to delete a published message: messages stay in the topic
// (when it retains them) and in its subscriptions until acknowledged or past their retention
// (7 days by default, 31 at most), and what consumers stored from them is theirs. So, opt-in
// (config.deletion_notices), a deletion in Signal is published as a notice message — to the
// deletion topic, else the events topic — that the customer's consumers act on, deleting the
// person from what they stored (a BigQuery table, a data lake). The notice carries the ids the
// deletion names (that is its point; the topic is the customer's own), the attribute
// kind=person_deletion to route it by, and with ordering keys the person's key, so that on the
// events topic it comes after the person's events. With contact information off, an id that is an
// email address or phone number is not named (the events never carried it); with only such ids,
// no notice. Signal sends it once the person's events on their way are over.
import type { ForgetOutcome, JsonObject, JsonValue, NamedPerson, PersonForgetting, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { classifyPublish } from './classify.ts';
import { deletionTopicOf, includesContactInfo, orderingOf, sendsDeletionNotices, topicOf } from './config.ts';
import { isContactInfo, trimmedText } from '../../core/sdk/index.ts';
import { KIND_ATTRIBUTE, MAX_ORDERING_KEY_BYTES } from './pubsub-message.ts';
import { publishHeaders, publishUrl, wireMessage } from './publish-request.ts';

/** The `kind` attribute of a deletion notice. */
export const DELETION_KIND = 'person_deletion';

/**
 * The ids a notice names: with config.include_contact_info off, not one that is an email address
 * or a phone number — the events never carried such an id (contact-free.ts), so consumers hold
 * nothing under it, and the notice must not publish it either.
 *
 * @example
 * noticeIds({ userId: 'jane@example.com', anonymousId: 'df_1' }, {}); // { userId: null, anonymousId: 'df_1' }
 */
export function noticeIds(person: NamedPerson, config: Record<string, JsonValue>): NamedPerson {
  if (includesContactInfo(config)) return person;
  const kept = (id: string | null) => (id !== null && !isContactInfo('value', id) ? id : null);
  return { userId: kept(person.userId), anonymousId: kept(person.anonymousId) };
}

/**
 * The notice's message: its data (the ids named, and when Signal was asked), its attributes
 * and, with ordering keys on the events topic, the person's key.
 *
 * @example
 * deletionNotice({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { data: { kind: 'person_deletion', userId: 'u-1', anonymousId: 'df_1', requestedAt: '2026-12-01T10:00:00.000Z' },
 * //   attributes: { kind: 'person_deletion', integration_id: 'int_1' } }
 */
export function deletionNotice(named: NamedPerson, ctx: Pick<PluginContext, 'config' | 'integrationId' | 'now'>): JsonObject {
  const person = noticeIds(named, ctx.config);
  const data: JsonObject = { kind: DELETION_KIND };
  if (person.userId !== null) data.userId = person.userId;
  if (person.anonymousId !== null) data.anonymousId = person.anonymousId;
  data.requestedAt = new Date(ctx.now).toISOString();
  const message: JsonObject = { data, attributes: { [KIND_ATTRIBUTE]: DELETION_KIND, integration_id: ctx.integrationId } };
  // The events' key is the anonymousId, else the userId (pubsub-message.ts): the same here, on
  // the events topic only (a key orders nothing across topics).
  const sameTopic = deletionTopicOf(ctx.config).topicId === topicOf(ctx.config).topicId;
  const key = (person.anonymousId ?? person.userId)?.toWellFormed() ?? null;
  if (orderingOf(ctx.config) === 'person' && sameTopic && key !== null && Buffer.byteLength(key) <= MAX_ORDERING_KEY_BYTES) message.orderingKey = key;
  return message;
}

/**
 * Reads Pub/Sub's answer to a notice: published (done, with its message id), or what the
 * delivery classifier makes of the same answer — retried, or failed saying what to fix.
 *
 * @example
 * readNoticeAnswer({ status: 200, headers: {}, body: '{"messageIds":["1234"]}', json: { messageIds: ['1234'] } }, request, ctx);
 * // { done: true, message: 'Pub/Sub published the deletion notice (message 1234) to projects/shop-analytics/topics/signal-events: your consumers delete the person' }
 */
export function readNoticeAnswer(response: VendorResponse, request?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const config = ctx?.config ?? {};
  const topic = deletionTopicOf(config);
  const name = `projects/${topic.projectId}/topics/${topic.topicId}`;
  const classified = classifyPublish(response, request ?? { method: 'POST', url: '', eventIds: [] }, { config, now: ctx?.now ?? 0 }, topic);
  if ('perEvent' in classified || 'next' in classified) return { retry: 'Pub/Sub answered per message, which a publish never does: sent again' };
  if (classified.status === 'delivered') {
    const ids = (response.json as { messageIds?: unknown } | undefined)?.messageIds;
    const id = Array.isArray(ids) && typeof ids[0] === 'string' ? ` (message ${ids[0]})` : '';
    return { done: true, message: `Pub/Sub published the deletion notice${id} to ${name}: your consumers delete the person` };
  }
  if (classified.status === 'retry') {
    return classified.retryAfterMs === undefined ? { retry: classified.reason } : { retry: classified.reason, afterSeconds: Math.ceil(classified.retryAfterMs / 1000) };
  }
  return { failed: classified.reason };
}

/** The core's forwarding of person deletions: a notice published, when config.deletion_notices is on. */
export const pubSubDeletionNotices: PersonForgetting = {
  // A notice is a publish: Pub/Sub's answer names the message it published.
  successAnswer: { status: 200, body: { messageIds: ['2109263418427353'] } },
  enabled: (config) => sendsDeletionNotices(config) && trimmedText(config.service_account_key) !== undefined,
  request: (person, ctx): RequestDescriptor | { skipped: string } => {
    const ids = noticeIds(person, ctx.config);
    if (ids.userId === null && ids.anonymousId === null) {
      return { skipped: 'no notice published: the ids named are contact information (an email address or phone number), which the messages never carry with config.include_contact_info off, so your consumers hold nothing under them' };
    }
    return {
      method: 'POST',
      url: publishUrl(ctx.config, deletionTopicOf(ctx.config)),
      headers: publishHeaders(ctx),
      body: { messages: [wireMessage(deletionNotice(person, ctx))] },
      eventIds: [],
    };
  },
  read: readNoticeAnswer,
};
