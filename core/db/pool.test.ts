import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { PoolClient } from 'pg';
import { serverUrl } from '../../test/helpers/database.ts';
import { createPool, withTransaction } from './pool.ts';

const pool = createPool(serverUrl(), 2);
after(() => pool.end());

test('a connection lost inside a transaction rejects the work and does not crash the process', async () => {
  const crashes: unknown[] = [];
  const onUncaught = (error: unknown) => crashes.push(error);
  process.prependListener('uncaughtException', onUncaught);
  try {
    await assert.rejects(
      withTransaction(pool, async (client) => {
        // What a Postgres restart looks like from here: the socket fails under a running query.
        const running = client.query('SELECT pg_sleep(5)');
        (client as PoolClient & { connection: { stream: { destroy(error: Error): void } } }).connection.stream.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        await running;
      }),
      /ECONNRESET/,
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(crashes, []);
    // The broken client left the pool; the next transaction gets a working one.
    assert.equal(await withTransaction(pool, async (client) => (await client.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n), 1);
  } finally {
    process.removeListener('uncaughtException', onUncaught);
  }
});
