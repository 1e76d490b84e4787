// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateAttentiveConfig), and the settings the mapping, the requests and the
// deletions read from it. A private app of Attentive (a "custom app") authenticates with its
// API key as a Bearer token (Attentive: "Authentication"); its permissions (Custom Events,
// Custom Attributes, eCommerce, Privacy Requests) decide which of the plugin's calls it may make.
import { configApiKey, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A country calling code: 1 to 3 digits, no leading 0. */
export const COUNTRY_CODE = /^[1-9][0-9]{0,2}$/;

/** The integration's config as the catalog shows it; `validateAttentiveConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'The API key of a custom (private) app of your Attentive account (Marketplace > Manage custom apps > Create app), sent as the Bearer token. Give the app Write permission for Custom Events, Custom Attributes and eCommerce, and for Privacy Requests when deletions are forwarded. Attentive shows the key once, when the app is created.',
      minLength: 8, maxLength: 512, examples: ['c2lnbmFsLWF0dGVudGl2ZS1leGFtcGxlLWtleS0wMTIz'],
    },
    default_country_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'The country calling code (digits, e.g. 1 for the United States and Canada) of phone numbers written without one ((212) 555-0100), read by that country\'s numbering plan. Attentive takes phone numbers in E.164 only: without this setting such a number is left out of the user (with a warning in the delivery log), and the event goes with the email or userId alone.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Attentive\'s Privacy Request API (POST /v1/privacy/delete-request): the subscriber whose clientUserId is the userId named, and the subscriber with that email when the userId is an email address. Attentive deletes them within thirty days. Needs the app\'s Privacy Requests permission.',
      default: true,
    },
  },
};

/**
 * The default country calling code, or undefined.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: ' 1 ' }); // '1'
 * defaultCountryCodeOf({});                              // undefined
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = typeof config.default_country_code === 'string' ? config.default_country_code.trim() : '';
  return COUNTRY_CODE.test(code) ? code : undefined;
}

/**
 * Checks beyond the schema, each naming its field: a key with white space or a "Bearer " prefix
 * in it (pasted with the header it came from). Messages never repeat the key.
 *
 * @example
 * validateAttentiveConfig({ api_key: 'Bearer abc12345' });
 * // [{ field: 'api_key', message: 'starts with "Bearer ": give the API key alone, the plugin adds the Bearer scheme' }]
 */
export function validateAttentiveConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string') {
    const pasted = pastedSecretProblem('api_key', configApiKey(config), 'API key', { schemeHint: 'the plugin adds the Bearer scheme' });
    if (pasted) problems.push(pasted);
  }
  return problems;
}
