import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BlueprintError } from './blueprint-error.ts';
import { compileTransformations, composeTransformations } from './transformations.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const event: CanonicalEvent = {
  type: 'track', event: 'Signed Up', messageId: 'm', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z', userId: 'u1',
  properties: { sku: 'SKU-1', password: 'hunter2', plan: 'pro', price: '9.50' },
  traits: { email: ' Jane@Example.com ', phone: '07700 900123' },
  context: { page: { path: '/join' } },
};

test('set, rename, remove and hash, in order, on a copy', () => {
  const transform = compileTransformations(`
- set: { target: context.app.name, value: shop }
- set: { target: properties.label, template: "{{event}} on {{context.page.path}}" }
- set: { target: properties.price, source: properties.price, transforms: [to_number] }
- rename: { from: properties.sku, to: properties.product_id }
- remove: properties.password
- hash: traits.email
- hash: { path: traits.phone, default_country_code: 44 }
`);
  const { event: out, warnings } = transform(event);
  assert.deepEqual(warnings, []);
  assert.deepEqual(out?.properties, { plan: 'pro', price: 9.5, product_id: 'SKU-1', label: 'Signed Up on /join' });
  assert.deepEqual(out?.context.app, { name: 'shop' });
  assert.deepEqual(out?.traits, { email: sha('jane@example.com'), phone: sha('+447700900123') });
  assert.equal(event.properties?.password, 'hunter2', 'the input is untouched');
  assert.equal(event.traits?.email, ' Jane@Example.com ');
});

test('order matters: each operation sees the previous one', () => {
  const renameThenSet = compileTransformations([{ rename: { from: 'properties.plan', to: 'properties.tier' } }, { set: { target: 'properties.tier_copy', source: 'properties.tier' } }]);
  assert.deepEqual(renameThenSet(event).event?.properties, { sku: 'SKU-1', password: 'hunter2', price: '9.50', tier: 'pro', tier_copy: 'pro' });
  const setThenRename = compileTransformations([{ set: { target: 'properties.tier_copy', source: 'properties.tier' } }, { rename: { from: 'properties.plan', to: 'properties.tier' } }]);
  assert.equal(setThenRename(event).event?.properties?.tier_copy, undefined);
  const dropFirst = compileTransformations([{ drop: 'properties.plan == "pro"' }, { set: { target: 'properties.x', value: 1 } }]);
  assert.equal(dropFirst(event).event, null);
  const dropAfterRemove = compileTransformations([{ remove: 'properties.plan' }, { drop: 'properties.plan == "pro"' }]);
  assert.notEqual(dropAfterRemove(event).event, null);
});

test('a value that cannot be hashed is removed with a warning; a failing set is left out with one', () => {
  const transform = compileTransformations('- hash: traits.phone\n- set: { target: properties.price, source: properties.plan, transforms: [to_number] }\n');
  const { event: out, warnings } = transform(event);
  assert.equal(out?.traits?.phone, undefined, 'never forward the raw value of a field meant to be hashed');
  assert.deepEqual(warnings, [
    'traits.phone: "07700 900123" has no country code; start it with + or set default_country_code; the field was removed',
    'properties.price: to_number: "pro" is not a number; the field was left out',
  ]);
  assert.equal(out?.properties?.price, '9.50', 'a failed set leaves the old value');
});

test('drop removes matching events; composition runs the org layer first', () => {
  const org = compileTransformations([{ set: { target: 'properties.env', value: 'test' } }]);
  const pipeline = compileTransformations(`- drop: 'properties.env == "test" and event == "Signed Up"'`);
  const both = composeTransformations(org, pipeline);
  assert.deepEqual(both(event), { event: null, warnings: [] });
  assert.equal(composeTransformations(pipeline, org)(event).event?.properties?.env, 'test', 'order matters');
  const fromSources = composeTransformations('- set: { target: properties.a, value: 1 }', [{ set: { target: 'properties.b', source: 'properties.a' } }]);
  assert.deepEqual([fromSources(event).event?.properties?.a, fromSources(event).event?.properties?.b], [1, 1], 'sources are compiled once');
  const warnings = composeTransformations('- hash: traits.phone', '- hash: { path: properties.plan, kind: email }')(event).warnings;
  assert.equal(warnings.length, 2, 'warnings of every list are kept');
});

