import { randomUUID } from 'node:crypto';
import type { Db } from 'pg-boss';
import { withTransaction, type Pool } from '../db/pool.ts';
import { utcDateTime } from '../delivery/dead-letters.ts';
import { replayIntoDisabledError } from '../delivery/delivery-admin.ts';
import { SignalError } from '../errors.ts';
import { NOTIFIED_POLLING, ensureQueue, transactionDb, type Boss } from '../queue/boss.ts';
import { assertUuid } from '../services/pipelines.ts';
import { checkPageSize } from '../services/page-size.ts';

/** The queue whose jobs walk replays, a slice each. */
export const REPLAY_QUEUE = 'replay';
/** Where pg-boss moves a slice's job that failed every try: the replay is then marked failed. */
export const REPLAY_FAILED_QUEUE = 'replay-failed';

/** Stored events a replay walks per transaction. */
export const REPLAY_SLICE = 1000;

/**
 * How far event ids and receive times may disagree: an event is stamped when its request
 * arrives and gets its id when its group is written (up to the commit timeout later), and
 * collect nodes' clocks differ. The id bounds of a range are searched this much wider.
 */
const ID_SEARCH_MARGIN_MS = 60 * 60_000;

export interface ReplayJob {
  replayId: string;
}

export type ReplayStatus = 'running' | 'done' | 'cancelled' | 'stopped' | 'failed';

