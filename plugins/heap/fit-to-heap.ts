// The plugin's `map` hook: the blueprint's record made into what Heap's server-side APIs take.
// A record with an `event` is a track event — `{ event, identity | user_id, timestamp,
// idempotency_key, properties }`; one without (the identify handler removes it) sets user
// properties — `{ identity, properties }` — and, when the identify names the visitor too, the
// merge of the visitor's anonymous Heap user into the identified one (`user_id`, sent to the
// identify API). Whatever the blueprint gives, the plugin decides who the event is about (a
// site's properties never choose it), keeps Heap's limits and says what it left out.
import { cutText, PermanentError, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { HeapOptions } from './config.ts';
import { fitProperties } from './heap-properties.ts';
import { heapUserIdOf, identityText, isHeapUserId, usableIdentity } from './identity.ts';

/** Heap's longest event name ("Limited to 1024 characters"). */
export const MAX_EVENT_NAME_CHARS = 1024;

type Warn = ((message: string) => void) | undefined;

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** An ISO 8601 UTC time for a mapped time (text or ms), else the event's own time. */
function timeOf(value: JsonValue | undefined, event: CanonicalEvent): string {
  for (const candidate of [value, event.timestamp]) {
    if (typeof candidate !== 'string' && typeof candidate !== 'number') continue;
    const ms = typeof candidate === 'number' ? candidate : Date.parse(candidate);
    if (Number.isFinite(ms) && Math.abs(ms) < 8.64e15) return new Date(ms).toISOString();
  }
  return new Date(0).toISOString();
}

/**
 * The Heap user id of the event's visitor: the one the blueprint mapped (Heap's own, when a
 * site passes its SDK's), else the one derived from the anonymousId — or none, when the config
 * skips anonymous visitors or the event has no usable anonymousId.
 */
function visitorUserId(payload: JsonObject, event: CanonicalEvent, options: HeapOptions): string | undefined {
  if (isHeapUserId(payload.user_id)) return String(payload.user_id);
  if (options.anonymousVisitors === 'skip') return undefined;
  return usableIdentity(event.anonymousId) ? heapUserIdOf(String(event.anonymousId)) : undefined;
}

function fitTrack(payload: JsonObject, event: CanonicalEvent, options: HeapOptions, warn: Warn): JsonObject | null {
  let name = text(payload.event);
  if (name === '') throw new PermanentError('Heap: the event has no name (event), which Heap requires: map one in the blueprint');
  if (name.length > MAX_EVENT_NAME_CHARS) {
    name = cutText(name, MAX_EVENT_NAME_CHARS);
    warn?.(`event name cut to ${MAX_EVENT_NAME_CHARS} characters, Heap's limit`);
  }
  let who: JsonObject;
  if (usableIdentity(payload.identity)) who = { identity: identityText(payload.identity) };
  else {
    const userId = visitorUserId(payload, event, options);
    if (userId === undefined) {
      warn?.(options.anonymousVisitors === 'skip'
        ? 'not sent: the event has no userId, and config.anonymous_visitors is skip (the default; heap_user_id sends it on a user_id derived from the anonymousId)'
        : 'not sent: the event has neither a userId nor an anonymousId, and Heap needs an identity or a user_id');
      return null;
    }
    who = { user_id: userId };
  }
  const fitted = fitProperties(payload.properties, 'event');
  for (const warning of fitted.warnings) warn?.(warning);
  const sessionId = text(payload.session_id);
  return {
    event: name,
    ...who,
    timestamp: timeOf(payload.timestamp, event),
    // Heap: "A unique ID that will be hashed to Heap's event ID keyspace, to prevent
    // duplication of events": a retried or replayed event is kept once.
    idempotency_key: text(payload.idempotency_key) || event.messageId,
    ...(sessionId === '' ? {} : { session_id: sessionId }),
    properties: fitted.properties,
  };
}

function fitUser(payload: JsonObject, event: CanonicalEvent, options: HeapOptions, warn: Warn): JsonObject | null {
  if (!usableIdentity(payload.identity)) {
    warn?.('not sent: Heap sets user properties on identified users only, and this identify has no userId (identity)');
    return null;
  }
  const identity = identityText(payload.identity);
  const fitted = fitProperties(payload.properties, 'user');
  for (const warning of fitted.warnings) warn?.(warning);
  // The visitor's anonymous Heap user, merged into the identified one by the identify API.
  const userId = visitorUserId(payload, event, options);
  if (Object.keys(fitted.properties).length === 0 && userId === undefined) {
    warn?.('not sent: no user property to set and no visitor to merge');
    return null;
  }
  return { identity, properties: fitted.properties, ...(userId === undefined ? {} : { user_id: userId }), timestamp: timeOf(payload.timestamp, event) };
}

/**
 * The blueprint's record fitted to Heap: a track event, or a user's properties (and the merge
 * of the visitor); null (not sent, with a warning) when Heap could not attribute it.
 *
 * @example
 * fitRecord({ event: 'Signed Up', identity: 'user-1', properties: { plan: 'pro' } }, event, { appId: '1', anonymousVisitors: 'heap_user_id' });
 * // { event: 'Signed Up', identity: 'user-1', timestamp: '2024-…Z', idempotency_key: '<messageId>', properties: { plan: 'pro' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, options: HeapOptions, warn?: Warn): JsonObject | null {
  return 'event' in payload ? fitTrack(payload, event, options, warn) : fitUser(payload, event, options, warn);
}
