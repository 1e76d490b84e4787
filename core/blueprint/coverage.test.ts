import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileBlueprint } from './compile-blueprint.ts';
import { blueprintCoverage } from './coverage.ts';

const vendorFields = {
  event_type: { required: true }, device_id: { required: true },
  user_id: { required: false }, user_properties: { required: false }, 'event_properties.page_url': { required: false },
  revenue: { required: false }, insert_id: { required: false }, event_properties: { required: false },
};

test('counts required and optional vendor fields a blueprint maps, through handlers and defaults too', () => {
  const blueprint = compileBlueprint({
    event_name_target: 'event_type',
    global: [{ source: 'userId', target: 'user_id' }, { source: 'traits', target: 'user_properties.$set' }],
    events: { order: { names: ['Order Completed'], mappings: [{ source: 'properties.total', target: 'revenue' }] } },
    defaults: { action: 'pass_through', properties_target: 'event_properties' },
  });
  const coverage = blueprintCoverage(blueprint, vendorFields);
  assert.deepEqual(coverage, {
    required: { mapped: ['event_type'], missing: ['device_id'] },
    optional: { mapped: ['user_id', 'user_properties', 'event_properties.page_url', 'revenue', 'event_properties'], missing: ['insert_id'] },
    counts: { required: 2, requiredMapped: 1, optional: 6, optionalMapped: 5 },
  });
  assert.deepEqual(blueprintCoverage(blueprint.mappedTargets, vendorFields), coverage, 'the targets alone give the same');
});

test('a part of a field maps it; a sibling with a common prefix does not', () => {
  const coverage = blueprintCoverage(['event_properties.page_url', 'device_id_v2'], vendorFields);
  assert.deepEqual(coverage.optional.mapped, ['event_properties.page_url', 'event_properties']);
  assert.deepEqual(coverage.required.missing, ['event_type', 'device_id']);
});

test('no vendor fields, no blueprint rows', () => {
  assert.deepEqual(blueprintCoverage(compileBlueprint({}), {}).counts, { required: 0, requiredMapped: 0, optional: 0, optionalMapped: 0 });
  assert.deepEqual(blueprintCoverage([], vendorFields).counts, { required: 2, requiredMapped: 0, optional: 6, optionalMapped: 0 });
});
