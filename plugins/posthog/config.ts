// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validatePostHogConfig), and the options the mapping reads from it.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { baseUrlProblem, DEFAULT_HOST, isCloud, isProxyPath } from './hosts.ts';

/** How events of visitors not identified yet are sent (posthog-js's `person_profiles`). */
export const PERSON_PROFILES = ['identified_only', 'always'] as const;
export type PersonProfiles = (typeof PERSON_PROFILES)[number];

/** Capture refuses a project API key longer than this (its `validate_token`). */
const MAX_PROJECT_KEY_CHARS = 64;

/** The integration's config as the catalog shows it; `validatePostHogConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'Project API Key',
      description: 'The project API key (project token), starting with phc_ (PostHog: Project settings > General > Project API key). It is public and write-only: the key the PostHog snippet puts in web pages. Not a personal API key (phx_).',
      minLength: 1, maxLength: MAX_PROJECT_KEY_CHARS, examples: ['phc_0123456789abcdefABCDEF0123456789abcdefABCDE'],
    },
    host: {
      type: 'string', title: 'Host',
      description: `PostHog's ingestion host: ${DEFAULT_HOST} (US Cloud, default), https://eu.i.posthog.com (EU Cloud), or your self-hosted instance's or reverse proxy's https:// address (a path prefix such as /ingest is kept). Not the app host you log in to (us.posthog.com).`,
      default: DEFAULT_HOST, examples: [DEFAULT_HOST, 'https://eu.i.posthog.com', 'https://posthog.example.com'],
    },
    person_profiles: {
      type: 'string', title: 'Person Profiles',
      description: 'identified_only (default, as PostHog\'s JavaScript SDK): events of visitors without a userId are sent as anonymous events ($process_person_profile: false), cheaper and without a person profile, until an identify links them; always: every event creates or updates a person profile.',
      enum: [...PERSON_PROFILES], enumLabels: ['Identified users only', 'Always'], default: 'identified_only',
    },
    historical_migration: {
      type: 'boolean', title: 'Historical Migration',
      description: 'Send every batch with historical_migration: true, PostHog\'s flag for imports of past data (processed in order, outside its spike detection). Only for an integration that replays history into PostHog; live events leave it off.',
      default: false,
    },
    personal_api_key: {
      type: 'string', title: 'Personal API Key (deletions only)', secret: true,
      description: 'Only to forward person deletions (deletePerson) to PostHog: a personal API key (phx_…, PostHog: Settings > User > Personal API keys) with the person:write scope (and person:read, used by instances older than PostHog\'s bulk deletion endpoint), limited to this project. Needs project_id.',
      minLength: 8, maxLength: 256,
    },
    project_id: {
      type: 'string', title: 'Project ID (deletions only)',
      description: 'The project\'s numeric ID (PostHog: Project settings > General > Project ID, or the number in the app\'s URL, /project/12345), with personal_api_key.',
      pattern: '^[0-9]{1,20}$', examples: ['12345'],
    },
    api_host: {
      type: 'string', title: 'Private API Host (deletions only)',
      description: 'Where person deletions go, PostHog\'s private API. Leave it out for PostHog Cloud (us.i.posthog.com → https://us.posthog.com, eu.i.posthog.com → https://eu.posthog.com) and for a self-hosted instance serving both APIs on one host; set it when host is a reverse proxy (the address you log in to PostHog at).',
      examples: ['https://us.posthog.com'],
    },
  },
};

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * Why a project API key cannot be one, or undefined. Capture itself refuses (401) a key that
 * is empty, over 64 characters, not ASCII or a personal API key; it takes any other text and
 * drops the events of a key no project has without saying so, so the key's kind is checked
 * here. White space around the key is no problem (the plugin sends the key trimmed, as capture
 * trims it); white space inside it is. The message never repeats the key.
 *
 * @example
 * projectKeyProblem('phx_abc…'); // 'is a personal API key (phx_…): …'
 */
