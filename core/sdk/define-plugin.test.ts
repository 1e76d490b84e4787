import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import { definePlugin, PluginDefinitionError, pluginLabel } from './define-plugin.ts';
import type { PluginDefinition } from './types.ts';

const fresh = (overrides: Partial<PluginDefinition> = {}): PluginDefinition => ({ ...fixturePlugin, config: structuredClone(fixturePlugin.config), ...overrides });

test('a valid definition comes back as the same object, deep-frozen', () => {
  const def = fresh({ id: 'frozen_one', batch: { maxEvents: 5, maxBytes: 1000 } });
  const defined = definePlugin(def);
  assert.equal(defined, def);
  assert.ok(Object.isFrozen(defined));
  assert.ok(Object.isFrozen(defined.config.properties));
  assert.ok(Object.isFrozen(defined.config.properties.api_key));
  assert.ok(Object.isFrozen(defined.batch));
  assert.throws(() => {
    (defined.batch as { maxEvents: number }).maxEvents = 1_000_000;
  }, TypeError);
});

test('a definition its author froze shallowly is frozen all through (definePlugin does not check it again)', () => {
  const config = structuredClone(fixturePlugin.config);
  const def = Object.freeze(fresh({ id: 'shallow_one', config: Object.freeze(config) }));
  const defined = definePlugin(def);
  assert.ok(Object.isFrozen(defined.config.properties), 'what the frozen config holds');
  assert.ok(Object.isFrozen(defined.config.properties.api_key));
  assert.throws(() => {
    (defined.config.properties.api_key as { title: string }).title = 'changed';
  }, TypeError);
});

test('definePlugin throws a message naming the plugin and the field', () => {
  assert.throws(
    () => definePlugin(fresh({ batch: { maxEvents: 1.5, maxBytes: 100 } })),
    (error: unknown) =>
      error instanceof PluginDefinitionError &&
      error.code === 'SIGNAL_PLUGIN_INVALID' &&
      error.pluginId === 'fixture' &&
      error.message === 'Plugin "fixture": batch.maxEvents must be a positive integer (got 1.5)' &&
      error.problems.length === 1 && error.problems[0]!.field === 'batch.maxEvents',
  );
});

test('every problem is listed in one message, in field order', () => {
  assert.throws(
    () => definePlugin(fresh({ id: 'amplitude', rateLimit: { rps: 0 }, send: undefined as unknown as PluginDefinition['send'] })),
    { message: 'Plugin "amplitude": rateLimit.rps must be a number above 0 (got 0); send must be a function building the vendor requests' },
  );
});

test('a definition without an id is still named', () => {
  assert.throws(() => definePlugin({ ...fresh(), id: '' }), { message: 'Plugin "(no id)": id must be a slug: a lowercase letter, then 1 to 49 lowercase letters, digits or _ (got "")' });
  assert.throws(() => definePlugin(null as unknown as PluginDefinition), { message: 'Plugin "(no id)": (definition) must be an object (the default export of definePlugin)' });
});

test('the error carries the source when the loader knows it', () => {
  const error = new PluginDefinitionError('amplitude', [{ plugin: 'amplitude', field: 'batch.maxEvents', message: 'must be a positive integer' }], './plugins/amplitude');
  assert.equal(error.message, 'Plugin "amplitude" (./plugins/amplitude): batch.maxEvents must be a positive integer');
  assert.equal(error.problems[0]!.source, './plugins/amplitude');
  assert.equal(pluginLabel('webhook'), 'Plugin "webhook"');
  assert.equal(pluginLabel('webhook', 'webhook'), 'Plugin "webhook"');
});
