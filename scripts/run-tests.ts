// `npm test`: the type-check, and beside it every *.test.ts under core/, plugins/, scripts/ and test/
// with Node's test runner against a real PostgreSQL: DATABASE_URL when set, else an embedded
// server booted here.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { glob } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../core/db/embedded.ts';
import { dropRunDatabases } from '../test/helpers/database.ts';
import { parseTestArguments, TEST_USAGE } from './test-arguments.ts';
import { createTemplateDatabase } from '../test/helpers/template-database.ts';

/** A command started by `start`: its exit code (and output, when captured), and a way to stop it. */
interface Started {
  done: Promise<{ code: number; output: string }>;
  stop(signal: NodeJS.Signals): void;
}

/**
 * Starts a command in a process group of its own, so that it can be stopped with everything it
 * started (the test runner's per-file processes): on Ctrl-C or SIGTERM, which are passed on,
 * by `stop`, and by a watchdog after `timeoutMs`, since a test that leaves a process or socket
 * behind would otherwise keep its file, and the run, from ever ending. `capture` keeps its
 * output to print at once when it ends, rather than mixed into the tests'.
 */
function start(command: string, args: string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; capture?: boolean } = {}): Started {
  const child = spawn(command, args, { stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', env, detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  process.on('SIGINT', signalGroup).on('SIGTERM', signalGroup);
  const { timeoutMs } = options;
  const watchdog = timeoutMs === undefined ? undefined : setTimeout(() => {
    console.error(`\nnpm test: still running after ${Math.round(timeoutMs / 1000)} s; stopping it. A file never ended (a test left a process, timer or socket open), or the suite has outgrown the limit (SIGNAL_TEST_RUN_TIMEOUT_MS).`);
    signalGroup('SIGKILL');
  }, timeoutMs);
  const done = new Promise<{ code: number; output: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      process.off('SIGINT', signalGroup).off('SIGTERM', signalGroup);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
  return { done, stop: signalGroup };
}

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const parsed = parseTestArguments(process.argv.slice(2));
if ('problem' in parsed) {
  console.error(`npm test: ${parsed.problem}\nUsage: ${TEST_USAGE}`);
  process.exit(2);
}
const { files: only, testNamePatterns, testSkipPatterns } = parsed;
const node = process.execPath;

// The type-check runs beside the tests (it kept one core busy for 17 s while the other waited):
// a type error stops them as soon as it is known, and fails the run.
let tests: Started | undefined;
let typeCheckFailed = false;
const typeCheck = start(node, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], process.env, { capture: true }).done.then(({ code, output }) => {
  process.stdout.write(output);
  if (code !== 0) {
    typeCheckFailed = true;
    console.error('Type-check failed: the tests are stopped.');
    tests?.stop('SIGTERM');
  }
  return code;
});

let embedded: EmbeddedServer | undefined;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  console.log('DATABASE_URL is not set: starting an embedded PostgreSQL for the tests…');
  embedded = await startEmbeddedPostgres({ dataDir: path.join(root, '.signal', 'test') });
  env.DATABASE_URL = embedded.url;
}

// Node's compile cache keeps each module's type-stripped, compiled code on disk: without it
// every test file's process (and every Signal a test starts as a child) strips and compiles
// the core and 61 plugins again, half a second of CPU each on a suite that is CPU-bound.
env.NODE_COMPILE_CACHE ??= path.join(root, 'node_modules', '.cache', 'node-compile-cache');

// Every test database is named with the run's id, so that the run drops what its files leave.
const runId = randomBytes(3).toString('hex');
env.SIGNAL_TEST_RUN_ID = process.env.SIGNAL_TEST_RUN_ID = runId;

// Every test Signal's database is a copy of this one: migrations and pg-boss's schema made once.
process.env.DATABASE_URL = env.DATABASE_URL;
const template = await createTemplateDatabase();
env.SIGNAL_TEST_TEMPLATE_DATABASE = template.name;

const files: string[] = [];
if (only.length > 0) files.push(...only);
else {
  for await (const file of glob('{core,plugins,scripts,test}/**/*.test.ts')) files.push(file);
  // The longest files first: test/ (whole Signals, worker processes, real waits), then the
  // plugins' (end to end), then core/'s unit tests. In alphabetical order test/ started last,
  // and its longest file ran on alone for the final minute with a core idle.
  const rank = (file: string) => (file.startsWith('test') ? 0 : file.startsWith('plugins') ? 1 : 2);
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
// Four files at a time: most of a file's time is spent waiting (vendor simulators, scaled
// retry delays, person deletions waiting for events in flight, child processes), so on 2 cores
// three ran the suite in 7.4 min against 8.7 with two (29 plugins, December 2026); with 52
// plugins four ran its 2,341 tests green in 12 min on an idle 2-core VM.
const concurrency = env.SIGNAL_TEST_CONCURRENCY ?? '4';
// No --test-force-exit: with it, Node (up to 24.21 at least, nodejs/node#64833) may exit a test
// file's process before its last results reach the runner, which then reports fewer tests and
// still passes (seen here: a whole conformance suite missing from the count, one run in five).
// Every test file closes what it opens, so none needs the forced exit.
// .ci/run must finish within 15 minutes: the watchdog stops a run at 13.
if (!typeCheckFailed) tests = start(node, [path.join(root, 'scripts', 'run-test-files.ts'), JSON.stringify({ concurrency: Number(concurrency), timeout: 180_000, testNamePatterns, testSkipPatterns }), ...files], env, { timeoutMs: Number(env.SIGNAL_TEST_RUN_TIMEOUT_MS ?? 13 * 60_000) });
const typeCheckCode = await typeCheck;
const testCode = tests ? (await tests.done).code : 1;
await template.drop().catch((error: unknown) => console.error(`npm test: could not drop ${template.name}: ${(error as Error).message}`));
// A file stopped before its end (Ctrl-C, a type error, the watchdog) or one that forgot leaves
// its database: dropped here, and named when the run was not stopped (then it is a leak).
const left = await dropRunDatabases(runId).catch((error: unknown) => {
  console.error(`npm test: could not drop the run's databases (signal_*_${runId}_*): ${(error as Error).message}`);
  return [];
});
if (left.length > 0 && testCode === 0 && typeCheckCode === 0) console.error(`npm test: dropped ${left.length} database(s) test files left behind: ${left.join(', ')}`);
await embedded?.stop();
process.exit(typeCheckCode !== 0 ? typeCheckCode : testCode);
