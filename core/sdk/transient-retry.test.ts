import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transientRetry } from './transient-retry.ts';
import type { VendorResponse } from './types.ts';

const answer = (status: number, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: '' });

test('transientRetry: a 429 is the vendor\'s rate limit, throttled, after Retry-After when given', () => {
  assert.deepEqual(transientRetry(answer(429, { 'Retry-After': '7' }), 'Branch', 'Rate limit reached.'), {
    status: 'retry', reason: 'Branch rate limit reached (HTTP 429: Rate limit reached.)', retryAfterMs: 7000, throttled: true,
  });
  assert.deepEqual(transientRetry(answer(429), 'Taboola', '(no body)'), { status: 'retry', reason: 'Taboola rate limit reached (HTTP 429: (no body))', throttled: true });
});

test('transientRetry: a 5xx and a 408 are retried, honouring Retry-After; not throttled', () => {
  assert.deepEqual(transientRetry(answer(503, { 'retry-after': '2' }), 'Outbrain', 'Service Unavailable'), { status: 'retry', reason: 'Outbrain HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.deepEqual(transientRetry(answer(500), 'AppsFlyer', 'Internal Server Error'), { status: 'retry', reason: 'AppsFlyer HTTP 500: Internal Server Error' });
  assert.deepEqual(transientRetry(answer(408), 'AppsFlyer', '(no body)'), { status: 'retry', reason: 'AppsFlyer HTTP 408: (no body)' });
  assert.deepEqual(transientRetry(answer(502, { 'retry-after': 'soon' }), 'X', 'bad gateway'), { status: 'retry', reason: 'X HTTP 502: bad gateway' }, 'an unreadable Retry-After is none');
});

test('transientRetry: any other status is for the plugin to read', () => {
  for (const status of [200, 204, 301, 400, 401, 403, 404, 413, 422, 600]) assert.equal(transientRetry(answer(status), 'X', 'said'), undefined, String(status));
});
