import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelayMs, shouldRetry, THROTTLE_BUDGET_MS, throttledRetryDelayMs, validateRetryPolicy } from './retry-policy.ts';

const none = () => 0;

test("the default schedule is the spec's: 1, 4, 16, 64, 256 s, 6 tries in all", () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, DEFAULT_RETRY_POLICY, { random: none })), [1000, 4000, 16000, 64000, 256000]);
  assert.equal(DEFAULT_RETRY_POLICY.attempts, 6);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((tries) => shouldRetry(tries)), [true, true, true, true, true, false]);
});

test('jitter adds up to 25 %, never less than the step', () => {
  for (let retry = 1; retry <= 5; retry++) {
    const base = 4 ** (retry - 1) * 1000;
    assert.equal(retryDelayMs(retry, DEFAULT_RETRY_POLICY, { random: () => 0 }), base);
    assert.equal(retryDelayMs(retry, DEFAULT_RETRY_POLICY, { random: () => 0.5 }), base * 1.125);
    assert.equal(retryDelayMs(retry, DEFAULT_RETRY_POLICY, { random: () => 0.999999 }), Math.round(base * (1 + 0.25 * 0.999999)));
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(retry, DEFAULT_RETRY_POLICY);
      assert.ok(delay >= base && delay <= base * 1.25, `${delay} within ${base} … +25 %`);
    }
  }
});

test('a longer Retry-After wins, a shorter one does not; the time scale applies to both', () => {
  assert.equal(retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: 30_000 }), 30_000);
  assert.equal(retryDelayMs(3, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: 2_000 }), 16_000);
  assert.equal(retryDelayMs(2, DEFAULT_RETRY_POLICY, { random: none, timeScale: 0.01 }), 40);
  assert.equal(retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: 30_000, timeScale: 0.01 }), 300);
});

test('overrides: base and cap', () => {
  const policy = { attempts: 4, baseSeconds: 2, capSeconds: 3 };
  assert.deepEqual([1, 2, 3].map((retry) => retryDelayMs(retry, policy, { random: none })), [1000, 2000, 3000]);
  assert.deepEqual(validateRetryPolicy({ attempts: 0, baseSeconds: 0.5, capSeconds: 1e9 }).map((p) => p.field), ['attempts', 'baseSeconds', 'capSeconds']);
  assert.deepEqual(validateRetryPolicy({ attempts: 3 }), []);
});

test('Retry-After: seconds or an HTTP date', () => {
  const now = Date.parse('2026-03-24T16:00:00Z');
  assert.equal(parseRetryAfter('30'), 30_000);
  assert.equal(parseRetryAfter('Tue, 24 Mar 2026 16:01:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});

test('Retry-After is cut to an hour: an epoch timestamp or a far date must not pause an integration for decades', () => {
  assert.equal(parseRetryAfter('1767225600'), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter('99999999999999999'), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', Date.parse('2026-03-24T16:00:00Z')), MAX_RETRY_AFTER_MS);
  // A plugin's own retryAfterMs is bounded the same way, and nonsense is ignored.
  assert.equal(retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: 1e20 }), MAX_RETRY_AFTER_MS);
  assert.equal(retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: Number.NaN }), 1000);
  assert.equal(retryDelayMs(1, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: -5 }), 1000);
  assert.equal(throttledRetryDelayMs(0, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: Number.POSITIVE_INFINITY }), 1000);
  assert.equal(throttledRetryDelayMs(0, DEFAULT_RETRY_POLICY, { random: none, retryAfterMs: 1e15 }), MAX_RETRY_AFTER_MS);
});

test('a vendor 429: waits as long as the throttling has lasted (1 s … the cap), a longer Retry-After wins, and a day ends it', () => {
  const delay = (ms: number, options = {}) => throttledRetryDelayMs(ms, DEFAULT_RETRY_POLICY, { random: none, ...options });
  assert.deepEqual([0, 500, 3000, 60_000, 3_600_000].map((ms) => delay(ms)), [1000, 1000, 3000, 60_000, 256_000]);
  assert.equal(delay(0, { retryAfterMs: 30_000 }), 30_000);
  assert.equal(delay(0, { random: () => 0.5 }), 1125, 'jitter adds');
  assert.equal(delay(THROTTLE_BUDGET_MS - 1), 256_000);
  assert.equal(delay(THROTTLE_BUDGET_MS), undefined, 'a day of 429s: dead-lettered');
  assert.equal(delay(0, { timeScale: 0.01 }), 10);
  // The time it has lasted scales too: in tests it is mostly real queue latency, which
  // doubled unscaled made seven 429s take seconds.
  assert.deepEqual([0, 500, 3000, 60_000, 300_000].map((ms) => delay(ms, { timeScale: 0.01 })), [10, 10, 30, 600, 2560]);
  assert.equal(delay(THROTTLE_BUDGET_MS / 100, { timeScale: 0.01 }), undefined, 'the budget scales too');
});
