// The integration's config: the account's data center (which names both its accounts server,
// where access tokens are asked for, and its API domain), the self client's OAuth credentials,
// the module people become (Leads or Contacts), the traits → field map and what Last_Name falls
// back to; with the problems a JSON Schema cannot see, each naming its field.
//
// Why the data center is configured: Zoho's token answer names the API domain (`api_domain`),
// but the SDK's access token exchange carries the token alone (`IssuedAccessToken`), and the
// token itself must be asked for at the account's own accounts server — so the config names the
// data center, and both hosts follow from it (Zoho's "Multi DC" page).
import { configText, isJsonObject, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The API version in every request path: v8, the newest Zoho CRM documents. */
export const API_VERSION = 'v8';

/** Each data center's accounts server (OAuth) and API domain, as Zoho's Multi DC pages (CRM's and Accounts') list them. */
export const DATA_CENTERS = {
  us: { accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com', label: 'United States (zoho.com)' },
  eu: { accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu', label: 'Europe (zoho.eu)' },
  in: { accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in', label: 'India (zoho.in)' },
  au: { accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au', label: 'Australia (zoho.com.au)' },
  jp: { accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp', label: 'Japan (zoho.jp)' },
  ca: { accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca', label: 'Canada (zohocloud.ca)' },
  sa: { accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa', label: 'Saudi Arabia (zoho.sa)' },
  // Listed by Zoho Accounts' Multi DC page, not (yet) by Zoho CRM's: the API domain follows the
  // other data centers' pattern.
  uk: { accounts: 'https://accounts.zoho.uk', api: 'https://www.zohoapis.uk', label: 'United Kingdom (zoho.uk)' },
  cn: { accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn', label: 'China (zoho.com.cn)' },
} as const;
export type DataCenter = keyof typeof DATA_CENTERS;
const DATA_CENTER_KEYS = Object.keys(DATA_CENTERS) as DataCenter[];

/** The modules a person may become. */
export const MODULES = ['Leads', 'Contacts'] as const;
export type ZohoModule = (typeof MODULES)[number];

/** What Last_Name gets when a record is created without one (see `last_name_fallback`). */
export const LAST_NAME_FALLBACKS = ['email_local_part', 'placeholder', 'none'] as const;
export type LastNameFallback = (typeof LAST_NAME_FALLBACKS)[number];

/** The placeholder written to a required field a creation lacks, unless the config says otherwise. */
export const DEFAULT_PLACEHOLDER = '[not provided]';

/**
 * A field's API name as Zoho forms them: a letter, then letters, digits and underscores
 * (`Last_Name`, `Lead_Source`, a custom `Plan__c` or `Signal_Plan`), at most 100 characters.
 */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** Keys that would reach an object's prototype when a trait path is read. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);
/** Fields Signal never writes from the field map: the record id, and the key it upserts by. */
const RESERVED_FIELDS: ReadonlySet<string> = new Set(['id', 'email']);

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['client_id', 'client_secret', 'refresh_token'],
  additionalProperties: false,
  properties: {
    data_center: {
      type: 'string', title: 'Data Center',
      description: 'Where your Zoho account lives — the domain of the address you sign in at (crm.zoho.com, crm.zoho.eu, …). Signal asks the data center\'s accounts server for access tokens (https://accounts.zoho.eu/oauth/v2/token for eu) and sends every API request to its API domain (https://www.zohoapis.eu/crm/v8/ for eu).',
      enum: [...DATA_CENTER_KEYS], enumLabels: DATA_CENTER_KEYS.map((key) => DATA_CENTERS[key].label), default: 'us',
    },
    client_id: {
      type: 'string', title: 'Client ID',
      description: 'The Client ID of a Self Client (or server-based client) in the Zoho API Console (api-console.zoho.com) of the data center, e.g. 1000.ABC…',
      minLength: 1, maxLength: 200, examples: ['1000.GMB0YULZHJK411248S8I5GZ4CHUEX0'],
    },
    client_secret: {
      type: 'string', title: 'Client Secret', secret: true,
      description: 'The Client Secret of the same client.',
      minLength: 1, maxLength: 200, examples: ['122c324d3496d5d777ceeebc129470715fbb856b7'],
    },
    refresh_token: {
      type: 'string', title: 'Refresh Token', secret: true,
      description: 'A refresh token of the client, generated with the scopes ZohoCRM.modules.leads.ALL (or ZohoCRM.modules.contacts.ALL) and ZohoSearch.securesearch.READ (for person deletions): in the API Console, Self Client > Generate Code with those scopes, then exchange the code at https://accounts.zoho.<dc>/oauth/v2/token (grant_type=authorization_code) and paste the refresh_token of the answer. Signal exchanges it for access tokens, which last an hour.',
      minLength: 1, maxLength: 500, examples: ['1000.8ecd00ed4e1e9d3d1ab7c8a6e2d42f86.5ee6e3d0b2c9f2f7ef77b0d2c7d9d1f1'],
    },
    module: {
      type: 'string', title: 'Module',
      description: 'What an identified person becomes in Zoho CRM: a Lead or a Contact. Either is upserted by its Email (Zoho\'s system-defined duplicate check field of both).',
      enum: [...MODULES], enumLabels: ['Leads', 'Contacts'], default: 'Leads',
    },
    field_map: {
      type: 'object', title: 'Traits to Fields',
      description: 'Traits (paths, e.g. plan or address.region) → the API name of the field that receives them (Setup > Developer Hub > APIs and SDKs > API Names), on top of (and over) the standard fields: firstName → First_Name, lastName → Last_Name, phone → Phone, mobilePhone → Mobile, title → Designation, company → Company (Leads), website → Website (Leads), address.street/city/state/postalCode/country → Street, City, State, Zip_Code, Country (Leads) or Mailing_Street, Mailing_City, Mailing_State, Mailing_Zip, Mailing_Country (Contacts).',
      additionalProperties: { type: 'string', pattern: FIELD_NAME.source },
      examples: [{ plan: 'Plan', 'address.region': 'Region', industry: 'Industry' }],
    },
    last_name_fallback: {
      type: 'string', title: 'Last Name When None Is Given',
      description: 'Zoho CRM requires Last_Name to create a Lead or Contact. When an identify gives none (lastName, or the last word of name) and Zoho answers that a new record needs it, the record is sent again with: email_local_part — the email\'s part before the @ ("jane.doe" for jane.doe@example.com); placeholder — config.placeholder; none — nothing (such identifies are dead-lettered with Zoho\'s MANDATORY_NOT_FOUND). An existing record is never given the fallback: it is sent only after Zoho says a creation lacks the field.',
      enum: [...LAST_NAME_FALLBACKS], enumLabels: ['The email\'s local part', 'The placeholder', 'None'], default: 'email_local_part',
    },
    placeholder: {
      type: 'string', title: 'Placeholder for Required Fields',
      description: `What a creation gets in a required field the identify does not give — Company, when your Leads layout makes it mandatory, and Last_Name with last_name_fallback placeholder: "${DEFAULT_PLACEHOLDER}" by default. Empty: no placeholder (those identifies are dead-lettered with MANDATORY_NOT_FOUND).`,
      maxLength: 80, default: DEFAULT_PLACEHOLDER, examples: [DEFAULT_PLACEHOLDER],
    },
    trigger_workflows: {
      type: 'boolean', title: 'Run Workflows',
      description: 'Let Zoho run the module\'s workflow rules, approvals and blueprints on the records Signal upserts (Zoho\'s default). Off: the upsert asks Zoho to run none of them (trigger: []).',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Delete the person\'s records in Zoho CRM when Signal deletes a person (deletePerson): for each email address of the person (an email userId, and the emails Signal found for them) the module\'s records are searched by email, and those whose Email is that address deleted (Zoho keeps deleted records in its Recycle Bin for 60 days). Off by default: a CRM record is also your sales team\'s.',
      default: false,
    },
  },
};

/** The config's data center (us when unset or unknown: the schema refuses unknown ones). */
export function dataCenterOf(config: Record<string, JsonValue>): DataCenter {
  const value = config.data_center;
  return typeof value === 'string' && (DATA_CENTER_KEYS as string[]).includes(value) ? value as DataCenter : 'us';
}

/**
 * The token endpoint of the account's accounts server.
 *
 * @example
 * tokenUrlOf({ data_center: 'eu' }); // 'https://accounts.zoho.eu/oauth/v2/token'
 */
export function tokenUrlOf(config: Record<string, JsonValue>): string {
  return `${DATA_CENTERS[dataCenterOf(config)].accounts}/oauth/v2/token`;
}

/**
 * The CRM API base on the data center's API domain.
 *
 * @example
 * apiBaseOf({ data_center: 'in' }); // 'https://www.zohoapis.in/crm/v8'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return `${DATA_CENTERS[dataCenterOf(config)].api}/crm/${API_VERSION}`;
}

/** The module people become. */
export function moduleOf(config: Record<string, JsonValue>): ZohoModule {
  return config.module === 'Contacts' ? 'Contacts' : 'Leads';
}

/** What Last_Name falls back to. */
export function lastNameFallbackOf(config: Record<string, JsonValue>): LastNameFallback {
  const value = config.last_name_fallback;
  return typeof value === 'string' && (LAST_NAME_FALLBACKS as readonly string[]).includes(value) ? value as LastNameFallback : 'email_local_part';
}

/** The placeholder, or undefined when the config turns it off (empty). */
export function placeholderOf(config: Record<string, JsonValue>): string | undefined {
  if (config.placeholder === undefined || config.placeholder === null) return DEFAULT_PLACEHOLDER;
  return configText(config, 'placeholder');
}

/** The trait paths and the fields they go to, as the config maps them (only well-formed pairs). */
export function fieldMapOf(config: Record<string, JsonValue>): Array<[string, string]> {
  if (!isJsonObject(config.field_map)) return [];
  return Object.entries(config.field_map).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && FIELD_NAME.test(pair[1]) && pathOk(pair[0]));
}

/** Whether the config carries what its token exchange needs. */
export function hasCredentials(config: Record<string, JsonValue>): boolean {
  return configText(config, 'client_id') !== undefined && configText(config, 'client_secret') !== undefined && configText(config, 'refresh_token') !== undefined;
}

function pathOk(path: string): boolean {
  const parts = path.split('.');
  return path.trim() === path && parts.every((part) => part !== '' && !UNSAFE_KEYS.has(part));
}

/**
 * The problems a schema cannot see, each naming its field: a credential pasted with white space
 * or a scheme, a grant code pasted as the refresh token, a trait path that is no path, two traits
 * mapped to one field, a trait mapped to the record id or to Email (the key Signal upserts by).
 *
 * @example
 * validateZohoCrmConfig({ client_id: '1000.X', client_secret: 's', refresh_token: 'r', field_map: { a: 'Plan', b: 'plan' } });
 * // [{ field: 'field_map', message: 'traits a and b both map to the field plan' }]
 */
export function validateZohoCrmConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, label] of [['client_secret', 'Zoho client secret'], ['refresh_token', 'Zoho refresh token']] as const) {
    const value = config[field];
    if (typeof value !== 'string') continue;
    const pasted = pastedSecretProblem(field, value.trim(), label, { schemeHint: 'Signal sends it to the accounts server itself', spaceHint: 'as the API Console or the token answer shows it' });
    if (pasted) problems.push(pasted);
  }
  const clientId = configText(config, 'client_id');
  if (clientId !== undefined && /\s/.test(clientId)) problems.push({ field: 'client_id', message: 'holds white space: paste the Client ID alone, as the Zoho API Console shows it (1000.…)' });
  if (isJsonObject(config.field_map)) {
    const targets = new Map<string, string>();
    for (const [path, field] of Object.entries(config.field_map)) {
      if (!pathOk(path)) problems.push({ field: 'field_map', message: `trait path ${JSON.stringify(path)} is not a path (trait names joined by dots, no white space around)` });
      if (typeof field !== 'string') continue;
      const key = field.toLowerCase();
      const seen = targets.get(key);
      if (seen !== undefined) problems.push({ field: 'field_map', message: `traits ${seen} and ${path} both map to the field ${field}` });
      targets.set(key, path);
      if (RESERVED_FIELDS.has(key)) {
        problems.push({ field: 'field_map', message: key === 'id' ? `trait ${path} maps to id, the record id Zoho assigns` : `trait ${path} maps to Email, which Signal fills from the identify's email and upserts records by` });
      }
    }
  }
  return problems;
}
