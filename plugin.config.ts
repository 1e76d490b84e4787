// The vendor plugins Signal loads at start. Each entry is a local folder (relative to this
// file) or an npm package name, with options handed to the plugin as `ctx.options`.
import type { PluginEntry } from './core/plugins/load-plugins.ts';

const plugins: PluginEntry[] = [
  { plugin: './plugins/webhook' },
  { plugin: './plugins/amplitude' },
  { plugin: './plugins/videoamp' },
  { plugin: './plugins/flashtalking' },
];

export default plugins;
