import type { Db } from 'pg-boss';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { ensureQueue, WORK_POLLING, type Boss } from '../queue/boss.ts';
import { createDueWaker } from '../queue/due-waker.ts';
import type { AccessTokenUse, PluginContext, PluginDefinition, RequestDescriptor, VendorResponse } from '../sdk/types.ts';
import { storedEventsStatement, type StoredEventRow } from '../services/events.ts';
import type { IntegrationService, PluginCatalog } from '../services/integrations.ts';
import { startReplayWorker } from '../pipeline/event-replays.ts';
import { delivery, fanOut, lookUpPartners, startIngestWorker, type DeliveryContent, type FanOutCounts, type FanOutTarget, type PipelineTransform } from '../pipeline/ingest-worker.ts';
import { deliverBatch, type DeliveryDeps, type DeliveryTarget } from './deliver-batch.ts';
import { createEventMapper, type BlueprintCompiler, type EventMapper } from './mapper.ts';
import { hasTraitsStatement, type TraitsPresence } from '../pipeline/remembered-traits.ts';
import { secretValuesOf } from './redact.ts';
import type { Enricher, PartnerEnricher } from '../pipeline/partner-enrichment.ts';
import type { ActivePlan } from '../services/tracking-plans.ts';
import { createProcessingReports } from './processing-reports.ts';
import type { SuppressionList } from '../pipeline/suppression-list.ts';
import type { Forgetter } from '../pipeline/person-deletion-vendors.ts';
import type { AccessTokens, TokenOwner } from './access-tokens.ts';

/**
 * Data of a delivery job for one integration, and which try this is. A first try of events
 * a pipeline left as stored carries their ids (the worker reads them from `signal.events`);
 * retries, deferrals, replays and transformed events carry the events themselves.
 */
export interface DeliveryJob {
  events?: CanonicalEvent[];
  /** Beside transformed `events`: what the transformations could not do to each (null: nothing). */
  warnings?: Array<string[] | null>;
  /** Ids of rows in `signal.events`, ascending (the prune keeps the oldest one referenced). */
  ids?: number[];
  attempt: number;
  /** While the vendor answers 429: when it first did (epoch ms). Such answers use up no try. */
  throttledSince?: number;
}

/**
 * Every integration queue is a partition of its own, so one integration's backlog never slows
 * another's fetches. pg-boss retries a job only when the handler itself fails (database
 * outage, worker crash via the heartbeat); vendor failures are retried by the engine per event.
 * A job may run 15 minutes; a batch stops sending after `BATCH_BUDGET_MS` (5) and puts back
 * the rest, so pg-boss never runs a job again while its first run still sends.
 */
const DELIVERY_QUEUE_OPTIONS = { partition: true, retryLimit: 20, retryDelay: 5, retryBackoff: true, retryDelayMax: 600, heartbeatSeconds: 10, notify: true, expireInSeconds: 15 * 60 };

/** Whether `def`'s access token exchange serves `use` and this config turns it on. */
function usesAccessToken(def: PluginDefinition, use: AccessTokenUse, config: PluginContext['config']): boolean {
  return def.accessToken !== undefined && def.accessToken.usedBy.includes(use) && def.accessToken.enabled(config);
}

/**
 * Why an integration never sends such an event (see `DeliveryTarget.neverSends`): the plugin's
 * `neverSends`, unless the revision's blueprint replaces a variant mapped by code, then its
 * blueprint's calls that no handler takes and its defaults drop. Undefined when neither applies.
 */
function integrationNeverSends(def: PluginDefinition, revision: { variant: string; blueprint: string | null }, ctx: PluginContext, map: EventMapper): ((event: CanonicalEvent) => string | undefined) | undefined {
  const variant = Object.hasOwn(def.variants, revision.variant) ? def.variants[revision.variant] : undefined;
  const plugin = def.neverSends && !(revision.blueprint && !variant?.blueprint) ? def.neverSends : undefined;
  const { neverMaps } = map;
  if (plugin && neverMaps) return (event) => plugin(event, ctx) ?? neverMaps(event);
  if (plugin) return (event) => plugin(event, ctx);
  return neverMaps;
}

