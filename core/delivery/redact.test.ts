import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactRequest, redactText } from './redact.ts';

test('secrets are masked in headers, URL, query and body; the scheme is kept', () => {
  const safe = redactRequest({
    method: 'POST',
    url: 'https://api.vendor.test/v1/events?key=sk_live_12345&plain=ok',
    query: [['token', 'abc'], ['note', 'has sk_live_12345 inside']],
    headers: { Authorization: 'Bearer sk_live_12345', 'X-Other': 'visible' },
    body: JSON.stringify({ api_key: 'another-secret', events: [{ note: 'sk_live_12345' }], count: 2 }),
    eventIds: ['e1'],
  }, ['sk_live_12345']) as { url: string; headers: Record<string, string>; body: { api_key: string; events: Array<{ note: string }>; count: number } };
  assert.equal(safe.headers.Authorization, `Bearer ${REDACTED}`);
  assert.equal(safe.headers['X-Other'], 'visible');
  assert.equal(safe.url.includes('sk_live_12345'), false);
  assert.match(safe.url, /token=%5BREDACTED%5D/);
  assert.equal(safe.body.api_key, REDACTED);
  assert.equal(safe.body.events[0]!.note, REDACTED);
  assert.equal(safe.body.count, 2);
});

test('redactText ignores secrets shorter than 4 characters', () => {
  assert.equal(redactText('a-b-abcd', ['ab', 'abcd']), `a-b-${REDACTED}`);
});
