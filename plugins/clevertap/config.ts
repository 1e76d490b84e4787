// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateCleverTapConfig), and the settings the mapping, the requests and
// the deletions read from it. A CleverTap account (project) lives in one region, and its API is
// that region's host: `<region>.api.clevertap.com` (CleverTap: Common API Components, Region).
// Europe, CleverTap's default region, has two hosts: `api.clevertap.com` in that Region table,
// `eu1.api.clevertap.com` in CleverTap's own Node.js library and Segment destination; both are
// offered (`eu` and `eu1`).
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';

/**
 * CleverTap's regions, by the prefix of their API host (CleverTap: Common API Components;
 * its Node.js server library names the same six): Europe (eu1, the default for most accounts),
 * India (in1), Singapore (sg1), United States (us1), Indonesia (aps3), Middle East/UAE (mec1);
 * and `eu`, Europe at the host CleverTap's Region table gives it, `api.clevertap.com`.
 */
export const REGIONS = ['eu1', 'eu', 'in1', 'sg1', 'us1', 'aps3', 'mec1'] as const;
export type Region = (typeof REGIONS)[number];

/** The API host of each region. */
const HOSTS: Record<Region, string> = {
  eu1: 'eu1.api.clevertap.com',
  eu: 'api.clevertap.com',
  in1: 'in1.api.clevertap.com',
  sg1: 'sg1.api.clevertap.com',
  us1: 'us1.api.clevertap.com',
  aps3: 'aps3.api.clevertap.com',
  mec1: 'mec1.api.clevertap.com',
};

/** The integration's config as the catalog shows it; `validateCleverTapConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account_id', 'passcode', 'region'],
  properties: {
    account_id: {
      type: 'string', title: 'Account ID (Project ID)',
      description: 'The CleverTap project\'s Account ID (Settings > Project > Project ID), sent as the X-CleverTap-Account-Id header.',
      minLength: 3, maxLength: 64, pattern: '^\\s*[A-Za-z0-9-]+\\s*$', examples: ['W9R-486-4W5Z'],
    },
    passcode: {
      type: 'string', title: 'Passcode', secret: true,
      description: 'The project\'s Passcode (Settings > Project > Passcode), or an account-level passcode created for Signal, sent as the X-CleverTap-Passcode header.',
      minLength: 3, maxLength: 256,
    },
    region: {
      type: 'string', title: 'Region',
      description: 'The region of the CleverTap account, as its dashboard URL shows it (eu1.dashboard.clevertap.com is eu1): requests go to <region>.api.clevertap.com. Europe has two hosts: eu1.api.clevertap.com (eu1, as CleverTap\'s Node.js library uses it) and api.clevertap.com (eu, as CleverTap\'s Region table gives it). The credentials are refused in another region.',
      enum: [...REGIONS],
      enumLabels: ['Europe (eu1.api.clevertap.com)', 'Europe (api.clevertap.com)', 'India (in1.api.clevertap.com)', 'Singapore (sg1.api.clevertap.com)', 'United States (us1.api.clevertap.com)', 'Indonesia (aps3.api.clevertap.com)', 'Middle East, UAE (mec1.api.clevertap.com)'],
      default: 'eu1',
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123), so Phone is sent in E.164 as CleverTap requires. Without it such a number is left out of the profile, with a warning.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to CleverTap\'s Delete User Profile API, by the userId as the profile\'s identity.',
      default: true,
    },
  },
};

/**
 * The config's region: one of REGIONS, else eu1 (a partial config in a preview).
 *
 * @example
 * regionOf({ region: 'in1' }); // 'in1'
 * regionOf({ region: 'eu' });  // 'eu'
 * regionOf({});                // 'eu1'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  const region = typeof config.region === 'string' ? config.region.trim() : '';
  return (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'eu1';
}

/**
 * The API base URL of an integration's config, without a trailing slash.
 *
 * @example
 * apiBaseOf({ region: 'us1' }); // 'https://us1.api.clevertap.com'
 * apiBaseOf({ region: 'eu' });  // 'https://api.clevertap.com'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return `https://${HOSTS[regionOf(config)]}`;
}

/**
 * The headers of every request: the account's credentials and JSON in UTF-8 (CleverTap:
 * Common API Components, Headers). Values trimmed: a header value cannot end in a line break.
 *
 * @example
 * headersOf({ account_id: 'W9R-486-4W5Z', passcode: 'p' });
 * // { 'X-CleverTap-Account-Id': 'W9R-486-4W5Z', 'X-CleverTap-Passcode': 'p', 'content-type': 'application/json; charset=utf-8' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return {
    'X-CleverTap-Account-Id': typeof config.account_id === 'string' ? config.account_id.trim() : '',
    'X-CleverTap-Passcode': typeof config.passcode === 'string' ? config.passcode.trim() : '',
    'content-type': 'application/json; charset=utf-8',
  };
}

/**
 * The default country calling code for phone numbers without one, when configured.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: ' 44 ' }); // '44'
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = typeof config.default_country_code === 'string' ? config.default_country_code.trim() : '';
  return code === '' ? undefined : code;
}

/**
 * Checks beyond the schema, each naming its field: a passcode with white space inside it (a
 * paste error: it travels in a header). Messages never repeat the passcode.
 *
 * @example
 * validateCleverTapConfig({ account_id: 'W9R-486-4W5Z', passcode: 'abc def', region: 'eu1' });
 * // [{ field: 'passcode', message: 'holds white space …' }]
 */
export function validateCleverTapConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.passcode === 'string' && /\s/.test(config.passcode.trim())) {
    problems.push({ field: 'passcode', message: 'holds white space or a line break (copied with the text around it?): give the Passcode alone' });
  }
  return problems;
}