/**
 * Events per delivery job: 100 to 250 whatever the vendor's batch size, so a vendor taking one
 * event per request still gets its events in few jobs (its sender makes the requests).
 */
function jobSize(maxEvents: number): number {
  return Math.min(250, Math.max(100, maxEvents));
}

interface AssignmentRow {
  id: string;
  pipeline_id: string;
  template_id: string;
  enabled: boolean;
  revision_id: string;
  vendor: string;
  /** The template's name, as the admin gave it. */
  name: string;
  consent_categories: string[];
}

const SELECT_ASSIGNMENTS = `
  SELECT a.id, a.pipeline_id, a.template_id, a.enabled, a.revision_id, t.vendor, t.name, r.consent_categories
    FROM signal.pipeline_integrations a
    JOIN signal.integration_revisions r ON r.id = a.revision_id
    JOIN signal.integration_templates t ON t.id = a.template_id`;

export interface DeliveryEngineOptions {
  pool: Pool;
  boss: Boss;
  plugins: PluginCatalog & { optionsFor?(id: string): Record<string, unknown> | undefined };
  integrations: IntegrationService;
  /** Performing, classifying, rate limiting, recording: the side effects of delivery. */
  deps: Omit<DeliveryDeps, 'scheduleRetry' | 'defer'>;
  transform?: PipelineTransform;
  compileBlueprint?: BlueprintCompiler;
  /** Delivery jobs one worker runs at once per integration queue. */
  concurrency: number;
  /** Ingest jobs the pipeline stage takes per fetch. */
  ingestJobsPerFetch: number;
  /** Repeats of a `messageId` within this many hours are not delivered again (0: off; see fanOut). */
  dedupWindowHours?: number;
  /** Days identify traits are remembered and added to later events (0: off; see fanOut). */
  traitsMemoryDays?: number;
  /** Partner lookups of the pipeline stage (plugins with `enrich`); without, none are made. */
  partnerEnricher?: PartnerEnricher;
  /** Whose events are held back (person deletions): at the pipeline stage, and before each send. */
  suppressions?: SuppressionList;
  /** A pipeline's tracking plan in force, checked at the pipeline stage; without, none is. */
  trackingPlanFor?: (pipelineId: string) => Promise<ActivePlan | undefined>;
  /** Access tokens of plugins with an `accessToken` exchange; without, their integrations cannot deliver. */
  accessTokens?: AccessTokens;
  /** Run the consumers (worker role); without, only queues are managed. */
  consume: boolean;
  /** Scales the waits before processing reports are asked for (`SIGNAL_RETRY_TIME_SCALE`). */
  timeScale?: number;
  onError?: (error: Error) => void;
}

/**
 * The delivery engine: one pg-boss queue `delivery.<pipelineIntegrationId>` per assignment,
 * created when an integration is assigned and removed with it; a worker per queue; the ingest
 * consumer fanning events out to them. Assignments made by any node are picked up within the
 * reconcile interval (at once in this process).
 *
 * @example
 * const engine = createDeliveryEngine({ pool, boss, plugins, integrations, deps, concurrency: 2, ingestJobsPerFetch: 10, consume: true });
 * await engine.start();
 */
