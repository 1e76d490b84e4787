import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlueprintError, compileBlueprint } from './compile-blueprint.ts';

const refused = (yaml: string, message: RegExp) =>
  assert.throws(() => compileBlueprint(yaml, { file: 'x.yaml' }), (e: unknown) => e instanceof BlueprintError && message.test(e.message), yaml);

test('YAML tags that are not JSON data are refused with their position', () => {
  refused('global:\n  - { value: !!timestamp 2024-01-01, target: v }\n', /^x\.yaml:2:26: global\[0\]\.value: YAML tag !!timestamp is not allowed/);
  refused('global:\n  - { value: !!set {a, b}, target: v }\n', /global\[0\]\.value: YAML tag !!set is not allowed/);
  refused('global:\n  - { value: !!omap [a: 1], target: v }\n', /YAML tag !!omap is not allowed/);
  refused('global:\n  - { value: !!binary aGVsbG8=, target: v }\n', /YAML tag !!binary is not allowed/);
  refused('global:\n  - { value: !shout hi, target: v }\n', /YAML tag !shout is not allowed/);
  refused('global:\n  - { value: .inf, target: v }\n', /^x\.yaml:2:14: global\[0\]\.value: Infinity is not a JSON number/);
});

test('keys that are the same in JSON, or not text at all, are refused', () => {
  refused('events:\n  1: { event_name: One }\n  "1": { event_name: Uno }\n', /^x\.yaml:3:3: events\.1: the key "1" is given twice \(1 and "1" are the same key in JSON\)/);
  refused('global:\n  - { value: { lookup: { 1: Gold, "1": Silver } }, target: v }\n', /the key "1" is given twice/);
  refused('events:\n  ? [a, b]\n  : { event_name: x }\n', /^x\.yaml:2:5: events: a key must be text or a number/);
});

test('JSON tags and plain YAML still compile as before', () => {
  const blueprint = compileBlueprint('global:\n  - { value: !!str 12, target: a }\n  - { value: 2024-01-01, target: b }\n  - { value: { x: [1, true, null] }, target: c }\n');
  assert.deepEqual(blueprint.mapEvent({ type: 'track', event: 'x', messageId: 'm', timestamp: 't', receivedAt: 't', context: {} }).vendorEvent, { a: '12', b: '2024-01-01', c: { x: [1, true, null] } });
});
