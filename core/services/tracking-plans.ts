import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';
import { SignalError } from '../errors.ts';
import { compileTrackingPlan, trackingPlanProblem, type PlanVerdict, type TrackingPlan, type Violation, type ViolationKind } from '../pipeline/tracking-plan.ts';
import { assertUuid } from './pipelines.ts';

export interface TrackingPlanRevision {
  id: string;
  pipelineId: string;
  version: number;
  /** The plan's YAML; empty: the pipeline has no plan from this revision on. */
  source: string;
  note: string | null;
  createdAt: string;
  /** The planned track event names. */
  eventNames: string[];
  unplanned: string | null;
  violations: string | null;
}

/** A plan in force: its version, for the violations it finds. */
export interface ActivePlan {
  version: number;
  plan: TrackingPlan;
}

/** One event the plan found fault with, as the pipeline stage records it. */
export interface FoundViolation {
  pipelineId: string;
  planVersion: number;
  event: CanonicalEvent;
  verdict: PlanVerdict;
}

export interface RecordedViolation {
  messageId: string;
  eventType: string;
  eventName: string | null;
  kind: ViolationKind;
  blocked: boolean;
  planVersion: number;
  violations: Violation[];
  seenAt: string;
}

/** Per event name and kind, what the checks found over a time window. */
export interface ViolationSummary {
  eventType: string;
  eventName: string | null;
  kind: ViolationKind;
  events: number;
  blocked: number;
  lastSeenAt: string;
  /** The fields found wrong most often, with how many events each. */
  fields: Array<{ field: string; message: string; events: number }>;
}

interface Row {
  id: string;
  pipeline_id: string;
  version: number;
  source: string;
  note: string | null;
  created_at: Date;
}

/** The largest plan accepted (characters): thousands of events with their schemas fit. */
export const MAX_SOURCE_LENGTH = 1_000_000;

/** Refuses what a pipeline's plan is not (before storing it), naming the source's line. */
function compileOrRefuse(source: string): TrackingPlan | undefined {
  try {
    return compileTrackingPlan(source);
  } catch (error) {
    const problem = trackingPlanProblem(error);
    if (!problem) throw error;
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `The tracking plan is not valid: ${problem.message}`, [problem]);
  }
}

function toRevision(row: Row): TrackingPlanRevision {
  // Stored plans compiled when they were set; a stored one that no longer does says so here
  // rather than failing the answer.
  let plan: TrackingPlan | undefined;
  try {
    plan = compileTrackingPlan(row.source);
  } catch {
    plan = undefined;
  }
  return {
    id: row.id, pipelineId: row.pipeline_id, version: row.version, source: row.source, note: row.note, createdAt: row.created_at.toISOString(),
    eventNames: plan?.eventNames ?? [], unplanned: plan?.unplanned ?? null, violations: plan?.violations ?? null,
  };
}

