import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startFlags } from './helpers/signal-process.ts';

const root = path.resolve(import.meta.dirname, '..');

/**
 * The newcomer's path for real: `npm start` with no DATABASE_URL boots the embedded
 * PostgreSQL, prints the banner with a working curl line, and stops cleanly on Ctrl-C.
 */
test('npm start without DATABASE_URL: embedded Postgres, banner, event accepted, clean stop on Ctrl-C', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'signal-embedded-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SIGNAL_DATA_DIR: dataDir, SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0', SIGNAL_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.SIGNAL_ADMIN_TOKEN;
  delete env.SIGNAL_SECRET_KEY;
  // A process group of its own, as a terminal gives a command, so Ctrl-C can be sent as a
  // terminal sends it: SIGINT to every process of the group.
  const child = spawn(process.execPath, [...startFlags(), path.join(root, 'core/main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 90_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`no banner; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
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
    const recent = await fetch(`${admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ pipelines { id name } }' }),
    });
    const body = await recent.json() as { data: { pipelines: Array<{ name: string }> } };
    assert.deepEqual(body.data.pipelines.map((p) => p.name), ['Demo']);

    assert.equal((await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim(), token);
    assert.equal(((await stat(path.join(dataDir, 'secret-key'))).mode & 0o777), 0o600);
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exited, 0, output);
    assert.match(output, /Stopped\./);
    // The server is not in the terminal's group: Signal stops it last, after its own work.
    assert.doesNotMatch(output, /terminating connection/, 'PostgreSQL did not stop before Signal');
    await assert.rejects(stat(path.join(dataDir, 'pg', 'postmaster.pid')), 'the embedded server stopped');
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
