import type { Pool } from '../db/pool.ts';

/** Queue tables whose statistics went stale: many rows changed since the last ANALYZE. */
export function staleTablesStatement(schema: string, minChanges: number) {
  return {
    text: `SELECT relname FROM pg_stat_user_tables
            WHERE schemaname = $1 AND n_mod_since_analyze > GREATEST($2::bigint, n_live_tup / 5)`,
    values: [schema, minChanges],
  };
}

/**
 * Keeps pg-boss's queue tables analyzed. A queue that fills in a burst from empty keeps the
 * statistics of an empty table until autovacuum catches up, and the planner then scans the
 * whole queue for every fetch (measured: 800 jobs/s instead of 5,700 draining 20,000 jobs).
 * Checking `n_mod_since_analyze` every few seconds and analyzing just the tables that moved
 * costs one catalog query when nothing changed.
 *
 * @example
 * const keeper = startStatsKeeper(pool, 'pgboss');
 * // …
 * keeper.stop();
 */
export function startStatsKeeper(pool: Pool, schema: string, options: { intervalMs?: number; minChanges?: number; onAnalyze?: (table: string) => void } = {}) {
  const intervalMs = options.intervalMs ?? 2000;
  let running = false;
  async function tick(): Promise<string[]> {
    if (running) return [];
    running = true;
    try {
      const statement = staleTablesStatement(schema, options.minChanges ?? 1000);
      const { rows } = await pool.query<{ relname: string }>(statement.text, statement.values);
      for (const { relname } of rows) {
        // Identifiers cannot be parameters; the name comes from the catalog, quoted here.
        await pool.query(`ANALYZE "${schema.replace(/"/g, '""')}"."${relname.replace(/"/g, '""')}"`);
        options.onAnalyze?.(relname);
      }
      return rows.map((r) => r.relname);
    } catch {
      return [];
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
