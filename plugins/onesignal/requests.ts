// The delivery requests of OneSignal's REST API, built here and performed by the core:
// - user updates: `PATCH /apps/{app_id}/users/by/external_id/{external_id}` with `{ properties }`
//   (OneSignal: Update user; answered 202), one request per user of the batch — OneSignal takes
//   1 request a second per user and up to 100 property updates a request (OneSignal: Rate
//   limits), so a batch's identifies of one user go together, the later value of a property
//   winning;
// - user creation: `POST /apps/{app_id}/users` with `{ identity: { external_id }, properties? }`
//   (OneSignal: Create user), when Update user answers 404 (no such user yet);
// - Email and SMS subscriptions: `POST /apps/{app_id}/users/by/external_id/{external_id}/
//   subscriptions` with `{ subscription }`, one a request (OneSignal: Create subscription (by
//   alias): 201 created, 202 moved from another user, 200 already this user's — "cannot be used
//   to update an existing subscription", so one the person turned off stays off);
// - custom events: `POST /apps/{app_id}/custom_events` with `{ events: [...] }`, at most 1 MB
//   a request (OneSignal: Create custom events).
// A user's steps follow one another as classify asks (the memo says where the chain is).
import { isJsonObject, splitBatch, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { appUrl, headersOf, MAX_PROPERTY_UPDATES } from './config.ts';
import { userPath } from './external-id.ts';

/** Custom events one request carries at most: 1 MB of 2,024-byte events holds about 500. */
export const MAX_EVENTS = 500;
/** The most bytes of one request body (OneSignal: Create custom events, "Maximum size of request is 1 MB"). */
export const MAX_REQUEST_BYTES = 1_000_000;
/** The rate-limit endpoints of the plugin's requests: users (create, update, delete) and custom events, which OneSignal limits apart. */
export const ENDPOINTS = { users: 'users', customEvents: 'custom_events' } as const;

/** The steps of a user's requests, kept in their memo for classify: what was asked, and what comes next. */
export type UserStep = 'update' | 'create' | 'update_again' | 'subscribe';

/** A user's requests' memo: the step, and what the follow-ups of the chain send. */
export interface UserMemo {
  step: UserStep;
  external_id: string;
  properties?: JsonObject;
  /** The subscriptions still to add, the first one being the request's at step `subscribe`. */
  subscriptions?: JsonObject[];
  /** Create user was sent in this chain (a later 404 does not send it again). */
  created?: boolean;
}

/**
 * A request's memo as a user memo, or undefined (a custom events request, a request built elsewhere).
 *
 * @example
 * userMemoOf({ method: 'PATCH', url, eventIds: ['m-1'], memo: { step: 'update', external_id: 'u-1', properties: {} } }); // { step: 'update', … }
 */
export function userMemoOf(request: RequestDescriptor): UserMemo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || typeof memo.external_id !== 'string') return undefined;
  if (memo.step !== 'update' && memo.step !== 'create' && memo.step !== 'update_again' && memo.step !== 'subscribe') return undefined;
  return {
    step: memo.step, external_id: memo.external_id,
    ...(isJsonObject(memo.properties) ? { properties: memo.properties } : {}),
    ...(Array.isArray(memo.subscriptions) ? { subscriptions: memo.subscriptions.filter(isJsonObject) } : {}),
    ...(memo.created === true ? { created: true } : {}),
  };
}

function memoOf(memo: UserMemo): JsonObject {
  return { ...memo } as unknown as JsonObject;
}

/**
 * Update user: `PATCH …/users/by/external_id/{id}` with the properties (step `update`, or
 * `update_again` after a create that found the user had come to exist).
 *
 * @example
 * updateUserRequest({ step: 'update', external_id: 'u-1', properties: { tags: { plan: 'pro' } } }, ['m-1'], ctx);
 * // { method: 'PATCH', url: 'https://api.onesignal.com/apps/<app_id>/users/by/external_id/u-1', body: { properties: { tags: { plan: 'pro' } } }, … }
 */
export function updateUserRequest(memo: UserMemo, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'PATCH', url: `${appUrl(ctx.config)}${userPath(memo.external_id)}`, headers: headersOf(ctx.config),
    body: { properties: memo.properties ?? {} }, eventIds, endpoint: ENDPOINTS.users, memo: memoOf(memo),
  };
}

/**
 * Create user: `POST …/users` with the External ID and the properties (step `create`: Update
 * user found no such user, or a subscription found none).
 *
 * @example
 * createUserRequest({ step: 'create', external_id: 'u-1', properties: { language: 'en' } }, ['m-1'], ctx);
 * // { method: 'POST', url: 'https://api.onesignal.com/apps/<app_id>/users', body: { identity: { external_id: 'u-1' }, properties: { language: 'en' } }, … }
 */
export function createUserRequest(memo: UserMemo, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const body: JsonObject = { identity: { external_id: memo.external_id } };
  if (memo.properties && Object.keys(memo.properties).length > 0) body.properties = memo.properties;
  return { method: 'POST', url: `${appUrl(ctx.config)}/users`, headers: headersOf(ctx.config), body, eventIds, endpoint: ENDPOINTS.users, memo: memoOf({ ...memo, step: 'create', created: true }) };
}

/**
 * Create subscription (by alias): `POST …/users/by/external_id/{id}/subscriptions` with the first
 * of the memo's subscriptions (step `subscribe`).
 *
 * @example
 * subscriptionRequest({ step: 'subscribe', external_id: 'u-1', subscriptions: [{ type: 'Email', token: 'jane@example.com', enabled: true }] }, ['m-1'], ctx);
 * // { method: 'POST', url: '…/users/by/external_id/u-1/subscriptions', body: { subscription: { type: 'Email', token: 'jane@example.com', enabled: true } }, … }
 */
