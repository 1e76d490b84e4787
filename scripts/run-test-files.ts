// The test runner `npm test` starts (scripts/run-tests.ts): Node's runner through its API, with
// the files in the order given. The CLI (`node --test a b c`) sorts the files it is given, so
// the longest files, in test/, always started last and one ran on alone at the end.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

// The runner's options as JSON (concurrency, timeout, name filters), then the files.
const [options, ...files] = process.argv.slice(2);
const { concurrency, timeout, testNamePatterns, testSkipPatterns } = JSON.parse(options!) as { concurrency: number; timeout: number; testNamePatterns: string[]; testSkipPatterns: string[] };
run({
  files, concurrency, timeout,
  ...(testNamePatterns.length > 0 ? { testNamePatterns } : {}),
  ...(testSkipPatterns.length > 0 ? { testSkipPatterns } : {}),
  // A file none of whose tests match runs its after hooks but not its before hooks, and its
  // process then never ends (Node 24.21): filtered runs force each file's exit instead of
  // hanging until the watchdog. Whole runs do not (see run-tests.ts on --test-force-exit).
  ...(testNamePatterns.length > 0 || testSkipPatterns.length > 0 ? { forceExit: true } : {}),
})
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(new spec())
  .pipe(process.stdout);
