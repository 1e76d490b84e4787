import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

// Pids written to files (postmaster.pid, pg.owner) outlive their processes: after a crash or a
// reboot the same number often belongs to an unrelated process. These helpers tell, from /proc,
// whether a pid still is the process that was recorded. Without /proc (macOS) they cannot, and
// say so (`undefined`), so callers keep trusting a live pid as before.

/** Whether /proc describes processes here (Linux); elsewhere a pid cannot be identified. */
export async function hasProc(): Promise<boolean> {
  return stat('/proc/self/stat').then(() => true, () => false);
}

/**
 * An identifier of the process `pid` that no later process with the same pid shares: the boot's
 * id plus the process's start time (clock ticks since boot, field 22 of /proc/<pid>/stat). The
 * boot id tells reboots apart, where the start ticks alone could coincide. `undefined` when the
 * process does not exist or /proc is not available.
 *
 * @example
 * const me = await processIdentity(process.pid); // 'a2f0…-…:394403'
 */
export async function processIdentity(pid: number): Promise<string | undefined> {
  try {
    const [stat, bootId] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile('/proc/sys/kernel/random/boot_id', 'utf8')]);
    // The command name (field 2, in parentheses) may itself contain spaces and ')': fields are
    // counted from the last ')'. Field 3 (state) is the first after it, so 22 is the 20th.
    const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return startTicks ? `${bootId.trim()}:${startTicks}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The arguments process `pid` was started with (/proc/<pid>/cmdline), or `undefined` when they
 * cannot be read (no such process, no /proc, or hidden from this user). A zombie has none.
 *
 * @example
 * await commandLine(process.pid); // ['/usr/bin/node', 'core/main.ts']
 */
export async function commandLine(pid: number): Promise<string[] | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` is the PostgreSQL postmaster serving `dataDir`: a `postgres` executable
 * started with that data folder (as `pg_ctl` runs it: `postgres -D <dataDir> …`). Backends
 * rename themselves (`postgres: checkpointer`), so only the postmaster matches. `undefined`
 * without /proc: it cannot be told.
 *
 * @example
 * if (await isPostmasterOf(pid, '/srv/app/.signal/pg')) process.kill(pid, 'SIGINT');
 */
export async function isPostmasterOf(pid: number, dataDir: string): Promise<boolean | undefined> {
  if (!(await hasProc())) return undefined;
  const args = await commandLine(pid);
  if (!args || args.length === 0 || path.basename(args[0]!) !== 'postgres') return false;
  const wanted = new Set([path.resolve(dataDir), await realpath(dataDir).catch(() => path.resolve(dataDir))]);
  for (const arg of args.slice(1)) {
    const folder = arg.startsWith('-D') && arg.length > 2 ? arg.slice(2) : arg.startsWith('--pgdata=') ? arg.slice('--pgdata='.length) : arg;
    if (folder.startsWith('/') && (wanted.has(path.resolve(folder)) || wanted.has(await realpath(folder).catch(() => '')))) return true;
  }
  return false;
}
