import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// Postgres bigint (int8) arrives as a string by default; our ids fit in a JS number for
// centuries of traffic, and numbers keep the GraphQL and JSON layers simple.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Creates the connection pool Signal uses for its own tables (pg-boss keeps its own).
 *
 * @example
 * const pool = createPool('postgres://postgres@127.0.0.1:5432/signal', 10);
 * await pool.query('SELECT 1');
 */
export function createPool(connectionString: string, max = 10): Pool {
  // TCP keepalive: a connection to a database host that vanished without closing it is found
  // dead by the OS, not waited on for ever (the dispatcher also bounds its own wait).
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query reports the outage instead.
  pool.on('error', () => {});
  // pg-pool removes that idle listener while a client is checked out (withTransaction), and a
  // socket error then makes the client emit 'error' with no listener: an uncaught exception
  // that would crash the process on a Postgres restart. The query in flight still rejects, and
  // the broken client is dropped when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Runs `work` in a transaction on one client, rolling back if it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
