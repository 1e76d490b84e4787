import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileBlueprint } from './compile-blueprint.ts';
import { blueprintCoverage } from './coverage.ts';

test('counts required and optional vendor fields a blueprint maps, through handlers too', () => {
  const blueprint = compileBlueprint({
    event_name_target: 'event_type',
    global: [{ source: 'userId', target: 'user_id' }, { source: 'traits', target: 'user_properties.$set' }],
    events: { order: { names: ['Order Completed'], mappings: [{ source: 'properties.total', target: 'revenue' }] } },
  });
  const coverage = blueprintCoverage(blueprint.mappedTargets, {
    event_type: { required: true }, user_id: { required: false }, device_id: { required: false },
    user_properties: { required: false }, revenue: { required: false }, insert_id: { required: false },
  });
  assert.deepEqual(coverage.required, { mapped: ['event_type'], missing: [] });
  assert.deepEqual(coverage.optional, { mapped: ['user_id', 'user_properties', 'revenue'], missing: ['device_id', 'insert_id'] });
  assert.deepEqual(coverage.counts, { required: 1, requiredMapped: 1, optional: 5, optionalMapped: 3 });
});
