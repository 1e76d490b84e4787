// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateZendeskConfig), and the settings the requests, the answers and the
// deletions read from it. A Zendesk account is reached at its own subdomain
// (`https://{subdomain}.zendesk.com`, Zendesk API reference: "Introduction"), so there is no
// region to choose: the subdomain is where the account lives.
import { pastedSecretProblem, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A Zendesk subdomain: letters, digits and hyphens (what Zendesk lets an account choose). */
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Zendesk's name for its own events: the Events API refuses it as a custom source. */
const RESERVED_SOURCE = 'zendesk';

/** The Events API's longest `source` and `type` (40 characters each). */
export const MAX_SOURCE_CHARS = 40;

/** The integration's config as the catalog shows it; `validateZendeskConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['subdomain'],
  properties: {
    subdomain: {
      type: 'string', title: 'Subdomain',
      description: 'The account\'s Zendesk subdomain: "acme" for https://acme.zendesk.com. Every request goes to that host.',
      minLength: 1, maxLength: 63, examples: ['acme'],
    },
    email: {
      type: 'string', title: 'Agent Email',
      description: 'The email of the Zendesk agent or admin the API token acts as (sent as "{email}/token" in HTTP Basic authentication). An admin is needed to create and delete end users.',
      maxLength: 254, examples: ['admin@acme.example'],
    },
    api_token: {
      type: 'string', title: 'API Token', secret: true,
      description: 'A Zendesk API token (Admin Center > Apps and integrations > APIs > Zendesk API > Token access). Used with the agent email; leave empty when an OAuth access token is given instead.',
      maxLength: 256,
    },
    oauth_access_token: {
      type: 'string', title: 'OAuth Access Token', secret: true,
      description: 'Instead of the email and API token: an OAuth access token of a Zendesk OAuth client with the users:write (and read) scopes, sent as a Bearer token. A token without an expiry only: Signal does not renew Zendesk tokens.',
      maxLength: 512,
    },
    user_fields: {
      type: 'array', title: 'User Fields',
      description: 'Identify traits sent as the user\'s custom user fields, by key (Admin Center > People > Configuration > User fields, the field key). Each must exist in Zendesk: an unknown key is refused. Traits not listed are not sent.',
      items: { type: 'string', minLength: 1, maxLength: 100 }, uniqueItems: true, maxItems: 100, default: [], examples: [['plan', 'account_tier']],
    },
    bulk_users: {
      type: 'boolean', title: 'Bulk User Upserts',
      description: 'Upsert users 100 a request with Create Or Update Many Users (each job followed up). Zendesk refuses it (HTTP 403) until the account owner has Zendesk Customer Support enable bulk user imports: turn this off to upsert each user with its own Create Or Update User request instead.',
      default: true,
    },
    send_events: {
      type: 'boolean', title: 'Send Track Events',
      description: 'Send track events to the Events API (POST /api/v2/user_profiles/events), shown on the user\'s profile in the agent workspace. Zendesk offers the Events API on Suite Team and above, activated in the Admin Center; turn this off on other plans.',
      default: true,
    },
    event_source: {
      type: 'string', title: 'Event Source',
      description: 'The source of the events and of the profiles they are attached to (Zendesk: at most 40 characters, not "zendesk", which is Zendesk\'s own).',
      minLength: 1, maxLength: MAX_SOURCE_CHARS, default: 'signal', examples: ['signal'],
    },
    profile_type: {
      type: 'string', title: 'Profile Type',
      description: 'The type of the profiles the events are attached to (a name of your choice, such as customer or rider).',
      minLength: 1, maxLength: MAX_SOURCE_CHARS, default: 'customer', examples: ['customer'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Zendesk: the end user with the person\'s userId as external_id (or as email, for a userId that is an email) is deleted, then permanently deleted (GDPR). Agents and admins are never deleted.',
      default: true,
    },
  },
};

function text(config: Record<string, JsonValue>, key: string): string {
  const value = config[key];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The subdomain as configured, lower-cased, without a pasted `https://` or `.zendesk.com`.
 *
 * @example
 * subdomainOf({ subdomain: 'https://Acme.zendesk.com/' }); // 'acme'
 */
export function subdomainOf(config: Record<string, JsonValue>): string {
  return text(config, 'subdomain').toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '').replace(/\.zendesk\.com$/, '');
}

/**
 * The account's API origin, without a trailing slash. A subdomain that is none (validateConfig
 * refuses it; this guards a config that skipped it) throws rather than build a URL whose host is
 * not Zendesk's (`evil.example#` would make `https://evil.example#.zendesk.com`).
 *
 * @example
 * apiBaseOf({ subdomain: 'acme' }); // 'https://acme.zendesk.com'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  const sub = subdomainOf(config);
  if (!SUBDOMAIN.test(sub)) throw new Error('config.subdomain is not a Zendesk subdomain: give the part before .zendesk.com');
  return `https://${sub}.zendesk.com`;
}

/**
 * The Authorization header: Bearer with an OAuth access token, else HTTP Basic
 * `{email}/token:{api_token}` (Zendesk API reference: "Security and authentication").
 *
 * @example
 * authorizationOf({ email: 'a@b.co', api_token: 't' }); // 'Basic YUBiLmNvL3Rva2VuOnQ='
 */
