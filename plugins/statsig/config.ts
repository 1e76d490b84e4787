// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateStatsigConfig), and the options the mapping reads from it.
import { configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { HOST_ORIGINS, HOSTS } from './hosts.ts';

/** Statsig's environment tiers (the StatsigUser's statsigEnvironment.tier). */
export const TIERS = ['production', 'staging', 'development'] as const;

/** A customID name: what Statsig's console shows as an ID type (letters, digits, _). */
const ID_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The integration's config as the catalog shows it; `validateStatsigConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['server_secret'],
  properties: {
    server_secret: {
      type: 'string', title: 'Server Secret Key', secret: true,
      description: 'The project\'s Server Secret Key (Statsig console: Settings > Keys & Environments; it starts with "secret-"), sent as the STATSIG-API-KEY header. A Client SDK key ("client-…") is not accepted here: it is meant to be public.',
      pattern: '^\\s*secret-\\S+\\s*$',
    },
    host: {
      type: 'string', title: 'Events Host',
      description: `Where POST /v1/log_event is sent: ${HOSTS.map((h) => `${h} (${HOST_ORIGINS[h]})`).join(' or ')}. Both are Statsig's documented servers for it; events (the host Statsig's SDKs log to) unless a network allow-list only has api.statsig.com.`,
      enum: [...HOSTS], enumLabels: ['Events API (events.statsigapi.net)', 'SDK API (api.statsig.com)'], default: 'events', examples: ['events', 'api'],
    },
    stable_id_name: {
      type: 'string', title: 'Customer ID Name of the Anonymous ID',
      description: 'The key of user.customIDs the visitor\'s anonymousId is sent under: stableID (default) — the ID type Statsig\'s client SDKs use for logged-out visitors — or an ID type you created in Statsig (Settings > ID Type Settings), such as segmentAnonymousId, which Statsig recommends for a CDP\'s anonymousId. stableID joins Statsig\'s experiments only if your Statsig client SDK uses the same id as its stable ID.',
      default: 'stableID', minLength: 1, maxLength: 64, examples: ['stableID', 'anonymousID'],
    },
    environment_tier: {
      type: 'string', title: 'Environment Tier',
      description: 'Optional: the environment the events belong to, sent as user.statsigEnvironment.tier (production, staging or development). Without it Statsig treats them as production.',
      enum: [...TIERS], enumLabels: ['Production', 'Staging', 'Development'], examples: ['production', 'staging'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Send person deletions to Statsig\'s User Data Deletion Requests API (POST https://api.statsig.com/v1/delete_user_data, unit type user_id), which Statsig offers on Enterprise contracts only. Off (default): deletions are not forwarded.',
      default: false, examples: [true, false],
    },
  },
};

/**
 * Checks beyond the JSON Schema: the key is one token and is the server secret (not a client
 * or console key); the customID name is one Statsig can take. Messages never repeat a key.
 *
 * @example
 * validateStatsigConfig({ server_secret: 'client-abc' });
 * // [{ field: 'server_secret', message: 'is a Client SDK key ("client-…"): give the Server Secret Key ("secret-…")' }]
 */
export function validateStatsigConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = configText(config, 'server_secret');
  if (key !== undefined) {
    if (/^client-/.test(key)) problems.push({ field: 'server_secret', message: 'is a Client SDK key ("client-…"): give the Server Secret Key ("secret-…", Settings > Keys & Environments)' });
    else if (/^console-/.test(key)) problems.push({ field: 'server_secret', message: 'is a Console API key ("console-…"): give the Server Secret Key ("secret-…", Settings > Keys & Environments)' });
    else if (/\s/.test(key)) problems.push({ field: 'server_secret', message: 'holds white space or a line break (copied with the text around it?): give the key alone' });
    else if (!/^secret-/.test(key)) problems.push({ field: 'server_secret', message: 'is not a Server Secret Key: Statsig\'s start with "secret-"' });
  }
  if (config.stable_id_name !== undefined && (typeof config.stable_id_name !== 'string' || !ID_NAME.test(config.stable_id_name.trim()))) {
    problems.push({ field: 'stable_id_name', message: 'is not an ID type name: a letter, then letters, digits or _ (e.g. stableID)' });
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface StatsigOptions {
  serverSecret: string;
  stableIdName: string;
  tier: string | undefined;
  forwardDeletions: boolean;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ server_secret: ' secret-1 ' });
 * // { serverSecret: 'secret-1', stableIdName: 'stableID', tier: undefined, forwardDeletions: false }
 */
export function optionsOf(config: Record<string, JsonValue>): StatsigOptions {
  const tier = typeof config.environment_tier === 'string' && (TIERS as readonly string[]).includes(config.environment_tier) ? config.environment_tier : undefined;
  const stableIdName = configText(config, 'stable_id_name');
  return {
    serverSecret: configText(config, 'server_secret') ?? '',
    stableIdName: stableIdName !== undefined && ID_NAME.test(stableIdName) ? stableIdName : 'stableID',
    tier,
    forwardDeletions: config.forward_deletions === true,
  };
}

/**
 * The headers of every request: the server secret as STATSIG-API-KEY.
 *
 * @example
 * authHeaders({ server_secret: 'secret-1' }); // { 'statsig-api-key': 'secret-1' }
 */
export function authHeaders(config: Record<string, JsonValue>): Record<string, string> {
  return { 'statsig-api-key': optionsOf(config).serverSecret };
}
