import { randomUUID } from 'node:crypto';
import type { Db } from 'pg-boss';
import { withTransaction, type Pool } from '../db/pool.ts';
import { checkDate } from '../delivery/dead-letters.ts';
import { SignalError } from '../errors.ts';
import { WORK_POLLING, ensureQueue, transactionDb, type Boss } from '../queue/boss.ts';
import { assertUuid } from '../services/pipelines.ts';

/** The queue whose jobs walk replays, a slice each. */
export const REPLAY_QUEUE = 'replay';

/** Stored events a replay walks per transaction. */
export const REPLAY_SLICE = 1000;

export interface ReplayJob {
  replayId: string;
}

export type ReplayStatus = 'running' | 'done' | 'cancelled' | 'stopped';

/** A replay of stored events to one pipeline integration, with its progress. */
export interface EventReplay {
  id: string;
  integrationId: string;
  since: string;
  until: string;
  status: ReplayStatus;
  /** Stored events of the range walked so far. */
  scanned: number;
  /** Of those, queued for the integration (the rest: dropped by a transformation, turned off by the event's `integrations` object, or without consent). */
  queued: number;
  /** Why a replay stopped before its end. */
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

const REPLAY_COLUMNS = 'id, pipeline_integration_id, since, until, status, cursor, scanned, queued, reason, created_at, finished_at';

/**
 * The ids of the next slice of a replay: its pipeline's stored events received in
 * [since, until), after the cursor, in id order.
 *
 * @example
 * const { text, values } = nextSliceStatement(pipelineId, 0, since, until, 1000);
 */
export function nextSliceStatement(pipelineId: string, cursor: number, since: Date, until: Date, limit: number) {
  return {
    text: `SELECT id FROM signal.events
            WHERE pipeline_id = $1 AND id > $2 AND received_at >= $3 AND received_at < $4
            ORDER BY id LIMIT $5`,
    values: [pipelineId, cursor, since, until, limit],
  };
}

/**
 * Fans stored events out to one pipeline integration only, through the pipeline stage
 * (transformations, destination selection, consent), without deduplication: a replay sends
 * again on purpose. Returns how many it queued.
 */
export type FanOutTo = (ids: number[], integrationId: string, db: Db) => Promise<number>;

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

  async function assignmentOf(integrationId: string): Promise<{ name: string; enabled: boolean }> {
    assertUuid(integrationId, 'integrationId');
    const { rows } = await pool.query<{ name: string; enabled: boolean }>(
      `SELECT t.name, a.enabled FROM signal.pipeline_integrations a
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
     * [since, until) (until: now when left out) to that integration. Refused for a disabled
     * integration: it has no worker, and the events would wait unseen in its queue.
     */
    async start(integrationId: string, since: string, until?: string): Promise<EventReplay> {
      checkDate(since, 'since');
      checkDate(until, 'until');
      const assignment = await assignmentOf(integrationId);
      if (!assignment.enabled) {
        throw new SignalError('SIGNAL_CONFLICT', `Integration "${assignment.name}" (${integrationId}) is disabled: enable it (setIntegrationEnabled) before replaying events to it`, [
          { field: 'integrationId', message: 'the pipeline integration is disabled' },
        ]);
      }
      const id = randomUUID();
      // The replay and its first job commit together: a replay is never left without one.
      const row = await withTransaction(pool, async (client) => {
        const { rows } = await client.query<ReplayRow>(
          `WITH range AS (SELECT $3::timestamptz AS since, COALESCE($4::timestamptz, now()) AS until)
           INSERT INTO signal.event_replays (id, pipeline_integration_id, since, until)
           SELECT $1, $2, since, until FROM range WHERE since < until
           RETURNING ${REPLAY_COLUMNS}`,
          [id, integrationId, since.trim(), until?.trim() ?? null],
        );
        if (rows[0]) await boss.send(REPLAY_QUEUE, { replayId: id } satisfies ReplayJob, { db: transactionDb(client) });
        return rows[0];
      });
      if (!row) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `since (${since}) must be before until (${until ?? 'now'})`, [{ field: 'since', message: 'must be before until' }]);
      }
      return toReplay(row);
    },

    get,

    /** The integration's replays, newest first. */
    async list(integrationId: string, limit = 20): Promise<EventReplay[]> {
      await assignmentOf(integrationId);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `limit must be a whole number from 1 to 500, got ${limit}`, [{ field: 'limit', message: 'must be 1 to 500' }]);
      }
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
  };
}

export type EventReplays = ReturnType<typeof createEventReplays>;

/**
 * Consumes the `replay` queue: each job walks one slice of a replay, and queues the next in
 * the same transaction until the range is done.
 *
 * @example
 * await startReplayWorker({ boss, fanOutTo: (ids, integrationId, db) => engine.fanOutTo(ids, integrationId, db) });
 */
export async function startReplayWorker(deps: { boss: Boss; fanOutTo: FanOutTo; sliceSize?: number }): Promise<string> {
  const { boss } = deps;
  const sliceSize = deps.sliceSize ?? REPLAY_SLICE;
  const options = { batchSize: 1, ...WORK_POLLING, localConcurrency: 1, transactional: true } as const;
  return boss.work<ReplayJob, void, typeof options>(REPLAY_QUEUE, options, async ([job], tx) => {
    const { rows } = await tx.executeSql(
      `SELECT ${REPLAY_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, a.pipeline_id, a.enabled
         FROM signal.event_replays r JOIN signal.pipeline_integrations a ON a.id = r.pipeline_integration_id
        WHERE r.id = $1 FOR UPDATE OF r`,
      [job!.data.replayId],
    );
    const replay = rows[0] as (ReplayRow & { pipeline_id: string; enabled: boolean }) | undefined;
    // Gone with its integration, cancelled, or already done (a job run twice).
    if (!replay || replay.status !== 'running') return;
    if (!replay.enabled) {
      await tx.executeSql(
        `UPDATE signal.event_replays SET status = 'stopped', finished_at = now(), updated_at = now(),
                reason = 'the integration was disabled: start a new replay from where this one stopped once it is enabled again'
          WHERE id = $1`,
        [replay.id],
      );
      return;
    }
    const slice = nextSliceStatement(replay.pipeline_id, Number(replay.cursor), replay.since, replay.until, sliceSize);
    const ids = (await tx.executeSql(slice.text, slice.values)).rows.map((row) => Number(row.id));
    const queued = ids.length > 0 ? await deps.fanOutTo(ids, replay.pipeline_integration_id, tx) : 0;
    const done = ids.length < sliceSize;
    await tx.executeSql(
      `UPDATE signal.event_replays
          SET cursor = GREATEST(cursor, $2::bigint), scanned = scanned + $3::bigint, queued = queued + $4::bigint, updated_at = now(),
              status = CASE WHEN $5::boolean THEN 'done' ELSE status END,
              finished_at = CASE WHEN $5::boolean THEN now() ELSE finished_at END
        WHERE id = $1`,
      [replay.id, ids.at(-1) ?? 0, ids.length, queued, done],
    );
    if (!done) await boss.send(REPLAY_QUEUE, { replayId: replay.id } satisfies ReplayJob, { db: tx });
  });
}

/** Creates the `replay` queue unless it exists (every role may start a replay). */
export async function ensureReplayQueue(boss: Boss): Promise<void> {
  await ensureQueue(boss, REPLAY_QUEUE, { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 15 * 60, notify: true });
}
