import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { createGroupCommitter, insertEventsStatement } from '../collect/group-commit.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { migrate, readMigrations } from '../db/migrate.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { startBoss, type Boss } from '../queue/boss.ts';
import { createEventStore } from '../services/events.ts';
import { createMigratedDatabase, createTestDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { claimDispatchStatement, createIngestDispatcher, IDLE_POLLS, nextPollMs } from './ingest-dispatcher.ts';

let db: MigratedDatabase;
let pool: Pool;
let boss: Boss;
const pipelineId = randomUUID();

before(async () => {
  db = await createMigratedDatabase('dispatch', 8);
  pool = db.pool;
  boss = await startBoss({ url: db.url, schema: 'pgboss', supervise: false });
});
after(async () => {
  await boss.stop({ graceful: false });
  await db.close();
});
beforeEach(async () => {
  // Everything stored so far counts as dispatched; each test starts from an empty backlog.
  await pool.query(`UPDATE signal.ingest_cursor SET last_xid = pg_current_xact_id(), last_id = 0`);
  await pool.query(`DELETE FROM pgboss.job WHERE name = 'ingest'`);
});

function event(messageId: string): CanonicalEvent {
  return { type: 'track', event: 'Test', userId: 'u1', messageId, receivedAt: new Date().toISOString(), context: {} } as CanonicalEvent;
}

/** Stores events the way collect does (one statement) and returns their ids. */
async function store(messageIds: string[], onCommitted?: (xid: bigint) => void): Promise<number[]> {
  const statement = insertEventsStatement(messageIds.map((m) => ({ pipelineId, event: event(m) })));
  const { rows: [{ xid }] } = await pool.query<{ xid: string }>(statement.text, statement.values);
  onCommitted?.(BigInt(xid));
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM signal.events WHERE message_id = ANY($1) ORDER BY id', [messageIds]);
  return rows.map((r) => r.id);
}

/** The event ids of each ingest job. */
async function jobIds(): Promise<number[][]> {
  const { rows } = await pool.query<{ data: { ids: number[] } }>(`SELECT data FROM pgboss.job WHERE name = 'ingest' ORDER BY created_on, id`);
  return rows.map((r) => r.data.ids);
}

/**
 * Dispatches until `expected` events went out. The horizon is the whole server's: a write
 * transaction open in another test file's database holds it back for a moment.
 */
async function dispatchAll(dispatcher: ReturnType<typeof createIngestDispatcher>, expected: number): Promise<void> {
  let total = 0;
  await waitUntil(async () => (total += await dispatcher.dispatchNow()) >= expected, `${expected} events dispatched`, 5_000);
  assert.equal(total, expected);
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

test('committed events become ingest jobs of at most jobSize ids, each event once', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 4 });
  const stored = await store(ids('once', 10));
  await dispatchAll(dispatcher, 10);
  const jobs = await jobIds();
  assert.deepEqual(jobs.map((j) => j.length).sort(), [2, 4, 4]);
  assert.deepEqual(jobs.flat().sort((a, b) => a - b), stored);
  assert.equal(await dispatcher.dispatchNow(), 0, 'nothing is dispatched twice');
});

test('an event committed late by a transaction that began earlier is not skipped', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100 });
  // A collect node that wrote its group first but commits last: its transaction id is lower
  // than the group committed after it.
  const slow = await pool.connect();
  try {
    await slow.query('BEGIN');
    const statement = insertEventsStatement([{ pipelineId, event: event('late-0') }]);
    await slow.query(statement.text, statement.values);
    const fast = await store(['early-0']);

    assert.equal(await dispatcher.dispatchNow(), 0, 'nothing after an open transaction is final yet');
    await slow.query('COMMIT');
  } finally {
    slow.release();
  }
  const { rows } = await pool.query<{ id: number }>(`SELECT id FROM signal.events WHERE message_id IN ('late-0', 'early-0') ORDER BY id`);
  await dispatchAll(dispatcher, 2);
  assert.deepEqual((await jobIds()).flat().sort((a, b) => a - b), rows.map((r) => r.id));
});

