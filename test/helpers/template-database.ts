// The database every test Signal's own is copied from: made once per `npm test` run, with
// Signal's migrations and pg-boss's schema and fixed queues in place, so that a Signal started
// by a test finds them there rather than building them again (a fifth of a second of the
// server's CPU per start, on a suite that is CPU-bound).
import pg from 'pg';
import { migrate } from '../../core/db/migrate.ts';
import { createPool } from '../../core/db/pool.ts';
import { ensurePersonDeletionQueues } from '../../core/pipeline/person-deletions.ts';
import { ensureReplayQueues } from '../../core/pipeline/event-replays.ts';
import { startBoss } from '../../core/queue/boss.ts';
import { createTestDatabase, serverUrl, type TestDatabase } from './database.ts';

/**
 * Creates a database prepared as a Signal leaves a new one at start (migrations applied,
 * pg-boss's `pgboss` schema with the ingest, replay and deletion queues), holding no rows of
 * its own, with every connection to it closed: `CREATE DATABASE … TEMPLATE` needs that.
 *
 * @example
 * const template = await createTemplateDatabase();
 * process.env.SIGNAL_TEST_TEMPLATE_DATABASE = template.name; // startTestSignal copies it
 * // … after the run:
 * await template.drop();
 */
export async function createTemplateDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('template');
  try {
    const pool = createPool(db.url, 2);
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
    const boss = await startBoss({ url: db.url, schema: 'pgboss', supervise: false, max: 2 });
    try {
      await ensureReplayQueues(boss);
      await ensurePersonDeletionQueues(boss);
    } finally {
      await boss.stop({ graceful: true, timeout: 5_000 });
    }
    await waitForNoConnections(db.name);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return db;
}

/** Waits (up to 10 s) until no session is connected to `name`: pools end their sessions asynchronously. */
async function waitForNoConnections(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    for (const deadline = Date.now() + 10_000; ;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0]!.n === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0]!.n} sessions still connected to the template database ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}
