// Google Ads accounts and conversion actions as integration configs give them, read the same way
// by every plugin that sends Google Ads conversions (the Google Ads API's and the Data Manager
// API's): customer ids with or without dashes, conversion actions by id or resource name, and
// `config.conversion_actions` mapping Signal events to them.
import type { CanonicalEvent, JsonValue } from './types.ts';
import { trimmedText } from './config-text.ts';

/** A customer id as Google Ads shows it (`123-456-7890`) or as the APIs take it (`1234567890`). */
const CUSTOMER_ID = /^(\d{3})-?(\d{3})-?(\d{4})$/;
/** A conversion action's id, or its Google Ads API resource name (`customers/1234567890/conversionActions/555`). */
const ACTION = /^(?:customers\/\d{10}\/conversionActions\/)?([1-9]\d{0,18})$/;

/**
 * A customer id as the APIs take it — ten digits, without dashes — from the way Google Ads shows
 * it (`123-456-7890`) or the APIs' (`1234567890`); undefined for anything else.
 *
 * @example
 * googleAdsCustomerId(' 123-456-7890 '); // '1234567890'
 * googleAdsCustomerId('123-4567-890');   // undefined
 */
export function googleAdsCustomerId(value: JsonValue | undefined): string | undefined {
  const match = CUSTOMER_ID.exec(trimmedText(value) ?? '');
  return match ? `${match[1]}${match[2]}${match[3]}` : undefined;
}

/**
 * The conversion action id of a config value: its digits, or the id of its resource name
 * (Google ignores the resource name's customer id and reads the action id alone); undefined
 * for anything else.
 *
 * @example
 * conversionActionId('customers/1234567890/conversionActions/6543210'); // '6543210'
 * conversionActionId(6543210);                                           // '6543210'
 */
export function conversionActionId(value: JsonValue | undefined): string | undefined {
  const written = typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : trimmedText(value) ?? '';
  return ACTION.exec(written)?.[1];
}

/** `config.conversion_actions` as an object (empty when it is not one). */
function actionsOf(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const actions = config.conversion_actions;
  return actions !== null && typeof actions === 'object' && !Array.isArray(actions) ? actions : {};
}

/**
 * The names an event is looked up by in `config.conversion_actions`, most precise first: a
 * track event's name (`Order Completed`); `page:<name>` then `page` for a page call.
 *
 * @example
 * conversionActionKeys({ type: 'page', name: 'Pricing', … }); // ['page:Pricing', 'page']
 */
export function conversionActionKeys(event: CanonicalEvent): string[] {
  if (event.type === 'track') return event.event ? [event.event] : [];
  if (event.type === 'page') return [...(event.name ? [`page:${event.name}`] : []), 'page'];
  return [];
}

/**
 * The conversion action id `config.conversion_actions` gives an event, or undefined when it
 * gives none: such an event is not a conversion.
 *
 * @example
 * conversionActionFor(orderCompleted, { conversion_actions: { 'Order Completed': '6543210' } }); // '6543210'
 */
export function conversionActionFor(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const actions = actionsOf(config);
  for (const key of conversionActionKeys(event)) {
    if (Object.hasOwn(actions, key)) return conversionActionId(actions[key]);
  }
  return undefined;
}
