// The Segment message of one event, from what the blueprint maps. Signal's canonical event is
// Segment's spec, so the shipped blueprints copy it field by field; this hook then keeps the
// promises a blueprint edit must not break:
// - Signal's own fields stay home: `context.cookies` (vendor cookies collect captured for other
//   plugins: _fbp, _ttp, click ids…) and `context.clientAnonymousId` (an id of Signal's
//   bookkeeping; with `anonymous_id: sdk` it becomes the anonymousId instead);
// - ids SDKs write for "no id" ("undefined", "null", "anonymous"…) name no one: Segment would
//   merge every visitor sending one into one profile (or one group, or alias everyone to it), so
//   they are left out of userId, anonymousId, groupId and previousId; an event left with neither
//   a userId nor an anonymousId is dead-lettered here, saying so, where Segment would answer 200
//   and drop it (its `no_user_anon_id`), and so is a group without its groupId or an alias
//   without its previousId;
// - `context.library`, the library that made the event, stays the site's (analytics.js,
//   analytics-node…: destinations read it); an event without one says it came through Signal;
// - the `without_contact_info` variant removes contact information (contact-free.ts).
// `messageId` (Segment deduplicates on it), `timestamp` (Signal's, corrected for the client's
// clock) and `integrations` (Segment's destination selection) go as they are.
import { isJsonObject, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { prefersSdkAnonymousId } from './config.ts';
import { WITHOUT_CONTACT_INFO, withoutContactInfo } from './contact-free.ts';

/** What an event without a library of its own says it was made by. */
export const SIGNAL_LIBRARY: JsonObject = { name: 'Datafly Signal', version: '1.0.0' };
/** The message's ids: a placeholder among them names no one and is left out. */
const ID_FIELDS = new Set(['userId', 'anonymousId', 'groupId', 'previousId']);
/** The id a call is about, without which Segment's spec has no call: group's groupId, alias's previousId. */
const CALL_IDS: Record<string, string> = { group: 'groupId', alias: 'previousId' };
/** Context keys that are Signal's and never reach Segment. */
const SIGNAL_CONTEXT_KEYS = new Set(['cookies', 'clientAnonymousId']);

/** An id as Segment takes it (text), or undefined when it names no one. */
function idText(value: JsonValue | undefined): string | undefined {
  return usableId(value) ? String(value) : undefined;
}

/**
 * The message Segment's batch endpoint takes for one mapped event (see the file's comment).
 * Throws a PermanentError (the event is dead-lettered with it) when no id is left.
 *
 * @example
 * segmentMessage({ type: 'track', event: 'Signed Up', userId: 'undefined', anonymousId: 'df_1', messageId: 'm-1',
 *                  context: { ip: '203.0.113.9', cookies: { _fbp: 'fb.1.1.1' } } }, event, ctx);
 * // { type: 'track', event: 'Signed Up', anonymousId: 'df_1', messageId: 'm-1',
 * //   context: { ip: '203.0.113.9', library: { name: 'Datafly Signal', version: '1.0.0' } } }
 */
export function segmentMessage(payload: JsonObject, event: CanonicalEvent, ctx: Pick<PluginContext, 'config' | 'variant'>): JsonObject {
  let message: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (ID_FIELDS.has(key)) {
      const id = idText(value);
      if (id !== undefined) message[key] = id;
    } else if (key === 'context' && isJsonObject(value)) {
      message.context = Object.fromEntries(Object.entries(value).filter(([name]) => !SIGNAL_CONTEXT_KEYS.has(name)));
    } else if (value !== null) {
      message[key] = value;
    }
  }
  const sdkId = idText(event.context?.clientAnonymousId);
  if (prefersSdkAnonymousId(ctx.config) && sdkId !== undefined) message.anonymousId = sdkId;
  if (ctx.variant === WITHOUT_CONTACT_INFO) message = withoutContactInfo(message);
  if (message.userId === undefined && message.anonymousId === undefined) {
    throw new PermanentError('the event has no userId or anonymousId that names someone (placeholders such as "undefined" or "null" name no one, and the without_contact_info variant leaves out an email address or phone number used as an id): Segment drops such an event (no_user_anon_id) while answering 200, so it is not sent');
  }
  const callId = typeof message.type === 'string' ? CALL_IDS[message.type] : undefined;
  if (callId !== undefined && message[callId] === undefined) {
    throw new PermanentError(`the ${String(message.type)} call has no ${callId} that names something (a placeholder such as "undefined" or "null", or with without_contact_info an email address or phone number, is left out): a ${String(message.type)} with it would tie every visitor sending it together, and one without it is no ${String(message.type)}, so it is not sent`);
  }
  const context = isJsonObject(message.context) ? message.context : {};
  message.context = isJsonObject(context.library) ? context : { ...context, library: SIGNAL_LIBRARY };
  return message;
}
