import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { isConsentGranted } from '../pipeline/consent-gate.ts';
import { delivery, chunk } from '../pipeline/ingest-worker.ts';
import { transactionDb, type Boss } from '../queue/boss.ts';
import { assertUuid } from '../services/pipelines.ts';
import type { DeadLetterFilter, DeadLetterStore } from './dead-letters.ts';
import type { DeliveryLog } from './delivery-log.ts';
import type { DeliveryJob } from './delivery-engine.ts';
import type { IntegrationStats, StatsStore } from './integration-stats.ts';

export interface QueueDepth {
  /** Jobs waiting (deferred ones included). */
  queued: number;
  /** Jobs being delivered now. */
  active: number;
  /** Jobs waiting for a later start (retries, deferrals). */
  deferred: number;
  /** Events in the waiting and active jobs. */
  events: number;
}

export interface IntegrationHealth extends IntegrationStats {
  queueDepth: number;
  queuedEvents: number;
  deadLetterCount: number;
}

/**
 * The admin side of delivery: dead letters (list, replay, export, purge), counters with queue
 * depth, and the delivery log.
 *
 * @example
 * const admin = createDeliveryAdmin({ pool, boss, bossSchema: 'pgboss', deadLetters, log, stats });
 * await admin.replay(integrationId, { reasonContains: '401' });
 */
export function createDeliveryAdmin(deps: { pool: Pool; boss: Boss; bossSchema: string; deadLetters: DeadLetterStore; log: DeliveryLog; stats: StatsStore }) {
  const { pool, boss } = deps;

  async function assignment(integrationId: string): Promise<{ consent: string[]; maxEvents: number | null; vendor: string }> {
    assertUuid(integrationId, 'integrationId');
    const { rows } = await pool.query<{ consent_categories: string[]; vendor: string }>(
      `SELECT r.consent_categories, t.vendor FROM signal.pipeline_integrations a
         JOIN signal.integration_revisions r ON r.id = a.revision_id
         JOIN signal.integration_templates t ON t.id = a.template_id WHERE a.id = $1`,
      [integrationId],
    );
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${integrationId}`, [{ field: 'integrationId', message: 'no such pipeline integration' }]);
    return { consent: rows[0].consent_categories, maxEvents: null, vendor: rows[0].vendor };
  }

  /** Counted from the job table, not pg-boss's cached counters (those lag by a monitor cycle). */
  async function queueDepth(integrationId: string): Promise<QueueDepth> {
    const { rows } = await pool.query<QueueDepth>(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after > now())::int AS deferred,
              COALESCE(sum(jsonb_array_length(COALESCE(data->'ids', data->'events'))) FILTER (WHERE state IN ('created', 'retry', 'active')), 0)::int AS events
         FROM "${deps.bossSchema.replace(/"/g, '""')}".job WHERE name = $1`,
      [delivery(integrationId)],
    );
    return rows[0] ?? { queued: 0, active: 0, deferred: 0, events: 0 };
  }

  return {
    list: (integrationId: string, filter: DeadLetterFilter, first: number, after?: number) => deps.deadLetters.list(integrationId, filter, first, after),

    /**
     * Re-delivers dead letters through the integration's current revision, keeping their event
     * ids, consent re-checked. Taking them off the store and queueing them is one transaction,
     * so each is replayed exactly once.
     */
    async replay(integrationId: string, filter: DeadLetterFilter): Promise<{ replayed: number; skippedForConsent: number }> {
      const { consent } = await assignment(integrationId);
      const result = await withTransaction(pool, async (client) => {
        const letters = await deps.deadLetters.take(client, integrationId, filter);
        const events = letters.map((l) => l.event).filter((event) => isConsentGranted(event, consent));
        for (const part of chunk(events, 500)) {
          const job: DeliveryJob = { events: part, attempt: 1 };
          await boss.send(delivery(integrationId), job, { db: transactionDb(client) });
        }
        return { replayed: events.length, skippedForConsent: letters.length - events.length };
      });
      if (result.skippedForConsent > 0) await deps.stats.add(integrationId, { skippedConsent: result.skippedForConsent });
      return result;
    },

    async exportNdjson(integrationId: string, filter: DeadLetterFilter): Promise<string> {
      await assignment(integrationId);
      let out = '';
      for await (const line of deps.deadLetters.exportNdjson(integrationId, filter)) out += line;
      return out;
    },

    exportStream: (integrationId: string, filter: DeadLetterFilter) => deps.deadLetters.exportNdjson(integrationId, filter),

    purge: (integrationId: string, filter: DeadLetterFilter) => deps.deadLetters.purge(integrationId, filter),

    async health(integrationId: string): Promise<IntegrationHealth> {
      await assignment(integrationId);
      const [stats, depth, deadLetterCount] = await Promise.all([deps.stats.get(integrationId), queueDepth(integrationId), deps.deadLetters.count(integrationId)]);
      return { ...stats, queueDepth: depth.queued + depth.active, queuedEvents: depth.events, deadLetterCount };
    },

    queueDepth,
    recentExchanges: (integrationId: string, limit: number) => deps.log.recent(integrationId, limit),
  };
}

export type DeliveryAdmin = ReturnType<typeof createDeliveryAdmin>;
