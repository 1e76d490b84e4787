import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultClassify } from './default-classify.ts';

const response = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers });

test('2xx is delivered', () => {
  for (const status of [200, 201, 202, 204, 299]) assert.deepEqual(defaultClassify(response(status, 'ok')), { status: 'delivered' });
});

test('408, 429 and 5xx are retried, quoting the status and body', () => {
  assert.deepEqual(defaultClassify(response(408)), { status: 'retry', reason: 'HTTP 408' });
  assert.deepEqual(defaultClassify(response(429, 'slow down')), { status: 'retry', reason: 'HTTP 429: slow down' });
  assert.deepEqual(defaultClassify(response(502, '<html>\n  bad gateway\n</html>')), { status: 'retry', reason: 'HTTP 502: <html> bad gateway </html>' });
  for (const status of [500, 503, 504, 599]) assert.equal(defaultClassify(response(status)).status, 'retry', `HTTP ${status}`);
});

test('Retry-After in seconds or as an HTTP-date becomes retryAfterMs, whatever the header case', () => {
  assert.deepEqual(defaultClassify(response(429, 'slow down', { 'retry-after': '7' })), { status: 'retry', reason: 'HTTP 429: slow down', retryAfterMs: 7000 });
  assert.deepEqual(defaultClassify(response(503, '', { 'Retry-After': '2' })), { status: 'retry', reason: 'HTTP 503', retryAfterMs: 2000 });
  const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
  const outcome = defaultClassify(response(503, '', { 'retry-after': inOneMinute }));
  assert.ok(outcome.status === 'retry' && outcome.retryAfterMs !== undefined, JSON.stringify(outcome));
  assert.ok(outcome.retryAfterMs > 55_000 && outcome.retryAfterMs <= 60_000, String(outcome.retryAfterMs));
  const past = defaultClassify(response(503, '', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }));
  assert.ok(past.status === 'retry' && past.retryAfterMs === 0);
  assert.deepEqual(defaultClassify(response(503, '', { 'retry-after': 'soon' })), { status: 'retry', reason: 'HTTP 503' });
});

test('other statuses are dead-lettered with the status and a truncated body', () => {
  assert.deepEqual(defaultClassify(response(400, '{"error":"missing field"}')), { status: 'dead_letter', reason: 'HTTP 400: {"error":"missing field"}' });
  for (const status of [401, 403, 404, 410, 413, 422, 301]) assert.equal(defaultClassify(response(status)).status, 'dead_letter', `HTTP ${status}`);
  const long = defaultClassify(response(401, 'x'.repeat(500)));
  assert.ok(long.status === 'dead_letter');
  assert.equal(long.reason, `HTTP 401: ${'x'.repeat(200)}…`);
});
