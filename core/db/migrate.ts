import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Pool, PoolClient } from './pool.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// One fixed advisory-lock key: nodes starting together wait for each other's migrations.
const MIGRATION_LOCK_KEY = 7_283_914_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The first line of a migration that must run outside a transaction (`CREATE INDEX
 * CONCURRENTLY`, which lets collect go on writing events while an index is built on a large
 * table). Its statements, one per `;` at a line's end, run one by one; it is recorded after
 * the last, so one interrupted runs again whole at the next start: write it so it can.
 */
export const NO_TRANSACTION_MARK = '-- signal:no-transaction';

/**
 * The statements of a migration run outside a transaction: split at each `;` that ends a
 * line, comment lines dropped.
 *
 * @example
 * splitStatements('DROP INDEX CONCURRENTLY IF EXISTS a;\nCREATE INDEX CONCURRENTLY a ON t (x);\n');
 * // ['DROP INDEX CONCURRENTLY IF EXISTS a', 'CREATE INDEX CONCURRENTLY a ON t (x)']
 */
export function splitStatements(sql: string): string[] {
  const code = sql.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n');
  return code.split(/;\s*(?:\n|$)/).map((statement) => statement.trim()).filter((statement) => statement !== '');
}

/**
 * Takes the migration lock by polling rather than waiting in a statement: a node waiting in
 * `pg_advisory_lock` holds a snapshot, and a `CREATE INDEX CONCURRENTLY` run by the node that
 * holds the lock waits for every older snapshot to end: the two would wait for each other.
 */
async function lockMigrations(client: PoolClient): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads `core/db/migrations/NNN_name.sql`, ordered by version. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(dir + file, 'utf8'),
    })),
  );
}

/**
 * Applies pending migrations under an advisory lock, each in its own transaction (but those
 * marked `NO_TRANSACTION_MARK`).
 * Returns the versions it applied (empty when the schema was current).
 *
 * @example
 * const applied = await migrate(pool);
 */
export async function migrate(pool: Pool, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await lockMigrations(client);
    await client.query('CREATE SCHEMA IF NOT EXISTS signal');
    await client.query(`CREATE TABLE IF NOT EXISTS signal.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM signal.schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      if (migration.sql.startsWith(NO_TRANSACTION_MARK)) {
        try {
          for (const statement of splitStatements(migration.sql)) await client.query(statement);
          await client.query('INSERT INTO signal.schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        } catch (error) {
          throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO signal.schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.version);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
  return applied;
}

/** True when every known migration has been applied (used by /readyz). */
export async function isMigrated(pool: Pool, migrations?: Migration[]): Promise<boolean> {
  const all = migrations ?? (await readMigrations());
  const latest = all.at(-1)?.version ?? 0;
  const { rows } = await pool.query<{ max: number | null }>(
    `SELECT max(version) AS max FROM signal.schema_migrations`,
  ).catch(() => ({ rows: [{ max: null }] }));
  return (rows[0]?.max ?? 0) >= latest;
}
