import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../core/config.ts';
import { loadPluginEntries } from '../../core/plugins/load-plugins.ts';
import { startSignal, type PluginSet, type SignalInstance } from '../../core/signal.ts';
import { createTestDatabase, signalTemplate, type TestDatabase } from './database.ts';

export interface TestSignal extends SignalInstance {
  collectUrl: string;
  adminUrl: string;
  db: TestDatabase;
  /** Creates a pipeline and returns its id and key. */
  pipeline(name?: string): Promise<{ id: string; key: string }>;
  /** POSTs a GraphQL operation to the admin listener with the admin token. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }>;
  close(): Promise<void>;
}

export const noPlugins: PluginSet = { list: () => [], get: () => undefined, cookieNames: () => ['FTrack'] };

/**
 * The plugins of plugin.config.ts in the folders `plugins/<vendor>` named, loaded as Signal
 * loads them (their options too): a vendor's end-to-end test needs its own plugin, and
 * loading all sixty costs each test process most of a second of CPU.
 *
 * @example
 * const signal = await startTestSignal({}, { vendors: ['mixpanel'] });
 */
export async function pluginsOf(vendors: readonly string[]): Promise<PluginSet> {
  const { default: entries } = await import('../../plugin.config.ts');
  const chosen = entries.filter((entry) => vendors.some((vendor) => entry.plugin === `./plugins/${vendor}`));
  const missing = vendors.filter((vendor) => !chosen.some((entry) => entry.plugin === `./plugins/${vendor}`));
  if (missing.length > 0) throw new Error(`plugin.config.ts loads no ./plugins/${missing.join(', ./plugins/')}`);
  return loadPluginEntries(chosen, PROJECT_ROOT, { label: 'plugin.config.ts' });
}

/**
 * Starts a whole Signal on ephemeral ports against a fresh database of its own (a copy of the
 * run's template database under `npm test`: see `signalTemplate`), with every plugin of
 * plugin.config.ts, or those of `vendors` (see `pluginsOf`), or the `plugins` given.
 *
 * @example
 * const signal = await startTestSignal();
 * after(() => signal.close());
 */
export async function startTestSignal(env: Record<string, string> = {}, options: { plugins?: PluginSet; vendors?: readonly string[]; label?: string; log?: (message: string) => void; databaseUrl?: (url: string) => string } = {}): Promise<TestSignal> {
  const plugins = options.plugins ?? (options.vendors ? await pluginsOf(options.vendors) : undefined);
  const db = await createTestDatabase(options.label ?? 'signal', signalTemplate());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'signal-test-'));
  const config = loadConfig({
    // `databaseUrl` rewrites the test database's URL, e.g. to reach it through a proxy.
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.url) : db.url,
    SIGNAL_DATA_DIR: dataDir,
    SIGNAL_COLLECT_HOST: '127.0.0.1',
    SIGNAL_COLLECT_PORT: '0',
    SIGNAL_ADMIN_PORT: '0',
    SIGNAL_LOG_LEVEL: 'silent',
    SIGNAL_DEMO_PIPELINE: 'false',
    SIGNAL_ADMIN_TOKEN: 'test-admin-token-0123456789',
    SIGNAL_RATE_LIMIT_KEY_MAX: '0',
    SIGNAL_RATE_LIMIT_IP_MAX: '0',
    // Smaller pools than a node's: test files run two at a time, each with Signals of its
    // own, against one PostgreSQL whose max_connections (100 by default) they share.
    SIGNAL_DB_POOL_SIZE: '6',
    SIGNAL_PGBOSS_POOL_SIZE: '4',
    // Person deletions wait seconds for events still on their way: tests that forward a
    // deletion to a vendor need not (test/person-deletions.test.ts keeps the real waits).
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    ...env,
  });
  const signal = await startSignal(config, { ...(plugins ? { plugins } : {}), ...(options.log ? { log: options.log } : {}) });
  const adminUrl = signal.urls.admin ?? '';
  return Object.assign(signal, {
    collectUrl: signal.urls.collect ?? '',
    adminUrl,
    db,
    async pipeline(name = 'Test') {
      const created = await signal.services.pipelines.create(name);
      return { id: created.pipeline.id, key: created.key };
    },
    async graphql(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${adminUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signal.adminToken}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await signal.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  }) as TestSignal;
}

/** Basic auth header of a pipeline key, as Segment SDKs send it. */
export function basic(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}
