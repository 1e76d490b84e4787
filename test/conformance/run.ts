// A third-party author's one command: `npm run conformance -- ./path/to/plugin [config.json]`
// (or `node test/conformance/run.ts …` on Node ≥ 22.18). The plugin is a folder with index.ts
// or index.js, or an npm package name; config.json is an optional valid config for it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkDefinition } from '../../core/plugins/load-plugins.ts';
import { runConformance } from './conformance.ts';

const [target, configFile] = process.argv.slice(2);
if (!target) {
  console.error('usage: npm run conformance -- <plugin folder or package> [config.json]');
  process.exit(2);
}
const specifier = target.startsWith('.') || path.isAbsolute(target) ? pathToFileURL(path.resolve(target, target.endsWith('.ts') || target.endsWith('.js') ? '' : 'index.ts')).href : target;
const module = (await import(specifier)) as { default?: unknown };
const plugin = checkDefinition(module.default, target);
runConformance(plugin, configFile ? { config: JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, never> } : {});
