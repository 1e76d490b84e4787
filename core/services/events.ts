import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { pruneSightingsStatement } from '../pipeline/deduplication.ts';
import { pruneTraitsStatement } from '../pipeline/remembered-traits.ts';
import { prunePartnerStatement } from '../pipeline/partner-enrichment.ts';
import { HELD_ENTRY_DAYS, pruneHeldStatement } from '../pipeline/suppression-list.ts';
import { jobTable } from '../queue/boss.ts';
import { assertUuid } from './pipelines.ts';
import { checkPageSize } from './page-size.ts';

export interface StoredEvent {
  id: number;
  pipelineId: string;
  messageId: string;
  type: string;
  receivedAt: string;
  payload: CanonicalEvent;
  /** Held back by the pipeline stage as a repeat of an earlier copy (deduplication). */
  duplicate: boolean;
}

interface EventRow {
  id: number;
  pipeline_id: string;
  message_id: string;
  type: string;
  received_at: Date;
  payload: CanonicalEvent;
  duplicate: boolean | null;
}

function toStored(row: EventRow): StoredEvent {
  return { id: row.id, pipelineId: row.pipeline_id, messageId: row.message_id, type: row.type, receivedAt: row.received_at.toISOString(), payload: row.payload, duplicate: row.duplicate === true };
}

/**
 * Stored events by row id, in id order, with what the pipeline stage and the delivery worker
 * read of them. An id whose row is gone is simply absent.
 *
 * @example
 * const { rows } = await pool.query<StoredEventRow>(storedEventsStatement([41, 42]));
 */
export function storedEventsStatement(ids: number[]): { text: string; values: unknown[] } {
  return { text: 'SELECT id, pipeline_id, message_id, received_at, payload FROM signal.events WHERE id = ANY($1::bigint[]) ORDER BY id', values: [ids] };
}

export interface StoredEventRow {
  id: number;
  pipeline_id: string;
  message_id: string;
  received_at: Date;
  payload: CanonicalEvent;
}

/**
 * One slice of the retention prune: deletes up to `$2` of the oldest events received more
 * than `$1` hours ago, never one the ingest dispatcher has not reached (no worker ran for a
 * while), one a running replay has still to walk (its slice's delivery jobs are not yet
 * committed, so no reference protects the events it is reading), nor, with `bossSchema`, one a
 * pending ingest or delivery job refers to by id (jobs list their ids in ascending order, so a
 * job's first id is its oldest). The guards are read
 * in the statement's own snapshot, in which the dispatcher's job and its cursor move appear
 * together: read once for a whole run instead, an event dispatched during the run lay behind
 * the cursor by the next slice but before the oldest reference read at the start.
 *
 * @example
 * const { rowCount } = await pool.query(pruneEventsStatement('pgboss'), [24 * 30, 10_000]);
 */
export function pruneEventsStatement(bossSchema?: string): string {
  const referenced = bossSchema
    ? `AND id < COALESCE((SELECT min((data->'ids'->>0)::bigint)
                             FROM ${jobTable(bossSchema)}
                            WHERE (name = 'ingest' OR name LIKE 'delivery.%')
                              AND state IN ('created', 'retry', 'active', 'failed')
                              AND data ? 'ids'), 9223372036854775807)`
    : '';
  // Oldest first by primary key: each slice reads only the rows it may delete.
  return `DELETE FROM signal.events
           WHERE id IN (SELECT id FROM signal.events ORDER BY id LIMIT $2)
             AND received_at < now() - make_interval(hours => $1)
             AND (xid IS NULL OR (xid, id) <= (SELECT last_xid, last_id FROM signal.ingest_cursor))
             AND id <= COALESCE((SELECT min(cursor) FROM signal.event_replays WHERE status = 'running'), 9223372036854775807)
             ${referenced}`;
}

/**
 * Reads the raw event store (what the collect endpoint committed). With `bossSchema`, the
 * prune also keeps every event a pending job refers to by id.
 *
 * @example
 * const events = createEventStore(pool, { bossSchema: 'pgboss' });
 * const latest = await events.recent(pipelineId, 20);
 */
export function createEventStore(pool: Pool, options: { bossSchema?: string } = {}) {
  /** Runs a DELETE of at most `slice` rows until one deletes fewer; returns how many went. */
  async function deleteInSlices(statement: string, values: unknown[], slice: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await pool.query(statement, values);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < slice) return total;
    }
  }

  return {
    async recent(pipelineId: string, limit = 50): Promise<StoredEvent[]> {
      assertUuid(pipelineId, 'pipelineId');
      checkPageSize(limit);
      const { rows } = await pool.query<EventRow>(
        'SELECT id, pipeline_id, message_id, type, received_at, payload, duplicate FROM signal.events WHERE pipeline_id = $1 ORDER BY id DESC LIMIT $2',
        [pipelineId, limit],
      );
      return rows.map(toStored);
    },

    /** Deletes events older than the retention, a slice at a time; returns how many went. */
    async prune(retentionHours: number, slice = 10_000): Promise<number> {
      // Never an event still to be delivered: it was accepted (see pruneEventsStatement).
      return deleteInSlices(pruneEventsStatement(options.bossSchema), [retentionHours, slice], slice);
    },

    /**
     * Deletes the message ids deduplication keeps once they are past the window each was
     * recorded under, counted from the oldest event still to be fanned out (see
     * pruneSightingsStatement). Returns how many went.
     */
    async pruneSightings(slice = 10_000): Promise<number> {
      return deleteInSlices(pruneSightingsStatement(options.bossSchema), [slice], slice);
    },

    /** Deletes remembered traits not updated for `days` (0: all of them), but a forgetting while the events it erased are stored (see pruneTraitsStatement); returns how many went. */
    async pruneTraits(days: number, slice = 10_000): Promise<number> {
      return deleteInSlices(pruneTraitsStatement(), [days, slice], slice);
    },

    /** Deletes expired partner lookups and browser attributes (partner enrichment); returns how many went. */
    async prunePartnerData(slice = 10_000): Promise<number> {
      return (await deleteInSlices(prunePartnerStatement('partner_lookups'), [slice], slice))
        + (await deleteInSlices(prunePartnerStatement('partner_browser_attributes'), [slice], slice));
    },

    /** Deletes the entries of person deletions without suppression, once their events can no longer be on their way. */
    async pruneHeld(slice = 10_000): Promise<number> {
      return deleteInSlices(pruneHeldStatement(), [HELD_ENTRY_DAYS, slice], slice);
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
