import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { INGEST_QUEUE, WORK_POLLING, type Boss, type IngestJob } from '../queue/boss.ts';
import { isConsentGranted } from './consent-gate.ts';

/** What fan-out needs to know of an enabled pipeline integration. */
export interface FanOutTarget {
  id: string;
  pipelineId: string;
  consentCategories: string[];
  maxEvents: number;
}

/** The transformation of a pipeline's events before fan-out; `null` drops the event. */
export type PipelineTransform = (pipelineId: string) => Promise<(event: CanonicalEvent) => CanonicalEvent | null>;

export interface IngestDeps {
  pool: Pool;
  boss: Boss;
  /** Enabled integrations of a pipeline (cached by the caller). */
  targets(pipelineId: string): Promise<FanOutTarget[]>;
  transformFor: PipelineTransform;
  /** Sends a delivery job of events to an integration's queue. */
  enqueue(integrationId: string, events: CanonicalEvent[]): Promise<void>;
  skippedForConsent(integrationId: string, count: number): Promise<void>;
  batchSize: number;
}

export function delivery(integrationId: string): string {
  return `delivery.${integrationId}`;
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The pipeline stage for a micro-batch of stored events: loads them, applies the pipeline's
 * transformations, and fans each out to every enabled integration of its pipeline whose
 * consent categories the event grants. Returns how many deliveries it queued.
 */
export async function fanOut(ids: number[], deps: IngestDeps): Promise<number> {
  const { rows } = await deps.pool.query<{ pipeline_id: string; payload: CanonicalEvent }>(
    'SELECT pipeline_id, payload FROM signal.events WHERE id = ANY($1::bigint[]) ORDER BY id',
    [ids],
  );
  const byPipeline = new Map<string, CanonicalEvent[]>();
  const transforms = new Map<string, (event: CanonicalEvent) => CanonicalEvent | null>();
  for (const row of rows) {
    let transform = transforms.get(row.pipeline_id);
    if (!transform) {
      transform = await deps.transformFor(row.pipeline_id);
      transforms.set(row.pipeline_id, transform);
    }
    const event = transform(row.payload);
    if (event === null) continue;
    const list = byPipeline.get(row.pipeline_id) ?? [];
    list.push(event);
    byPipeline.set(row.pipeline_id, list);
  }
  let queued = 0;
  for (const [pipelineId, events] of byPipeline) {
    for (const target of await deps.targets(pipelineId)) {
      const granted = events.filter((event) => isConsentGranted(event, target.consentCategories));
      if (granted.length < events.length) await deps.skippedForConsent(target.id, events.length - granted.length);
      for (const part of chunk(granted, target.maxEvents)) {
        await deps.enqueue(target.id, part);
        queued += part.length;
      }
    }
  }
  return queued;
}

/**
 * Consumes the `ingest` queue: each fetch takes several jobs (each a micro-batch of event ids)
 * and fans them out together.
 *
 * @example
 * await startIngestWorker(deps);
 */
export async function startIngestWorker(deps: IngestDeps): Promise<string> {
  return deps.boss.work<IngestJob>(
    INGEST_QUEUE,
    { batchSize: deps.batchSize, ...WORK_POLLING, localConcurrency: 2 },
    async (jobs) => {
      await fanOut(jobs.flatMap((job) => job.data.ids), deps);
    },
  );
}
