import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createConfigAjv } from './config-ajv.ts';
import { eventNamesSchema } from './event-names-schema.ts';

test('eventNamesSchema: an object of text values, the vendor\'s words and limits kept, keys in the declared order', () => {
  const schema = eventNamesSchema('The Taboola event name each Signal event is reported as.', {
    title: 'Taboola Event Names', minLength: 1, maxLength: 100, examples: [{ 'Order Completed': 'make_purchase' }],
  });
  assert.deepEqual(schema, {
    type: 'object', title: 'Taboola Event Names', description: 'The Taboola event name each Signal event is reported as.',
    additionalProperties: { type: 'string', minLength: 1, maxLength: 100 }, examples: [{ 'Order Completed': 'make_purchase' }],
  });
  // The catalog and the OpenAPI document show the schema as written: the same key order as the hand-written one.
  assert.deepEqual(Object.keys(schema), ['type', 'title', 'description', 'additionalProperties', 'examples']);
});

test('eventNamesSchema: limits left out are not in the schema; a default comes before the examples', () => {
  assert.deepEqual(eventNamesSchema('d', { title: 't', examples: [{ a: 'b' }] }).additionalProperties, { type: 'string' });
  assert.deepEqual(eventNamesSchema('d', { title: 't', maxLength: 40, examples: [{ a: 'b' }] }).additionalProperties, { type: 'string', maxLength: 40 });
  const withDefault = eventNamesSchema('d', { title: 't', default: { 'Order Completed': 'Purchase' }, examples: [{ a: 'b' }] });
  assert.deepEqual(Object.keys(withDefault), ['type', 'title', 'description', 'additionalProperties', 'default', 'examples']);
  assert.deepEqual(withDefault.default, { 'Order Completed': 'Purchase' });
});

test('eventNamesSchema: compiles under the config ajv, takes a map of names, refuses values that are no text or break the limits', () => {
  const validate = createConfigAjv().compile({
    type: 'object', properties: { event_names: eventNamesSchema('d', { title: 't', minLength: 1, maxLength: 5, examples: [{ a: 'b' }] }) },
  });
  assert.equal(validate({ event_names: { 'Order Completed': 'buy', 'page:Pricing': 'view' } }), true);
  assert.equal(validate({ event_names: { 'Order Completed': 7 } }), false);
  assert.equal(validate({ event_names: { 'Order Completed': '' } }), false);
  assert.equal(validate({ event_names: { 'Order Completed': 'purchase' } }), false);
  assert.equal(validate({ event_names: ['Order Completed'] }), false);
});
