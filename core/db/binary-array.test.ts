import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { serverUrl } from '../../test/helpers/database.ts';
import { ElementType, stringArray, timestampArray, uuidArray } from './binary-array.ts';
import { createPool } from './pool.ts';

// Read-only queries: the server's own database is enough.
const pool = createPool(serverUrl(), 2);
after(() => pool.end());

async function unnest<T>(cast: string, parameter: Buffer, column = 'value'): Promise<T[]> {
  const { rows } = await pool.query<Record<string, T>>(`SELECT ${column} FROM unnest($1::${cast}) WITH ORDINALITY AS u(value, n) ORDER BY n`, [parameter]);
  return rows.map((row) => row[Object.keys(row)[0]!]!);
}

test('text[] keeps every string as it was: quotes, backslashes, commas, braces, non-ASCII, empty', async () => {
  const strings = ['plain', 'with "quotes" and \\backslashes\\', '{braces},commas', 'NULL', '', 'café ☕ 𝄞 日本語', 'x'.repeat(70_000)];
  assert.deepEqual(await unnest('text[]', stringArray(ElementType.text, strings)), strings);
});

test('text[] turns a lone surrogate into U+FFFD, as any UTF-8 encoding must', async () => {
  assert.deepEqual(await unnest('text[]', stringArray(ElementType.text, ['a\ud800b'])), ['a\ufffdb']);
});

test('json[] is checked by PostgreSQL: valid JSON is kept as text, invalid JSON is refused', async () => {
  const documents = ['{"a":1,"b":[true,null,"x\\"y"],"c":"\\u0000 stays escaped"}', '[]'];
  assert.deepEqual(await unnest('json[]', stringArray(ElementType.json, documents), 'value::text'), documents);
  await assert.rejects(unnest('json[]', stringArray(ElementType.json, ['{"a":'])), /invalid input syntax for type json/);
});

test('an empty array is an empty array', async () => {
  assert.deepEqual(await unnest('text[]', stringArray(ElementType.text, [])), []);
  assert.deepEqual(await unnest('uuid[]', uuidArray([])), []);
});

test('uuid[] from canonical strings; anything else is refused before it is sent', async () => {
  const ids = [randomUUID(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];
  assert.deepEqual(await unnest('uuid[]', uuidArray(ids)), ids);
  assert.throws(() => uuidArray(['not-a-uuid']), /not a UUID: not-a-uuid/);
});

test('timestamptz[] keeps the millisecond, before and after 2000, and refuses what is not a date', async () => {
  const instants = ['2026-11-30T07:07:57.415Z', '2000-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.001Z', '2100-06-15T12:00:00.500Z'];
  const stored = await unnest<Date>('timestamptz[]', timestampArray(instants));
  assert.deepEqual(stored.map((date) => date.toISOString()), instants);
  assert.throws(() => timestampArray(['yesterday']), /not a timestamp: yesterday/);
});
