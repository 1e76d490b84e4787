// The database every test Signal's own is copied from: made once per `npm test` run, with
// Signal's migrations and pg-boss's schema and fixed queues in place, so that a Signal started
// by a test finds them there rather than building them again (a fifth of a second of the
// server's CPU per start, on a suite that is CPU-bound).
import { loadConfig } from '../../core/config.ts';
import { migrate } from '../../core/db/migrate.ts';
import { createPool } from '../../core/db/pool.ts';
import { startBoss } from '../../core/queue/boss.ts';
import { ensureFixedQueues } from '../../core/signal.ts';
import { createTestDatabase, withServer, type TestDatabase } from './database.ts';
import { waitUntil } from './wait.ts';

/**
 * Creates a database prepared as a Signal leaves a new one at start (migrations applied,
 * pg-boss's schema — `SIGNAL_PGBOSS_SCHEMA`'s default, which test Signals use — with the ingest
 * queue and `ensureFixedQueues`'), holding no rows of
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
    const boss = await startBoss({ url: db.url, schema: loadConfig({ DATABASE_URL: db.url }).bossSchema, supervise: false, max: 2 });
    try {
      await ensureFixedQueues(boss);
    } finally {
      await boss.stop({ graceful: true, timeout: 5_000 });
    }
    // Pools end their sessions asynchronously; the copies need none left on the template.
    await withServer((admin) => waitUntil(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1', [db.name])).rowCount === 0, `no session left on ${db.name}`, 10_000));
  } catch (error) {
    await db.drop();
    throw error;
  }
  return db;
}
