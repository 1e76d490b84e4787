import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { assertUuid } from './pipelines.ts';

export interface StoredEvent {
  id: number;
  pipelineId: string;
  messageId: string;
  type: string;
  receivedAt: string;
  payload: CanonicalEvent;
}

interface EventRow {
  id: number;
  pipeline_id: string;
  message_id: string;
  type: string;
  received_at: Date;
  payload: CanonicalEvent;
}

function toStored(row: EventRow): StoredEvent {
  return { id: row.id, pipelineId: row.pipeline_id, messageId: row.message_id, type: row.type, receivedAt: row.received_at.toISOString(), payload: row.payload };
}

/**
 * Reads the raw event store (what the collect endpoint committed).
 *
 * @example
 * const events = createEventStore(pool);
 * const latest = await events.recent(pipelineId, 20);
 */
export function createEventStore(pool: Pool) {
  return {
    async recent(pipelineId: string, limit = 50): Promise<StoredEvent[]> {
      assertUuid(pipelineId, 'pipelineId');
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', 'limit must be a whole number from 1 to 500', [{ field: 'limit', message: 'must be 1 to 500' }]);
      }
      const { rows } = await pool.query<EventRow>(
        'SELECT id, pipeline_id, message_id, type, received_at, payload FROM signal.events WHERE pipeline_id = $1 ORDER BY id DESC LIMIT $2',
        [pipelineId, limit],
      );
      return rows.map(toStored);
    },

    async byIds(ids: number[]): Promise<StoredEvent[]> {
      const { rows } = await pool.query<EventRow>(
        'SELECT id, pipeline_id, message_id, type, received_at, payload FROM signal.events WHERE id = ANY($1::bigint[]) ORDER BY id',
        [ids],
      );
      return rows.map(toStored);
    },

    /** Deletes events older than the retention, a slice at a time; returns how many went. */
    async prune(retentionHours: number, slice = 10_000): Promise<number> {
      let total = 0;
      for (;;) {
        const { rowCount } = await pool.query(
          // Oldest first by primary key: each slice reads only the rows it may delete.
          // Never an event the ingest dispatcher has not reached (no worker ran for a while):
          // it was accepted and must still be delivered.
          `DELETE FROM signal.events
            WHERE id IN (SELECT id FROM signal.events ORDER BY id LIMIT $2)
              AND received_at < now() - make_interval(hours => $1)
              AND (xid IS NULL OR (xid, id) <= (SELECT last_xid, last_id FROM signal.ingest_cursor))`,
          [retentionHours, slice],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < slice) return total;
      }
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
