import type { Pool, PoolClient } from '../db/pool.ts';
import { INGEST_QUEUE, transactionDb, type Boss, type IngestJob } from '../queue/boss.ts';

// One fixed advisory-lock key: one dispatcher at a time per database, whichever node holds it.
const DISPATCH_LOCK_KEY = 7_283_914_002;

interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Claims the dispatch: a transaction-scoped advisory lock, which takes no transaction id and so
 * does not hold the horizon back. False: another node holds it.
 */
/**
 * Takes the dispatch lock for this transaction, if free. The same statement bounds how long
 * the server keeps the transaction idle: when this process loses its connection (a network
 * partition; the watchdog drops it) the server, unaware, would hold the lock until its own
 * keepalive gave up (hours), and no dispatcher could claim it meanwhile.
 */
export function claimDispatchStatement(): Statement {
  return {
    text: `SELECT set_config('idle_in_transaction_session_timeout', '60s', true) IS NOT NULL AS bounded, pg_try_advisory_xact_lock($1) AS claimed`,
    values: [DISPATCH_LOCK_KEY],
  };
}

/**
 * Reads the cursor and the horizon: every transaction below it has finished, so no event below
 * it can still appear. A statement of its own, after the claim: a statement sees the database
 * as of its start, and a dispatcher's commit becomes visible just before its lock is released.
 * Read in the claiming statement, a claim that won the lock the moment the previous holder
 * released it saw the cursor from before that holder's commit, and dispatched its page again.
 */
export function readCursorStatement(): Statement {
  return {
    text: `SELECT last_xid::text, last_id, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
                  pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid
             FROM signal.ingest_cursor`,
    values: [],
  };
}

/**
 * Transaction ids mean something only on the server that handed them out. After the database
 * moved to another server (pg_dump and restore, a logical-replication migration) the cursor
 * and the stored events carry the old server's ids, usually far above the new one's: every
 * event stored since would sit "below" the cursor, never dispatched, counted nowhere, and
 * pruned a week later. A cursor at or past the next id this server will hand out (`nextXid`)
 * can only come from elsewhere, so the outbox is rebased in the dispatch transaction:
 * - the old server's events at or below the cursor (dispatched) leave the ordering (xid NULL,
 *   as rows from before the outbox). Rows this server wrote are told apart by id: the identity
 *   sequence was restored with the data, so they come after every row the old server wrote
 *   with an id at or above `nextXid`;
 * - the old server's events above the cursor (not dispatched yet) take this transaction's id,
 *   final once it commits;
 * - the cursor restarts below everything this server wrote.
 *
 * @example
 * for (const statement of rebaseOutboxStatements({ xid: '43898', id: 512 }, '883')) await client.query(statement.text, statement.values);
 */
export function rebaseOutboxStatements(cursor: { xid: string; id: number }, nextXid: string): Statement[] {
  return [
    {
      text: `UPDATE signal.events SET xid = NULL
              WHERE xid IS NOT NULL AND (xid, id) <= ($1::xid8, $2::bigint)
                AND (xid >= $3::xid8 OR id <= (SELECT max(id) FROM signal.events WHERE xid >= $3::xid8))`,
      values: [cursor.xid, cursor.id, nextXid],
    },
    // What is left at or above the old cursor's id is the old server's, not dispatched yet.
    { text: `UPDATE signal.events SET xid = pg_current_xact_id() WHERE xid >= $1::xid8`, values: [cursor.xid] },
    { text: `UPDATE signal.ingest_cursor SET last_xid = '0'::xid8, last_id = 0, updated_at = now()`, values: [] },
  ];
}

/** The next committed events after the cursor and below the horizon, in dispatch order. */
export function nextEventsStatement(after: { xid: string; id: number }, horizon: string, limit: number): Statement {
  return {
    text: `SELECT id, xid::text FROM signal.events
            WHERE (xid, id) > ($1::xid8, $2::bigint) AND xid < $3::xid8
            ORDER BY xid, id
            LIMIT $4`,
    values: [after.xid, after.id, horizon, limit],
  };
}

/** Moves the cursor to the last event of the page just dispatched (same transaction as its jobs). */
export function advanceCursorStatement(last: { xid: string; id: number }): Statement {
  return {
    text: 'UPDATE signal.ingest_cursor SET last_xid = $1::xid8, last_id = $2, updated_at = now()',
    values: [last.xid, last.id],
  };
}

/** Events committed but not dispatched yet (for /metrics; walks the dispatch index). */
export function backlogStatement(): Statement {
  return {
    text: `SELECT count(*)::int AS backlog FROM signal.events e, signal.ingest_cursor c
            WHERE (e.xid, e.id) > (c.last_xid, c.last_id)`,
    values: [],
  };
}

/**
 * How many committed events wait for the dispatcher (they pile up while no worker node runs).
 *
 * @example
 * const waiting = await ingestBacklog(pool);
 */
export async function ingestBacklog(pool: Pool): Promise<number> {
  const statement = backlogStatement();
  const { rows } = await pool.query<{ backlog: number }>(statement.text, statement.values);
  return rows[0]?.backlog ?? 0;
}

