import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Pool } from '../db/pool.ts';
import { createEventStore } from '../services/events.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { findRepeats, type Sighting } from './deduplication.ts';

let db: MigratedDatabase;
let pool: Pool;

before(async () => {
  db = await createMigratedDatabase('dedup', 6);
  pool = db.pool;
});
after(async () => {
  await db.close();
});

let nextId = 1;
function sighting(pipelineId: string, messageId: string, receivedAt = new Date()): Sighting {
  return { id: nextId++, pipelineId, messageId, receivedAt };
}
const execute = (text: string, values: unknown[]) => pool.query(text, values);
/** Every pipeline's window: 24 hours. */
const dailyWindow = () => 24;

test('a message id seen before in its pipeline repeats; the same id in another pipeline does not', async () => {
  const web = randomUUID();
  const app = randomUUID();
  const first = await findRepeats([sighting(web, 'm-1'), sighting(web, 'm-2')], dailyWindow, execute);
  assert.equal(first.repeated.size, 0);
  const again = [sighting(web, 'm-1'), sighting(app, 'm-1'), sighting(web, 'm-3')];
  const second = await findRepeats(again, dailyWindow, execute);
  assert.deepEqual([...second.repeated], [again[0]!.id], 'm-1 repeats in web only');
  assert.deepEqual([...second.perPipeline], [[web, 1]]);
});

test('within one batch, the first copy goes and the later ones repeat it', async () => {
  const pipeline = randomUUID();
  const batch = [sighting(pipeline, 'b-1'), sighting(pipeline, 'b-1'), sighting(pipeline, 'b-2'), sighting(pipeline, 'b-1')];
  const { repeated, perPipeline } = await findRepeats(batch, dailyWindow, execute);
  assert.deepEqual([...repeated].sort(), [batch[1]!.id, batch[3]!.id].sort());
  assert.equal(perPipeline.get(pipeline), 2);
});

test('a copy received after the window is new again, and starts a new window', async () => {
  const pipeline = randomUUID();
  const day = 24 * 3600_000;
  const monday = new Date(Date.now() - 3 * day);
  await findRepeats([sighting(pipeline, 'w-1', monday)], dailyWindow, execute);
  // 23 hours later: a repeat, which does not move the window (a stream of retries cannot hold it open).
  assert.equal((await findRepeats([sighting(pipeline, 'w-1', new Date(monday.getTime() + 23 * 3600_000))], dailyWindow, execute)).repeated.size, 1);
  // 25 hours after the first copy: new.
  const tuesday = new Date(monday.getTime() + 25 * 3600_000);
  assert.equal((await findRepeats([sighting(pipeline, 'w-1', tuesday)], dailyWindow, execute)).repeated.size, 0);
  assert.equal((await findRepeats([sighting(pipeline, 'w-1', new Date(tuesday.getTime() + 3600_000))], dailyWindow, execute)).repeated.size, 1);
});

test('message ids of any length are kept (as their digest)', async () => {
  const pipeline = randomUUID();
  const long = 'x'.repeat(20_000) + 'é🎉';
  assert.equal((await findRepeats([sighting(pipeline, long)], dailyWindow, execute)).repeated.size, 0);
  assert.equal((await findRepeats([sighting(pipeline, long)], dailyWindow, execute)).repeated.size, 1);
  assert.equal((await findRepeats([sighting(pipeline, long.slice(0, -1))], dailyWindow, execute)).repeated.size, 0, 'one character less is another id');
});

test('two fan-outs of the same id at once: the one that commits first wins, a rolled-back one records nothing', async () => {
  const pipeline = randomUUID();
  const a = await pool.connect();
  const b = await pool.connect();
  try {
    await a.query('BEGIN');
    await b.query('BEGIN');
    assert.equal((await findRepeats([sighting(pipeline, 'c-1')], dailyWindow, (t, v) => a.query(t, v))).repeated.size, 0);
    // b waits on a's row until a ends.
    const waiting = findRepeats([sighting(pipeline, 'c-1')], dailyWindow, (t, v) => b.query(t, v));
    await new Promise((r) => setTimeout(r, 100));
    await a.query('ROLLBACK');
    assert.equal((await waiting).repeated.size, 0, 'a rolled back: b is the first');
    await b.query('COMMIT');
    // Now a commits first: b, waiting on it, then sees a repeat.
    await a.query('BEGIN');
    await b.query('BEGIN');
    assert.equal((await findRepeats([sighting(pipeline, 'c-2')], dailyWindow, (t, v) => a.query(t, v))).repeated.size, 0);
    const second = findRepeats([sighting(pipeline, 'c-2')], dailyWindow, (t, v) => b.query(t, v));
    await new Promise((r) => setTimeout(r, 100));
    await a.query('COMMIT');
    assert.equal((await second).repeated.size, 1, 'a committed it first');
    await b.query('COMMIT');
  } finally {
    a.release();
    b.release();
  }
});

