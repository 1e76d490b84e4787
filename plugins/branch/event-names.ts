// Branch's event names: the standard events its Events API takes at /v2/event/standard (the
// enum of logStandardEvents: Commerce, Content and User Lifecycle events), and what makes any
// other name a custom event for /v2/event/custom. Which Signal event is which Branch event is
// the blueprint's (Segment's names as Branch's own Segment integration maps them), overridden
// and extended by config.event_names.
import { eventMapName, readText, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';

/** Branch's standard events, as the logStandardEvents reference lists them (upper case, matched exactly). */
export const STANDARD_EVENTS = [
  // Commerce
  'ADD_TO_CART', 'ADD_TO_WISHLIST', 'VIEW_CART', 'INITIATE_PURCHASE', 'ADD_PAYMENT_INFO', 'CLICK_AD', 'PURCHASE', 'SPEND_CREDITS', 'VIEW_AD',
  // Content
  'SEARCH', 'VIEW_ITEM', 'VIEW_ITEMS', 'RATE', 'SHARE', 'INITIATE_STREAM', 'COMPLETE_STREAM',
  // User Lifecycle
  'COMPLETE_REGISTRATION', 'COMPLETE_TUTORIAL', 'ACHIEVE_LEVEL', 'UNLOCK_ACHIEVEMENT', 'INVITE', 'LOGIN', 'START_TRIAL', 'SUBSCRIBE',
] as const;

const STANDARD: ReadonlySet<string> = new Set(STANDARD_EVENTS);

/**
 * Whether a Branch event name is a standard event (sent to /v2/event/standard) rather than a
 * custom one: one of Branch's names, exactly.
 *
 * @example
 * isStandardEvent('PURCHASE'); // true
 * isStandardEvent('purchase'); // false (a custom event named "purchase")
 */
export function isStandardEvent(name: string): boolean {
  return STANDARD.has(name);
}

/**
 * The Branch event name of an event: config.event_names' (a track event by its name, a page
 * call by page:<name> then page), else the blueprint's `name`; undefined when neither gives one.
 *
 * @example
 * branchEventName({ name: 'PURCHASE' }, orderCompleted, ctx);                                          // 'PURCHASE'
 * branchEventName({}, pricingPage, { ...ctx, config: { event_names: { 'page:Pricing': 'pricing_viewed' } } }); // 'pricing_viewed'
 */
export function branchEventName(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): string | undefined {
  return eventMapName(event, ctx.config.event_names) ?? readText(payload.name);
}

/**
 * What the event is called in Signal, for warnings and the alias: a track event's name, a
 * page call's `page` or `page:<name>`, another call's type.
 *
 * @example
 * signalEventName({ type: 'page', name: 'Pricing' } as CanonicalEvent); // 'page:Pricing'
 */
export function signalEventName(event: CanonicalEvent): string {
  if (event.type === 'track') return event.event ?? 'track';
  if (event.type === 'page') return event.name ? `page:${event.name}` : 'page';
  return event.type;
}
