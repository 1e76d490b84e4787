import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import webhook from '../plugins/webhook/index.ts';
import { pluginSet } from './helpers/fixture-plugin.ts';
import { startTestSignal, type TestSignal } from './helpers/signal.ts';

// An admin node without a worker: replayed events stay in their queue, where the test counts
// them, instead of being delivered.
let signal: TestSignal;
let pipeline: { id: string; key: string };
let counter = 0;

before(async () => {
  signal = await startTestSignal({ SIGNAL_ROLES: 'admin' }, { plugins: pluginSet(webhook), label: 'deadletters' });
  pipeline = await signal.pipeline('Dead letters');
});
after(() => signal.close());

async function installHook(enabled = true): Promise<string> {
  const { assignment } = await signal.services.integrations.install({
    vendor: 'webhook', name: `DLQ hook ${++counter}`, pipelineId: pipeline.id, consentCategories: [], enabled,
    config: { url: 'https://hooks.example.com/dead-letters' },
  });
  return assignment!.id;
}

/** `count` dead letters written straight into the table, each event carrying `padding` characters. */
async function insertDeadLetters(integrationId: string, count: number, options: { padding?: number; reason?: string; prefix?: string } = {}): Promise<void> {
  await signal.pool.query(
    `INSERT INTO signal.dead_letters (pipeline_integration_id, pipeline_id, message_id, event, reason, attempts)
     SELECT $1, $2, $3 || g, json_build_object('type', 'track', 'event', 'Order Completed', 'userId', 'u-1', 'messageId', $3 || g,
              'properties', json_build_object('padding', repeat('x', $4))), $5, 6
       FROM generate_series(1, $6::int) AS g`,
    [integrationId, pipeline.id, options.prefix ?? `m${counter}-`, options.padding ?? 0, options.reason ?? 'HTTP 500', count],
  );
}

