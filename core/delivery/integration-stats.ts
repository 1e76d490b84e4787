import type { Pool } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';

export interface StatsDelta {
  delivered?: number;
  deadLettered?: number;
  skippedConsent?: number;
  /** Events the event's `integrations` object turned this integration off for. */
  skippedRouting?: number;
  /** Events not delivered because they repeated the `messageId` of one already fanned out. */
  skippedDuplicate?: number;
  /** Events of a person whose deletion was requested (see person-deletions.ts). */
  skippedSuppressed?: number;
  /** Events the pipeline's tracking plan blocked. */
  skippedTrackingPlan?: number;
  /** Delivered events the vendor's processing report says it failed (see processing-reports.ts). */
  processingFailed?: number;
  dropped?: number;
  /** Events scheduled for another try. */
  retried?: number;
  /** Change of the gauge of events waiting for a retry. */
  retrying?: number;
  requests?: number;
  failedRequests?: number;
  lastError?: string;
  /** Partner enrichment (an enriching integration): events given the partner's attributes. */
  enriched?: number;
  /** Events looked up whose visitor no identity found (or that had none to look up by). */
  enrichmentNotFound?: number;
  /** Events whose lookup failed, or met the partner paused after failures. */
  enrichmentFailed?: number;
  lastEnrichmentError?: string;
}

export interface IntegrationStats {
  pipelineIntegrationId: string;
  delivered: number;
  deadLettered: number;
  skippedConsent: number;
  skippedRouting: number;
  skippedDuplicate: number;
  skippedSuppressed: number;
  skippedTrackingPlan: number;
  processingFailed: number;
  dropped: number;
  retried: number;
  retrying: number;
  requests: number;
  failedRequests: number;
  /** delivered / (delivered + dead-lettered), or null before any outcome. */
  successRate: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
  enriched: number;
  enrichmentNotFound: number;
  enrichmentFailed: number;
  lastEnrichmentError: string | null;
  lastEnrichmentErrorAt: string | null;
}

/** One upsert adding a delta to an integration's counters. */
export function addStatsStatement(integrationId: string, d: StatsDelta) {
  return {
    text: `INSERT INTO signal.integration_stats AS s
             (pipeline_integration_id, delivered, dead_lettered, skipped_consent, dropped, retried, retrying, requests, failed_requests, last_error, last_error_at, last_delivered_at, skipped_routing, skipped_duplicate,
              enriched, enrichment_not_found, enrichment_failed, last_enrichment_error, last_enrichment_error_at, skipped_suppressed, skipped_tracking_plan, processing_failed)
           VALUES ($1, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::bigint, GREATEST($7::bigint, 0), $8::bigint, $9::bigint, $10::text,
                   CASE WHEN $10::text IS NULL THEN NULL ELSE now() END, CASE WHEN $2::bigint > 0 THEN now() END, $11::bigint, $12::bigint,
                   $13::bigint, $14::bigint, $15::bigint, $16::text, CASE WHEN $16::text IS NULL THEN NULL ELSE now() END, $17::bigint, $18::bigint, $19::bigint)
           ON CONFLICT (pipeline_integration_id) DO UPDATE SET
             delivered = s.delivered + $2::bigint, dead_lettered = s.dead_lettered + $3::bigint, skipped_consent = s.skipped_consent + $4::bigint,
             skipped_routing = s.skipped_routing + $11::bigint, skipped_duplicate = s.skipped_duplicate + $12::bigint, skipped_suppressed = s.skipped_suppressed + $17::bigint, skipped_tracking_plan = s.skipped_tracking_plan + $18::bigint, processing_failed = s.processing_failed + $19::bigint, dropped = s.dropped + $5::bigint, retried = s.retried + $6::bigint, retrying = GREATEST(0, s.retrying + $7::bigint),
             requests = s.requests + $8::bigint, failed_requests = s.failed_requests + $9::bigint,
             last_error = COALESCE($10::text, s.last_error),
             last_error_at = CASE WHEN $10::text IS NULL THEN s.last_error_at ELSE now() END,
             last_delivered_at = CASE WHEN $2::bigint > 0 THEN now() ELSE s.last_delivered_at END,
             enriched = s.enriched + $13::bigint, enrichment_not_found = s.enrichment_not_found + $14::bigint, enrichment_failed = s.enrichment_failed + $15::bigint,
             last_enrichment_error = COALESCE($16::text, s.last_enrichment_error),
             last_enrichment_error_at = CASE WHEN $16::text IS NULL THEN s.last_enrichment_error_at ELSE now() END,
             updated_at = now()`,
    values: [integrationId, d.delivered ?? 0, d.deadLettered ?? 0, d.skippedConsent ?? 0, d.dropped ?? 0, d.retried ?? 0, d.retrying ?? 0,
      d.requests ?? 0, d.failedRequests ?? 0, (d.lastError === undefined ? null : storableText(d.lastError.slice(0, 1000))), d.skippedRouting ?? 0, d.skippedDuplicate ?? 0,
      d.enriched ?? 0, d.enrichmentNotFound ?? 0, d.enrichmentFailed ?? 0, (d.lastEnrichmentError === undefined ? null : storableText(d.lastEnrichmentError.slice(0, 1000))), d.skippedSuppressed ?? 0, d.skippedTrackingPlan ?? 0, d.processingFailed ?? 0],
  };
}

