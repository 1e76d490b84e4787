// The requests Heap's server-side APIs document, built here and performed by the core:
// - bulk track, `POST {origin}/api/track` with `{ app_id, events: [...] }`, "a max of 1000
//   events per request" (Signal sends at most 250: below);
// - bulk add user properties, `POST {origin}/api/add_user_properties` with
//   `{ app_id, users: [{ identity, properties }] }`, "a max of 1000 users per request";
// - identify, `POST {origin}/api/v1/identify` with `{ app_id, user_id, identity, timestamp }`,
//   one user a request: the merge of a visitor's anonymous Heap user into the identified user.
// An identify with traits and a visitor to merge goes first with the user properties; its
// merge follows as a follow-up request once Heap took them (see classify.ts), so each event is
// carried by one request at a time. The app_id travels in the body; there is no other credential.
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { ingestionBaseOf } from './hosts.ts';

/**
 * Events (or users) per request. Heap takes 1,000, and limits an app to "15,000 events per
 * minute per app_id": requests of 250 at the track endpoint's one request a second are that
 * rate, so a backlog drains at Heap's pace instead of against 429s.
 */
export const MAX_EVENTS = 250;
/** Bytes of JSON per request: Heap documents none; 1 MB keeps well inside common API gateways' limits. */
export const MAX_BYTES = 1_000_000;

export const TRACK_PATH = '/api/track';
export const USER_PROPERTIES_PATH = '/api/add_user_properties';
export const IDENTIFY_PATH = '/api/v1/identify';

/** The rate-limit buckets of Heap's endpoints (see `rateLimit.endpoints`). */
export const ENDPOINTS = { track: 'track', userProperties: 'add_user_properties', identify: 'identify' } as const;

/** A merge the user properties' request leads to: the event, and the identify request's body. */
export interface PendingMerge {
  id: string;
  body: JsonObject;
}

const HEADERS = { 'content-type': 'application/json' };

function isUserRecord(payload: JsonObject): boolean {
  return !('event' in payload);
}

/** The identify API's body: the visitor's Heap user id merged into the identity, at the identify's time. */
function identifyBody(appId: string, payload: JsonObject): JsonObject {
  return { app_id: appId, user_id: payload.user_id as string, identity: payload.identity as string, timestamp: payload.timestamp as string };
}

/**
 * The identify request merging a visitor into a user, for one event.
 *
 * @example
 * identifyRequest('https://heapanalytics.com', { app_id: '1', user_id: '42', identity: 'u-1', timestamp: '…' }, 'm-1');
 * // { method: 'POST', url: 'https://heapanalytics.com/api/v1/identify', body: {…}, eventIds: ['m-1'], endpoint: 'identify' }
 */
export function identifyRequest(origin: string, body: JsonObject, id: string): RequestDescriptor {
  return { method: 'POST', url: `${origin}${IDENTIFY_PATH}`, headers: { ...HEADERS }, body, eventIds: [id], endpoint: ENDPOINTS.identify };
}

function trackRequests(events: MappedEvent[], origin: string, appId: string): RequestDescriptor[] {
  const overheadBytes = Buffer.byteLength(JSON.stringify({ app_id: appId, events: [] }));
  return splitBatch(events, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => ({
    method: 'POST', url: `${origin}${TRACK_PATH}`, headers: { ...HEADERS },
    body: { app_id: appId, events: part.map((e) => e.payload) }, eventIds: part.map((e) => e.id), endpoint: ENDPOINTS.track,
  }));
}

function userPropertiesRequests(users: MappedEvent[], origin: string, appId: string): RequestDescriptor[] {
  const overheadBytes = Buffer.byteLength(JSON.stringify({ app_id: appId, users: [] }));
  return splitBatch(users, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes }).map((part) => {
    const merges: PendingMerge[] = part.filter((e) => typeof e.payload.user_id === 'string').map((e) => ({ id: e.id, body: identifyBody(appId, e.payload) }));
    return {
      method: 'POST', url: `${origin}${USER_PROPERTIES_PATH}`, headers: { ...HEADERS },
      body: { app_id: appId, users: part.map((e) => ({ identity: e.payload.identity as string, properties: e.payload.properties as JsonObject })) },
      eventIds: part.map((e) => e.id), endpoint: ENDPOINTS.userProperties,
      ...(merges.length > 0 ? { memo: { merges: merges as unknown as JsonValue } } : {}),
    };
  });
}

/**
 * Requests for a batch of mapped events, every event in exactly one: track events in bulk
 * requests, users with properties in bulk user properties requests (their merges to follow),
 * and identifies that only merge a visitor each in an identify request of its own.
 *
 * @example
 * buildRequests(batch, ctx).map((r) => r.url);
 * // ['https://heapanalytics.com/api/track', 'https://heapanalytics.com/api/add_user_properties', 'https://heapanalytics.com/api/v1/identify']
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const origin = ingestionBaseOf(ctx.config);
  const { appId } = optionsOf(ctx.config);
  const events = batch.filter((e) => !isUserRecord(e.payload));
  const users = batch.filter((e) => isUserRecord(e.payload));
  const withProperties = users.filter((e) => Object.keys((e.payload.properties ?? {}) as JsonObject).length > 0);
  const mergesOnly = users.filter((e) => Object.keys((e.payload.properties ?? {}) as JsonObject).length === 0);
  return [
    ...(events.length > 0 ? trackRequests(events, origin, appId) : []),
    ...(withProperties.length > 0 ? userPropertiesRequests(withProperties, origin, appId) : []),
    ...mergesOnly.map((e) => identifyRequest(origin, identifyBody(appId, e.payload), e.id)),
  ];
}
