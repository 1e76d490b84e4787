// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateAlgoliaConfig), and the options the mapping reads from it.
import { configApiKey, configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { REGIONS } from './hosts.ts';

/** The kinds of event the blueprint sends, each under a configurable Algolia event name. */
export const EVENT_KINDS = ['product_clicked', 'product_viewed', 'product_added', 'order_completed', 'product_list_filtered', 'product_list_viewed'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The default event names: Segment's ecommerce spec's, which Algolia suggests following. */
export const DEFAULT_EVENT_NAMES: Record<EventKind, string> = {
  product_clicked: 'Product Clicked',
  product_viewed: 'Product Viewed',
  product_added: 'Product Added',
  order_completed: 'Order Completed',
  product_list_filtered: 'Product List Filtered',
  product_list_viewed: 'Product List Viewed',
};

/** Algolia's event name: 1 to 64 visible ASCII characters (its `[\x20-\x7E]{1,64}`). */
export const EVENT_NAME = /^[\x20-\x7E]{1,64}$/;

/**
 * The config field naming a kind's event name.
 *
 * @example
 * nameField('order_completed'); // 'order_completed_name'
 */
export const nameField = (kind: EventKind): string => `${kind}_name`;

const KIND_WORDS: Record<EventKind, string> = {
  product_clicked: 'Product Clicked (a click on a product)',
  product_viewed: 'Product Viewed (a view of a product)',
  product_added: 'Product Added (a conversion, eventSubtype addToCart)',
  order_completed: 'Order Completed (a conversion, eventSubtype purchase)',
  product_list_filtered: 'Product List Filtered (a click on facet filters)',
  product_list_viewed: 'Product List Viewed (a view of the listed products)',
};

function eventNameFields(): ConfigSchema['properties'] {
  return Object.fromEntries(EVENT_KINDS.map((kind) => [nameField(kind), {
    type: 'string', title: `Event Name: ${DEFAULT_EVENT_NAMES[kind]}`,
    description: `The eventName Algolia receives for ${KIND_WORDS[kind]}: up to 64 visible ASCII characters. It names the event in Algolia's dashboard (Events > Debugger) and groups it in Analytics.`,
    default: DEFAULT_EVENT_NAMES[kind], minLength: 1, maxLength: 64, examples: [DEFAULT_EVENT_NAMES[kind]],
  }]));
}

/** The integration's config as the catalog shows it; `validateAlgoliaConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['app_id', 'api_key'],
  properties: {
    app_id: {
      type: 'string', title: 'Application ID',
      description: 'Your Algolia application ID (Algolia dashboard: Settings > API Keys), sent as X-Algolia-Application-Id.',
      minLength: 1, maxLength: 64, examples: ['LATENCY123'],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An Algolia API key with the search ACL (the Search API key will do; Settings > API Keys), sent as X-Algolia-API-Key with the events. Person deletions use it too when there is no deletion_api_key, and then need it to have the deleteObject ACL.',
      minLength: 1, maxLength: 512,
    },
    deletion_api_key: {
      type: 'string', title: 'Deletion API Key', secret: true,
      description: 'Optional: an Algolia API key with the deleteObject ACL (Settings > API Keys: a key of its own, not the Search API key), for person deletions (DELETE /1/usertokens/{userToken}), which Algolia\'s API reference gives the deleteObject ACL. Without it, deletions are sent with api_key and Algolia refuses them unless that key has deleteObject.',
      minLength: 1, maxLength: 512,
    },
    region: {
      type: 'string', title: 'Analytics Region',
      description: 'Where the Insights API is called: auto (insights.algolia.io, routed by Algolia to the nearest region), us (insights.us.algolia.io) or de (insights.de.algolia.io). Choose your application\'s analytics region (Algolia dashboard: Settings > Applications) to keep events in it.',
      enum: [...REGIONS], enumLabels: ['Automatic (insights.algolia.io)', 'United States', 'Germany (EU)'], default: 'auto', examples: ['us', 'de'],
    },
    default_index: {
      type: 'string', title: 'Default Index',
      description: 'The Algolia index an event is about when it names none (properties.search_index or properties.index, as Algolia\'s Segment destination reads it). Events without either are not sent.',
      minLength: 1, maxLength: 512, examples: ['products'],
    },
    ...eventNameFields(),
  },
};

/**
 * Checks beyond the JSON Schema: the application ID and the API key hold no white space (a
 * copy with the text around it), and each event name is 1 to 64 visible ASCII characters, the
 * only names Algolia takes (a wrong one would have every batch carrying it refused).
 *
 * @example
 * validateAlgoliaConfig({ app_id: 'LATENCY123', api_key: 'k', order_completed_name: 'Commande réglée' });
 * // [{ field: 'order_completed_name', message: 'must be 1 to 64 visible ASCII characters (Algolia refuses other event names): Commande réglée' }]
 */
export function validateAlgoliaConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (/\s/.test(configText(config, 'app_id') ?? '')) problems.push({ field: 'app_id', message: 'holds white space (copied with the text around it?): give the application ID alone' });
  if (/\s/.test(configApiKey(config))) problems.push({ field: 'api_key', message: 'holds white space (copied with the text around it?): give the API key alone' });
  if (/\s/.test(configText(config, 'deletion_api_key') ?? '')) problems.push({ field: 'deletion_api_key', message: 'holds white space (copied with the text around it?): give the API key alone' });
  for (const kind of EVENT_KINDS) {
    const value = config[nameField(kind)];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !EVENT_NAME.test(value)) problems.push({ field: nameField(kind), message: `must be 1 to 64 visible ASCII characters (Algolia refuses other event names): ${String(value)}` });
  }
  return problems;
}

