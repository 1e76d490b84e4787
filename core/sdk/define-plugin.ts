import type { PluginDefinition } from './types.ts';
import { markDefinitionChecked, validatePluginDefinition, type DefinitionProblem } from './validate-plugin-definition.ts';

/**
 * A plugin definition the core refuses. `code` is stable (`SIGNAL_PLUGIN_INVALID`); the message
 * names the plugin, where it came from when known, and every field at fault:
 * `Plugin "amplitude" (./plugins/amplitude): batch.maxEvents must be a positive integer (got 0)`.
 *
 * @example
 * try { definePlugin(def); } catch (error) {
 *   if (error instanceof PluginDefinitionError) console.log(error.problems.map((p) => p.field));
 * }
 */
export class PluginDefinitionError extends Error {
  readonly code = 'SIGNAL_PLUGIN_INVALID';
  readonly pluginId: string;
  readonly source?: string;
  readonly problems: DefinitionProblem[];

  constructor(pluginId: string, problems: DefinitionProblem[], source?: string) {
    super(`${pluginLabel(pluginId, source)}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    this.name = 'PluginDefinitionError';
    this.pluginId = pluginId;
    if (source !== undefined) this.source = source;
    this.problems = source === undefined ? problems : problems.map((p) => ({ ...p, source }));
  }
}

/**
 * How messages name a plugin: `Plugin "amplitude" (./plugins/amplitude)`, or without the source.
 *
 * @example
 * pluginLabel('webhook', './plugins/webhook'); // 'Plugin "webhook" (./plugins/webhook)'
 */
export function pluginLabel(pluginId: string, source?: string): string {
  return source === undefined || source === pluginId ? `Plugin "${pluginId}"` : `Plugin "${pluginId}" (${source})`;
}

/**
 * Freezes a value and everything it holds (functions included), so a plugin definition or its
 * options cannot be changed after load. An object already frozen is walked too: its author may
 * have frozen it shallowly (`Object.freeze(config)`), leaving what it holds mutable.
 *
 * @example
 * const options = deepFreeze({ tags: ['a'] }); // options.tags.push('b') throws
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if ((typeof value === 'object' || typeof value === 'function') && value !== null && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner, seen);
  }
  return value;
}

/**
 * Declares a vendor plugin: one object with its catalog metadata, config schema, variants,
 * defaults and pure functions. Validated here (see `validatePluginDefinition` for the rules)
 * and deep-frozen; the loader checks `signal` against the core's version and the logo file,
 * and checks again only definitions not made here (a frozen one cannot have changed). Throws
 * a `PluginDefinitionError` naming the plugin and every field at fault.
 *
 * @example
 * export default definePlugin({
 *   id: 'acme', name: 'Acme', category: 'analytics', description: 'Acme events API', logo: 'logo.svg',
 *   version: '1.0.0', signal: '^0.1.0',
 *   config: { type: 'object', required: ['api_key'], properties: { api_key: { type: 'string', title: 'API key', secret: true } } },
 *   variants: { default: { description: 'Events as they are', map: (event) => ({ name: event.event ?? event.type }) } },
 *   vendorFields: { name: { required: true } }, consent: ['analytics'], rateLimit: { rps: 100 }, batch: { maxEvents: 100, maxBytes: 500_000 },
 *   send: (batch, ctx) => [{ method: 'POST', url: 'https://api.acme.test/events', headers: { authorization: `Bearer ${ctx.config.api_key}` },
 *     body: { events: batch.map((e) => e.payload) }, eventIds: batch.map((e) => e.id) }],
 * });
 */
export function definePlugin(def: PluginDefinition): PluginDefinition {
  const problems = validatePluginDefinition(def);
  if (problems.length > 0) throw new PluginDefinitionError(problems[0]!.plugin, problems);
  const frozen = deepFreeze(def);
  markDefinitionChecked(frozen);
  return frozen;
}
