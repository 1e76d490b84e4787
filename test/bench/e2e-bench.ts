// `npm run bench:e2e`: events through collect → three webhook integrations (two batched, one
// request per event) → the vendor simulator, with Signal in its own process. Prints sustained
// events/s, p50/p99 collect→vendor latency at a steady 200 events/s, Signal's peak RSS, and the
// pg-boss drain rate of a burst-filled queue with stale vs fresh table statistics.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from '../../core/db/embedded.ts';
import { createPool } from '../../core/db/pool.ts';
import { startSignalProcess } from '../helpers/signal-process.ts';
import { startVendorSim } from '../vendor-sim/vendor-sim.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
// Extra processes running only the worker role beside the all-roles one: how a second core is used.
const EXTRA_WORKERS = Number(process.env.BENCH_EXTRA_WORKERS ?? 0);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 15);
const root = path.resolve(import.meta.dirname, '../..');

let embedded: EmbeddedServer | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.signal', 'bench-e2e') });
  serverUrl = embedded.url;
}
const dbName = `signal_bench_e2e_${Date.now()}`;
const databaseUrl = await ensureDatabase(serverUrl, dbName);
const sim = await startVendorSim();
const token = 'bench-admin-token-0123456789';
const signal = await startSignalProcess({
  DATABASE_URL: databaseUrl, SIGNAL_ADMIN_TOKEN: token, SIGNAL_RATE_LIMIT_KEY_MAX: '0', SIGNAL_RATE_LIMIT_IP_MAX: '0', SIGNAL_DELIVERY_CONCURRENCY: '2',
  SIGNAL_VENDOR_REDIRECTS: `https://api2.amplitude.com=${sim.url},https://api.videoamp.com=${sim.url}`,
});
const workers = await Promise.all(Array.from({ length: EXTRA_WORKERS }, () => startSignalProcess({
  DATABASE_URL: databaseUrl, SIGNAL_ADMIN_TOKEN: token, SIGNAL_ROLES: 'worker', SIGNAL_DELIVERY_CONCURRENCY: '2',
  SIGNAL_VENDOR_REDIRECTS: `https://api2.amplitude.com=${sim.url},https://api.videoamp.com=${sim.url}`,
})));
const collect = /Collect API\s+(http:\/\/[^/\s]+)/.exec(signal.output())![1]!;
const admin = /Admin GraphQL\s+(http:\/\/[^/\s]+)/.exec(signal.output())![1]!;
const pid = signal.child.pid!;

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${admin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = await res.json() as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const { createPipeline } = await graphql<{ createPipeline: { pipeline: { id: string }; key: string } }>('mutation { createPipeline(name: "bench") { pipeline { id } key } }');
const auth = `Basic ${Buffer.from(`${createPipeline.key}:`).toString('base64')}`;
for (const [name, mode] of [['batched-a', 'batch'], ['batched-b', 'batch'], ['single', 'single']] as const) {
  await graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }', {
    input: {
      vendor: 'webhook', name, pipelineId: createPipeline.pipeline.id, consentCategories: [],
      config: { url: `${sim.url}/${name}`, mode, batch_size: 500, allow_private_targets: ['127.0.0.1'] },
      settings: { rateLimit: { rps: 0 } },
    },
  });
}

function deliveredIds(): number {
  let n = 0;
  for (const r of sim.requests()) n += (r.json as { batch?: unknown[] }).batch?.length ?? 1;
  return n;
}

