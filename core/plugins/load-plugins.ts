import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { deepFreeze, PluginDefinitionError, pluginLabel } from '../sdk/define-plugin.ts';
import type { JsonValue, PluginDefinition } from '../sdk/types.ts';
import { validatePluginDefinition, type DefinitionProblem } from '../sdk/validate-plugin-definition.ts';
import { PluginLoadError } from './plugin-errors.ts';
import { createPluginRegistry, type LoadedPlugin, type PluginRegistry } from './plugin-registry.ts';

/** One line of plugin.config.ts. */
export interface PluginEntry {
  /** A folder (`./plugins/webhook`, relative to plugin.config.ts; its `index.ts`) or an npm package name. */
  plugin: string;
  /** Handed to the plugin's functions as `ctx.options` (JSON values only). */
  options?: Record<string, JsonValue>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** plugin.config.ts at the project root. */
export const DEFAULT_PLUGIN_CONFIG = path.join(PROJECT_ROOT, 'plugin.config.ts');

/** The core's version (`version` in package.json), read once: what `signal` ranges are checked against. */
export const CORE_VERSION: string = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface LoadOptions {
  /** The version `signal` ranges are checked against (default: the core's). */
  coreVersion?: string;
}

/** A module a plugin.config.ts entry points at. */
export interface ResolvedPlugin {
  /** What `import()` takes: a file URL, or the package name. */
  specifier: string;
  /** Folders where the plugin's files (its logo) may be: the entry's folder, then its package root. */
  dirs: string[];
}

const ENTRY_FILES = ['index.ts', 'index.js', 'index.mjs'];

function isLocal(entry: string): boolean {
  return entry.startsWith('.') || path.isAbsolute(entry);
}

function packageRoot(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds the module of a plugin.config.ts entry: a local folder (its `index.ts`, `index.js` or
 * `index.mjs`) or file, relative to `baseDir`; or an npm package, resolved from the project.
 * Throws `SIGNAL_PLUGIN_NOT_FOUND` naming the entry.
 *
 * @example
 * resolvePlugin('./plugins/webhook', '/srv/signal'); // { specifier: 'file:///srv/signal/plugins/webhook/index.ts', dirs: [...] }
 */
export function resolvePlugin(entry: string, baseDir: string): ResolvedPlugin {
  if (isLocal(entry)) {
    const target = path.resolve(baseDir, entry);
    const file = existsSync(target) && statSync(target).isDirectory() ? ENTRY_FILES.map((f) => path.join(target, f)).find((f) => existsSync(f)) : target;
    if (!file || !existsSync(file)) {
      const message = existsSync(target) ? `no ${ENTRY_FILES.join(', ')} in ${target}` : `${target} does not exist`;
      throw new PluginLoadError('SIGNAL_PLUGIN_NOT_FOUND', `Plugin "${entry}": ${message}`, { source: entry });
    }
    return { specifier: pathToFileURL(file).href, dirs: [path.dirname(file)] };
  }
  let resolved: string;
  try {
    resolved = import.meta.resolve(entry);
  } catch (error) {
    throw new PluginLoadError('SIGNAL_PLUGIN_NOT_FOUND', `Plugin "${entry}": no such package is installed (npm install ${entry})`, { source: entry, cause: error });
  }
  if (!resolved.startsWith('file:')) return { specifier: resolved, dirs: [] };
  const file = fileURLToPath(resolved);
  const root = packageRoot(file);
  return { specifier: resolved, dirs: [...new Set([path.dirname(file), ...(root ? [root] : [])])] };
}

/**
 * Checks one loaded module's definition as the loader does: valid (the SDK's rules), its
 * `signal` range includes this core's version, and its logo file exists when `dirs` are
 * known. Throws `PluginDefinitionError` or `PluginLoadError` naming the plugin, its source
 * and the field.
 *
 * @example
 * const plugin = checkDefinition((await import('./plugins/acme/index.ts')).default, './plugins/acme');
 */
export function checkDefinition(value: unknown, source: string, options: LoadOptions & { dirs?: readonly string[] } = {}): PluginDefinition {
  const problems: DefinitionProblem[] = validatePluginDefinition(value, source);
  const def = value as PluginDefinition;
  const dirs = options.dirs ?? [];
  if (problems.length === 0 && dirs.length > 0 && !/^https:\/\//.test(def.logo) && !dirs.some((dir) => existsSync(path.join(dir, def.logo)))) {
    problems.push({ plugin: def.id, source, field: 'logo', message: `names ${def.logo}, which is not in ${dirs[0]}` });
  }
  if (problems.length > 0) throw new PluginDefinitionError(problems[0]!.plugin, problems, source);
  const coreVersion = options.coreVersion ?? CORE_VERSION;
  if (!semver.satisfies(coreVersion, def.signal, { includePrerelease: true })) {
    throw new PluginLoadError('SIGNAL_PLUGIN_VERSION_MISMATCH', `${pluginLabel(def.id, source)}: signal range "${def.signal}" does not include this core's version ${coreVersion}`, { pluginId: def.id, source });
  }
  return def;
}

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  }
  return false;
}

