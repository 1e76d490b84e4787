// A plugin author's one command, from a Signal checkout:
//
//   ./node_modules/.bin/node test/conformance/run.ts ./path/to/plugin [config.json]
//   npm run conformance -- ./path/to/plugin [config.json]
//
// The plugin is a folder (its index.ts, index.js or index.mjs), a file, or an installed npm
// package name; config.json is an optional config valid for it (else the plugin folder's
// conformance-config.json, else one generated from the schema). The plugin is loaded exactly as plugin.config.ts entries are (definition, core
// range, logo), then run through the conformance suite. Exit code 0 when every check passes.
import { loadPluginEntries } from '../../core/plugins/load-plugins.ts';
import { declaredConformanceConfig, readConformanceConfig, runConformance } from './conformance.ts';

const USAGE = 'usage: node test/conformance/run.ts <plugin folder, file or package> [config.json]';
const [target, configFile, ...rest] = process.argv.slice(2);
if (!target || rest.length > 0 || target === '--help' || target === '-h') {
  console.error(USAGE);
  process.exit(2);
}

let registry;
try {
  registry = await loadPluginEntries([{ plugin: target }], process.cwd(), { label: 'run.ts' });
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  console.error(`✖ ${message}${code ? ` [${code}]` : ''}`);
  process.exit(1);
}
const [loaded] = registry.entries();
// The config given, else the one the plugin's folder declares, else one made from the schema.
let config;
try {
  config = configFile ? readConformanceConfig(configFile) : declaredConformanceConfig(loaded!.dir);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
runConformance(loaded!.definition, config ? { config } : {});
