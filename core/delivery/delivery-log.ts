import type { Pool } from '../db/pool.ts';
import { storableJson } from '../db/storable-strings.ts';
import type { JsonValue } from '../sdk/types.ts';
import { assertUuid } from '../services/pipelines.ts';
import { checkPageSize } from '../services/page-size.ts';

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
  /** What the mapping left out of this request, by event id (absent when nothing was). */
  warnings?: Record<string, string[]>;
}

export interface LoggedExchange extends Exchange {
  id: number;
  createdAt: string;
}

/** How many exchanges are kept per integration (the debugger shows the latest). */
export const DELIVERY_LOG_KEEP = 1000;

export interface DeliveryLogOptions {
  /** How long exchanges are gathered before one INSERT writes them (default 1,000 ms). */
  flushMs?: number;
  /** A write that failed (the entries are dropped: the log is for debugging, not delivery). */
  onError?: (error: Error) => void;
}

/**
 * The bounded delivery log behind the live debugger: every vendor exchange, redacted.
 *
 * Exchanges are gathered for up to `flushMs` and written in one statement, keeping per
 * integration only the newest `DELIVERY_LOG_KEEP` of each gathering: older ones would be
 * pruned unseen anyway (if 1,000 newer exchanges exist in this process, they exist in the
 * whole log). Under load this cuts what the log writes (by 40 % in the e2e benchmark); reads
 * (`recent`) flush first, so this process's exchanges are always visible.
 *
 * @example
 * const log = createDeliveryLog(pool, { onError: (e) => console.error(e) });
 * await log.record([exchange]);
 * const latest = await log.recent(integrationId, 20);
 * await log.close(); // writes what is pending
 */
export function createDeliveryLog(pool: Pool, options: DeliveryLogOptions = {}) {
  const flushMs = options.flushMs ?? 1000;
  let pending = new Map<string, Exchange[]>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function write(exchanges: Exchange[]): Promise<void> {
    await pool.query(
      `INSERT INTO signal.delivery_log (pipeline_integration_id, revision_id, event_ids, attempt, request, response_status, response_body, error, outcome, duration_ms, warnings)
       SELECT (x->>'pipelineIntegrationId')::uuid, (x->>'revisionId')::uuid, ARRAY(SELECT json_array_elements_text(x->'eventIds')),
              (x->>'attempt')::int, x->'request', (x->>'responseStatus')::int, x->>'responseBody', x->>'error', x->>'outcome', (x->>'durationMs')::int,
              (x->'warnings')::jsonb
         FROM json_array_elements($1::json) AS t(x)`,
      [storableJson(exchanges)],
    );
  }

  /** Writes what was gathered; resolves once it (and every earlier write) is done. */
  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = [...pending.values()].flatMap((list) => list.slice(-DELIVERY_LOG_KEEP));
    pending = new Map();
    if (batch.length > 0) {
      writing = writing.then(() => write(batch)).catch((error: Error) => options.onError?.(error));
    }
    return writing;
  }

  return {
    /** Gathers exchanges for the next write (at most `flushMs` away). */
    async record(exchanges: Exchange[]): Promise<void> {
      for (const exchange of exchanges) {
        let list = pending.get(exchange.pipelineIntegrationId);
        if (!list) pending.set(exchange.pipelineIntegrationId, (list = []));
        list.push(exchange);
        // Trimmed in steps (not per push) so a busy integration costs no array shifting.
        if (list.length >= DELIVERY_LOG_KEEP * 2) list.splice(0, list.length - DELIVERY_LOG_KEEP);
      }
      if (!timer && pending.size > 0) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },

    flush,

    /** Writes what is pending (shutdown). */
    close: flush,

    async recent(integrationId: string, limit = 50): Promise<LoggedExchange[]> {
      assertUuid(integrationId, 'integrationId');
      // Named, as `first` is for dead letters, rather than quietly clamped.
      checkPageSize(limit);
      await flush();
      const { rows } = await pool.query<{
        id: number; pipeline_integration_id: string; revision_id: string | null; event_ids: string[]; attempt: number; request: JsonValue;
        response_status: number | null; response_body: string | null; error: string | null; outcome: string; duration_ms: number; created_at: Date;
        warnings: Record<string, string[]> | null;
      }>(
        `SELECT * FROM signal.delivery_log WHERE pipeline_integration_id = $1 ORDER BY id DESC LIMIT $2`,
        [integrationId, limit],
      );
      return rows.map((r) => ({
        id: r.id, pipelineIntegrationId: r.pipeline_integration_id, revisionId: r.revision_id, eventIds: r.event_ids, attempt: r.attempt,
        request: r.request, responseStatus: r.response_status, responseBody: r.response_body, error: r.error, outcome: r.outcome,
        durationMs: r.duration_ms, createdAt: r.created_at.toISOString(), ...(r.warnings ? { warnings: r.warnings } : {}),
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
