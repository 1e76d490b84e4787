// Headless Chromium for the tests that need a real browser (Debian's package: `apt-get install
// chromium`). Tests skip, saying so, where it is not installed.
import { spawn } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];

/**
 * Runs Chromium to its end (or kills it after `ms`) and returns its stdout.
 *
 * @example
 * const dom = await runChromium([...CHROMIUM_FLAGS, `--user-data-dir=${dir}`, '--virtual-time-budget=10000', '--dump-dom', url], 60_000);
 */
export function runChromium(args: string[], ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}
