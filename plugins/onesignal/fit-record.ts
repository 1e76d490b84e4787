// The plugin's `map` hook: the blueprint's vendor event, by its `kind`, fitted to what OneSignal
// takes — `user` (an identify) to a user update, `event` (a track call) and `page` (a page call)
// to a custom event. Anything else is not sent.
import type { CanonicalEvent, JsonObject, PluginContext } from '../../core/sdk/index.ts';
import { toCustomEvent } from './custom-event.ts';
import { toUserUpdate } from './user-update.ts';

/**
 * The record of one mapped event: `{ kind: 'user', … }` or `{ kind: 'event', … }`, or null.
 *
 * @example
 * fitRecord({ kind: 'event', external_id: 'u-1', name: 'Signed Up' }, event, ctx);
 * // { kind: 'event', external_id: 'u-1', event: { name: 'Signed Up', external_id: 'u-1', timestamp: …, idempotency_key: … } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (payload.kind === 'user') return toUserUpdate(payload, event, ctx);
  if (payload.kind === 'event' || payload.kind === 'page') return toCustomEvent(payload, event, ctx);
  ctx.warn?.(`not sent to OneSignal: the blueprint gave kind ${JSON.stringify(payload.kind ?? null)}, and OneSignal takes user (identify), event (track) or page`);
  return null;
}
