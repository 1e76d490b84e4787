// `npm run bench:collect`: in one run on this machine, measures
//   (a) a bare Fastify route with the same JSON schema and no storage,
//   (b) /v1/track with durable group commit,
//   (c) /v1/batch with 20 events per request,
// and prints req/s, p99 and the ratio b/a. Uses DATABASE_URL, else the embedded PostgreSQL.
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { singleEventSchema } from '../../core/collect/canonical-event.ts';
import { createCollectAjv } from '../../core/collect/collect-app.ts';
import { loadConfig } from '../../core/config.ts';
import { ensureDatabase } from '../../core/db/embedded.ts';
import { startSignal } from '../../core/signal.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const root = path.resolve(import.meta.dirname, '../..');

interface Figures { reqPerSec: number; p99: number; p50: number; errors: number; non2xx: number }

async function load(url: string, body: string, headers: Record<string, string>): Promise<Figures> {
  const result = await autocannon({
    url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS, duration: DURATION, workers: 1,
  });
  return { reqPerSec: result.requests.average, p99: result.latency.p99, p50: result.latency.p50, errors: result.errors, non2xx: result.non2xx };
}

const track = (i: number) => ({ event: 'Order Completed', userId: `user-${i}`, properties: { order_id: `ORD-${i}`, total: 89.99, currency: 'GBP', products: [{ product_id: 'SKU-100', price: 59.99, quantity: 1 }] }, context: { page: { url: 'https://shop.example.com/checkout', path: '/checkout' }, consent: { analytics: true } } });

// (a) the baseline: same schema and validator, no storage
const bare = Fastify({ logger: false });
const ajv = createCollectAjv();
bare.setValidatorCompiler(({ schema }) => ajv.compile(schema));
bare.post('/v1/track', { schema: { body: singleEventSchema('track') } }, async () => ({ success: true }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/v1/track`;

// (b), (c): a real Signal (collect + admin roles) on its own database
let databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) databaseUrl = await ensureDatabase(databaseUrl, 'signal_bench');
const config = loadConfig({
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  SIGNAL_DATA_DIR: path.join(root, '.signal', 'bench'),
  SIGNAL_ROLES: 'collect,admin',
  SIGNAL_COLLECT_HOST: '127.0.0.1', SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0',
  SIGNAL_LOG_LEVEL: 'silent', SIGNAL_DEMO_PIPELINE: 'false',
  SIGNAL_RATE_LIMIT_KEY_MAX: '0', SIGNAL_RATE_LIMIT_IP_MAX: '0',
  SIGNAL_DB_POOL_SIZE: '12',
  // SIGNAL_* variables in the environment win, to try settings (e.g. SIGNAL_COMMIT_INTERVAL_MS).
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('SIGNAL_'))),
});
const signal = await startSignal(config, { plugins: { list: () => [], get: () => undefined, cookieNames: () => [] } });
const { key } = await signal.services.pipelines.create(`bench ${new Date().toISOString()}`);
const auth = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${CONNECTIONS} connections, ${DURATION} s per phase, ${ROUNDS} rounds of (a) and (b)`);
// BENCH_ONLY=b (or a, c, "a,b") runs only those phases, e.g. to profile one of them.
const only = new Set((process.env.BENCH_ONLY ?? 'a,b,c').split(','));
const skipped: Figures = { reqPerSec: NaN, p99: NaN, p50: NaN, errors: 0, non2xx: 0 };
const row = (name: string, f: Figures, events = 1) =>
  `${name.padEnd(44)} ${f.reqPerSec.toFixed(0).padStart(8)} req/s ${(f.reqPerSec * events).toFixed(0).padStart(8)} events/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  errors ${f.errors + f.non2xx}`;
const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// The neighbours of a shared VM change its speed by ±30 % from one minute to the next, so (a)
// and (b) alternate in rounds (a b, b a, a b, …) and the ratio is the median of the rounds'.
if (only.has('a')) await load(bareUrl, JSON.stringify(track(0)), {}); // warm-up of the JIT
const rounds: Array<{ a: Figures; b: Figures }> = [];
for (let round = 0; round < ROUNDS; round++) {
  const runA = async () => (only.has('a') ? load(bareUrl, JSON.stringify(track(1)), {}) : skipped);
  const runB = async () => (only.has('b') ? load(`${signal.urls.collect}/v1/track`, JSON.stringify(track(2)), auth) : skipped);
  let a: Figures, b: Figures;
  if (round % 2 === 0) {
    a = await runA();
    b = await runB();
  } else {
    b = await runB();
    a = await runA();
  }
  rounds.push({ a, b });
  if (!only.has('a') && !only.has('b')) continue;
  console.log(`round ${round + 1}:`);
  if (only.has('a')) console.log(`  ${row('(a) bare Fastify, same schema, no storage', a)}`);
  if (only.has('b')) console.log(`  ${row('(b) /v1/track, durable group commit', b)}`);
  if (only.has('a') && only.has('b')) console.log(`  b/a = ${(b.reqPerSec / a.reqPerSec).toFixed(2)}`);
}
const batchBody = JSON.stringify({ batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', ...track(i) })) });
const c = only.has('c') ? await load(`${signal.urls.collect}/v1/batch`, batchBody, auth) : skipped;

const medianOf = (pick: (r: { a: Figures; b: Figures }) => Figures): Figures => ({
  reqPerSec: median(rounds.map((r) => pick(r).reqPerSec)),
  p50: median(rounds.map((r) => pick(r).p50)),
  p99: Math.max(...rounds.map((r) => pick(r).p99)),
  errors: rounds.reduce((sum, r) => sum + pick(r).errors, 0),
  non2xx: rounds.reduce((sum, r) => sum + pick(r).non2xx, 0),
});
const ratios = rounds.map((r) => r.b.reqPerSec / r.a.reqPerSec);
// Only the phases that ran (BENCH_ONLY), so no line of NaN stands for one that did not.
console.log(`median of ${ROUNDS} rounds (p99: the worst round):`);
if (only.has('a')) console.log(row('(a) bare Fastify, same schema, no storage', medianOf((r) => r.a)));
if (only.has('b')) console.log(row('(b) /v1/track, durable group commit', medianOf((r) => r.b)));
if (only.has('c')) console.log(row('(c) /v1/batch, 20 events per request', c, 20));
const verdicts = [
  ...(only.has('a') && only.has('b') ? [`b/a = ${median(ratios).toFixed(2)} (median; rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.6, p99 ≤ 50 ms)`] : []),
  ...(only.has('c') ? [`(c) ${(c.reqPerSec * 20).toFixed(0)} events/s (target ≥ 14,000)`] : []),
];
if (verdicts.length > 0) console.log(verdicts.join('; '));
console.log(`group commit: ${JSON.stringify(signal.committer.stats())}`);

await bare.close();
await signal.stop();
