import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import webhook from '../plugins/webhook/index.ts';
import { startVendorSim, type RecordedRequest, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { pluginSet } from './helpers/fixture-plugin.ts';
import { createEventStore } from '../core/services/events.ts';
import { startSignalProcess } from './helpers/signal-process.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({ SIGNAL_RETRY_TIME_SCALE: '0.01' }, { plugins: pluginSet(webhook), label: 'replays' });
});
after(() => closeAll(signal, sim));

interface Replay { id: string; status: string; scanned: number; queued: number; reason: string | null; since: string; until: string }
const FIELDS = 'id status scanned queued reason since until';

async function install(on: TestSignal, pipelineId: string, path: string): Promise<string> {
  const { assignment } = await on.services.integrations.install({
    vendor: 'webhook', name: path, pipelineId, consentCategories: [],
    config: { url: `${sim.url}${path}`, allow_private_targets: ['127.0.0.1'] },
  });
  return assignment!.id;
}

async function send(key: string, events: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < events.length; i += 100) {
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(key) },
      body: JSON.stringify({ batch: events.slice(i, i + 100).map((e) => ({ type: 'track', event: 'Order Completed', userId: 'u1', ...e })) }),
    });
    assert.equal(res.status, 200);
  }
}

function bodyIds(requests: RecordedRequest[]): string[] {
  return requests.flatMap((r) => (r.json as { batch: Array<{ messageId: string }> }).batch.map((e) => e.messageId));
}

async function replayEvents(on: TestSignal, integrationId: string, since: string, until?: string) {
  return on.graphql<{ replayEvents: Replay }>(
    `mutation($id: ID!, $since: String!, $until: String) { replayEvents(integrationId: $id, since: $since, until: $until) { ${FIELDS} } }`,
    { id: integrationId, since, ...(until ? { until } : {}) },
  );
}

async function replayOf(on: TestSignal, id: string): Promise<Replay> {
  const { body } = await on.graphql<{ eventReplay: Replay }>(`query($id: ID!) { eventReplay(id: $id) { ${FIELDS} } }`, { id });
  return body.data!.eventReplay;
}

