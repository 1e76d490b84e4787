import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createTestDatabase } from './helpers/database.ts';
import { startFlags } from './helpers/signal-process.ts';

const root = path.resolve(import.meta.dirname, '..');

/** The environment of `npm start` on a fresh machine: no DATABASE_URL, no secrets. */
function freshEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SIGNAL_DATA_DIR: dataDir, SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0', SIGNAL_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.SIGNAL_ADMIN_TOKEN;
  delete env.SIGNAL_SECRET_KEY;
  return env;
}

/**
 * Starts Signal as `npm start` does, in a process group of its own as a terminal gives a
 * command, so Ctrl-C can be sent as a terminal sends it: SIGINT to every process of the group.
 */
function startProcess(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [...startFlags(), path.join(root, 'core/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    async banner(): Promise<string> {
      const deadline = Date.now() + 90_000;
      while (!output.includes('Press Ctrl-C to stop.')) {
        if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no banner; output:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return output;
    },
    kill(signal: NodeJS.Signals): void {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
}

/**
 * The newcomer's path for real: `npm start` with no DATABASE_URL boots the embedded
 * PostgreSQL, prints the banner with a working curl line, and stops cleanly on Ctrl-C.
 */
test('npm start without DATABASE_URL: embedded Postgres, banner, event accepted, clean stop on Ctrl-C', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'signal-embedded-'));
  const env = freshEnv(dataDir);
  const signal = startProcess(env);
  const { child, exited } = signal;
  try {
    const output = await signal.banner();
    assert.match(output, /embedded PostgreSQL on port \d+/);
    const collect = /Collect API\s+(http:\/\/[^/\s]+)\/v1\/track/.exec(output)?.[1];
    const admin = /Admin GraphQL\s+(http:\/\/[^/\s]+)\/graphql/.exec(output)?.[1];
    const token = /Admin token\s+(\S+)/.exec(output)?.[1];
    const key = /Demo pipeline\s+key (\S+)/.exec(output)?.[1];
    assert.ok(collect && admin && token && key, output);
    assert.match(output, /curl -u 'sig_[^']+:' -H 'Content-Type: application\/json'/);
    const port = Number(/embedded PostgreSQL on port (\d+)/.exec(output)![1]);
    assert.notEqual(port, 5432);

    const sent = await fetch(`${collect}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
      body: JSON.stringify({ event: 'Signed Up', userId: 'user-123', messageId: 'embedded-1' }),
    });
    assert.equal(sent.status, 200);
    const ready = await fetch(`${collect}/readyz`);
    assert.equal(ready.status, 200);
    // The banner's "See it stored" line, sent as printed, shows the event.
    const stored = /See it stored:[\s\S]*?-d '([^']+)'/.exec(output)?.[1];
    assert.ok(stored, output);
    const recent = await fetch(`${admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: stored,
    });
    const body = await recent.json() as { data: { recentEvents: Array<{ messageId: string; type: string }> } };
    assert.deepEqual(body.data.recentEvents.map((e) => [e.messageId, e.type]), [['embedded-1', 'track']], JSON.stringify(body));

    // A second Signal on the same folder is refused, and the first one keeps its database.
    const second = spawn(process.execPath, [...startFlags(), path.join(root, 'core/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let secondOutput = '';
    second.stdout.on('data', (chunk: Buffer) => (secondOutput += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (secondOutput += chunk.toString()));
    assert.equal(await new Promise<number | null>((resolve) => second.on('exit', (code) => resolve(code))), 1, secondOutput);
    assert.match(secondOutput, new RegExp(`Another Signal \\(pid ${child.pid}\\) is using the embedded PostgreSQL`));
    assert.equal((await fetch(`${collect}/readyz`)).status, 200, 'the first one still reaches its database');

    assert.equal((await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim(), token);
    assert.equal(((await stat(path.join(dataDir, 'secret-key'))).mode & 0o777), 0o600);
    // The embedded server's superuser has a generated password, kept 0600 and never printed.
    const pgPassword = (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
    assert.equal(((await stat(path.join(dataDir, 'pg-password'))).mode & 0o777), 0o600);
    assert.ok(pgPassword.length >= 32 && !signal.output().includes(pgPassword), 'the database password is not in the output');
    signal.kill('SIGINT');
    assert.equal(await exited, 0, signal.output());
    assert.match(signal.output(), /Stopped\./);
    // The server is not in the terminal's group: Signal stops it last, after its own work.
    assert.doesNotMatch(signal.output(), /terminating connection/, 'PostgreSQL did not stop before Signal');
    await assert.rejects(stat(path.join(dataDir, 'pg', 'postmaster.pid')), 'the embedded server stopped');
  } finally {
    signal.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a killed Signal leaves its server running; the next start stops that orphan and starts again', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'signal-embedded-'));
  const env = freshEnv(dataDir);
  const first = startProcess(env);
  let second: ReturnType<typeof startProcess> | undefined;
  try {
    await first.banner();
    first.kill('SIGKILL');
    await first.exited;
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    const orphan = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    assert.doesNotThrow(() => process.kill(orphan, 0), 'the server outlived its Signal');
    second = startProcess(env);
    const output = await second.banner();
    // PostgreSQL refuses a data folder another server holds: a new server means the orphan is
    // gone (its pid may linger as a zombie where nothing reaps orphans, as in containers).
    const restarted = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    assert.notEqual(restarted, orphan, 'a new server runs on the folder');
    const collect = /Collect API\s+(http:\/\/[^/\s]+)\/v1\/track/.exec(output)?.[1];
    assert.equal((await fetch(`${collect}/readyz`)).status, 200);
    second.kill('SIGINT');
    assert.equal(await second.exited, 0, second.output());
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
    // A server left behind by a failed run would hold the folder: stop it before removing it.
    const pid = Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
    await rm(dataDir, { recursive: true, force: true });
  }
});

/**
 * A supervisor (`docker stop`, systemd, a process manager) sends SIGTERM to the process it
 * started: npm, not Signal. npm passes it on to its child, so the child must be Signal itself
 * (`exec` in the start script), not a shell that would die and leave Signal running.
 */
test('SIGTERM sent to `npm start` alone reaches Signal, which stops cleanly', { timeout: 60_000 }, async () => {
  const db = await createTestDatabase('npmstart');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'signal-npm-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, SIGNAL_DATA_DIR: dataDir, SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0', SIGNAL_LOG_LEVEL: 'warn' };
  const npm = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 45_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline || npm.exitCode !== null) assert.fail(`no banner; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const collect = /Collect API\s+(http:\/\/[^/\s]+)\/v1\/track/.exec(output)?.[1];
    npm.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.match(output, /SIGTERM: stopping[\s\S]*Stopped\./);
    await assert.rejects(fetch(`${collect}/healthz`), 'nothing listens any more');
  } finally {
    npm.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await db.drop();
  }
});
