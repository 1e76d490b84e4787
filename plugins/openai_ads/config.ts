// The OpenAI Ads integration's settings: the Pixel ID the events belong to, the Conversions API
// key that may send them, and how they are sent (validate only, the action source, a currency
// for values mapped without one).
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { minorUnitDigits } from './minor-units.ts';

/** Where a conversion happened (`action_source`), as OpenAI lists them. */
export const ACTION_SOURCES = ['web', 'mobile_app', 'offline', 'physical_store', 'phone_call', 'email', 'other'] as const;

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['pixel_id', 'api_key'],
  properties: {
    pixel_id: {
      type: 'string', title: 'Pixel ID',
      description: 'The Pixel ID the conversions belong to (the `pid` of every request): in OpenAI Ads Manager, Conversions tab. Use the same Pixel ID as the site\'s JavaScript Pixel, so OpenAI deduplicates the events both send.',
      pattern: '^[A-Za-z0-9_-]{1,128}$', examples: ['134534276512'],
    },
    api_key: {
      type: 'string', title: 'Conversions API Key',
      description: 'A Conversions API key generated in OpenAI Ads Manager, Conversions tab (not an Advertiser API key, nor an OpenAI platform API key): sent as Authorization: Bearer.',
      secret: true, minLength: 8,
    },
    validate_only: {
      type: 'boolean', title: 'Validate Only',
      description: 'OpenAI validates the events without saving them (validate_only: true): for setting up, then turn it off for production.',
      default: false,
    },
    action_source: {
      type: 'string', title: 'Action Source',
      description: 'Where the conversions happen, unless the blueprint maps action_source. A web event needs its page URL (source_url): a web event without one is sent without an action source.',
      enum: [...ACTION_SOURCES], enumLabels: ['Website', 'Mobile app', 'Offline', 'Physical store', 'Phone call', 'Email', 'Other'], default: 'web',
    },
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'The ISO 4217 code (USD, EUR, …) of values mapped without a currency. Without it such an event is dead-lettered: OpenAI refuses an amount without a currency.',
      pattern: '^[A-Za-z]{3}$', examples: ['USD'],
    },
  },
};

/**
 * Config problems the schema cannot see: a key pasted with its `Bearer ` prefix or white space
 * (OpenAI would refuse every request), the Pixel ID given as the key, a currency no one uses.
 *
 * @example
 * validateOpenAiAdsConfig({ pixel_id: '134534276512', api_key: 'Bearer sk-ads-…' });
 * // [{ field: 'api_key', message: 'starts with "Bearer ": give the key alone, Signal adds the prefix' }]
 */
export function validateOpenAiAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = typeof config.api_key === 'string' ? config.api_key : undefined;
  if (key !== undefined) {
    const pasted = pastedSecretProblem('api_key', key, 'key', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Ads Manager shows it' });
    if (pasted) problems.push(pasted);
    if (key.trim() !== '' && key.trim() === String(config.pixel_id ?? '').trim()) {
      problems.push({ field: 'api_key', message: 'is the Pixel ID again: generate a Conversions API key in OpenAI Ads Manager, Conversions tab' });
    }
  }
  if (typeof config.default_currency === 'string' && /^[A-Za-z]{3}$/.test(config.default_currency) && minorUnitDigits(config.default_currency) === undefined) {
    problems.push({ field: 'default_currency', message: `${JSON.stringify(config.default_currency)} is no ISO 4217 currency code (USD, EUR, JPY, …)` });
  }
  return problems;
}