async function sendBatch(from: number, count: number, extra: Record<string, unknown> = {}): Promise<void> {
  const batch = Array.from({ length: count }, (_, i) => ({ type: 'track', event: 'Order Completed', userId: `user-${from + i}`, messageId: `b-${from + i}`, properties: { order_id: `ORD-${from + i}`, total: 42.5, currency: 'EUR', ...extra } }));
  const res = await fetch(`${collect}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ batch }) });
  if (res.status !== 200) throw new Error(`collect answered ${res.status}`);
}

function peakRssMb(processId = pid): number {
  const status = readFileSync(`/proc/${processId}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

// 1. Sustained throughput: EVENTS events as fast as collect takes them, until all 3 × EVENTS land.
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. ${EVENTS} events → 3 webhook integrations (2 batched, 1 single)${EXTRA_WORKERS ? `; ${EXTRA_WORKERS} extra worker process(es)` : ''}.`);
const started = Date.now();
const perRequest = 100;
let next = 0;
await Promise.all(Array.from({ length: 4 }, async () => {
  while (next < EVENTS) {
    const from = next;
    next += perRequest;
    await sendBatch(from, Math.min(perRequest, EVENTS - from));
  }
}));
const accepted = Date.now();
while (deliveredIds() < EVENTS * 3) {
  if (Date.now() - started > 600_000) throw new Error(`only ${deliveredIds()} of ${EVENTS * 3} deliveries after 10 min`);
  await new Promise((r) => setTimeout(r, 100));
}
const drained = Date.now();
console.log(`sustained: ${EVENTS} events accepted in ${((accepted - started) / 1000).toFixed(1)} s; all ${EVENTS * 3} deliveries in ${((drained - started) / 1000).toFixed(1)} s → ${(EVENTS / ((drained - started) / 1000)).toFixed(0)} events/s end to end (${((EVENTS * 3) / ((drained - started) / 1000)).toFixed(0)} deliveries/s)`);

// 2. Latency at a steady 200 events/s: 20 events every 100 ms, each stamped with its send time.
sim.reset();
const steadyEvents = STEADY_SECONDS * 200;
const tickStart = Date.now();
for (let tick = 0; tick < STEADY_SECONDS * 10; tick++) {
  const due = tickStart + tick * 100;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  void sendBatch(1_000_000 + tick * 20, 20, { sent_ms: Date.now() });
}
while (deliveredIds() < steadyEvents * 3) {
  if (Date.now() - tickStart > 120_000) break;
  await new Promise((r) => setTimeout(r, 100));
}
const latencies: number[] = [];
for (const request of sim.requests()) {
  const events = (request.json as { batch?: Array<{ properties: { sent_ms: number } }> }).batch ?? [request.json as { properties: { sent_ms: number } }];
  for (const event of events) latencies.push(request.receivedAt - event.properties.sent_ms);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(`steady 200 events/s for ${STEADY_SECONDS} s: ${latencies.length} deliveries, collect→vendor p50 ${pct(50)} ms, p99 ${pct(99)} ms`);
// 3. Vendor plugins: Amplitude (batched) and VideoAmp (one request per event), each alone on
//    its pipeline so their rates are read apart.
const VENDOR_EVENTS = Number(process.env.BENCH_VENDOR_EVENTS ?? 10_000);
for (const [vendor, config, variant] of [
  ['amplitude', { api_key: 'bench_amplitude_key', api_endpoint: 'https://api2.amplitude.com/2/httpapi' }, 'default'],
  ['videoamp', { advertiser_id: '1234567', api_token: 'bench_videoamp_token' }, 'retail'],
] as const) {
  const { createPipeline: vendorPipeline } = await graphql<{ createPipeline: { pipeline: { id: string }; key: string } }>(`mutation { createPipeline(name: "bench ${vendor}") { pipeline { id } key } }`);
  await graphql('mutation($input: InstallIntegrationInput!) { installIntegration(input: $input) { template { id } } }', {
    input: { vendor, variant, name: vendor, pipelineId: vendorPipeline.pipeline.id, consentCategories: [], config, settings: { rateLimit: { rps: 0 } } },
  });
  sim.reset();
  const vendorAuth = `Basic ${Buffer.from(`${vendorPipeline.key}:`).toString('base64')}`;
  const t0 = Date.now();
  for (let from = 0; from < VENDOR_EVENTS; from += 100) {
    const batch = Array.from({ length: 100 }, (_, i) => ({ type: 'track', event: 'Order Completed', userId: `user-${from + i}`, anonymousId: `anon-${from + i}`, messageId: `${vendor}-${from + i}`,
      properties: { order_id: `ORD-${from + i}`, revenue: 42.5, currency: 'EUR', email: `buyer${from + i}@example.com` }, context: { ip: '203.0.113.7', userAgent: 'bench' } }));
    const res = await fetch(`${collect}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: vendorAuth }, body: JSON.stringify({ batch }) });
    if (res.status !== 200) throw new Error(`collect answered ${res.status}`);
  }
  const counted = () => sim.requests().reduce((n, r) => n + ((r.json as { events?: unknown[] }).events?.length ?? 1), 0);
  while (counted() < VENDOR_EVENTS) {
    if (Date.now() - t0 > 300_000) throw new Error(`${vendor}: only ${counted()} of ${VENDOR_EVENTS} after 5 min`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - t0) / 1000;
  console.log(`${vendor}: ${VENDOR_EVENTS} events in ${seconds.toFixed(1)} s → ${(VENDOR_EVENTS / seconds).toFixed(0)} events/s in ${sim.requests().length} requests`);
}
console.log(`Signal peak RSS: ${peakRssMb().toFixed(0)} MB${workers.map((w) => `; extra worker ${peakRssMb(w.child.pid!).toFixed(0)} MB`).join('')}`);
await Promise.all(workers.map((w) => w.stop()));
await signal.stop();