interface Row {
  pipeline_integration_id: string; delivered: number; dead_lettered: number; skipped_consent: number; skipped_routing: number; skipped_duplicate: number; skipped_suppressed?: number; skipped_tracking_plan?: number; processing_failed?: number; dropped: number;
  retried: number; retrying: number; requests: number; failed_requests: number; last_error: string | null;
  last_error_at: Date | null; last_delivered_at: Date | null;
  enriched: number; enrichment_not_found: number; enrichment_failed: number; last_enrichment_error: string | null; last_enrichment_error_at: Date | null;
}

function toStats(id: string, row: Row | undefined): IntegrationStats {
  const delivered = row?.delivered ?? 0;
  const deadLettered = row?.dead_lettered ?? 0;
  return {
    pipelineIntegrationId: id,
    delivered,
    deadLettered,
    skippedConsent: row?.skipped_consent ?? 0,
    skippedRouting: row?.skipped_routing ?? 0,
    skippedDuplicate: row?.skipped_duplicate ?? 0,
    skippedSuppressed: Number(row?.skipped_suppressed ?? 0),
    skippedTrackingPlan: Number(row?.skipped_tracking_plan ?? 0),
    processingFailed: Number(row?.processing_failed ?? 0),
    dropped: row?.dropped ?? 0,
    retried: row?.retried ?? 0,
    retrying: row?.retrying ?? 0,
    requests: row?.requests ?? 0,
    failedRequests: row?.failed_requests ?? 0,
    successRate: delivered + deadLettered === 0 ? null : delivered / (delivered + deadLettered),
    lastError: row?.last_error ?? null,
    lastErrorAt: row?.last_error_at?.toISOString() ?? null,
    lastDeliveredAt: row?.last_delivered_at?.toISOString() ?? null,
    enriched: Number(row?.enriched ?? 0),
    enrichmentNotFound: Number(row?.enrichment_not_found ?? 0),
    enrichmentFailed: Number(row?.enrichment_failed ?? 0),
    lastEnrichmentError: row?.last_enrichment_error ?? null,
    lastEnrichmentErrorAt: row?.last_enrichment_error_at?.toISOString() ?? null,
  };
}

/**
 * Counters per pipeline integration: delivered, retrying, dead-lettered, skipped for consent…
 *
 * @example
 * const stats = createStatsStore(pool);
 * await stats.add(integrationId, { delivered: 10, requests: 1 });
 */
export function createStatsStore(pool: Pool) {
  return {
    /** `db`: a transaction to count in (the fan-out's), so a rolled-back one counts nothing. */
    async add(integrationId: string, delta: StatsDelta, db?: { executeSql(text: string, values?: unknown[]): Promise<unknown> }): Promise<void> {
      if (Object.values(delta).every((v) => v === undefined || v === 0)) return;
      const statement = addStatsStatement(integrationId, delta);
      if (db) await db.executeSql(statement.text, statement.values);
      else await pool.query(statement.text, statement.values);
    },
    async get(integrationId: string): Promise<IntegrationStats> {
      const { rows } = await pool.query<Row>('SELECT * FROM signal.integration_stats WHERE pipeline_integration_id = $1', [integrationId]);
      return toStats(integrationId, rows[0]);
    },
    async all(): Promise<IntegrationStats[]> {
      const { rows } = await pool.query<Row>('SELECT * FROM signal.integration_stats ORDER BY pipeline_integration_id');
      return rows.map((r) => toStats(r.pipeline_integration_id, r));
    },
  };
}

export type StatsStore = ReturnType<typeof createStatsStore>;
