// The Spotify Ads integration's settings: the Conversions API connection the events belong to
// and the long-lived token that may send them, where the events happen, which Spotify event
// each Signal event counts as, and how values and phone numbers are read; with the problems a
// JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * Spotify's CAPI event names: Spotify's help centre lists PRODUCT, CHECK_OUT, ADD_TO_CART,
 * PURCHASE, LEAD, ALIAS, SIGN_UP and CUSTOM_EVENT_1…5; Spotify's own measurement guide adds VIEW
 * for page views.
 */
export const EVENT_NAMES = [
  'VIEW', 'PRODUCT', 'ADD_TO_CART', 'CHECK_OUT', 'PURCHASE', 'LEAD', 'SIGN_UP', 'ALIAS',
  'CUSTOM_EVENT_1', 'CUSTOM_EVENT_2', 'CUSTOM_EVENT_3', 'CUSTOM_EVENT_4', 'CUSTOM_EVENT_5',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];
const EVENT_NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

/**
 * Other spellings read as Spotify's CAPI names: Ads Manager's labels (Page View, View Product,
 * Start Checkout), Stape's (Add_Cart), the Pixel's and the diagnostics' (CHECKOUT, ADDTOCART,
 * SIGNUP), which Spotify's guide warns are not the CAPI payload's.
 */
const EVENT_NAME_ALIASES: Readonly<Record<string, EventName>> = {
  PAGE_VIEW: 'VIEW', PAGEVIEW: 'VIEW', VIEW_PRODUCT: 'PRODUCT', PRODUCT_VIEW: 'PRODUCT',
  ADD_CART: 'ADD_TO_CART', ADDTOCART: 'ADD_TO_CART', START_CHECKOUT: 'CHECK_OUT', CHECKOUT: 'CHECK_OUT',
  SIGNUP: 'SIGN_UP', CUSTOM_EVENT1: 'CUSTOM_EVENT_1', CUSTOM_EVENT2: 'CUSTOM_EVENT_2',
  CUSTOM_EVENT3: 'CUSTOM_EVENT_3', CUSTOM_EVENT4: 'CUSTOM_EVENT_4', CUSTOM_EVENT5: 'CUSTOM_EVENT_5',
};

/**
 * A Spotify event name in the CAPI's spelling from it in any letter case, with spaces or
 * dashes, or one of its other spellings (`Add to Cart`, `Start Checkout`, `page view`);
 * undefined for text that names none.
 *
 * @example
 * spotifyEventName('Start Checkout'); // 'CHECK_OUT'
 * spotifyEventName('custom event 2'); // 'CUSTOM_EVENT_2'
 * spotifyEventName('SEARCH');         // undefined
 */
export function spotifyEventName(value: string): EventName | undefined {
  const key = value.trim().toUpperCase().replace(/[\s-]+/g, '_');
  if (EVENT_NAME_SET.has(key)) return key as EventName;
  return EVENT_NAME_ALIASES[key];
}

/** Where a conversion happened (`action_source`), as Spotify lists them. */
export const ACTION_SOURCES = ['WEB', 'APP', 'OFFLINE'] as const;

/** A Conversions API connection id: a UUID, as Spotify's Ads API defines `capi_connection_id`. */
const UUID = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['connection_id', 'access_token'],
  properties: {
    connection_id: {
      type: 'string', title: 'Connection ID',
      description: 'The Conversions API connection the events belong to (capi_connection_id, a UUID): in Spotify Ads Manager, Events → your Conversions API data source → View Conversions API Instructions.',
      pattern: UUID, examples: ['2fd920ed-a111-43d4-bee2-74d078c479a5'],
    },
    access_token: {
      type: 'string', title: 'Conversions API Access Token',
      description: 'A token generated for that connection on the same page (Generate token; at most 3 at a time, they do not expire): sent as Authorization: Bearer. Not an Ads API OAuth token.',
      secret: true, minLength: 8,
    },
    action_source: {
      type: 'string', title: 'Action Source',
      description: 'Where the conversions happen (action_source), unless the blueprint maps it: auto (events from an app, with context.app, as APP, others WEB), WEB, APP or OFFLINE.',
      enum: ['auto', ...ACTION_SOURCES], enumLabels: ['Automatic', 'Website', 'App', 'Offline'], default: 'auto',
    },
    event_names: eventNamesSchema('The Spotify event each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values VIEW, PRODUCT, ADD_TO_CART, CHECK_OUT, PURCHASE, LEAD, SIGN_UP, ALIAS or CUSTOM_EVENT_1 … CUSTOM_EVENT_5. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Event Names', minLength: 1, maxLength: 40,
      examples: [{ 'Demo Requested': 'CUSTOM_EVENT_1', 'Trial Started': 'SIGN_UP' }],
    }),
    opt_out_targeting: {
      type: 'boolean', title: 'Attribution Only',
      description: 'Sends every event with opt_out_targeting: true: Spotify uses it to attribute conversions, never to retarget. Off, only events of a visitor who refused advertising or sent Global Privacy Control (SIGNAL_GPC=restrict, the default), or of a device that limits ad tracking, are flagged so.',
      default: false,
    },
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'The ISO 4217 code (USD, EUR, …) of values mapped without a currency. Without it such a value is left out, and a purchase without one is dead-lettered: Spotify requires amount and currency for PURCHASE events.',
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
 * Config problems the schema cannot see: a token pasted with its `Bearer ` prefix or white
 * space (Spotify would refuse every request), the connection id (or another UUID, a token's
 * id) given as the token, an event name Spotify does not take, a map key with white space
 * around it.
 *
 * @example
 * validateSpotifyAdsConfig({ connection_id: '2fd920ed-a111-43d4-bee2-74d078c479a5', access_token: '2fd920ed-a111-43d4-bee2-74d078c479a5' });
 * // [{ field: 'access_token', message: 'is the connection ID again: …' }]
 */
export function validateSpotifyAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.access_token === 'string' ? config.access_token : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('access_token', token, 'token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Ads Manager shows it' });
    if (pasted) problems.push(pasted);
    const connection = typeof config.connection_id === 'string' ? config.connection_id.trim().toLowerCase() : '';
    if (token.trim() !== '' && token.trim().toLowerCase() === connection) {
      problems.push({ field: 'access_token', message: 'is the connection ID again: generate a token for the connection in Spotify Ads Manager (Events → the Conversions API data source → Generate token)' });
    } else if (new RegExp(UUID).test(token.trim())) {
      problems.push({ field: 'access_token', message: 'is a UUID (a connection\'s or a token\'s id?), not a token: give the token Ads Manager showed when it was generated (a long text starting eyJ…)' });
    }
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string' || spotifyEventName(value) !== undefined) continue;
    problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}": Spotify's Conversions API takes ${EVENT_NAMES.join(', ')}` });
  }
  return problems;
}
