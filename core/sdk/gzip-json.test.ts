import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { gzipJson } from './gzip-json.ts';

test('gzipJson: the value\'s JSON as UTF-8, gzipped into a plain Uint8Array, the same bytes each time', () => {
  const value = [{ message: 'track Bestellung abgeschlossen', city: 'Zürich', n: 1 }, { nested: { list: [1, 'two', null] } }];
  const body = gzipJson(value);
  assert.equal(Object.getPrototypeOf(body), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer');
  assert.deepEqual([body[0], body[1]], [0x1f, 0x8b], 'gzip\'s magic bytes');
  assert.equal(gunzipSync(body).toString('utf8'), JSON.stringify(value));
  assert.deepEqual(gzipJson(value), body, 'deterministic: a retry sends the same bytes');
  assert.equal(gunzipSync(gzipJson({})).toString('utf8'), '{}');
});
