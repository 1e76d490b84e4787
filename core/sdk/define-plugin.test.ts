import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import { definePlugin, PluginDefinitionError, validatePluginDefinition } from './define-plugin.ts';
import type { PluginDefinition } from './types.ts';

test('a valid definition passes and comes back frozen', () => {
  assert.deepEqual(validatePluginDefinition(fixturePlugin), []);
  const defined = definePlugin({ ...fixturePlugin, id: 'frozen_one', config: structuredClone(fixturePlugin.config) });
  assert.ok(Object.isFrozen(defined));
  assert.ok(Object.isFrozen(defined.config.properties));
});

test('every problem names its field', () => {
  const bad = {
    ...fixturePlugin,
    id: 'Bad Id',
    category: 'social',
    version: 'one',
    signal: 'whenever',
    config: { type: 'object', required: ['token'], properties: { api_key: { type: 'strin', title: '' } } },
    variants: { default: { description: 'x' } },
    batch: { maxEvents: 0, maxBytes: 10 },
    rateLimit: { rps: -1 },
    send: 'nope',
  } as unknown as PluginDefinition;
  const fields = validatePluginDefinition(bad).map((p) => p.field);
  for (const field of ['id', 'category', 'version', 'signal', 'config.properties.api_key.title', 'config.required', 'config', 'variants.default', 'batch.maxEvents', 'rateLimit.rps', 'send']) {
    assert.ok(fields.includes(field), `${field} is reported (got ${fields.join(', ')})`);
  }
});

test('definePlugin throws a message naming the plugin and the field', () => {
  assert.throws(
    () => definePlugin({ ...fixturePlugin, batch: { maxEvents: 1.5, maxBytes: 100 } }),
    (error: unknown) => error instanceof PluginDefinitionError && /^Plugin "fixture": batch\.maxEvents must be a positive integer$/.test(error.message),
  );
  assert.deepEqual(validatePluginDefinition(null), [{ field: '(definition)', message: 'must be an object (the default export of definePlugin)' }]);
});
