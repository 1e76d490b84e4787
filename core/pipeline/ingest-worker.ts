import type { Db } from 'pg-boss';
import type { EventTransformation } from '../blueprint/transformations.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { hasUnstorableCharacters, storableCopy, storableText } from '../db/storable-strings.ts';
import { INGEST_QUEUE, NOTIFIED_POLLING, type Boss, type IngestJob } from '../queue/boss.ts';
import { storedEventsStatement, type StoredEventRow } from '../services/events.ts';
import { isConsentGranted } from './consent-gate.ts';
import { findRepeats, type Execute } from './deduplication.ts';
import { loadTraitsMemory, type TraitsPresence } from './remembered-traits.ts';
import { isRoutedTo } from './destination-routing.ts';
import type { SuppressionList } from './suppression-list.ts';
import { insertViolationsStatement, type ActivePlan, type FoundViolation } from '../services/tracking-plans.ts';
import { withViolations, type PlanVerdict } from './tracking-plan.ts';
import { withPartnerAttributes, type EnrichmentResult, type EnrichOptions, type Enricher, type PartnerEnricher } from './partner-enrichment.ts';

/** What fan-out needs to know of an enabled pipeline integration. */
export interface FanOutTarget {
  id: string;
  pipelineId: string;
  /** The plugin id. */
  vendor: string;
  consentCategories: string[];
  /** The names an event's `integrations` object may use for it, most specific first. */
  routingNames: string[];
  maxEvents: number;
  /** Why the integration never sends such an event (the plugin's `neverSends` with its config, or its blueprint's unhandled calls it drops), else undefined. */
  neverSends?: (event: CanonicalEvent) => string | undefined;
}

/**
 * The transformation of a pipeline's events before fan-out (a null event: dropped), or
 * `undefined` when the pipeline has none and its events go out as they were stored.
 */
export type PipelineTransform = (pipelineId: string) => Promise<EventTransformation | undefined>;

/**
 * What a delivery job carries: the ids of stored events (rows of `signal.events`, ascending)
 * when they go out exactly as stored, or the events themselves when a pipeline
 * transformation changed them (and for retries, deferrals and replays). `warnings`, beside
 * transformed events: what the transformations could not do to each (null: nothing), shown
 * in the delivery log with the exchange that carries the event.
 */
export type DeliveryContent = { ids: number[] } | { events: CanonicalEvent[]; warnings?: Array<string[] | null> };

export interface IngestDeps {
  pool: Pool;
  boss: Boss;
  /** Enabled integrations of a pipeline (cached by the caller). */
  targets(pipelineId: string): Promise<FanOutTarget[]>;
  transformFor: PipelineTransform;
  /**
   * Creates an integration's delivery jobs, through `db` when given (the ingest job's
   * transaction, so all of a fan-out commits or none of it does).
   */
  enqueue(integrationId: string, contents: DeliveryContent[], db?: Db): Promise<void>;
  /**
   * Adds to an integration's counters: events it did not receive (no consent, turned off by
   * the event, a repeat of an event already fanned out) and, for an enriching integration, how
   * its lookups ended.
   */
  addCounts(integrationId: string, counts: FanOutCounts, db?: Db): Promise<void>;
  batchSize: number;
  /**
   * Hours within which an event repeating the `messageId` of one its pipeline already fanned
   * out is not delivered again (an SDK's retry of a request whose answer it lost); 0: off.
   */
  dedupWindowHours?: number;
  /** A pipeline's own window (hours, 0: off), or null for `dedupWindowHours` (cached by the caller). */
  pipelineDedupWindow?(pipelineId: string): Promise<number | null>;
  /** Days the traits of identify calls are remembered and added to the person's later events (0: off). */
  traitsMemoryDays?: number;
  /** Which pipelines have remembered traits (cached by the caller), so others need no read. */
  traitsPresence?: TraitsPresence;
  /** A pipeline's enabled integrations whose plugin enriches and whose config turns it on (cached by the caller). */
  enrichers?(pipelineId: string): Promise<Enricher[]>;
  /** Performs partner lookups (with `enrichers`). */
  partnerEnricher?: PartnerEnricher;
  /** Whose events are held back (person deletions); without, none are. */
  suppressions?: SuppressionList;
  /** A pipeline's tracking plan in force (cached by the caller); without, no event is checked. */
  trackingPlanFor?(pipelineId: string): Promise<ActivePlan | undefined>;
}