/** A replay of stored events to one pipeline integration, with its progress. */
export interface EventReplay {
  id: string;
  integrationId: string;
  since: string;
  until: string;
  status: ReplayStatus;
  /** Stored events of the range walked so far (repeats that deduplication held back aside). */
  scanned: number;
  /** Of those, queued for the integration (the rest: dropped by a transformation, turned off by the event's `integrations` object, or without consent). */
  queued: number;
  /** Why a replay ended before the end of its range. */
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface ReplayRow {
  id: string;
  pipeline_integration_id: string;
  since: Date;
  until: Date;
  status: ReplayStatus;
  cursor: string;
  to_id: string;
  scanned: string;
  queued: string;
  reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

function toReplay(row: ReplayRow): EventReplay {
  return {
    id: row.id,
    integrationId: row.pipeline_integration_id,
    since: row.since.toISOString(),
    until: row.until.toISOString(),
    status: row.status,
    scanned: Number(row.scanned),
    queued: Number(row.queued),
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

const REPLAY_COLUMNS = 'id, pipeline_integration_id, since, until, status, cursor, to_id, scanned, queued, reason, created_at, finished_at';

/**
 * The ids of the next slice of a replay: its pipeline's stored events received in
 * [since, until), after the cursor and below `toId`, in id order, without the repeats that
 * deduplication held back (a replay sends what the pipeline passed on, not every copy).
 *
 * @example
 * const { text, values } = nextSliceStatement({ pipelineId, cursor: 0, toId: 5000, since, until }, 1000);
 */
export function nextSliceStatement(range: { pipelineId: string; cursor: number; toId: number; since: Date; until: Date }, limit: number) {
  return {
    text: `SELECT id FROM signal.events
            WHERE pipeline_id = $1 AND id > $2 AND id < $3 AND received_at >= $4 AND received_at < $5
              AND duplicate IS NOT TRUE
            ORDER BY id LIMIT $6`,
    values: [range.pipelineId, range.cursor, range.toId, range.since, range.until, limit],
  };
}

/**
 * The first stored event id whose event was received at or after `at`, by binary search over
 * the ids (each probe one primary-key lookup), or one past the last id when none was. Ids
 * grow with receive time only roughly, so callers search with a margin.
 *
 * @example
 * const fromId = await firstIdReceivedFrom(pool, new Date(Date.now() - 3_600_000));
 */
export async function firstIdReceivedFrom(pool: Pool, at: Date): Promise<number> {
  const { rows: [bounds] } = await pool.query<{ lo: string | null; hi: string | null }>('SELECT min(id) AS lo, max(id) AS hi FROM signal.events');
  if (bounds?.lo == null || bounds.hi == null) return 1;
  let lo = Number(bounds.lo);
  let hi = Number(bounds.hi) + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const { rows: [probe] } = await pool.query<{ id: string; received_at: Date }>('SELECT id, received_at FROM signal.events WHERE id >= $1 ORDER BY id LIMIT 1', [mid]);
    if (!probe) hi = mid;
    else if (probe.received_at.getTime() < at.getTime()) lo = Number(probe.id) + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Fans stored events out to one pipeline integration only, through the pipeline stage
 * (transformations, destination selection, consent), without deduplication: a replay sends
 * again on purpose. Returns how many it queued.
 */
export type FanOutTo = (ids: number[], integrationId: string, db: Db) => Promise<number>;

const disabledError = (name: string, integrationId: string) => replayIntoDisabledError(integrationId, name, 'events to it');

/**
 * Replays of stored events to a pipeline integration: `start` records one and queues its first
 * slice; the `replay` queue's worker (worker role) walks it a slice at a time, each slice in one
 * transaction with the delivery jobs it makes and the replay's progress, so a crash or a
 * retried slice queues no event twice and none is skipped. Replayed events are delivered like
 * any others (rate limits, retries, dead letters) through the integration's current revision.
 *
 * @example
 * const replays = createEventReplays({ pool, boss });
 * const replay = await replays.start(integrationId, '2026-11-29T00:00:00Z', '2026-11-30T00:00:00Z');
 * await replays.get(replay.id); // { status: 'running', scanned: 1000, queued: 940, … }
 */
export function createEventReplays(deps: { pool: Pool; boss: Boss }) {
  const { pool, boss } = deps;

  async function assignmentOf(integrationId: string): Promise<{ name: string; enabled: boolean; created_at: Date }> {
    assertUuid(integrationId, 'integrationId');
    const { rows } = await pool.query<{ name: string; enabled: boolean; created_at: Date }>(
      `SELECT t.name, a.enabled, a.created_at FROM signal.pipeline_integrations a
         JOIN signal.integration_templates t ON t.id = a.template_id WHERE a.id = $1`,
      [integrationId],
    );
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${integrationId}`, [{ field: 'integrationId', message: 'no such pipeline integration' }]);
    return rows[0];
  }

  async function get(id: string): Promise<EventReplay> {
    assertUuid(id, 'id');
    const { rows } = await pool.query<ReplayRow>(`SELECT ${REPLAY_COLUMNS} FROM signal.event_replays WHERE id = $1`, [id]);
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No event replay with id ${id}`, [{ field: 'id', message: 'no such event replay' }]);
    return toReplay(rows[0]);
  }

  return {
    /**
     * Starts replaying the stored events of the integration's pipeline received in
     * [since, until) to that integration. Without `until`: until the integration was added to
     * the pipeline (from then on it received events as they came: a backfill). Refused for a
     * disabled integration: it has no worker, and the events would wait unseen in its queue.
     */
    async start(integrationId: string, since: string, until?: string): Promise<EventReplay> {
      const from = new Date(utcDateTime(since, 'since'));
      const assignment = await assignmentOf(integrationId);
      const to = until === undefined ? assignment.created_at : new Date(utcDateTime(until, 'until'));
      if (!assignment.enabled) throw disabledError(assignment.name, integrationId);
      if (until !== undefined && to.getTime() > Date.now()) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `until (${until}) is in the future: a replay sends events already stored (events still to come reach the integration as they arrive)`, [{ field: 'until', message: 'must not be in the future' }]);
      }
      if (from.getTime() >= to.getTime()) {
        const message = until === undefined
          ? `since (${since}) is not before the integration was added to the pipeline (${to.toISOString()}), from when it received events as they came: give until to send events it received already again`
          : `since (${since}) must be before until (${until})`;
        throw new SignalError('SIGNAL_VALIDATION_FAILED', message, [{ field: 'since', message: until === undefined ? 'must be before the integration was added to the pipeline (or give until)' : 'must be before until' }]);
      }
      // Read outside any transaction, before the row exists: no slice will scan past them.
      const fromId = await firstIdReceivedFrom(pool, new Date(from.getTime() - ID_SEARCH_MARGIN_MS));
      // A range ending within the margin of now has no upper bound yet: an event received
      // before `until` may still be on its way to the table, with an id above all stored now.
      const upper = to.getTime() + ID_SEARCH_MARGIN_MS;
      const toId = upper >= Date.now() ? Number.MAX_SAFE_INTEGER : await firstIdReceivedFrom(pool, new Date(upper));
      const id = randomUUID();
      // The replay and its first job commit together: a replay is never left without one.
      const row = await withTransaction(pool, async (client) => {
        const { rows } = await client.query<ReplayRow>(
          `INSERT INTO signal.event_replays (id, pipeline_integration_id, since, until, cursor, to_id)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${REPLAY_COLUMNS}`,
          [id, integrationId, from, to, fromId - 1, toId],
        );
        await boss.send(REPLAY_QUEUE, { replayId: id } satisfies ReplayJob, { db: transactionDb(client) });
        return rows[0]!;
      });
      return toReplay(row);
    },

    get,

    /** The integration's replays, newest first. */
    async list(integrationId: string, limit = 20): Promise<EventReplay[]> {
      await assignmentOf(integrationId);
      checkPageSize(limit);
      const { rows } = await pool.query<ReplayRow>(
        `SELECT ${REPLAY_COLUMNS} FROM signal.event_replays WHERE pipeline_integration_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
        [integrationId, limit],
      );
      return rows.map(toReplay);
    },

    /**
     * Cancels a running replay: it queues nothing more. What it queued already is delivered.
     * A replay that has ended is returned as it is.
     */
    async cancel(id: string): Promise<EventReplay> {
      assertUuid(id, 'id');
      await pool.query(
        `UPDATE signal.event_replays SET status = 'cancelled', reason = 'cancelled by an admin', finished_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'running'`,
        [id],
      );
      return get(id);
    },

    /**
     * Goes on with a cancelled, stopped or failed replay from where it ended (its cursor), so
     * nothing is sent twice and nothing skipped. A running or done replay is returned as it is.
     */
    async resume(id: string): Promise<EventReplay> {
      const replay = await get(id);
      const assignment = await assignmentOf(replay.integrationId);
      if (!assignment.enabled) throw disabledError(assignment.name, replay.integrationId);
      await withTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          `UPDATE signal.event_replays SET status = 'running', reason = NULL, finished_at = NULL, updated_at = now()
            WHERE id = $1 AND status IN ('cancelled', 'stopped', 'failed')`,
          [id],
        );
        if (rowCount) await boss.send(REPLAY_QUEUE, { replayId: id } satisfies ReplayJob, { db: transactionDb(client) });
      });
      return get(id);
    },
  };
}

export type EventReplays = ReturnType<typeof createEventReplays>;

/**
 * Consumes the `replay` queue: each job walks one slice of a replay, and queues the next in
 * the same transaction until the range is done. A slice that fails every try moves to
 * `replay-failed`, whose worker marks the replay failed with the error.
 *
 * @example
 * await startReplayWorker({ boss, pool, fanOutTo: (ids, integrationId, db) => fanOut(ids, ingestDeps, db, { only: integrationId, deduplicate: false }) });
 */
export async function startReplayWorker(deps: {
  boss: Boss;
  pool: Pool;
  fanOutTo: FanOutTo;
  /** Work on the slice's events that must not run under its locks (partner lookups). */
  prepare?: (ids: number[]) => Promise<void>;
  sliceSize?: number;
}): Promise<void> {
  const { boss, pool } = deps;
  const sliceSize = deps.sliceSize ?? REPLAY_SLICE;
  const options = { batchSize: 1, ...NOTIFIED_POLLING, localConcurrency: 1, transactional: true } as const;
  await boss.work<ReplayJob, void, typeof options>(REPLAY_QUEUE, options, async ([job], tx) => {
    const replayId = job!.data.replayId;
    // The slice is read before anything is locked or written: until then the transaction has
    // no id of its own, and a read of a few hundred milliseconds holds back no one (the ingest
    // dispatcher waits for every transaction with an id that began before its snapshot).
    const { rows: [seen] } = await tx.executeSql(
      `SELECT r.status, r.cursor, r.to_id, r.since, r.until, r.pipeline_integration_id, a.pipeline_id
         FROM signal.event_replays r JOIN signal.pipeline_integrations a ON a.id = r.pipeline_integration_id WHERE r.id = $1`,
      [replayId],
    ) as { rows: Array<{ status: ReplayStatus; cursor: string; to_id: string; since: Date; until: Date; pipeline_integration_id: string; pipeline_id: string }> };
    // Gone with its integration, cancelled, or already done (a job run twice).
    if (!seen || seen.status !== 'running') return;
    const slice = nextSliceStatement({ pipelineId: seen.pipeline_id, cursor: Number(seen.cursor), toId: Number(seen.to_id), since: seen.since, until: seen.until }, sliceSize);
    const ids = (await tx.executeSql(slice.text, slice.values)).rows.map((row) => Number(row.id));
    // Still no transaction id: what waits on the network waits here.
    if (ids.length > 0) await deps.prepare?.(ids);
    // Locked until commit: the integration against a disable (or a removal) while this slice
    // goes into its queue, then the replay against a second run. In the order a deletion
    // cascades (integration, then its replays), so the two cannot deadlock.
    const { rows: [assignment] } = await tx.executeSql(
      'SELECT enabled FROM signal.pipeline_integrations WHERE id = $1 FOR SHARE',
      [seen.pipeline_integration_id],
    ) as { rows: Array<{ enabled: boolean }> };
    const { rows: [locked] } = await tx.executeSql(
      'SELECT status, cursor, pipeline_integration_id FROM signal.event_replays WHERE id = $1 FOR UPDATE',
      [replayId],
    ) as { rows: Array<{ status: ReplayStatus; cursor: string; pipeline_integration_id: string }> };
    if (!assignment || !locked || locked.status !== 'running' || locked.cursor !== seen.cursor) return;
    if (!assignment.enabled) {
      await tx.executeSql(
        `UPDATE signal.event_replays SET status = 'stopped', finished_at = now(), updated_at = now(),
                reason = 'the integration was disabled: resume the replay (resumeEventReplay) once it is enabled again'
          WHERE id = $1`,
        [replayId],
      );
      return;
    }
    const queued = ids.length > 0 ? await deps.fanOutTo(ids, locked.pipeline_integration_id, tx) : 0;
    const done = ids.length < sliceSize;
    await tx.executeSql(
      `UPDATE signal.event_replays
          SET cursor = GREATEST(cursor, $2::bigint), scanned = scanned + $3::bigint, queued = queued + $4::bigint, updated_at = now(),
              status = CASE WHEN $5::boolean THEN 'done' ELSE status END,
              finished_at = CASE WHEN $5::boolean THEN now() ELSE finished_at END
        WHERE id = $1`,
      [replayId, ids.at(-1) ?? 0, ids.length, queued, done],
    );
    if (!done) await boss.send(REPLAY_QUEUE, { replayId } satisfies ReplayJob, { db: tx });
  });
  // Polled only: pg-boss sends no notification when it moves a job here (a failed replay is
  // marked failed within 2 s).
  const failedOptions = { includeMetadata: true, batchSize: 1, ...NOTIFIED_POLLING } as const;
  await boss.work<ReplayJob, void, typeof failedOptions>(REPLAY_FAILED_QUEUE, failedOptions, async ([job]) => {
    const output = job!.sourceOutput as { message?: unknown } | null;
    const error = typeof output?.message === 'string' ? output.message : 'no error recorded';
    await pool.query(
      `UPDATE signal.event_replays SET status = 'failed', finished_at = now(), updated_at = now(),
              reason = $2
        WHERE id = $1 AND status = 'running'`,
      [job!.data.replayId, `a slice failed ${(job!.sourceRetryCount ?? 0) + 1} times (${error.slice(0, 500)}): resume the replay (resumeEventReplay) once the cause is mended`],
    );
  });
}

/** Creates the `replay` queue and its failure queue unless they exist (every role may start a replay). */
export async function ensureReplayQueues(boss: Boss): Promise<void> {
  await ensureQueue(boss, REPLAY_FAILED_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, notify: true });
  await ensureQueue(boss, REPLAY_QUEUE, { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 15 * 60, notify: true, deadLetter: REPLAY_FAILED_QUEUE });
}
