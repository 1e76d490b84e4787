// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateAirshipConfig), and the settings the mapping, the requests and the
// deletions read from it. An Airship project lives in one cloud site: North America
// (go.urbanairship.com) or Europe (go.airship.eu); its bearer tokens work on that host only
// (Airship: API Security, base URLs).
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Airship's cloud sites and the API base URL of each (bearer-token hosts, not the OAuth ones). */
export const REGIONS = {
  us: 'https://go.urbanairship.com',
  eu: 'https://go.airship.eu',
} as const;
export type Region = keyof typeof REGIONS;

/** The integration's config as the catalog shows it; `validateAirshipConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token', 'app_key'],
  properties: {
    access_token: {
      type: 'string', title: 'Bearer Token', secret: true,
      description: 'A bearer token of the Airship project (Settings > Project settings > Tokens), with the roles to add custom events, modify named user attributes and uninstall named users (for deletions). Sent as Authorization: Bearer. It works only on its project\'s cloud site (see Region).',
      minLength: 8, maxLength: 512,
    },
    app_key: {
      type: 'string', title: 'App Key',
      description: 'The project\'s App Key (Settings > Project settings > APIs & Integrations). Airship\'s Custom Events API requires it in the X-UA-Appkey header whatever the token.',
      minLength: 1, maxLength: 64, examples: ['ISex_TTJRuarzs9-o_Gkhg'],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'The project\'s cloud site: North America (go.urbanairship.com) or Europe (go.airship.eu). The token is refused on the other one.',
      enum: ['us', 'eu'], enumLabels: ['North America (go.urbanairship.com)', 'Europe (go.airship.eu)'], default: 'us',
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Airship\'s Named Users uninstall with the same token: the named user and every channel associated with it are removed, with their analytics data.',
      default: true,
    },
  },
};

/**
 * The API base URL of an integration's config, without a trailing slash: Europe when chosen,
 * else North America (the schema accepts nothing else; absent is the default).
 *
 * @example
 * apiBaseOf({ region: 'eu' }); // 'https://go.airship.eu'
 * apiBaseOf({});               // 'https://go.urbanairship.com'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return REGIONS[config.region === 'eu' ? 'eu' : 'us'];
}

/**
 * A text field of the config, trimmed (a header value cannot end in a line break), or ''.
 *
 * @example
 * textOf({ access_token: ' abc ' }, 'access_token'); // 'abc'
 */
export function textOf(config: Record<string, JsonValue>, field: 'access_token' | 'app_key'): string {
  const value = config[field];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Checks beyond the schema, each naming its field: a token or app key with white space inside
 * it (a paste error: they travel in headers), a token pasted with its `Bearer ` prefix, and the
 * app key given as the token. Messages never repeat the token.
 *
 * @example
 * validateAirshipConfig({ access_token: 'Bearer abc', app_key: 'k' });
 * // [{ field: 'access_token', message: 'starts with "Bearer " …' }]
 */
export function validateAirshipConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = textOf(config, 'access_token');
  const appKey = textOf(config, 'app_key');
  const pasted = pastedSecretProblem('access_token', token, 'bearer token', { schemeHint: 'Signal adds the Authorization scheme' });
  if (pasted) problems.push(pasted);
  if (/\s/.test(appKey)) problems.push({ field: 'app_key', message: 'holds white space or a line break: give the App Key alone' });
  if (token !== '' && token === appKey) {
    problems.push({ field: 'access_token', message: 'is the App Key again: give a bearer token created under Settings > Project settings > Tokens' });
  }
  return problems;
}
