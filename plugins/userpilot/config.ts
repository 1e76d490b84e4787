// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateUserpilotConfig), and the options the mapping and requests read.
import { configApiKey, configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Userpilot's documented API endpoints: US (the default) and EU data residency. */
export const US_ENDPOINT = 'https://analytex.userpilot.io';
export const EU_ENDPOINT = 'https://analytex-eu.userpilot.io';

/** The Userpilot-hosted endpoints an account's Environment page may show (Enterprise ones included). */
const ENDPOINT_PATTERN = '^\\s*https://[a-z0-9-]+(\\.[a-z0-9-]+)*\\.userpilot\\.io/?\\s*$';

/** The integration's config as the catalog shows it; `validateUserpilotConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'The Userpilot API key (Settings > Environment > API keys), sent as "Authorization: Token <key>". It is not the App Token of the JavaScript snippet.',
      minLength: 8, maxLength: 512, examples: ['a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
    },
    endpoint: {
      type: 'string', title: 'API Endpoint',
      description: `The HTTP API endpoint your Environment page shows: ${US_ENDPOINT} (default), ${EU_ENDPOINT} for EU data residency, or the dedicated *.userpilot.io endpoint of an Enterprise account. https, no path.`,
      pattern: ENDPOINT_PATTERN, default: US_ENDPOINT, examples: [US_ENDPOINT, EU_ENDPOINT],
    },
    send_email: {
      type: 'boolean', title: 'Send Email Addresses',
      description: 'false (default): no contact information is sent. true: an identify\'s traits.email goes as the user\'s email metadata (Userpilot shows it on the user\'s profile; check with your privacy team first). Other contact information (phone, address) is never sent.',
      default: false, examples: [false, true],
    },
  },
};

/**
 * Checks beyond the JSON Schema: the API key pasted alone (not with "Token " before it, no white
 * space), and an endpoint that is an origin (no path, no query). Messages never repeat the key.
 *
 * @example
 * validateUserpilotConfig({ api_key: 'Token abcdefgh1' });
 * // [{ field: 'api_key', message: 'starts with "Token ": give the API key alone, Signal adds the prefix' }]
 */
export function validateUserpilotConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string') {
    const problem = pastedSecretProblem('api_key', config.api_key.trim(), 'API key', {
      schemes: ['Token', 'Bearer', 'Basic'], schemeHint: 'Signal adds the "Token " prefix', spaceHint: 'as Settings > Environment shows it',
    });
    if (problem) problems.push(problem);
  }
  if (config.endpoint !== undefined && config.endpoint !== null) {
    const text = typeof config.endpoint === 'string' ? config.endpoint.trim() : '';
    if (!new RegExp(ENDPOINT_PATTERN).test(text)) {
      problems.push({ field: 'endpoint', message: `must be the https://….userpilot.io endpoint your Environment page shows, without a path (${US_ENDPOINT}, or ${EU_ENDPOINT} for EU data residency)` });
    }
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface UserpilotOptions {
  apiKey: string;
  endpoint: string;
  sendEmail: boolean;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ api_key: ' k3y-1234 ', endpoint: 'https://analytex-eu.userpilot.io/' });
 * // { apiKey: 'k3y-1234', endpoint: 'https://analytex-eu.userpilot.io', sendEmail: false }
 */
export function optionsOf(config: Record<string, JsonValue>): UserpilotOptions {
  const endpoint = configText(config, 'endpoint')?.replace(/\/+$/, '') ?? US_ENDPOINT;
  return { apiKey: configApiKey(config), endpoint, sendEmail: config.send_email === true };
}
