// Runs the conformance suite on every plugin plugin.config.ts loads.
import path from 'node:path';
import { loadPlugins } from '../../core/plugins/load-plugins.ts';
import { runConformance } from './conformance.ts';

const registry = await loadPlugins(path.resolve(import.meta.dirname, '../../plugin.config.ts'));
for (const plugin of registry.list()) runConformance(plugin);
