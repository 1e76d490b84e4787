// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateOmnisendConfig), and the settings the mapping and the requests read from
// it. Omnisend's current API (version 2026-03-15, https://api.omnisend.com/api) takes an API key
// of the store as `Authorization: Omnisend-API-Key <key>` with an `Omnisend-Version` header on
// every request (Omnisend: "Authentication").
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A country calling code as the phone normalisation takes it: 1 to 3 digits, an optional `+`. */
const COUNTRY_CALLING_CODE = /^\+?[1-9]\d{0,2}$/;
/** Omnisend: a contact takes at most 100 tags. */
export const MAX_TAGS = 100;

/** The integration's config as the catalog shows it; `validateOmnisendConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An API key of your Omnisend store (Store settings > API keys > Create API key) with the Contacts (read and write) and Events (write) permissions, sent as Authorization: Omnisend-API-Key. Give the key alone, without the "Omnisend-API-Key " scheme.',
      minLength: 8, maxLength: 256, examples: ['6571a3c1f5a3d4c2b1e0a9f8-Xy8d0bQ4fA2mL9rT3vZ7wK1pE5sH6nC0'],
    },
    subscribe_email_with_consent: {
      type: 'boolean', title: 'Subscribe Email With Marketing Consent',
      description: 'On an identify carrying marketing consent (context.consent.marketing true, denied nowhere) and an email of its own (not only the one Signal remembers from an earlier identify), set the email channel to subscribed — unless Omnisend has that email unsubscribed: the plugin looks the contact up first (GET /contacts?email=) and never subscribes anyone who unsubscribed. Off (the default), identifies never touch the subscription status. The plugin never unsubscribes anyone.',
      default: false,
    },
    subscribe_sms_with_consent: {
      type: 'boolean', title: 'Subscribe SMS With Marketing Consent',
      description: 'As for email, for the sms channel of the identify\'s own phone number (E.164), looked up first (GET /contacts?phone=) so that nobody who unsubscribed from texts is subscribed again. Turn this on only when the site\'s consent covers marketing texts. Off by default.',
      default: false,
    },
    tags: {
      type: 'array', title: 'Contact Tags',
      description: 'Tags every identified contact gets in Omnisend, besides the ones the blueprint maps (Omnisend advises a source tag such as "source: signal" for contacts an integration creates).',
      items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 20, uniqueItems: true, examples: [['source: signal']],
    },
    ecommerce_events: {
      type: 'boolean', title: 'Send E-commerce Events as Omnisend\'s Recommended Events',
      description: 'Send the Segment e-commerce events Order Completed, Checkout Started, Product Added, Product Viewed and Order Cancelled as Omnisend\'s recommended events (placed order, started checkout, added product to cart, viewed product, order canceled) with the properties Omnisend documents for them, which its order confirmation, cart, checkout and product abandonment automations and its reports read. Off: they go as custom events under their own names.',
      default: true,
    },
    default_country_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'The country calling code (e.g. 44) of phone numbers written without one, so they can be sent in E.164 as Omnisend requires. Empty: such numbers are left out.',
      maxLength: 4, examples: ['44'],
    },
  },
};

/**
 * The configured tags: trimmed, non-blank, each once.
 *
 * @example
 * configTagsOf({ tags: [' source: signal ', ''] }); // ['source: signal']
 */
export function configTagsOf(config: Record<string, JsonValue>): string[] {
  if (!Array.isArray(config.tags)) return [];
  return [...new Set(config.tags.filter((tag): tag is string => typeof tag === 'string').map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/**
 * The default country calling code (digits), or undefined when none (or a malformed one) is set.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: '+44' }); // '44'
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = typeof config.default_country_code === 'string' ? config.default_country_code.trim() : '';
  return COUNTRY_CALLING_CODE.test(code) ? code.replace(/^\+/, '') : undefined;
}

/**
 * Checks beyond the schema, each naming its field: a key pasted with its scheme
 * (`Omnisend-API-Key …`, `Bearer …`) or with white space, a country calling code that is none.
 * Messages never repeat the key.
 *
 * @example
 * validateOmnisendConfig({ api_key: 'Omnisend-API-Key 6571a3c1' });
 * // [{ field: 'api_key', message: 'starts with "Omnisend-API-Key ": give the Omnisend API key alone, Signal sends it as Omnisend-API-Key itself' }]
 */
export function validateOmnisendConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string') {
    const pasted = pastedSecretProblem('api_key', config.api_key.trim(), 'Omnisend API key', {
      schemes: ['Omnisend-API-Key', 'Bearer'], schemeHint: 'Signal sends it as Omnisend-API-Key itself', spaceHint: 'as Omnisend showed it when the key was created',
    });
    if (pasted) problems.push(pasted);
  }
  if (typeof config.default_country_code === 'string' && config.default_country_code.trim() !== '' && defaultCountryCodeOf(config) === undefined) {
    problems.push({ field: 'default_country_code', message: `${JSON.stringify(config.default_country_code)} is no country calling code: give its 1 to 3 digits, e.g. 44 for the United Kingdom` });
  }
  return problems;
}
