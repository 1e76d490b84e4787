// The requests (Personalize Events' REST JSON API, signed with AWS Signature Version 4 under the
// signing name `personalize`): PutEvents — `POST /events` with the tracking ID, one session and
// its user, and up to 10 interactions — and PutUsers — `POST /users` with the Users dataset's
// ARN and up to 10 users. One Signal event's interactions always go in one request; events of
// the same session and user share requests, in the batch's order.
import { signAwsRequest, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { credentialsOf, regionOf, trackingIdOf, usersDatasetArnOf } from './config.ts';
import { MAX_INTERACTIONS } from './personalize-record.ts';

/** Most events (interactions) in one PutEvents request. */
export const MAX_EVENTS = 10;
/** Most users in one PutUsers request. */
export const MAX_USERS = 10;
/**
 * Most bytes of a request body (AWS documents no limit): the largest `send` can build — ten
 * users whose 24,000-character properties JSON is escaped again in the body, at most 6 bytes a
 * character, with their ids — stays under it.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** The signing name of Personalize Events' endpoints. */
export const SIGNING_NAME = 'personalize';
/** The REST JSON protocol's content type. */
export const CONTENT_TYPE = 'application/json';
/** PutEvents' path. */
export const EVENTS_PATH = '/events';
/** PutUsers' path. */
export const USERS_PATH = '/users';
/** The rate limit PutUsers requests count against (`rateLimit.endpoints`): AWS allows 10 a second per dataset group. */
export const USERS_ENDPOINT = 'users';

/**
 * Personalize Events' regional endpoint: `https://personalize-events.<region>.amazonaws.com`
 * (`.amazonaws.com.cn` in the China Regions).
 *
 * @example
 * endpointOf('eu-west-1'); // 'https://personalize-events.eu-west-1.amazonaws.com'
 */
export function endpointOf(region: string): string {
  return `https://personalize-events.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

const post = (config: Record<string, JsonValue>, path: string, body: JsonObject, eventIds: string[]): RequestDescriptor => ({
  method: 'POST', url: `${endpointOf(regionOf(config))}${path}`, headers: { 'content-type': CONTENT_TYPE }, body, eventIds,
});

/** The interactions of a mapped record (an empty list when it is no interaction record). */
const interactionsOf = (payload: JsonObject): JsonObject[] => (payload.kind === 'interaction' && Array.isArray(payload.events) ? (payload.events as JsonObject[]) : []);

/** One session's PutEvents requests: its events' interactions packed by ten, an event's never split. */
function sessionRequests(events: readonly MappedEvent[], config: Record<string, JsonValue>): RequestDescriptor[] {
  const first = events[0]!.payload;
  const envelope: JsonObject = { trackingId: trackingIdOf(config), ...(typeof first.user_id === 'string' ? { userId: first.user_id } : {}), sessionId: first.session_id as string };
  const requests: RequestDescriptor[] = [];
  let list: JsonObject[] = [];
  let ids: string[] = [];
  for (const mapped of events) {
    const interactions = interactionsOf(mapped.payload).slice(0, MAX_INTERACTIONS);
    if (list.length > 0 && list.length + interactions.length > MAX_EVENTS) {
      requests.push(post(config, EVENTS_PATH, { ...envelope, eventList: list }, ids));
      list = [];
      ids = [];
    }
    list.push(...interactions);
    ids.push(mapped.id);
  }
  if (list.length > 0) requests.push(post(config, EVENTS_PATH, { ...envelope, eventList: list }, ids));
  return requests;
}

/**
 * The requests of a batch (the `send` hook): interaction records grouped by session and user
 * into PutEvents requests, user records into PutUsers requests of up to ten.
 *
 * @example
 * personalizeRequests(batch, { config });
 * // [{ method: 'POST', url: 'https://personalize-events.eu-west-1.amazonaws.com/events', headers: { 'content-type': 'application/json' },
 * //    body: { trackingId: '8b2c…', userId: 'u-1', sessionId: 'a-1', eventList: [{ eventId: 'm-1', eventType: 'View', itemId: 'P-1', sentAt: 1796039998.25 }] }, eventIds: ['m-1'] }]
 */
export function personalizeRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  const sessions = new Map<string, MappedEvent[]>();
  const users: MappedEvent[] = [];
  for (const mapped of batch) {
    if (mapped.payload.kind === 'user') users.push(mapped);
    else {
      const key = JSON.stringify([mapped.payload.session_id ?? '', mapped.payload.user_id ?? '']);
      sessions.set(key, [...(sessions.get(key) ?? []), mapped]);
    }
  }
  const requests = [...sessions.values()].flatMap((events) => sessionRequests(events, config));
  const datasetArn = usersDatasetArnOf(config) ?? '';
  for (let start = 0; start < users.length; start += MAX_USERS) {
    const chunk = users.slice(start, start + MAX_USERS);
    requests.push({ ...post(config, USERS_PATH, { datasetArn, users: chunk.map((mapped) => mapped.payload.user as JsonObject) }, chunk.map((mapped) => mapped.id)), endpoint: USERS_ENDPOINT });
  }
  return requests;
}

/**
 * A request signed with AWS Signature Version 4 for Personalize in the configured Region, at
 * `ctx.now` (the `sign` hook, so the signature's time is the sending time).
 */
export function signPersonalizeRequest(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  return signAwsRequest(request, { region: regionOf(config), service: SIGNING_NAME, credentials: credentialsOf(config), now: ctx.now });
}
