import type { CanonicalEvent } from './canonical-event.ts';
import { ElementType, stringArray, timestampArray, uuidArray } from '../db/binary-array.ts';
import type { Pool } from '../db/pool.ts';
import { isRefusedData } from '../db/refused-data.ts';

export interface AcceptedEvent {
  pipelineId: string;
  event: CanonicalEvent;
  /** `JSON.stringify(event)`, when the caller already has it (the size check does). */
  json?: string;
}

/**
 * One INSERT for a whole group, in one round trip and without a transaction around it (a
 * single statement commits atomically). The rows travel as five arrays in PostgreSQL's binary
 * format (`binary-array.ts`), which the server reads by length prefix: no escaping here, no
 * unescaping there, and each payload is parsed once, by the `json` type's own check. It
 * returns the id of the transaction, which tells the ingest dispatcher when these rows are
 * final. The text never changes, so it runs as a named prepared statement: each connection
 * parses and plans it once, which measured 15 % less PostgreSQL CPU per statement.
 *
 * @example
 * const statement = insertEventsStatement([{ pipelineId, event }]);
 * const { rows: [{ xid }] } = await pool.query(statement);
 */
export function insertEventsStatement(events: AcceptedEvent[]): { name: string; text: string; values: Buffer[] } {
  const pipelineIds = new Array<string>(events.length);
  const messageIds = new Array<string>(events.length);
  const types = new Array<string>(events.length);
  const receivedAts = new Array<string>(events.length);
  const payloads = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const { pipelineId, event, json } = events[i]!;
    pipelineIds[i] = pipelineId;
    messageIds[i] = event.messageId;
    types[i] = event.type;
    receivedAts[i] = event.receivedAt;
    payloads[i] = json ?? JSON.stringify(event);
  }
  return {
    name: 'signal_insert_events',
    text: `WITH stored AS (
             INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::json[])
             RETURNING 1)
           SELECT pg_current_xact_id()::text AS xid, count(*)::int AS stored FROM stored`,
    values: [
      uuidArray(pipelineIds),
      stringArray(ElementType.text, messageIds),
      stringArray(ElementType.text, types),
      timestampArray(receivedAts),
      stringArray(ElementType.json, payloads),
    ],
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
  /**
   * How long a statement may go unanswered (ms, default 10,000). Then its requests fail with
   * `CommitTimeoutError` and its connection is dropped: a server or network that stopped
   * answering must not hold requests forever. The write may still complete on the server.
   */
  timeoutMs?: number;
}

/** PostgreSQL did not confirm a group's INSERT in time; it may or may not have committed. */
export class CommitTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`PostgreSQL did not confirm the write within ${timeoutMs} ms`);
    this.name = 'CommitTimeoutError';
    this.timeoutMs = timeoutMs;
  }
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
  const timeoutMs = options.timeoutMs ?? 10_000;
  let queue: Pending[] = [];
  let queuedEvents = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  const settled = new Set<Promise<void>>();
  let stats = { groups: 0, events: 0 };

  async function write(group: Pending[]): Promise<void> {
    const events = group.flatMap((p) => p.events);
    try {
      // pg's per-query read timeout: pool.query then drops the connection, so a half-answered
      // statement cannot block the next query on it.
      const statement = { ...insertEventsStatement(events), query_timeout: timeoutMs };
      const { rows } = await options.pool.query<{ xid: string; stored: number }>(statement);
      stats = { groups: stats.groups + 1, events: stats.events + events.length };
      for (const pending of group) pending.resolve();
      options.onCommitted?.(BigInt(rows[0]!.xid));
    } catch (error) {
      // One request's data must not fail the others of its group: each is written alone, and
      // only the one PostgreSQL refuses is rejected. An outage fails them all at once.
      if (group.length > 1 && isRefusedData(error)) {
        for (const pending of group) await write([pending]);
        return;
      }
      const failure = (error as Error).message === 'Query read timeout' ? new CommitTimeoutError(timeoutMs) : (error as Error);
      for (const pending of group) pending.reject(failure);
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
