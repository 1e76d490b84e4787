// The delivery requests (HTTP Basic `{email}/token:{api_token}` or an OAuth Bearer token, JSON
// both ways). A batch's identifies go together to Create Or Update Many Users, up to 100 users a
// request (Zendesk's limit), which answers at once with a `job_status` and does the work in the
// background (its outcome per user is read later: job-status.ts). Two identifies of one person
// in a batch become one user (the later traits win), so the job never holds the same user twice.
// A batch's track events go one a request to the Events API, which takes one event a call.
import { isJsonObject, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, headersOf } from './config.ts';

/** Users a Create Or Update Many Users request (Zendesk: "Accepts an array of up to 100 user objects"). */
export const MAX_USERS = 100;
/** Events a delivery batch: at most one request of users, plus the events' own requests. */
export const MAX_EVENTS = 100;
/**
 * Bytes of one body. Zendesk documents no body limit for these endpoints; 100 users of a few
 * traits are far below this bound, which keeps one event's properties from growing a request
 * without end.
 */
export const MAX_BODY_BYTES = 1_000_000;

export const USERS_PATH = '/api/v2/users/create_or_update_many';
/** Create Or Update User: one user a request, answered 200 (updated) or 201 (created) with the user, no job. */
export const USER_PATH = '/api/v2/users/create_or_update';
export const EVENTS_PATH = '/api/v2/user_profiles/events';

/** The key two identifies of one person share: their external_id, else their email. */
function personKey(user: JsonObject): string {
  return typeof user.external_id === 'string' ? `x:${user.external_id}` : `e:${String(user.email ?? '').toLowerCase()}`;
}

/**
 * The requests of a batch: one Create Or Update Many Users request per 100 users (with
 * config.bulk_users off, one Create Or Update User request per user), one Events API request per
 * track event.
 *
 * @example
 * buildRequests([{ id: 'm-1', event, payload: { kind: 'user', user: { external_id: 'u-1', name: 'Ann' } } }], ctx);
 * // [{ method: 'POST', url: 'https://acme.zendesk.com/api/v2/users/create_or_update_many', body: { users: [{ external_id: 'u-1', name: 'Ann' }] }, eventIds: ['m-1'], … }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const base = apiBaseOf(ctx.config);
  const headers = headersOf(ctx.config);
  const users = new Map<string, { user: JsonObject; ids: string[] }>();
  const requests: RequestDescriptor[] = [];
  for (const mapped of batch) {
    const { payload } = mapped;
    if (payload.kind === 'user' && isJsonObject(payload.user)) {
      const key = personKey(payload.user);
      const seen = users.get(key);
      if (seen) {
        const merged: JsonObject = { ...seen.user, ...payload.user };
        if (isJsonObject(seen.user.user_fields) && isJsonObject(payload.user.user_fields)) merged.user_fields = { ...seen.user.user_fields, ...payload.user.user_fields };
        users.set(key, { user: merged, ids: [...seen.ids, mapped.id] });
      } else users.set(key, { user: payload.user, ids: [mapped.id] });
    } else if (payload.kind === 'event' && isJsonObject(payload.body)) {
      requests.push({ method: 'POST', url: `${base}${EVENTS_PATH}`, headers: { ...headers }, body: payload.body, eventIds: [mapped.id] });
    }
  }
  const all = [...users.values()];
  const userRequests: RequestDescriptor[] = [];
  if (ctx.config.bulk_users === false) {
    // Bulk user imports off on the account: one Create Or Update User request a user.
    for (const { user, ids } of all) userRequests.push({ method: 'POST', url: `${base}${USER_PATH}`, headers: { ...headers }, body: { user }, eventIds: ids });
    return [...userRequests, ...requests];
  }
  for (let at = 0; at < all.length; at += MAX_USERS) {
    const chunk = all.slice(at, at + MAX_USERS);
    userRequests.push({ method: 'POST', url: `${base}${USERS_PATH}`, headers: { ...headers }, body: { users: chunk.map((u) => u.user) }, eventIds: chunk.flatMap((u) => u.ids) });
  }
  return [...userRequests, ...requests];
}

/**
 * Whether a request is a Create Or Update Many Users call (answered with a job).
 *
 * @example
 * isBulkUsersRequest({ method: 'POST', url: 'https://acme.zendesk.com/api/v2/users/create_or_update_many', eventIds: ['m-1'] }); // true
 */
export function isBulkUsersRequest(request: RequestDescriptor): boolean {
  return request.url.endsWith(USERS_PATH);
}

/**
 * Whether a request is an Events API call (else a users request).
 *
 * @example
 * isEventRequest({ method: 'POST', url: 'https://acme.zendesk.com/api/v2/user_profiles/events', eventIds: ['m-1'] }); // true
 */
export function isEventRequest(request: RequestDescriptor): boolean {
  return request.url.endsWith(EVENTS_PATH);
}
