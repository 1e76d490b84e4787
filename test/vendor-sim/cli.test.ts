import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { describeAnswer, FlagError, parseFlags } from './cli.ts';
import { startVendorSim } from './vendor-sim.ts';

const cli = path.join(import.meta.dirname, 'cli.ts');

test('parseFlags: port, answers, scripts (commas inside JSON kept), headers, --flag=value', () => {
  const options = parseFlags([
    '--port=0',
    '--answer', 'post /2/httpapi=400:{"error":"bad"}',
    '--answer', 'GET /slow=hang',
    '--script', 'POST /2/httpapi=429,429:retry=2,500:{"a":[1,2],"b":"x,y"},reset',
    '--headers',
  ]);
  assert.equal(options.port, 0);
  assert.equal(options.headers, true);
  assert.deepEqual(options.answers, [
    { method: 'POST', path: '/2/httpapi', answer: { status: 400, body: { error: 'bad' } } },
    { method: 'GET', path: '/slow', answer: { hang: true } },
  ]);
  assert.deepEqual(options.scripts, [{
    method: 'POST',
    path: '/2/httpapi',
    answers: [
      { status: 429, body: { code: 429 }, headers: { 'retry-after': '1' } },
      { status: 429, body: { code: 429 }, headers: { 'retry-after': '2' } },
      { status: 500, body: { a: [1, 2], b: 'x,y' } },
      { destroy: true },
    ],
  }]);
  assert.deepEqual(parseFlags([]), { port: 9000, answers: [], scripts: [], headers: false, help: false });
  assert.equal(describeAnswer(options.scripts[0]!.answers[1]!), '429 {"code":429} retry-after 2');
});

test('parseFlags: bad flags name the flag and the expected form', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', '70000'], /^--port: '70000' is not a port; expected an integer 0-65535$/],
    [['--port', '-1'], /^--port: '-1' is not a port/],
    [['--port'], /^--port needs a value: --port N$/],
    [['--answer', 'POST /x'], /^--answer: 'POST \/x' should be 'METHOD \/path=ANSWER'/],
    [['--answer', '* /x=500'], /no wildcards/],
    [['--answer', 'GET /x?a=1=500'], /no query/],
    [['--answer', 'POST /x=abc'], /^--answer: 'abc' is not an answer; expected STATUS, STATUS:JSON, STATUS:retry=SECONDS\[:JSON\], hang or reset/],
    [['--answer', 'POST /x=700'], /is not an answer/],
    [['--script', 'POST /x=500,{oops}'], /^--script: '\{oops\}' is not an answer/],
    [['--script', 'POST /x=400:{bad'], /^--script: the body in '400:\{bad' is not JSON/],
    [['--headers=yes'], /^--headers takes no value$/],
    [['--verbose'], /^unknown flag '--verbose'/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseFlags(argv), (error: unknown) => error instanceof FlagError && message.test(error.message), argv.join(' '));
});

/** Runs the CLI; `output()` is everything printed so far, `exited` resolves with the exit code. */
function runCli(t: TestContext, args: string[]): { child: ChildProcess; output: () => string; errors: () => string; exited: Promise<number | null>; waitFor: (pattern: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  });
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const match = pattern.exec(stdout);
      if (match) return match;
      if (child.exitCode !== null) break;
    }
    throw new Error(`vendor-sim CLI never printed ${pattern}; stdout: ${stdout}; stderr: ${stderr}`);
  };
  return { child, output: () => stdout, errors: () => stderr, exited, waitFor };
}

test('the CLI answers as scripted and prints each request with its status, headers and body', async (t) => {
  const run = runCli(t, ['--port', '0', '--headers', '--script', 'POST /2/httpapi=429:retry=2,500', '--answer', 'POST /2/httpapi=400:{"error":"bad"}', '--answer', 'GET /down=reset']);
  const [, url] = await run.waitFor(/^vendor simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
  await run.waitFor(/every other route: 200 \{"code":200\}$/m);
  assert.match(run.output(), /^ {2}POST \/2\/httpapi: 429 \{"code":429\} retry-after 2, 500 \{"code":500\}, then 400 \{"error":"bad"\}$/m);
  assert.match(run.output(), /^ {2}GET \/down: reset$/m);

  const send = () => fetch(`${url}/2/httpapi?api=1`, { method: 'POST', headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' }, body: '{"event":"e"}' });
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await send());
  assert.deepEqual(answers.map((res) => res.status), [429, 500, 400, 400]);
  assert.equal(answers[0]!.headers.get('retry-after'), '2');
  assert.deepEqual(await answers[3]!.json(), { error: 'bad' });
  await assert.rejects(fetch(`${url}/down`), /fetch failed/);
  assert.equal((await fetch(`${url}/other`)).status, 200);

  await run.waitFor(/GET \/other -> 200/);
  const printed = run.output();
  assert.deepEqual([...printed.matchAll(/^\S+Z POST \/2\/httpapi\?api=1 -> (\d+)$/gm)].map((m) => m[1]), ['429', '500', '400', '400']);
  assert.match(printed, /POST \/2\/httpapi\?api=1 -> 429\n(?: {2}[\w-]+: .*\n)*? {2}authorization: Bearer s3cret\n(?: {2}[\w-]+: .*\n)* {2}\{"event":"e"\}\n/);
  assert.match(printed, /^\S+Z GET \/down -> reset$/m);
  assert.equal(run.errors(), '');
});

test('without --headers, headers are not printed', async (t) => {
  const run = runCli(t, ['--port', '0']);
  const [, url] = await run.waitFor(/listening on (\S+)$/m);
  assert.match(run.output(), /^ {2}every route: 200 \{"code":200\}$/m);
  await fetch(`${url}/x`, { method: 'POST', headers: { authorization: 'Bearer s3cret' }, body: 'hello' });
  await run.waitFor(/POST \/x -> 200\n {2}hello\n/);
  assert.doesNotMatch(run.output(), /authorization/);
});

test('a bad flag exits 2 with a message naming it; a busy port exits 1 saying so', async (t) => {
  const bad = runCli(t, ['--answer', 'POST /2/httpapi=oops']);
  assert.equal(await bad.exited, 2);
  assert.equal(bad.errors(), `vendor-sim: --answer: 'oops' is not an answer; expected STATUS, STATUS:JSON, STATUS:retry=SECONDS[:JSON], hang or reset, with STATUS 100-599 (see --help)\n`);
  assert.equal(bad.output(), '');

  const taken = await startVendorSim();
  t.after(() => taken.close());
  const busy = runCli(t, ['--port', String(taken.port)]);
  assert.equal(await busy.exited, 1);
  assert.equal(busy.errors(), `port ${taken.port} is in use: choose another with --port\n`);
});

test('--help lists the flags and exits 0', async (t) => {
  const help = runCli(t, ['--help']);
  assert.equal(await help.exited, 0);
  for (const flag of ['--port N', '--answer', '--script', '--headers', 'hang', 'reset', 'retry=SECONDS']) assert.ok(help.output().includes(flag), flag);
});
