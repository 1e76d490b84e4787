// Whether an identify changes the user's subscription in Vero, from that call's own consent only
// (Vero: a user is subscribed until unsubscribed; POST /users/unsubscribe and
// /users/resubscribe by id). Both are opt-in:
// - config.unsubscribe_on_denial: an identify whose consent denies marketing (false in any of
//   the places Signal's consent gate reads) unsubscribes the user;
// - config.resubscribe_with_consent: an identify granting marketing consent re-subscribes the
//   user, but only when its own traits give the email: one Signal merely remembers from an
//   earlier identify (context.traits) names the person, it never subscribes them.
// Absent consent says nothing: no change either way.
import { isConsentGranted, isRememberedOnly, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';

/** A subscription change the plugin sends after the user's identify. */
export type SubscriptionChange = 'unsubscribe' | 'resubscribe';

/**
 * Whether the event's own consent refuses marketing: `false` as a top-level boolean, in
 * `categories` or in `categoryPreferences` (the places the consent gate reads). Absent is no refusal.
 *
 * @example
 * deniesMarketing({ context: { consent: { categoryPreferences: { marketing: false } } } } as CanonicalEvent); // true
 * deniesMarketing({ context: {} } as CanonicalEvent);                                                      // false
 */
export function deniesMarketing(event: CanonicalEvent): boolean {
  const consent = event.context?.consent;
  if (!consent) return false;
  return [consent.marketing, consent.categories?.marketing, consent.categoryPreferences?.marketing].includes(false);
}

/**
 * The subscription change an identify asks for, or undefined (said with ctx.warn when consent
 * was granted but the email was only the remembered one).
 *
 * @example
 * subscriptionChangeOf({ email: 'jane@example.com' }, identifyDenying, ctxWith({ unsubscribe_on_denial: true })); // 'unsubscribe'
 * subscriptionChangeOf({ email: 'jane@example.com' }, identifyGranting, ctxWith({ resubscribe_with_consent: true })); // 'resubscribe'
 */
export function subscriptionChangeOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): SubscriptionChange | undefined {
  if (deniesMarketing(event)) return ctx.config.unsubscribe_on_denial === true ? 'unsubscribe' : undefined;
  if (ctx.config.resubscribe_with_consent !== true || !isConsentGranted(event, ['marketing'])) return undefined;
  const email = payload.email;
  if (typeof email !== 'string' || email.trim() === '') {
    ctx.warn?.('not re-subscribed: the identify gives no email, and a subscription comes from a call that gives the address');
    return undefined;
  }
  if (isRememberedOnly(email, 'email', event)) {
    ctx.warn?.('not re-subscribed: the identify gives no email of its own, only the one Signal remembers of the person (context.traits), and a subscription comes from a call that gives the address');
    return undefined;
  }
  return 'resubscribe';
}
