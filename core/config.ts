/**
 * Configuration from environment variables: one table, parsed and validated at start.
 * A bad value stops start-up with a message naming the variable. The README's configuration
 * table is checked against `CONFIG_VARIABLES` by a test, so the two cannot drift.
 */

import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseCookieDomains } from './collect/cookie-domain.ts';
import { MAX_DEDUP_WINDOW_HOURS } from './pipeline/deduplication.ts';
import { DEFAULT_GPC_RULE, GPC_RULES, type GpcRule } from './pipeline/gpc-rule.ts';
import { MAX_TRAITS_MEMORY_DAYS } from './pipeline/remembered-traits.ts';
import { parseSecretKey } from './services/secret-box.ts';

/** The project folder: relative paths in the configuration (`SIGNAL_PLUGIN_CONFIG`) start here. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export type Role = 'collect' | 'worker' | 'admin';
const ROLES: readonly Role[] = ['collect', 'worker', 'admin'];

export interface SignalConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  roles: Set<Role>;
  collectHost: string;
  collectPort: number;
  adminHost: string;
  adminPort: number;
  adminToken: string | undefined;
  secretKey: string | undefined;
  trustProxy: boolean | string[] | number;
  corsOrigins: '*' | string[];
  /** Domains the visitor and click-id cookies are set for (`SIGNAL_COOKIE_DOMAIN`); empty: host-only. */
  cookieDomains: string[];
  rateLimitKeyMax: number;
  rateLimitIpMax: number;
  rateLimitWindowMs: number;
  commitIntervalMs: number;
  commitMaxEvents: number;
  commitTimeoutMs: number;
  eventRetentionHours: number;
  dedupWindowHours: number;
  traitsMemoryDays: number;
  /** What a visitor's Global Privacy Control (`context.consent.gpc`) does (`SIGNAL_GPC`). */
  gpc: GpcRule;
  /** Days admin audit log entries are kept. */
  auditRetentionDays: number;
  dbPoolSize: number;
  bossPoolSize: number;
  bossSchema: string;
  logLevel: string;
  demoPipeline: boolean;
  pluginConfig: string;
  ingestBatchSize: number;
  shutdownGraceMs: number;
  ingestJobSize: number;
  dispatchPollMs: number;
  dispatchIdlePollMs: number;
  deliveryConcurrency: number;
  httpTimeoutMs: number;
  enrichmentTimeoutMs: number;
  enrichmentConcurrency: number;
  retryTimeScale: number;
  queueMonitorSeconds: number;
  deletionWaitScale: number;
  vendorRedirects: Map<string, string>;
}

/**
 * A database URL without its user and password: host, port and database, for messages and
 * the banner.
 *
 * @example
 * databaseTarget('postgres://signal:s3cret@db.internal:6543/signal'); // 'db.internal:6543/signal'
 */
export function databaseTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(DATABASE_URL)';
  }
}

