import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { migrate } from '../db/migrate.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { createRateLimiter, endpointLimit } from './rate-limiter.ts';

let db: TestDatabase;
let poolA: Pool;
let poolB: Pool;
before(async () => {
  db = await createTestDatabase('ratelimit');
  poolA = createPool(db.url, 4);
  poolB = createPool(db.url, 4);
  await migrate(poolA);
});
after(async () => {
  await poolA.end();
  await poolB.end();
  await db.drop();
});

test('the burst is granted at once, then the rate applies', async () => {
  const limiter = createRateLimiter(poolA);
  const id = randomUUID();
  const limit = { rps: 5, burst: 10, daily: 0 };
  assert.equal((await limiter.tryAcquire(id, limit, 4)).granted, 4);
  assert.equal((await limiter.tryAcquire(id, limit, 10)).granted, 6);
  const empty = await limiter.tryAcquire(id, limit, 1);
  assert.equal(empty.granted, 0);
  assert.ok(empty.waitMs > 0 && empty.waitMs <= 200, `waits about one token's time, got ${empty.waitMs}`);
});

test('two limiters on separate pools share one budget (as two worker processes do)', async () => {
  const a = createRateLimiter(poolA);
  const b = createRateLimiter(poolB);
  const id = randomUUID();
  const limit = { rps: 20, burst: 20, daily: 0 };
  const started = Date.now();
  let sent = 0;
  // 60 requests at 20/s with a burst of 20 take about 2 s, whichever process asks.
  await Promise.all([a, b].map(async (limiter) => {
    while (sent < 60) {
      const n = await limiter.take(id, limit, 1);
      sent += n;
    }
  }));
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1700, `the shared bucket held both back (${elapsed} ms)`);
  assert.ok(elapsed < 4000, `and did not stall (${elapsed} ms)`);
});

test('the daily cap stops grants for the day; 0 means unlimited', async () => {
  const limiter = createRateLimiter(poolA);
  const id = randomUUID();
  const limit = { rps: 0, burst: 0, daily: 3 };
  assert.equal((await limiter.tryAcquire(id, limit, 5)).granted, 3);
  const capped = await limiter.tryAcquire(id, limit, 1);
  assert.equal(capped.granted, 0);
  assert.ok(capped.waitMs > 0 && capped.waitMs <= 86_400_000, 'waits until UTC midnight');
  assert.equal((await limiter.tryAcquire(randomUUID(), { rps: 0, burst: 0, daily: 0 }, 500)).granted, 500);
});

test("a vendor 429 pauses the integration and halves its rate; success recovers it", async () => {
  const limiter = createRateLimiter(poolA);
  const id = randomUUID();
  const limit = { rps: 100, burst: 100, daily: 0 };
  assert.equal((await limiter.tryAcquire(id, limit, 1)).granted, 1);
  await limiter.throttle(id, 300);
  const paused = await limiter.tryAcquire(id, limit, 1);
  assert.equal(paused.granted, 0);
  assert.ok(paused.waitMs > 200 && paused.waitMs <= 300, `honours the pause (${paused.waitMs})`);
  const { rows } = await poolA.query('SELECT slowdown FROM signal.rate_limits WHERE template_id = $1', [id]);
  assert.equal(rows[0].slowdown, 0.5);
  await new Promise((r) => setTimeout(r, 320));
  assert.equal((await limiter.tryAcquire(id, limit, 1)).granted, 1);
  await limiter.recover(id);
  const after = await poolA.query('SELECT slowdown FROM signal.rate_limits WHERE template_id = $1', [id]);
  assert.ok(Math.abs(after.rows[0].slowdown - 0.55) < 1e-9);
  for (let i = 0; i < 7; i++) await limiter.recover(id);
  const full = await poolA.query('SELECT slowdown FROM signal.rate_limits WHERE template_id = $1', [id]);
  assert.equal(full.rows[0].slowdown, 1, 'back to the full rate, not beyond');
  // A process that saw the 429 only through the bucket recovers it too.
  await limiter.throttle(id, 0);
  const other = createRateLimiter(poolB);
  await other.tryAcquire(id, limit, 1);
  await other.recover(id);
  const shared = await poolA.query('SELECT slowdown FROM signal.rate_limits WHERE template_id = $1', [id]);
  assert.ok(Math.abs(shared.rows[0].slowdown - 0.55) < 1e-9);
});

