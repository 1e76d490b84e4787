// The plugin's `map` hook: what the blueprint mapped, made into one record of Appcues' Public
// API v2 — a profile update (an identify: PATCH …/users/{userId}/profile, a flat object of
// properties) or an event (anything else: POST …/users/{userId}/events, `{ name, timestamp,
// attributes }`). Appcues knows users by your user id (the first argument of
// Appcues.identify()), so the user is the canonical event's userId, never a value the blueprint
// or a site's properties give; an event without one names no Appcues user and is not sent
// (neverSends says so before it is queued). Page calls are sent only when config.send_page_views
// says so.
import { PermanentError, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { appcuesProperties } from './property-values.ts';

/** Appcues: event name "Max 127 characters". */
export const MAX_EVENT_NAME_CHARS = 127;
/** Bytes of one request body (Appcues documents no limit: room for hundreds of properties). */
export const MAX_BODY_BYTES = 100_000;
/** Longest user id sent in a URL path (Appcues documents none). */
export const MAX_USER_ID_CHARS = 512;

export const KINDS = ['profile', 'event'] as const;
export type Kind = (typeof KINDS)[number];

/** A fitted record: which endpoint takes it, whose it is, and the body Appcues receives. */
export interface AppcuesRecord {
  kind: Kind;
  userId: string;
  body: JsonObject;
}

export const NO_USER_ID = 'not sent to Appcues: no userId (Appcues knows users by your user id; an anonymous visitor names no Appcues user)';
export const PAGE_VIEWS_OFF = 'not sent to Appcues: a page call, and config.send_page_views is off';

/**
 * Why a user id (trimmed) cannot be the `{user_id}` of an Appcues URL, or undefined when it can.
 * The URL parser drops "." and ".." path segments, even percent-encoded ones ("%2E"), so
 * `…/users/../profile` would reach `…/accounts/{account}/profile`: another endpoint.
 *
 * @example
 * userIdProblem('u-1'); // undefined
 * userIdProblem('..');  // 'not sent to Appcues: the userId ".." cannot be a segment of a URL path …'
 */
export function userIdProblem(id: string): string | undefined {
  if (id === '.' || id === '..') return `not sent to Appcues: the userId ${JSON.stringify(id)} cannot be a segment of a URL path (URL parsers remove "." and ".." segments, so the request would reach another endpoint)`;
  if (id.length > MAX_USER_ID_CHARS) return `not sent to Appcues: the userId is ${id.length} characters long; the plugin puts user ids of at most ${MAX_USER_ID_CHARS} characters in the URL path`;
  return undefined;
}

/**
 * The Appcues user of an event: its userId, trimmed, or undefined when it has none that names
 * someone (blank, a placeholder such as "undefined") or one no URL can carry (userIdProblem).
 *
 * @example
 * appcuesUserOf({ userId: ' u-1 ' } as CanonicalEvent); // 'u-1'
 * appcuesUserOf({ userId: 'null' } as CanonicalEvent);  // undefined
 */
export function appcuesUserOf(event: CanonicalEvent): string | undefined {
  const id = event.userId;
  if (!usableId(id)) return undefined;
  const text = String(id).trim();
  return userIdProblem(text) === undefined ? text : undefined;
}

/**
 * Why the plugin never sends this event with this config, or undefined when it may. The map
 * hook drops the same events itself, so this holds whatever the blueprint.
 *
 * @example
 * neverSentReason({ type: 'track', event: 'Viewed' } as CanonicalEvent, ctx); // NO_USER_ID
 */
export function neverSentReason(event: CanonicalEvent, ctx: PluginContext): string | undefined {
  if (!usableId(event.userId)) return NO_USER_ID;
  const problem = userIdProblem(String(event.userId).trim());
  if (problem !== undefined) return problem;
  if (event.type === 'page' && !optionsOf(ctx.config).sendPageViews) return PAGE_VIEWS_OFF;
  return undefined;
}

/**
 * An event name as Appcues takes it: trimmed, at most 127 characters (a longer one is a
 * PermanentError: cutting it could merge it with another event's name).
 *
 * @example
 * eventNameOf(' Signed Up '); // 'Signed Up'
 */
export function eventNameOf(value: JsonValue | undefined): string {
  const name = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  if (name === '') throw new PermanentError(`Appcues needs an event name, and ${JSON.stringify(value ?? null)} is none: name the event, or map another name in the blueprint`);
  if (name.length > MAX_EVENT_NAME_CHARS) throw new PermanentError(`the event name is ${name.length} characters long; Appcues takes event names of at most ${MAX_EVENT_NAME_CHARS}`);
  return name;
}

/** The event's time as ISO 8601 (Appcues takes Unix time or ISO 8601): the mapped timestamp, else the event's, else now. */
function timestampOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): string {
  const ms = readInstantMs(payload.timestamp) ?? readInstantMs(event.timestamp) ?? ctx.now;
  return new Date(ms).toISOString();
}

