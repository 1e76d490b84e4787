// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateMoengageConfig), and the settings the requests read. MoEngage's
// Data APIs authenticate with HTTP Basic: the Workspace ID (earlier "App ID" / "DATA API ID")
// as the user name and the Data API key as the password (Settings > Account > APIs); the
// Workspace ID also names the workspace in each URL and in the MOE-APPKEY header.
import { configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { DATA_CENTER_ORIGINS, DATA_CENTER_REGIONS, DATA_CENTERS } from './hosts.ts';

/** The integration's config as the catalog shows it; `validateMoengageConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['workspace_id', 'data_api_key'],
  properties: {
    workspace_id: {
      type: 'string', title: 'Workspace ID',
      description: 'The MoEngage workspace\'s Workspace ID (earlier App ID or DATA API ID): Settings > Account > APIs > Workspace ID. It names the workspace in every request\'s URL and MOE-APPKEY header and is the user name of HTTP Basic auth.',
      pattern: '^\\s*[A-Za-z0-9_-]{4,64}\\s*$', examples: ['VJ0GSMESHMQA3L7WV1EEK3UR'],
    },
    data_api_key: {
      type: 'string', title: 'Data API Key', secret: true,
      description: 'The workspace\'s Data API key (Settings > Account > APIs > API Keys, the Data tile), the password of HTTP Basic auth. Not a Campaign or Push API key. Generating a new key makes MoEngage refuse the old one at once.',
      pattern: '^\\s*[\\x21-\\x7e]{8,256}\\s*$', minLength: 8, maxLength: 300,
    },
    data_center: {
      type: 'string', title: 'Data Center',
      description: `The workspace's data center, the number in your dashboard's address (dashboard-02.moengage.com is 02), whose REST API host every request goes to: ${DATA_CENTERS.map((dc) => `DC-${dc} (${[DATA_CENTER_ORIGINS[dc], DATA_CENTER_REGIONS[dc]].filter(Boolean).join(', ')})`).join(', ')}.`,
      enum: [...DATA_CENTERS], enumLabels: DATA_CENTERS.map((dc) => `DC-${dc} (${[`api-${dc}.moengage.com`, DATA_CENTER_REGIONS[dc]].filter(Boolean).join(', ')})`),
      default: '01', examples: ['01', '02'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to MoEngage\'s Delete User API with the same key: the user whose ID (customer_id) is the userId is hard-deleted after MoEngage\'s 24-hour buffer.',
      default: true, examples: [true],
    },
  },
};

/**
 * Checks beyond the JSON Schema, each naming its field: the Workspace ID and the key are one
 * token each (they travel in a URL and a header); the key is not the Workspace ID again (the
 * user name pasted twice). Messages never repeat the key.
 *
 * @example
 * validateMoengageConfig({ workspace_id: 'ABC123', data_api_key: 'ABC123' });
 * // [{ field: 'data_api_key', message: 'is the Workspace ID again: …' }]
 */
export function validateMoengageConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const workspaceId = configText(config, 'workspace_id');
  if (workspaceId !== undefined && /\s/.test(workspaceId)) {
    problems.push({ field: 'workspace_id', message: 'holds white space (copied with the text around it?): give the Workspace ID alone, as Settings > Account > APIs shows it' });
  }
  const key = configText(config, 'data_api_key');
  if (key !== undefined) {
    if (/\s/.test(key)) problems.push({ field: 'data_api_key', message: 'holds white space or a line break (copied with the text around it?): give the Data API key alone' });
    else if (key === workspaceId) {
      problems.push({ field: 'data_api_key', message: 'is the Workspace ID again: give the Data API key (Settings > Account > APIs > API Keys, the Data tile)' });
    }
  }
  return problems;
}

/** What the requests read from the config. */
export interface MoengageOptions {
  workspaceId: string;
  dataApiKey: string;
  forwardDeletions: boolean;
}

/**
 * The options of an integration's config, trimmed.
 *
 * @example
 * optionsOf({ workspace_id: ' W1 ', data_api_key: 'k' }); // { workspaceId: 'W1', dataApiKey: 'k', forwardDeletions: true }
 */
export function optionsOf(config: Record<string, JsonValue>): MoengageOptions {
  return {
    workspaceId: configText(config, 'workspace_id') ?? '',
    dataApiKey: configText(config, 'data_api_key') ?? '',
    forwardDeletions: config.forward_deletions !== false,
  };
}

/**
 * The Authorization header's value: HTTP Basic with the Workspace ID and the Data API key.
 *
 * @example
 * basicAuthOf({ workspace_id: 'W1', data_api_key: 'key12345' }); // 'Basic VzE6a2V5MTIzNDU='
 */
export function basicAuthOf(config: Record<string, JsonValue>): string {
  const { workspaceId, dataApiKey } = optionsOf(config);
  return `Basic ${Buffer.from(`${workspaceId}:${dataApiKey}`).toString('base64')}`;
}