export function projectKeyProblem(raw: string): string | undefined {
  const key = raw.trim();
  if (/\s/.test(key)) return 'holds white space or a line break (copied with the text around it?): give the project API key alone';
  if (/[^\x21-\x7e]/.test(key)) return 'holds characters that are not ASCII: PostHog refuses such a key (give the project API key, phc_…)';
  if (key.length > MAX_PROJECT_KEY_CHARS) return `is longer than ${MAX_PROJECT_KEY_CHARS} characters, which PostHog refuses: give the project API key (phc_…)`;
  if (key.startsWith('phx_')) return 'is a personal API key (phx_…), which PostHog\'s ingestion refuses: give the project API key (phc_…, Project settings > General > Project API key); a personal key goes in personal_api_key, for deletions';
  if (key.startsWith('phs_')) return 'is a project secret API key (phs_…), which is no ingestion key: give the project API key (phc_…, Project settings > General > Project API key)';
  return undefined;
}

/**
 * Why a personal API key cannot be one, or undefined; white space around it is no problem (it
 * is sent trimmed). The message never repeats the key.
 *
 * @example
 * personalKeyProblem('phc_…'); // 'is the project API key (phc_…): …'
 */
export function personalKeyProblem(raw: string): string | undefined {
  const key = raw.trim();
  if (/\s/.test(key)) return 'holds white space or a line break (copied with the text around it?): give the personal API key alone';
  if (key.startsWith('phc_')) return 'is the project API key (phc_…), which PostHog\'s private API refuses: give a personal API key (phx_…, Settings > User > Personal API keys) with the person:write scope';
  if (key.startsWith('phs_')) return 'is a project secret API key (phs_…), whose scopes do not include persons: give a personal API key (phx_…) with the person:write scope';
  return undefined;
}

/**
 * Checks beyond the JSON Schema: the project API key is one (not a personal or secret key,
 * no white space, at most 64 ASCII characters); `host` and `api_host` are https:// URLs of
 * public hosts, `host` PostHog's ingestion host rather than its app host; the personal API key
 * and the project ID come together; `api_host` goes with them, and is needed when `host` is a
 * reverse proxy's path.
 *
 * @example
 * validatePostHogConfig({ api_key: 'phx_0123456789' });
 * // [{ field: 'api_key', message: 'is a personal API key (phx_…), which PostHog\'s ingestion refuses: …' }]
 */
export function validatePostHogConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (given(config.api_key)) {
    const problem = projectKeyProblem(config.api_key);
    if (problem) problems.push({ field: 'api_key', message: problem });
  }
  if (given(config.host)) {
    const problem = baseUrlProblem(config.host, 'ingestion');
    if (problem) problems.push({ field: 'host', message: problem });
  }
  const personalKey = given(config.personal_api_key);
  const projectId = given(config.project_id);
  if (personalKey) {
    const problem = personalKeyProblem(String(config.personal_api_key));
    if (problem) problems.push({ field: 'personal_api_key', message: problem });
    if (given(config.api_key) && String(config.personal_api_key).trim() === config.api_key.trim()) problems.push({ field: 'personal_api_key', message: 'is the project API key again: deletions need a personal API key (phx_…)' });
  }
  if (personalKey && !projectId) problems.push({ field: 'project_id', message: 'is required with personal_api_key: PostHog\'s persons API is per project (Project settings > General > Project ID)' });
  if (projectId && !personalKey) problems.push({ field: 'personal_api_key', message: 'is required with project_id: deletions are forwarded with a personal API key (phx_…) that has the person:write scope; leave project_id out to forward none' });
  if (given(config.api_host)) {
    const problem = baseUrlProblem(config.api_host, 'private');
    if (problem) problems.push({ field: 'api_host', message: problem });
    else if (!personalKey) problems.push({ field: 'api_host', message: 'is only used for person deletions: set personal_api_key and project_id too, or leave api_host out' });
  } else if (personalKey && !isCloud(config) && isProxyPath(config)) {
    problems.push({ field: 'api_host', message: 'is required for deletions when host is a reverse proxy\'s path (which does not forward PostHog\'s private API): give the address you log in to PostHog at' });
  }
  return problems;
}

/** What the mapping reads from the config. */
export interface PostHogOptions {
  personProfiles: PersonProfiles;
}

/**
 * The mapping's options of an integration's config.
 *
 * @example
 * optionsOf({ person_profiles: 'always' }); // { personProfiles: 'always' }
 */
export function optionsOf(config: Record<string, JsonValue>): PostHogOptions {
  return { personProfiles: config.person_profiles === 'always' ? 'always' : 'identified_only' };
}
