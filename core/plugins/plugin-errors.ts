/**
 * Why the plugins could not be loaded. Each error has a stable `code` (like Fastify's
 * `FST_ERR_…`) and names the plugin and where it came from; any of them stops start-up.
 * An invalid definition is the SDK's `PluginDefinitionError` (`SIGNAL_PLUGIN_INVALID`).
 */
export const PLUGIN_LOAD_ERRORS = {
  /** plugin.config.ts is missing. */
  SIGNAL_PLUGIN_CONFIG_NOT_FOUND: 'The plugin list does not exist',
  /** plugin.config.ts does not export an array of `{ plugin, options? }`. */
  SIGNAL_PLUGIN_CONFIG_INVALID: 'The plugin list is invalid',
  /** A listed folder or package cannot be found. */
  SIGNAL_PLUGIN_NOT_FOUND: 'A listed plugin cannot be found',
  /** A listed plugin threw while being imported. */
  SIGNAL_PLUGIN_IMPORT_FAILED: 'A listed plugin failed to import',
  /** A plugin's `signal` range does not include this core's version. */
  SIGNAL_PLUGIN_VERSION_MISMATCH: "A plugin does not support this core's version",
  /** Two plugins declare the same id. */
  SIGNAL_PLUGIN_DUPLICATE_ID: 'Two plugins have the same id',
} as const;

export type PluginLoadErrorCode = keyof typeof PLUGIN_LOAD_ERRORS;

/**
 * A plugin could not be loaded or registered.
 *
 * @example
 * throw new PluginLoadError('SIGNAL_PLUGIN_DUPLICATE_ID', 'Plugin "acme" (./b): id is already used by the plugin from ./a', { pluginId: 'acme', source: './b' });
 */
export class PluginLoadError extends Error {
  readonly code: PluginLoadErrorCode;
  readonly pluginId?: string;
  readonly source?: string;

  constructor(code: PluginLoadErrorCode, message: string, details: { pluginId?: string; source?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PluginLoadError';
    this.code = code;
    if (details.pluginId !== undefined) this.pluginId = details.pluginId;
    if (details.source !== undefined) this.source = details.source;
  }
}
