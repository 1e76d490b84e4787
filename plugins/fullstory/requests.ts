// The requests Fullstory's server API v2 documents, built here and performed by the core: one
// event per request to Create Event (`POST {origin}/v2/events`) and one user per request to
// Create User (`POST {origin}/v2/users`, an upsert by uid), with the API key as
// `Authorization: Basic <key>`. Fullstory's batch import
// (`/v2/events/batch`) is an asynchronous job whose per-event results need polling; single
// creates give each event its own answer, which is what a delivery log should show.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { EVENTS_PATH, USERS_PATH } from './hosts.ts';

/** Fullstory's create APIs take one event or user a request. */
export const MAX_EVENTS = 1;
/** Bytes of one request's JSON: Fullstory's client API takes payloads of up to 512 KB; the server API names no limit. */
export const MAX_BYTES = 512 * 1024;

/** The rate-limit buckets of the two APIs (see `rateLimit.endpoints`). */
export const ENDPOINTS = { events: 'events', users: 'users' } as const;

// No Idempotency-Key is sent. Fullstory saves the first answer to a key for 24 hours and
// replays it to every request with the same key — "including 500 errors" on its production
// page, and a 500 still on the newer page, which exempts only 429 and "server errors above
// 500". A retry reuses its key (that is what the key is for), so one 500 from the endpoint
// would answer every retry of the event with the same 500 until it was dead-lettered, and a
// replay within the day as well: a transient failure made permanent. Without a key, delivery is
// at least once, as everywhere in Signal: an event whose answer was lost (a timeout after
// Fullstory created it) may be created twice.

/**
 * The request of one mapped event.
 *
 * @example
 * requestOf(mapped, ctx);
 * // { method: 'POST', url: 'https://api.fullstory.com/v2/events', headers: { authorization: 'Basic <key>', … }, body: { name, user, … }, eventIds: ['m-1'], endpoint: 'events' }
 */
export function requestOf(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const { apiKey, origin, useMostRecentSession } = optionsOf(ctx.config);
  const isEvent = 'name' in mapped.payload;
  const body: JsonObject = isEvent && useMostRecentSession ? { ...mapped.payload, session: { use_most_recent: true } } : mapped.payload;
  return {
    method: 'POST',
    url: `${origin}${isEvent ? EVENTS_PATH : USERS_PATH}`,
    headers: { authorization: `Basic ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body,
    eventIds: [mapped.id],
    endpoint: isEvent ? ENDPOINTS.events : ENDPOINTS.users,
  };
}

/**
 * Requests for a batch of mapped events: one each.
 *
 * @example
 * buildRequests(batch, ctx).map((r) => r.url);
 * // ['https://api.fullstory.com/v2/events', 'https://api.fullstory.com/v2/users']
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => requestOf(mapped, ctx));
}
