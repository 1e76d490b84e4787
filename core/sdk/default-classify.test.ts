import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultClassify } from './default-classify.ts';

const response = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers });

test('2xx delivered; 408, 429, 5xx retried; other 4xx dead-lettered with the body', () => {
  assert.deepEqual(defaultClassify(response(200)), { status: 'delivered' });
  assert.deepEqual(defaultClassify(response(204)), { status: 'delivered' });
  assert.deepEqual(defaultClassify(response(429, 'slow down', { 'retry-after': '7' })), { status: 'retry', reason: 'HTTP 429: slow down', retryAfterMs: 7000 });
  assert.deepEqual(defaultClassify(response(408)), { status: 'retry', reason: 'HTTP 408' });
  assert.deepEqual(defaultClassify(response(502, '<html>bad gateway</html>')), { status: 'retry', reason: 'HTTP 502: <html>bad gateway</html>' });
  assert.deepEqual(defaultClassify(response(400, '{"error":"missing field"}')), { status: 'dead_letter', reason: 'HTTP 400: {"error":"missing field"}' });
  assert.equal(defaultClassify(response(404)).status, 'dead_letter');
  const long = defaultClassify(response(401, 'x'.repeat(500)));
  assert.equal(long.status, 'dead_letter');
  assert.ok(long.status === 'dead_letter' && long.reason.length < 220);
});