export function createDeliveryEngine(options: DeliveryEngineOptions) {
  const { pool, boss } = options;
  const working = new Map<string, string>(); // integration id → revision it was started with
  const workerIds = new Map<string, string>(); // queue → the id boss.work gave its worker here
  // Jobs this node queues for later (retries, throttled batches) wake its worker when due: the
  // queues' poll is only a backstop (WORK_POLLING).
  const dueWaker = createDueWaker((queue) => {
    const id = workerIds.get(queue);
    if (id) boss.notifyWorker(id);
  });
  const missingPlugins = new Set<string>(); // integrations already reported as waiting for their plugin
  const targets = new Map<string, { target: DeliveryTarget; expires: number }>();
  let fanOutCache = new Map<string, { list: FanOutTarget[]; expires: number }>();
  /** Pipelines' own deduplication windows (null: the default), read at most every 2 s each. */
  const dedupWindows = new Map<string, { hours: number | null; expires: number }>();
  /**
   * Pipelines known to have remembered traits. Once true, it stays true (rows only go by the
   * prune, days later); false is asked again after 5 s, so another node's first identify is
   * read within that time.
   */
  const withTraits = new Map<string, { found: boolean; expires: number }>();
  const traitsPresence: TraitsPresence = {
    async has(pipelineId) {
      const cached = withTraits.get(pipelineId);
      if (cached && (cached.found || cached.expires > Date.now())) return cached.found;
      const { rows } = await pool.query<{ found: boolean }>(hasTraitsStatement(), [pipelineId]);
      withTraits.set(pipelineId, { found: rows[0]?.found === true, expires: Date.now() + 5000 });
      return rows[0]?.found === true;
    },
    written(pipelineId) {
      withTraits.set(pipelineId, { found: true, expires: Infinity });
    },
  };
  let timer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> | undefined;
  let followUp: Promise<void> | undefined;
  /** Aborted when this process stops: ends the batches' waits for the rate limit, and syncs. */
  const stopping = new AbortController();
  const stopped = () => stopping.signal.aborted;

  function plugin(vendor: string): PluginDefinition {
    const found = options.plugins.get(vendor);
    if (!found) throw new Error(`Plugin "${vendor}" is not loaded; deliveries to its integrations wait until it is`);
    return found;
  }

  async function resolveTarget(integrationId: string): Promise<DeliveryTarget> {
    const cached = targets.get(integrationId);
    if (cached && cached.expires > Date.now()) return cached.target;
    const { rows } = await pool.query<AssignmentRow>(`${SELECT_ASSIGNMENTS} WHERE a.id = $1`, [integrationId]);
    const row = rows[0];
    if (!row) throw new Error(`Pipeline integration ${integrationId} no longer exists`);
    const def = plugin(row.vendor);
    const revision = await options.integrations.resolveRevision(row.revision_id);
    const ctx: PluginContext = {
      config: revision.config,
      variant: revision.variant,
      integrationId,
      revisionId: revision.id,
      options: (options.plugins.optionsFor?.(def.id) ?? {}) as PluginContext['options'],
      now: 0, // set per delivery by deliverBatch
    };
    const secretFields = options.integrations.secretFields(row.vendor);
    const map = createEventMapper(def, revision, ctx, options.compileBlueprint);
    const neverSends = integrationNeverSends(def, revision, ctx, map);
    const target: DeliveryTarget = {
      integrationId,
      pipelineId: row.pipeline_id,
      templateId: row.template_id,
      revisionId: revision.id,
      plugin: def,
      ctx,
      map,
      settings: revision.settings,
      consentCategories: revision.consentCategories,
      // Strings inside an object secret too (a webhook's secret_headers): each may reach a request.
      secretValues: secretValuesOf(secretFields.map((f) => revision.config[f])),
      usesAccessToken: usesAccessToken(def, 'delivery', revision.config),
      ...(neverSends ? { neverSends } : {}),
    };
    targets.set(integrationId, { target, expires: Date.now() + 5000 });
    return target;
  }

  /**
   * Queues events for `attempt` after `delayMs`. The delay goes to pg-boss as seconds, which it
   * adds to the database's clock: a worker whose clock is off would otherwise shift every
   * retry by its error (pg-boss compares `startAfter` with the database's now).
   */
  async function enqueue(integrationId: string, events: CanonicalEvent[], attempt: number, delayMs = 0, throttledSince?: number, warnings?: Array<string[] | null>): Promise<void> {
    const job: DeliveryJob = { events, attempt, ...(throttledSince !== undefined ? { throttledSince } : {}), ...(warnings ? { warnings } : {}) };
    await boss.send(delivery(integrationId), job, delayMs > 0 ? { startAfter: delayMs / 1000 } : {});
    if (delayMs > 0) dueWaker.wakeAfter(delivery(integrationId), delayMs);
  }

  /** Whose access token a target's requests carry: its revision's. */
  function tokenOwner(target: DeliveryTarget): TokenOwner {
    return { revisionId: target.revisionId, templateId: target.templateId, vendor: target.plugin.id, exchange: target.plugin.accessToken!, ctx: target.ctx };
  }

  const accessToken = options.accessTokens ? (target: DeliveryTarget, refused?: string) => options.accessTokens!.get(tokenOwner(target), refused) : undefined;
  // Vendors that process after accepting: their reports, asked for later by the worker role.
  const reports = createProcessingReports({
    boss,
    resolveTarget: (integrationId) => resolveTarget(integrationId),
    ...(accessToken ? { accessToken } : {}),
    perform: (request) => options.deps.perform(request),
    record: (exchanges) => options.deps.record(exchanges),
    addStats: (target, delta) => options.deps.addStats(target, delta),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const deps: DeliveryDeps = {
    ...options.deps,
    ...(accessToken ? { accessToken } : {}),
    scheduleReports: (target, receipts) => reports.schedule(target, receipts),
    scheduleRetry: async (target, events, attempt, delayMs, throttledSince) => enqueue(target.integrationId, events, attempt, delayMs, throttledSince),
    defer: async (target, events, attempt, delayMs, warnings) => enqueue(target.integrationId, events, attempt, delayMs, undefined, warnings),
    // Disabled, unassigned, or this process shutting down: a batch in flight puts back what it
    // has not sent, so a restart does not send again what was delivered before the stop.
    stopped: (target) => stopped() || !working.has(target.integrationId),
    stopSignal: stopping.signal,
  };

  /** Reads stored events back by id; any that are gone (deleted before delivery) are reported. */
  async function loadStored(integrationId: string, ids: number[]): Promise<CanonicalEvent[]> {
    const { rows } = await pool.query<StoredEventRow>(storedEventsStatement(ids));
    const wanted = new Set(ids).size;
    if (rows.length < wanted) {
      options.onError?.(new Error(`Integration ${integrationId}: ${wanted - rows.length} of ${wanted} stored events of a delivery job no longer exist (deleted before delivery: a person deletion, or a pipeline's events deleted by hand) and cannot be delivered`));
    }
    return rows.map((row) => row.payload);
  }

  async function handle(integrationId: string, jobs: Array<{ data: DeliveryJob }>): Promise<void> {
    const target = await resolveTarget(integrationId);
    // Jobs fetched together are delivered together (the sender batches them), per try number
    // and throttling state.
    const byTry = new Map<string, { attempt: number; throttledSince?: number; events: CanonicalEvent[]; warnings: Array<string[] | null>; ids: number[] }>();
    for (const { data } of jobs) {
      const key = `${data.attempt}/${data.throttledSince ?? ''}`;
      const entry = byTry.get(key) ?? { attempt: data.attempt, ...(data.throttledSince !== undefined ? { throttledSince: data.throttledSince } : {}), events: [], warnings: [], ids: [] };
      if (data.events) {
        entry.events.push(...data.events);
        // Kept beside their events, index for index (events read back by id have none).
        for (let i = 0; i < data.events.length; i++) entry.warnings.push(data.warnings?.[i] ?? null);
      }
      if (data.ids) entry.ids.push(...data.ids);
      byTry.set(key, entry);
    }
    for (const entry of byTry.values()) {
      if (entry.ids.length > 0) entry.events.push(...(await loadStored(integrationId, entry.ids)));
      const { events, warnings, held } = await withoutHeld(target, entry.events, entry.warnings);
      if (events.length > 0) await deliverBatch(target, events, entry.attempt, deps, entry.throttledSince, warnings);
      // Counted once the rest is dealt with: a delivery that throws retries the job, which
      // would otherwise count its held events again.
      const retrying = entry.attempt > 1 || entry.throttledSince !== undefined;
      // A retry's events count in the `retrying` gauge until their job runs: these leave it here.
      if (held > 0) await options.deps.addStats(target, { skippedSuppressed: held, ...(retrying ? { retrying: -held } : {}) });
    }
  }

  /**
   * Leaves out the events of people whose deletion was requested after they were queued
   * (transformed events and retries travel in their jobs), counted as suppressed (and, from a
   * retry, out of the `retrying` gauge) by the caller.
   */
  async function withoutHeld(target: DeliveryTarget, events: CanonicalEvent[], warnings: Array<string[] | null>) {
    const list = options.suppressions;
    if (!list || events.length === 0) return { events, warnings, held: 0 };
    await list.fresh();
    const kept: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!list.holds(target.pipelineId, event, Date.parse(event.receivedAt))) kept.push(i);
    }
    if (kept.length === events.length) return { events, warnings, held: 0 };
    return { events: kept.map((i) => events[i]!), warnings: kept.map((i) => warnings[i] ?? null), held: events.length - kept.length };
  }

  async function startWorker(row: AssignmentRow): Promise<void> {
    const def = options.plugins.get(row.vendor);
    const name = delivery(row.id);
    await ensureQueue(boss, name, DELIVERY_QUEUE_OPTIONS);
    if (!def) {
      if (missingPlugins.has(row.id)) return;
      missingPlugins.add(row.id);
      options.onError?.(new Error(`Plugin "${row.vendor}" is not loaded: events for integration ${row.id} wait in its queue`));
      return;
    }
    if (!options.consume || working.has(row.id)) return;
    working.set(row.id, row.revision_id);
    // Several jobs per fetch (full fetches fetch again at once), delivered together so the
    // sender can fill the vendor's batches — but bounded, since every event in flight is memory.
    const jobsPerFetch = Math.min(8, Math.max(2, Math.ceil(def.batch.maxEvents / jobSize(def.batch.maxEvents))));
    const workerId = await boss.work<DeliveryJob>(
      name,
      { batchSize: jobsPerFetch, ...WORK_POLLING, localConcurrency: options.concurrency },
      async (jobs) => handle(row.id, jobs),
    );
    workerIds.set(name, workerId);
  }

  function stopWaking(queue: string): void {
    workerIds.delete(queue);
    dueWaker.forget(queue);
  }

  async function reconcile(): Promise<void> {
    // Queues are listed before assignments: a queue made for an assignment created meanwhile
    // (by another node) is then either not listed or its assignment is seen — never deleted.
    const queues = await boss.getQueues();
    const { rows } = await pool.query<AssignmentRow>(SELECT_ASSIGNMENTS);
    const live = new Map(rows.map((r) => [r.id, r]));
    for (const row of rows) {
      if (row.enabled) await startWorker(row);
      else if (working.has(row.id)) {
        // Not waiting for the job in flight: it sees the integration stopped and puts back
        // what it has not sent, so an admin's disable answers at once.
        working.delete(row.id);
        stopWaking(delivery(row.id));
        await boss.offWork(delivery(row.id), { wait: false });
      }
      if (working.has(row.id) && working.get(row.id) !== row.revision_id) {
        working.set(row.id, row.revision_id);
        targets.delete(row.id); // a re-pinned revision takes effect at once
      }
    }
    for (const id of [...working.keys()]) {
      if (!live.has(id)) {
        working.delete(id);
        stopWaking(delivery(id));
        await boss.offWork(delivery(id), { wait: false }).catch(() => {});
      }
    }
    // Queues of removed assignments go with them.
    for (const queue of queues) {
      if (queue.name.startsWith('delivery.') && !live.has(queue.name.slice('delivery.'.length))) {
        await boss.deleteQueue(queue.name).catch(() => {});
      }
    }
    fanOutCache = new Map();
  }

  async function assignmentExists(integrationId: string): Promise<boolean> {
    const { rows } = await pool.query('SELECT 1 FROM signal.pipeline_integrations WHERE id = $1', [integrationId]);
    return rows.length > 0;
  }

  /** `fresh`: not from the 2-second cache (a replay to an integration installed a moment ago on another node). */
  async function fanOutTargets(pipelineId: string, fresh = false): Promise<FanOutTarget[]> {
    const cached = fanOutCache.get(pipelineId);
    if (!fresh && cached && cached.expires > Date.now()) return cached.list;
    const { rows } = await pool.query<AssignmentRow>(`${SELECT_ASSIGNMENTS} WHERE a.pipeline_id = $1 AND a.enabled`, [pipelineId]);
    const list: FanOutTarget[] = [];
    for (const row of rows) {
      // An integration whose plugin is not loaded still gets its events: they wait in its
      // queue (no worker consumes it) until the plugin is loaded again.
      const def = options.plugins.get(row.vendor);
      await ensureQueue(boss, delivery(row.id), DELIVERY_QUEUE_OPTIONS);
      list.push({
        id: row.id, pipelineId: row.pipeline_id, vendor: row.vendor, consentCategories: row.consent_categories,
        routingNames: [row.name, ...(def ? [def.name] : []), row.vendor],
        maxEvents: jobSize(def?.batch.maxEvents ?? 100),
        ...(def ? await neverSendsOf(row.id) : {}),
      });
    }
    fanOutCache.set(pipelineId, { list, expires: Date.now() + 2000 });
    return list;
  }

  /**
   * An integration's `neverSends` test with its revision's config (see `DeliveryTarget`). A
   * revision that cannot be opened (a secret sealed under another key) gets none: its events are
   * queued, and delivery says what is wrong.
   */
  async function neverSendsOf(integrationId: string): Promise<Pick<FanOutTarget, 'neverSends'>> {
    try {
      const { neverSends } = await resolveTarget(integrationId);
      return neverSends ? { neverSends } : {};
    } catch {
      return {};
    }
  }

  const enrichmentFailuresSaid = new Map<string, number>();
  /** The pipeline's enabled integrations whose plugin enriches and whose config turns it on. */
  async function enrichersOf(pipelineId: string): Promise<Enricher[]> {
    const enrichers: Enricher[] = [];
    for (const target of await fanOutTargets(pipelineId)) {
      const def = options.plugins.get(target.vendor);
      if (!def?.enrich) continue;
      // Enrichment is an extra: an integration whose revision cannot be opened (a secret sealed
      // under another key) or whose plugin fails here is left out, and the pipeline's events
      // go on without its attributes rather than wait behind it.
      let resolved: DeliveryTarget;
      let enabled = false;
      try {
        resolved = await resolveTarget(target.id);
        enabled = def.enrich.enabled(resolved.ctx.config);
      } catch (error) {
        // Every fan-out of the pipeline comes here: said once a minute, not once per micro-batch.
        if ((enrichmentFailuresSaid.get(target.id) ?? 0) < Date.now() - 60_000) {
          enrichmentFailuresSaid.set(target.id, Date.now());
          options.onError?.(new Error(`Integration ${target.id} (${def.id}): no partner enrichment: ${(error as Error).message}`));
        }
        continue;
      }
      if (!enabled) continue;
      enrichers.push({
        integrationId: target.id, revisionId: resolved.revisionId, provider: def.id, enrichment: def.enrich,
        ctx: resolved.ctx, consentCategories: target.consentCategories, routingNames: target.routingNames,
      });
    }
    return enrichers;
  }

  /**
   * The pipeline's integrations (enabled or not: a disabled one's vendor still holds what it
   * received), each with how a person deletion reaches its vendor: the plugin's forwarding
   * when its config turns it on, else why not (`skipped`); one whose revision cannot be opened
   * with the error (tried again), so the deletion says it.
   */
  async function forgettersOf(pipelineId: string): Promise<Forgetter[]> {
    const { rows } = await pool.query<AssignmentRow>(`${SELECT_ASSIGNMENTS} WHERE a.pipeline_id = $1 ORDER BY t.name, a.id`, [pipelineId]);
    const forgetters: Forgetter[] = [];
    for (const row of rows) {
      const entry = { integrationId: row.id, vendor: row.vendor, name: row.name, secretValues: [] as string[] };
      const def = options.plugins.get(row.vendor);
      // Listed as skipped, with what to do: an audit of the deletion sees every vendor the
      // pipeline sends to, not only those Signal could ask.
      if (!def) {
        forgetters.push({ ...entry, skipped: `its plugin "${row.vendor}" is not loaded: delete the person at the vendor with its own tools` });
        continue;
      }
      if (!def.forgetPerson) {
        forgetters.push({ ...entry, skipped: `Signal cannot forward deletions to ${def.name}: delete the person there with its own tools` });
        continue;
      }
      try {
        const target = await resolveTarget(row.id);
        const tokens = options.accessTokens;
        const refusedBy = def.accessToken?.refused;
        const accessToken = tokens && usesAccessToken(def, 'forgetPerson', target.ctx.config)
          ? { accessToken: (refused?: string) => tokens.get(tokenOwner(target), refused), ...(refusedBy ? { tokenRefused: (response: VendorResponse, request: RequestDescriptor) => refusedBy(response, request, target.ctx) } : {}) }
          : {};
        if (def.forgetPerson.enabled(target.ctx.config)) forgetters.push({ ...entry, forget: def.forgetPerson, ctx: target.ctx, secretValues: target.secretValues, ...accessToken, ...(def.sign ? { sign: def.sign } : {}) });
        else forgetters.push({ ...entry, skipped: `forwarding is off in this integration's config (see the ${def.name} plugin's README: it needs a credential for deletions)` });
      } catch (error) {
        forgetters.push({ ...entry, error: (error as Error).message });
      }
    }
    return forgetters;
  }

  const ingestDeps = {
    pool,
    boss,
    targets: fanOutTargets,
    ...(options.partnerEnricher ? { enrichers: enrichersOf, partnerEnricher: options.partnerEnricher } : {}),
    transformFor: options.transform ?? (async () => undefined),
    enqueue: async (integrationId: string, contents: DeliveryContent[], db?: Db) => {
      const jobs = contents.map((content) => ({ data: { ...content, attempt: 1 } satisfies DeliveryJob }));
      try {
        await boss.insert(delivery(integrationId), jobs, db ? { db } : {});
      } catch (error) {
        fanOutCache = new Map(); // the list this fan-out used may be stale
        // Unassigned since this node listed the pipeline's integrations (a cache of 2 s): its
        // queue went with it, and so do these events. Anything else fails the fan-out whole.
        if ((error as { code?: string }).code !== 'PGBOSS_QUEUE_NOT_FOUND' || (await assignmentExists(integrationId))) throw error;
      }
    },
    addCounts: (integrationId: string, counts: FanOutCounts, db?: Db) =>
      options.deps.addStats({ integrationId } as DeliveryTarget, {
        skippedConsent: counts.consent, skippedRouting: counts.routing, ...(counts.neverSent ? { dropped: counts.neverSent } : {}), skippedDuplicate: counts.duplicate, skippedSuppressed: counts.suppressed ?? 0, skippedTrackingPlan: counts.trackingPlan ?? 0,
        enriched: counts.enriched ?? 0, enrichmentNotFound: counts.enrichmentNotFound ?? 0, enrichmentFailed: counts.enrichmentFailed ?? 0,
        ...(counts.lastEnrichmentError !== undefined ? { lastEnrichmentError: counts.lastEnrichmentError } : {}),
      }, db),
    batchSize: options.ingestJobsPerFetch,
    dedupWindowHours: options.dedupWindowHours ?? 0,
    traitsMemoryDays: options.traitsMemoryDays ?? 0,
    traitsPresence,
    ...(options.suppressions ? { suppressions: options.suppressions } : {}),
    ...(options.trackingPlanFor ? { trackingPlanFor: options.trackingPlanFor } : {}),
    pipelineDedupWindow: async (pipelineId: string): Promise<number | null> => {
      const cached = dedupWindows.get(pipelineId);
      if (cached && cached.expires > Date.now()) return cached.hours;
      const { rows } = await pool.query<{ hours: number | null }>('SELECT dedup_window_hours AS hours FROM signal.pipelines WHERE id = $1', [pipelineId]);
      const hours = rows[0]?.hours ?? null;
      dedupWindows.set(pipelineId, { hours, expires: Date.now() + 2000 });
      return hours;
    },
  };

  function schedule(): void {
    if (stopped()) return;
    timer = setTimeout(() => {
      void sync().finally(schedule);
    }, 5000);
    timer.unref();
  }

  /**
   * Brings queues and workers in line with the assignments (serialised). A call made while a
   * pass runs waits for one more pass after it: the running one may have read the assignments
   * before the caller's change, and a disable must not wait for the next tick to take effect.
   */
  async function sync(): Promise<void> {
    if (stopped()) return;
    if (!reconciling) {
      reconciling = reconcile()
        .catch((error: Error) => options.onError?.(error))
        .finally(() => {
          reconciling = undefined;
        });
      return reconciling;
    }
    // Callers arriving during a pass share the one pass that follows it.
    followUp ??= reconciling.then(() => {
      followUp = undefined;
      return sync();
    });
    return followUp;
  }

  return {
    async start(): Promise<void> {
      await sync();
      await reports.start(options.consume);
      if (options.consume) {
        await startIngestWorker(ingestDeps);
        // Replays of stored events: the pipeline stage again, for one integration, without deduplication.
        // Its targets uncached (an integration installed a moment ago on another node), and no
        // skip counted: the events' first fan-out counted theirs.
        const replayDeps = { ...ingestDeps, targets: (pipelineId: string) => fanOutTargets(pipelineId, true), addCounts: async () => {} };
        await startReplayWorker({
          boss, pool,
          prepare: (ids) => lookUpPartners(ids, replayDeps),
          fanOutTo: (ids, integrationId, db) => fanOut(ids, replayDeps, db, { only: integrationId, deduplicate: false }),
        });
      }
      schedule();
    },
    sync,
    /** Sends events to an integration's queue (replay uses it). */
    enqueue,
    /** A pipeline's enabled integrations that enrich events (partner enrichment). */
    enrichers: enrichersOf,
    /** A pipeline's integrations that forward person deletions to their vendor. */
    forgetters: forgettersOf,
    /** Runs the pipeline stage for ids at once (tests). */
    fanOut: (ids: number[]) => fanOut(ids, ingestDeps),
    resolveTarget,
    /** Why an integration's plugin never sends `event` with its revision's config (its `neverSends`), else undefined. */
    async neverSends(integrationId: string, event: CanonicalEvent): Promise<string | undefined> {
      return (await resolveTarget(integrationId)).neverSends?.(event);
    },
    async stop(): Promise<void> {
      stopping.abort();
      if (timer) clearTimeout(timer);
      dueWaker.stop();
      reports.stop();
      await followUp;
      await reconciling;
    },
  };
}

export type DeliveryEngine = ReturnType<typeof createDeliveryEngine>;
