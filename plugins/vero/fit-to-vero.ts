// What the blueprint mapped, fitted to one record of Vero's Track API: a user (an identify, for
// POST /users/track), an event (a track call, or a page call the config names, for POST
// /events/track) or an alias (PUT /users/reidentify, when the config asks). What Vero would
// refuse for good is dead-lettered here, each event on its own, saying why; what names no user
// in Vero (an anonymous visitor) is not sent. Screen and group calls are never sent.
import { neverSentTypes, PermanentError, recordKinds, configText, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { aliasBody } from './alias.ts';
import { userRecord } from './user.ts';
import { eventBody } from './vero-event.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['user', 'event', 'alias'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Vero', KINDS);

/** Bytes of one request body (Vero documents no limit; this is room for hundreds of properties). */
export const MAX_BODY_BYTES = 64_000;

/** A fitted record: its kind, the body Vero receives (without the token), and an identify's subscription change. */
export interface VeroRecord {
  kind: Kind;
  body: JsonObject;
  subscription?: 'unsubscribe' | 'resubscribe';
}

const ALWAYS_NEVER = neverSentTypes('Vero', {
  screen: 'Vero\'s Track API has no screen views (its events start campaigns)',
  group: 'Vero has no accounts or groups to update',
});

/**
 * Why the plugin never sends an event of this type with this config, or undefined when it may:
 * screen and group calls never; page calls unless config.page_event_name names their event;
 * alias calls unless config.reidentify_on_alias is on.
 *
 * @example
 * neverSentReason({ type: 'page' } as CanonicalEvent, ctx);  // 'not sent to Vero: page calls go only when config.page_event_name names their event'
 * neverSentReason({ type: 'track' } as CanonicalEvent, ctx); // undefined
 */
export function neverSentReason(event: Pick<CanonicalEvent, 'type'>, ctx: Pick<PluginContext, 'config'>): string | undefined {
  const never = ALWAYS_NEVER(event);
  if (never !== undefined) return never;
  if (event.type === 'page' && configText(ctx.config, 'page_event_name') === undefined) return 'not sent to Vero: page calls go only when config.page_event_name names their event (Vero\'s events start campaigns)';
  if (event.type === 'alias' && ctx.config.reidentify_on_alias !== true) return 'not sent to Vero: alias calls go only when config.reidentify_on_alias is on';
  return undefined;
}

/**
 * The map hook: the blueprint's payload as a Vero record, or null — not sent — for an event of
 * a type the config does not send, or one that names no user.
 *
 * @example
 * fitRecord({ kind: 'user', userId: 'u-1', email: 'jane@example.com' }, identify, ctx);
 * // { kind: 'user', body: { id: 'u-1', email: 'jane@example.com' } }
 * fitRecord({ kind: 'event', userId: 'u-1', event_name: 'Signed Up' }, track, ctx);
 * // { kind: 'event', body: { identity: { id: 'u-1' }, event_name: 'Signed Up', check_id: 'm-1', extras: { check_id: 'm-1' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event, ctx);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  let record: VeroRecord;
  if (kind === 'user') {
    const user = userRecord(payload, event, ctx);
    if (user === null) return null;
    record = { kind, ...user };
  } else {
    const body = kind === 'event' ? eventBody(payload, event, ctx) : aliasBody(payload, event, ctx);
    if (body === null) return null;
    record = { kind, body };
  }
  const bytes = Buffer.byteLength(JSON.stringify(record.body));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`the ${kind} takes ${bytes} bytes of JSON, more than the ${MAX_BODY_BYTES} Signal sends Vero in one request: leave large traits or properties out in the blueprint`);
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', body: { event_name: 'Viewed' } }); // { kind: 'event', body: { event_name: 'Viewed' } }
 * recordOf({ event_name: 'Viewed' });                          // undefined
 */
export function recordOf(payload: JsonObject): VeroRecord | undefined {
  const { kind, body, subscription } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return subscription === 'unsubscribe' || subscription === 'resubscribe' ? { kind, body, subscription } : { kind, body };
}