test('dispatchers on several nodes take turns: under concurrent commits every event is dispatched exactly once', async () => {
  const dispatchers = [1, 2, 3].map(() => createIngestDispatcher({ pool, boss, pollMs: 10, jobSize: 7 }));
  for (const d of dispatchers) d.start();
  const stored: number[] = [];
  await Promise.all(Array.from({ length: 8 }, async (_, writer) => {
    for (let round = 0; round < 10; round++) stored.push(...(await store(ids(`race-${writer}-${round}`, 5))));
  }));
  await waitUntil(async () => (await jobIds()).flat().length >= stored.length, 'every event dispatched', 10_000);
  await Promise.all(dispatchers.map((d) => d.stop()));
  const dispatched = (await jobIds()).flat().sort((a, b) => a - b);
  assert.deepEqual(dispatched, stored.sort((a, b) => a - b));
});

test('a local commit wakes the dispatcher at once, without waiting for the poll', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100 });
  dispatcher.start();
  await dispatcher.dispatchNow();
  const committer = createGroupCommitter({ pool, intervalMs: 1, maxEvents: 100, onCommitted: (xid) => dispatcher.wake(xid) });
  await Promise.all(ids('wake', 3).map((m) => committer.submit([{ pipelineId, event: event(m) }])));
  const stored = (await pool.query<{ id: number }>(`SELECT id FROM signal.events WHERE message_id LIKE 'wake-%' ORDER BY id`)).rows.map((r) => r.id);
  await waitUntil(async () => (await jobIds()).flat().length === 3, 'the woken dispatch', 2_000);
  await dispatcher.stop();
  assert.deepEqual((await jobIds()).flat().sort((a, b) => a - b), stored);
});

test('stop() dispatches what the last groups committed', async () => {
  // The horizon is the server's: other test files' transactions can hold it back past 1 s.
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100, stopWaitMs: 15_000 });
  // Not started, so only stop()'s final dispatch can send them. The group committer reports
  // each commit; stop() waits for the horizon to pass the last one.
  await store(ids('last', 2), (xid) => dispatcher.wake(xid));
  await dispatcher.stop();
  assert.equal((await jobIds()).flat().length, 2);
});

test('pruning by retention keeps events a pending ingest or delivery job refers to by id', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100 });
  const [queued, free] = await store(['ref-queued', 'ref-free']);
  await dispatchAll(dispatcher, 2);
  await pool.query(`DELETE FROM pgboss.job WHERE name = 'ingest'`); // as if fanned out
  const queue = `delivery.${randomUUID()}`;
  await boss.createQueue(queue);
  const jobId = await boss.send(queue, { ids: [queued], attempt: 1 });
  await pool.query(`UPDATE signal.events SET received_at = now() - interval '400 days' WHERE id = ANY($1)`, [[queued, free]]);
  const events = createEventStore(pool, { bossSchema: 'pgboss' });
  await events.prune(1);
  const left = async () => (await pool.query<{ message_id: string }>(`SELECT message_id FROM signal.events WHERE message_id LIKE 'ref-%'`)).rows.map((r) => r.message_id);
  // The guard keeps every event from the oldest one referenced on: ids ascend.
  assert.deepEqual(await left(), ['ref-queued', 'ref-free']);
  await boss.deleteJob(queue, jobId!);
  await events.prune(1);
  assert.deepEqual(await left(), []);
});

test('pruning by retention keeps events the dispatcher has not reached', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100 });
  const [done] = await store(['old-dispatched']);
  await dispatchAll(dispatcher, 1);
  const [pending] = await store(['old-pending']);
  await pool.query(`UPDATE signal.events SET received_at = now() - interval '400 days' WHERE id = ANY($1)`, [[done, pending]]);
  await createEventStore(pool).prune(1);
  const { rows } = await pool.query<{ message_id: string }>(`SELECT message_id FROM signal.events WHERE message_id LIKE 'old-%'`);
  assert.deepEqual(rows.map((r) => r.message_id), ['old-pending'], 'the undispatched event stays to be delivered');
  await dispatchAll(dispatcher, 1);
});

