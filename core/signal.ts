import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { setGpcRule } from './pipeline/gpc-rule.ts';
import { PROJECT_ROOT, type SignalConfig } from './config.ts';
import { buildAdminApp } from './admin/admin-app.ts';
import { createAdminTokens } from './admin/admin-tokens.ts';
import { createAuditLog } from './admin/audit-log.ts';
import { graphiqlPlugin } from './admin/graphiql.ts';
import type { AdminServices } from './admin/services.ts';
import { buildCollectApp } from './collect/collect-app.ts';
import { createGroupCommitter, type GroupCommitter } from './collect/group-commit.ts';
import { createIngestDispatcher, type IngestDispatcher } from './pipeline/ingest-dispatcher.ts';
import { createMissingDatabase } from './db/create-missing-database.ts';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createPool, type Pool } from './db/pool.ts';
import { readinessHandler } from './db/readiness.ts';
import { startBoss, type Boss } from './queue/boss.ts';
import { createEventReplays, ensureReplayQueues } from './pipeline/event-replays.ts';
import { createReplayResolvers, replayTypeDefs } from './pipeline/event-replays-graphql.ts';
import { createPersonDeletions, ensurePersonDeletionQueues, startPersonDeletionWorker } from './pipeline/person-deletions.ts';
import { createSuppressionList } from './pipeline/suppression-list.ts';
import { createPersonDeletionResolvers, personDeletionTypeDefs } from './pipeline/person-deletions-graphql.ts';
import { createPersonLookup } from './pipeline/person-lookup.ts';
import { createPersonLookupResolvers, personLookupTypeDefs } from './pipeline/person-lookup-graphql.ts';
import { generateAdminToken, generateSecretKey, readOrCreate } from './secrets-files.ts';
import { createEventStore } from './services/events.ts';
import { createIntegrationService, type PluginCatalog } from './services/integrations.ts';
import { createPipelineService } from './services/pipelines.ts';
import { createSecretBox, parseSecretKey } from './services/secret-box.ts';
import { metricsRoute } from './admin/metrics.ts';
import { blueprintTypeDefs, createBlueprintResolvers } from './admin/blueprint-graphql.ts';
import { createPreviewService } from './admin/preview.ts';
import { createTransformationService } from './services/transformations.ts';
import { createTrackingPlanService } from './services/tracking-plans.ts';
import { createTrackingPlanResolvers, trackingPlanTypeDefs } from './pipeline/tracking-plans-graphql.ts';
import { createDeadLetterStore } from './delivery/dead-letters.ts';
import { createDeliveryAdmin, type DeliveryAdmin } from './delivery/delivery-admin.ts';
import { createDeliveryEngine, type DeliveryEngine } from './delivery/delivery-engine.ts';
import { createDeliveryResolvers, deliveryTypeDefs } from './delivery/delivery-graphql.ts';
import { createEventTrace } from './delivery/event-trace.ts';
import { deliveryRestRoutes } from './delivery/delivery-rest-routes.ts';
import { createDeliveryLog } from './delivery/delivery-log.ts';
import { createHttpPerformer } from './delivery/http-performer.ts';
import { createAccessTokens } from './delivery/access-tokens.ts';
import { accessTokenTypeDefs, createAccessTokenResolvers } from './delivery/access-tokens-graphql.ts';
import { createClickIdKeeper, type RegisteredClickId } from './collect/click-id-cookies.ts';
import { createPartnerEnricher, readBrowserAttributesStatement, visitorDigest } from './pipeline/partner-enrichment.ts';
import type { JsonObject } from './collect/canonical-event.ts';
import { createStatsStore } from './delivery/integration-stats.ts';
import { createRateLimiter, endpointLimit } from './delivery/rate-limiter.ts';
import { redactRequest, redactText } from './delivery/redact.ts';
import { retryDelayMs, throttledRetryDelayMs } from './delivery/retry-policy.ts';
import { registerPlugins } from './plugins/register-plugins.ts';
import { startStatsKeeper } from './queue/stats-keeper.ts';
import { defaultClassify } from './sdk/default-classify.ts';
import { MAX_REQUEST_TIMEOUT_MS, type JsonValue } from './sdk/types.ts';

