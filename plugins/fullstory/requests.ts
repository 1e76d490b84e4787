// The requests Fullstory's server API v2 documents, built here and performed by the core: one
// event per request to Create Event (`POST {origin}/v2/events`) and one user per request to
// Create User (`POST {origin}/v2/users`, an upsert by uid), with the API key as
// `Authorization: Basic <key>` and an `Idempotency-Key`. Fullstory's batch import
// (`/v2/events/batch`) is an asynchronous job whose per-event results need polling; single
// creates give each event its own answer, which is what a delivery log should show.
import { createHash } from 'node:crypto';
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { EVENTS_PATH, USERS_PATH } from './hosts.ts';

/** Fullstory's create APIs take one event or user a request. */
export const MAX_EVENTS = 1;
/** Bytes of one request's JSON: Fullstory's client API takes payloads of up to 512 KB; the server API names no limit. */
export const MAX_BYTES = 512 * 1024;

/** The rate-limit buckets of the two APIs (see `rateLimit.endpoints`). */
export const ENDPOINTS = { events: 'events', users: 'users' } as const;

/**
 * The Idempotency-Key of a request: a SHA-256 of the event's messageId and the body sent.
 * Fullstory keeps the first answer to a key for 24 hours and refuses a key sent again with
 * another body; a body that changed (a replay after a blueprint edit) is a new key, a retry of
 * the same body the same key, kept once.
 *
 * @example
 * idempotencyKeyOf('m-1', { name: 'Signed Up' }); // '3f0c…' (64 hex digits)
 */
export function idempotencyKeyOf(messageId: string, body: JsonObject): string {
  return createHash('sha256').update(messageId).update('\n').update(JSON.stringify(body)).digest('hex');
}

/**
 * The request of one mapped event.
 *
 * @example
 * requestOf(mapped, ctx);
 * // { method: 'POST', url: 'https://api.fullstory.com/v2/events', headers: { authorization: 'Basic <key>', 'idempotency-key': '…', … }, body: { name, user, … }, eventIds: ['m-1'], endpoint: 'events' }
 */
export function requestOf(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const { apiKey, origin, useMostRecentSession } = optionsOf(ctx.config);
  const isEvent = 'name' in mapped.payload;
  const body: JsonObject = isEvent && useMostRecentSession ? { ...mapped.payload, session: { use_most_recent: true } } : mapped.payload;
  return {
    method: 'POST',
    url: `${origin}${isEvent ? EVENTS_PATH : USERS_PATH}`,
    headers: { authorization: `Basic ${apiKey}`, 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': idempotencyKeyOf(mapped.event.messageId, body) },
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
