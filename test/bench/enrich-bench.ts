// `npm run bench:enrich`: the pipeline stage's partner enrichment (core/pipeline/partner-enrichment.ts)
// with the Amperity plugin's Profile API against the vendor simulator answering after
// BENCH_ENRICH_LATENCY_MS (default 20). Prints, for BENCH_EVENTS events of as many new visitors
// in micro-batches of 2,000: the first pass (every visitor looked up: lookup, then profile) and a
// second pass (every answer cached), as events/s, at SIGNAL_ENRICHMENT_CONCURRENCY (16).
// Uses DATABASE_URL, else the embedded PostgreSQL.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import path from 'node:path';
import amperity from '../../plugins/amperity/index.ts';
import type { CanonicalEvent } from '../../core/collect/canonical-event.ts';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from '../../core/db/embedded.ts';
import { migrate } from '../../core/db/migrate.ts';
import { createPool } from '../../core/db/pool.ts';
import { createHttpPerformer } from '../../core/delivery/http-performer.ts';
import { createPartnerEnricher, type Enricher } from '../../core/pipeline/partner-enrichment.ts';
import { startVendorSim } from '../vendor-sim/vendor-sim.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 4000);
const LATENCY_MS = Number(process.env.BENCH_ENRICH_LATENCY_MS ?? 20);
const CONCURRENCY = Number(process.env.SIGNAL_ENRICHMENT_CONCURRENCY ?? 16);
const BATCH = 2000;
const root = path.resolve(import.meta.dirname, '../..');

let embedded: EmbeddedServer | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.signal', 'bench-enrich') });
  serverUrl = embedded.url;
}
const databaseUrl = await ensureDatabase(serverUrl, `signal_bench_enrich_${Date.now()}`);
const pool = createPool(databaseUrl, 8);
await migrate(pool);
const sim = await startVendorSim({ record: 'count' });
sim.setDefault('GET', '/prof/profiles/apc-bench/lookup', (request) => ({ status: 200, body: { amperity_id: `amp-${request.queryPairs[0]?.[1] ?? 'x'}` }, delayMs: LATENCY_MS }));
const http = createHttpPerformer({ timeoutMs: 5000, redirects: new Map([['https://acme.amperity.com', sim.url]]), connections: CONCURRENCY });
// Every profile path answers the same attributes: the simulator routes by exact path, so a
// catch-all performer maps the profile requests to one path.
const perform: typeof http.perform = (request) => http.perform(/\/lookup$/.test(request.url) ? request : { ...request, url: 'https://acme.amperity.com/prof/profiles/apc-bench/profile' });
sim.setDefault('GET', '/prof/profiles/apc-bench/profile', { status: 200, body: { profile_id: 'p', attributes: { Persona: 'Value Hunter', LifetimeTier: 'Gold' } }, delayMs: LATENCY_MS });

const config = {
  tenant_subdomain: 'acme', tenant_id: 'acme', api_key: 'eyJ.bench-ingest', event_stream_id: 'esm-bench', source_value: 'BENCH',
  profile_api_key: 'eyJ.bench-profile', profile_collection_id: 'apc-bench', linking_keys: [{ source: 'canonical_id', key: '_dfdid' }],
  browser_attribute_allowlist: 'Persona',
};
const enricher: Enricher = {
  integrationId: randomUUID(), revisionId: randomUUID(), provider: 'amperity', enrichment: amperity.enrich!,
  ctx: { config, variant: 'retail', integrationId: 'bench', revisionId: 'bench', options: {}, now: 0 },
  consentCategories: [], routingNames: ['Amperity', 'amperity'],
};
const warnings: string[] = [];
const enrich = createPartnerEnricher({ pool, perform, warn: (m) => warnings.push(m), concurrency: CONCURRENCY, budgetMs: 600_000 });
const pipelineId = randomUUID();
const events = Array.from({ length: EVENTS }, (_, i) => ({
  key: i, pipelineId,
  event: { type: 'page', messageId: `m-${i}`, anonymousId: `dfid_bench_${i}`, timestamp: '', receivedAt: '', context: {} } as unknown as CanonicalEvent,
}));

async function pass(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await enrich.enrich(events.slice(i, i + BATCH), () => [enricher]);
  return (performance.now() - started) / 1000;
}

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${EVENTS} events of new visitors in micro-batches of ${BATCH}, partner latency ${LATENCY_MS} ms, ${CONCURRENCY} lookups at once`);
const cold = await pass();
const requests = sim.count();
console.log(`not cached: ${cold.toFixed(2)} s → ${(EVENTS / cold).toFixed(0)} events/s (${requests} partner requests, ${(requests / cold).toFixed(0)}/s)`);
const warm = await pass();
console.log(`cached:     ${warm.toFixed(2)} s → ${(EVENTS / warm).toFixed(0)} events/s (${sim.count() - requests} partner requests; ${((warm * 1e6) / EVENTS).toFixed(0)} µs per event: cache read, browser attributes written)`);
if (warnings.length > 0) console.log(`warnings: ${warnings.slice(0, 3).join(' | ')}`);

await http.close();
await sim.close();
await pool.end();
await embedded?.stop();
