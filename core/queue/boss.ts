import { PgBoss } from 'pg-boss';
import type { PoolClient } from '../db/pool.ts';

export type Boss = PgBoss;

/** The queue the collect endpoint fills: each job carries the ids of a micro-batch of events. */
export const INGEST_QUEUE = 'ingest';

/**
 * How delivery workers poll. NOTIFY wakes them when a job is created for now, and the node
 * that queues a job for later (a retry, a throttled batch) wakes its own worker when the job
 * comes due (`due-waker.ts`), so the poll is a backstop: every 5 s, for the jobs no local
 * timer knows of (another node's retries, pg-boss's retry of a handler that threw, a NOTIFY
 * missed while the listener reconnected). Without LISTEN (the listener down), every 0.5 s,
 * pg-boss's minimum. Full batches fetch again at once. (Polling every 0.5 s with NOTIFY on
 * too made an idle gateway's two workers per integration most of its load on PostgreSQL.)
 */
export const WORK_POLLING = { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 5, burstWhenBatchFull: true } as const;

/**
 * How queues whose jobs are created for now (NOTIFY wakes their workers) and rarely for later
 * poll: every 2 s. Ingest jobs are created by the dispatcher for now, and come due later only
 * when one failed (its retry); replays and person deletions are an admin's requests. Polling
 * them every 0.5 s made most of an idle gateway's load on PostgreSQL.
 */
export const NOTIFIED_POLLING = { ...WORK_POLLING, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 } as const;

/** Data of an ingest job: the `signal.events` ids committed together. */
export interface IngestJob {
  ids: number[];
}

/**
 * Creates and starts pg-boss in its own schema, with LISTEN/NOTIFY so workers wake as soon
 * as a job is created. Only worker nodes run pg-boss's maintenance (`supervise`), every
 * `monitorSeconds` (10 unless told: `SIGNAL_QUEUE_MONITOR_SECONDS`).
 *
 * @example
 * const boss = await startBoss({ url, schema: 'pgboss', supervise: true });
 */
export async function startBoss(options: { url: string; schema: string; supervise: boolean; max?: number; monitorSeconds?: number; onError?: (error: Error) => void }): Promise<Boss> {
  const boss = new PgBoss({
    connectionString: options.url,
    schema: options.schema,
    max: options.max ?? 6,
    supervise: options.supervise,
    // A crashed worker's jobs are found by the monitor (missed heartbeats); every 10 s rather
    // than pg-boss's default minute bounds how long they wait for another worker.
    superviseIntervalSeconds: options.monitorSeconds ?? 10,
    monitorIntervalSeconds: options.monitorSeconds ?? 10,
    schedule: false,
    useListenNotify: true,
    application_name: 'signal-pgboss',
  });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  await ensureQueue(boss, INGEST_QUEUE, { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, heartbeatSeconds: 10, notify: true });
  return boss;
}

type QueueOptions = NonNullable<Parameters<Boss['createQueue']>[1]>;

/** Creates a queue unless it exists (several nodes may race to create it). */
export async function ensureQueue(boss: Boss, name: string, options: QueueOptions): Promise<void> {
  if (await boss.getQueue(name)) return;
  try {
    await boss.createQueue(name, options);
  } catch (error) {
    if (!(await boss.getQueue(name))) throw error;
  }
}

/**
 * pg-boss's job table in `schema`, quoted for a statement: the queries that read jobs directly
 * (queue depth, the prunes' guards) name it here.
 *
 * @example
 * jobTable('pgboss'); // '"pgboss".job'
 */
export function jobTable(schema: string): string {
  return `"${schema.replace(/"/g, '""')}".job`;
}

/** Lets pg-boss write a job inside a transaction we hold, so job and data commit together. */
export function transactionDb(client: PoolClient) {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await client.query(text, values);
      return { rows: result.rows };
    },
  };
}
