import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDataException, isRefusedData, nulPath } from './refused-data.ts';

test('nulPath names the first string or key holding a NUL, in the path form errors use', () => {
  assert.equal(nulPath({ input: { name: 'ok', note: 'a\u0000b' } }), 'input.note');
  assert.equal(nulPath({ ids: ['1', '2\u0000'] }), 'ids[1]');
  assert.equal(nulPath({ config: { headers: { 'X-A': 'b\u0000' } } }), 'config.headers["X-A"]');
  assert.equal(nulPath({ config: { 'k\u0000': 1 } }), 'config["k\\u0000"]');
  assert.equal(nulPath({ source: 'events: {}', note: null, limit: 5 }), undefined);
  assert.equal(nulPath(undefined), undefined);
});

test('nulPath stops at its depth bound instead of overflowing the stack', () => {
  let deep: unknown = 'a\u0000';
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.equal(nulPath(deep), undefined);
});

test('a data exception is the caller\'s input at fault; other errors are not', () => {
  assert.equal(isDataException(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })), true);
  assert.equal(isDataException(Object.assign(new Error('timeout'), { code: '57014' })), false);
  assert.equal(isRefusedData(new TypeError('not a UUID: x')), true);
});
