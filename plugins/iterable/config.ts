// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateIterableConfig), and the settings the mapping, the requests and
// the deletions read from it. Iterable's API keys belong to one project, and a project to one
// data center: a US key works on api.iterable.com only, an EDC (European) key on
// api.eu.iterable.com only (Iterable: API Keys).
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';

/** Iterable's data centers and the API base URL of each. */
export const REGIONS = {
  us: 'https://api.iterable.com',
  eu: 'https://api.eu.iterable.com',
} as const;
export type Region = keyof typeof REGIONS;

/**
 * How a project identifies its users, chosen when it was created and never changed (Iterable:
 * Project Types and Unique Identifiers): `hybrid` (email and userId, both unique, at least one
 * per user), `userid` (userId only), `email` (email only; userId is an ordinary field there).
 */
export const PROJECT_TYPES = ['hybrid', 'userid', 'email'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

/** What a forwarded person deletion does: Iterable's GDPR forget, or a plain deletion. */
export const DELETION_ACTIONS = ['forget', 'delete'] as const;
export type DeletionAction = (typeof DELETION_ACTIONS)[number];

/** The integration's config as the catalog shows it; `validateIterableConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key', 'project_type'],
  properties: {
    api_key: {
      type: 'string', title: 'Server-side API Key', secret: true,
      description: 'A Server-side API key of the Iterable project (Integrations > API Keys > New API key, type Server-side). Sent as the Api-Key header. JavaScript and Mobile keys cannot call the bulk endpoints; a key works only in its project\'s data center (see Region).',
      minLength: 8, maxLength: 256, examples: ['0123456789abcdef0123456789abcdef'],
    },
    project_type: {
      type: 'string', title: 'Project Type',
      description: 'How the project identifies users, as chosen when it was created (it cannot be changed): Hybrid (userId, else email), UserID-based (userId only: events without a userId are dead-lettered) or Email-based (email only: events without an email — traits.email, or context.traits.email Signal remembers from the identify — are dead-lettered). A wrong choice makes Iterable refuse every user.',
      enum: [...PROJECT_TYPES], enumLabels: ['Hybrid (userId, else email)', 'UserID-based', 'Email-based'],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'The project\'s data center: United States (api.iterable.com, app.iterable.com) or Europe (EDC: api.eu.iterable.com, app.eu.iterable.com). The key is refused in the other one.',
      enum: ['us', 'eu'], enumLabels: ['United States (api.iterable.com)', 'Europe (api.eu.iterable.com)'], default: 'us',
    },
    merge_nested_objects: {
      type: 'boolean', title: 'Merge Nested Objects',
      description: 'Identify traits that are objects (an address) merged into the profile\'s object of that name instead of replacing it (Iterable\'s mergeNestedObjects; its default is to replace).',
      default: false,
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123), so phoneNumber is sent in E.164 as Iterable\'s SMS needs. Without it such a number dead-letters the identify, saying so.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Iterable with the same key.',
      default: true,
    },
    deletion_action: {
      type: 'string', title: 'Deletion Action',
      description: 'What a forwarded deletion does: Forget (GDPR: Iterable deletes the user\'s data and collects nothing more about them until they are unforgotten; 1,000 a day per project) or Delete (the user and their data are deleted; data received later creates a new user).',
      enum: [...DELETION_ACTIONS], enumLabels: ['Forget the user (GDPR)', 'Delete the user'], default: 'forget',
    },
  },
};

/**
 * The config's region: `eu`, else the US (the schema accepts nothing else; absent is the default).
 *
 * @example
 * regionOf({ region: 'eu' }); // 'eu'
 * regionOf({});               // 'us'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  return config.region === 'eu' ? 'eu' : 'us';
}

/**
 * The API base URL of an integration's config, without a trailing slash.
 *
 * @example
 * apiBaseOf({ region: 'eu' }); // 'https://api.eu.iterable.com'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return REGIONS[regionOf(config)];
}

/**
 * The config's project type. The schema requires one of PROJECT_TYPES; a config without one
 * (a preview with a partial config) is taken as hybrid, the type that accepts either id.
 *
 * @example
 * projectTypeOf({ project_type: 'email' }); // 'email'
 */
export function projectTypeOf(config: Record<string, JsonValue>): ProjectType {
  const type = config.project_type;
  return typeof type === 'string' && (PROJECT_TYPES as readonly string[]).includes(type) ? (type as ProjectType) : 'hybrid';
}

/**
 * The config's deletion action: `delete` when chosen, else Iterable's GDPR forget.
 *
 * @example
 * deletionActionOf({ deletion_action: 'delete' }); // 'delete'
 */
export function deletionActionOf(config: Record<string, JsonValue>): DeletionAction {
  return config.deletion_action === 'delete' ? 'delete' : 'forget';
}

/**
 * Checks beyond the schema, each naming its field: an API key with white space or a line
 * break inside it (a paste error: it travels in a header), and an email-based project in
 * Iterable's European data center, which has none ("EDC support: No" for email-based
 * projects): the project type or the region is wrong. Messages never repeat the key.
 *
 * @example
 * validateIterableConfig({ api_key: 'abc def', project_type: 'email', region: 'eu' });
 * // [{ field: 'api_key', message: 'holds white space …' }, { field: 'project_type', message: 'is "email", and …' }]
 */
export function validateIterableConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string' && /\s/.test(config.api_key.trim())) {
    problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the Server-side API key alone' });
  }
  if (config.project_type === 'email' && config.region === 'eu') {
    problems.push({ field: 'project_type', message: 'is "email", and Iterable\'s European data center (EDC) has no email-based projects (they exist in the US data center only): choose the project\'s type, hybrid or userid, or set region to "us" if the project is at app.iterable.com' });
  }
  return problems;
}