/**
 * Loads plugin entries (what plugin.config.ts lists) relative to `baseDir`: imports each,
 * checks it (`checkDefinition`) and builds the registry, refusing duplicate ids. `label`
 * names the list in errors.
 *
 * @example
 * const registry = await loadPluginEntries([{ plugin: './plugins/webhook' }], '/srv/signal');
 */
export async function loadPluginEntries(entries: unknown, baseDir: string, options: LoadOptions & { label?: string } = {}): Promise<PluginRegistry> {
  const label = options.label ?? 'plugin list';
  if (!Array.isArray(entries)) {
    throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_INVALID', `${label} must export default an array of { plugin, options? }`);
  }
  const loaded: LoadedPlugin[] = [];
  for (const [index, entry] of entries.entries()) {
    const candidate = entry as Partial<PluginEntry> | null;
    if (typeof candidate !== 'object' || candidate === null || typeof candidate.plugin !== 'string' || candidate.plugin.trim() === '') {
      throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_INVALID', `${label}: entry ${index} must be { plugin: string, options?: object }`);
    }
    const source = candidate.plugin;
    for (const key of Object.keys(candidate)) {
      if (key !== 'plugin' && key !== 'options') throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_INVALID', `${label}: entry ${index} (${source}) has an unknown key "${key}" (plugin, options)`, { source });
    }
    const pluginOptions = candidate.options ?? {};
    if (typeof pluginOptions !== 'object' || pluginOptions === null || Array.isArray(pluginOptions) || !isJsonValue(pluginOptions)) {
      throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_INVALID', `${label}: entry ${index} (${source}): options must be an object of JSON values`, { source });
    }
    const resolved = resolvePlugin(source, baseDir);
    let imported: { default?: unknown };
    try {
      imported = (await import(resolved.specifier)) as { default?: unknown };
    } catch (error) {
      if (error instanceof PluginDefinitionError) throw new PluginDefinitionError(error.pluginId, error.problems, source);
      throw new PluginLoadError('SIGNAL_PLUGIN_IMPORT_FAILED', `Plugin "${source}" could not be imported: ${(error as Error).message}`, { source, cause: error });
    }
    const definition = checkDefinition(imported.default, source, { ...options, dirs: resolved.dirs });
    loaded.push({ definition, source, options: deepFreeze(structuredClone(pluginOptions)), ...(resolved.dirs[0] ? { dir: resolved.dirs[0] } : {}) });
  }
  return createPluginRegistry(loaded);
}

/**
 * Loads the plugins `plugin.config.ts` lists (its default export: an array of
 * `{ plugin, options? }`), checks each definition, its core range and its logo, and refuses
 * duplicate ids. Any problem stops start-up with an error whose `code` is stable and whose
 * message names the plugin and the field, e.g.
 * `Plugin "acme" (./plugins/acme): batch.maxEvents must be a positive integer (got 0)`.
 *
 * @example
 * const registry = await loadPlugins();                         // the project's plugin.config.ts
 * const other = await loadPlugins('/srv/signal/plugin.config.ts');
 */
export async function loadPlugins(configPath: string = DEFAULT_PLUGIN_CONFIG, options: LoadOptions = {}): Promise<PluginRegistry> {
  if (!existsSync(configPath)) throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_NOT_FOUND', `The plugin list ${configPath} does not exist (SIGNAL_PLUGIN_CONFIG)`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(configPath).href)) as { default?: unknown };
  } catch (error) {
    throw new PluginLoadError('SIGNAL_PLUGIN_CONFIG_INVALID', `${configPath} could not be imported: ${(error as Error).message}`, { cause: error });
  }
  return loadPluginEntries(module.default, path.dirname(configPath), { ...options, label: configPath });
}
