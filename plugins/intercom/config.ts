// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateIntercomConfig), and the settings the mapping, the requests,
// the contact lookups and the deletions read from it. An Intercom workspace lives in one
// region, and its access token works on that region's API host only (Intercom: Regional
// Hosting, "https://api.eu.intercom.io", "https://api.au.intercom.io").
import { pastedSecretProblem, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Intercom's regional API hosts. */
export const REGIONS = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io',
} as const;
export type Region = keyof typeof REGIONS;

/**
 * The `Intercom-Version` values the plugin speaks: 2.13 and later, the versions with
 * `GET /contacts/find_by_external_id/{external_id}`, which the contact lookup and deletions
 * use. 2.16 (July 2026) is the newest stable version Intercom's OpenAPI descriptions hold.
 */
export const API_VERSIONS = ['2.13', '2.14', '2.15', '2.16'] as const;
export const DEFAULT_API_VERSION = '2.16';

/** Intercom's limit on the length of a custom attribute's name is not documented; this is the plugin's sanity bound. */
const ATTRIBUTE_NAME = /^[^.$\s][^.$]{0,189}$/;

/** The integration's config as the catalog shows it; `validateIntercomConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token'],
  properties: {
    access_token: {
      type: 'string', title: 'Access Token', secret: true,
      description: 'The access token of an Intercom app of the workspace (Developer Hub > your app > Authentication), with the permissions Read and write users (contact lookups, creations and updates, data events) and, for person deletions, Write users. Sent as a Bearer token. Intercom\'s tokens do not expire, so nothing is renewed.',
      minLength: 8, maxLength: 512, examples: ['dG9rOjAxMjM0NTY3X2FiY2RfNDU2N19hYmNkXzAxMjM0NTY3ODlhYjoxOjA='],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'Where the workspace is hosted: United States (api.intercom.io), Europe (api.eu.intercom.io) or Australia (api.au.intercom.io). The token is refused by the other regions.',
      enum: ['us', 'eu', 'au'], enumLabels: ['United States (api.intercom.io)', 'Europe (api.eu.intercom.io)', 'Australia (api.au.intercom.io)'], default: 'us',
    },
    api_version: {
      type: 'string', title: 'API Version',
      description: 'The Intercom-Version header of every request. 2.13 or later (the contact lookup by external_id needs it).',
      enum: [...API_VERSIONS], default: DEFAULT_API_VERSION,
    },
    custom_attributes: {
      type: 'array', title: 'Custom Attributes',
      description: 'Identify traits sent as the contact\'s custom attributes, by name (e.g. plan, monthly_spend). Each must exist in Intercom as a People data attribute (Settings > Data > People) with a matching type: Intercom refuses a contact update naming one it does not have. Traits not listed are not sent.',
      items: { type: 'string', minLength: 1, maxLength: 190 }, uniqueItems: true, maxItems: 250, default: [], examples: [['plan', 'monthly_spend']],
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone traits written without one (07700 900123), so the contact\'s phone is sent in E.164. Without it such a number is sent as written.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Intercom: the contact with the person\'s userId as external_id is found and deleted (DELETE /contacts/{id}; Intercom destroys its data after a 7-day grace period).',
      default: true,
    },
  },
};

/**
 * The config's region: `eu` or `au`, else the US (the schema accepts nothing else; absent is the default).
 *
 * @example
 * regionOf({ region: 'au' }); // 'au'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  return config.region === 'eu' || config.region === 'au' ? config.region : 'us';
}

/**
 * The API base URL of an integration's config, without a trailing slash.
 *
 * @example
 * apiBaseOf({ region: 'eu' }); // 'https://api.eu.intercom.io'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return REGIONS[regionOf(config)];
}

/**
 * The `Intercom-Version` to send: the configured one when the plugin speaks it, else the default.
 *
 * @example
 * apiVersionOf({ api_version: '2.14' }); // '2.14'
 * apiVersionOf({});                      // '2.16'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  const version = config.api_version;
  return typeof version === 'string' && (API_VERSIONS as readonly string[]).includes(version) ? version : DEFAULT_API_VERSION;
}

/**
 * The access token as configured, trimmed (a header value cannot end in a line break).
 *
 * @example
 * accessTokenOf({ access_token: ' tok ' }); // 'tok'
 */
export function accessTokenOf(config: Record<string, JsonValue>): string {
  return typeof config.access_token === 'string' ? config.access_token.trim() : '';
}

/**
 * The headers of every request: the Bearer token, the API version, JSON both ways.
 *
 * @example
 * headersOf({ access_token: 't' }); // { authorization: 'Bearer t', 'Intercom-Version': '2.16', accept: 'application/json', 'content-type': 'application/json' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { authorization: `Bearer ${accessTokenOf(config)}`, 'Intercom-Version': apiVersionOf(config), accept: 'application/json', 'content-type': 'application/json' };
}

/**
 * The trait names to send as custom attributes (config.custom_attributes), trimmed.
 *
 * @example
 * customAttributesOf({ custom_attributes: ['plan', ' seats '] }); // ['plan', 'seats']
 */
export function customAttributesOf(config: Record<string, JsonValue>): string[] {
  const list = config.custom_attributes;
  return Array.isArray(list) ? list.flatMap((name) => trimmedText(name) ?? []) : [];
}

/**
 * Checks beyond the schema, each naming its field: a token with white space inside it (a paste
 * error: it travels in a header; the message never repeats it) or a `Bearer ` prefix, and
 * custom attribute names Intercom cannot hold (a `.` or `$`, which its attribute names refuse,
 * or a name of a standard contact field, which is no custom attribute).
 *
 * @example
 * validateIntercomConfig({ access_token: 'Bearer abc', custom_attributes: ['plan.name'] });
 * // [{ field: 'access_token', message: 'starts with "Bearer " …' }, { field: 'custom_attributes', message: '"plan.name" …' }]
 */
export function validateIntercomConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.access_token === 'string' ? config.access_token.trim() : '';
  const pasted = pastedSecretProblem('access_token', token, 'access token', { schemeHint: 'the plugin adds the Bearer scheme' });
  if (pasted) problems.push(pasted);
  for (const name of customAttributesOf(config)) {
    if (!ATTRIBUTE_NAME.test(name)) problems.push({ field: 'custom_attributes', message: `"${name}" cannot be an Intercom attribute name (no "." or "$", at most 190 characters)` });
    else if (STANDARD_FIELDS.has(name)) problems.push({ field: 'custom_attributes', message: `"${name}" is a standard contact field the plugin sets itself, not a custom attribute: remove it from the list` });
  }
  return problems;
}

/** The contact's standard fields the plugin fills from traits; none of them is a custom attribute. */
export const STANDARD_FIELDS: ReadonlySet<string> = new Set(['email', 'phone', 'name', 'avatar', 'external_id', 'role', 'signed_up_at', 'last_seen_at', 'owner_id', 'unsubscribed_from_emails']);
