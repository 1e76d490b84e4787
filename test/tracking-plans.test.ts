// Tracking plans end to end: a pipeline's plan set through GraphQL, events through the real
// collect API and pipeline stage to a webhook on the vendor simulator — fitting events as
// they were, flagged ones with context.violations, blocked ones nowhere (counted, listed,
// summarised, and delivered by a replay once the plan allows them).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import webhook from '../plugins/webhook/index.ts';
import { startVendorSim, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { pluginSet } from './helpers/fixture-plugin.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { integrationStats } from './helpers/vendor-e2e.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({}, { plugins: pluginSet(webhook), label: 'trackingplans' });
});
after(() => closeAll(signal, sim));

const PLAN = `
description: Web shop
unplanned: block
violations: flag
events:
  Order Completed:
    properties:
      required: [order_id, total]
      properties:
        order_id: { type: string }
        total: { type: number, minimum: 0 }
  Product Viewed:
identify:
  traits:
    properties:
      email: { type: string, format: email }
`;

type Delivered = { messageId: string; context: { violations?: Array<{ type: string; field: string; message: string }> } };

async function setup(name: string): Promise<{ pipeline: { id: string; key: string }; integrationId: string; path: string }> {
  const pipeline = await signal.pipeline(name);
  const path = `/plan-${pipeline.id}`;
  const { assignment } = await signal.services.integrations.install({
    vendor: 'webhook', name, pipelineId: pipeline.id, consentCategories: [],
    config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
  });
  return { pipeline, integrationId: assignment!.id, path };
}

async function setPlan(pipelineId: string, source: string, note?: string) {
  return signal.graphql<{ setPipelineTrackingPlan: { version: number; eventNames: string[]; unplanned: string | null; violations: string | null } }>(
    'mutation($p: ID!, $s: String!, $n: String) { setPipelineTrackingPlan(pipelineId: $p, source: $s, note: $n) { version eventNames unplanned violations } }', { p: pipelineId, s: source, n: note ?? null });
}

async function send(key: string, batch: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(key) },
    body: JSON.stringify({ batch: batch.map((e) => ({ userId: 'u-plan', ...e })) }),
  });
  assert.equal(res.status, 200, await res.text());
}

const delivered = (path: string): Delivered[] => sim.requests({ path }).flatMap((r) => (r.json as { batch: Delivered[] }).batch);

