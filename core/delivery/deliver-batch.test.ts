import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { eventKeys, MAX_BODY_IN_LOG } from './deliver-batch.ts';
import { REDACTED, redactRequest } from './redact.ts';

test('a large request body is kept as a redacted 16 KB preview in logs and dead letters', () => {
  const small = { method: 'POST' as const, url: 'https://x.test/', headers: {}, body: { events: [1, 2] }, eventIds: [] };
  assert.deepEqual(redactRequest(small, [], { maxBodyChars: MAX_BODY_IN_LOG }), { method: 'POST', url: 'https://x.test/', headers: {}, body: { events: [1, 2] } });
  const events = Array.from({ length: 2000 }, (_, i) => ({ event_type: 'Page Viewed', insert_id: `id-${i}`, note: 'sk_live_12345' }));
  for (const body of [{ api_key: 'k-123456', events }, JSON.stringify({ api_key: 'k-123456', events })]) {
    const big = redactRequest({ method: 'POST', url: 'https://x.test', body, eventIds: [] }, ['sk_live_12345'], { maxBodyChars: MAX_BODY_IN_LOG }) as { body: { $truncated: boolean; bytes: number; preview: string } };
    assert.equal(big.body.$truncated, true);
    assert.equal(big.body.bytes, JSON.stringify({ api_key: 'k-123456', events }).length);
    assert.ok(big.body.preview.startsWith(`{"api_key":"${REDACTED}","events":[{"event_type":"Page Viewed"`), big.body.preview.slice(0, 80));
    assert.equal(big.body.preview.includes('sk_live_12345'), false);
    assert.equal(big.body.preview.includes('k-123456'), false);
  }
  // A secret straddling the cut leaves no half behind.
  const secret = 'sk_live_ABCDEFGHIJKLMNOP';
  const padded = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_IN_LOG - 30), note: secret, more: 'y'.repeat(100) });
  const cut = redactRequest({ method: 'POST', url: 'https://x.test', body: padded, eventIds: [] }, [secret], { maxBodyChars: MAX_BODY_IN_LOG }) as { body: { preview: string } };
  assert.equal(cut.body.preview.includes('sk_live_'), false);
});

test('every event of a delivery gets its own key, even when messageIds repeat or read like a key', () => {
  const events = ['a', 'b', 'a', 'a#2', 'a'].map((messageId) => ({ messageId }) as CanonicalEvent);
  assert.deepEqual(eventKeys(events), ['a', 'b', 'a#2', 'a#2#2', 'a#3']);
});
