import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileBlueprint } from './compile-blueprint.ts';
import { previewBlueprint } from './preview-blueprint.ts';
import { SAMPLE_EVENTS } from './sample-events.ts';
import { compileTransformations } from './transformations.ts';

const blueprint = compileBlueprint(`
parameters:
  key: { config: api_key, required: true }
event_name_target: name
global:
  - { source: messageId, target: id }
  - { source: parameters.key, target: key }
events:
  order:
    names: [Order Completed]
    mappings:
      - { source: properties.total, target: value, transforms: [to_number], required: true }
      - { source: properties.coupon, target: coupon, transforms: [{ lookup: { table: { SUMMER: summer } } }] }
  page:
    filter: 'context.page.path != "/checkout"'
defaults: { action: drop }
`, { config: { api_key: 'k' } });

test('per event: the vendor event, its name and handler, why it was dropped, warnings and errors', () => {
  const results = previewBlueprint(blueprint);
  assert.equal(results.length, SAMPLE_EVENTS.length, 'the sample events by default');
  const order = results.find((r) => r.messageId === 'conf-order-1')!;
  assert.deepEqual(order, {
    messageId: 'conf-order-1', name: 'Order Completed', transformed: SAMPLE_EVENTS.find((e) => e.messageId === 'conf-order-1'),
    vendorEvent: { name: 'Order Completed', id: 'conf-order-1', key: 'k', value: 89.99 }, eventName: 'Order Completed', handler: 'order', dropped: null, dropReason: null,
    warnings: ['coupon: lookup: "SPRING10" is not in the table; the field was left out'], errors: [],
  });
  assert.equal(results.find((r) => r.messageId === 'conf-page-1')!.dropped, 'filter');
  assert.equal(results.find((r) => r.messageId === 'conf-page-1')!.dropReason, 'the "page" handler\'s filter did not match: context.page.path != "/checkout"');
  assert.equal(results.find((r) => r.messageId === 'conf-signup-1')!.dropped, 'default_drop');
  assert.equal(results.find((r) => r.messageId === 'conf-signup-1')!.dropReason, 'no handler takes track events named "Signed Up", and the blueprint\'s defaults drop such events');
});

test('transformations run first; errors and parameter overrides are reported per event', () => {
  const transformation = compileTransformations(`
- drop: 'event == "Signed Up"'
- remove: properties.total
`);
  const events = SAMPLE_EVENTS.filter((e) => e.event === 'Order Completed' || e.event === 'Signed Up');
  const [order, signup] = previewBlueprint(blueprint, events, { transformation, params: { key: 'other' } });
  assert.equal(signup!.dropped, 'transformation');
  assert.equal(signup!.transformed, null);
  assert.equal(order!.vendorEvent, null);
  assert.deepEqual(order!.errors, ['value is required but properties.total is missing']);
  assert.equal(order!.transformed?.properties?.total, undefined);
  assert.equal(events[0]!.properties?.total, 89.99, 'the inputs are untouched');
});
