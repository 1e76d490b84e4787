import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { isConsentGranted } from '../pipeline/consent-gate.ts';
import { delivery, chunk } from '../pipeline/ingest-worker.ts';
import { jobTable, transactionDb, type Boss } from '../queue/boss.ts';
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

export interface ReplayResult {
  replayed: number;
  /** Dead letters whose consent no longer allows delivery: removed, not sent. */
  skippedForConsent: number;
  /** Matching dead letters that were there when the replay began and still are. */
  remaining: number;
}

/** Dead letters taken and queued per transaction of a replay. */
export const REPLAY_CHUNK = 1000;

/** The most `exportNdjson` builds into one string; larger exports are streamed over REST. */
export const EXPORT_STRING_MAX_BYTES = 10 * 1024 * 1024;

/** The REST route streaming a pipeline integration's dead letters as NDJSON. */
export function exportPath(integrationId: string): string {
  return `/v1/admin/integrations/${integrationId}/dead-letters/export`;
}

/**
 * The 409 for a replay (of dead letters or of stored events) into a disabled pipeline
 * integration; `what` says what would be replayed.
 *
 * @example
 * throw replayIntoDisabledError(id, 'Orders hook', 'events to it');
 */
export function replayIntoDisabledError(integrationId: string, name: string, what: string): SignalError {
  return new SignalError('SIGNAL_CONFLICT', `Integration "${name}" (${integrationId}) is disabled: enable it (setIntegrationEnabled) before replaying ${what}`, [
    { field: 'integrationId', message: 'the pipeline integration is disabled' },
  ]);
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

  async function assignment(integrationId: string): Promise<{ consent: string[]; vendor: string; name: string; enabled: boolean }> {
    assertUuid(integrationId, 'integrationId');
    const { rows } = await pool.query<{ consent_categories: string[]; vendor: string; name: string; enabled: boolean }>(
      `SELECT r.consent_categories, t.vendor, t.name, a.enabled FROM signal.pipeline_integrations a
         JOIN signal.integration_revisions r ON r.id = a.revision_id
         JOIN signal.integration_templates t ON t.id = a.template_id WHERE a.id = $1`,
      [integrationId],
    );
    if (!rows[0]) throw await notFound(integrationId);
    return { consent: rows[0].consent_categories, vendor: rows[0].vendor, name: rows[0].name, enabled: rows[0].enabled };
  }

  /**
   * A disabled integration has no worker, and one never enabled has no queue: replayed events
   * would leave the dead-letter table (where they can be seen, exported, purged) to wait
   * unseen, so the replay is refused until it is enabled.
   */
  const disabledError = (integrationId: string, name: string) =>
    replayIntoDisabledError(integrationId, name, 'its dead letters; they stay in the dead-letter queue until then');

  /**
   * The export, page by page as it is read (see `exportPages`). The integration and the filter
   * are checked before it is returned, so a REST caller gets a 404 or 400, not a cut stream.
   */
  async function exportStream(integrationId: string, filter: DeadLetterFilter): Promise<AsyncGenerator<string>> {
    await assignment(integrationId);
    return deps.deadLetters.exportPages(integrationId, filter);
  }

  /** Counted from the job table, not pg-boss's cached counters (those lag by a monitor cycle). */
  async function queueDepth(integrationId: string): Promise<QueueDepth> {
    const { rows } = await pool.query<QueueDepth>(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after > now())::int AS deferred,
              COALESCE(sum(jsonb_array_length(COALESCE(data->'ids', data->'events'))) FILTER (WHERE state IN ('created', 'retry', 'active')), 0)::int AS events
         FROM ${jobTable(deps.bossSchema)} WHERE name = $1`,
      [delivery(integrationId)],
    );
    return rows[0] ?? { queued: 0, active: 0, deferred: 0, events: 0 };
  }

  /**
   * The 404 for an id no pipeline integration has; when it is an integration (template) id, the
   * id install returns beside the assignment's, it names that template's pipeline integrations.
   */
  async function notFound(integrationId: string): Promise<SignalError> {
    const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM signal.pipeline_integrations WHERE template_id = $1 ORDER BY created_at', [integrationId]);
    const ofTemplate = rows.map((r) => r.id);
    const hint = ofTemplate.length > 0 ? `: ${integrationId} is an integration (template) id; dead letters and deliveries are per pipeline integration, here ${ofTemplate.join(', ')}` : '';
    return new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${integrationId}${hint}`, [{ field: 'integrationId', message: ofTemplate.length > 0 ? 'is an integration (template) id, not a pipeline integration id' : 'no such pipeline integration' }]);
  }

  /**
   * Nothing found for `integrationId`: a 404 when no pipeline integration has that id. A
   * deleted integration's dead letters and log stay until their retention: with any of them
   * found, no check is made.
   */
  async function assertKnown(integrationId: string): Promise<void> {
    assertUuid(integrationId, 'integrationId');
    const { rows } = await pool.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM signal.pipeline_integrations WHERE id = $1) AS found', [integrationId]);
    if (!rows[0]?.found) throw await notFound(integrationId);
  }

  return {
    async list(integrationId: string, filter: DeadLetterFilter, first: number, after?: number) {
      const page = await deps.deadLetters.list(integrationId, filter, first, after);
      if (page.total === 0 && after === undefined) await assertKnown(integrationId);
      return page;
    },

    /**
     * Re-delivers dead letters through the integration's current revision, keeping their event
     * ids, consent re-checked. Each chunk is taken off the store and queued in one transaction,
     * so each dead letter is replayed exactly once; chunks commit one by one, so no transaction
     * grows with the queue. Without `limit`, every dead letter matching when the call began is
     * replayed; `remaining` counts those still there (a limit, a disable meanwhile).
     */
    async replay(integrationId: string, filter: DeadLetterFilter, limit?: number): Promise<ReplayResult> {
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `limit must be a whole number of at least 1 (leave it out to replay all), got ${limit}`, [{ field: 'limit', message: 'must be at least 1' }]);
      }
      const target = await assignment(integrationId);
      if (!target.enabled) throw disabledError(integrationId, target.name);
      // Dead letters of the replayed events, should they fail again, come back with newer
      // ids: bounding the ids keeps the replay from looping over them.
      const { lastId } = await deps.deadLetters.extent(integrationId, filter);
      const result: ReplayResult = { replayed: 0, skippedForConsent: 0, remaining: 0 };
      if (lastId === null) return result;
      for (let taken = 0; limit === undefined || taken < limit;) {
        const size = Math.min(REPLAY_CHUNK, limit === undefined ? REPLAY_CHUNK : limit - taken);
        const part = await withTransaction(pool, async (client) => {
          // Locked until commit: the integration is neither disabled nor removed (its queue
          // deleted) while a chunk goes into its queue.
          const { rows } = await client.query<{ enabled: boolean }>('SELECT enabled FROM signal.pipeline_integrations WHERE id = $1 FOR SHARE', [integrationId]);
          if (!rows[0]?.enabled) return null;
          const letters = await deps.deadLetters.take(client, integrationId, filter, size, lastId);
          const events = letters.map((l) => l.event).filter((event) => isConsentGranted(event, target.consent));
          for (const jobEvents of chunk(events, 500)) {
            const job: DeliveryJob = { events: jobEvents, attempt: 1 };
            await boss.send(delivery(integrationId), job, { db: transactionDb(client) });
          }
          return { taken: letters.length, replayed: events.length };
        });
        if (part === null) {
          if (taken === 0) throw disabledError(integrationId, target.name);
          break;
        }
        if (part.taken === 0) break;
        taken += part.taken;
        result.replayed += part.replayed;
        const skipped = part.taken - part.replayed;
        result.skippedForConsent += skipped;
        if (skipped > 0) await deps.stats.add(integrationId, { skippedConsent: skipped });
      }
      result.remaining = (await deps.deadLetters.extent(integrationId, filter, lastId)).count;
      return result;
    },

    /**
     * The NDJSON export as one string, for small sets (GraphQL's `exportDeadLetters`): refused
     * past `EXPORT_STRING_MAX_BYTES`, where the streaming REST export is the way.
     */
    async exportNdjson(integrationId: string, filter: DeadLetterFilter): Promise<string> {
      const pages = await exportStream(integrationId, filter);
      let out = '';
      let bytes = 0;
      for await (const page of pages) {
        bytes += Buffer.byteLength(page);
        if (bytes > EXPORT_STRING_MAX_BYTES) {
          const { count } = await deps.deadLetters.extent(integrationId, filter);
          throw new SignalError('SIGNAL_EXPORT_TOO_LARGE', `The export of ${count} dead letters is larger than ${EXPORT_STRING_MAX_BYTES / (1024 * 1024)} MB, the most exportDeadLetters returns: stream it with GET ${exportPath(integrationId)} (any size, same filters), or narrow the filter`, [
            { field: 'filter', message: `matches more than ${EXPORT_STRING_MAX_BYTES / (1024 * 1024)} MB of dead letters` },
          ]);
        }
        out += page;
      }
      return out;
    },

    exportStream,

    purge: (integrationId: string, filter: DeadLetterFilter) => deps.deadLetters.purge(integrationId, filter),

    async health(integrationId: string): Promise<IntegrationHealth> {
      await assignment(integrationId);
      const [stats, depth, deadLetterCount] = await Promise.all([deps.stats.get(integrationId), queueDepth(integrationId), deps.deadLetters.count(integrationId)]);
      return { ...stats, queueDepth: depth.queued + depth.active, queuedEvents: depth.events, deadLetterCount };
    },

    queueDepth,
    async recentExchanges(integrationId: string, limit: number) {
      const exchanges = await deps.log.recent(integrationId, limit);
      if (exchanges.length === 0) await assertKnown(integrationId);
      return exchanges;
    },
  };
}

export type DeliveryAdmin = ReturnType<typeof createDeliveryAdmin>;