test('an unlimited integration is granted everything, but still honours a vendor pause', async () => {
  const limiter = createRateLimiter(poolA);
  const id = randomUUID();
  const unlimited = { rps: 0, burst: 0, daily: 0 };
  assert.equal((await limiter.tryAcquire(id, unlimited, 250)).granted, 250);
  await limiter.throttle(id, 500);
  const paused = await limiter.tryAcquire(id, unlimited, 1);
  assert.equal(paused.granted, 0);
  assert.ok(paused.waitMs > 300);
});

test('a wait for the rate limit ends at once when the process stops (the batch then puts back its rest)', async () => {
  const limiter = createRateLimiter(poolA);
  const id = randomUUID();
  const limit = { rps: 0.1, burst: 1, daily: 0 };
  assert.equal(await limiter.take(id, limit, 1), 1);
  const stopping = new AbortController();
  setTimeout(() => stopping.abort(), 100);
  const started = Date.now();
  // The next token is ten seconds away, within the deadline: only the abort ends the wait.
  assert.equal(await limiter.take(id, limit, 1, Date.now() + 60_000, stopping.signal), 0);
  assert.ok(Date.now() - started < 1000, `returned after ${Date.now() - started} ms`);
  assert.equal(await limiter.take(id, limit, 1, Date.now() + 60_000, stopping.signal), 0, 'already stopped: no wait at all');
});

test("an endpoint's bucket is its own: emptying it leaves the integration's and another endpoint's full; a 429 there pauses it alone", async () => {
  const limiter = createRateLimiter(poolA);
  const templateId = randomUUID();
  const limit = { rps: 1, burst: 2, daily: 0 };
  assert.equal((await limiter.tryAcquire({ templateId, endpoint: 'users' }, limit, 5)).granted, 2);
  assert.equal((await limiter.tryAcquire({ templateId, endpoint: 'users' }, limit, 1)).granted, 0);
  assert.equal((await limiter.tryAcquire({ templateId, endpoint: 'events' }, limit, 5)).granted, 2);
  assert.equal((await limiter.tryAcquire(templateId, limit, 5)).granted, 2, "the integration's own bucket");

  await limiter.throttle({ templateId, endpoint: 'events' }, 60_000);
  const { rows } = await poolA.query<{ endpoint: string; paused: boolean }>(
    'SELECT endpoint, paused_until IS NOT NULL AS paused FROM signal.rate_limits WHERE template_id = $1 ORDER BY endpoint', [templateId]);
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ endpoint: '', paused: false }, { endpoint: 'events', paused: true }, { endpoint: 'users', paused: false }]);
});

test("an endpoint's limit follows the admin's scaling of the integration's rate; unknown endpoints have none", () => {
  const defaults = { rps: 10, endpoints: { users: { rps: 5 }, events: { rps: 10, burst: 10 } } };
  assert.deepEqual(endpointLimit(defaults, { rps: 10, burst: 20, daily: 0 }, 'users'), { rps: 5, burst: 10, daily: 0 });
  assert.deepEqual(endpointLimit(defaults, { rps: 20, burst: 40, daily: 0 }, 'events'), { rps: 20, burst: 20, daily: 0 });
  assert.deepEqual(endpointLimit(defaults, { rps: 0, burst: 0, daily: 0 }, 'users'), { rps: 0, burst: 0, daily: 0 }, 'unlimited lifts them too');
  assert.deepEqual(endpointLimit(defaults, { rps: 0.1, burst: 1, daily: 0 }, 'users'), { rps: 0.05, burst: 1, daily: 0 }, 'a burst of at least one');
  assert.equal(endpointLimit(defaults, { rps: 10, burst: 20, daily: 0 }, 'toString'), undefined);
  assert.equal(endpointLimit({ rps: 10 }, { rps: 10, burst: 20, daily: 0 }, 'users'), undefined);
});
