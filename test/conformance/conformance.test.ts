// Runs the conformance suite on every plugin plugin.config.ts lists, with its options.
import { loadPlugins } from '../../core/plugins/load-plugins.ts';
import { runConformance } from './conformance.ts';

const registry = await loadPlugins();
for (const { definition, options } of registry.entries()) runConformance(definition, { pluginOptions: options });
