// The plugin list (SIGNAL_PLUGIN_CONFIG) of the worker processes tests start whose integrations
// are all webhooks: the webhook entry of plugin.config.ts alone, its options included. Loading
// every plugin cost each such process over a second of CPU at start, for nothing it delivers.
import path from 'node:path';
import type { PluginEntry } from '../../core/plugins/load-plugins.ts';
import entries from '../../plugin.config.ts';

// Entries name their folder relative to the list that names them: this one is two folders down.
const plugins: PluginEntry[] = entries
  .filter((entry) => entry.plugin === './plugins/webhook')
  .map((entry) => ({ ...entry, plugin: path.posix.join('../..', entry.plugin) }));

export default plugins;
