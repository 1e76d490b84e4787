import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The Node flags `npm start` runs Signal with (its heap settings), read from package.json so a
 * process started here — and the e2e benchmark's RSS figure — matches what users run.
 *
 * @example
 * startFlags(); // ['--max-old-space-size=1024', '--max-semi-space-size=8']
 */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const match = /^exec node((?: --[\w-]+(?:=\S+)?)*) core\/main\.ts$/.exec(scripts.start ?? '');
  if (!match) throw new Error(`package.json's start script should be "exec node [--flags] core/main.ts", not ${JSON.stringify(scripts.start)}`);
  return match[1]!.trim().split(' ').filter(Boolean);
}

export interface SignalProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown at all, as a crash. */
  kill(): Promise<void>;
}

/**
 * Runs `core/main.ts` as a separate process (another node of the deployment), waiting for its
 * banner. Used to test what crosses processes: shared rate limits, crash recovery.
 *
 * @example
 * const worker = await startSignalProcess({ DATABASE_URL: url, SIGNAL_ROLES: 'worker' });
 */
export async function startSignalProcess(env: Record<string, string>): Promise<SignalProcess> {
  const child = spawn(process.execPath, [...startFlags(), path.join(root, 'core/main.ts')], {
    cwd: root,
    env: { ...process.env, SIGNAL_COLLECT_PORT: '0', SIGNAL_ADMIN_PORT: '0', SIGNAL_LOG_LEVEL: 'warn', SIGNAL_DEMO_PIPELINE: 'false', SIGNAL_ADMIN_TOKEN: 'process-admin-token-0123456789', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Signal process did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
