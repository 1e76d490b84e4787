import type { Pool } from '../db/pool.ts';
import type { JsonValue } from '../sdk/types.ts';
import { assertUuid } from '../services/pipelines.ts';

export interface Exchange {
  pipelineIntegrationId: string;
  revisionId: string | null;
  eventIds: string[];
  attempt: number;
  /** The request as sent, secrets redacted. */
  request: JsonValue;
  responseStatus: number | null;
  /** The response body, truncated and redacted. */
  responseBody: string | null;
  error: string | null;
  outcome: string;
  durationMs: number;
}

export interface LoggedExchange extends Exchange {
  id: number;
  createdAt: string;
}

/** How many exchanges are kept per integration (the debugger shows the latest). */
export const DELIVERY_LOG_KEEP = 1000;

/**
 * The bounded delivery log behind the live debugger: every vendor exchange, redacted.
 *
 * @example
 * const log = createDeliveryLog(pool);
 * const latest = await log.recent(integrationId, 20);
 */
export function createDeliveryLog(pool: Pool) {
  return {
    async record(exchanges: Exchange[]): Promise<void> {
      if (exchanges.length === 0) return;
      await pool.query(
        `INSERT INTO signal.delivery_log (pipeline_integration_id, revision_id, event_ids, attempt, request, response_status, response_body, error, outcome, duration_ms)
         SELECT (x->>'pipelineIntegrationId')::uuid, (x->>'revisionId')::uuid, ARRAY(SELECT json_array_elements_text(x->'eventIds')),
                (x->>'attempt')::int, x->'request', (x->>'responseStatus')::int, x->>'responseBody', x->>'error', x->>'outcome', (x->>'durationMs')::int
           FROM json_array_elements($1::json) AS t(x)`,
        [JSON.stringify(exchanges)],
      );
    },

    async recent(integrationId: string, limit = 50): Promise<LoggedExchange[]> {
      assertUuid(integrationId, 'integrationId');
      const { rows } = await pool.query<{
        id: number; pipeline_integration_id: string; revision_id: string | null; event_ids: string[]; attempt: number; request: JsonValue;
        response_status: number | null; response_body: string | null; error: string | null; outcome: string; duration_ms: number; created_at: Date;
      }>(
        `SELECT * FROM signal.delivery_log WHERE pipeline_integration_id = $1 ORDER BY id DESC LIMIT $2`,
        [integrationId, Math.min(Math.max(limit, 1), 500)],
      );
      return rows.map((r) => ({
        id: r.id, pipelineIntegrationId: r.pipeline_integration_id, revisionId: r.revision_id, eventIds: r.event_ids, attempt: r.attempt,
        request: r.request, responseStatus: r.response_status, responseBody: r.response_body, error: r.error, outcome: r.outcome,
        durationMs: r.duration_ms, createdAt: r.created_at.toISOString(),
      }));
    },

    /** Keeps the latest `keep` exchanges of each integration. */
    async prune(keep = DELIVERY_LOG_KEEP): Promise<number> {
      const { rowCount } = await pool.query(
        `DELETE FROM signal.delivery_log d USING (
           SELECT pipeline_integration_id, (SELECT id FROM signal.delivery_log x WHERE x.pipeline_integration_id = i.pipeline_integration_id ORDER BY id DESC OFFSET $1 LIMIT 1) AS cutoff
             FROM (SELECT DISTINCT pipeline_integration_id FROM signal.delivery_log) i) c
          WHERE d.pipeline_integration_id = c.pipeline_integration_id AND c.cutoff IS NOT NULL AND d.id <= c.cutoff`,
        [keep],
      );
      return rowCount ?? 0;
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;
