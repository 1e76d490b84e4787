// A track call (or a page call, when config.page_event_name names one) as Vero's Track, POST
// /events/track ("tracks an event for a specific user. If the user profile doesn't exist Vero
// will create it"): `identity` { id, email }, `event_name`, `data` (the event's properties
// without contact information, as the site wrote them), `extras` (Vero's reserved created_at —
// the event's time — and source).
//
// Vero drops an event "with the same event_name, the same properties and … the same user id
// within a five (5) minute window": good for a retry of one event, wrong for two real events
// with equal properties (two identical purchases in a minute would count once). So the event's
// messageId goes with it (config.message_id_property, on by default): in `data` under that name
// when there is data (Vero's key is then auth_token, event_name, identifier and data), else as
// `check_id` (its key without data: auth_token, event_name, identifier and check_id), both at
// the top level and in `extras`, since Vero does not say where check_id goes. A retry
// or replay carries the same messageId, so Vero still drops the copy; two events never collapse.
import { configText, PermanentError, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { MAX_ID_CHARS, messageIdPropertyOf } from './config.ts';
import { identityOf } from './identity.ts';

/**
 * An event name as Vero takes it: trimmed, not blank, less than 255 characters (Vero treats
 * case, spaces and underscores alike: `Purchased Item` and `purchased_item` are one event).
 * Else a PermanentError naming the event.
 *
 * @example
 * eventNameOf(' Signed Up '); // 'Signed Up'
 */
export function eventNameOf(value: JsonValue | undefined): string {
  const name = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (name === '') throw new PermanentError(`Vero needs an event name (event_name), and ${JSON.stringify(value ?? null)} is none: name the event, or map another event_name in the blueprint`);
  if (name.length > MAX_ID_CHARS) throw new PermanentError(`the event name is ${name.length} characters long; Vero takes event names of less than 255 characters`);
  return name;
}

/**
 * The event's time as Vero's `extras.created_at` (ISO 8601 in UTC), or undefined when it is no
 * time (Vero then uses the time it receives the event).
 *
 * @example
 * createdAtOf('2024-03-24T17:00:00+01:00'); // '2024-03-24T16:00:00.000Z'
 */
export function createdAtOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * The event's data: its properties without contact information (at any depth: the event is
 * sent under the user's identity already), undefined when nothing is left.
 *
 * @example
 * eventDataOf({ plan: 'pro', email: 'jane@example.com' }); // { plan: 'pro' }
 */
export function eventDataOf(value: JsonValue | undefined): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data = removeContactInfo(value);
  return Object.keys(data).length > 0 ? data : undefined;
}

/**
 * The body of POST /events/track for a track or page call (without the token), or null when it
 * names no user (no usable userId: said with ctx.warn).
 *
 * @example
 * eventBody({ userId: 'u-1', email: 'jane@example.com', event_name: 'Signed Up', properties: { plan: 'pro' }, created_at: '2024-03-24T16:00:00.000Z' }, track, ctx);
 * // { identity: { id: 'u-1', email: 'jane@example.com' }, event_name: 'Signed Up', data: { plan: 'pro', message_id: 'm-1' }, extras: { created_at: '2024-03-24T16:00:00.000Z' } }
 */
export function eventBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) {
    ctx.warn?.('not sent to Vero: the event has no userId, and Vero keys every user by an id (an anonymous visitor\'s id is never sent)');
    return null;
  }
  const pageName = event.type === 'page' ? configText(ctx.config, 'page_event_name') : undefined;
  const body: JsonObject = { identity: { ...identity }, event_name: eventNameOf(pageName ?? payload.event_name) };
  const data = eventDataOf(payload.properties);
  const property = messageIdPropertyOf(ctx.config);
  if (data !== undefined) {
    if (property !== undefined) {
      if (Object.hasOwn(data, property)) ctx.warn?.(`properties.${property} replaced by the messageId: config.message_id_property names it for Vero's deduplication`);
      data[property] = event.messageId;
    }
    body.data = data;
  }
  const extras: JsonObject = {};
  if (data === undefined && property !== undefined) {
    // Vero names check_id in its deduplication note but not where it goes: Vero points its
    // `extras` (the reserved fields) at that note, and RudderStack's Vero destination sends
    // `extras.check_id`; the top level is kept as well, so whichever Vero reads holds it.
    body.check_id = event.messageId;
    extras.check_id = event.messageId;
  }
  const createdAt = createdAtOf(payload.created_at);
  if (createdAt !== undefined) extras.created_at = createdAt;
  const source = configText(ctx.config, 'source');
  if (source !== undefined) extras.source = source;
  if (Object.keys(extras).length > 0) body.extras = extras;
  return body;
}
