// Runs the conformance suite on every plugin plugin.config.ts lists, with its options and the
// config its folder declares (`conformance-config.json`: every optional part filled, so that
// deletions, second credentials and opt-in notices are checked too), else one made from its
// schema's required fields.
import { loadPlugins } from '../../core/plugins/load-plugins.ts';
import { declaredConformanceConfig, runConformance } from './conformance.ts';

const registry = await loadPlugins();

for (const { definition, options, dir } of registry.entries()) {
  const config = declaredConformanceConfig(dir);
  runConformance(definition, { pluginOptions: options, ...(config ? { config } : {}) });
}