test('the prune removes what is past the window each sighting was recorded under', async () => {
  const pipeline = randomUUID();
  const old = new Date(Date.now() - 48 * 3600_000);
  await findRepeats([sighting(pipeline, 'p-old', old), sighting(pipeline, 'p-new')], dailyWindow, execute);
  await pool.query(`UPDATE signal.seen_messages SET recorded_at = seen_at WHERE pipeline_id = $1`, [pipeline]); // recorded when received
  const events = createEventStore(pool);
  assert.ok((await events.pruneSightings(1)) >= 1);
  const left = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signal.seen_messages WHERE pipeline_id = $1', [pipeline])).rows[0]!.n;
  assert.equal(await left(), 1);
  await pool.query(`UPDATE signal.seen_messages SET window_hours = 0 WHERE pipeline_id = $1`, [pipeline]);
  await events.pruneSightings();
  assert.equal(await left(), 0);
});

test('behind a backlog, a first copy recorded late stays for the retries fanned out after it', async () => {
  // Both copies were received 26 and 25 hours ago; the pipeline stage reaches them only now,
  // with a maintenance prune between the two fan-outs.
  const pipeline = randomUUID();
  const first = new Date(Date.now() - 26 * 3600_000);
  assert.equal((await findRepeats([sighting(pipeline, 'late-1', first)], dailyWindow, execute)).repeated.size, 0);
  await createEventStore(pool).pruneSightings();
  const retry = await findRepeats([sighting(pipeline, 'late-1', new Date(first.getTime() + 3600_000))], dailyWindow, execute);
  assert.equal(retry.repeated.size, 1, 'the retry, received an hour after the first copy, repeats it');
});

test('a retry still waiting to be fanned out keeps the sighting of its first copy, however old', async () => {
  const pipeline = randomUUID();
  const first = new Date(Date.now() - 26 * 3600_000);
  await findRepeats([sighting(pipeline, 'backlog-1', first)], dailyWindow, execute);
  await pool.query(`UPDATE signal.seen_messages SET recorded_at = seen_at WHERE pipeline_id = $1`, [pipeline]); // fanned out on time
  await pool.query('UPDATE signal.ingest_cursor SET last_xid = pg_current_xact_id(), last_id = 0'); // all stored so far is fanned out
  // Its retry, received an hour after it, stored but not yet reached by the dispatcher (a backlog).
  await pool.query(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, 'backlog-1', 'track', $2, '{}')`,
    [pipeline, new Date(first.getTime() + 3600_000)],
  );
  const events = createEventStore(pool);
  await events.pruneSightings();
  const kept = await pool.query('SELECT 1 FROM signal.seen_messages WHERE pipeline_id = $1', [pipeline]);
  assert.equal(kept.rowCount, 1, 'kept for the retry in the backlog');
  const retry = await findRepeats([sighting(pipeline, 'backlog-1', new Date(first.getTime() + 3600_000))], dailyWindow, execute);
  assert.equal(retry.repeated.size, 1);
  await pool.query('UPDATE signal.ingest_cursor SET last_xid = pg_current_xact_id(), last_id = 0'); // the backlog is gone
  await events.pruneSightings();
  assert.equal((await pool.query('SELECT 1 FROM signal.seen_messages WHERE pipeline_id = $1', [pipeline])).rowCount, 0);
});

test("each pipeline's own window: a shorter one lets a later copy through, 0 records nothing", async () => {
  const [hourly, daily, off] = [randomUUID(), randomUUID(), randomUUID()];
  const windows = new Map<string, number>([[hourly, 1], [daily, 24], [off, 0]]);
  const windowOf = (pipelineId: string) => windows.get(pipelineId)!;
  const first = new Date(Date.now() - 3 * 3600_000);
  const copies = (at: Date) => [hourly, daily, off].map((pipeline) => sighting(pipeline, 'own-1', at));
  assert.equal((await findRepeats(copies(first), windowOf, execute)).repeated.size, 0);
  const later = copies(new Date(first.getTime() + 2 * 3600_000)); // two hours later
  const { repeated } = await findRepeats(later, windowOf, execute);
  assert.deepEqual([...repeated], [later[1]!.id], 'a repeat within the daily window only');
  const { rows } = await pool.query<{ window_hours: number }>('SELECT window_hours FROM signal.seen_messages WHERE pipeline_id = ANY($1) ORDER BY window_hours', [[hourly, daily, off]]);
  assert.deepEqual(rows.map((r) => r.window_hours), [1, 24], 'recorded under its window; nothing for the pipeline with deduplication off');
});
