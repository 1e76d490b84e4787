// An identify as Vero's Identify, POST /users/track ("creates a new user profile if the user
// doesn't exist yet. Otherwise, the user profile is updated based on the properties provided"):
// the user's id (the userId) and email, the phone number when it is one in E.164, and the
// other traits as `data`, the custom user properties, as the site wrote them. Channels (push
// device tokens) are never sent: a web gateway holds none. The subscription change the
// identify's own consent asks for (subscription.ts) rides along, for the follow-up request
// after Vero took the profile.
import { type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { identityOf } from './identity.ts';
import { subscriptionChangeOf, type SubscriptionChange } from './subscription.ts';

/** A phone number as Vero's example writes one (`+614123456789`): E.164. */
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Data keys the plugin never sends from traits, each with why. */
const RESERVED = new Map<string, string>([
  ['id', 'the plugin sets the user\'s id from the event\'s userId'],
  ['email', 'the plugin sets the user\'s email from traits.email'],
  ['phone_number', 'the plugin sets phone_number from traits.phone'],
  ['channels', 'Vero\'s channels are device tokens, which the plugin never sends'],
]);

/** A fitted identify: the body of POST /users/track without the token, and the subscription change after it. */
export interface UserRecord {
  body: JsonObject;
  subscription?: SubscriptionChange;
}

/**
 * The phone number as Vero takes it: E.164 once spaces, dots, dashes and brackets are removed,
 * else undefined (said with ctx.warn when one was given).
 *
 * @example
 * phoneNumberOf('+61 412 345 678', ctx); // '+61412345678'
 * phoneNumberOf('0412 345 678', ctx);    // undefined, warned
 */
export function phoneNumberOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).replace(/[\s.()-]/g, '') : '';
  if (E164.test(text)) return text;
  ctx.warn?.('phone_number left out: Vero takes the number in international form (E.164, e.g. +614123456789)');
  return undefined;
}

/**
 * The traits Vero stores as the user's custom properties: as given, but for the keys the plugin
 * sets itself (said with ctx.warn) and undefined values. Undefined when none are left.
 *
 * @example
 * userDataOf({ plan: 'pro', company: { name: 'Acme' }, id: 'x' }, ctx); // { plan: 'pro', company: { name: 'Acme' } }, warned about id
 */
export function userDataOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const why = RESERVED.get(key);
    if (why !== undefined) {
      ctx.warn?.(`traits.${key} left out of data: ${why}`);
      continue;
    }
    data[key] = item;
  }
  return Object.keys(data).length > 0 ? data : undefined;
}

/**
 * The identify as a Vero user record, or null when it names no user (no usable userId: said
 * with ctx.warn).
 *
 * @example
 * userRecord({ userId: 'u-1', email: 'jane@example.com', phone: '+61412345678', traits: { plan: 'pro' } }, identify, ctx);
 * // { body: { id: 'u-1', email: 'jane@example.com', phone_number: '+61412345678', data: { plan: 'pro' } } }
 */
export function userRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): UserRecord | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) {
    ctx.warn?.('not sent to Vero: the identify has no userId, and Vero keys every user by an id (an anonymous visitor\'s id is never sent)');
    return null;
  }
  const body: JsonObject = { ...identity };
  const phone = phoneNumberOf(payload.phone, ctx);
  if (phone !== undefined) body.phone_number = phone;
  const data = userDataOf(payload.traits, ctx);
  if (data !== undefined) body.data = data;
  // The email as sent: a malformed one left out subscribes no one either.
  const subscription = subscriptionChangeOf({ email: identity.email ?? null }, event, ctx);
  return subscription === undefined ? { body } : { body, subscription };
}