test('an event dispatched while a prune runs is kept for its job, however long the prune has been running', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 100 });
  await pool.query('DELETE FROM signal.events'); // slices start at the oldest row: these must be it
  const [first, second] = await store(['run-first', 'run-second']);
  await dispatchAll(dispatcher, 2);
  await pool.query(`DELETE FROM pgboss.job WHERE name = 'ingest'`); // delivered: nothing refers to them
  const [late] = await store(['run-late']); // accepted while no worker ran
  await pool.query(`UPDATE signal.events SET received_at = now() - interval '400 days' WHERE id = ANY($1)`, [[first, second, late]]);
  // A long prune, slice by slice: the second slice waits on a row lock while the dispatcher
  // reaches the late event and makes its job.
  const blocker = await pool.connect();
  await blocker.query('BEGIN');
  await blocker.query('SELECT 1 FROM signal.events WHERE id = $1 FOR UPDATE', [second]);
  const pruning = createEventStore(pool, { bossSchema: 'pgboss' }).prune(1, 1);
  await waitUntil(async () => (await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM signal.events%'`)).rows.length > 0, 'the prune waiting on the row lock', 5_000);
  await dispatchAll(dispatcher, 1);
  await blocker.query('ROLLBACK');
  blocker.release();
  assert.equal(await pruning, 2);
  const { rows } = await pool.query<{ message_id: string }>(`SELECT message_id FROM signal.events WHERE message_id LIKE 'run-%'`);
  assert.deepEqual(rows.map((r) => r.message_id), ['run-late'], 'the job made during the prune still finds its event');
  assert.deepEqual(await jobIds(), [[late]]);
});

test('upgrading: events stored before the outbox migration are not dispatched again, later ones are', async () => {
  const old = await createTestDatabase('dispatchupgrade');
  const oldPool = createPool(old.url, 2);
  const oldBoss = await startBoss({ url: old.url, schema: 'pgboss', supervise: false });
  try {
    const migrations = await readMigrations();
    await migrate(oldPool, migrations.filter((m) => m.version < 4));
    // What the version before the outbox wrote: the event with its ingest job, in one transaction.
    await oldPool.query(
      `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, 'before-upgrade', 'track', now(), '{}')`,
      [pipelineId],
    );
    assert.deepEqual(await migrate(oldPool, migrations), migrations.filter((m) => m.version >= 4).map((m) => m.version));
    const dispatcher = createIngestDispatcher({ pool: oldPool, boss: oldBoss, pollMs: 60_000, jobSize: 100 });
    const statement = insertEventsStatement([{ pipelineId, event: event('after-upgrade') }]);
    await oldPool.query(statement.text, statement.values);
    let total = 0;
    await waitUntil(async () => (total += await dispatcher.dispatchNow()) >= 1, 'the new event dispatched', 5_000);
    const { rows } = await oldPool.query<{ message_id: string }>(
      `SELECT e.message_id FROM pgboss.job j, json_array_elements_text(j.data::json->'ids') AS i(id), signal.events e
        WHERE j.name = 'ingest' AND e.id = i.id::bigint`,
    );
    assert.deepEqual(rows.map((r) => r.message_id), ['after-upgrade']);
    assert.equal(total, 1);
  } finally {
    await oldBoss.stop({ graceful: false });
    await oldPool.end();
    await old.drop();
  }
});

/**
 * A TCP proxy to the test server whose `silence()` makes every open connection go quiet, as a
 * database host that vanished does (no FIN, no RST), while new connections go through.
 */
async function startSilenceableProxy(target: URL) {
  const { createServer, connect } = await import('node:net');
  const pairs = new Set<{ client: import('node:net').Socket; upstream: import('node:net').Socket }>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as import('node:net').AddressInfo).port,
    silence() {
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.removeAllListeners('close');
        client.resume(); // read and drop: nothing is answered
        upstream.destroy();
      }
      pairs.clear();
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.emit('close');
      });
    },
  };
}

test('a database host that stops answering mid-dispatch does not stop the dispatcher for good: the connection is dropped and the next run dispatches', { timeout: 30_000 }, async () => {
  const target = new URL(db.url);
  const proxy = await startSilenceableProxy(target);
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const proxiedPool = createPool(viaProxy.href, 2);
  const dispatcher = createIngestDispatcher({ pool: proxiedPool, boss, pollMs: 60_000, jobSize: 10, timeoutMs: 500 });
  try {
    await dispatchAll(dispatcher, (await store(['host-1'])).length);
    // The host goes quiet with the dispatcher's connection open: its next statement is never
    // answered.
    await store(['host-2']);
    proxy.silence();
    const started = Date.now();
    const stuck = dispatcher.dispatchNow();
    await assert.rejects(stuck, /no answer from PostgreSQL within 0\.5 s; its connection was dropped/);
    assert.ok(Date.now() - started < 3000, 'within the timeout, not for ever');
    // The host is back: the next run takes a new connection and dispatches what waited.
    await dispatchAll(dispatcher, 1);
  } finally {
    await proxiedPool.end().catch(() => {});
    await proxy.close();
  }
});