export class ConfigError extends Error {
  constructor(variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

interface Variable {
  name: string;
  default: string;
  description: string;
}

/** Every variable Signal reads, with its default and meaning (the README's table). */
export const CONFIG_VARIABLES: readonly Variable[] = [
  { name: 'DATABASE_URL', default: '(embedded)', description: 'PostgreSQL connection string. Unset: an embedded PostgreSQL is started with data in `SIGNAL_DATA_DIR`.' },
  { name: 'SIGNAL_DATA_DIR', default: '.signal', description: 'Folder for the embedded database and its generated password (`pg-password`), the generated secret key and admin token, and the demo pipeline\'s key (kept in clear so the banner can show it again while it still sends events — once rotated, or its pipeline deleted or disabled, the banner says so instead; delete the file, or the Demo pipeline, in production).' },
  { name: 'SIGNAL_ROLES', default: 'collect,worker,admin', description: 'Which roles this process runs: any of `collect`, `worker`, `admin`, comma separated.' },
  { name: 'SIGNAL_COLLECT_HOST', default: '0.0.0.0', description: 'Address the public collect listener binds to.' },
  { name: 'SIGNAL_COLLECT_PORT', default: '8080', description: 'Port of the public collect listener.' },
  { name: 'SIGNAL_ADMIN_HOST', default: '127.0.0.1', description: 'Address the admin listener binds to (loopback by default: put it behind your own access control before exposing it).' },
  { name: 'SIGNAL_ADMIN_PORT', default: '8084', description: 'Port of the admin listener (GraphQL, REST admin, metrics).' },
  { name: 'SIGNAL_ADMIN_TOKEN', default: '(generated)', description: 'Bearer token for the admin APIs. Unset: one is generated into `SIGNAL_DATA_DIR/admin-token` and printed at start. At least 16 characters.' },
  { name: 'SIGNAL_SECRET_KEY', default: '(generated)', description: 'Key encrypting integration secrets at rest (AES-256-GCM): 32 bytes as 64 hex characters or base64. Unset: generated into `SIGNAL_DATA_DIR/secret-key`. Every node of a deployment must share it.' },
  { name: 'SIGNAL_TRUST_PROXY', default: 'false', description: '`false`, `true`, a hop count, or a comma-separated list of proxy IPs/CIDRs whose `X-Forwarded-For` is believed for `context.ip`.' },
  { name: 'SIGNAL_CORS_ORIGINS', default: '*', description: '`*` (reflect any origin, with credentials) or a comma-separated list of allowed browser origins.' },
  { name: 'SIGNAL_COOKIE_DOMAIN', default: '(none)', description: 'The site domain(s) the `_dfdid` visitor cookie and the ad click-id cookies are set for, comma separated (e.g. `example.com`): needed when Signal answers on a subdomain (`collect.example.com`) and the vendor tags on `www.example.com` should read the click ids. A request whose host is not under one of them gets host-only cookies. Unset: host-only.' },
  { name: 'SIGNAL_RATE_LIMIT_KEY_MAX', default: '2000', description: 'Collect requests allowed per pipeline key per window (0 = unlimited).' },
  { name: 'SIGNAL_RATE_LIMIT_IP_MAX', default: '500', description: 'Collect requests allowed per client IP per window (0 = unlimited).' },
  { name: 'SIGNAL_RATE_LIMIT_WINDOW_MS', default: '1000', description: 'Length of the collect rate-limit window in milliseconds.' },
  { name: 'SIGNAL_COMMIT_INTERVAL_MS', default: '0', description: 'Group commit: how long an idle committer waits for more events before writing (0: at once; while a statement runs, the next group gathers anyway).' },
  { name: 'SIGNAL_COMMIT_MAX_EVENTS', default: '1000', description: 'Group commit: most events in one statement; a full group waiting starts a second statement alongside the one running.' },
  { name: 'SIGNAL_COMMIT_TIMEOUT_MS', default: '10000', description: 'Group commit: how long a request waits for PostgreSQL to confirm its events before a 503 (a server or network that stopped answering would otherwise hold it forever).' },
  { name: 'SIGNAL_EVENT_RETENTION_HOURS', default: '168', description: 'How long stored raw events are kept for `recentEvents` and replay (hours).' },
  { name: 'SIGNAL_DEDUP_WINDOW_HOURS', default: '24', description: 'An event repeating the `messageId` of one its pipeline received within this many hours before is stored but not delivered again (an SDK retrying a request whose answer it lost). Whole hours, 0 to 720; 0 turns deduplication off. A pipeline may set its own (`setPipelineDeduplication`).' },
  { name: 'SIGNAL_GPC', default: 'restrict', description: 'What an event whose visitor sent Global Privacy Control (`Sec-GPC: 1`, or the SDK\'s `context.consent.gpc: true`) does. `restrict`: every integration still receives it, and the ad plugins with a restricted-processing mode flag that event for it (Meta, Reddit, TikTok, Amazon Ads: Limited Data Use; Nextdoor: restricted data usage; Pinterest: Limited Data Processing; Spotify Ads: opt_out_targeting). `opt_out`: GPC counts as a refusal of the `advertising` consent category (and Google\'s `ad_user_data`, `ad_personalization`): integrations gated on them do not receive the event (`skippedConsent`); other categories are not affected. `ignore`: GPC changes nothing (it is still stored in the event).' },
  { name: 'SIGNAL_AUDIT_RETENTION_DAYS', default: '400', description: 'Days the admin audit log keeps its entries (every change made through the admin APIs: who, when, from where, with what). 1 to 3,650.' },
  { name: 'SIGNAL_TRAITS_MEMORY_DAYS', default: '30', description: 'Days the traits of identify calls are remembered per pipeline and person (userId, anonymousId) and added to the person\'s later events, identify calls included, as `context.traits` (the event\'s own win; an identify\'s own `traits` are left as sent), so a vendor matching on an email given at sign-up gets it with the conversion. 0 to 365; 0 turns it off (and forgets what was remembered).' },
  { name: 'SIGNAL_DB_POOL_SIZE', default: '10', description: 'Connections in Signal\'s PostgreSQL pool (pg-boss keeps its own).' },
  { name: 'SIGNAL_PGBOSS_POOL_SIZE', default: '6', description: 'Connections in pg-boss\'s pool (its queues\' polling and jobs), besides one for LISTEN. With `SIGNAL_DB_POOL_SIZE`, what one node may hold of PostgreSQL\'s `max_connections`.' },
  { name: 'SIGNAL_PGBOSS_SCHEMA', default: 'pgboss', description: 'Schema pg-boss keeps its queues in.' },
  { name: 'SIGNAL_LOG_LEVEL', default: 'info', description: 'Log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
  { name: 'SIGNAL_DEMO_PIPELINE', default: 'true', description: 'Create a "Demo" pipeline on first start and print its key.' },
  { name: 'SIGNAL_PLUGIN_CONFIG', default: 'plugin.config.ts', description: 'The file listing the vendor plugins to load.' },
  { name: 'SIGNAL_INGEST_BATCH_SIZE', default: '10', description: 'Ingest jobs the pipeline stage takes per fetch (fanned out together).' },
  { name: 'SIGNAL_INGEST_JOB_SIZE', default: '200', description: 'Most event ids the ingest dispatcher puts in one ingest job.' },
  { name: 'SIGNAL_DISPATCH_POLL_MS', default: '100', description: 'How often a worker node looks for events committed by collect nodes in other processes (its own process\'s commits wake it at once).' },
  { name: 'SIGNAL_DISPATCH_IDLE_POLL_MS', default: '1000', description: 'The longest that interval grows to once no event came for a second (doubling from SIGNAL_DISPATCH_POLL_MS; back at once when events come): an idle gateway spares PostgreSQL. Set it equal to SIGNAL_DISPATCH_POLL_MS to keep the interval fixed.' },
  { name: 'SIGNAL_SHUTDOWN_GRACE_MS', default: '10000', description: 'On shutdown, how long requests in flight may take to finish before their connections are cut.' },
  { name: 'SIGNAL_DELIVERY_CONCURRENCY', default: '2', description: 'Delivery jobs one worker process runs at once per integration queue.' },
  { name: 'SIGNAL_HTTP_TIMEOUT_MS', default: '10000', description: 'Timeout of one vendor request (a plugin may give a request its own, up to 120 s: `timeoutMs`).' },
  { name: 'SIGNAL_ENRICHMENT_TIMEOUT_MS', default: '2000', description: 'Timeout of one partner lookup of the pipeline stage (Amperity\'s Profile API): events wait for it before fan-out, and one that times out goes on without `partner_attrs`. A micro-batch\'s lookups stop starting after 10 s or twice this, whichever is longer.' },
  { name: 'SIGNAL_ENRICHMENT_CONCURRENCY', default: '16', description: 'Partner lookups one worker process makes at once (1 to 256). At 50 ms a lookup, 16 make about 300 lookups a second: keep the partner\'s rate limit in mind (Amperity documents 500 to 2,000 requests a second per tenant).' },
  { name: 'SIGNAL_RETRY_TIME_SCALE', default: '1', description: 'Multiplies every retry delay, vendors\' `Retry-After` included (e.g. `0.01` in tests); the schedule itself is unchanged. Leave it at 1 in production.' },
  { name: 'SIGNAL_QUEUE_MONITOR_SECONDS', default: '10', description: 'How often a worker node looks for the queue jobs of a crashed worker (their heartbeat lapsed, after 10 s) to run them again, and for jobs past their time. 1 to 60; tests use 1 to see a killed worker\'s jobs picked up sooner.' },
  { name: 'SIGNAL_DELETION_WAIT_SCALE', default: '1', description: 'Multiplies the waits of a person deletion for what is still on its way (events of requests in flight, deliveries that read an older suppression list, the delivery log\'s gathering time), e.g. `0.01` in tests. Below 1 a deletion may miss an event or a log line written after it looked: leave it at 1 in production.' },
  { name: 'SIGNAL_VENDOR_REDIRECTS', default: '(none)', description: 'Send vendor origins elsewhere, keeping path and query: `https://api2.amplitude.com=http://127.0.0.1:9000,…`. For sandboxes and tests.' },
];

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(name, `must be a number, got "${raw}"`);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function str(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

function list(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseGpcRule(env: Env): GpcRule {
  const raw = str(env, 'SIGNAL_GPC', DEFAULT_GPC_RULE).toLowerCase();
  const rule = GPC_RULES.find((name) => name === raw);
  if (rule === undefined) throw new ConfigError('SIGNAL_GPC', `must be one of ${GPC_RULES.join(', ')}, got "${env.SIGNAL_GPC}"`);
  return rule;
}

function parseRoles(env: Env): Set<Role> {
  const names = list(str(env, 'SIGNAL_ROLES', 'collect,worker,admin'));
  const roles = new Set<Role>();
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) {
      throw new ConfigError('SIGNAL_ROLES', `has unknown role "${name}"; expected any of ${ROLES.join(', ')}`);
    }
    roles.add(name as Role);
  }
  if (roles.size === 0) throw new ConfigError('SIGNAL_ROLES', 'must name at least one role');
  return roles;
}

function parseTrustProxy(env: Env): boolean | string[] | number {
  const raw = str(env, 'SIGNAL_TRUST_PROXY', 'false');
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = list(raw);
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError('SIGNAL_TRUST_PROXY', `has "${entry}", which is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1; or a whole number of hops, or true/false)`);
    }
  }
  return entries;
}

function parseCors(env: Env): '*' | string[] {
  const raw = str(env, 'SIGNAL_CORS_ORIGINS', '*');
  if (raw === '*') return '*';
  const origins = list(raw);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError('SIGNAL_CORS_ORIGINS', `has "${origin}"; expected an origin such as https://www.example.com (no path)`);
    }
  }
  return origins;
}

