// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateFullstoryConfig), and the options the requests read from it.
import { configApiKey, configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { API_ORIGINS, DATA_CENTERS, keyRegion, type DataCenter } from './hosts.ts';

/** The integration's config as the catalog shows it; `validateFullstoryConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'A Fullstory server API key (Fullstory: Settings > Integrations > API Keys). Sent as "Authorization: Basic <key>", the key itself as Fullstory documents it (not base64 of key:). A Standard key creates events and users; forwarding person deletions needs an Architect or Admin key.',
      minLength: 8, maxLength: 512, examples: ['na1.0123456789abcdefABCDEF/o-1A2B3C-na1'],
    },
    data_center: {
      type: 'string', title: 'Data Center',
      description: 'Where the Fullstory account\'s data lives: na1 (https://api.fullstory.com, default) or eu1 (https://api.eu1.fullstory.com). Keys of newer accounts start with their region (na1. or eu1.).',
      enum: [...DATA_CENTERS], enumLabels: ['North America (api.fullstory.com)', 'Europe (api.eu1.fullstory.com)'], default: 'na1', examples: ['na1', 'eu1'],
    },
    use_most_recent_session: {
      type: 'boolean', title: 'Attach Events to the Recent Session',
      description: 'Send each event with session.use_most_recent: true, so Fullstory attaches it to the user\'s session of the last 30 minutes (a session its browser capture recorded for the same uid); without such a session the event is kept on the user without a session. Off: events are always kept on the user only.',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Fullstory: DELETE /v2/users?uid=<userId>, which deletes the user\'s sessions, events and properties. Needs an Architect or Admin API key (a Standard key is refused with 403). Off: deletions are not forwarded.',
      default: true,
    },
  },
};

/** The configured data center, NA1 unless eu1 is named. */
export function dataCenterOf(config: Record<string, JsonValue>): DataCenter {
  return config.data_center === 'eu1' ? 'eu1' : 'na1';
}

/**
 * Checks beyond the JSON Schema: the key is one key (no white space, ASCII, no "Basic " in front),
 * and its region prefix, when it has one, is the configured data center's. The messages never
 * repeat the key.
 *
 * @example
 * validateFullstoryConfig({ api_key: 'eu1.abcdefgh/o-1-eu1', data_center: 'na1' });
 * // [{ field: 'data_center', message: 'is na1, but the API key is an eu1 key: …' }]
 */
export function validateFullstoryConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = configText(config, 'api_key');
  if (key === undefined) return problems;
  const pasted = pastedSecretProblem('api_key', key, 'API key', { schemes: ['Basic', 'Bearer'], schemeHint: 'Signal adds "Basic "' });
  if (pasted) problems.push(pasted);
  else if (/[^\x21-\x7e]/.test(key)) problems.push({ field: 'api_key', message: 'holds characters that are not ASCII: give the key as Fullstory shows it (Settings > Integrations > API Keys)' });
  const region = keyRegion(key);
  const center = dataCenterOf(config);
  if (region !== undefined && region !== center) {
    problems.push({ field: 'data_center', message: `is ${center}, but the API key is an ${region} key: set data_center to ${region} (${API_ORIGINS[region]}), where the account's data lives` });
  }
  return problems;
}

/** What the requests read from the config. */
export interface FullstoryOptions {
  apiKey: string;
  origin: string;
  useMostRecentSession: boolean;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ api_key: ' k ', data_center: 'eu1' });
 * // { apiKey: 'k', origin: 'https://api.eu1.fullstory.com', useMostRecentSession: true }
 */
export function optionsOf(config: Record<string, JsonValue>): FullstoryOptions {
  return {
    apiKey: configApiKey(config),
    origin: API_ORIGINS[dataCenterOf(config)],
    useMostRecentSession: config.use_most_recent_session !== false,
  };
}