export interface IngestDispatcherOptions {
  pool: Pool;
  boss: Boss;
  /** Fallback poll (ms) for events committed by collect nodes in other processes. */
  pollMs: number;
  /**
   * The longest poll interval once nothing came for a while (ms; default `pollMs`, no
   * slowing down): after `IDLE_POLLS` empty polls the interval doubles up to it, and the first
   * events found, or a local commit, bring it back to `pollMs`.
   */
  idlePollMs?: number;
  /** Event ids per ingest job. */
  jobSize: number;
  /** Events read per dispatch transaction; a full page dispatches again at once. */
  pageSize?: number;
  /** How long one dispatch transaction may wait for PostgreSQL (default `DISPATCH_TIMEOUT_MS`). */
  timeoutMs?: number;
  /**
   * How long `stop()` waits for the horizon to pass this process's last commits (ms; default
   * 1000). Past it, they go at the next start: the horizon is the whole server's, so another
   * database's long transaction can hold it back.
   */
  stopWaitMs?: number;
  onError?: (error: Error) => void;
  /** Told what the operator should know that is not an error (the outbox rebased after a move). */
  log?: (line: string) => void;
}

/**
 * How long one dispatch transaction may wait for PostgreSQL: 30 s, far above its normal few
 * milliseconds (a page of 5,000 ids and their jobs), and well below "stopped for good".
 */
export const DISPATCH_TIMEOUT_MS = 30_000;

/** Empty polls in a row before the interval starts to grow (a second at the default 100 ms). */
export const IDLE_POLLS = 10;

/**
 * The wait before the next poll after `emptyPolls` empty ones in a row: `pollMs` at first,
 * then doubling up to `idlePollMs`.
 *
 * @example
 * nextPollMs(0, 100, 1000);  // 100
 * nextPollMs(12, 100, 1000); // 800
 * nextPollMs(30, 100, 1000); // 1000
 */
export function nextPollMs(emptyPolls: number, pollMs: number, idlePollMs: number): number {
  if (emptyPolls < IDLE_POLLS || idlePollMs <= pollMs) return pollMs;
  return Math.min(idlePollMs, pollMs * 2 ** Math.min(30, emptyPolls - IDLE_POLLS + 1));
}

export interface IngestDispatcher {
  /** Dispatches soon; `committedXid` is the transaction of a group this process just committed. */
  wake(committedXid?: bigint): void;
  /** Dispatches what is final now; resolves with how many events it turned into jobs. */
  dispatchNow(): Promise<number>;
  start(): void;
  /** Stops polling, waits for a dispatch in progress, then dispatches what is final (shutdown). */
  stop(): Promise<void>;
  stats(): { dispatched: number; jobs: number; runs: number };
}

/**
 * The ingest dispatcher: turns committed events into ingest jobs of `jobSize` ids, in the same
 * transaction that advances the cursor, so each event is dispatched exactly once even when
 * several worker nodes run one (they take turns through an advisory lock). Runs when the
 * local group committer reports a commit and every `pollMs` for other collect nodes.
 *
 * @example
 * const dispatcher = createIngestDispatcher({ pool, boss, pollMs: 100, jobSize: 250 });
 * dispatcher.start();
 * const committer = createGroupCommitter({ pool, intervalMs: 2, maxEvents: 1000, onCommitted: (xid) => dispatcher.wake(xid) });
 */
