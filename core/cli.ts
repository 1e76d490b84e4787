// What `npm start` runs (through core/main.ts): reads the configuration, starts the configured
// roles, prints the banner, and shuts down in order on SIGINT/SIGTERM.
import module from 'node:module';
import { ConfigError, loadConfig } from './config.ts';
import { startSignal, type SignalInstance } from './signal.ts';

function banner(signal: SignalInstance): string {
  const lines = ['', 'Signal is running.', ''];
  const { collect, admin } = signal.urls;
  lines.push(`  Database        ${signal.embedded ? `embedded PostgreSQL on port ${signal.embedded.port} (data in ${signal.config.dataDir}/pg)` : 'DATABASE_URL'}`);
  lines.push(`  Roles           ${[...signal.config.roles].join(', ')}`);
  if (collect) {
    lines.push(`  Collect API     ${collect}/v1/track  (…/page, /identify, /batch)`);
    lines.push(`  API docs        ${collect}/docs  (OpenAPI: ${collect}/openapi.json)`);
  }
  if (admin) {
    lines.push(`  Admin GraphQL   ${admin}/graphql  (IDE: ${admin}/graphiql)`);
    lines.push(`  Admin token     ${signal.adminToken}`);
  }
  if (signal.demoKey) lines.push(`  Demo pipeline   key ${signal.demoKey}${signal.demoPipelineId ? `  (id ${signal.demoPipelineId})` : ''}`);
  if (collect && signal.demoKey) {
    lines.push('', '  Send a test event:');
    lines.push(`    curl -u '${signal.demoKey}:' -H 'Content-Type: application/json' \\`);
    lines.push(`      -d '{"event":"Signed Up","userId":"user-123","properties":{"plan":"premium"}}' ${collect}/v1/track`);
  }
  if (admin && signal.demoPipelineId) {
    lines.push('', '  See it stored:');
    lines.push(`    curl -H 'Authorization: Bearer ${signal.adminToken}' -H 'Content-Type: application/json' \\`);
    lines.push(`      -d '{"query":"{ recentEvents(pipelineId: \\"${signal.demoPipelineId}\\", limit: 5) { messageId type receivedAt payload } }"}' ${admin}/graphql`);
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

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
  console.error(`Signal could not start: ${(error as Error).message}`);
  process.exit(1);
}
console.log(banner(signal));
// Persist the compile cache now that every module is loaded: it is otherwise written at exit,
// which a killed process never reaches.
module.flushCompileCache?.();

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
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
