import type { CanonicalEvent } from './canonical-event.ts';
import type { Pool } from '../db/pool.ts';

export interface AcceptedEvent {
  pipelineId: string;
  event: CanonicalEvent;
  /** `JSON.stringify(event)`, when the caller already has it (the size check does). */
  json?: string;
}

/**
 * One INSERT for a whole group, in one round trip and without a transaction around it (a
 * single statement commits atomically). The rows travel as one JSON array parameter that
 * Postgres unpacks in a single parse with `json_to_recordset` (cheaper than five array
 * parameters, whose escaping of every payload is costly on the Node side, and than `->`
 * operators, which re-parse a `json` value on every use). It returns the id of the
 * transaction, which tells the ingest dispatcher when these rows are final. The text never
 * changes, so it runs as a named prepared statement: each connection parses and plans it once,
 * which measured 15 % less PostgreSQL CPU per statement.
 *
 * @example
 * const statement = insertEventsStatement([{ pipelineId, event }]);
 * const { rows: [{ xid }] } = await pool.query(statement);
 */
export function insertEventsStatement(events: AcceptedEvent[]): { name: string; text: string; values: unknown[] } {
  let rows = '[';
  for (let i = 0; i < events.length; i++) {
    const { pipelineId, event, json } = events[i]!;
    // messageId is the client's string: JSON-quoted. The others are the server's own values.
    rows += `${i === 0 ? '' : ','}{"p":"${pipelineId}","m":${JSON.stringify(event.messageId)},"t":"${event.type}","r":"${event.receivedAt}","e":${json ?? JSON.stringify(event)}}`;
  }
  rows += ']';
  return {
    name: 'signal_insert_events',
    text: `WITH stored AS (
             INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
             SELECT p, m, t, r, e FROM json_to_recordset($1::json) AS row(p uuid, m text, t text, r timestamptz, e json)
             RETURNING 1)
           SELECT pg_current_xact_id()::text AS xid, count(*)::int AS stored FROM stored`,
    values: [rows],
  };
}

interface Pending {
  events: AcceptedEvent[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  pool: Pool;
  /** Called after each group has committed, with its transaction id (wakes the ingest dispatcher). */
  onCommitted?: (xid: bigint) => void;
  /**
   * How long an idle committer waits for more events before writing (ms). 0, the default,
   * writes at once: while a statement runs, the next group gathers by itself.
   */
  intervalMs: number;
  /** Most events in one statement; a full group waiting may start a statement alongside. */
  maxEvents: number;
  /** Statements at the same time, reached only while full groups wait. */
  maxInFlight?: number;
}

/**
 * Group commit: events of concurrent requests are written together in one statement, and each
 * request's promise settles when its group has committed. A request's events always share one
 * group, so a request is accepted whole or not at all. Turning stored events into ingest jobs
 * is the ingest dispatcher's work, off the request path.
 *
 * The committer is self-clocking, like PostgreSQL's own WAL flush: one statement at a time,
 * and what arrives while it runs is the next group, written the moment it returns. The group
 * size then follows the load with no timer to tune. On 2 vCPUs, alternate runs against the
 * former design (a 2 ms timer and up to four statements in flight, which split the load into
 * small groups) measured `/v1/track` at 50 connections 10–35 % faster. A second
 * statement starts only when a full group (`maxEvents`) is waiting, so a burst of large
 * batches is not held behind one statement.
 *
 * @example
 * const committer = createGroupCommitter({ pool, intervalMs: 0, maxEvents: 1000 });
 * await committer.submit([{ pipelineId, event }]); // resolves after COMMIT
 */
export function createGroupCommitter(options: GroupCommitOptions) {
  const maxInFlight = options.maxInFlight ?? 4;
  let queue: Pending[] = [];
  let queuedEvents = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  const settled = new Set<Promise<void>>();
  let stats = { groups: 0, events: 0 };

  async function write(group: Pending[]): Promise<void> {
    const events = group.flatMap((p) => p.events);
    try {
      const statement = insertEventsStatement(events);
      const { rows } = await options.pool.query<{ xid: string; stored: number }>(statement);
      stats = { groups: stats.groups + 1, events: stats.events + events.length };
      for (const pending of group) pending.resolve();
      options.onCommitted?.(BigInt(rows[0]!.xid));
    } catch (error) {
      for (const pending of group) pending.reject(error as Error);
    }
  }

  function take(): Pending[] {
    const group: Pending[] = [];
    let count = 0;
    while (queue.length > 0 && (group.length === 0 || count + queue[0]!.events.length <= options.maxEvents)) {
      const next = queue.shift()!;
      count += next.events.length;
      group.push(next);
    }
    queuedEvents -= count;
    return group;
  }

  function pump(): void {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (queue.length > 0 && (inFlight === 0 || (queuedEvents >= options.maxEvents && inFlight < maxInFlight))) {
      const group = take();
      inFlight++;
      const done = write(group).finally(() => {
        inFlight--;
        settled.delete(done);
        // What arrived while the statement ran is the next group, written straight away.
        if (queue.length > 0) pump();
      });
      settled.add(done);
    }
  }

  function schedule(): void {
    if (queuedEvents >= options.maxEvents || options.intervalMs === 0 || inFlight > 0) pump();
    else if (!timer) timer = setTimeout(pump, options.intervalMs);
  }

  return {
    /** Resolves once these events are committed; rejects if they could not be. */
    submit(events: AcceptedEvent[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        queuedEvents += events.length;
        schedule();
      });
    },
    /** Writes everything pending and waits for every group in flight (shutdown). */
    async flush(): Promise<void> {
      while (queue.length > 0 || settled.size > 0) {
        pump();
        await Promise.allSettled([...settled]);
      }
    },
    stats: () => ({ ...stats, pendingEvents: queuedEvents, inFlight }),
  };
}

export type GroupCommitter = ReturnType<typeof createGroupCommitter>;
