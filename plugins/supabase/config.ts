// The integration's config: where the rows go (the project's URL, the Data API's path under it,
// a schema and a table), the key Signal is known by (a secret key or the legacy service_role
// key), a switch for deletions, and the private networks Signal may reach a self-hosted
// Supabase or PostgREST on; the schema the catalog shows, and the checks the schema cannot make,
// each naming its field.
import { allowedPrivateTargets, configApiKey, configSwitchProblem, pastedSecretProblem, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The schema used when the config names none: every Supabase project exposes `public`. */
export const DEFAULT_SCHEMA = 'public';
/** The Data API's path on a Supabase project (hosted or self-hosted): its gateway routes PostgREST there. */
export const DEFAULT_API_PATH = '/rest/v1';

/** Schema and table names Signal writes to: a Postgres identifier of letters, digits, `_` and `$`, from a letter or `_`, at most 63 characters (Postgres cuts longer names). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** The table the rows go to, as the config names it. */
export interface TableRef {
  schema: string;
  table: string;
}

/**
 * The configured table (trimmed: a pasted name often carries a space or a line break).
 *
 * @example
 * tableOf({ table: 'events' }); // { schema: 'public', table: 'events' }
 */
export function tableOf(config: Record<string, JsonValue>): TableRef {
  return { schema: trimmedText(config.schema) ?? DEFAULT_SCHEMA, table: trimmedText(config.table) ?? '' };
}

/** The table for messages: `public.events`. */
export const tableName = (config: Record<string, JsonValue>): string => {
  const ref = tableOf(config);
  return `${ref.schema}.${ref.table}`;
};

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/** Supabase's new API keys (`sb_secret_…`, `sb_publishable_…`): not JWTs, they go in the `apikey` header only. */
const isSupabaseApiKey = (key: string): boolean => /^sb_[a-z]+_/.test(key);

/**
 * The path under the URL where the Data API answers, without a trailing slash: `/rest/v1`, or ''
 * for a PostgREST server at the root of its host.
 */
function apiPathOf(config: Record<string, JsonValue>): string {
  const path = trimmedText(config.api_path) ?? DEFAULT_API_PATH;
  return path.replace(/\/+$/, '');
}

/**
 * The Data API's base URL, without a trailing slash: the URL's origin and the API path. A project
 * URL pasted with the API path already on it (`…supabase.co/rest/v1`) is the same URL.
 *
 * @example
 * dataApiBase({ url: 'https://abcdefghijklmnopqrst.supabase.co' }); // 'https://abcdefghijklmnopqrst.supabase.co/rest/v1'
 * dataApiBase({ url: 'http://postgrest.internal:3000', api_path: '/' }); // 'http://postgrest.internal:3000'
 */
export function dataApiBase(config: Record<string, JsonValue>): string {
  return `${new URL(trimmedText(config.url) ?? '').origin}${apiPathOf(config)}`;
}

/**
 * The URL of the configured table: the Data API's base and the table's name (its own path
 * segment, percent-encoded as any; the config checks admit only identifier characters).
 *
 * @example
 * tableUrl({ url: 'https://abcdefghijklmnopqrst.supabase.co', table: 'events' }); // 'https://abcdefghijklmnopqrst.supabase.co/rest/v1/events'
 */
export function tableUrl(config: Record<string, JsonValue>): string {
  return `${dataApiBase(config)}/${encodeURIComponent(tableOf(config).table)}`;
}

/**
 * The headers that say who Signal is and which schema it writes to: the key in `apikey`, and
 * also as `Authorization: Bearer` when it is a JWT (the legacy service_role key, or a self-hosted
 * PostgREST's token: PostgREST reads the role from it) — a new `sb_secret_…` key is no JWT and
 * goes in `apikey` alone, Supabase's gateway then gives PostgREST the service_role's token. The
 * schema is always named (`Content-Profile`), so a project whose first exposed schema is not
 * `public` still writes where the config says.
 *
 * @example
 * authHeaders({ api_key: 'sb_secret_abc', schema: 'analytics' }); // { apikey: 'sb_secret_abc', 'content-profile': 'analytics' }
 */
export function authHeaders(config: Record<string, JsonValue>): Record<string, string> {
  const key = configApiKey(config);
  return {
    apikey: key,
    ...(isSupabaseApiKey(key) ? {} : { authorization: `Bearer ${key}` }),
    'content-profile': tableOf(config).schema,
  };
}

/** The `role` claim of a JWT's payload, or undefined when the value is no JWT (the signature is not checked: only Supabase can). */
function jwtRole(key: string): string | undefined {
  const parts = key.split('.');
  if (parts.length !== 3 || !/^eyJ/.test(parts[0]!)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && typeof (payload as { role?: unknown }).role === 'string' ? (payload as { role: string }).role : undefined;
  } catch {
    return undefined;
  }
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url', 'table', 'api_key'],
  properties: {
    url: {
      type: 'string', title: 'Project URL',
      description: 'The project\'s URL: Supabase dashboard > your project > Connect (or Project Settings > Data API), https://<project-ref>.supabase.co. A self-hosted Supabase: its public URL (API_EXTERNAL_URL); a plain PostgREST server: its origin, with API Path /. Plain http only to a host listed in allow_private_targets.',
      format: 'uri', minLength: 1, maxLength: 2048, examples: ['https://abcdefghijklmnopqrst.supabase.co'],
    },
    api_key: {
      type: 'string', title: 'Secret API Key', secret: true,
      description: 'A secret key (sb_secret_…, Project Settings > API Keys), or the legacy service_role key (a JWT): Signal writes past Row Level Security as a backend does. Not a publishable or anon key. A self-hosted PostgREST: a JWT whose role may insert into (and delete from) the table.',
      minLength: 1, maxLength: 4096, examples: ['sb_secret_conformance0000000000000000'],
    },
    schema: {
      type: 'string', title: 'Schema',
      description: 'The schema that holds the table (default: public). Another schema must be exposed to the Data API (Project Settings > Data API > Exposed schemas) and granted to service_role (see the plugin README).',
      default: DEFAULT_SCHEMA, minLength: 1, maxLength: 63, examples: ['public'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The table the events go to, one row each. Create it first with the CREATE TABLE statement of the plugin README (message_id its primary key, so a re-sent row is not inserted twice); Signal does not create or change tables.',
      minLength: 1, maxLength: 63, examples: ['events'],
    },
    api_path: {
      type: 'string', title: 'API Path',
      description: 'The Data API\'s path under the URL (default: /rest/v1, on every Supabase project, hosted or self-hosted). / for a plain PostgREST server answering at the root of its host.',
      default: DEFAULT_API_PATH, minLength: 1, maxLength: 200, examples: ['/rest/v1'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s rows when Signal is asked to forget them: one DELETE through the Data API of the rows whose user_id, anonymous_id or previous_id is one of the person\'s ids. On by default.',
      default: true,
    },
    allow_private_targets: privateTargetsField('a self-hosted Supabase or PostgREST server'),
  },
};

function nameProblem(value: JsonValue | undefined, what: string, example: string, required: boolean): string | undefined {
  if (value === undefined || value === null) return required ? `is required: the ${what} (e.g. ${example})` : undefined;
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '') return `is required: the ${what} (e.g. ${example})`;
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.includes('.')) return `is ${shown}: give the ${what} alone (e.g. ${example}); the schema goes in schema and the table in table`;
  if (!IDENTIFIER.test(name)) return `is ${shown}: the ${what} Signal writes to may hold letters, digits, _ and $, from a letter or _, at most 63 characters`;
  return undefined;
}

function urlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: the project\'s URL (e.g. https://abcdefghijklmnopqrst.supabase.co)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL, e.g. https://abcdefghijklmnopqrst.supabase.co`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: the key goes in api_key';
  const path = url.pathname.replace(/\/+$/, '');
  if ((path !== '' && path !== DEFAULT_API_PATH) || url.search !== '' || url.hash !== '') {
    return `must be the project's URL only (scheme, host and port), without a path or query: ${url.origin} — a Data API at another path goes in api_path`;
  }
  if (/\.supabase\.co$/i.test(url.hostname) && url.protocol !== 'https:') return 'must use https: Supabase projects answer over https only';
  return privateTargetProblem(url, allow, 'a server');
}

function apiPathProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const path = typeof value === 'string' ? value.trim() : '';
  if (!/^\/(?:[A-Za-z0-9._~-]+\/?)*$/.test(path)) return `is ${JSON.stringify(String(value).slice(0, 200))}: give a path from /, e.g. /rest/v1 (Supabase) or / (a PostgREST server at its host's root)`;
  return undefined;
}

/** Why the key cannot do what Signal needs, or cannot travel in its header; undefined when it looks right. */
function apiKeyProblem(value: JsonValue | undefined): string | undefined {
  const key = trimmedText(value);
  if (key === undefined) return 'is required: a secret key (sb_secret_…) or the legacy service_role key, from Project Settings > API Keys';
  const pasted = pastedSecretProblem('api_key', key, 'key', { schemeHint: 'Signal sends it in the apikey header (and as a Bearer token when it is a JWT)' });
  if (pasted !== undefined) return pasted.message;
  if (/[^\x21-\x7e]/.test(key)) return 'holds characters other than printable ASCII, which no Supabase key does: copy the key again from Project Settings > API Keys';
  if (key.startsWith('sb_publishable_')) return 'is a publishable key, which Row Level Security limits to what a browser may do: give a secret key (sb_secret_…, Project Settings > API Keys)';
  if (jwtRole(key) === 'anon') return 'is the legacy anon key (its role is anon), which Row Level Security limits to what a browser may do: give a secret key (sb_secret_…) or the legacy service_role key';
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a URL that is not an
 * origin (a path other than /rest/v1, credentials, http to a public host or to supabase.co) or
 * is a private address not allow-listed; a publishable or anon key, or a key pasted with
 * `Bearer `; a schema or table name with a dot (a pasted `public.events`) or characters Signal
 * does not write to; an API path that is no path; allow-list entries that are no host or range.
 *
 * @example
 * validateSupabaseConfig({ url: 'https://abcdefghijklmnopqrst.supabase.co', table: 'public.events', api_key: 'sb_secret_x' });
 * // [{ field: 'table', message: 'is "public.events": give the table alone (e.g. events); the schema goes in schema and the table in table' }]
 */
export function validateSupabaseConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...privateTargetsProblems(config, 'supabase.internal'));
  const checks: Array<[string, string | undefined]> = [
    ['url', urlProblem(config.url, allowedPrivateTargets(config))],
    ['api_key', apiKeyProblem(config.api_key)],
    ['schema', nameProblem(config.schema, 'schema', 'public', false)],
    ['table', nameProblem(config.table, 'table', 'events', true)],
    ['api_path', apiPathProblem(config.api_path)],
    ['forward_deletions', configSwitchProblem(config.forward_deletions)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  return problems;
}
