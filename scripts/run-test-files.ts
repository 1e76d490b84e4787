// The test runner `npm test` starts (scripts/run-tests.ts): Node's runner through its API, with
// the files in the order given. The CLI (`node --test a b c`) sorts the files it is given, so
// the longest files, in test/, always started last and one ran on alone at the end.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const [concurrency, timeout, ...files] = process.argv.slice(2);
run({ files, concurrency: Number(concurrency), timeout: Number(timeout) })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(new spec())
  .pipe(process.stdout);
