// A plugin author's one command, from a Signal checkout:
//
//   ./node_modules/.bin/node test/conformance/run.ts ./path/to/plugin [config.json]
//   npm run conformance -- ./path/to/plugin [config.json]
//
// The plugin is a folder (its index.ts, index.js or index.mjs), a file, or an installed npm
// package name; config.json is an optional config valid for it (generated from the schema
// otherwise). The plugin is loaded exactly as plugin.config.ts entries are (definition, core
// range, logo), then run through the conformance suite. Exit code 0 when every check passes.
import { readFileSync } from 'node:fs';
import { loadPluginEntries } from '../../core/plugins/load-plugins.ts';
import type { JsonValue } from '../../core/sdk/index.ts';
import { runConformance } from './conformance.ts';

const USAGE = 'usage: node test/conformance/run.ts <plugin folder, file or package> [config.json]';
const [target, configFile, ...rest] = process.argv.slice(2);
if (!target || rest.length > 0 || target === '--help' || target === '-h') {
  console.error(USAGE);
  process.exit(2);
}

function readConfig(file: string): Record<string, JsonValue> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    console.error(`${file} must hold a JSON object: the plugin's config`);
    process.exit(2);
  }
  return value as Record<string, JsonValue>;
}

const config = configFile ? readConfig(configFile) : undefined;
let registry;
try {
  registry = await loadPluginEntries([{ plugin: target }], process.cwd(), { label: 'run.ts' });
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  console.error(`✖ ${message}${code ? ` [${code}]` : ''}`);
  process.exit(1);
}
const [plugin] = registry.list();
runConformance(plugin!, config ? { config } : {});
