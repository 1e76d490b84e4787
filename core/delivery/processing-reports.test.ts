import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PluginDefinition, ProcessingReport, RequestDescriptor } from '../sdk/types.ts';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import type { Boss } from '../queue/boss.ts';
import type { DeliveryTarget, PerformResult } from './deliver-batch.ts';
import type { Exchange } from './delivery-log.ts';
import type { StatsDelta } from './integration-stats.ts';
import { createProcessingReports, PROCESSING_REPORT_QUEUE, type ProcessingReportJob } from './processing-reports.ts';

/** pg-boss as far as the reports use it: jobs sent are kept; `run` hands the next one to the worker. */
function queue() {
  const sent: Array<{ job: ProcessingReportJob; startAfter: number }> = [];
  let worker: ((jobs: Array<{ data: ProcessingReportJob }>) => Promise<void>) | undefined;
  const boss = {
    getQueue: async () => ({ name: PROCESSING_REPORT_QUEUE }),
    createQueue: async () => {},
    send: async (_name: string, job: ProcessingReportJob, options: { startAfter: number }) => void sent.push({ job, startAfter: options.startAfter }),
    work: async (_name: string, _options: unknown, handler: typeof worker) => void (worker = handler),
  } as unknown as Boss;
  return { boss, sent, run: async () => worker!([{ data: sent.shift()!.job }]) };
}

function setup(report: ProcessingReport, answers: PerformResult[], sign?: PluginDefinition['sign']) {
  const plugin: PluginDefinition = { ...fixturePlugin, processingReport: report, ...(sign ? { sign } : {}) };
  const target = { integrationId: 'int-1', revisionId: 'rev-1', plugin, ctx: { config: {}, variant: 'default', integrationId: 'int-1', revisionId: 'rev-1', options: {}, now: 0 }, secretValues: ['s3cret'], usesAccessToken: false } as unknown as DeliveryTarget;
  const { boss, sent, run } = queue();
  const recorded: Exchange[] = [];
  const stats: StatsDelta[] = [];
  const performed: RequestDescriptor[] = [];
  const reports = createProcessingReports({
    boss, resolveTarget: async () => target, perform: async (request) => (performed.push(request), answers.shift()!),
    record: async (exchanges) => void recorded.push(...exchanges), addStats: async (_t, delta) => void stats.push(delta),
  });
  return { reports, target, sent, run, recorded, stats, performed };
}

const report: ProcessingReport = {
  afterSeconds: 60, maxChecks: 3,
  receipt: () => 'r-1',
  request: (receipt) => ({ method: 'GET', url: `https://vendor.test/status/${String(receipt)}?key=s3cret`, eventIds: [] }),
  read: (response) => ((response.json as { state: string }).state === 'DONE' ? { done: true, failed: 5, message: 'processed: 5 failed' } : { pending: true }),
};
const answer = (state: string): PerformResult => ({ response: { status: 200, headers: {}, body: JSON.stringify({ state }), json: { state } }, durationMs: 3 });

test('a receipt is asked about afterSeconds later, again while pending; the report is logged and its failures counted, at most the events it covers', async () => {
  const { reports, target, sent, run, recorded, stats } = setup(report, [answer('RUNNING'), answer('DONE')]);
  await reports.start(true);
  await reports.schedule(target, [{ receipt: 'r-1', eventIds: ['m-1', 'm-2'] }]);
  assert.deepEqual(sent.map((s) => [s.job.check, s.startAfter]), [[1, 60]]);
  await run();
  assert.deepEqual(sent.map((s) => [s.job.check, s.startAfter]), [[2, 120]], 'pending: asked again after twice the wait, nothing logged');
  assert.equal(recorded.length, 0);
  await run();
  assert.equal(recorded.length, 1);
  assert.deepEqual({ ...recorded[0], request: undefined }, { pipelineIntegrationId: 'int-1', revisionId: 'rev-1', eventIds: ['m-1', 'm-2'], attempt: 2, request: undefined, responseStatus: 200, responseBody: '{"state":"DONE"}', error: 'processed: 5 failed', outcome: 'report', durationMs: 3 });
  assert.doesNotMatch(JSON.stringify(recorded[0]!.request), /s3cret/, 'secrets redacted');
  assert.deepEqual(stats, [{ processingFailed: 2, lastError: 'processing report: processed: 5 failed' }]);
});

