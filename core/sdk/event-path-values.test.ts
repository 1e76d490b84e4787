import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellValueOf, eventPathSource, eventPathValue, valueAtEventPath } from './event-path-values.ts';
import type { CanonicalEvent, JsonObject } from './types.ts';

test('eventPathValue: the first alternative with a value (empty text, lists and objects skipped); a malformed path reads nothing', () => {
  const event: JsonObject = { traits: { plan: '', tags: [] }, context: { traits: { plan: 'pro' } }, properties: { n: 0, ok: false } };
  assert.equal(eventPathValue(event, 'traits.plan|context.traits.plan'), 'pro');
  assert.equal(eventPathValue(event, 'traits.tags|properties.n'), 0);
  assert.equal(eventPathValue(event, 'properties.ok'), false);
  assert.equal(eventPathValue(event, 'properties.missing'), undefined);
  assert.equal(eventPathValue(event, 'properties..n'), undefined);
});

test('eventPathSource: the event itself with contact information, else a copy without it', () => {
  const event = { type: 'identify', messageId: 'm-1', userId: 'jane@example.com', traits: { email: 'jane@example.com', plan: 'pro' } } as unknown as CanonicalEvent;
  assert.equal(eventPathSource(event, true), event);
  const source = eventPathSource(event, false);
  assert.equal(eventPathValue(source, 'traits.email'), undefined);
  assert.equal(eventPathValue(source, 'userId'), undefined, 'an id that is an email address is left out');
  assert.equal(eventPathValue(source, 'traits.plan'), 'pro');
});

test('cellValueOf: text, finite numbers and booleans as they are, objects as JSON text, nothing as undefined, long text cut', () => {
  const never = (): void => assert.fail('nothing is cut');
  assert.equal(cellValueOf({ plan: 'pro' }, 100, never), '{"plan":"pro"}');
  assert.equal(cellValueOf([1, 2], 100, never), '[1,2]');
  assert.equal(cellValueOf(74.97, 100, never), 74.97);
  assert.equal(cellValueOf(Number.NaN, 100, never), undefined);
  assert.equal(cellValueOf(true, 100, never), true);
  assert.equal(cellValueOf(null, 100, never), undefined);
  assert.equal(cellValueOf(undefined, 100, never), undefined);
  const lengths: number[] = [];
  assert.equal(cellValueOf('abcdefgh', 5, (length) => lengths.push(length)), 'abcde');
  assert.equal(cellValueOf('abcd😀', 5, (length) => lengths.push(length)), 'abcd', 'a surrogate pair is never split');
  assert.deepEqual(lengths, [8, 6]);
});

test('valueAtEventPath: one path\'s value as it is (empty text, lists and objects too); a malformed path reads nothing', () => {
  const event: JsonObject = { properties: { value: {}, tags: [], note: '', n: null, plan: 'pro', products: [{ price: 1 }, {}] } };
  assert.deepEqual(valueAtEventPath(event, 'properties.value'), {});
  assert.deepEqual(valueAtEventPath(event, 'properties.tags'), []);
  assert.equal(valueAtEventPath(event, 'properties.note'), '');
  assert.equal(valueAtEventPath(event, 'properties.n'), null);
  assert.equal(valueAtEventPath(event, 'properties.plan'), 'pro');
  assert.deepEqual(valueAtEventPath(event, 'properties.products[].price'), [1]);
  assert.equal(valueAtEventPath(event, 'properties.plan|properties.n'), undefined, 'no alternatives: | is no path');
  assert.equal(valueAtEventPath(event, 'properties.constructor'), undefined);
});
