// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateHeapConfig), and the options the mapping reads from it.
import { configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { DATA_CENTERS } from './hosts.ts';

/** How events of visitors without a userId are sent. */
export const ANONYMOUS_VISITORS = ['skip', 'heap_user_id'] as const;
export type AnonymousVisitors = (typeof ANONYMOUS_VISITORS)[number];

/** The integration's config as the catalog shows it; `validateHeapConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['app_id'],
  properties: {
    app_id: {
      type: 'string', title: 'App ID (Environment ID)',
      description: 'The ID of the Heap environment the events go to, digits only (Heap: Account > Manage > Projects, the environment\'s ID). It is public: Heap\'s snippet puts it in web pages. To forward person deletions too, it must be the Main Production environment\'s ID.',
      pattern: '^\\s*[0-9]{1,20}\\s*$', examples: ['1234567890'],
    },
    data_center: {
      type: 'string', title: 'Data Center',
      description: 'Where the Heap account\'s data lives: us (https://heapanalytics.com, default) or eu (https://c.eu.heap-api.com). Events sent to the other data center are not stored in your account.',
      enum: [...DATA_CENTERS], enumLabels: ['United States (heapanalytics.com)', 'European Union (c.eu.heap-api.com)'], default: 'us', examples: ['us', 'eu'],
    },
    anonymous_visitors: {
      type: 'string', title: 'Visitors Without a User ID',
      description: 'skip (default): only events with a userId (Heap\'s identity) are sent, or with a Heap SDK user_id the blueprint maps; the others are dropped. heap_user_id: events of visitors without a userId go to an anonymous Heap user whose user_id Signal derives from the anonymousId, merged into the identified user when an identify names both ids. Heap documents user_id as the id its own SDK issued: whether it keeps ids it never issued is not documented, so this is opt-in.',
      enum: [...ANONYMOUS_VISITORS], enumLabels: ['Skip them', 'Anonymous Heap user per visitor (derived user_id)'], default: 'skip', examples: ['skip', 'heap_user_id'],
    },
    api_key: {
      type: 'string', title: 'API Key (deletions only)', secret: true,
      description: 'Only to forward person deletions (deletePerson) to Heap\'s User Deletion API: the account\'s API key (Heap: Account > Manage > Privacy & Security > Use the API; admins generate it). Signal exchanges it, with app_id, for a short-lived token. app_id must then be the Main Production environment\'s ID.',
      minLength: 8, maxLength: 256, examples: ['0123456789abcdef0123456789abcdef'],
    },
  },
};

/**
 * Checks beyond the JSON Schema: app_id is the environment's numeric ID (not the API key nor
 * an app's name), the API key is one key without white space and is not the app ID again.
 * The messages never repeat the key.
 *
 * @example
 * validateHeapConfig({ app_id: '1234567890', api_key: '1234567890' });
 * // [{ field: 'api_key', message: 'is the app ID again: …' }]
 */
export function validateHeapConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const appId = configText(config, 'app_id');
  if (appId !== undefined && !/^[0-9]{1,20}$/.test(appId)) {
    problems.push({ field: 'app_id', message: 'must be the Heap environment\'s ID, digits only (Account > Manage > Projects), e.g. 1234567890' });
  }
  const key = configText(config, 'api_key');
  if (key !== undefined) {
    if (/\s/.test(key)) problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' });
    else if (/[^\x21-\x7e]/.test(key)) problems.push({ field: 'api_key', message: 'holds characters that are not ASCII: give the API key as Heap shows it (Account > Manage > Privacy & Security)' });
    else if (key === appId) problems.push({ field: 'api_key', message: 'is the app ID again: give the API key Heap generated (Account > Manage > Privacy & Security > Use the API)' });
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface HeapOptions {
  appId: string;
  anonymousVisitors: AnonymousVisitors;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ app_id: ' 123 ' }); // { appId: '123', anonymousVisitors: 'skip' }
 */
export function optionsOf(config: Record<string, JsonValue>): HeapOptions {
  return {
    appId: typeof config.app_id === 'string' ? config.app_id.trim() : String(config.app_id ?? ''),
    // Skipped unless asked: Heap documents user_id as its SDK's, not one a gateway derives.
    anonymousVisitors: config.anonymous_visitors === 'heap_user_id' ? 'heap_user_id' : 'skip',
  };
}
