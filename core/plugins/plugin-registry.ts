import { pluginLabel } from '../sdk/define-plugin.ts';
import type { JsonValue, PluginDefinition } from '../sdk/types.ts';
import { PluginLoadError } from './plugin-errors.ts';
import type { RegisteredClickId } from '../collect/click-id-cookies.ts';

/** One plugin as the loader found it. */
export interface LoadedPlugin {
  definition: PluginDefinition;
  /** Where it came from: a folder or an npm package name, as plugin.config.ts names it. */
  source: string;
  /** The options plugin.config.ts gives it (`ctx.options`). */
  options: Record<string, JsonValue>;
  /** The folder of its entry module, when known (its logo is relative to it). */
  dir?: string;
}

/** The loaded plugins by id. */
export interface PluginRegistry {
  /** Every plugin, in plugin.config.ts order. */
  list(): PluginDefinition[];
  get(id: string): PluginDefinition | undefined;
  has(id: string): boolean;
  /** The options plugin.config.ts gives the plugin; undefined for an unknown id. */
  optionsFor(id: string): Record<string, JsonValue> | undefined;
  /** Where the plugin came from, as plugin.config.ts names it. */
  sourceOf(id: string): string | undefined;
  /** The union of every plugin's `cookies`: what collect copies into `context.cookies`. */
  cookieNames(): string[];
  /** Every plugin's `clickIds`, with its vendor: the cookies collect sets from landing page URLs. */
  clickIds(): RegisteredClickId[];
  /** Every plugin with its source, options and folder. */
  entries(): LoadedPlugin[];
}

/**
 * The loaded plugins by id: what the catalog lists, what the collect endpoint reads cookies
 * for, and what delivery resolves vendors through. Refuses a duplicate id
 * (`SIGNAL_PLUGIN_DUPLICATE_ID`), naming both sources.
 *
 * @example
 * const registry = createPluginRegistry([{ definition: webhook, source: './plugins/webhook', options: {} }]);
 * registry.get('webhook')?.name; // 'Custom Webhook'
 * registry.cookieNames();        // []
 */
export function createPluginRegistry(loaded: readonly LoadedPlugin[]): PluginRegistry {
  const byId = new Map<string, LoadedPlugin>();
  for (const entry of loaded) {
    const { id } = entry.definition;
    const existing = byId.get(id);
    if (existing) {
      throw new PluginLoadError('SIGNAL_PLUGIN_DUPLICATE_ID', `${pluginLabel(id, entry.source)}: id is already used by the plugin from ${existing.source}`, { pluginId: id, source: entry.source });
    }
    byId.set(id, entry);
  }
  const cookieNames = [...new Set([...byId.values()].flatMap((entry) => entry.definition.cookies ?? []))];
  const clickIds = [...byId.values()].flatMap((entry) => (entry.definition.clickIds ?? []).map((declared) => ({ ...declared, vendor: entry.definition.id })));
  return {
    list: () => [...byId.values()].map((entry) => entry.definition),
    get: (id) => byId.get(id)?.definition,
    has: (id) => byId.has(id),
    optionsFor: (id) => byId.get(id)?.options,
    sourceOf: (id) => byId.get(id)?.source,
    cookieNames: () => [...cookieNames],
    clickIds: () => clickIds,
    entries: () => [...byId.values()],
  };
}
