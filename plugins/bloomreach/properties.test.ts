import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customerProperties, flattenProperties } from './properties.ts';

test('flattenProperties: objects into _-joined names at any depth, lists as they are, empty objects left out', () => {
  assert.deepEqual(flattenProperties({ plan: 'pro', address: { city: 'Leeds', geo: { lat: 53.8 } }, tags: ['a'], product_list: [{ product_id: 'A', meta: { x: 1 } }], empty: {}, none: null }), {
    plan: 'pro', address_city: 'Leeds', address_geo_lat: 53.8, tags: ['a'], product_list: [{ product_id: 'A', meta: { x: 1 } }], none: null,
  });
  const warnings: string[] = [];
  assert.deepEqual(flattenProperties({ address_city: 'A', address: { city: 'B' } }, (m) => warnings.push(m)), { address_city: 'A' });
  assert.deepEqual(warnings, ['properties.address_city: two properties flatten to this name (objects are sent as _-joined names); the later one was left out']);
  const polluted = flattenProperties(JSON.parse('{"__proto__": {"admin": true}, "a": 1}'));
  assert.deepEqual(polluted, { a: 1 });
  assert.equal(Object.getPrototypeOf(polluted), Object.prototype);
});

test('customerProperties: nulls, non-ASCII names and values of 16 KB or more left out, said', () => {
  const warnings: string[] = [];
  assert.deepEqual(customerProperties({ plan: 'pro', 'café': 1, gone: null, notes: 'x'.repeat(16_000), ok: 'x'.repeat(15_999), list: [1, 2] }, (m) => warnings.push(m)), { plan: 'pro', ok: 'x'.repeat(15_999), list: [1, 2] });
  assert.deepEqual(warnings, [
    'properties.café left out: Bloomreach asks customer property names to use ASCII characters only',
    'properties.notes left out: its value is 16000 bytes and Bloomreach takes customer property values under 16 KB',
  ]);
});
