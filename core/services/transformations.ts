import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BlueprintError } from '../blueprint/compile-blueprint.ts';
import { compileTransformations, composeTransformations, type EventTransformation } from '../blueprint/transformations.ts';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { assertUuid } from './pipelines.ts';

export interface TransformationRevision {
  id: string;
  scope: string;
  version: number;
  source: string;
  note: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  scope: string;
  version: number;
  source: string;
  note: string | null;
  created_at: Date;
}

const toRevision = (row: Row): TransformationRevision => ({ id: row.id, scope: row.scope, version: row.version, source: row.source, note: row.note, createdAt: row.created_at.toISOString() });

export const ORG_SCOPE = 'org';

function compile(source: string, scope: string): EventTransformation {
  try {
    return compileTransformations(source, { file: scope === ORG_SCOPE ? 'org data layer' : `pipeline ${scope}` });
  } catch (error) {
    if (!(error instanceof BlueprintError)) throw error;
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `The transformations do not compile: ${error.message}`, [
      { field: 'source', message: `line ${error.line}, column ${error.column}: ${error.path ? `${error.path}: ` : ''}${error.reason}` },
    ]);
  }
}

/**
 * The org data layer and per-pipeline transformations, stored as immutable revisions and
 * applied (org first) in the pipeline stage before fan-out.
 *
 * @example
 * const transformations = createTransformationService(pool);
 * await transformations.set(pipelineId, '- remove: properties.password');
 */
export function createTransformationService(pool: Pool, options: { cacheTtlMs?: number } = {}) {
  const ttl = options.cacheTtlMs ?? 5000;
  const cache = new Map<string, { composed: EventTransformation | undefined; expires: number }>();

  async function current(scope: string): Promise<TransformationRevision | null> {
    const { rows } = await pool.query<Row>('SELECT * FROM signal.transformation_revisions WHERE scope = $1 ORDER BY version DESC LIMIT 1', [scope]);
    return rows[0] ? toRevision(rows[0]) : null;
  }

  function checkScope(scope: string): string {
    return scope === ORG_SCOPE ? scope : assertUuid(scope, 'pipelineId');
  }

  /** A pipeline id given by a user: malformed → 400, unknown → 404, both naming `field`. */
  async function requirePipeline(pipelineId: string, field: string): Promise<void> {
    assertUuid(pipelineId, field);
    const { rowCount } = await pool.query('SELECT 1 FROM signal.pipelines WHERE id = $1', [pipelineId]);
    if (!rowCount) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline with id ${pipelineId}`, [{ field, message: 'no such pipeline' }]);
  }

  /** The org layer + the pipeline's transformations, with their warnings (cached a few seconds). */
  async function composedFor(pipelineId: string): Promise<EventTransformation | undefined> {
    const hit = cache.get(pipelineId);
    if (hit && hit.expires > Date.now()) return hit.composed;
    const [org, pipeline] = await Promise.all([current(ORG_SCOPE), current(pipelineId)]);
    const steps = [org, pipeline].filter((r): r is TransformationRevision => r !== null).map((r) => compile(r.source, r.scope));
    const composed = steps.length === 0 ? undefined : composeTransformations(...steps);
    cache.set(pipelineId, { composed, expires: Date.now() + ttl });
    return composed;
  }

  /** The pipeline's transformations (org data layer first), or undefined when it has none. */
  async function transformFor(pipelineId: string): Promise<EventTransformation | undefined> {
    return composedFor(pipelineId);
  }

  return {
    current: (scope: string) => current(checkScope(scope)),

    async history(scope: string): Promise<TransformationRevision[]> {
      // Its argument is `scope`: 'org' or a pipeline id, and the error says so.
      if (scope !== ORG_SCOPE) assertUuid(scope, 'scope', `"org" or a pipeline id`);
      const { rows } = await pool.query<Row>('SELECT * FROM signal.transformation_revisions WHERE scope = $1 ORDER BY version', [scope]);
      return rows.map(toRevision);
    },

    /** Validates and stores the next revision for a scope (`org` or a pipeline id). */
    async set(scope: string, source: string, note?: string): Promise<TransformationRevision> {
      checkScope(scope);
      if (scope !== ORG_SCOPE) await requirePipeline(scope, 'pipelineId');
      compile(source, scope);
      const row = await withTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`transformations:${scope}`]);
        const { rows } = await client.query<Row>(
          `INSERT INTO signal.transformation_revisions (id, scope, version, source, note)
           VALUES ($1, $2, COALESCE((SELECT max(version) FROM signal.transformation_revisions WHERE scope = $2), 0) + 1, $3, $4) RETURNING *`,
          [randomUUID(), scope, source, note ?? null],
        );
        return rows[0]!;
      });
      cache.clear();
      return toRevision(row);
    },

    /**
     * The compiled org layer + pipeline transformations of a pipeline (cached a few seconds),
     * or `undefined` when there are none: the pipeline leaves events as they were stored.
     */
    transformFor,

    /**
     * The transformations of a pipeline id a user gave (a preview's `target.pipelineId`), with
     * their warnings (a field an operation could not write): a malformed id is a 400 and an
     * unknown pipeline a 404, both naming `field`, rather than a preview silently run without
     * transformations (and a cache entry per made-up id).
     */
    async checkedTransformFor(pipelineId: string, field: string): Promise<EventTransformation | undefined> {
      await requirePipeline(pipelineId, field);
      return composedFor(pipelineId);
    },
  };
}

export type TransformationService = ReturnType<typeof createTransformationService>;
