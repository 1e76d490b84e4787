import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { passwordFile, startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';
import { hasProc, processIdentity } from './processes.ts';

// One data folder for the whole file: the cluster is created once (a few seconds), each test
// then starts the server on it again (under a second).
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'signal-embedded-db-'));
});
after(async () => {
  // A server left running by a failed test would outlive the folder: stop it first.
  const pid = Number((await readFile(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 'SIGINT');
  } catch {
    // already gone
  }
  await rm(dir, { recursive: true, force: true });
});

const linux = await hasProc();

/** Starts the server on `dir`, keeping what it logs. */
async function start(): Promise<{ server: EmbeddedServer; logged: string[] }> {
  const logged: string[] = [];
  const server = await startEmbeddedPostgres({ dataDir: dir, log: (line) => logged.push(line) });
  return { server, logged };
}

/** The SQLSTATE of logging in as `postgres` with `password`, or 'ok'. */
async function login(port: number, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** An unrelated long-running process, standing for one that got a recycled pid. */
function bystander(args: string[] = []) {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120_000)', ...args], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const stillAlive = () => Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 300))]);
  return { child, pid: child.pid!, stillAlive };
}

test('a new cluster gets a generated password (0600 file), not the former fixed one, and never logs it', { timeout: 120_000 }, async () => {
  const { server, logged } = await start();
  try {
    const password = (await readFile(path.join(dir, passwordFile), 'utf8')).trim();
    assert.ok(password.length >= 32, 'a long random password');
    assert.equal((await stat(path.join(dir, passwordFile))).mode & 0o777, 0o600);
    assert.equal(await login(server.port, 'signal'), '28P01', 'the password in the source no longer logs in');
    assert.equal(await login(server.port, password), 'ok');
    assert.deepEqual(await query(server.url, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'postgres'"), [{ scram: true }]);
    assert.ok(!logged.some((line) => line.includes(password)), 'the password is not logged');
  } finally {
    await server.stop();
  }
});

test('a cluster made with the former password `signal` is moved to the generated one, once, keeping its data', { timeout: 120_000 }, async () => {
  const password = (await readFile(path.join(dir, passwordFile), 'utf8')).trim();
  // What a data folder from before the fix looks like: the role's password is `signal`.
  const old = await start();
  try {
    await query(old.server.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the upgrade'); ALTER ROLE postgres PASSWORD 'signal'");
  } finally {
    await old.server.stop();
  }

  const upgraded = await start();
  try {
    assert.equal(await login(upgraded.server.port, 'signal'), '28P01');
    assert.equal(await login(upgraded.server.port, password), 'ok');
    assert.deepEqual(await query(upgraded.server.url, 'SELECT v FROM kept'), [{ v: 'before the upgrade' }]);
    assert.equal(upgraded.logged.filter((line) => /former fixed password/.test(line)).length, 1, upgraded.logged.join('\n'));
    assert.ok(!upgraded.logged.some((line) => line.includes(password)), 'the password is not logged');
  } finally {
    await upgraded.server.stop();
  }

  const again = await start();
  await again.server.stop();
  assert.ok(!again.logged.some((line) => /former fixed password/.test(line)), 'upgraded once');
});

test('a cluster whose password matches neither the file nor the former one is refused, and its server stopped', { timeout: 120_000 }, async () => {
  const file = path.join(dir, passwordFile);
  const password = await readFile(file, 'utf8');
  await writeFile(file, 'not-the-password\n', { mode: 0o600 });
  try {
    await assert.rejects(start(), /accepts neither the password in .*pg-password nor the former default one/);
    await assert.rejects(stat(path.join(dir, 'pg', 'postmaster.pid')), 'the server was stopped');
  } finally {
    await writeFile(file, password, { mode: 0o600 });
  }
});

test('a stale postmaster.pid whose pid now belongs to another process: that process is left alone, the server starts', { timeout: 120_000 }, async () => {
  // A running server's postmaster.pid, left behind as a crash leaves it, naming a recycled pid.
  const { server } = await start();
  const pidFile = path.join(dir, 'pg', 'postmaster.pid');
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  await server.stop();
  const other = bystander([path.join(dir, 'pg')]); // even one whose arguments name the folder
  try {
    lines[0] = String(other.pid);
    await writeFile(pidFile, lines.join('\n'));
    const started = Date.now();
    const next = await start();
    const took = Date.now() - started;
    try {
      assert.equal(await other.stillAlive(), 'alive', 'no signal sent to the unrelated process');
      assert.equal(await login(next.server.port, (await readFile(path.join(dir, passwordFile), 'utf8')).trim()), 'ok');
      assert.ok(took < 8_000, `no wait for the unrelated process to remove the file (${took} ms)`);
      if (linux) assert.ok(next.logged.some((line) => line.includes(`Removed a stale ${pidFile}: pid ${other.pid}`)), next.logged.join('\n'));
    } finally {
      await next.server.stop();
    }
  } finally {
    other.child.kill('SIGKILL');
  }
});

test('a server still running on the folder (its Signal gone) is stopped and replaced', { timeout: 120_000 }, async () => {
  const orphan = await start();
  const pidFile = path.join(dir, 'pg', 'postmaster.pid');
  const orphanPid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  // pg.owner names this process, which the next start skips: the server counts as an orphan.
  const next = await start();
  try {
    assert.notEqual(Number((await readFile(pidFile, 'utf8')).split('\n')[0]), orphanPid);
    assert.notEqual(next.server.port, orphan.server.port);
    assert.equal(await login(next.server.port, (await readFile(path.join(dir, passwordFile), 'utf8')).trim()), 'ok');
  } finally {
    await next.server.stop();
  }
});

test('a stale pg.owner whose pid now belongs to another process does not stop the start', { timeout: 120_000, skip: !linux && 'no /proc: a live pid is trusted' }, async () => {
  const ownerFile = path.join(dir, 'pg.owner');
  const other = bystander();
  try {
    // As written now (pid + identity of the Signal that died), and as an older Signal wrote it (pid only).
    for (const recorded of [`${other.pid}\n${(await processIdentity(process.pid))!}\n`, `${other.pid}\n`]) {
      await writeFile(ownerFile, recorded);
      const { server, logged } = await start();
      await server.stop();
      assert.ok(logged.some((line) => line.includes(`pid ${other.pid} is no longer the Signal that wrote it`)), logged.join('\n'));
      assert.equal(await other.stillAlive(), 'alive');
    }
  } finally {
    other.child.kill('SIGKILL');
  }
});

test('pg.owner naming a live Signal is still refused', { timeout: 120_000, skip: !linux && 'no /proc' }, async () => {
  const ownerFile = path.join(dir, 'pg.owner');
  // The recorded identity matches: it is the process that wrote the file.
  const current = bystander();
  // An owner recorded by an older Signal (pid only): recognised by its entry point.
  const older = bystander(['core/main.ts']);
  try {
    for (const recorded of [`${current.pid}\n${(await processIdentity(current.pid))!}\n`, `${older.pid}\n`]) {
      await writeFile(ownerFile, recorded);
      await assert.rejects(start(), /Another Signal \(pid \d+\) is using the embedded PostgreSQL/);
    }
    await assert.rejects(stat(path.join(dir, 'pg', 'postmaster.pid')), 'no server was started');
  } finally {
    current.child.kill('SIGKILL');
    older.child.kill('SIGKILL');
    await rm(ownerFile, { force: true });
  }
});
