import type { JsonValue, PluginContext, RequestDescriptor } from '../sdk/types.ts';
import { ensureQueue, NOTIFIED_POLLING, type Boss } from '../queue/boss.ts';
import { createDueWaker } from '../queue/due-waker.ts';
import type { AcceptedReceipt, DeliveryTarget, PerformResult } from './deliver-batch.ts';
import type { Exchange } from './delivery-log.ts';
import type { StatsDelta } from './integration-stats.ts';
import { redactRequest, redactText } from './redact.ts';
import { signedNow } from './sign-request.ts';

/** The queue of processing reports to ask for (plugins with a `processingReport`). */
export const PROCESSING_REPORT_QUEUE = 'processing-report';
/** Checks of one receipt unless the plugin says otherwise. */
export const DEFAULT_MAX_CHECKS = 6;
const MAX_RESPONSE_IN_LOG = 4096;

/** A receipt to follow: whose, which events it covers, and how many times it was asked about. */
export interface ProcessingReportJob {
  integrationId: string;
  revisionId: string;
  receipt: JsonValue;
  eventIds: string[];
  /** The check this job makes, from 1. */
  check: number;
}

export interface ProcessingReportDeps {
  boss: Boss;
  /** The integration as it delivers now (its current revision's config and credential). */
  resolveTarget(integrationId: string): Promise<DeliveryTarget>;
  /** The integration's access token (plugins whose exchange is used by `delivery`). */
  accessToken?(target: DeliveryTarget, refused?: string): Promise<string>;
  perform(request: RequestDescriptor): Promise<PerformResult>;
  record(exchanges: Exchange[]): Promise<void>;
  addStats(target: DeliveryTarget, delta: StatsDelta): Promise<void>;
  /** Scales the waits (`SIGNAL_RETRY_TIME_SCALE`: tests shorten them). */
  timeScale?: number;
  onError?(error: Error): void;
}

/** How a check ended, as recorded in the delivery log. */
type CheckResult =
  | { kind: 'pending'; message: string }
  | { kind: 'done'; failed: number | undefined; message: string };

/**
 * Follows up requests a vendor accepted and processes later: `schedule` queues a check of each
 * receipt `afterSeconds` later; the worker asks the plugin's report request, and records what
 * it says in the delivery log (outcome `report`, with the events the request carried) and the
 * failed events as `processingFailed`. A pending report, an unanswered or failed check is asked
 * again — after twice the last wait, at most eight times `afterSeconds` — up to `maxChecks`
 * checks in all; the last one says why there is
 * no report. The events stay delivered either way: the report names none to send again.
 *
 * @example
 * const reports = createProcessingReports({ boss, resolveTarget, perform, record, addStats });
 * await reports.start();
 * await reports.schedule(target, [{ receipt: 'req-123', eventIds: ['m-1', 'm-2'] }]);
 */
