import { createHash } from 'node:crypto';
import { jobTable } from '../queue/boss.ts';

/** The longest deduplication window, in hours (30 days), for the default and for a pipeline's own. */
export const MAX_DEDUP_WINDOW_HOURS = 720;

/** What deduplication reads of a stored event. */
export interface Sighting {
  id: number;
  pipelineId: string;
  messageId: string;
  receivedAt: Date;
}

/** A pipeline's deduplication window in hours (0: off). */
export type WindowOf = (pipelineId: string) => number;

/** Runs a statement: the ingest job's transaction, or the pool outside one. */
export type Execute = (text: string, values: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/** The key a message id is kept under: its SHA-256 (ids are the client's, of any length). */
export function messageDigest(messageId: string): Buffer {
  return createHash('sha256').update(messageId).digest();
}

/**
 * Records first sightings of (pipeline, message id) pairs, each under its pipeline's window in
 * hours, and returns the pairs that were new: never seen, or first seen more than the window
 * before this copy was received. A pair seen within the window keeps its row (and its first
 * time), so a steady stream of retries cannot extend the window for ever. Rows must come sorted
 * by key, so concurrent fan-outs lock them in one order and cannot deadlock; a key may appear
 * only once.
 *
 * @example
 * const { text, values } = recordSightingsStatement([pipelineId], [messageDigest('m-1')], [new Date()], [24]);
 * const { rows } = await pool.query(text, values); // [{ pipeline_id, message_digest }] when new
 */
export function recordSightingsStatement(pipelineIds: string[], digests: Buffer[], receivedAt: Date[], windowHours: number[]) {
  return {
    text: `INSERT INTO signal.seen_messages AS s (pipeline_id, message_digest, seen_at, window_hours)
           SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[], $4::int[])
           ON CONFLICT (pipeline_id, message_digest) DO UPDATE SET seen_at = EXCLUDED.seen_at, recorded_at = now(), window_hours = EXCLUDED.window_hours
             WHERE s.seen_at < EXCLUDED.seen_at - make_interval(hours => EXCLUDED.window_hours)
           RETURNING pipeline_id, message_digest`,
    values: [pipelineIds, digests, receivedAt, windowHours],
  };
}

/**
 * Deletes up to `$1` sightings whose window (each row's own) has passed, counted back from the
 * oldest event the pipeline stage has still to take in: an event the ingest dispatcher has not
 * reached, or (with `bossSchema`) the first of a pending ingest job, else now. Behind a backlog
 * the retry of a first copy may be reached a day after the first copy was recorded; counted
 * from now, the prune would have deleted the sighting the retry still needs. A sighting is also
 * kept until the window has passed since it was recorded.
 *
 * @example
 * const { rowCount } = await pool.query(pruneSightingsStatement('pgboss'), [10_000]);
 */
export function pruneSightingsStatement(bossSchema?: string) {
  const pendingJob = bossSchema
    ? `, COALESCE((SELECT e.received_at FROM signal.events e
                   WHERE e.id = (SELECT min((data->'ids'->>0)::bigint) FROM ${jobTable(bossSchema)}
                                  WHERE name = 'ingest' AND state IN ('created', 'retry', 'active'))), now())`
    : '';
  return `WITH horizon AS (
            SELECT LEAST(now(),
                         COALESCE((SELECT received_at FROM signal.events
                                    WHERE (xid, id) > (SELECT last_xid, last_id FROM signal.ingest_cursor)
                                    ORDER BY xid, id LIMIT 1), now())${pendingJob}) AS at
          )
          DELETE FROM signal.seen_messages
           WHERE ctid = ANY (ARRAY(SELECT s.ctid FROM signal.seen_messages s, horizon
                                    WHERE s.recorded_at < horizon.at - make_interval(hours => s.window_hours)
                                      AND s.seen_at < horizon.at - make_interval(hours => s.window_hours)
                                    LIMIT $1))`;
}

/**
 * Splits stored events into first copies and repeats: an event repeats one when its pipeline
 * already fanned out an event with the same `messageId` received within the pipeline's window
 * (`windowOf`; 0 leaves its events out of deduplication) before it, or when an earlier event
 * of `events` (id order) carries it. Recording the first copies
 * through `execute` in the fan-out's transaction makes it exact: a fan-out rolled back records
 * nothing, and one running at the same time with the same id waits for this one to commit and
 * then sees it. Returns the ids of the repeats and their count per pipeline.
 *
 * @example
 * const { repeated, perPipeline } = await findRepeats(rows, () => 24, (text, values) => pool.query(text, values));
 */
export async function findRepeats(events: Sighting[], windowOf: WindowOf, execute: Execute): Promise<{ repeated: Set<number>; perPipeline: Map<string, number> }> {
  const repeated = new Set<number>();
  const perPipeline = new Map<string, number>();
  const count = (event: Sighting) => {
    repeated.add(event.id);
    perPipeline.set(event.pipelineId, (perPipeline.get(event.pipelineId) ?? 0) + 1);
  };
  const firsts = new Map<string, { event: Sighting; digest: Buffer }>();
  for (const event of events) {
    if (windowOf(event.pipelineId) <= 0) continue;
    const digest = messageDigest(event.messageId);
    const key = `${event.pipelineId}/${digest.toString('hex')}`;
    if (firsts.has(key)) count(event);
    else firsts.set(key, { event, digest });
  }
  if (firsts.size === 0) return { repeated, perPipeline };
  const sorted = [...firsts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const statement = recordSightingsStatement(
    sorted.map(([, f]) => f.event.pipelineId),
    sorted.map(([, f]) => f.digest),
    sorted.map(([, f]) => f.event.receivedAt),
    sorted.map(([, f]) => windowOf(f.event.pipelineId)),
  );
  const { rows } = await execute(statement.text, statement.values);
  const fresh = new Set(rows.map((row) => `${String(row.pipeline_id)}/${(row.message_digest as Buffer).toString('hex')}`));
  for (const [key, { event }] of sorted) if (!fresh.has(key)) count(event);
  return { repeated, perPipeline };
}