export { PROJECT_ROOT };

/** The advisory lock nodes take turns under to create the demo pipeline of an empty database. */
const DEMO_PIPELINE_LOCK_KEY = 7_283_914_003;

/**
 * pg-boss's errors for a fetch from a delivery queue that no longer exists: the queue, or
 * (the first time) its table.
 */
const DELETED_DELIVERY_QUEUE = /^Queue delivery\.[0-9a-f-]{36} does not exist|^relation "[^"]+" does not exist \(Queue: delivery\.[0-9a-f-]{36},/;
export const CORE_VERSION: string = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The plugin registry as the core uses it. */
export interface PluginSet extends PluginCatalog {
  cookieNames(): readonly string[];
  /** The plugins' click ids (`clickIds`); none when absent. */
  clickIds?(): readonly RegisteredClickId[];
  optionsFor?(id: string): Record<string, JsonValue> | undefined;
}

export interface SignalInstance {
  config: SignalConfig;
  databaseUrl: string;
  pool: Pool;
  boss: Boss;
  services: AdminServices;
  committer: GroupCommitter;
  /** Present on worker nodes. */
  dispatcher?: IngestDispatcher;
  engine: DeliveryEngine;
  delivery: DeliveryAdmin;
  collect?: FastifyInstance;
  admin?: FastifyInstance;
  /** Base URLs the listeners bound to. */
  urls: { collect?: string; admin?: string };
  adminToken: string;
  /** The demo pipeline's key, when this start created it or it is stored in the data dir. */
  demoKey?: string;
  /** The demo pipeline's id, while its key is known. */
  demoPipelineId?: string;
  /** Why the demo key saved in the data dir is not shown: it no longer sends events. */
  demoKeyUnusable?: string;
  embedded?: EmbeddedServer;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The loaded plugins; defaults to those listed in `config.pluginConfig`. */
  plugins?: PluginSet;
  /** Logs start-up steps (the CLI prints them; tests pass nothing). */
  log?: (line: string) => void;
}

function listenUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Closes a listener: no new connections, idle keep-alive ones closed at once, responses in
 * flight allowed `graceMs` to finish. Then whatever is left is cut: a client that stalls (a
 * response it never reads, a body it never finishes) cannot hold the shutdown open or keep
 * a request alive past it.
 */
async function closeListener(app: FastifyInstance, graceMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
    app.server.closeAllConnections();
  }
}

async function loadPluginSet(config: SignalConfig): Promise<PluginSet> {
  const { loadPlugins } = await import('./plugins/load-plugins.ts');
  return loadPlugins(path.resolve(PROJECT_ROOT, config.pluginConfig));
}

/**
 * The queues every Signal has besides ingest (which `startBoss` makes) and its integrations'
 * own: event replays and person deletions, with their failure queues. Made at start, and by
 * the tests' template database, which must hold what a start makes.
 *
 * @example
 * const boss = await startBoss({ url, schema: config.bossSchema, supervise: true });
 * await ensureFixedQueues(boss);
 */
export async function ensureFixedQueues(boss: Boss): Promise<void> {
  await ensureReplayQueues(boss);
  await ensurePersonDeletionQueues(boss);
}

/**
 * Starts Signal: the database (embedded when `DATABASE_URL` is unset), migrations, pg-boss,
 * and the listeners of the configured roles. `stop()` shuts down in order: stop accepting,
 * flush the group commit, stop pg-boss, close the pool, stop the embedded server.
 *
 * @example
 * const signal = await startSignal(loadConfig());
 * // …
 * await signal.stop();
 */