/** What the mapping reads from the config. */
export interface AlgoliaOptions {
  defaultIndex?: string;
  eventNames: Record<EventKind, string>;
}

/**
 * The mapping's options of an integration's config.
 *
 * @example
 * optionsOf({ default_index: 'products' }).eventNames.order_completed; // 'Order Completed'
 */
export function optionsOf(config: Record<string, JsonValue>): AlgoliaOptions {
  const eventNames = Object.fromEntries(EVENT_KINDS.map((kind) => {
    const value = config[nameField(kind)];
    return [kind, typeof value === 'string' && EVENT_NAME.test(value) ? value : DEFAULT_EVENT_NAMES[kind]];
  })) as Record<EventKind, string>;
  const defaultIndex = configText(config, 'default_index');
  return { ...(defaultIndex !== undefined ? { defaultIndex } : {}), eventNames };
}

/**
 * The credentials' headers, trimmed, as every Insights API request carries them: the events'
 * api_key, or for a person deletion (`forDeletion`) the deletion_api_key when there is one
 * (Algolia gives the deletion the deleteObject ACL, which the events' search key lacks).
 *
 * @example
 * authHeaders({ app_id: 'LATENCY123', api_key: 'k' });
 * // { 'x-algolia-application-id': 'LATENCY123', 'x-algolia-api-key': 'k' }
 * authHeaders({ app_id: 'LATENCY123', api_key: 'k', deletion_api_key: 'd' }, { forDeletion: true });
 * // { 'x-algolia-application-id': 'LATENCY123', 'x-algolia-api-key': 'd' }
 */
export function authHeaders(config: Record<string, JsonValue>, { forDeletion = false }: { forDeletion?: boolean } = {}): Record<string, string> {
  const key = forDeletion && configText(config, 'deletion_api_key') !== undefined ? config.deletion_api_key : config.api_key;
  return {
    'x-algolia-application-id': typeof config.app_id === 'string' ? config.app_id.trim() : '',
    'x-algolia-api-key': typeof key === 'string' ? key.trim() : '',
  };
}
