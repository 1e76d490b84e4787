import type { JsonValue, PluginDefinition } from '../sdk/types.ts';

export interface LoadedPlugin {
  definition: PluginDefinition;
  /** Where it came from: a folder or an npm package name, as plugin.config.ts names it. */
  source: string;
  options: Record<string, JsonValue>;
}

/**
 * The loaded plugins by id: what the catalog lists, what the collect endpoint reads cookies
 * for, and what delivery resolves vendors through.
 *
 * @example
 * const registry = createPluginRegistry([{ definition: webhook, source: './plugins/webhook', options: {} }]);
 * registry.get('webhook');
 */
export function createPluginRegistry(loaded: LoadedPlugin[]) {
  const byId = new Map<string, LoadedPlugin>();
  for (const entry of loaded) {
    const existing = byId.get(entry.definition.id);
    if (existing) {
      throw new Error(`Plugin "${entry.definition.id}" (${entry.source}): id is already used by the plugin from ${existing.source}`);
    }
    byId.set(entry.definition.id, entry);
  }
  const cookieNames = [...new Set(loaded.flatMap((entry) => entry.definition.cookies ?? []))];
  return {
    list: (): PluginDefinition[] => [...byId.values()].map((entry) => entry.definition),
    get: (id: string): PluginDefinition | undefined => byId.get(id)?.definition,
    has: (id: string): boolean => byId.has(id),
    optionsFor: (id: string): Record<string, JsonValue> | undefined => byId.get(id)?.options,
    sourceOf: (id: string): string | undefined => byId.get(id)?.source,
    cookieNames: (): readonly string[] => cookieNames,
  };
}

export type PluginRegistry = ReturnType<typeof createPluginRegistry>;