// 4. The pg-boss pitfall: a partitioned queue filled in a burst from empty, drained with stale
//    statistics, then with fresh ones (what the stats keeper does for Signal's queues).
const pool = createPool(databaseUrl, 4);
// What the run left on disk: the stored events, and pg-boss's jobs (completed ones are kept
// for its retention period, so their size is what a week of traffic costs).
const { rows: [storage] } = await pool.query<{ events: string; rows: number; jobs: string; count: number; avg: number }>(
  `SELECT pg_size_pretty(pg_total_relation_size('signal.events')) AS events, (SELECT count(*)::int FROM signal.events) AS rows,
          (SELECT count(*)::int FROM pgboss.job) AS count, (SELECT avg(pg_column_size(data))::int FROM pgboss.job WHERE name LIKE 'delivery.%') AS avg,
          pg_size_pretty((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'pgboss' AND c.relkind = 'r')::bigint) AS jobs`,
);
console.log(`storage after the run: ${storage!.rows} stored events take ${storage!.events}; pg-boss's job tables ${storage!.jobs} (${storage!.count} jobs kept; a delivery job's data ${storage!.avg} bytes on disk)`);
const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', supervise: false, schedule: false });
await boss.start();
async function drainRate(analyze: boolean): Promise<number> {
  const name = `bench.analyze.${analyze ? 'fresh' : 'stale'}.${Date.now()}`;
  await boss.createQueue(name, { partition: true });
  const jobs = Array.from({ length: 20_000 }, (_, i) => ({ data: { i } }));
  for (let i = 0; i < jobs.length; i += 1000) await boss.insert(name, jobs.slice(i, i + 1000));
  if (analyze) {
    const { rows } = await pool.query<{ table_name: string }>('SELECT table_name FROM pgboss.queue WHERE name = $1', [name]);
    await pool.query(`ANALYZE pgboss."${rows[0]!.table_name}"`);
  }
  const t = Date.now();
  let done = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (;;) {
      const batch = await boss.fetch(name, { batchSize: 10 });
      if (batch.length === 0) return;
      await boss.complete(name, batch.map((j) => j.id));
      done += batch.length;
    }
  }));
  await boss.deleteQueue(name);
  return done / ((Date.now() - t) / 1000);
}
const stale = await drainRate(false);
const fresh = await drainRate(true);
console.log(`pg-boss drain of 20,000 burst-filled jobs: ${stale.toFixed(0)} jobs/s with stale statistics, ${fresh.toFixed(0)} jobs/s after ANALYZE (Signal's stats keeper analyzes queue tables that moved)`);
await boss.stop();
await pool.end();
await sim.close();
const cleanup = createPool(serverUrl, 1);
await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await cleanup.end();
await embedded?.stop();