export async function startSignal(config: SignalConfig, options: StartOptions = {}): Promise<SignalInstance> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(PROJECT_ROOT, config.dataDir);
  // Every consent check and plugin mapper of this process follows the deployment's GPC rule.
  setGpcRule(config.gpc);
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };

  try {
    let embedded: EmbeddedServer | undefined;
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      log(`Starting the embedded PostgreSQL (data in ${path.join(dataDir, 'pg')})…`);
      // Its own notices (a stale pid ignored, a former password replaced), not initdb's chatter.
      embedded = await startEmbeddedPostgres({ dataDir, log: (line) => { if (/^(Replaced|Removed|Ignored)/.test(line)) log(line); } });
      cleanups.push(() => embedded!.stop());
      databaseUrl = await ensureDatabase(embedded.url, 'signal');
    } else if (await createMissingDatabase(databaseUrl)) {
      log(`Created the database ${new URL(databaseUrl).pathname.slice(1)} (DATABASE_URL named one that did not exist).`);
    }

    const secretKey = config.secretKey ?? (await readOrCreate(dataDir, 'secret-key', generateSecretKey)).value;
    const secrets = createSecretBox(parseSecretKey(secretKey));
    const adminToken = config.adminToken ?? (await readOrCreate(dataDir, 'admin-token', generateAdminToken)).value;

    const pool = createPool(databaseUrl, config.dbPoolSize);
    cleanups.push(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length > 0) log(`Applied migrations ${applied.join(', ')}.`);

    const plugins = options.plugins ?? (await loadPluginSet(config));
    // Closed after pg-boss has let in-flight deliveries finish (cleanups run in reverse): the
    // performer, then the delivery log, which writes the exchanges it gathered.
    const http = createHttpPerformer({ timeoutMs: config.httpTimeoutMs, redirects: config.vendorRedirects });
    cleanups.push(() => http.close());
    // Partner lookups wait inline in the pipeline stage: a timeout of their own, shorter.
    const enrichmentHttp = createHttpPerformer({ timeoutMs: config.enrichmentTimeoutMs, redirects: config.vendorRedirects, connections: config.enrichmentConcurrency });
    cleanups.push(() => enrichmentHttp.close());
    const deliveryLog = createDeliveryLog(pool, { onError: (error) => log(`delivery log: ${error.message}`) });
    cleanups.push(() => deliveryLog.close());
    // Declared before pg-boss starts: its error handler may call on the engine.
    let engine: DeliveryEngine | undefined;
    const boss = await startBoss({
      url: databaseUrl,
      schema: config.bossSchema,
      max: config.bossPoolSize,
      supervise: config.roles.has('worker'),
      monitorSeconds: config.queueMonitorSeconds,
      onError: (error) => {
        // A worker still polling the queue of an integration another node just unassigned:
        // expected for a moment; reconciling now stops it instead of logging it every 0.5 s.
        if (DELETED_DELIVERY_QUEUE.test(error.message) && engine) {
          void engine.sync();
          return;
        }
        log(`pg-boss: ${error.message}`);
      },
    });
    // Batches in flight stop at their next request (the engine stops first); the grace lets
    // the requests already sent be answered, so none is failed, retried and sent twice — as
    // long as the slowest may take (a plugin's own timeoutMs); it ends as soon as none is left.
    cleanups.push(() => boss.stop({ graceful: true, timeout: Math.max(10_000, config.httpTimeoutMs, MAX_REQUEST_TIMEOUT_MS) + 5_000 }));
    await ensureFixedQueues(boss);
    // Whose events are held back (person deletions): read by the pipeline stage and the delivery worker.
    const suppressions = createSuppressionList(pool);

    // Its integrations' queues go with a deleted pipeline, as with unassigning.
    const pipelines = createPipelineService(pool, { onDeleted: () => engine?.sync() });
    const integrations = createIntegrationService({
      pool, plugins, secrets, blueprintsDir: path.join(PROJECT_ROOT, 'blueprints'),
      // Queues follow assignments: created when assigned, removed with them.
      onAssignmentsChanged: () => engine?.sync(),
    });
    const events = createEventStore(pool, { bossSchema: config.bossSchema });
    const transformations = createTransformationService(pool);
    const trackingPlans = createTrackingPlanService(pool);
    const preview = createPreviewService({ plugins, integrations, transformations, trackingPlans, blueprintsDir: path.join(PROJECT_ROOT, 'blueprints') });
    const services: AdminServices = { pipelines, integrations, events, plugins };
    // Worker nodes turn committed events into ingest jobs; this process's own commits wake it.
    const dispatcher = config.roles.has('worker')
      ? createIngestDispatcher({ pool, boss, pollMs: config.dispatchPollMs, idlePollMs: config.dispatchIdlePollMs, jobSize: config.ingestJobSize, onError: (error) => log(`ingest dispatch: ${error.message}`), log })
      : undefined;
    const committer = createGroupCommitter({
      pool, intervalMs: config.commitIntervalMs, maxEvents: config.commitMaxEvents, timeoutMs: config.commitTimeoutMs,
      ...(dispatcher ? { onCommitted: (xid: bigint) => dispatcher.wake(xid) } : {}),
    });

    const deadLetters = createDeadLetterStore(pool);
    const stats = createStatsStore(pool);
    const limiter = createRateLimiter(pool);
    const deliveryAdmin = createDeliveryAdmin({ pool, boss, bossSchema: config.bossSchema, deadLetters, log: deliveryLog, stats });
    // Plugins' OAuth tokens, shared by every node through PostgreSQL (sealed like config secrets).
    const accessTokens = createAccessTokens({ pool, secrets, perform: (request) => http.perform(request) });
    engine = createDeliveryEngine({
      pool, boss, plugins, integrations, accessTokens,
      transform: (pipelineId) => transformations.transformFor(pipelineId),
      concurrency: config.deliveryConcurrency,
      ingestJobsPerFetch: config.ingestBatchSize,
      dedupWindowHours: config.dedupWindowHours,
      traitsMemoryDays: config.traitsMemoryDays,
      suppressions,
      trackingPlanFor: (pipelineId) => trackingPlans.activeFor(pipelineId),
      partnerEnricher: createPartnerEnricher({
        pool, perform: (request) => enrichmentHttp.perform(request), warn: (message) => log(message),
        concurrency: config.enrichmentConcurrency, budgetMs: Math.max(10_000, 2 * config.enrichmentTimeoutMs),
      }),
      consume: config.roles.has('worker'),
      timeScale: config.retryTimeScale,
      onError: (error) => log(`delivery: ${error.message}`),
      deps: {
        perform: (request) => http.perform(request),
        classify: (response, request, target) => (target.plugin.classify ?? defaultClassify)(response, request, target.ctx),
        // Waits of up to a minute hold the batch; longer ones (a daily cap, a long pause) defer it.
        // One bucket per integration (template): its pipelines share the vendor account's quota.
        // An endpoint the plugin limits apart has a bucket of its own, beside the integration's.
        takeTokens: (target, wanted, signal, endpoint) => (endpoint === undefined
          ? limiter.take(target.templateId, target.settings.rateLimit, wanted, Date.now() + 60_000, signal)
          // (deliverBatch sends no request naming an endpoint its plugin does not declare.)
          : limiter.take({ templateId: target.templateId, endpoint }, endpointLimit(target.plugin.rateLimit, target.settings.rateLimit, endpoint)!, wanted, Date.now() + 60_000, signal)),
        throttle: (target, pauseMs, endpoint) => limiter.throttle({ templateId: target.templateId, endpoint: endpoint ?? '' }, pauseMs * config.retryTimeScale),
        recover: (target, endpoint) => limiter.recover({ templateId: target.templateId, endpoint: endpoint ?? '' }),
        retryDelayMs: (retry, settings, retryAfterMs) => retryDelayMs(retry, settings.retry, { timeScale: config.retryTimeScale, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }),
        throttledRetryDelayMs: (throttledForMs, settings, retryAfterMs) => throttledRetryDelayMs(throttledForMs, settings.retry, { timeScale: config.retryTimeScale, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }),
        deadLetter: (letters) => deadLetters.add(letters),
        record: (exchanges) => deliveryLog.record(exchanges),
        addStats: (target, delta, db) => stats.add(target.integrationId, delta, db),
        redact: redactRequest,
        redactText,
        onBookkeepingError: (error) => log(`delivery bookkeeping: ${error.message}`),
      },
    });
    await engine.start();
    cleanups.push(() => engine!.stop());
    if (dispatcher) {
      dispatcher.start();
      cleanups.push(() => dispatcher.stop());
    }
    if (config.roles.has('worker')) {
      await startPersonDeletionWorker({
        boss, pool, bossSchema: config.bossSchema, latecomersMs: config.commitTimeoutMs + 2000, waitScale: config.deletionWaitScale,
        forwarding: { forgetters: (pipelineId) => engine!.forgetters(pipelineId), perform: (request) => http.perform(request) },
      });
      const keeper = startStatsKeeper(pool, config.bossSchema);
      const maintenance = setInterval(() => {
        void Promise.all([events.prune(config.eventRetentionHours), events.pruneSightings(), events.pruneTraits(config.traitsMemoryDays), events.prunePartnerData(), events.pruneHeld(), deadLetters.prune(), deliveryLog.prune(), accessTokens.prune(), trackingPlans.prune(config.eventRetentionHours), createAuditLog(pool).prune(config.auditRetentionDays)]).catch((error: Error) => log(`maintenance: ${error.message}`));
      }, 10 * 60_000);
      maintenance.unref();
      cleanups.push(async () => {
        keeper.stop();
        clearInterval(maintenance);
      });
    }

    let demoKey: string | undefined;
    if (config.demoPipeline && config.roles.has('admin')) {
      // Nodes started together on an empty database take turns: each saw no pipeline and made
      // its own Demo.
      const lock = await pool.connect();
      try {
        await lock.query('SELECT pg_advisory_lock($1)', [DEMO_PIPELINE_LOCK_KEY]);
        const existing = await pipelines.list();
        if (existing.length === 0) {
          const created = await pipelines.create('Demo');
          demoKey = (await readOrCreate(dataDir, 'demo-pipeline-key', () => created.key)).value;
        } else {
          // Shown again only while the key this data folder created is still there to read.
          demoKey = (await readFile(path.join(dataDir, 'demo-pipeline-key'), 'utf8').catch(() => '')).trim() || undefined;
        }
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [DEMO_PIPELINE_LOCK_KEY]).catch(() => {});
        lock.release();
      }
    }
    // The banner shows the demo pipeline's id too: installs and recentEvents take it. A saved
    // key that was rotated, or whose pipeline was deleted or disabled, is not shown: its curl
    // line would answer 401.
    const demo = demoKey === undefined ? null : await pipelines.resolveKey(demoKey);
    const demoPipelineId = demo?.enabled ? demo.pipelineId : undefined;
    const demoKeyUnusable = demoKey === undefined || demo?.enabled ? undefined
      : demo === null ? `the key saved in ${path.join(dataDir, 'demo-pipeline-key')} no longer works (rotated, or its pipeline deleted): use the key rotatePipelineKey or createPipeline showed`
        : `the Demo pipeline (id ${demo.pipelineId}) is disabled: setPipelineEnabled turns it on again`;
    if (demoKeyUnusable !== undefined) demoKey = undefined;

    const logger = config.logLevel === 'silent' ? false : { level: config.logLevel };
    const instance: SignalInstance = {
      config, databaseUrl, pool, boss, services, committer, engine, delivery: deliveryAdmin, urls: {}, adminToken, stop: cleanup,
      ...(dispatcher ? { dispatcher } : {}),
      ...(demoKey ? { demoKey } : {}),
      ...(demoPipelineId ? { demoPipelineId } : {}),
      ...(demoKeyUnusable ? { demoKeyUnusable } : {}),
      ...(embedded ? { embedded } : {}),
    };

    if (config.roles.has('collect')) {
      const collect = await buildCollectApp({
        config, pool, pipelines, committer, cookieNames: () => plugins.cookieNames(), version: CORE_VERSION, logger,
        clickIds: createClickIdKeeper({ pool, declared: () => plugins.clickIds?.() ?? [] }),
        extend: (app) => registerPlugins(app, plugins.list()),
        browserEnrichment: {
          browserProviders: () => plugins.list().filter((p) => p.enrich?.browserAttributes !== undefined).map((p) => p.id),
          isEnriching: async (pipelineId, provider) => (await engine!.enrichers(pipelineId)).some((e) => e.provider === provider),
          readBrowserAttributes: async (pipelineId, provider, visitorId) => {
            const { rows } = await pool.query<{ attributes: JsonObject }>(readBrowserAttributesStatement(pipelineId, provider, visitorDigest(visitorId)));
            return rows[0]?.attributes;
          },
        },
      });
      await collect.listen({ host: config.collectHost, port: config.collectPort });
      // Order matters on the way down: stop accepting, then commit what was accepted.
      cleanups.push(() => committer.flush());
      cleanups.push(() => closeListener(collect, config.shutdownGraceMs));
      instance.collect = collect;
      instance.urls.collect = listenUrl(collect);
    }

    if (config.roles.has('admin')) {
      const adminAuthFailures = { missing: 0, invalid: 0, readOnly: 0 };
      const admin = await buildAdminApp({
        services,
        token: adminToken,
        access: { tokens: createAdminTokens(pool), audit: createAuditLog(pool, log) },
        authFailures: adminAuthFailures,
        logger,
        graphql: [
          { typeDefs: deliveryTypeDefs, resolvers: createDeliveryResolvers(deliveryAdmin, createEventTrace({ pool, bossSchema: config.bossSchema, plugins, log: deliveryLog, neverSends: (integrationId, event) => engine!.neverSends(integrationId, event) })) },
          { typeDefs: accessTokenTypeDefs, resolvers: createAccessTokenResolvers(accessTokens) },
          { typeDefs: blueprintTypeDefs, resolvers: createBlueprintResolvers({ transformations, preview, plugins }) },
          { typeDefs: replayTypeDefs, resolvers: createReplayResolvers(createEventReplays({ pool, boss })) },
          { typeDefs: trackingPlanTypeDefs, resolvers: createTrackingPlanResolvers(trackingPlans) },
          { typeDefs: personDeletionTypeDefs, resolvers: createPersonDeletionResolvers(createPersonDeletions({ pool, boss, onChange: () => suppressions.stale() })) },
          { typeDefs: personLookupTypeDefs, resolvers: createPersonLookupResolvers(createPersonLookup({ pool })) },
        ],
        extend: async (app) => {
          await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
          await app.register(metricsRoute, { pool, stats, admin: deliveryAdmin, collect: () => committer.stats(), configWarnings: () => integrations.assignedConfigWarnings(), authFailures: adminAuthFailures });
          await app.register(deliveryRestRoutes, { admin: deliveryAdmin });
          // An admin-only node needs its own readiness probe (the collect listener has one).
          app.get('/readyz', readinessHandler(pool));
        },
      });
      await admin.listen({ host: config.adminHost, port: config.adminPort });
      cleanups.push(() => closeListener(admin, config.shutdownGraceMs));
      instance.admin = admin;
      instance.urls.admin = listenUrl(admin);
    }
    return instance;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