export function createProcessingReports(deps: ProcessingReportDeps) {
  const scale = deps.timeScale ?? 1;
  let workerId: string | undefined;
  // A check comes due seconds to minutes later: this node's worker is woken for it then,
  // rather than finding it up to a poll (2 s) later.
  const dueWaker = createDueWaker(() => {
    if (workerId) deps.boss.notifyWorker(workerId);
  });

  async function send(job: ProcessingReportJob, afterSeconds: number): Promise<void> {
    const startAfter = Math.max(0, Math.round(afterSeconds * scale));
    await deps.boss.send(PROCESSING_REPORT_QUEUE, job, { startAfter });
    dueWaker.wakeAfter(PROCESSING_REPORT_QUEUE, startAfter * 1000);
  }

  async function check(job: ProcessingReportJob): Promise<void> {
    let target: DeliveryTarget;
    try {
      target = await deps.resolveTarget(job.integrationId);
    } catch {
      return; // the integration is gone (unassigned, deleted): nobody is left to tell
    }
    const report = target.plugin.processingReport;
    if (!report) return; // a plugin version without reports
    const maxChecks = report.maxChecks ?? DEFAULT_MAX_CHECKS;
    const secrets = [...target.secretValues];
    let ctx: PluginContext = { ...target.ctx, now: Date.now() };
    let request: RequestDescriptor | undefined;
    let result: CheckResult;
    let status: number | null = null;
    let body: string | null = null;
    let durationMs = 0;
    try {
      const usesToken = target.usesAccessToken && deps.accessToken;
      if (usesToken) {
        const token = await deps.accessToken!(target);
        ctx = { ...ctx, accessToken: token };
        secrets.push(token);
      }
      // Signed as it goes, like the delivery it reports on (a JWT of an hour, a SigV4 signature).
      request = signedNow(target.plugin.sign, report.request(job.receipt, ctx), ctx);
      const performed = await deps.perform(request);
      durationMs = Math.round(performed.durationMs);
      if (!performed.response) {
        result = { kind: 'pending', message: `the report could not be asked for: ${performed.error?.kind ?? 'network'}: ${performed.error?.message ?? 'no response'}` };
      } else {
        status = performed.response.status;
        body = redactText(performed.response.body.slice(0, MAX_RESPONSE_IN_LOG), secrets);
        const refusedIn2xx = status !== 401 && ctx.accessToken !== undefined && target.plugin.accessToken?.refused?.(performed.response, request, ctx) === true;
        if ((status === 401 || refusedIn2xx) && ctx.accessToken !== undefined) {
          // The token expired early or was revoked: renewed now, for the next check.
          await deps.accessToken!(target, ctx.accessToken).catch(() => undefined);
          result = { kind: 'pending', message: status === 401 ? 'the report request was answered HTTP 401 (the access token was renewed)' : `the vendor refused the access token in its HTTP ${status} answer to the report request (the access token was renewed)` };
        } else if (status >= 300) {
          result = { kind: 'pending', message: `the report request was answered HTTP ${status}` };
        } else {
          const reading = report.read(performed.response, job.receipt, ctx);
          result = 'done' in reading
            ? { kind: 'done', failed: typeof reading.failed === 'number' && reading.failed >= 0 ? Math.round(reading.failed) : undefined, message: reading.message }
            : { kind: 'pending', message: reading.message ?? 'not processed yet' };
        }
      }
    } catch (error) {
      // A token that cannot be had, a plugin hook that throws: asked again, then said.
      result = { kind: 'pending', message: `the report could not be read: ${(error as Error).message}` };
    }

    const last = job.check >= maxChecks;
    if (result.kind === 'pending' && !last) {
      // Vendors take from minutes to a day: the waits double, up to eight times the first.
      await send({ ...job, check: job.check + 1 }, report.afterSeconds * Math.min(2 ** job.check, 8));
      return; // only the outcome is recorded: a pending check says nothing the admin can act on
    }
    const failed = result.kind === 'done' ? result.failed : undefined;
    const message = result.kind === 'done'
      ? result.message
      : `no processing report after ${maxChecks} check${maxChecks === 1 ? '' : 's'} (the last: ${result.message}); the events count as delivered`;
    await deps.record([{
      pipelineIntegrationId: job.integrationId,
      revisionId: job.revisionId,
      eventIds: job.eventIds,
      attempt: job.check,
      request: request ? redactRequest(request, secrets) : { receipt: job.receipt },
      responseStatus: status,
      responseBody: body,
      error: redactText(message, secrets),
      outcome: 'report',
      durationMs,
    }]);
    if (failed !== undefined && failed > 0) {
      await deps.addStats(target, { processingFailed: Math.min(failed, job.eventIds.length), lastError: redactText(`processing report: ${message}`, secrets) });
    } else if (result.kind === 'pending') {
      await deps.addStats(target, { lastError: redactText(message, secrets) });
    }
  }

  return {
    /** Creates the queue and, with `consume`, starts the worker. */
    async start(consume: boolean): Promise<void> {
      await ensureQueue(deps.boss, PROCESSING_REPORT_QUEUE, { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 5 * 60 });
      if (!consume) return;
      workerId = await deps.boss.work<ProcessingReportJob>(PROCESSING_REPORT_QUEUE, { batchSize: 5, ...NOTIFIED_POLLING }, async (jobs) => {
        for (const job of jobs) await check(job.data);
      });
    },

    /** Drops the pending wakes (shutdown). */
    stop(): void {
      dueWaker.stop();
    },

    /** Queues the first check of each receipt, `afterSeconds` from now. */
    async schedule(target: DeliveryTarget, receipts: AcceptedReceipt[]): Promise<void> {
      const report = target.plugin.processingReport;
      if (!report) return;
      for (const { receipt, eventIds } of receipts) {
        await send({ integrationId: target.integrationId, revisionId: target.revisionId, receipt, eventIds, check: 1 }, report.afterSeconds);
      }
    },
  };
}

export type ProcessingReports = ReturnType<typeof createProcessingReports>;