function rest(path: string, token: string | null = signal.adminToken): Promise<Response> {
  return fetch(`${signal.adminUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

async function exportLines(integrationId: string, query = ''): Promise<Array<{ id: number; messageId: string; reason: string }>> {
  const res = await rest(`/v1/admin/integrations/${integrationId}/dead-letters/export${query}`);
  assert.equal(res.status, 200, query);
  const text = await res.text();
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: number; messageId: string; reason: string });
}

async function deadLetterCount(integrationId: string): Promise<number> {
  return signal.delivery.list(integrationId, {}, 1).then((page) => page.total);
}

// The runner starts each file without flags: gc() is exposed here to measure what is alive.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The live JavaScript heap after a full collection (strings live there, the export's among them). */
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('export', () => {
  test('the REST export streams 50 MB of dead letters in bounded memory; GraphQL refuses that size, naming the REST route', async () => {
    const id = await installHook();
    const rows = 6000;
    await insertDeadLetters(id, rows, { padding: 8 * 1024 });

    const baseline = liveHeap();
    const res = await rest(`/v1/admin/integrations/${id}/dead-letters/export`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="dead-letters-.*\.ndjson"/);
    // Server and client share this process: half-way through, what is alive is what the
    // server holds (one page, the socket's buffers), not the half already sent.
    let bytes = 0;
    let lines = 0;
    let grownMidway: number | undefined;
    let firstLine = '';
    let tail = '';
    const decoder = new TextDecoder();
    for await (const part of res.body!) {
      const text = decoder.decode(part, { stream: true });
      if (firstLine === '' && text.includes('\n')) firstLine = (tail + text).slice(0, (tail + text).indexOf('\n'));
      tail = (tail + text).slice(-20_000);
      bytes += part.byteLength;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      if (grownMidway === undefined && lines >= rows / 2) grownMidway = liveHeap() - baseline;
    }
    assert.equal(lines, rows);
    assert.ok(bytes > 6000 * 8 * 1024, `${bytes} bytes`);
    assert.ok(grownMidway! < 16 * 1024 * 1024, `${Math.round(grownMidway! / 1024 / 1024)} MB alive half-way through a ${Math.round(bytes / 1024 / 1024)} MB export`);
    const first = JSON.parse(firstLine) as { messageId: string; event: { properties: { padding: string } } };
    const last = JSON.parse(tail.trimEnd().split('\n').at(-1)!) as { messageId: string };
    assert.equal(first.messageId, `m${counter}-1`, 'oldest first');
    assert.equal(first.event.properties.padding.length, 8 * 1024);
    assert.equal(last.messageId, `m${counter}-${rows}`);

    const tooLarge = await signal.graphql(`query($id: ID!) { exportDeadLetters(integrationId: $id) }`, { id });
    assert.equal(tooLarge.status, 400);
    const error = tooLarge.body.errors![0]!;
    assert.equal(error.extensions!.signalCode, 'SIGNAL_EXPORT_TOO_LARGE');
    assert.match(error.message, /^The export of 6000 dead letters is larger than 10 MB, the most exportDeadLetters returns: stream it with GET \/v1\/admin\/integrations\/[0-9a-f-]+\/dead-letters\/export/);
    // A narrower filter fits.
    const small = await signal.graphql<{ exportDeadLetters: string }>(`query($id: ID!) { exportDeadLetters(integrationId: $id, filter: { messageId: "m${counter}-7" }) }`, { id });
    assert.equal(small.body.data!.exportDeadLetters.split('\n').length, 2, JSON.stringify(small.body.errors));
    await signal.delivery.purge(id, {});
  });

  test('the REST export takes the GraphQL filters, renders the same lines, and names bad input', async () => {
    const id = await installHook();
    await insertDeadLetters(id, 3, { reason: 'HTTP 401: token expired', prefix: 'auth-' });
    await insertDeadLetters(id, 2, { reason: 'HTTP 500', prefix: 'down-' });
    const all = await exportLines(id);
    assert.deepEqual(all.map((l) => l.messageId), ['auth-1', 'auth-2', 'auth-3', 'down-1', 'down-2']);
    const graphql = await signal.graphql<{ exportDeadLetters: string }>(`query($id: ID!) { exportDeadLetters(integrationId: $id) }`, { id });
    assert.equal(graphql.body.data!.exportDeadLetters, `${all.map((l) => JSON.stringify(l)).join('\n')}\n`, 'the same NDJSON over both APIs');

    assert.deepEqual((await exportLines(id, '?reason_contains=TOKEN')).map((l) => l.messageId), ['auth-1', 'auth-2', 'auth-3']);
    assert.deepEqual((await exportLines(id, '?message_id=down-2')).map((l) => l.messageId), ['down-2']);
    assert.deepEqual((await exportLines(id, `?ids=${all[0]!.id},${all[4]!.id}`)).map((l) => l.messageId), ['auth-1', 'down-2']);
    assert.deepEqual((await exportLines(id, `?ids=${all[1]!.id}&ids=${all[2]!.id}`)).map((l) => l.messageId), ['auth-2', 'auth-3']);
    assert.equal((await exportLines(id, '?since=2024-02-29&until=2099-12-31T23:59:59Z')).length, 5);
    assert.deepEqual(await exportLines(id, '?since=2099-01-01'), [], 'nothing matching: an empty body');

    for (const [query, field, status] of [
      ['?since=last%20week', 'since', 400],
      ['?until=2024-02-31', 'until', 400],
      ['?since=2026-11-30&until=2026-11-29', 'until', 400],
      ['?reason_contains=', 'reason_contains', 400],
      ['?ids=1,abc', 'ids[1]', 400],
      // A misspelt criterion would have exported everything: named instead.
      ['?reasonContains=401', 'querystring', 400],
    ] as const) {
      const res = await rest(`/v1/admin/integrations/${id}/dead-letters/export${query}`);
      assert.equal(res.status, status, query);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, query);
      const body = await res.json() as { error: { code: string; fields: Array<{ field: string }> } };
      assert.equal(body.error.code, 'SIGNAL_VALIDATION_FAILED', query);
      assert.equal(body.error.fields[0]!.field, field, query);
      if (field === 'querystring') assert.match(JSON.stringify(body.error), /unknown field \\"reasonContains\\"/);
    }
    const unknown = await rest('/v1/admin/integrations/00000000-0000-4000-8000-000000000000/dead-letters/export');
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json() as { error: { code: string } }).error.code, 'SIGNAL_NOT_FOUND');
    assert.equal((await rest('/v1/admin/integrations/nope/dead-letters/export')).status, 400);
    const anonymous = await rest(`/v1/admin/integrations/${id}/dead-letters/export`, null);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json() as { error: { code: string } }).error.code, 'SIGNAL_ADMIN_UNAUTHORIZED');
  });
});

describe('which integration', () => {
  test('an unknown id, or the template id install returns beside the assignment\'s, is a 404 saying which; a deleted integration\'s dead letters stay readable', async () => {
    const ask = (query: string, id: string) => signal.graphql<unknown>(query, { id });
    const listQuery = 'query($id: ID!) { deadLetters(integrationId: $id) { total } }';
    const logQuery = 'query($id: ID!) { deliveryLog(integrationId: $id) { id } }';
    const unknown = await ask(listQuery, '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    const { template, assignment } = await signal.services.integrations.install({
      vendor: 'webhook', name: 'Which id', pipelineId: pipeline.id, consentCategories: [], config: { url: 'https://hooks.example.com/which' },
    });
    for (const query of [listQuery, logQuery]) {
      const byTemplate = await ask(query, template.id);
      assert.equal(byTemplate.status, 404, query);
      assert.match((byTemplate.body as { errors: Array<{ message: string }> }).errors[0]!.message, new RegExp(`is an integration \\(template\\) id; .*per pipeline integration, here ${assignment!.id}`));
      assert.equal((await ask(query, assignment!.id)).status, 200, 'the assignment id, with nothing yet');
    }
    await insertDeadLetters(assignment!.id, 2);
    await signal.services.integrations.setEnabled(assignment!.id, false);
    await signal.services.integrations.removeTemplate(template.id);
    assert.deepEqual((await ask(listQuery, assignment!.id)).body, { data: { deadLetters: { total: 2 } } }, 'kept until their retention, and listed');
  });
});

describe('replay', () => {
  interface Replayed { replayed: number; skippedForConsent: number; remaining: number }
  const replay = async (id: string, args = '') => signal.graphql<{ replayDeadLetters: Replayed }>(
    `mutation($id: ID!) { replayDeadLetters(integrationId: $id${args}) { replayed skippedForConsent remaining } }`, { id });

  test('without a limit, every matching dead letter is replayed — past 10,000 — one transaction per 1,000', async () => {
    const id = await installHook();
    await insertDeadLetters(id, 10_005);
    const res = await replay(id);
    assert.deepEqual(res.body.data?.replayDeadLetters, { replayed: 10_005, skippedForConsent: 0, remaining: 0 }, JSON.stringify(res.body.errors));
    assert.equal(await deadLetterCount(id), 0);
    const depth = await signal.delivery.queueDepth(id);
    assert.equal(depth.events, 10_005, 'all in the queue');
    // Jobs of one chunk share their transaction id: 10 chunks of 1,000 and one of 5.
    const { rows } = await signal.pool.query<{ transactions: number; jobs: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS transactions, count(*)::int AS jobs FROM "${signal.config.bossSchema}".job WHERE name = $1`, [`delivery.${id}`]);
    assert.deepEqual(rows[0], { transactions: 11, jobs: 21 });
  });

  test('a limit replays the oldest that many and says how many remain', async () => {
    const id = await installHook();
    await insertDeadLetters(id, 5);
    assert.deepEqual((await replay(id, ', limit: 3')).body.data?.replayDeadLetters, { replayed: 3, skippedForConsent: 0, remaining: 2 });
    assert.deepEqual((await exportLines(id)).map((l) => l.messageId), [`m${counter}-4`, `m${counter}-5`]);
    assert.deepEqual((await replay(id)).body.data?.replayDeadLetters, { replayed: 2, skippedForConsent: 0, remaining: 0 });
    const zero = await replay(id, ', limit: 0');
    assert.equal(zero.status, 400);
    assert.deepEqual(zero.body.errors![0]!.extensions!.fields, [{ field: 'limit', message: 'must be at least 1' }]);
  });

  test('into a disabled integration — never enabled, or disabled later — is a 409 naming it; nothing leaves the dead-letter table', async () => {
    const never = await installHook(false);
    await insertDeadLetters(never, 2);
    const refused = await replay(never);
    assert.equal(refused.status, 409);
    const error = refused.body.errors![0]!;
    assert.equal(error.extensions!.code, 'CONFLICT');
    assert.equal(error.message, `Integration "DLQ hook ${counter}" (${never}) is disabled: enable it (setIntegrationEnabled) before replaying its dead letters; they stay in the dead-letter queue until then`);
    assert.equal(await deadLetterCount(never), 2);
    await signal.services.integrations.setEnabled(never, true);
    assert.deepEqual((await replay(never)).body.data?.replayDeadLetters, { replayed: 2, skippedForConsent: 0, remaining: 0 }, 'enabled: replayed into its new queue');

    const later = await installHook();
    await insertDeadLetters(later, 1);
    await signal.services.integrations.setEnabled(later, false);
    assert.equal((await replay(later)).status, 409);
    assert.equal(await deadLetterCount(later), 1);
    const missing = await replay('00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
  });
});