/**
 * A request body within MAX_BODY_BYTES, else a PermanentError saying its size (one record a
 * request: there is no smaller request to split it into). Flattening can make a body larger
 * than the event it came from: every leaf repeats its parents' names.
 *
 * @example
 * withinBodyLimit({ plan: 'pro' }, 'profile update', 'traits'); // { plan: 'pro' }
 */
function withinBodyLimit(body: JsonObject, what: string, values: string): JsonObject {
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`this ${what} is ${bytes} bytes as Appcues would receive it, over the ${MAX_BODY_BYTES} bytes the plugin sends in one request: leave its largest ${values} out with a pipeline transformation or the blueprint's exclude`);
  return body;
}

/**
 * The map hook: the blueprint's payload as an Appcues record (`{ kind, userId, body }`), or
 * null — not sent — for an event without a userId, a page call with page views off, or an
 * identify with no property left to update.
 *
 * @example
 * fitRecord({ profile: { plan: 'pro' } }, identify, ctx);
 * // { kind: 'profile', userId: 'u-1', body: { plan: 'pro' } }
 * fitRecord({ name: 'Signed Up', timestamp: '2024-03-24T16:00:00Z', attributes: { plan: 'pro' } }, track, ctx);
 * // { kind: 'event', userId: 'u-1', body: { name: 'Signed Up', timestamp: '2024-03-24T16:00:00.000Z', attributes: { plan: 'pro' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event, ctx);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const userId = appcuesUserOf(event) as string;
  const contactInfo = optionsOf(ctx.config).sendContactInfo;
  if (event.type === 'identify') {
    const profile = appcuesProperties(payload.profile, { path: 'traits', contactInfo, traits: true }, ctx.warn);
    if (Object.keys(profile).length === 0) {
      ctx.warn?.('not sent to Appcues: the identify has no trait left to update the profile with');
      return null;
    }
    const record: AppcuesRecord = { kind: 'profile', userId, body: withinBodyLimit(profile, 'profile update', 'traits') };
    return { ...record };
  }
  const body: JsonObject = {
    name: eventNameOf(payload.name),
    timestamp: timestampOf(payload, event, ctx),
    attributes: appcuesProperties(payload.attributes, { path: 'properties', contactInfo }, ctx.warn),
  };
  const record: AppcuesRecord = { kind: 'event', userId, body: withinBodyLimit(body, 'event', 'properties') };
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', userId: 'u-1', body: { name: 'Viewed' } }); // { kind: 'event', userId: 'u-1', body: { name: 'Viewed' } }
 * recordOf({ name: 'Viewed' });                                          // undefined
 */
export function recordOf(payload: JsonObject): AppcuesRecord | undefined {
  const { kind, userId, body } = payload;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind) || typeof userId !== 'string') return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return { kind: kind as Kind, userId, body };
}