test('fitting events go as they were, invalid ones flagged with context.violations, unplanned ones blocked and counted', async () => {
  const { pipeline, integrationId, path } = await setup('Plan shop');
  const set = await setPlan(pipeline.id, PLAN, 'first plan');
  assert.equal(set.status, 200, JSON.stringify(set.body.errors));
  assert.deepEqual(set.body.data!.setPipelineTrackingPlan, { version: 1, eventNames: ['Order Completed', 'Product Viewed'], unplanned: 'block', violations: 'flag' });

  await send(pipeline.key, [
    { type: 'track', event: 'Order Completed', messageId: 'plan-ok', properties: { order_id: 'A1', total: 10 } },
    { type: 'track', event: 'Order Completed', messageId: 'plan-invalid', properties: { order_id: 42, total: -5 } },
    { type: 'track', event: 'Coupon Entered', messageId: 'plan-unplanned', properties: { code: 'X' } },
    { type: 'identify', messageId: 'plan-identify', traits: { email: 'nope' } },
    { type: 'track', event: 'Product Viewed', messageId: 'plan-forged', context: { violations: ['the client wrote this'] } },
  ]);
  const got = await waitUntil(async () => {
    const events = delivered(path);
    return events.length >= 4 ? events : undefined;
  }, 'four events delivered');
  const byId = new Map(got.map((e) => [e.messageId, e]));
  assert.deepEqual([...byId.keys()].sort(), ['plan-forged', 'plan-identify', 'plan-invalid', 'plan-ok']);
  assert.equal(byId.get('plan-ok')!.context.violations, undefined);
  assert.deepEqual(byId.get('plan-invalid')!.context.violations, [
    { type: 'invalid', field: 'properties.order_id', message: 'must be a string' },
    { type: 'invalid', field: 'properties.total', message: 'must be >= 0' },
  ]);
  assert.deepEqual(byId.get('plan-identify')!.context.violations, [{ type: 'invalid', field: 'traits.email', message: 'must be a valid email' }]);
  assert.equal(byId.get('plan-forged')!.context.violations, undefined, 'only the plan writes context.violations');

  const stats = await waitUntil(async () => {
    const s = await integrationStats(signal, integrationId, ['delivered', 'skippedTrackingPlan'] as const);
    return s.delivered === 4 && s.skippedTrackingPlan === 1 ? s : undefined;
  }, 'counted');
  assert.deepEqual(stats, { delivered: 4, skippedTrackingPlan: 1 });

  const findings = await signal.graphql<{ trackingPlanFindings: Array<{ messageId: string; eventName: string | null; kind: string; blocked: boolean; planVersion: number; violations: Array<{ field: string }> }> }>(
    'query($p: ID!) { trackingPlanFindings(pipelineId: $p) { messageId eventName kind blocked planVersion violations { field message } } }', { p: pipeline.id });
  const found = findings.body.data!.trackingPlanFindings;
  assert.deepEqual(found.map((f) => [f.messageId, f.kind, f.blocked]).sort(), [['plan-identify', 'invalid', false], ['plan-invalid', 'invalid', false], ['plan-unplanned', 'unplanned', true]]);
  assert.ok(found.every((f) => f.planVersion === 1));
  assert.doesNotMatch(JSON.stringify(found), /nope|-5|42/, 'no value sent is kept');

  const summary = await signal.graphql<{ trackingPlanSummary: Array<{ eventType: string; eventName: string | null; kind: string; events: number; blocked: number; fields: Array<{ field: string; events: number }> }> }>(
    'query($p: ID!) { trackingPlanSummary(pipelineId: $p, hours: 1) { eventType eventName kind events blocked fields { field message events } } }', { p: pipeline.id });
  const rows = summary.body.data!.trackingPlanSummary;
  assert.deepEqual(rows.find((r) => r.eventName === 'Coupon Entered'), { eventType: 'track', eventName: 'Coupon Entered', kind: 'unplanned', events: 1, blocked: 1, fields: [{ field: 'event', message: '"Coupon Entered" is not in the tracking plan', events: 1 }] });
  assert.deepEqual(rows.find((r) => r.eventName === 'Order Completed')?.fields.map((f) => f.field), ['properties.order_id', 'properties.total']);

  const metrics = await (await fetch(`${signal.adminUrl}/metrics`, { headers: { authorization: `Bearer ${signal.adminToken}` } })).text();
  assert.match(metrics, new RegExp(`^signal_integration_events_total\\{integration="${integrationId}"[^}]*outcome="skipped_tracking_plan"\\} 1$`, 'm'));

  // Nothing accepted is lost: the plan now names the event, and a replay delivers it.
  const second = await setPlan(pipeline.id, PLAN.replace('  Product Viewed:\n', '  Product Viewed:\n  Coupon Entered:\n'), 'coupons planned');
  assert.equal(second.body.data?.setPipelineTrackingPlan.version, 2, JSON.stringify(second.body.errors));
  const replay = await signal.graphql<{ replayEvents: { id: string } }>('mutation($id: ID!, $since: String!, $until: String) { replayEvents(integrationId: $id, since: $since, until: $until) { id } }',
    { id: integrationId, since: new Date(Date.now() - 3_600_000).toISOString(), until: new Date().toISOString() });
  assert.equal(replay.status, 200, JSON.stringify(replay.body.errors));
  await waitUntil(async () => delivered(path).some((e) => e.messageId === 'plan-unplanned') || undefined, 'the blocked event replayed');
});

test('plans: history, an empty source ends one, errors with line and column, unknown pipelines', async () => {
  const { pipeline, path } = await setup('Plan history');
  const bad = await setPlan(pipeline.id, 'events:\n  Order Completed:\n    properties:\n      requried: [total]\n');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors![0]!.extensions?.code, 'BAD_USER_INPUT');
  assert.match(bad.body.errors![0]!.message, /^The tracking plan is not valid: line 4, column 7: events\.Order Completed\.properties: is not a valid JSON Schema: unknown keyword: "requried"/);
  assert.equal((await setPlan(pipeline.id, 'unplanned: block\nevents:\n  Signed Up:\n')).status, 200);
  const ended = await setPlan(pipeline.id, '', 'no plan for now');
  assert.deepEqual(ended.body.data!.setPipelineTrackingPlan, { version: 2, eventNames: [], unplanned: null, violations: null });
  const history = await signal.graphql<{ trackingPlanHistory: Array<{ version: number; note: string | null }>; pipelineTrackingPlan: { version: number } }>(
    'query($p: ID!) { trackingPlanHistory(pipelineId: $p) { version note } pipelineTrackingPlan(pipelineId: $p) { version } }', { p: pipeline.id });
  assert.deepEqual(history.body.data, { trackingPlanHistory: [{ version: 1, note: null }, { version: 2, note: 'no plan for now' }], pipelineTrackingPlan: { version: 2 } });
  await send(pipeline.key, [{ type: 'track', event: 'Anything', messageId: 'plan-ended' }]);
  await waitUntil(async () => delivered(path).some((e) => e.messageId === 'plan-ended') || undefined, 'no plan: delivered');

  const unknown = await setPlan('00000000-0000-4000-8000-000000000000', 'events: {}\n');
  assert.equal(unknown.status, 404);
  assert.equal((await setPlan('not-an-id', 'events: {}\n')).status, 400);
});

