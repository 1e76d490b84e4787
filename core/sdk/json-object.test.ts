import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJsonObject } from './json-object.ts';
import type { JsonObject, JsonValue } from './types.ts';

test('isJsonObject: objects with keys, empty ones too', () => {
  for (const value of [{}, { email: 'jane@example.com' }, { nested: { list: [1] } }, Object.create(null) as object]) {
    assert.equal(isJsonObject(value), true, JSON.stringify(value));
  }
});

test('isJsonObject: null, undefined, arrays and scalars are none', () => {
  for (const value of [null, undefined, [], [{ id: 1 }], '', 'text', '{}', 0, 42, true, false, 10n, Symbol('s'), () => ({})]) {
    assert.equal(isJsonObject(value), false, String(typeof value === 'symbol' ? value.toString() : value));
  }
});

test('isJsonObject: only the shape is looked at, so class instances pass', () => {
  for (const value of [new Date(0), Buffer.from('x'), new Map(), new Uint8Array(1)]) assert.equal(isJsonObject(value), true, value.constructor.name);
});

test('isJsonObject: narrows a JsonValue (called or as a filter) to JsonObject, and unknown to a record of unknowns', () => {
  const mapped: JsonValue | undefined = JSON.parse('{"user":{"email":"jane@example.com"}}') as JsonValue;
  if (!isJsonObject(mapped)) return assert.fail('an object');
  const user: JsonValue | undefined = mapped.user;
  if (!isJsonObject(user)) return assert.fail('an object');
  const narrowed: JsonObject = user;
  assert.equal(narrowed.email, 'jane@example.com');

  const list: JsonValue[] = [{ id: 1 }, null, [{ id: 2 }], 'x', { id: 3 }];
  const objects: JsonObject[] = list.filter(isJsonObject);
  assert.deepEqual(objects, [{ id: 1 }, { id: 3 }]);

  const answer: unknown = { id: 7 };
  if (!isJsonObject(answer)) return assert.fail('an object');
  const record: Record<string, unknown> = answer;
  assert.equal(record.id, 7);
});
