import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../core/db/migrate.ts';
import { createPool, type Pool } from '../../core/db/pool.ts';

/**
 * The server tests run against: `DATABASE_URL` (set by `npm test`, which boots an embedded
 * server when none is given). Each test file gets a database of its own, so files run in
 * parallel without seeing each other's rows or queues.
 */
export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which provides one.');
  return url;
}

/**
 * Runs `work` with a client of the server's own database (`DATABASE_URL`), ended after.
 *
 * @example
 * await withServer((admin) => admin.query('CREATE DATABASE scratch_1'));
 */
export async function withServer<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one test file.
 *
 * @example
 * const db = await createTestDatabase();
 * after(() => db.drop());
 */
export async function createTestDatabase(label = 'test', options: { template?: string } = {}): Promise<TestDatabase> {
  // Under `npm test` the name carries the run's id, so that the run drops what a file it
  // stopped (Ctrl-C, a type error, the watchdog) had no chance to drop itself.
  const run = process.env.SIGNAL_TEST_RUN_ID ? `${process.env.SIGNAL_TEST_RUN_ID}_` : '';
  const name = `signal_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${run}${randomBytes(4).toString('hex')}`;
  await withServer(async (admin) => {
    await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${pg.escapeIdentifier(options.template)}` : ''}`);
    // A commit here need not wait for its WAL to reach the disk: a test database outlives no
    // server crash, and the tests' sessions commit thousands of small transactions (queue
    // fetches, group commits, counters), each a millisecond or more of waiting otherwise, and
    // four files' flushes queue at one disk.
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  const target = new URL(serverUrl());
  target.pathname = `/${name}`;
  return {
    url: target.href,
    name,
    async drop() {
      await withServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * `{ template }` naming the database `npm test` prepared (Signal's migrations and pg-boss's
 * schema in place; test/helpers/template-database.ts), or `{}` when the run has none (a file
 * run alone with `node --test`), for `createTestDatabase`.
 *
 * @example
 * const db = await createTestDatabase('signal', signalTemplate());
 */
export function signalTemplate(): { template?: string } {
  const template = process.env.SIGNAL_TEST_TEMPLATE_DATABASE;
  return template ? { template } : {};
}

/**
 * Drops every database of the `npm test` run `runId` still there (`signal_<label>_<runId>_<hex>`,
 * see `createTestDatabase`), and returns their names.
 *
 * @example
 * await dropRunDatabases('k3v9qa'); // ['signal_delivery_k3v9qa_1a2b3c4d']
 */
export async function dropRunDatabases(runId: string): Promise<string[]> {
  return withServer(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'signal\\_%' AND datname LIKE $1",
      [`%\\_${runId}\\_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  });
}

export interface MigratedDatabase extends TestDatabase {
  pool: Pool;
  /** Ends the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * A database of its own with Signal's migrations applied, and a pool on it: the setup of the
 * unit tests that need Signal's tables but not a whole Signal.
 *
 * @example
 * let db: MigratedDatabase;
 * before(async () => { db = await createMigratedDatabase('deliverylog', 4); });
 * after(() => db.close());
 */
export async function createMigratedDatabase(label: string, poolSize: number): Promise<MigratedDatabase> {
  const db = await createTestDatabase(label, signalTemplate());
  const pool = createPool(db.url, poolSize);
  await migrate(pool);
  return {
    ...db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}
