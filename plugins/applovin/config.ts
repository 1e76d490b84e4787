// The AppLovin (Axon) integration's settings: the pixel the events belong to (the Axon Event
// Key, sent as `pixel_id`) and the Conversion API key that may send them, where the events
// happen, which Axon event each Signal event counts as, and how values and phone numbers are
// read; with the problems a JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * Axon's event names, as its "Events and objects" page and its Conversion API pages list them
 * (the e-commerce events, the lead and account events, and app_open for apps).
 */
export const EVENT_NAMES = [
  'page_view', 'view_item', 'view_cart', 'add_to_cart', 'remove_from_cart', 'begin_checkout', 'add_payment_info',
  'purchase', 'generate_lead', 'sign_up', 'login', 'search', 'subscribe', 'app_open',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
const EVENT_NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

/** Other spellings read as Axon's: Segment's spec names and the pixel-style ones other vendors use. */
const EVENT_NAME_ALIASES: Readonly<Record<string, EventName>> = {
  pageview: 'page_view', page: 'page_view', product_viewed: 'view_item', view_content: 'view_item', cart_viewed: 'view_cart',
  product_added: 'add_to_cart', addtocart: 'add_to_cart', product_removed: 'remove_from_cart', checkout_started: 'begin_checkout',
  initiate_checkout: 'begin_checkout', payment_info_entered: 'add_payment_info', order_completed: 'purchase', lead: 'generate_lead',
  lead_generated: 'generate_lead', signed_up: 'sign_up', signup: 'sign_up', complete_registration: 'sign_up', signed_in: 'login',
  products_searched: 'search', subscription_created: 'subscribe', application_opened: 'app_open',
};

/**
 * An Axon event name from it in any letter case, with spaces or dashes, or one of its other
 * spellings (`Order Completed`, `Checkout Started`, `AddToCart`); undefined for text naming none.
 *
 * @example
 * axonEventName('Order Completed'); // 'purchase'
 * axonEventName('View Item');       // 'view_item'
 * axonEventName('Demo Requested');  // undefined
 */
export function axonEventName(value: string): EventName | undefined {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (EVENT_NAME_SET.has(key)) return key as EventName;
  return EVENT_NAME_ALIASES[key];
}

/** Where an event happened (`user_data.esi`), as Axon lists it. */
export const EVENT_SOURCES = ['web', 'app'] as const;

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['pixel_id', 'api_key'],
  properties: {
    pixel_id: {
      type: 'string', title: 'Axon Event Key (Pixel ID)',
      description: 'The Axon Event Key the Axon Pixel is installed with (Axon Ads Manager, Account → General → Keys): sent as the pixel_id query parameter.',
      minLength: 4, maxLength: 200, pattern: '^\\S+$',
    },
    api_key: {
      type: 'string', title: 'Conversion API Key',
      description: 'The Conversion API key (the Keys section of the Axon dashboard, or from your Axon representative): sent as the Authorization header, as it is, without a prefix. Not the Event Key, not a Report Key.',
      secret: true, minLength: 8,
    },
    event_source: {
      type: 'string', title: 'Event Source',
      description: 'Where the conversions happen (user_data.esi): auto (events from an app, with context.app, as app, others web), web or app.',
      enum: ['auto', ...EVENT_SOURCES], enumLabels: ['Automatic', 'Website', 'App'], default: 'auto',
    },
    event_names: eventNamesSchema('The Axon event each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values Axon event names (purchase, generate_lead, sign_up, …). A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Event Names', minLength: 1, maxLength: 40,
      examples: [{ 'Demo Requested': 'generate_lead', 'Account Created': 'sign_up' }],
    }),
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'The ISO 4217 code (USD, EUR, …) of values mapped without a currency. Without it such a value is left out, and an event Axon requires a currency for (purchase, begin_checkout, add_payment_info, generate_lead) is dead-lettered alone.',
      pattern: '^[A-Za-z]{3}$', examples: ['USD'],
    },
    default_country_calling_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'Country calling code (digits, e.g. 1) of phone numbers written without one ((415) 555-0123). Without it such numbers are left out: their country is not guessed.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
  },
};

/**
 * Config problems the schema cannot see: a key pasted with a `Bearer ` prefix or white space,
 * the Event Key given as the API key, an event name Axon does not take, a map key with white
 * space around it.
 *
 * @example
 * validateAppLovinConfig({ pixel_id: 'evk-1234', api_key: 'evk-1234' });
 * // [{ field: 'api_key', message: 'is the Event Key again: …' }]
 */
export function validateAppLovinConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = typeof config.api_key === 'string' ? config.api_key : undefined;
  if (key !== undefined) {
    const pasted = pastedSecretProblem('api_key', key, 'key', { schemeHint: 'AppLovin takes the key alone', spaceHint: 'as the Axon dashboard shows it' });
    if (pasted) problems.push(pasted);
    const pixel = typeof config.pixel_id === 'string' ? config.pixel_id.trim() : '';
    if (key.trim() !== '' && key.trim() === pixel) {
      problems.push({ field: 'api_key', message: 'is the Event Key again: the Conversion API key is a different key (the Keys section of the Axon dashboard, or your Axon representative)' });
    }
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [name, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string' || axonEventName(value) !== undefined) continue;
    problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${name.trim()}": AppLovin's Conversion API takes ${EVENT_NAMES.join(', ')}` });
  }
  return problems;
}