/** What one fan-out counts for one integration. */
export interface FanOutCounts {
  consent: number;
  routing: number;
  duplicate: number;
  /** Events of a person whose deletion was requested (see person-deletions.ts). */
  suppressed?: number;
  /** Events the pipeline's tracking plan blocked (see tracking-plan.ts). */
  trackingPlan?: number;
  /** Events the integration never sends (see `FanOutTarget.neverSends`): not queued, counted as dropped. */
  neverSent?: number;
  enriched?: number;
  enrichmentNotFound?: number;
  enrichmentFailed?: number;
  lastEnrichmentError?: string;
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

export interface FanOutOptions {
  /** Fan out to this pipeline integration only (a replay). */
  only?: string;
  /**
   * `false`: no deduplication (a replay sends first copies again on purpose, and they are all
   * recorded already; it leaves out the repeats marked at their first fan-out). Default: as configured.
   */
  deduplicate?: boolean;
}

/** The events of one pipeline in a micro-batch, after its transformations. */
interface PipelineBatch {
  events: CanonicalEvent[];
  /** Per event of `events`, its row id when it goes out exactly as stored (it then travels by id), else undefined. */
  ids: Array<number | undefined>;
  /** What the transformations could not do, per event of `events` (null: nothing). */
  warnings: Array<string[] | null>;
}

/**
 * The pipeline stage for a micro-batch of stored events: loads them, checks them against their
 * pipeline's tracking plan (blocking or flagging what does not fit), sets aside repeats of
 * events already fanned out (with `dedupWindowHours`), adds remembered identify traits (with
 * `traitsMemoryDays`, see remembered-traits.ts), applies the pipeline's transformations, adds
 * partner attributes (`partner_attrs`, see partner-enrichment.ts), and fans each out to every
 * enabled integration of its pipeline that the event's `integrations` object does not turn off
 * and whose consent categories it grants. Events left as stored travel to the
 * delivery queues as ids, so an event is written once however many integrations receive it;
 * the delivery worker reads it back. With `db` (the ingest job's transaction) the delivery
 * jobs commit together with the ingest job's completion: a fan-out that fails part-way leaves
 * nothing behind, and its retry cannot send the integrations already served the same events
 * again. Returns how many deliveries it queued.
 */
export async function fanOut(ids: number[], deps: IngestDeps, db?: Db, options: FanOutOptions = {}): Promise<number> {
  const { rows: loaded } = await deps.pool.query<StoredEventRow>(storedEventsStatement(ids));
  // Events of a person whose deletion was requested go no further: not looked up, not
  // remembered, not delivered, and their stored rows are deleted below.
  const held = await heldRows(loaded, deps.suppressions);
  // The tracking plan checks each event as the site sent it; what it blocks goes no further
  // (not looked up, not remembered, not delivered), and is counted as such.
  const verdicts = await trackingPlanVerdicts(withoutRows(loaded, held), deps);
  const stored = withoutRows(loaded, held).filter((r) => verdicts.get(r.id)?.verdict.action !== 'block');
  let rows = stored;
  let repeats = new Map<string, number>();
  const windows = new Map<string, number>();
  if (options.deduplicate !== false) {
    for (const pipelineId of new Set(stored.map((r) => r.pipeline_id))) {
      windows.set(pipelineId, (await deps.pipelineDedupWindow?.(pipelineId)) ?? deps.dedupWindowHours ?? 0);
    }
  }
  const execute = db ? (text: string, values: unknown[]) => db.executeSql(text, values) : (text: string, values: unknown[]) => deps.pool.query(text, values);
  const transforms = transformationsOf(deps);
  const { transformOf } = transforms;
  // Partner lookups first, while this transaction has written nothing: until its first write
  // it has no transaction id, so waiting on a partner does not hold back the ingest
  // dispatcher's horizon (which every node's new events wait behind).
  // A replay (`only`) holds its locks here, so it reads only what its slice's lookups, made
  // before them (`lookUpPartners`), cached; and its old events tell browsers nothing.
  const enrichment = await partnerAttributesOf(stored, deps, execute, transforms, options.only === undefined ? {} : { cacheOnly: true, browser: false }, options.only !== undefined);
  const partner = enrichment.attributes;
  if (held.length > 0) await execute('DELETE FROM signal.events WHERE id = ANY($1::bigint[])', [held.map((r) => r.id)]);
  if ([...windows.values()].some((hours) => hours > 0)) {
    // First, in the transaction: whatever the fan-out below queues, it queues once per id.
    const found = await findRepeats(stored.map((r) => ({ id: r.id, pipelineId: r.pipeline_id, messageId: r.message_id, receivedAt: r.received_at })), (pipelineId) => windows.get(pipelineId) ?? 0, execute);
    rows = stored.filter((r) => !found.repeated.has(r.id));
    repeats = found.perPipeline;
    // Marked, so a replay of stored events sends what the pipeline passed on, not each copy.
    if (found.repeated.size > 0) await execute('UPDATE signal.events SET duplicate = true WHERE id = ANY($1::bigint[])', [[...found.repeated]]);
  }
  const blocked = new Map<string, number>();
  for (const { pipelineId, verdict } of verdicts.values()) if (verdict.action === 'block') blocked.set(pipelineId, (blocked.get(pipelineId) ?? 0) + 1);
  // What the checks found, once per event (a replay checks again, and records nothing), in the
  // fan-out's transaction: rolled back and retried, it is not recorded twice.
  if (options.only === undefined) {
    const passedOn = new Set(rows.map((r) => r.id));
    const found: FoundViolation[] = [];
    for (const [id, v] of verdicts) if (v.verdict.action !== 'pass' && (v.verdict.action === 'block' || passedOn.has(id))) found.push(v);
    if (found.length > 0) {
      const statement = insertViolationsStatement(found);
      await execute(statement.text, statement.values);
    }
  }
  // Remembered identify traits: added to an event before the transformations (which then apply
  // to them as to its own), and taken from an identify after them (what a transformation drops
  // or removes is not remembered). A replay (`only`) reads the memory but writes nothing: its
  // identify calls are older than what is remembered; and its events get what was known at
  // their own time, never traits learned since (asOfEvents).
  const memory = await loadTraitsMemory(rows.map((r) => ({ id: r.id, pipelineId: r.pipeline_id, event: r.payload })), deps.traitsMemoryDays ?? 0, {
    record: options.only === undefined,
    asOfEvents: options.only !== undefined,
    passOn: transforms.passOn,
  }, execute, deps.traitsPresence);
  const byPipeline = new Map<string, PipelineBatch>();
  for (const row of rows) {
    const isIdentify = row.payload.type === 'identify';
    // A flagged event carries its violations; the plan alone writes context.violations.
    const checked = verdicts.has(row.id) ? withViolations(row.payload, verdicts.get(row.id)!.verdict) : row.payload;
    // An identify too, with what was remembered before it (it is remembered below, after).
    const payload = memory.enrich({ id: row.id, pipelineId: row.pipeline_id, event: checked });
    const transform = await transformOf(row.pipeline_id);
    let batch = byPipeline.get(row.pipeline_id);
    if (!batch) {
      batch = { events: [], ids: [], warnings: [] };
      byPipeline.set(row.pipeline_id, batch);
    }
    const attributes = partner.get(row.id);
    if (transform) {
      const { event, warnings } = transform(payload);
      if (event !== null) {
        // A transformation can make a string pg-boss's jsonb refuses (a NUL), and a warning
        // quotes values: the job would fail on every try and its events never be delivered.
        const passed = hasUnstorableCharacters(JSON.stringify(event)) ? storableCopy(event) : event;
        batch.events.push(attributes ? withPartnerAttributes(passed, attributes) : passed);
        batch.ids.push(undefined);
        batch.warnings.push(warnings.length === 0 ? null : warnings.map(storableText));
        if (isIdentify) memory.remember({ id: row.id, pipelineId: row.pipeline_id, event: passed });
      }
    } else {
      const enriched = attributes ? withPartnerAttributes(payload, attributes) : payload;
      batch.events.push(enriched);
      // An event the memory or a partner changed travels as itself; the others by id.
      batch.ids.push(enriched === row.payload ? row.id : undefined);
      batch.warnings.push(null);
      if (isIdentify) memory.remember({ id: row.id, pipelineId: row.pipeline_id, event: payload });
    }
  }
  let queued = 0;
  const counts = new Map<string, FanOutCounts>();
  const countsOf = (integrationId: string): FanOutCounts => {
    let entry = counts.get(integrationId);
    if (!entry) counts.set(integrationId, (entry = { consent: 0, routing: 0, duplicate: 0, suppressed: 0, trackingPlan: 0 }));
    return entry;
  };
  const suppressed = new Map<string, number>();
  for (const row of held) suppressed.set(row.pipeline_id, (suppressed.get(row.pipeline_id) ?? 0) + 1);
  // A pipeline whose every event of this batch repeated one (or was held back) has no batch.
  for (const pipelineId of [...repeats.keys(), ...suppressed.keys(), ...blocked.keys()]) if (!byPipeline.has(pipelineId)) byPipeline.set(pipelineId, { events: [], ids: [], warnings: [] });
  for (const [pipelineId, batch] of byPipeline) {
    const duplicate = repeats.get(pipelineId) ?? 0;
    const heldBack = suppressed.get(pipelineId) ?? 0;
    const blockedByPlan = blocked.get(pipelineId) ?? 0;
    for (const target of await deps.targets(pipelineId)) {
      if (options.only !== undefined && target.id !== options.only) continue;
      const granted: number[] = [];
      let routing = 0;
      let neverSent = 0;
      for (let i = 0; i < batch.events.length; i++) {
        const event = batch.events[i]!;
        if (!isRoutedTo(event, target.routingNames)) routing++;
        else if (!isConsentGranted(event, target.consentCategories)) continue;
        else if (target.neverSends && neverSendsIt(target.neverSends, event)) neverSent++;
        else granted.push(i);
      }
      if (granted.length < batch.events.length || duplicate > 0 || heldBack > 0 || blockedByPlan > 0) {
        const entry = countsOf(target.id);
        entry.consent += batch.events.length - granted.length - routing - neverSent;
        entry.routing += routing;
        if (neverSent > 0) entry.neverSent = (entry.neverSent ?? 0) + neverSent;
        entry.duplicate += duplicate;
        entry.suppressed = (entry.suppressed ?? 0) + heldBack;
        entry.trackingPlan = (entry.trackingPlan ?? 0) + blockedByPlan;
      }
      // Events as stored travel as ids, changed ones as themselves: two kinds of jobs.
      const byId = granted.filter((i) => batch.ids[i] !== undefined);
      const asEvents = granted.filter((i) => batch.ids[i] === undefined);
      const contents: DeliveryContent[] = [
        ...chunk(byId, target.maxEvents).map((part): DeliveryContent => ({ ids: part.map((i) => batch.ids[i]!) })),
        ...chunk(asEvents, target.maxEvents).map((part): DeliveryContent => {
          const warnings = part.map((i) => batch.warnings[i] ?? null);
          return { events: part.map((i) => batch.events[i]!), ...(warnings.some((w) => w !== null) ? { warnings } : {}) };
        }),
      ];
      if (contents.length > 0) await deps.enqueue(target.id, contents, db);
      queued += granted.length;
    }
  }
  // How the lookups of the events passed on ended (not repeats'; a replay counts none: its
  // events were counted when they first went through).
  if (options.only === undefined) {
    for (const row of rows) {
      for (const { integrationId, outcome } of enrichment.outcomes.get(row.id) ?? []) {
        const entry = countsOf(integrationId);
        const field = outcome === 'found' ? 'enriched' : outcome === 'notFound' ? 'enrichmentNotFound' : 'enrichmentFailed';
        entry[field] = (entry[field] ?? 0) + 1;
      }
    }
    for (const [integrationId, message] of enrichment.lastFailures) if (counts.has(integrationId)) countsOf(integrationId).lastEnrichmentError = message;
  }
  // In the same transaction: a fan-out rolled back and retried must not count them twice. In
  // id order, one row each: two fan-outs at once lock the counters' rows in one order, not in
  // their batches' pipeline orders, which could deadlock (one of them then failed and was retried).
  for (const [integrationId, entry] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) await deps.addCounts(integrationId, entry, db);
  // Last: its row locks are held only until the commit, and a popular person's row does not
  // hold up another fan-out for the time of this one's enqueues.
  await memory.flush();
  return queued;
}

/**
 * The tracking plan's findings for the events of pipelines with a plan, by row id: only events
 * it did not simply pass, and those carrying a `context.violations` of their own (which the
 * plan alone writes: it is taken off).
 */
async function trackingPlanVerdicts(rows: StoredEventRow[], deps: IngestDeps): Promise<Map<number, FoundViolation>> {
  const found = new Map<number, FoundViolation>();
  if (!deps.trackingPlanFor || rows.length === 0) return found;
  const plans = new Map<string, ActivePlan | undefined>();
  for (const row of rows) {
    if (!plans.has(row.pipeline_id)) plans.set(row.pipeline_id, await deps.trackingPlanFor(row.pipeline_id));
    const active = plans.get(row.pipeline_id);
    if (!active) continue;
    const verdict: PlanVerdict = active.plan.check(row.payload);
    if (verdict.action !== 'pass' || 'violations' in (row.payload.context ?? {})) {
      found.set(row.id, { pipelineId: row.pipeline_id, planVersion: active.version, event: row.payload, verdict });
    }
  }
  return found;
}

/** The stored events of people whose deletion was requested (none without a suppression list). */
async function heldRows(rows: StoredEventRow[], suppressions: SuppressionList | undefined): Promise<StoredEventRow[]> {
  if (!suppressions || rows.length === 0) return [];
  await suppressions.fresh();
  return rows.filter((r) => suppressions.holds(r.pipeline_id, r.payload, r.received_at.getTime()));
}

function withoutRows(rows: StoredEventRow[], gone: StoredEventRow[]): StoredEventRow[] {
  if (gone.length === 0) return rows;
  const set = new Set(gone);
  return rows.filter((r) => !set.has(r));
}

/**
 * Whether a plugin's `neverSends` refuses the event. One that throws takes it: the mapping then
 * decides, and says what went wrong, rather than an event being lost to a faulty test.
 */
function neverSendsIt(neverSends: (event: CanonicalEvent) => string | undefined, event: CanonicalEvent): boolean {
  try {
    return neverSends(event) !== undefined;
  } catch {
    return false;
  }
}

/** A fan-out's transformations: each pipeline's read once, and how they pass an event on. */
interface FanOutTransformations {
  transformOf(pipelineId: string): Promise<EventTransformation | undefined>;
  /** The event as its pipeline's transformations pass it on (null: dropped). */
  passOn(pipelineId: string, event: CanonicalEvent): Promise<CanonicalEvent | null>;
}

function transformationsOf(deps: IngestDeps): FanOutTransformations {
  const cache = new Map<string, EventTransformation | undefined>();
  const transformOf = async (pipelineId: string) => {
    if (!cache.has(pipelineId)) cache.set(pipelineId, await deps.transformFor(pipelineId));
    return cache.get(pipelineId);
  };
  return {
    transformOf,
    async passOn(pipelineId, event) {
      const transform = await transformOf(pipelineId);
      return transform ? transform(event).event : event;
    },
  };
}

/**
 * Partner attributes for the stored events of pipelines with an enriching integration, looked
 * up on the events as the pipeline stage passes them on (remembered traits added, the
 * transformations applied), so a linking key such as an email given at identify is there.
 * Reads only, through `execute`; the lookups' cache is written through the pool.
 */
async function partnerAttributesOf(
  stored: StoredEventRow[],
  deps: IngestDeps,
  execute: Execute,
  transforms: FanOutTransformations,
  how: EnrichOptions,
  /** A replay: the events' remembered traits as known at their own time (see loadTraitsMemory). */
  asOfEvents: boolean,
): Promise<EnrichmentResult> {
  const none: EnrichmentResult = { attributes: new Map(), outcomes: new Map(), lastFailures: new Map() };
  if (!deps.enrichers || !deps.partnerEnricher) return none;
  try {
    return await lookUp(stored, deps as IngestDeps & Required<Pick<IngestDeps, 'enrichers' | 'partnerEnricher'>>, execute, transforms, how, asOfEvents);
  } catch (error) {
    // An extra that failed (a plugin returning nonsense, the cache unreadable): the events go
    // on without partner attributes rather than wait behind it on every retry.
    deps.partnerEnricher.warn(`partner enrichment skipped for ${stored.length} events: ${(error as Error).message}`);
    return none;
  }
}

async function lookUp(
  stored: StoredEventRow[],
  deps: IngestDeps & Required<Pick<IngestDeps, 'enrichers' | 'partnerEnricher'>>,
  execute: Execute,
  transforms: FanOutTransformations,
  how: EnrichOptions,
  asOfEvents: boolean,
): Promise<EnrichmentResult> {
  const enrichers = new Map<string, Enricher[]>();
  for (const pipelineId of new Set(stored.map((r) => r.pipeline_id))) {
    const list = await deps.enrichers(pipelineId);
    if (list.length > 0) enrichers.set(pipelineId, list);
  }
  if (enrichers.size === 0) return { attributes: new Map(), outcomes: new Map(), lastFailures: new Map() };
  const rows = stored.filter((r) => enrichers.has(r.pipeline_id));
  // A read-only copy of the memory: the fan-out below loads and writes the real one.
  const memory = await loadTraitsMemory(rows.map((r) => ({ id: r.id, pipelineId: r.pipeline_id, event: r.payload })), deps.traitsMemoryDays ?? 0, {
    record: false,
    asOfEvents,
    passOn: transforms.passOn,
  }, execute, deps.traitsPresence);
  const items = [];
  for (const row of rows) {
    const traitsRow = { id: row.id, pipelineId: row.pipeline_id, event: row.payload };
    const payload = memory.enrich(traitsRow);
    const event = await transforms.passOn(row.pipeline_id, payload);
    if (event === null) continue;
    if (row.payload.type === 'identify') memory.remember({ ...traitsRow, event });
    items.push({ key: row.id, pipelineId: row.pipeline_id, event });
  }
  return deps.partnerEnricher.enrich(items, (pipelineId) => enrichers.get(pipelineId) ?? [], how);
}

/**
 * The partner lookups of a replay slice, made before the slice takes its locks (which give
 * its transaction an id: waiting on a partner then would hold back the ingest dispatcher);
 * the slice's fan-out reads them from the cache. Writes nothing for browsers.
 *
 * @example
 * await lookUpPartners(ids, ingestDeps);
 */
export async function lookUpPartners(ids: number[], deps: IngestDeps): Promise<void> {
  if (!deps.enrichers || !deps.partnerEnricher || ids.length === 0) return;
  const { rows: loaded } = await deps.pool.query<StoredEventRow>(storedEventsStatement(ids));
  const held = await heldRows(loaded, deps.suppressions);
  const rows = withoutRows(loaded, held);
  await partnerAttributesOf(rows, deps, (text, values) => deps.pool.query(text, values), transformationsOf(deps), { browser: false }, true);
}

/**
 * Consumes the `ingest` queue: each fetch takes several jobs (each a micro-batch of event ids)
 * and fans them out together, in one transaction with their completion.
 *
 * @example
 * await startIngestWorker(deps);
 */
export async function startIngestWorker(deps: IngestDeps): Promise<string> {
  // Transactional: the delivery jobs and the ingest job's completion commit as one.
  const options = { batchSize: deps.batchSize, ...NOTIFIED_POLLING, localConcurrency: 2, transactional: true } as const;
  return deps.boss.work<IngestJob, void, typeof options>(INGEST_QUEUE, options, async (jobs, tx) => {
    await fanOut(jobs.flatMap((job) => job.data.ids), deps, tx);
  });
}
