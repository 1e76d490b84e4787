// What `npm start` runs (through core/main.ts): reads the configuration, starts the configured
// roles, prints the banner, and shuts down in order on SIGINT/SIGTERM.
import module from 'node:module';
import { ConfigError, loadConfig } from './config.ts';
import { banner } from './banner.ts';
import { startSignal, type SignalInstance } from './signal.ts';
import { explainStartFailure } from './start-failure.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}

let signal: SignalInstance;
try {
  signal = await startSignal(config, { log: (line) => console.log(line) });
} catch (error) {
  console.error(`Signal could not start: ${explainStartFailure(error, config)}`);
  process.exit(1);
}

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${reason}: stopping (finishing accepted events)…`);
  const timer = setTimeout(() => {
    console.error('Shutdown took longer than 30 s; exiting.');
    process.exit(1);
  }, 30_000);
  timer.unref();
  await signal.stop();
  console.log('Stopped.');
  process.exit(0);
}
// Before the banner: a supervisor (or a test) that sends SIGTERM once it sees the banner must
// find the handler there. Registered after it, a signal in between (the compile cache's flush
// writes files) killed Signal without a clean stop.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

console.log(banner(signal));
// Persist the compile cache now that every module is loaded: it is otherwise written at exit,
// which a killed process never reaches.
module.flushCompileCache?.();
