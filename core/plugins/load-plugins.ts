import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { validatePluginDefinition } from '../sdk/define-plugin.ts';
import type { JsonValue, PluginDefinition } from '../sdk/types.ts';
import { createPluginRegistry, type LoadedPlugin, type PluginRegistry } from './plugin-registry.ts';

/** One line of plugin.config.ts. */
export interface PluginEntry {
  /** A folder (`./plugins/webhook`, relative to plugin.config.ts) or an npm package name. */
  plugin: string;
  options?: Record<string, JsonValue>;
}

const CORE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function resolveSpecifier(entry: string, baseDir: string): string {
  if (entry.startsWith('.') || path.isAbsolute(entry)) {
    const target = path.resolve(baseDir, entry);
    const file = existsSync(target) && statSync(target).isDirectory()
      ? ['index.ts', 'index.js'].map((f) => path.join(target, f)).find((f) => existsSync(f))
      : target;
    if (!file || !existsSync(file)) throw new Error(`Plugin "${entry}": no index.ts or index.js in ${target}`);
    return pathToFileURL(file).href;
  }
  return entry; // an npm package name, resolved by Node from the project
}

/**
 * Checks one loaded module's definition: valid, and made for this core version.
 * Throws with the plugin and the field named.
 */
export function checkDefinition(value: unknown, source: string, coreVersion = CORE_VERSION): PluginDefinition {
  const problems = validatePluginDefinition(value);
  const label = typeof (value as { id?: unknown })?.id === 'string' ? `"${(value as { id: string }).id}" (${source})` : `"${source}"`;
  if (problems.length > 0) throw new Error(`Plugin ${label}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const def = value as PluginDefinition;
  if (!semver.satisfies(coreVersion, def.signal, { includePrerelease: true })) {
    throw new Error(`Plugin ${label}: signal range "${def.signal}" does not include this core's version ${coreVersion}`);
  }
  return def;
}

/**
 * Loads the plugins `plugin.config.ts` lists (its default export: an array of entries), checks
 * each definition and its core range, and refuses duplicate ids. Any problem stops start-up
 * with a message naming the plugin and the field.
 *
 * @example
 * const registry = await loadPlugins('/srv/signal/plugin.config.ts');
 */
export async function loadPlugins(configPath: string): Promise<PluginRegistry> {
  if (!existsSync(configPath)) throw new Error(`The plugin list ${configPath} does not exist (SIGNAL_PLUGIN_CONFIG)`);
  const module = (await import(pathToFileURL(configPath).href)) as { default?: unknown };
  const entries = module.default;
  if (!Array.isArray(entries)) throw new Error(`${configPath} must export default an array of { plugin, options? }`);
  const loaded: LoadedPlugin[] = [];
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || typeof (entry as PluginEntry).plugin !== 'string') {
      throw new Error(`${configPath}: entry ${index} must be { plugin: string, options?: object }`);
    }
    const { plugin, options } = entry as PluginEntry;
    let imported: { default?: unknown };
    try {
      imported = (await import(resolveSpecifier(plugin, path.dirname(configPath)))) as { default?: unknown };
    } catch (error) {
      throw new Error(`Plugin "${plugin}" could not be loaded: ${(error as Error).message}`, { cause: error });
    }
    loaded.push({ definition: checkDefinition(imported.default, plugin), source: plugin, options: options ?? {} });
  }
  return createPluginRegistry(loaded);
}