describe('replaying stored events to an integration', () => {
  test('a backfill sends a new integration every event stored before it was added, once, in slices of 1,000', { timeout: 60_000 }, async () => {
    const pipeline = await signal.pipeline('Backfill');
    await install(signal, pipeline.id, '/replay-existing');
    const before = new Date(Date.now() - 1000).toISOString();
    const ids = Array.from({ length: 2100 }, (_, i) => `bf-${i}`);
    await send(pipeline.key, [...ids.map((messageId) => ({ messageId })), { messageId: 'bf-7' }]); // bf-7 twice: an SDK's retry
    await sim.waitFor((list) => bodyIds(list).length >= 2100, 30_000, { path: '/replay-existing' });
    const added = await install(signal, pipeline.id, '/replay-added');
    await send(pipeline.key, [{ messageId: 'bf-live' }]); // reaches it as it comes
    await sim.waitFor((list) => bodyIds(list).includes('bf-live'), 15_000, { path: '/replay-added' });
    const { status, body } = await replayEvents(signal, added, before);
    assert.equal(status, 200, JSON.stringify(body));
    const started = body.data!.replayEvents;
    assert.equal(started.since, before);
    const installedAt = (await signal.pool.query<{ created_at: Date }>('SELECT created_at FROM signal.pipeline_integrations WHERE id = $1', [added])).rows[0]!.created_at;
    assert.equal(started.until, installedAt.toISOString(), 'until defaults to when the integration was added');
    const done = await waitUntil(async () => {
      const replay = await replayOf(signal, started.id);
      return replay.status === 'done' && replay;
    }, 'the replay done', 30_000);
    assert.deepEqual({ scanned: done.scanned, queued: done.queued, reason: done.reason }, { scanned: 2100, queued: 2100, reason: null }, 'the repeat of bf-7 that deduplication held back stays back');
    const received = bodyIds(await sim.waitFor((list) => bodyIds(list).length >= 2101, 30_000, { path: '/replay-added' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bodyIds(sim.requests({ path: '/replay-added' })).length, 2101);
    assert.equal(new Set(received).size, 2101, 'each event once, the live one included');
    assert.equal(bodyIds(sim.requests({ path: '/replay-existing' })).length, 2101, 'the other integration gets nothing again');
    const { body: listed } = await signal.graphql<{ eventReplays: Replay[] }>(`query($id: ID!) { eventReplays(integrationId: $id) { id status } }`, { id: added });
    assert.deepEqual(listed.data!.eventReplays, [{ id: started.id, status: 'done' }]);
  });

  test('only the range is sent, events delivered before included, through the events\' integrations objects', async () => {
    const pipeline = await signal.pipeline('Range');
    const hook = await install(signal, pipeline.id, '/replay-range');
    await send(pipeline.key, [{ messageId: 'rg-old' }, { messageId: 'rg-new' }, { messageId: 'rg-off', integrations: { All: false } }]);
    await sim.waitFor((list) => bodyIds(list).length >= 2, 15_000, { path: '/replay-range' });
    await signal.pool.query(`UPDATE signal.events SET received_at = now() - interval '2 days' WHERE message_id = 'rg-old'`);
    const { body } = await replayEvents(signal, hook, new Date(Date.now() - 24 * 3600_000).toISOString(), new Date().toISOString());
    const done = await waitUntil(async () => {
      const replay = await replayOf(signal, body.data!.replayEvents.id);
      return replay.status === 'done' && replay;
    }, 'the replay done');
    assert.deepEqual([done.scanned, done.queued], [2, 1], 'rg-off is turned off for this integration');
    await sim.waitFor((list) => bodyIds(list).length >= 3, 15_000, { path: '/replay-range' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(bodyIds(sim.requests({ path: '/replay-range' })).sort(), ['rg-new', 'rg-new', 'rg-old']);
  });

  test('a replayed event carries the remembered traits known at its own time, not those of a later identify call', async () => {
    const pipeline = await signal.pipeline('Traits as of then');
    await install(signal, pipeline.id, '/replay-traits-live');
    // One request each, in order: each fan-out remembers what the one before it learned.
    const calls = [
      { type: 'identify', messageId: 'tr-id-1', traits: { email: 'old@example.com', plan: 'free' } },
      { messageId: 'tr-bought' },
      { type: 'identify', messageId: 'tr-id-2', traits: { email: 'new@example.com' } },
      { messageId: 'tr-returned' },
    ];
    for (const [i, call] of calls.entries()) {
      await send(pipeline.key, [{ userId: 'u-traits', ...call }]);
      await sim.waitFor((list) => bodyIds(list).length >= i + 1, 15_000, { path: '/replay-traits-live' });
    }
    const hook = await install(signal, pipeline.id, '/replay-traits');
    // From the purchase on: the first identify call is not replayed, only remembered.
    const { rows: [purchase] } = await signal.pool.query<{ received_at: Date }>(`SELECT received_at FROM signal.events WHERE message_id = 'tr-bought'`);
    const { body } = await replayEvents(signal, hook, purchase!.received_at.toISOString());
    await waitUntil(async () => (await replayOf(signal, body.data!.replayEvents.id)).status === 'done', 'the replay done');
    await sim.waitFor((list) => bodyIds(list).length >= 3, 15_000, { path: '/replay-traits' });
    const sent = new Map(sim.requests({ path: '/replay-traits' }).flatMap((r) => (r.json as { batch: Array<{ messageId: string; context?: { traits?: unknown } }> }).batch).map((e) => [e.messageId, e.context?.traits]));
    assert.deepEqual(sent.get('tr-bought'), { email: 'old@example.com', plan: 'free' }, 'not the email given after the purchase');
    assert.deepEqual(sent.get('tr-returned'), { email: 'new@example.com', plan: 'free' });
    const live = new Map(sim.requests({ path: '/replay-traits-live' }).flatMap((r) => (r.json as { batch: Array<{ messageId: string; context?: { traits?: unknown } }> }).batch).map((e) => [e.messageId, e.context?.traits]));
    assert.deepEqual(live.get('tr-bought'), sent.get('tr-bought'), 'as the first delivery had it');
  });

  test('bad input is a 4xx naming what is wrong', async () => {
    const pipeline = await signal.pipeline('Replay errors');
    const hook = await install(signal, pipeline.id, '/replay-errors');
    const code = (result: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) => [result.body.errors?.[0]?.extensions?.signalCode, result.body.errors?.[0]?.message, (result.body.errors?.[0]?.extensions?.fields as Array<{ field: string }> | undefined)?.[0]?.field];
    const yesterday = await replayEvents(signal, hook, 'yesterday');
    assert.equal(yesterday.status, 400);
    const [badSince, sinceMessage, sinceField] = code(yesterday);
    assert.equal(badSince, 'SIGNAL_VALIDATION_FAILED');
    assert.equal(sinceField, 'since');
    assert.match(String(sinceMessage), /since must be an ISO 8601 date-time/);
    const [badUntil, , untilField] = code(await replayEvents(signal, hook, '2026-11-02T00:00:00Z', '2026-02-31T00:00:00Z'));
    assert.equal(badUntil, 'SIGNAL_VALIDATION_FAILED');
    assert.equal(untilField, 'until');
    const [reversed, reversedMessage] = code(await replayEvents(signal, hook, '2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z'));
    assert.equal(reversed, 'SIGNAL_VALIDATION_FAILED');
    assert.match(String(reversedMessage), /since .* must be before until/);
    const [future, futureMessage, futureField] = code(await replayEvents(signal, hook, '2026-11-01T00:00:00Z', new Date(Date.now() + 3600_000).toISOString()));
    assert.deepEqual([future, futureField], ['SIGNAL_VALIDATION_FAILED', 'until']);
    assert.match(String(futureMessage), /is in the future/);
    const [afterInstall, afterInstallMessage] = code(await replayEvents(signal, hook, new Date(Date.now() + 1000).toISOString()));
    assert.equal(afterInstall, 'SIGNAL_VALIDATION_FAILED');
    assert.match(String(afterInstallMessage), /is not before the integration was added to the pipeline .*: give until/);
    const hoursOnly = await replayEvents(signal, hook, '2026-11-01T00:00+02', '2026-11-01T06:00-0530');
    assert.deepEqual([hoursOnly.body.data?.replayEvents.since, hoursOnly.body.data?.replayEvents.until], ['2026-10-31T22:00:00.000Z', '2026-11-01T11:30:00.000Z'], JSON.stringify(hoursOnly.body));
    const [yearZero, , yearZeroField] = code(await replayEvents(signal, hook, '0000-01-01'));
    assert.deepEqual([yearZero, yearZeroField], ['SIGNAL_VALIDATION_FAILED', 'since']);
    // Without a zone: UTC, whatever the database session's time zone.
    const utc = await replayEvents(signal, hook, '2026-11-01', '2026-11-02T12:30');
    assert.deepEqual([utc.body.data?.replayEvents.since, utc.body.data?.replayEvents.until], ['2026-11-01T00:00:00.000Z', '2026-11-02T12:30:00.000Z']);
    const [unknown, , unknownField] = code(await replayEvents(signal, '00000000-0000-4000-8000-000000000000', '2026-11-01T00:00:00Z'));
    assert.deepEqual([unknown, unknownField], ['SIGNAL_NOT_FOUND', 'integrationId']);
    const [notAnId, , notAnIdField] = code(await replayEvents(signal, 'nope', '2026-11-01T00:00:00Z'));
    assert.deepEqual([notAnId, notAnIdField], ['SIGNAL_VALIDATION_FAILED', 'integrationId']);
    await signal.services.integrations.setEnabled(hook, false);
    const [disabled, disabledMessage] = code(await replayEvents(signal, hook, '2026-11-01T00:00:00Z'));
    assert.equal(disabled, 'SIGNAL_CONFLICT');
    assert.match(String(disabledMessage), /is disabled: enable it/);
    const missing = await signal.graphql(`query { eventReplay(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    assert.equal(missing.body.errors?.[0]?.extensions?.signalCode, 'SIGNAL_NOT_FOUND');
  });
});

describe('replays without a worker, then with one', () => {
  test('a running replay can be cancelled; one whose integration is disabled stops, one whose slice keeps failing fails; both resume', { timeout: 90_000 }, async () => {
    // An admin-only node: its replays wait in the queue until a worker process starts.
    const admin = await startTestSignal({ SIGNAL_ROLES: 'admin', SIGNAL_RETRY_TIME_SCALE: '0.01' }, { plugins: pluginSet(webhook), label: 'replaysadmin' });
    let worker: Awaited<ReturnType<typeof startSignalProcess>> | undefined;
    try {
      const pipeline = await admin.pipeline('Stopped');
      const hook = await install(admin, pipeline.id, '/replay-stopped');
      await admin.pool.query(
        `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
         SELECT $1, 'st-' || g, 'track', now() - interval '1 hour', json_build_object('type', 'track', 'event', 'E', 'userId', 'u', 'messageId', 'st-' || g, 'receivedAt', now(), 'context', '{}'::json)
           FROM generate_series(1, 3) AS g`,
        [pipeline.id],
      );
      const since = new Date(Date.now() - 2 * 3600_000).toISOString();
      const until = new Date(Date.now() - 1800_000).toISOString();
      const cancelled = (await replayEvents(admin, hook, since, until)).body.data!.replayEvents;
      assert.equal(cancelled.status, 'running');
      const { body } = await admin.graphql<{ cancelEventReplay: Replay }>(`mutation($id: ID!) { cancelEventReplay(id: $id) { ${FIELDS} } }`, { id: cancelled.id });
      assert.equal(body.data!.cancelEventReplay.status, 'cancelled');
      assert.equal(body.data!.cancelEventReplay.reason, 'cancelled by an admin');
      const stopped = (await replayEvents(admin, hook, since, until)).body.data!.replayEvents;
      // Written after the replay started, received within its range (which ends within the
      // hour): an id above every one stored when it started, walked all the same.
      await admin.pool.query(
        `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
         VALUES ($1, 'st-4', 'track', now() - interval '45 minutes', json_build_object('type', 'track', 'event', 'E', 'userId', 'u', 'messageId', 'st-4', 'context', '{}'::json))`,
        [pipeline.id],
      );
      await admin.services.integrations.setEnabled(hook, false);
      worker = await startSignalProcess({ DATABASE_URL: admin.db.url, SIGNAL_DATA_DIR: admin.config.dataDir, SIGNAL_ROLES: 'worker', SIGNAL_PLUGIN_CONFIG: 'test/helpers/webhook.plugin.config.ts' });
      const ended = await waitUntil(async () => {
        const replay = await replayOf(admin, stopped.id);
        return replay.status !== 'running' && replay;
      }, 'the replay ended', 30_000);
      assert.equal(ended.status, 'stopped');
      assert.match(String(ended.reason), /integration was disabled: resume the replay/);
      assert.equal((await replayOf(admin, cancelled.id)).status, 'cancelled', 'a cancelled replay stays cancelled');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(sim.requests({ path: '/replay-stopped' }).length, 0);
      // Resumed once the integration is enabled again: it goes on from where it stopped.
      const refused = await admin.graphql(`mutation($id: ID!) { resumeEventReplay(id: $id) { id } }`, { id: stopped.id });
      assert.equal(refused.body.errors?.[0]?.extensions?.signalCode, 'SIGNAL_CONFLICT');
      await admin.services.integrations.setEnabled(hook, true);
      const resumed = await admin.graphql<{ resumeEventReplay: Replay }>(`mutation($id: ID!) { resumeEventReplay(id: $id) { ${FIELDS} } }`, { id: stopped.id });
      assert.deepEqual([resumed.body.data?.resumeEventReplay.status, resumed.body.data?.resumeEventReplay.reason], ['running', null]);
      await waitUntil(async () => (await replayOf(admin, stopped.id)).status === 'done', 'the resumed replay done', 30_000);
      await sim.waitFor((list) => bodyIds(list).length >= 4, 15_000, { path: '/replay-stopped' });
      assert.deepEqual(bodyIds(sim.requests({ path: '/replay-stopped' })).sort(), ['st-1', 'st-2', 'st-3', 'st-4']);

      // A slice that fails every try (here the database refuses the replay's progress) ends
      // the replay as failed, with the error; resumed after the cause is gone, it completes.
      await admin.pool.query(`CREATE FUNCTION signal.refuse_progress() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.scanned <> OLD.scanned THEN RAISE EXCEPTION 'progress refused (test)'; END IF; RETURN NEW; END $$`);
      await admin.pool.query(`CREATE TRIGGER refuse_progress BEFORE UPDATE ON signal.event_replays FOR EACH ROW EXECUTE FUNCTION signal.refuse_progress()`);
      const failing = (await replayEvents(admin, hook, since, until)).body.data!.replayEvents;
      await admin.pool.query(`UPDATE pgboss.job SET retry_limit = 1, retry_delay = 0, retry_backoff = false WHERE name = 'replay' AND data->>'replayId' = $1`, [failing.id]);
      const failed = await waitUntil(async () => {
        const replay = await replayOf(admin, failing.id);
        return replay.status === 'failed' && replay;
      }, 'the replay failed', 30_000);
      assert.match(String(failed.reason), /^a slice failed 2 times \(progress refused \(test\)\): resume the replay/);
      await admin.pool.query('DROP TRIGGER refuse_progress ON signal.event_replays');
      await admin.graphql(`mutation($id: ID!) { resumeEventReplay(id: $id) { id } }`, { id: failing.id });
      const completed = await waitUntil(async () => {
        const replay = await replayOf(admin, failing.id);
        return replay.status === 'done' && replay;
      }, 'the resumed replay done', 30_000);
      assert.deepEqual([completed.scanned, completed.queued], [4, 4]);
    } finally {
      if (worker) assert.equal(await worker.stop(), 0, worker.output());
      await admin.close();
    }
  });
});

test('the retention prune leaves the events a running replay has still to walk', async () => {
  const admin = await startTestSignal({ SIGNAL_ROLES: 'admin' }, { plugins: pluginSet(webhook), label: 'replaysprune' });
  try {
    const pipeline = await admin.pipeline('Pruned');
    const hook = await install(admin, pipeline.id, '/replay-pruned');
    await admin.pool.query(
      `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload)
       SELECT $1, 'pr-' || g, 'track', now() - interval '3 hours', json_build_object('type', 'track', 'event', 'E', 'userId', 'u', 'messageId', 'pr-' || g, 'context', '{}'::json)
         FROM generate_series(1, 3) AS g`,
      [pipeline.id],
    );
    // Dispatched and delivered long ago, as far as the prune can tell: nothing else keeps them.
    await admin.pool.query('UPDATE signal.ingest_cursor SET last_xid = pg_current_xact_id(), last_id = 0');
    const replay = (await replayEvents(admin, hook, new Date(Date.now() - 4 * 3600_000).toISOString(), new Date(Date.now() - 2 * 3600_000).toISOString())).body.data!.replayEvents;
    assert.equal(replay.status, 'running', 'no worker walks it here');
    const events = createEventStore(admin.pool, { bossSchema: 'pgboss' });
    const left = async () => (await admin.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM signal.events WHERE message_id LIKE 'pr-%'`)).rows[0]!.n;
    await events.prune(1);
    assert.equal(await left(), 3, 'kept for the replay');
    await admin.graphql(`mutation($id: ID!) { cancelEventReplay(id: $id) { id } }`, { id: replay.id });
    await events.prune(1);
    assert.equal(await left(), 0, 'pruned once no replay needs them');
  } finally {
    await admin.close();
  }
});