test('checkTrackingPlan: a draft plan or the pipeline\'s, storing nothing; events it cannot read named by index', async () => {
  const { pipeline } = await setup('Plan check');
  await setPlan(pipeline.id, PLAN);
  type Verdict = { action: string; kind: string | null; violations: Array<{ field: string; message: string }> };
  const check = (args: Record<string, unknown>) => signal.graphql<{ checkTrackingPlan: Verdict[] }>(
    'query($p: ID, $s: String, $e: [JSON!]!) { checkTrackingPlan(pipelineId: $p, source: $s, events: $e) { action kind violations { field message } } }', args);
  const inForce = await check({ p: pipeline.id, e: [{ type: 'track', event: 'Order Completed', properties: { order_id: 'A', total: 1 } }, { type: 'track', event: 'Nope' }] });
  assert.deepEqual(inForce.body.data!.checkTrackingPlan.map((v) => [v.action, v.kind]), [['pass', null], ['block', 'unplanned']]);
  const draft = await check({ s: 'events:\n  Nope:\n', e: [{ type: 'track', event: 'Nope' }, { type: 'page', properties: {} }] });
  assert.deepEqual(draft.body.data!.checkTrackingPlan.map((v) => v.action), ['pass', 'pass']);
  const unreadable = await check({ p: pipeline.id, e: [{ type: 'track', event: 'X' }, { type: 'track' }] });
  assert.equal(unreadable.status, 400);
  assert.match(unreadable.body.errors![0]!.message, /^events\[1\]\.event is required for a track event$/);
  const neither = await check({ e: [] });
  assert.equal(neither.status, 400);
  assert.match(neither.body.errors![0]!.message, /Give the plan to check against/);
  const findings = await signal.graphql<{ trackingPlanFindings: unknown[] }>('query($p: ID!) { trackingPlanFindings(pipelineId: $p) { messageId } }', { p: pipeline.id });
  assert.deepEqual(findings.body.data!.trackingPlanFindings, [], 'a check stores nothing');
});

test('a preview naming the pipeline shows the plan\'s verdict: blocked events go no further, flagged ones carry context.violations', async () => {
  const { pipeline } = await setup('Plan preview');
  await setPlan(pipeline.id, PLAN);
  type Result = { messageId: string; dropped: string | null; trackingPlan: { action: string; kind: string | null } | null; transformed: { context: { violations?: unknown[] } } | null; requests: unknown[] };
  const preview = await signal.graphql<{ previewIntegration: { results: Result[] } }>(
    'query($t: PreviewTarget!, $e: [JSON!]) { previewIntegration(target: $t, events: $e) { results { messageId dropped trackingPlan { action kind } transformed requests } } }',
    { t: { vendor: 'webhook', config: { url: `${sim.url}/preview`, allow_private_targets: ['127.0.0.1'] }, pipelineId: pipeline.id }, e: [
      { messageId: 'pv-ok', event: 'Order Completed', properties: { order_id: 'A', total: 1 } },
      { messageId: 'pv-bad', event: 'Order Completed', properties: { order_id: 'A', total: -1 } },
      { messageId: 'pv-unplanned', event: 'Mystery' },
    ] });
  assert.equal(preview.status, 200, JSON.stringify(preview.body.errors));
  const [ok, bad, unplanned] = preview.body.data!.previewIntegration.results;
  assert.deepEqual([ok!.trackingPlan, ok!.dropped, ok!.requests.length], [{ action: 'pass', kind: null }, null, 1]);
  assert.deepEqual([bad!.trackingPlan, bad!.transformed?.context.violations], [{ action: 'flag', kind: 'invalid' }, [{ type: 'invalid', field: 'properties.total', message: 'must be >= 0' }]]);
  assert.deepEqual([unplanned!.trackingPlan, unplanned!.dropped, unplanned!.requests], [{ action: 'block', kind: 'unplanned' }, 'tracking plan', []]);
});
