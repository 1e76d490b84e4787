// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateAppcuesConfig), and the settings the mapping, the requests and the
// deletions read. Appcues' Public API v2 takes an API key and its secret as HTTP Basic
// (`-u API_KEY:API_SECRET`), made in Studio > Settings > API Keys; the account id is part of
// every URL. Keys are per region: a US key does not work against the EU API.
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

export const REGIONS = ['us', 'eu'] as const;
export type Region = (typeof REGIONS)[number];

/** The origin of the Public API in each region (Appcues' API docs and its own CLI). */
export const REGION_ORIGINS: Readonly<Record<Region, string>> = {
  us: 'https://api.appcues.com',
  eu: 'https://api.eu.appcues.com',
};

/** An Appcues account id, as the Studio account page shows it: digits. */
export const ACCOUNT_ID = /^[0-9]{1,20}$/;

/** The integration's config as the catalog shows it; `validateAppcuesConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account_id', 'api_key', 'api_secret'],
  properties: {
    account_id: {
      type: 'string', title: 'Account ID',
      description: 'Your Appcues account id, a number shown on the Studio account page (studio.appcues.com/account). It is part of every request\'s URL.',
      minLength: 1, maxLength: 40, examples: ['12345'],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An API key of the Public API v2 (Studio > Settings > API Keys > Create new key), sent with its secret as HTTP Basic. Not the Legacy API key of the SDK installation.',
      minLength: 8, maxLength: 256, examples: ['ecf7f10a-3ece-4658-9bc9-d592306697ed-02'],
    },
    api_secret: {
      type: 'string', title: 'API Secret', secret: true,
      description: 'The secret of that API key, shown once when the key is created.',
      minLength: 8, maxLength: 256, examples: ['f7c6d033-0221-4c7d-bf01-5e28a5c85d27'],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'Where the Appcues account is hosted: us (api.appcues.com, the default) or eu (api.eu.appcues.com). The key must be one of that region.',
      enum: [...REGIONS], enumLabels: ['US (api.appcues.com)', 'EU (api.eu.appcues.com)'], default: 'us', examples: ['us', 'eu'],
    },
    send_page_views: {
      type: 'boolean', title: 'Send Page Views',
      description: 'Send page calls as "Page Viewed" events (with url, path, title, referrer). Off by default: the Appcues web SDK records page views itself.',
      default: false, examples: [true],
    },
    send_contact_info: {
      type: 'boolean', title: 'Send Contact Information',
      description: 'Send traits and properties that are contact information (email, phone, names, addresses, birth dates) to Appcues. Off by default: they are left out of profiles and events. Turn on to target by email in Appcues.',
      default: false, examples: [true],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions to Appcues\' Delete user profile (DELETE /v2/accounts/{account}/users/{userId}/profile), which wipes the profile, its properties, experiences and tracked events (not the activity already in Appcues\' analytics reports).',
      default: true, examples: [true],
    },
  },
};

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Checks beyond the schema, each naming its field: an account id that is not Appcues' number,
 * a blank key or secret, one pasted with `Basic ` or with white space, a key pasted together with
 * its secret (`API_KEY:API_SECRET`), a secret that is the key again.
 * Messages never repeat a secret.
 *
 * @example
 * validateAppcuesConfig({ account_id: 'acme', api_key: 'ecf7f10a-3ece', api_secret: 'f7c6d033-0221' });
 * // [{ field: 'account_id', message: 'is "acme": give the Appcues account id, the number on the Studio account page (e.g. 12345)' }]
 */
export function validateAppcuesConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const account = text(config.account_id);
  if (typeof config.account_id === 'string' && !ACCOUNT_ID.test(account)) {
    problems.push({ field: 'account_id', message: `is ${JSON.stringify(account.slice(0, 40))}: give the Appcues account id, the number on the Studio account page (e.g. 12345)` });
  }
  for (const [field, what] of [['api_key', 'Appcues API key'], ['api_secret', 'Appcues API secret']] as const) {
    const value = config[field];
    if (typeof value !== 'string') continue;
    // White space alone passes the schema's minLength, and would send an empty Basic credential.
    if (value.trim() === '') {
      problems.push({ field, message: `is blank: give the ${what} as Studio showed it (Settings > API Keys)` });
      continue;
    }
    const pasted = pastedSecretProblem(field, value.trim(), what, { schemes: ['Basic', 'Bearer'], schemeHint: 'Signal sends the key and secret as HTTP Basic itself', spaceHint: 'as Studio showed it' });
    if (pasted) problems.push(pasted);
    // HTTP Basic ends the user name at the first colon: a key holding one is the curl form
    // API_KEY:API_SECRET pasted whole, and Appcues would read a wrong key and secret.
    else if (field === 'api_key' && value.includes(':')) problems.push({ field, message: 'holds a colon (the key and secret pasted together as API_KEY:API_SECRET?): give the API key alone here and its secret in api_secret' });
  }
  if (text(config.api_key) !== '' && text(config.api_key) === text(config.api_secret)) {
    problems.push({ field: 'api_secret', message: 'is the API key again: give the secret Studio showed with the key when it was created' });
  }
  return problems;
}

/** What the mapping, the requests and the deletions read from the config. */
export interface AppcuesOptions {
  accountId: string;
  apiKey: string;
  apiSecret: string;
  region: Region;
  sendPageViews: boolean;
  sendContactInfo: boolean;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ account_id: ' 12345 ', api_key: 'k', api_secret: 's' });
 * // { accountId: '12345', apiKey: 'k', apiSecret: 's', region: 'us', sendPageViews: false, sendContactInfo: false }
 */
export function optionsOf(config: Record<string, JsonValue>): AppcuesOptions {
  return {
    accountId: text(config.account_id),
    apiKey: text(config.api_key),
    apiSecret: text(config.api_secret),
    region: config.region === 'eu' ? 'eu' : 'us',
    sendPageViews: config.send_page_views === true,
    sendContactInfo: config.send_contact_info === true,
  };
}