export function createIngestDispatcher(options: IngestDispatcherOptions): IngestDispatcher {
  const pageSize = options.pageSize ?? 5000;
  let stats = { dispatched: 0, jobs: 0, runs: 0 };
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let poll: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  /** Runs in a row that found nothing: an idle gateway polls less (`idlePollMs`). */
  let emptyRuns = 0;
  const idlePollMs = Math.max(options.pollMs, options.idlePollMs ?? options.pollMs);
  // The newest transaction this process committed events in, and the horizon last seen:
  // while the horizon has not passed it, those events are not final yet, so look again soon.
  let newestLocal = 0n;
  let newestLocalAt = 0;
  let lastHorizon = 0n;

  /** One transaction: claim, read a page, create its jobs, advance the cursor. */
  async function dispatchPage(): Promise<{ count: number; claimed: boolean; again?: boolean }> {
    const client = await options.pool.connect();
    // A database host that vanished without closing the connection (a VM reboot, a failover
    // behind the same address) never answers, and nothing else would end the wait: the
    // dispatcher would stop for good while collect and /readyz recovered. Past the deadline
    // the socket is destroyed, the transaction fails (and rolls back on the server, if it
    // lives), and the next poll starts afresh on a new connection.
    let abandoned = false;
    const watchdog = setTimeout(() => {
      abandoned = true;
      (client as PoolClient & { connection?: { stream?: { destroy(error?: Error): void } } }).connection?.stream?.destroy(new Error(`no answer from PostgreSQL within ${DISPATCH_TIMEOUT_MS / 1000} s`));
    }, options.timeoutMs ?? DISPATCH_TIMEOUT_MS);
    try {
      await client.query('BEGIN');
      const claim = claimDispatchStatement();
      const { rows: [{ claimed }] } = await client.query<{ claimed: boolean }>(claim.text, claim.values);
      if (!claimed) {
        await client.query('COMMIT');
        return { count: 0, claimed: false };
      }
      const read = readCursorStatement();
      const { rows: [cursor] } = await client.query<{ last_xid: string; last_id: number; horizon: string; next_xid: string }>(read.text, read.values);
      if (!cursor) throw new Error('signal.ingest_cursor has no row: run the migrations');
      if (BigInt(cursor.last_xid) >= BigInt(cursor.next_xid)) {
        for (const statement of rebaseOutboxStatements({ xid: cursor.last_xid, id: cursor.last_id }, cursor.next_xid)) await client.query(statement.text, statement.values);
        await client.query('COMMIT');
        options.log?.(`The ingest cursor (transaction ${cursor.last_xid}) came from another PostgreSQL server (this one is at ${cursor.next_xid}): the database was moved. Events already dispatched were kept as such, the rest will be dispatched now.`);
        return { count: 0, claimed: true, again: true };
      }
      lastHorizon = BigInt(cursor.horizon);
      const next = nextEventsStatement({ xid: cursor.last_xid, id: cursor.last_id }, cursor.horizon, pageSize);
      const { rows } = await client.query<{ id: number; xid: string }>(next.text, next.values);
      if (rows.length > 0) {
        const jobs: Array<{ data: IngestJob }> = [];
        // Ids ascending within a job: the event prune reads each job's oldest from its first.
        for (let i = 0; i < rows.length; i += options.jobSize) jobs.push({ data: { ids: rows.slice(i, i + options.jobSize).map((r) => r.id).sort((x, y) => x - y) } });
        await options.boss.insert(INGEST_QUEUE, jobs, { db: transactionDb(client) });
        const last = rows.at(-1)!;
        const advance = advanceCursorStatement({ xid: last.xid, id: last.id });
        await client.query(advance.text, advance.values);
        stats = { dispatched: stats.dispatched + rows.length, jobs: stats.jobs + jobs.length, runs: stats.runs };
      }
      await client.query('COMMIT');
      return { count: rows.length, claimed: true };
    } catch (error) {
      if (!abandoned) await client.query('ROLLBACK').catch(() => {});
      throw abandoned ? new Error(`the dispatch got no answer from PostgreSQL within ${(options.timeoutMs ?? DISPATCH_TIMEOUT_MS) / 1000} s; its connection was dropped and the next poll tries again`, { cause: error }) : error;
    } finally {
      clearTimeout(watchdog);
      // A dropped connection goes, not back to the pool.
      client.release(abandoned ? true : undefined);
    }
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { count, claimed, again: rebased } = await dispatchPage();
      total += count;
      if (rebased) continue;
      if (count < pageSize) {
        // A local commit the horizon has not passed yet: a transaction that began earlier is
        // still open, usually a short one (another group's INSERT, a pg-boss fetch). Look again
        // shortly; after a second, a long transaction is holding it back and the poll will do.
        if (claimed && !stopped && newestLocal >= lastHorizon && !retry && Date.now() - newestLocalAt < 1000) {
          retry = setTimeout(() => {
            retry = undefined;
            wake();
          }, 5);
        }
        return total;
      }
    }
  }

  /** The next fallback poll, replacing one already set: sooner while events come, later when idle. */
  function schedulePoll(): void {
    clearTimeout(poll);
    if (stopped) return;
    poll = setTimeout(() => wake(), nextPollMs(emptyRuns, options.pollMs, idlePollMs));
    poll.unref();
  }

  function run(): Promise<void> {
    running = (async () => {
      do {
        again = false;
        stats = { ...stats, runs: stats.runs + 1 };
        try {
          emptyRuns = (await drain()) > 0 ? 0 : emptyRuns + 1;
        } catch (error) {
          options.onError?.(error as Error);
          again = false; // the poll tries again; no tight loop against a database that is down
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
      schedulePoll();
    });
    return running;
  }

  function wake(committedXid?: bigint): void {
    if (committedXid !== undefined && committedXid > newestLocal) {
      newestLocal = committedXid;
      newestLocalAt = Date.now();
      emptyRuns = 0;
    }
    if (stopped) return;
    if (running) again = true;
    else void run();
  }

  return {
    wake,
    async dispatchNow() {
      while (running) await running;
      const before = stats.dispatched;
      await drain();
      return stats.dispatched - before;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      wake();
    },
    async stop() {
      stopped = true;
      clearTimeout(poll);
      clearTimeout(retry);
      retry = undefined;
      while (running) await running;
      // What the last groups committed goes out now rather than at the next start, once the
      // horizon has passed them (a moment, unless a long transaction holds it back).
      const deadline = Date.now() + (options.stopWaitMs ?? 1000);
      try {
        await drain();
        while (newestLocal >= lastHorizon && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          await drain();
        }
      } catch (error) {
        options.onError?.(error as Error);
      }
    },
    stats: () => ({ ...stats }),
  };
}
