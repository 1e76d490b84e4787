// A track call as Loops' Send event, POST /api/v1/events/send: `eventName` (Loops triggers the
// loops whose event has this exact name, so it is sent as the site wrote it, only trimmed),
// `email` and/or `userId` naming the contact, and `eventProperties` (flat values of the allowed
// types). Contact properties, which Loops also takes at the top level of this body, are not
// sent with events: the contact's data comes from identify, and a site's event properties must
// not overwrite it. Contact information stays out of the event properties.
import { PermanentError, removeContactInfo, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { MAX_TEXT_CHARS } from './config.ts';
import { identityOf } from './identity.ts';
import { flatProperties } from './property-values.ts';

const NO_RESERVED = new Map<string, string>();

/**
 * An event name as Loops takes it: the name trimmed. A blank one, or one over Loops' 500
 * characters, is a PermanentError naming the event.
 *
 * @example
 * eventNameOf(' Signed Up '); // 'Signed Up'
 */
export function eventNameOf(value: JsonValue | undefined): string {
  const name = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (name === '') throw new PermanentError(`Loops needs an event name, and ${JSON.stringify(value ?? null)} is none: name the event, or map another eventName in the blueprint`);
  if (name.length > MAX_TEXT_CHARS) throw new PermanentError(`the event name is ${name.length} characters long; Loops takes text of at most ${MAX_TEXT_CHARS}`);
  return name;
}

/**
 * The event's properties as Loops takes them: contact information removed at any depth, then
 * flat (see flatProperties). Undefined when nothing is left.
 *
 * @example
 * eventPropertiesOf({ plan: 'pro', email: 'jane@example.com', cart: { total: 42 } }, ctx); // { plan: 'pro', cartTotal: 42 }
 */
export function eventPropertiesOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const properties = flatProperties(removeContactInfo(value), { reserved: NO_RESERVED, path: 'properties' }, ctx);
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/**
 * The body of POST /api/v1/events/send for a track call, or null when it names no contact: an
 * anonymous visitor's event (no userId, no email Signal knows) names no one in Loops, which
 * would otherwise answer 400. Said with ctx.warn.
 *
 * @example
 * eventBody({ eventName: 'Signed Up', userId: 'u-1', email: 'jane@example.com', eventProperties: { plan: 'pro' } }, ctx);
 * // { email: 'jane@example.com', userId: 'u-1', eventName: 'Signed Up', eventProperties: { plan: 'pro' } }
 */
export function eventBody(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) {
    ctx.warn?.('not sent to Loops: the event names no contact (no userId, and no email in traits or remembered from an identify)');
    return null;
  }
  const body: JsonObject = { ...identity, eventName: eventNameOf(payload.eventName) };
  const properties = eventPropertiesOf(payload.eventProperties, ctx);
  if (properties) body.eventProperties = properties;
  return body;
}