export function authorizationOf(config: Record<string, JsonValue>): string {
  const oauth = text(config, 'oauth_access_token');
  if (oauth !== '') return `Bearer ${oauth}`;
  return `Basic ${Buffer.from(`${text(config, 'email')}/token:${text(config, 'api_token')}`, 'utf8').toString('base64')}`;
}

/**
 * Whether the config holds a credential: an OAuth token, or an email and an API token.
 *
 * @example
 * hasCredentials({ email: 'a@b.co', api_token: 't' }); // true
 */
export function hasCredentials(config: Record<string, JsonValue>): boolean {
  return text(config, 'oauth_access_token') !== '' || (text(config, 'email') !== '' && text(config, 'api_token') !== '');
}

/**
 * The headers of every request: the credential, JSON both ways (Zendesk asks for both).
 *
 * @example
 * headersOf({ oauth_access_token: 'x' }); // { authorization: 'Bearer x', accept: 'application/json', 'content-type': 'application/json' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { authorization: authorizationOf(config), accept: 'application/json', 'content-type': 'application/json' };
}

/**
 * Which config fields name the credential in use, for messages that say what to check.
 *
 * @example
 * credentialFields({ oauth_access_token: 'x' }); // 'config.oauth_access_token'
 */
export function credentialFields(config: Record<string, JsonValue>): string {
  return text(config, 'oauth_access_token') !== '' ? 'config.oauth_access_token' : 'config.email and config.api_token';
}

/**
 * The trait keys to send as user fields (config.user_fields), trimmed.
 *
 * @example
 * userFieldsOf({ user_fields: ['plan', ' tier '] }); // ['plan', 'tier']
 */
export function userFieldsOf(config: Record<string, JsonValue>): string[] {
  const list = config.user_fields;
  return Array.isArray(list) ? list.flatMap((k) => trimmedText(k) ?? []) : [];
}

/**
 * The events' and profiles' source and the profiles' type, with their defaults.
 *
 * @example
 * eventSourceOf({}); // { source: 'signal', type: 'customer' }
 */
export function eventSourceOf(config: Record<string, JsonValue>): { source: string; type: string } {
  return { source: text(config, 'event_source') || 'signal', type: text(config, 'profile_type') || 'customer' };
}

/**
 * Checks beyond the schema, each naming its field: a subdomain that is no Zendesk subdomain, a
 * credential missing or half given, a token with white space inside it (it travels in a
 * header; the message never repeats it), the reserved event source.
 *
 * @example
 * validateZendeskConfig({ subdomain: 'acme', email: 'a@b.co' });
 * // [{ field: 'api_token', message: 'is required with config.email (or give config.oauth_access_token instead)' }]
 */
export function validateZendeskConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sub = subdomainOf(config);
  if (!SUBDOMAIN.test(sub)) problems.push({ field: 'subdomain', message: `"${sub}" is not a Zendesk subdomain: give the part before .zendesk.com (letters, digits and hyphens), e.g. "acme" for https://acme.zendesk.com` });
  const email = text(config, 'email');
  const token = text(config, 'api_token');
  const oauth = text(config, 'oauth_access_token');
  if (oauth === '' && email === '' && token === '') problems.push({ field: 'api_token', message: 'a credential is required: config.email with config.api_token, or config.oauth_access_token' });
  if (oauth === '' && email !== '' && token === '') problems.push({ field: 'api_token', message: 'is required with config.email (or give config.oauth_access_token instead)' });
  if (oauth === '' && token !== '' && email === '') problems.push({ field: 'email', message: 'is required with config.api_token: the email of the agent the token acts as' });
  if (email !== '' && !/^[^\s@/]+@[^\s@/]+$/.test(email)) problems.push({ field: 'email', message: 'is not an email address (give the agent\'s email alone, without "/token")' });
  if (/\s/.test(token)) problems.push({ field: 'api_token', message: 'holds white space or a line break (copied with the text around it?): give the API token alone' });
  const pasted = pastedSecretProblem('oauth_access_token', oauth, 'access token', { schemeHint: 'the plugin adds the Bearer scheme' });
  if (pasted) problems.push(pasted);
  if (text(config, 'event_source').toLowerCase() === RESERVED_SOURCE) problems.push({ field: 'event_source', message: '"zendesk" is the source of Zendesk\'s own events, which the Events API refuses for others: choose another (e.g. signal)' });
  for (const key of userFieldsOf(config)) {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) problems.push({ field: 'user_fields', message: `"${key}" is not a Zendesk user field key (letters, digits, _ and -)` });
  }
  return problems;
}