test('no report after maxChecks (pending, errors, failed checks): said once in the log and as the last error; nothing counted failed', async () => {
  const { reports, target, sent, run, recorded, stats } = setup(report, [
    { response: { status: 503, headers: {}, body: 'busy' }, durationMs: 1 },
    { error: { kind: 'timeout', message: 'no answer in 30000 ms' }, durationMs: 30_000 },
    answer('RUNNING'),
  ]);
  await reports.start(true);
  await reports.schedule(target, [{ receipt: 'r-1', eventIds: ['m-1'] }]);
  await run();
  await run();
  await run();
  assert.equal(sent.length, 0, 'not asked a fourth time');
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]!.error, 'no processing report after 3 checks (the last: not processed yet); the events count as delivered');
  assert.deepEqual(stats, [{ lastError: 'no processing report after 3 checks (the last: not processed yet); the events count as delivered' }]);
});

test("a plugin's sign signs the report's request as it goes (a JWT of an hour, a SigV4 signature), as it signs deliveries", async () => {
  const before = Date.now();
  const sign: PluginDefinition['sign'] = (request, ctx) => ({ ...request, headers: { ...request.headers, authorization: `Signed t=${ctx.now}` } });
  const { reports, target, run, performed } = setup(report, [answer('DONE')], sign);
  await reports.start(true);
  await reports.schedule(target, [{ receipt: 'r-1', eventIds: ['m-1'] }]);
  await run();
  const signedAt = Number(/^Signed t=(\d+)$/.exec(performed[0]!.headers?.authorization ?? '')?.[1]);
  assert.ok(signedAt >= before, `signed with the moment of the check: ${performed[0]!.headers?.authorization}`);
});

test('a report answer that accessToken.refused reads as refusing the token (a 200) renews it, and the report is asked for again', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    processingReport: { ...report, read: (response) => ((response.json as { state: string }).state === 'DONE' ? { done: true, message: 'processed' } : { pending: true }) },
    accessToken: { usedBy: ['delivery'], enabled: () => true, request: () => ({ method: 'POST', url: 'https://vendor.test/token', eventIds: [] }), refused: (response) => (response.json as { state: string }).state === 'TOKEN_EXPIRED' },
  };
  const target = { integrationId: 'int-1', revisionId: 'rev-1', plugin, ctx: { config: {}, variant: 'default', integrationId: 'int-1', revisionId: 'rev-1', options: {}, now: 0 }, secretValues: [], usesAccessToken: true } as unknown as DeliveryTarget;
  const { boss, sent, run } = queue();
  const asked: Array<string | undefined> = [];
  const tokens = ['tok-old', 'tok-new', 'tok-new'];
  const answers = [answer('TOKEN_EXPIRED'), answer('DONE')];
  const recorded: Exchange[] = [];
  const reports = createProcessingReports({
    boss, resolveTarget: async () => target, perform: async () => answers.shift()!,
    record: async (exchanges) => void recorded.push(...exchanges), addStats: async () => {},
    accessToken: async (_target, refused) => (asked.push(refused), tokens.shift()!),
  });
  await reports.start(true);
  await reports.schedule(target, [{ receipt: 'r-1', eventIds: ['m-1'] }]);
  await run();
  assert.deepEqual(asked, [undefined, 'tok-old'], 'renewed with the refused token named');
  assert.equal(sent.length, 1, 'asked again later');
  await run();
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]!.error, 'processed');
});
