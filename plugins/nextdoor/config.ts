// The integration's config: the Ads API access token and the pixel's Data Source ID the
// conversions belong to, where they happen, test mode, and which Nextdoor event each Signal
// event counts as; with the problems a JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Nextdoor's standard event names (`event_name`). */
export const STANDARD_EVENTS = ['purchase', 'lead', 'sign_up', 'add_to_cart', 'initiate_checkout', 'page_view', 'search', 'view_content', 'add_to_wishlist', 'subscribe'] as const;
/** Its ten custom conversions, named by the advertiser in Nextdoor Ads Manager. */
export const CUSTOM_EVENTS = Array.from({ length: 10 }, (_, i) => `custom_conversion_${i + 1}`);
/** Every event name Nextdoor takes. */
export const EVENT_NAMES: ReadonlySet<string> = new Set([...STANDARD_EVENTS, ...CUSTOM_EVENTS]);
/** Where a conversion happened (`action_source`), as Nextdoor lists them. */
export const ACTION_SOURCES = ['website', 'app', 'email', 'phone_call', 'chat', 'physical_store', 'system_generated', 'other'] as const;
/** A Data Source ID: Nextdoor does not document its form; an id is URL-safe text. */
const DATA_SOURCE_ID = '^[A-Za-z0-9_-]{1,100}$';

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token', 'data_source_id'],
  properties: {
    access_token: {
      type: 'string', title: 'Access Token',
      description: 'An Ads API access token of the Nextdoor Ads Manager account: Business Settings > Ads API > Generate token.',
      secret: true, minLength: 8, examples: ['eyJhbGciOiJIUzI1NiJ9…'],
    },
    data_source_id: {
      type: 'string', title: 'Data Source ID',
      description: 'The Data Source ID of the Nextdoor Pixel the conversions belong to (Nextdoor Ads Manager > Assets > Pixels; the former pixel_id). Nextdoor deduplicates the Pixel\'s events and these by it with the event id.',
      pattern: DATA_SOURCE_ID, examples: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
    },
    action_source: {
      type: 'string', title: 'Action Source',
      description: 'Where the conversions happen, unless the blueprint maps action_source: website (then each event needs its page URL), app, email, phone_call, chat, physical_store, system_generated or other.',
      enum: [...ACTION_SOURCES], default: 'website', examples: ['website'],
    },
    event_names: eventNamesSchema('The Nextdoor event each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values a standard event (purchase, lead, sign_up, add_to_cart, initiate_checkout, page_view, search, view_content, add_to_wishlist, subscribe) or custom_conversion_1 … custom_conversion_10. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Nextdoor Event Names', minLength: 1, maxLength: 40,
      examples: [{ 'Demo Requested': 'lead', 'Quote Requested': 'custom_conversion_1' }],
    }),
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'ISO 4217 code of order values mapped without a currency (Nextdoor writes every order value with one: USD123.45). Without it such a value is not sent.',
      pattern: '^[A-Za-z]{3}$', examples: ['USD'],
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 1) for phone numbers written without one ((415) 555-0123). Without it such numbers are left out: Nextdoor matches phones in E.164, and their country is not guessed.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
    test_event: {
      type: 'boolean', title: 'Test Events',
      description: 'Sends every event as a test event (test_event "true"): for checking the set-up; turn it off for production.',
      default: false, examples: [false],
    },
    restricted_data_usage: {
      type: 'boolean', title: 'Restricted Data Usage',
      description: 'Flags every event for restricted data usage (restricted_data_usage 1, restricted_data_usage_country 1, the United States), for US state privacy laws. Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).',
      default: false, examples: [false],
    },
  },
};

/**
 * Config problems the schema cannot see: a token pasted with its `Bearer ` prefix or white space
 * (Nextdoor would refuse every request), the Data Source ID given as the token, an event name
 * Nextdoor does not take, a name key with white space around it.
 *
 * @example
 * validateNextdoorConfig({ access_token: 'Bearer eyJhbGciOi…', data_source_id: 'ds-1' });
 * // [{ field: 'access_token', message: 'starts with "Bearer ": give the access token alone, Signal adds the prefix' }]
 * validateNextdoorConfig({ access_token: 'eyJhbGciOi…', data_source_id: 'ds-1', event_names: { 'Demo Requested': 'Lead' } });
 * // [{ field: 'event_names', message: 'gives "Lead" for "Demo Requested": Nextdoor takes purchase, lead, …' }]
 */
export function validateNextdoorConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.access_token === 'string' ? config.access_token : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('access_token', token, 'access token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Ads Manager shows it' });
    if (pasted) problems.push(pasted);
    if (typeof config.data_source_id === 'string' && token.trim() === config.data_source_id.trim()) {
      problems.push({ field: 'access_token', message: 'is the Data Source ID again: generate an access token in Nextdoor Ads Manager (Business Settings > Ads API > Generate token)' });
    }
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string' || EVENT_NAMES.has(value.trim())) continue;
    problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}": Nextdoor takes ${STANDARD_EVENTS.join(', ')} or custom_conversion_1 … custom_conversion_10 (lower case)` });
  }
  return problems;
}
