import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { splitBatch } from './split-batch.ts';

const event = (id: string, size: number) => ({ id, event: {} as CanonicalEvent, payload: { id, pad: 'x'.repeat(size) } });

test('splits by count and by serialised size, keeping order', () => {
  const batch = Array.from({ length: 7 }, (_, i) => event(`e${i}`, 10));
  assert.deepEqual(splitBatch(batch, { maxEvents: 3, maxBytes: 10_000 }).map((b) => b.map((e) => e.id)), [['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6']]);
  const one = Buffer.byteLength(JSON.stringify(batch[0]!.payload)) + 1;
  assert.deepEqual(splitBatch(batch, { maxEvents: 100, maxBytes: one * 2 + 10, overheadBytes: 10 }).map((b) => b.length), [2, 2, 2, 1]);
});

test('an oversize event travels alone', () => {
  const batches = splitBatch([event('small', 1), event('huge', 500), event('small2', 1)], { maxEvents: 10, maxBytes: 100 });
  assert.deepEqual(batches.map((b) => b.map((e) => e.id)), [['small'], ['huge'], ['small2']]);
});
