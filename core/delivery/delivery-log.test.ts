import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Pool } from '../db/pool.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { createDeliveryLog, DELIVERY_LOG_KEEP, type Exchange } from './delivery-log.ts';

let db: MigratedDatabase;
let pool: Pool;
before(async () => {
  db = await createMigratedDatabase('deliverylog', 4);
  pool = db.pool;
});
after(() => db.close());

function exchange(integrationId: string, n: number): Exchange {
  return {
    pipelineIntegrationId: integrationId, revisionId: null, eventIds: [`e-${n}`], attempt: 1,
    request: { method: 'POST', url: 'https://hooks.example.com/', headers: {}, body: { n } },
    responseStatus: 200, responseBody: 'ok', error: null, outcome: 'delivered', durationMs: 3,
  };
}

async function stored(integrationId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signal.delivery_log WHERE pipeline_integration_id = $1', [integrationId]);
  return rows[0]!.n;
}

test('exchanges are gathered, written together after flushMs, and readable at once', async () => {
  const log = createDeliveryLog(pool, { flushMs: 60_000 });
  const id = randomUUID();
  await log.record([exchange(id, 1)]);
  await log.record([exchange(id, 2), exchange(id, 3)]);
  assert.equal(await stored(id), 0, 'nothing written before the flush');
  const latest = await log.recent(id, 10);
  assert.deepEqual(latest.map((x) => x.eventIds[0]), ['e-3', 'e-2', 'e-1'], 'a read flushes first, newest first');
  assert.equal(latest[0]!.responseStatus, 200);

  const timed = createDeliveryLog(pool, { flushMs: 20 });
  const other = randomUUID();
  await timed.record([exchange(other, 1)]);
  for (let i = 0; i < 50 && (await stored(other)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await stored(other), 1, 'written by the timer');
});

test("the entry of dropped events (no request) is kept and read back with its reasons", async () => {
  const log = createDeliveryLog(pool, { flushMs: 60_000 });
  const id = randomUUID();
  await log.record([{
    pipelineIntegrationId: id, revisionId: null, eventIds: ['e-1'], attempt: 1, request: null, responseStatus: null, responseBody: null,
    error: 'not sent: the mapping dropped this event (why, by event id, in warnings)', outcome: 'dropped', durationMs: 0,
    warnings: { 'e-1': ['dropped: blueprint: the "page" handler\'s filter did not match: userId exists'] },
  }]);
  const [entry] = await log.recent(id, 1);
  assert.equal(entry!.request, null);
  assert.equal(entry!.outcome, 'dropped');
  assert.deepEqual(entry!.warnings, { 'e-1': ['dropped: blueprint: the "page" handler\'s filter did not match: userId exists'] });
  await log.close();
});

test('a limit outside 1 to 500 is named, not clamped', async () => {
  const log = createDeliveryLog(pool, { flushMs: 60_000 });
  for (const limit of [0, -1, 501, 2.5]) {
    await assert.rejects(log.recent(randomUUID(), limit), (error: Error & { fields?: unknown }) => {
      assert.deepEqual(error.fields, [{ field: 'limit', message: 'must be 1 to 500' }], String(limit));
      return true;
    });
  }
  assert.deepEqual(await log.recent(randomUUID(), 500), []);
  await log.close();
});

test('only the newest DELIVERY_LOG_KEEP of a gathering are written per integration; close writes the rest', async () => {
  const log = createDeliveryLog(pool, { flushMs: 60_000 });
  const busy = randomUUID();
  const quiet = randomUUID();
  const total = DELIVERY_LOG_KEEP * 2 + 345;
  for (let n = 1; n <= total; n += 100) await log.record(Array.from({ length: Math.min(100, total - n + 1) }, (_, i) => exchange(busy, n + i)));
  await log.record([exchange(quiet, 1)]);
  await log.close();
  assert.equal(await stored(busy), DELIVERY_LOG_KEEP);
  assert.equal(await stored(quiet), 1);
  const [newest] = await log.recent(busy, 1);
  assert.equal(newest!.eventIds[0], `e-${total}`);
  const { rows } = await pool.query<{ first: string }>('SELECT event_ids[1] AS first FROM signal.delivery_log WHERE pipeline_integration_id = $1 ORDER BY id LIMIT 1', [busy]);
  assert.equal(rows[0]!.first, `e-${total - DELIVERY_LOG_KEEP + 1}`, 'the oldest kept is exactly KEEP back');
});

test('a failed write is reported, and the log keeps working', async () => {
  const errors: string[] = [];
  const log = createDeliveryLog(pool, { flushMs: 60_000, onError: (error) => errors.push(error.message) });
  await log.record([{ ...exchange(randomUUID(), 1), pipelineIntegrationId: 'not-a-uuid' }]);
  await log.flush();
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /uuid/);
  const id = randomUUID();
  await log.record([exchange(id, 1)]);
  await log.flush();
  assert.equal(await stored(id), 1);
});

test("an exchange's warnings (what the mapping left out) are stored and read back; none reads as absent", async () => {
  const log = createDeliveryLog(pool, { flushMs: 60_000 });
  const id = randomUUID();
  await log.record([{ ...exchange(id, 1), warnings: { 'e-1': ['revenue: to_number: "1,299.00" is not a number; the field was left out'] } }, exchange(id, 2)]);
  const [plain, warned] = await log.recent(id, 10);
  assert.equal(plain!.warnings, undefined);
  assert.deepEqual(warned!.warnings, { 'e-1': ['revenue: to_number: "1,299.00" is not a number; the field was left out'] });
  await log.close();
});
