import { databaseTarget } from './config.ts';
import type { SignalInstance } from './signal.ts';

/**
 * What `npm start` prints once Signal runs: where everything is, the demo pipeline, and curl
 * lines to send an event and see it stored. A generated admin token is printed (its file is
 * the only other place it is); one the operator gave is not (it would land in container logs).
 *
 * @example
 * console.log(banner(signal));
 */
export function banner(signal: Pick<SignalInstance, 'urls' | 'config' | 'adminToken' | 'demoKey' | 'demoPipelineId' | 'demoKeyUnusable' | 'embedded'>): string {
  const lines = ['', 'Signal is running.', ''];
  const { collect, admin } = signal.urls;
  lines.push(`  Database        ${signal.embedded ? `embedded PostgreSQL on port ${signal.embedded.port} (data in ${signal.config.dataDir}/pg)` : `${signal.config.databaseUrl === undefined ? 'DATABASE_URL' : databaseTarget(signal.config.databaseUrl)} (DATABASE_URL)`}`);
  if (signal.config.vendorRedirects.size > 0) {
    // Nothing reaches the real vendors these name: worth seeing at every start.
    lines.push(`  Vendor redirects ${[...signal.config.vendorRedirects].map(([from, to]) => `${from} → ${to}`).join(', ')}`);
  }
  lines.push(`  Roles           ${[...signal.config.roles].join(', ')}`);
  if (collect) {
    lines.push(`  Collect API     ${collect}/v1/track  (…/page, /identify, /batch)`);
    lines.push(`  API docs        ${collect}/docs  (OpenAPI: ${collect}/openapi.json)`);
  }
  if (admin) {
    lines.push(`  Admin GraphQL   ${admin}/graphql  (IDE: ${admin}/graphiql)`);
    // A token the operator gave is theirs to know: printed, it would land in container logs.
    lines.push(`  Admin token     ${signal.config.adminToken === undefined ? signal.adminToken : '(the one in SIGNAL_ADMIN_TOKEN)'}`);
  }
  if (signal.demoKey) lines.push(`  Demo pipeline   key ${signal.demoKey}${signal.demoPipelineId ? `  (id ${signal.demoPipelineId})` : ''}`);
  else if (signal.demoKeyUnusable) lines.push(`  Demo pipeline   not shown: ${signal.demoKeyUnusable}`);
  if (collect && signal.demoKey) {
    lines.push('', '  Send a test event:');
    lines.push(`    curl -u '${signal.demoKey}:' -H 'Content-Type: application/json' \\`);
    lines.push(`      -d '{"event":"Signed Up","userId":"user-123","properties":{"plan":"premium"}}' ${collect}/v1/track`);
  }
  if (admin && signal.demoPipelineId) {
    lines.push('', '  See it stored:');
    lines.push(`    curl -H "Authorization: Bearer ${signal.config.adminToken === undefined ? signal.adminToken : '$SIGNAL_ADMIN_TOKEN'}" -H 'Content-Type: application/json' \\`);
    lines.push(`      -d '{"query":"{ recentEvents(pipelineId: \\"${signal.demoPipelineId}\\", limit: 5) { messageId type receivedAt payload } }"}' ${admin}/graphql`);
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}
