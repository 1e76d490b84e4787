import type { FastifyReply, FastifyRequest } from 'fastify';
import { isMigrated } from './migrate.ts';
import type { Pool } from './pool.ts';

/**
 * The `/readyz` handler of both listeners: 200 `ready` when PostgreSQL answers and is
 * migrated, else 503 (`migrating`, or `database unreachable` with Retry-After).
 *
 * @example
 * app.get('/readyz', readinessHandler(pool));
 */
export function readinessHandler(pool: Pool) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    try {
      await pool.query('SELECT 1');
      if (!(await isMigrated(pool))) return reply.code(503).send({ status: 'migrating' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', '5').send({ status: 'database unreachable' });
    }
  };
}
