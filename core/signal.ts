import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SignalConfig } from './config.ts';
import { buildAdminApp } from './admin/admin-app.ts';
import type { AdminServices } from './admin/services.ts';
import { buildCollectApp } from './collect/collect-app.ts';
import { createGroupCommitter, type GroupCommitter } from './collect/group-commit.ts';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createPool, type Pool } from './db/pool.ts';
import { startBoss, type Boss } from './queue/boss.ts';
import { generateAdminToken, generateSecretKey, readOrCreate } from './secrets-files.ts';
import { createEventStore } from './services/events.ts';
import { createIntegrationService, type PluginCatalog } from './services/integrations.ts';
import { createPipelineService } from './services/pipelines.ts';
import { createSecretBox, parseSecretKey } from './services/secret-box.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
export const CORE_VERSION: string = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The plugin registry as the core uses it. */
export interface PluginSet extends PluginCatalog {
  cookieNames(): readonly string[];
}

export interface SignalInstance {
  config: SignalConfig;
  databaseUrl: string;
  pool: Pool;
  boss: Boss;
  services: AdminServices;
  committer: GroupCommitter;
  collect?: FastifyInstance;
  admin?: FastifyInstance;
  /** Base URLs the listeners bound to. */
  urls: { collect?: string; admin?: string };
  adminToken: string;
  /** The demo pipeline's key, when this start created it or it is stored in the data dir. */
  demoKey?: string;
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

async function loadPluginSet(config: SignalConfig): Promise<PluginSet> {
  const { loadPlugins } = await import('./plugins/load-plugins.ts');
  return loadPlugins(path.resolve(PROJECT_ROOT, config.pluginConfig));
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
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
  };

  try {
    let embedded: EmbeddedServer | undefined;
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      log(`Starting the embedded PostgreSQL (data in ${path.join(dataDir, 'pg')})…`);
      embedded = await startEmbeddedPostgres({ dataDir });
      cleanups.push(() => embedded!.stop());
      databaseUrl = await ensureDatabase(embedded.url, 'signal');
    }

    const secretKey = config.secretKey ?? (await readOrCreate(dataDir, 'secret-key', generateSecretKey)).value;
    const secrets = createSecretBox(parseSecretKey(secretKey));
    const adminToken = config.adminToken ?? (await readOrCreate(dataDir, 'admin-token', generateAdminToken)).value;

    const pool = createPool(databaseUrl, config.dbPoolSize);
    cleanups.push(() => pool.end());
    const applied = await migrate(pool);
    if (applied.length > 0) log(`Applied migrations ${applied.join(', ')}.`);

    const plugins = options.plugins ?? (await loadPluginSet(config));
    const boss = await startBoss({
      url: databaseUrl,
      schema: config.bossSchema,
      supervise: config.roles.has('worker'),
      onError: (error) => log(`pg-boss: ${error.message}`),
    });
    cleanups.push(() => boss.stop({ graceful: true, timeout: 10_000 }));

    const pipelines = createPipelineService(pool);
    const integrations = createIntegrationService({ pool, plugins, secrets, blueprintsDir: path.join(PROJECT_ROOT, 'blueprints') });
    const services: AdminServices = { pipelines, integrations, events: createEventStore(pool), plugins };
    const committer = createGroupCommitter({ pool, boss, intervalMs: config.commitIntervalMs, maxEvents: config.commitMaxEvents });

    let demoKey: string | undefined;
    if (config.demoPipeline && config.roles.has('admin')) {
      const existing = await pipelines.list();
      if (existing.length === 0) {
        const created = await pipelines.create('Demo');
        demoKey = (await readOrCreate(dataDir, 'demo-pipeline-key', () => created.key)).value;
      } else {
        demoKey = await readOrCreate(dataDir, 'demo-pipeline-key', () => '').then((r) => r.value || undefined).catch(() => undefined);
      }
    }

    const logger = config.logLevel === 'silent' ? false : { level: config.logLevel };
    const instance: SignalInstance = {
      config, databaseUrl, pool, boss, services, committer, urls: {}, adminToken, stop: cleanup,
      ...(demoKey ? { demoKey } : {}),
      ...(embedded ? { embedded } : {}),
    };

    if (config.roles.has('collect')) {
      const collect = await buildCollectApp({ config, pool, pipelines, committer, cookieNames: () => plugins.cookieNames(), version: CORE_VERSION, logger });
      await collect.listen({ host: config.collectHost, port: config.collectPort });
      // Order matters on the way down: stop accepting, then commit what was accepted.
      cleanups.push(() => committer.flush());
      cleanups.push(() => collect.close());
      instance.collect = collect;
      instance.urls.collect = listenUrl(collect);
    }

    if (config.roles.has('admin')) {
      const admin = await buildAdminApp({
        services,
        token: adminToken,
        logger,
        extend: async (app) => {
          const { graphiqlPlugin } = await import('./admin/graphiql.ts').catch(() => ({ graphiqlPlugin: undefined }));
          if (graphiqlPlugin) await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
        },
      });
      await admin.listen({ host: config.adminHost, port: config.adminPort });
      cleanups.push(() => admin.close());
      instance.admin = admin;
      instance.urls.admin = listenUrl(admin);
    }
    return instance;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
