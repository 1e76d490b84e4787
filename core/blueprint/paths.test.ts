import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGetter, compileRemover, compileSetter, copyJson, parsePath } from './paths.ts';

const event = {
  userId: 'u',
  properties: { products: [{ price: 1, tags: ['a'] }, { tags: ['b', 'c'] }, { price: 3 }], nested: { a: { b: { c: { d: 'deep' } } } } },
};

test('getters read plain, deep, indexed and [] paths; missing is undefined', () => {
  assert.equal(compileGetter('userId')(event), 'u');
  assert.equal(compileGetter('properties.nested.a.b.c.d')(event), 'deep');
  assert.equal(compileGetter('properties.products.2.price')(event), 3);
  assert.deepEqual(compileGetter('properties.products[].price')(event), [1, 3], 'elements without it are left out');
  assert.deepEqual(compileGetter('properties.products[].tags[]')(event), [['a'], ['b', 'c']]);
  assert.deepEqual(compileGetter('properties.products[]')(event), event.properties.products);
  assert.equal(compileGetter('properties.nothing[].x')(event), undefined);
  assert.equal(compileGetter('userId.length')(event), undefined, 'no reading into text');
  assert.equal(compileGetter('properties.toString')(event), undefined, 'inherited members are not data');
  assert.equal(compileGetter('a.b.c.d.e')(null), undefined);
});

test('path syntax is checked; prototype keys are refused', () => {
  assert.deepEqual(parsePath('user_properties.$set.email'), { segments: [{ key: 'user_properties', each: false }, { key: '$set', each: false }, { key: 'email', each: false }] });
  assert.match((parsePath('a..b') as { error: string }).error, /"" in "a\.\.b" is not a valid path segment/);
  assert.match((parsePath('a.b c') as { error: string }).error, /"b c"/);
  assert.match((parsePath('') as { error: string }).error, /non-empty/);
  for (const bad of ['__proto__.x', 'a.constructor', 'a.prototype.b']) assert.match((parsePath(bad) as { error: string }).error, /is not allowed in a path/);
  assert.throws(() => compileSetter('a[].b'), /cannot contain \[\]/);
});

test('setters create the objects on the way; removers delete', () => {
  const out: Record<string, unknown> = { user_properties: 'not an object' };
  compileSetter('user_properties.$set.email')(out, 'a@b.co');
  compileSetter('top')(out, 1);
  assert.deepEqual(out, { user_properties: { $set: { email: 'a@b.co' } }, top: 1 });
  compileRemover('user_properties.$set.email')(out);
  compileRemover('missing.path')(out);
  assert.deepEqual(out, { user_properties: { $set: {} }, top: 1 });
});

test('copyJson copies deeply and drops own __proto__ keys', () => {
  const source = JSON.parse('{"a":[{"b":1}],"__proto__":{"polluted":true}}') as Record<string, unknown>;
  const copy = copyJson(source);
  assert.deepEqual(copy, { a: [{ b: 1 }] });
  assert.notEqual(copy.a, source.a);
  assert.equal((copy as { polluted?: boolean }).polluted, undefined);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
});

test('a numeric segment writes into and removes from the list already there; the list stays a list', () => {
  const out: Record<string, unknown> = { items: [{ sku: 'A', price: '10' }, { sku: 'B' }], emails: ['a@b.co', 'c@d.co'] };
  assert.equal(compileSetter('items.0.price')(out, 10), true);
  assert.equal(compileSetter('emails.1')(out, 'x'), true);
  assert.deepEqual(out, { items: [{ sku: 'A', price: 10 }, { sku: 'B' }], emails: ['a@b.co', 'x'] });
  assert.equal(compileSetter('items.5.price')(out, 1), false, 'past the end: nothing written');
  assert.deepEqual(out, { items: [{ sku: 'A', price: 10 }, { sku: 'B' }], emails: ['a@b.co', 'x'] });
  // No list there: the number is a key, as before lists were reached into.
  const fresh: Record<string, unknown> = {};
  assert.equal(compileSetter('missing.0.price')(fresh, 1), true);
  assert.deepEqual(fresh, { missing: { 0: { price: 1 } } });
  const keyed: Record<string, unknown> = { scores: { 0: 'zero' } };
  assert.equal(compileSetter('scores.0')(keyed, 'nil'), true, 'over an object the number is a key');
  assert.deepEqual(keyed, { scores: { 0: 'nil' } });
  compileRemover('items.0')(out);
  compileRemover('emails.7')(out);
  assert.deepEqual(out, { items: [{ sku: 'B' }], emails: ['a@b.co', 'x'] }, 'the element is taken out; past the end nothing happens');
});