function parseCookieDomainSetting(env: Env): string[] {
  const parsed = parseCookieDomains(env.SIGNAL_COOKIE_DOMAIN ?? '');
  if ('problem' in parsed) throw new ConfigError('SIGNAL_COOKIE_DOMAIN', parsed.problem);
  return parsed.domains;
}

function parseRedirects(env: Env): Map<string, string> {
  const redirects = new Map<string, string>();
  const raw = env.SIGNAL_VENDOR_REDIRECTS;
  if (raw === undefined || raw.trim() === '') return redirects;
  for (const pair of list(raw)) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new ConfigError('SIGNAL_VENDOR_REDIRECTS', `has "${pair}"; expected origin=base-url`);
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    let fromUrl: URL;
    let toUrl: URL;
    try {
      fromUrl = new URL(from);
      toUrl = new URL(to);
    } catch {
      throw new ConfigError('SIGNAL_VENDOR_REDIRECTS', `has "${pair}"; both sides must be absolute URLs`);
    }
    redirects.set(fromUrl.origin, toUrl.href.replace(/\/$/, ''));
  }
  return redirects;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the configuration.
 *
 * @example
 * const config = loadConfig({ ...process.env, SIGNAL_COLLECT_PORT: '0' });
 */
export function loadConfig(env: Env = process.env): SignalConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const adminToken = env.SIGNAL_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('SIGNAL_ADMIN_TOKEN', 'must be at least 16 characters long');
  }
  const secretKey = env.SIGNAL_SECRET_KEY?.trim() || undefined;
  if (secretKey !== undefined) {
    // Checked here, not when the key is first used: that comes after the embedded PostgreSQL
    // has started, and must end like every other bad value (exit code 78).
    try {
      parseSecretKey(secretKey);
    } catch {
      throw new ConfigError('SIGNAL_SECRET_KEY', 'must be 32 bytes: 64 hex characters or 44 base64 characters (e.g. the output of `openssl rand -hex 32`)');
    }
  }
  const pluginConfig = str(env, 'SIGNAL_PLUGIN_CONFIG', 'plugin.config.ts');
  if (!existsSync(path.resolve(PROJECT_ROOT, pluginConfig))) {
    throw new ConfigError('SIGNAL_PLUGIN_CONFIG', `names ${path.resolve(PROJECT_ROOT, pluginConfig)}, which does not exist (a relative path starts at the project folder)`);
  }
  const logLevel = str(env, 'SIGNAL_LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('SIGNAL_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const bossSchema = str(env, 'SIGNAL_PGBOSS_SCHEMA', 'pgboss');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(bossSchema)) {
    throw new ConfigError('SIGNAL_PGBOSS_SCHEMA', 'must be a lowercase SQL identifier (letters, digits, underscore)');
  }
  const roles = parseRoles(env);
  const collectPort = int(env, 'SIGNAL_COLLECT_PORT', 8080, 0, 65535);
  const adminPort = int(env, 'SIGNAL_ADMIN_PORT', 8084, 0, 65535);
  // One process cannot bind both listeners to one port (0 asks the system for a free one each).
  if (roles.has('collect') && roles.has('admin') && collectPort !== 0 && collectPort === adminPort) {
    throw new ConfigError('SIGNAL_ADMIN_PORT', `is ${adminPort}, as SIGNAL_COLLECT_PORT is: the collect and admin listeners need different ports`);
  }
  return {
    databaseUrl,
    dataDir: str(env, 'SIGNAL_DATA_DIR', '.signal'),
    roles,
    collectHost: str(env, 'SIGNAL_COLLECT_HOST', '0.0.0.0'),
    collectPort,
    adminHost: str(env, 'SIGNAL_ADMIN_HOST', '127.0.0.1'),
    adminPort,
    adminToken,
    secretKey,
    trustProxy: parseTrustProxy(env),
    corsOrigins: parseCors(env),
    cookieDomains: parseCookieDomainSetting(env),
    rateLimitKeyMax: int(env, 'SIGNAL_RATE_LIMIT_KEY_MAX', 2000, 0, 10_000_000),
    rateLimitIpMax: int(env, 'SIGNAL_RATE_LIMIT_IP_MAX', 500, 0, 10_000_000),
    rateLimitWindowMs: int(env, 'SIGNAL_RATE_LIMIT_WINDOW_MS', 1000, 100, 86_400_000),
    commitIntervalMs: int(env, 'SIGNAL_COMMIT_INTERVAL_MS', 0, 0, 1000),
    commitMaxEvents: int(env, 'SIGNAL_COMMIT_MAX_EVENTS', 1000, 1, 10_000),
    commitTimeoutMs: int(env, 'SIGNAL_COMMIT_TIMEOUT_MS', 10_000, 100, 300_000),
    eventRetentionHours: int(env, 'SIGNAL_EVENT_RETENTION_HOURS', 168, 1, 24 * 365),
    dedupWindowHours: int(env, 'SIGNAL_DEDUP_WINDOW_HOURS', 24, 0, MAX_DEDUP_WINDOW_HOURS),
    traitsMemoryDays: int(env, 'SIGNAL_TRAITS_MEMORY_DAYS', 30, 0, MAX_TRAITS_MEMORY_DAYS),
    gpc: parseGpcRule(env),
    auditRetentionDays: int(env, 'SIGNAL_AUDIT_RETENTION_DAYS', 400, 1, 3650),
    dbPoolSize: int(env, 'SIGNAL_DB_POOL_SIZE', 10, 2, 200),
    bossPoolSize: int(env, 'SIGNAL_PGBOSS_POOL_SIZE', 6, 2, 100),
    bossSchema,
    logLevel,
    demoPipeline: bool(env, 'SIGNAL_DEMO_PIPELINE', true),
    pluginConfig,
    ingestBatchSize: int(env, 'SIGNAL_INGEST_BATCH_SIZE', 10, 1, 100),
    ingestJobSize: int(env, 'SIGNAL_INGEST_JOB_SIZE', 200, 1, 5000),
    dispatchPollMs: int(env, 'SIGNAL_DISPATCH_POLL_MS', 100, 10, 60_000),
    dispatchIdlePollMs: int(env, 'SIGNAL_DISPATCH_IDLE_POLL_MS', 1000, 10, 60_000),
    shutdownGraceMs: int(env, 'SIGNAL_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    deliveryConcurrency: int(env, 'SIGNAL_DELIVERY_CONCURRENCY', 2, 1, 64),
    httpTimeoutMs: int(env, 'SIGNAL_HTTP_TIMEOUT_MS', 10_000, 100, 300_000),
    enrichmentTimeoutMs: int(env, 'SIGNAL_ENRICHMENT_TIMEOUT_MS', 2000, 100, 30_000),
    enrichmentConcurrency: int(env, 'SIGNAL_ENRICHMENT_CONCURRENCY', 16, 1, 256),
    retryTimeScale: num(env, 'SIGNAL_RETRY_TIME_SCALE', 1, 0, 100),
    deletionWaitScale: num(env, 'SIGNAL_DELETION_WAIT_SCALE', 1, 0, 1),
    queueMonitorSeconds: int(env, 'SIGNAL_QUEUE_MONITOR_SECONDS', 10, 1, 60),
    vendorRedirects: parseRedirects(env),
  };
}
