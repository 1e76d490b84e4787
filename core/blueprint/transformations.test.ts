import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BlueprintError } from './compile-blueprint.ts';
import { compileTransformations, composeTransformations } from './transformations.ts';

const event: CanonicalEvent = {
  type: 'track', event: 'Signed Up', messageId: 'm', timestamp: 't', receivedAt: 'r', userId: 'u1',
  properties: { sku: 'SKU-1', password: 'hunter2', plan: 'pro' }, traits: { email: ' Jane@Example.com ' }, context: { page: { path: '/join' } },
};

test('set, rename, remove and hash, in order, on a copy', () => {
  const transform = compileTransformations(`
- set: { target: context.app.name, value: shop }
- set: { target: properties.label, template: "{{event}} on {{context.page.path}}" }
- rename: { from: properties.sku, to: properties.product_id }
- remove: properties.password
- hash: traits.email
`);
  const { event: out, warnings } = transform(event);
  assert.deepEqual(warnings, []);
  assert.deepEqual(out?.properties, { plan: 'pro', product_id: 'SKU-1', label: 'Signed Up on /join' });
  assert.deepEqual(out?.context.app, { name: 'shop' });
  assert.equal(out?.traits?.email, createHash('sha256').update('jane@example.com').digest('hex'));
  assert.equal(event.properties?.password, 'hunter2', 'the input is untouched');
});

test('drop removes matching events; composition runs the org layer first', () => {
  const org = compileTransformations([{ set: { target: 'properties.env', value: 'test' } }]);
  const pipeline = compileTransformations(`- drop: 'properties.env == "test" and event == "Signed Up"'`);
  const both = composeTransformations(org, pipeline);
  assert.equal(both(event).event, null);
  assert.equal(composeTransformations(pipeline, org)(event).event?.properties?.env, 'test', 'order matters');
});

test('bad operations name the line and column', () => {
  assert.throws(() => compileTransformations('- move: { from: a, to: b }\n', { file: 'pipeline:web' }),
    (e: unknown) => e instanceof BlueprintError && /^pipeline:web:1:3: \[0\]: unknown operation "move"/.test(e.message));
  assert.throws(() => compileTransformations('- remove: x\n- drop: "event =="\n', { file: 'p' }),
    (e: unknown) => e instanceof BlueprintError && /^p:2:9: \[1\]\.drop: filter: the filter ends too early/.test(e.message));
});