test('an empty list passes events through as they are', () => {
  assert.equal(compileTransformations('')(event).event, event);
  assert.equal(compileTransformations([])(event).event, event);
});

test('bad operations name the line and column', () => {
  const cases: Array<[string, RegExp]> = [
    ['- move: { from: a, to: b }\n', /^p:1:3: \[0\]: unknown operation "move"; use set, rename, remove, hash or drop/],
    ['- remove: x\n- drop: "event =="\n', /^p:2:9: \[1\]\.drop: filter: the filter ends too early/],
    ['- set: { target: a }\n', /^p:1:8: \[0\]\.set: a row needs exactly one of source, value or template/],
    ['- rename: { from: a }\n', /^p:1:11: \[0\]\.rename: "to" is required/],
    ['- hash: { path: a, kind: md5 }\n', /^p:1:26: \[0\]\.hash\.kind: must be one of: auto, email, phone, text, raw/],
    ['- remove: "a[].b"\n', /^p:1:11: \[0\]\.remove: remove works on single paths/],
    ['- set: { target: a, source: parameters.key }\n', /^p:1:29: \[0\]\.set\.source: no parameter "key" is declared/],
    ['- { remove: a, drop: b }\n', /^p:1:3: \[0\]: must NOT have more than 1 properties/],
    ['set: {}\n', /^p:1:1: must be array/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => compileTransformations(source, { file: 'p' }), (e: unknown) => e instanceof BlueprintError && message.test(e.message), `${source} → ${message}`);
  }
});

test('messageId, type and receivedAt cannot be written, renamed, removed or hashed: the delivery engine keys on them', () => {
  for (const [source, where] of [
    ['- set: { target: messageId, value: same }', '[0].set.target'],
    ['- remove: messageId', '[0].remove'],
    ['- rename: { from: type, to: kind }', '[0].rename.from'],
    ['- rename: { from: properties.t, to: type }', '[0].rename.to'],
    ['- hash: receivedAt', '[0].hash'],
    ['- set: { target: messageId.x, value: 1 }', '[0].set.target'],
  ] as const) {
    assert.throws(() => compileTransformations(source), (error: Error) => {
      assert.match(error.message, /(messageId|type|receivedAt) .*: a transformation may not change it/, source);
      assert.equal((error as BlueprintError).path, where, source);
      return true;
    });
  }
  assert.doesNotThrow(() => compileTransformations('- set: { target: properties.messageId, value: x }\n- set: { target: context.type, value: y }'), 'nested fields of the same name are free');
});

test('an index in set, hash and remove reaches into the list; rename.to may not be one', () => {
  const withLists: CanonicalEvent = { ...event, properties: { products: [{ sku: 'A', price: '10' }, { sku: 'B', price: '20' }] }, traits: { emails: ['a@b.co', 'c@d.co'] } };
  const transform = compileTransformations(`
- set: { target: properties.products.0.price, source: properties.products.0.price, transforms: [to_number] }
- hash: traits.emails.0
- remove: properties.products.1
- set: { target: properties.products.3.price, value: 1 }
`);
  const { event: out, warnings } = transform(withLists);
  assert.deepEqual(out?.properties?.products, [{ sku: 'A', price: 10 }], 'the list stays a list; the removed element is gone');
  assert.deepEqual(out?.traits?.emails, [sha('a@b.co'), 'c@d.co']);
  assert.deepEqual(warnings, ['properties.products.3.price: there is no list element at that index; the field was left out']);
  assert.throws(() => compileTransformations('- rename: { from: properties.sku, to: properties.items.0 }\n', { file: 'p' }),
    (e: unknown) => e instanceof BlueprintError && /^p:1:39: \[0\]\.rename\.to: rename\.to names a field, not a list index/.test(e.message));
});

test('YAML that is not JSON data is refused when the list is saved', () => {
  assert.throws(() => compileTransformations('- set: { target: properties.since, value: !!timestamp 2024-01-01 }\n', { file: 'p' }),
    (e: unknown) => e instanceof BlueprintError && /^p:1:55: \[0\]\.set\.value: YAML tag !!timestamp is not allowed/.test(e.message));
});