export function subscriptionRequest(memo: UserMemo, eventIds: string[], ctx: PluginContext): RequestDescriptor {
  const [subscription] = memo.subscriptions ?? [];
  if (!subscription) throw new Error('no subscription left to add (a plugin fault)');
  return {
    method: 'POST', url: `${appUrl(ctx.config)}${userPath(memo.external_id)}/subscriptions`, headers: headersOf(ctx.config),
    body: { subscription }, eventIds, endpoint: ENDPOINTS.users, memo: memoOf({ ...memo, step: 'subscribe' }),
  };
}

/** How many property updates a user's properties make: each tag, and each other property. */
function updatesIn(properties: JsonObject | undefined): number {
  if (!properties) return 0;
  return Object.entries(properties).reduce((sum, [key, value]) => sum + (key === 'tags' && isJsonObject(value) ? Object.keys(value).length : 1), 0);
}

/** Two users' properties together, the later's winning (tags merged key by key). */
function mergeProperties(earlier: JsonObject | undefined, later: JsonObject | undefined): JsonObject | undefined {
  if (!earlier) return later;
  if (!later) return earlier;
  const merged: JsonObject = { ...earlier, ...later };
  if (isJsonObject(earlier.tags) && isJsonObject(later.tags)) merged.tags = { ...earlier.tags, ...later.tags };
  return merged;
}

function mergeSubscriptions(earlier: JsonObject[] = [], later: JsonObject[] = []): JsonObject[] {
  const byChannel = new Map<string, JsonObject>();
  for (const subscription of [...earlier, ...later]) byChannel.set(`${String(subscription.type)}\n${String(subscription.token)}`, subscription);
  return [...byChannel.values()];
}

/** One user's events of a batch, merged: the later identify's properties win. */
interface UserPart {
  externalId: string;
  eventIds: string[];
  properties?: JsonObject;
  subscriptions: JsonObject[];
}

/**
 * The users of a batch, merged per External ID in the order first seen: one part per user, or
 * more when the merged properties would pass 100 property updates.
 */
function userParts(records: Array<{ id: string; payload: JsonObject }>): UserPart[] {
  const parts: UserPart[] = [];
  const open = new Map<string, UserPart>();
  for (const { id, payload } of records) {
    const externalId = payload.external_id as string;
    const properties = isJsonObject(payload.properties) ? payload.properties : undefined;
    const subscriptions = Array.isArray(payload.subscriptions) ? payload.subscriptions.filter(isJsonObject) : [];
    const current = open.get(externalId);
    const merged = current ? mergeProperties(current.properties, properties) : properties;
    if (current && updatesIn(merged) <= MAX_PROPERTY_UPDATES) {
      current.eventIds.push(id);
      if (merged) current.properties = merged;
      current.subscriptions = mergeSubscriptions(current.subscriptions, subscriptions);
      continue;
    }
    const part: UserPart = { externalId, eventIds: [id], ...(properties ? { properties } : {}), subscriptions };
    parts.push(part);
    open.set(externalId, part);
  }
  return parts;
}

/**
 * The requests for a batch of mapped records: each user's update first (a Journey may wait on a
 * tag a later event's user got), then the custom events in requests of at most 500 events and
 * 1 MB. Every event in exactly one request.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'PATCH', url: '…/users/by/external_id/u-1', body: { properties: … }, eventIds: ['identify'] },
 * //  { method: 'POST', url: '…/custom_events', body: { events: [ … ] }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const users: Array<{ id: string; payload: JsonObject }> = [];
  const events: MappedEvent[] = [];
  for (const mapped of batch) {
    const { kind, external_id: externalId, event } = mapped.payload;
    if (kind === 'user' && typeof externalId === 'string') users.push({ id: mapped.id, payload: mapped.payload });
    else if (kind === 'event' && isJsonObject(event)) events.push(mapped);
    // The map hook gives every event it keeps one of these records: anything else is a plugin fault.
    else throw new Error(`event ${mapped.id} holds no OneSignal record (a user update or a custom event) to send`);
  }
  const requests: RequestDescriptor[] = userParts(users).map((part) => {
    const memo: UserMemo = {
      step: part.properties && Object.keys(part.properties).length > 0 ? 'update' : 'subscribe',
      external_id: part.externalId,
      ...(part.properties ? { properties: part.properties } : {}),
      ...(part.subscriptions.length > 0 ? { subscriptions: part.subscriptions } : {}),
    };
    return memo.step === 'update' ? updateUserRequest(memo, part.eventIds, ctx) : subscriptionRequest(memo, part.eventIds, ctx);
  });
  // The mapped records' sizes (each a little larger than its event) bound the body's bytes.
  const envelope = Buffer.byteLength(JSON.stringify({ events: [] }));
  for (const chunk of splitBatch(events, { maxEvents: MAX_EVENTS, maxBytes: MAX_REQUEST_BYTES, overheadBytes: envelope })) {
    requests.push({
      method: 'POST', url: `${appUrl(ctx.config)}/custom_events`, headers: headersOf(ctx.config),
      body: { events: chunk.map((e) => e.payload.event!) }, eventIds: chunk.map((e) => e.id), endpoint: ENDPOINTS.customEvents,
    });
  }
  return requests;
}