/** The INSERT of a fan-out's violations: one statement, arrays as parameters. */
export function insertViolationsStatement(found: FoundViolation[]): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO signal.tracking_plan_violations (pipeline_id, plan_version, message_id, event_type, event_name, kind, blocked, violations)
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::jsonb[])`,
    values: [
      found.map((f) => f.pipelineId),
      found.map((f) => f.planVersion),
      found.map((f) => f.event.messageId),
      found.map((f) => f.event.type),
      found.map((f) => (f.event.type === 'track' ? storableText(f.event.event ?? '') : null)),
      found.map((f) => f.verdict.kind ?? 'invalid'),
      found.map((f) => f.verdict.action === 'block'),
      found.map((f) => JSON.stringify(f.verdict.violations.map((v) => ({ field: storableText(v.field), message: storableText(v.message) })))),
    ],
  };
}

/**
 * Per-pipeline tracking plans as immutable revisions, the plan in force for the pipeline stage
 * (cached a few seconds), and what the checks found.
 *
 * @example
 * const plans = createTrackingPlanService(pool);
 * await plans.set(pipelineId, 'events:\n  Order Completed:\n    properties: { required: [total] }\n', 'first plan');
 * const active = await plans.activeFor(pipelineId); // { version: 1, plan }
 */
export function createTrackingPlanService(pool: Pool, options: { cacheTtlMs?: number } = {}) {
  const ttl = options.cacheTtlMs ?? 5000;
  const cache = new Map<string, { active: ActivePlan | undefined; expires: number }>();

  async function requirePipeline(pipelineId: string): Promise<void> {
    assertUuid(pipelineId, 'pipelineId');
    const { rowCount } = await pool.query('SELECT 1 FROM signal.pipelines WHERE id = $1', [pipelineId]);
    if (!rowCount) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline with id ${pipelineId}`, [{ field: 'pipelineId', message: 'no such pipeline' }]);
  }

  async function latest(pipelineId: string): Promise<Row | undefined> {
    const { rows } = await pool.query<Row>('SELECT * FROM signal.tracking_plan_revisions WHERE pipeline_id = $1 ORDER BY version DESC LIMIT 1', [pipelineId]);
    return rows[0];
  }

  return {
    /** The pipeline's latest revision (null before its first). */
    async current(pipelineId: string): Promise<TrackingPlanRevision | null> {
      await requirePipeline(pipelineId);
      const row = await latest(pipelineId);
      return row ? toRevision(row) : null;
    },

    async history(pipelineId: string): Promise<TrackingPlanRevision[]> {
      await requirePipeline(pipelineId);
      const { rows } = await pool.query<Row>('SELECT * FROM signal.tracking_plan_revisions WHERE pipeline_id = $1 ORDER BY version', [pipelineId]);
      return rows.map(toRevision);
    },

    /** Validates and stores the pipeline's next revision; an empty source ends the plan. */
    async set(pipelineId: string, source: string, note?: string | null): Promise<TrackingPlanRevision> {
      await requirePipeline(pipelineId);
      if (source.length > MAX_SOURCE_LENGTH) throw new SignalError('SIGNAL_VALIDATION_FAILED', `The tracking plan is ${source.length} characters; a plan may be at most ${MAX_SOURCE_LENGTH}`, [{ field: 'source', message: `at most ${MAX_SOURCE_LENGTH} characters` }]);
      if (note !== undefined && note !== null && note.length > 2000) throw new SignalError('SIGNAL_VALIDATION_FAILED', 'note may be at most 2,000 characters', [{ field: 'note', message: 'at most 2,000 characters' }]);
      compileOrRefuse(source);
      const row = await withTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tracking-plan:${pipelineId}`]);
        const { rows } = await client.query<Row>(
          `INSERT INTO signal.tracking_plan_revisions (id, pipeline_id, version, source, note)
           VALUES ($1, $2, COALESCE((SELECT max(version) FROM signal.tracking_plan_revisions WHERE pipeline_id = $2), 0) + 1, $3, $4) RETURNING *`,
          [randomUUID(), pipelineId, source, note ?? null],
        );
        return rows[0]!;
      });
      cache.delete(pipelineId);
      return toRevision(row);
    },

    /**
     * The plan the pipeline stage checks a pipeline's events against (cached a few seconds:
     * a change reaches every worker within that), or undefined without one. A stored plan
     * that no longer compiles (a later version of the checker refusing it) checks nothing,
     * rather than stop the pipeline.
     */
    async activeFor(pipelineId: string): Promise<ActivePlan | undefined> {
      const hit = cache.get(pipelineId);
      if (hit && hit.expires > Date.now()) return hit.active;
      const row = await latest(pipelineId);
      let active: ActivePlan | undefined;
      try {
        const plan = row ? compileTrackingPlan(row.source) : undefined;
        active = plan && row ? { version: row.version, plan } : undefined;
      } catch {
        active = undefined;
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(pipelineId, { active, expires: Date.now() + ttl });
      return active;
    },

    /**
     * Checks events against a plan without storing anything: the given `source` (a draft), or
     * the pipeline's plan in force. For a site's tests and for trying a plan before setting it.
     */
    async check(input: { pipelineId?: string | null; source?: string | null }, events: CanonicalEvent[]): Promise<PlanVerdict[]> {
      let plan: TrackingPlan | undefined;
      if (input.source !== undefined && input.source !== null) plan = compileOrRefuse(input.source);
      else if (input.pipelineId) {
        await requirePipeline(input.pipelineId);
        const row = await latest(input.pipelineId);
        plan = row ? compileOrRefuse(row.source) : undefined;
      } else {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', 'Give the plan to check against: source, or a pipelineId whose plan is in force', [{ field: 'source', message: 'or pipelineId is required' }]);
      }
      return events.map((event) => plan?.check(event) ?? { action: 'pass', violations: [] });
    },

    /** The latest events the checks found fault with, newest first. */
    async findings(pipelineId: string, limit: number, eventName?: string | null): Promise<RecordedViolation[]> {
      await requirePipeline(pipelineId);
      const { rows } = await pool.query<{ message_id: string; event_type: string; event_name: string | null; kind: ViolationKind; blocked: boolean; plan_version: number; violations: Violation[]; seen_at: Date }>(
        `SELECT message_id, event_type, event_name, kind, blocked, plan_version, violations, seen_at FROM signal.tracking_plan_violations
          WHERE pipeline_id = $1 AND ($3::text IS NULL OR event_name = $3) ORDER BY seen_at DESC, id DESC LIMIT $2`,
        [pipelineId, limit, eventName ?? null],
      );
      return rows.map((r) => ({ messageId: r.message_id, eventType: r.event_type, eventName: r.event_name, kind: r.kind, blocked: r.blocked, planVersion: r.plan_version, violations: r.violations, seenAt: r.seen_at.toISOString() }));
    },

    /** Per event name and kind over the last `hours`: how many events, how many blocked, the fields most often wrong. */
    async summary(pipelineId: string, hours: number): Promise<ViolationSummary[]> {
      await requirePipeline(pipelineId);
      const { rows } = await pool.query<{ event_type: string; event_name: string | null; kind: ViolationKind; events: number; blocked: number; last_seen_at: Date; fields: Array<{ field: string; message: string; events: number }> }>(
        `WITH recent AS (
           SELECT * FROM signal.tracking_plan_violations WHERE pipeline_id = $1 AND seen_at > now() - make_interval(hours => $2)
         ), per_field AS (
           SELECT r.event_type, r.event_name, r.kind, v->>'field' AS field, v->>'message' AS message, count(*)::int AS events
             FROM recent r, jsonb_array_elements(r.violations) v GROUP BY 1, 2, 3, 4, 5
         )
         SELECT r.event_type, r.event_name, r.kind, count(*)::int AS events, count(*) FILTER (WHERE r.blocked)::int AS blocked, max(r.seen_at) AS last_seen_at,
                COALESCE((SELECT jsonb_agg(jsonb_build_object('field', f.field, 'message', f.message, 'events', f.events) ORDER BY f.events DESC, f.field)
                            FROM (SELECT * FROM per_field f WHERE f.event_type = r.event_type AND f.event_name IS NOT DISTINCT FROM r.event_name AND f.kind = r.kind
                                   ORDER BY f.events DESC, f.field LIMIT 5) f), '[]'::jsonb) AS fields
           FROM recent r GROUP BY r.event_type, r.event_name, r.kind ORDER BY events DESC, r.event_name NULLS FIRST`,
        [pipelineId, hours],
      );
      return rows.map((r) => ({ eventType: r.event_type, eventName: r.event_name, kind: r.kind, events: r.events, blocked: r.blocked, lastSeenAt: r.last_seen_at.toISOString(), fields: r.fields }));
    },

    /** Deletes what the checks found before the retention of stored events (the maintenance pass). */
    async prune(retentionHours: number): Promise<number> {
      const { rowCount } = await pool.query('DELETE FROM signal.tracking_plan_violations WHERE seen_at < now() - make_interval(hours => $1)', [retentionHours]);
      return rowCount ?? 0;
    },
  };
}

export type TrackingPlanService = ReturnType<typeof createTrackingPlanService>;
