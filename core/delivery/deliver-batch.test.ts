import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactForLog } from './deliver-batch.ts';

test('a large request body is kept as a 16 KB preview in logs and dead letters', () => {
  const small = { method: 'POST', url: 'https://x.test', headers: {}, body: { events: [1, 2] } };
  assert.deepEqual(compactForLog(small), small);
  const events = Array.from({ length: 2000 }, (_, i) => ({ event_type: 'Page Viewed', insert_id: `id-${i}` }));
  const big = compactForLog({ method: 'POST', url: 'https://x.test', headers: {}, body: { events } }) as { body: { $truncated: boolean; bytes: number; preview: string } };
  assert.equal(big.body.$truncated, true);
  assert.equal(big.body.bytes, JSON.stringify({ events }).length);
  assert.equal(big.body.preview.length, 16 * 1024);
  assert.ok(big.body.preview.startsWith('{"events":[{"event_type":"Page Viewed"'));
});