test('a database moved to another server (pg_dump and restore) dispatches what it had not, and what is new, and nothing twice', async () => {
  const logged: string[] = [];
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 60_000, jobSize: 10, log: (line) => logged.push(line) });
  // As restored: the old server's transaction ids, far above this server's. The cursor stands
  // after `moved-done`; `moved-pending` was stored there but not dispatched yet.
  const [done, pending] = await store(['moved-done', 'moved-pending']);
  const { rows: [{ far }] } = await pool.query<{ far: string }>(`SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)::text AS far`);
  await pool.query(`UPDATE signal.events SET xid = $1::xid8 WHERE id = $2`, [far, done]);
  await pool.query(`UPDATE signal.events SET xid = ($1::text::bigint + 5)::text::xid8 WHERE id = $2`, [far, pending]);
  await pool.query(`UPDATE signal.ingest_cursor SET last_xid = $1::xid8, last_id = $2`, [far, done]);
  // Stored on the new server after the move: its transaction id is below the old cursor.
  const [fresh] = await store(['moved-fresh']);
  await dispatchAll(dispatcher, 2);
  assert.deepEqual((await jobIds()).flat().sort((a, b) => a - b), [pending!, fresh!].sort((a, b) => a - b), 'the pending and the new event, not the one dispatched before the move');
  assert.match(logged.join('\n'), /came from another PostgreSQL server/);
  // From now on, dispatch goes on as usual.
  const [later] = await store(['moved-later']);
  await dispatchAll(dispatcher, 1);
  assert.ok((await jobIds()).flat().includes(later!));
});

test("the dispatch transaction bounds its idle time on the server: a lost client's lock is freed within a minute", async () => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const claim = claimDispatchStatement();
    const { rows: [{ claimed }] } = await client.query<{ claimed: boolean }>(claim.text, claim.values);
    assert.equal(claimed, true);
    const { rows: [{ idle_in_transaction_session_timeout: timeout }] } = await client.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout');
    assert.equal(timeout, '1min');
    await client.query('ROLLBACK');
    const { rows: [{ after }] } = await client.query<{ after: string }>(`SELECT current_setting('idle_in_transaction_session_timeout') AS after`);
    assert.notEqual(after, '1min', 'for that transaction only');
  } finally {
    client.release();
  }
});

test('the poll slows down while nothing comes: pollMs, then doubling up to idlePollMs', () => {
  assert.deepEqual([0, IDLE_POLLS - 1, IDLE_POLLS, IDLE_POLLS + 1, IDLE_POLLS + 2, IDLE_POLLS + 3, IDLE_POLLS + 50].map((n) => nextPollMs(n, 100, 1000)), [100, 100, 200, 400, 800, 1000, 1000]);
  assert.equal(nextPollMs(IDLE_POLLS + 5, 100, 100), 100, 'idlePollMs equal to pollMs: a fixed interval');
});

test('an idle dispatcher polls less, and the first events another process commits bring it back to its interval', async () => {
  const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 10, idlePollMs: 400, jobSize: 100 });
  dispatcher.start();
  try {
    // Idle: 10 polls at 10 ms, then 20, 40, … 400 ms: about a dozen polls in the first second, not a hundred.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const idle = dispatcher.stats().runs;
    assert.ok(idle < 30, `${idle} polls in 1.2 s while idle`);
    // Events from another collect process (no wake): found within the idle interval.
    const stored = await store(ids('idle-then-busy', 3));
    await waitUntil(async () => (await jobIds()).flat().length >= 3, 'the events dispatched', 5_000);
    assert.deepEqual((await jobIds()).flat().sort((a, b) => a - b), stored);
    // Found: back to 10 ms for a while. Over 300 ms the idle interval (400 ms) polls at most
    // once; the short one many times, even on a loaded machine where a poll takes 30 ms.
    const before = dispatcher.stats().runs;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(dispatcher.stats().runs - before >= 4, `back to the short interval: ${dispatcher.stats().runs - before} polls in 300 ms`);
  } finally {
    await dispatcher.stop();
  }
});
