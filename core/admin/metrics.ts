import type { FastifyInstance } from 'fastify';
import type { Pool } from '../db/pool.ts';
import type { DeliveryAdmin } from '../delivery/delivery-admin.ts';
import type { StatsStore } from '../delivery/integration-stats.ts';
import type { AdminAuthFailures } from './admin-auth.ts';
import { ingestBacklog } from '../pipeline/ingest-dispatcher.ts';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Array<{ labels: Record<string, string>; value: number }>;
}

/** Renders samples in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(samples: MetricSample[]): string {
  let out = '';
  for (const sample of samples) {
    out += `# HELP ${sample.name} ${sample.help}\n# TYPE ${sample.name} ${sample.type}\n`;
    for (const { labels, value } of sample.values) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
      out += `${sample.name}${pairs ? `{${pairs}}` : ''} ${Number.isFinite(value) ? value : 0}\n`;
    }
  }
  return out;
}

/**
 * `GET /metrics` on the admin listener: delivery counters, retrying and queue depth per
 * pipeline integration, the ingest backlog, and this process's collect counters, as
 * Prometheus text.
 *
 * @example
 * await app.register(metricsRoute, { pool, stats, admin, collect: () => committer.stats() });
 */
export async function metricsRoute(app: FastifyInstance, deps: { pool: Pool; stats: StatsStore; admin: DeliveryAdmin; collect?: () => { groups: number; events: number }; configWarnings?: () => Promise<Map<string, unknown[]>>; authFailures?: AdminAuthFailures }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const { rows } = await deps.pool.query<{ id: string; pipeline_id: string; revision_id: string; vendor: string; name: string; credential_seconds: number | null }>(
      `SELECT a.id, a.pipeline_id, a.revision_id, t.vendor, t.name, EXTRACT(EPOCH FROM k.credential_expires_at - now())::float8 AS credential_seconds
         FROM signal.pipeline_integrations a
         JOIN signal.integration_templates t ON t.id = a.template_id
         LEFT JOIN signal.access_tokens k ON k.revision_id = a.revision_id`,
    );
    const stats = new Map((await deps.stats.all()).map((s) => [s.pipelineIntegrationId, s]));
    const configWarnings = (await deps.configWarnings?.()) ?? new Map<string, unknown[]>();
    const depths = await Promise.all(rows.map((row) => deps.admin.queueDepth(row.id)));
    const events: MetricSample = { name: 'signal_integration_events_total', help: 'Events per pipeline integration by outcome.', type: 'counter', values: [] };
    const requests: MetricSample = { name: 'signal_integration_requests_total', help: 'Vendor requests per pipeline integration by result.', type: 'counter', values: [] };
    const retrying: MetricSample = { name: 'signal_integration_retrying', help: 'Events waiting for another try.', type: 'gauge', values: [] };
    const depth: MetricSample = { name: 'signal_integration_queue_depth', help: 'Delivery jobs queued or running.', type: 'gauge', values: [] };
    const queuedEvents: MetricSample = { name: 'signal_integration_queued_events', help: 'Events in the delivery jobs queued or running (retries included).', type: 'gauge', values: [] };
    const success: MetricSample = { name: 'signal_integration_success_ratio', help: 'Delivered / (delivered + dead-lettered).', type: 'gauge', values: [] };
    const credential: MetricSample = { name: 'signal_integration_credential_expires_seconds', help: 'Seconds until the OAuth credential (refresh token) of the integration\'s revision ends, when its vendor says (negative: ended). Alert well ahead: the admin must authorise Signal again.', type: 'gauge', values: [] };
    const warnings: MetricSample = { name: 'signal_integration_config_warnings', help: 'Warnings about the config of the integration\'s revision (GraphQL IntegrationRevision.configWarnings), e.g. a vendor API version about to be retired. Alert above 0.', type: 'gauge', values: [] };
    const lookups: MetricSample = { name: 'signal_integration_enrichment_events_total', help: 'Events an enriching integration looked up, by result (found, not_found, failed).', type: 'counter', values: [] };
    rows.forEach((row, i) => {
      const s = stats.get(row.id);
      const labels = { integration: row.id, pipeline: row.pipeline_id, vendor: row.vendor, name: row.name };
      for (const [outcome, value] of [['delivered', s?.delivered], ['dead_lettered', s?.deadLettered], ['skipped_consent', s?.skippedConsent], ['skipped_routing', s?.skippedRouting], ['skipped_duplicate', s?.skippedDuplicate], ['skipped_suppressed', s?.skippedSuppressed], ['skipped_tracking_plan', s?.skippedTrackingPlan], ['processing_failed', s?.processingFailed], ['dropped', s?.dropped], ['retried', s?.retried]] as const) {
        events.values.push({ labels: { ...labels, outcome }, value: value ?? 0 });
      }
      if (s && s.enriched + s.enrichmentNotFound + s.enrichmentFailed > 0) {
        for (const [result, value] of [['found', s.enriched], ['not_found', s.enrichmentNotFound], ['failed', s.enrichmentFailed]] as const) lookups.values.push({ labels: { ...labels, result }, value });
      }
      requests.values.push({ labels: { ...labels, result: 'ok' }, value: (s?.requests ?? 0) - (s?.failedRequests ?? 0) });
      requests.values.push({ labels: { ...labels, result: 'failed' }, value: s?.failedRequests ?? 0 });
      retrying.values.push({ labels, value: s?.retrying ?? 0 });
      depth.values.push({ labels, value: depths[i]!.queued + depths[i]!.active });
      queuedEvents.values.push({ labels, value: depths[i]!.events });
      if (s?.successRate !== null && s?.successRate !== undefined) success.values.push({ labels, value: s.successRate });
      if (row.credential_seconds !== null) credential.values.push({ labels, value: Math.round(row.credential_seconds) });
      if (deps.configWarnings) warnings.values.push({ labels, value: configWarnings.get(row.revision_id)?.length ?? 0 });
    });
    const samples = [events, requests, retrying, depth, queuedEvents, success, ...(lookups.values.length > 0 ? [lookups] : []), ...(credential.values.length > 0 ? [credential] : []), ...(warnings.values.length > 0 ? [warnings] : [])];
    samples.push({ name: 'signal_ingest_backlog', help: 'Events committed and not yet dispatched to the pipeline stage (they wait while no worker runs).', type: 'gauge', values: [{ labels: {}, value: await ingestBacklog(deps.pool) }] });
    const collect = deps.collect?.();
    if (collect) {
      samples.push(
        { name: 'signal_collect_events_committed_total', help: 'Events this process committed.', type: 'counter', values: [{ labels: {}, value: collect.events }] },
        { name: 'signal_collect_commit_groups_total', help: 'Group commits this process made.', type: 'counter', values: [{ labels: {}, value: collect.groups }] },
      );
    }
    const refused = deps.authFailures;
    if (refused) {
      samples.push({
        name: 'signal_admin_auth_failures_total', help: 'Admin requests this process refused: no token, a token unknown or revoked (alert on a rise: one being guessed, or a tool left with a revoked token), or a read_only token asking for a change.', type: 'counter',
        values: [{ labels: { reason: 'missing_token' }, value: refused.missing }, { labels: { reason: 'invalid_token' }, value: refused.invalid }, { labels: { reason: 'read_only' }, value: refused.readOnly }],
      });
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderPrometheus(samples));
  });
}
