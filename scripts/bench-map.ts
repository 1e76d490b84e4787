// `npm run bench:map`: events per second on one core through a compiled blueprint with 40
// global mappings and a dozen handlers (core/blueprint/fixtures/amplitude-bench.yaml, an
// Amplitude-like mapping) over the sample events. BENCH_MAP_EVENTS sets the count (default
// 1,000,000); BENCH_MAP_ROUNDS the number of measured rounds (default 3, the best is reported).
import path from 'node:path';
import { loadBlueprintFile } from '../core/blueprint/compile-blueprint.ts';
import { SAMPLE_EVENTS } from '../core/blueprint/sample-events.ts';

const file = path.join(import.meta.dirname, '../core/blueprint/fixtures/amplitude-bench.yaml');
const compileStarted = process.hrtime.bigint();
const blueprint = loadBlueprintFile(file, { config: { api_key: 'bench-key' } });
const compileMs = Number(process.hrtime.bigint() - compileStarted) / 1e6;

// Distinct objects per slot so the engine cannot lean on one hot event (same shapes, as in
// production where every event of a kind has the same keys).
const events = Array.from({ length: 1024 }, (_, i) => {
  const base = SAMPLE_EVENTS[i % SAMPLE_EVENTS.length]!;
  return { ...structuredClone(base), messageId: `${base.messageId}-${i}` };
});

const total = Number(process.env.BENCH_MAP_EVENTS ?? 1_000_000);
const rounds = Number(process.env.BENCH_MAP_ROUNDS ?? 3);

let mapped = 0;
let warnings = 0;
function runBatch(count: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const outcome = blueprint.mapEvent(events[i & 1023]!);
    if (outcome.vendorEvent !== null) mapped++;
    warnings += outcome.warnings.length + outcome.errors.length;
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

runBatch(100_000); // warm the JIT
let best = Infinity;
for (let round = 0; round < rounds; round++) best = Math.min(best, runBatch(total));
const perSecond = Math.round(total / best);

console.log(`Blueprint ${path.relative(process.cwd(), file)}: compiled in ${compileMs.toFixed(1)} ms; ${blueprint.handlers.length} handlers; ${blueprint.mappedTargets.length} mapped targets`);
console.log(`Events: the ${SAMPLE_EVENTS.length} sample kinds (page, identify, commerce, sign-up, lead, custom), ${mapped} mapped, ${warnings} warnings or errors`);
console.log(`${total.toLocaleString('en')} events in ${best.toFixed(2)} s on one core (best of ${rounds}) → ${perSecond.toLocaleString('en')} events/s (target ≥ 100,000)`);
if (perSecond < 100_000) process.exitCode = 1;
