import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CanonicalEvent } from './canonical-event.ts';
import { createGroupCommitter, type AcceptedEvent } from './group-commit.ts';
import { isRefusedData } from '../db/refused-data.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

let db: MigratedDatabase;
let pool: Pool;
const pipelineId = randomUUID();

before(async () => {
  db = await createMigratedDatabase('groupcommit', 6);
  pool = db.pool;
});
after(() => db.close());

function accepted(messageId: string): AcceptedEvent {
  const event = { type: 'track', event: 'Test', userId: 'u1', messageId, receivedAt: new Date().toISOString(), context: {} } as CanonicalEvent;
  return { pipelineId, event };
}

/** The message ids each statement stored (events of one statement share a transaction id). */
async function statements(prefix: string): Promise<string[][]> {
  const { rows } = await pool.query<{ ids: string[] }>(
    `SELECT array_agg(message_id ORDER BY id) AS ids FROM signal.events WHERE message_id LIKE $1 GROUP BY xid ORDER BY min(id)`,
    [`${prefix}-%`],
  );
  return rows.map((r) => r.ids);
}

/** Holds every INSERT into the events table until the returned function is called. */
async function blockInserts(): Promise<() => Promise<void>> {
  const blocker = await pool.connect();
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE signal.events IN SHARE MODE');
  return async () => {
    await blocker.query('COMMIT');
    blocker.release();
  };
}

test('events arriving while a statement runs are written together by the next one', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 0, maxEvents: 100 });
  const release = await blockInserts();
  const first = committer.submit([accepted('clock-0')]);
  await waitUntil(async () => committer.stats().inFlight === 1, 'the first statement in flight', 2_000);
  const rest = [1, 2, 3, 4, 5].map((i) => committer.submit([accepted(`clock-${i}`)]));
  assert.equal(committer.stats().inFlight, 1, 'a group that is not full waits for the statement running');
  await release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(await statements('clock'), [['clock-0'], ['clock-1', 'clock-2', 'clock-3', 'clock-4', 'clock-5']]);
  assert.deepEqual(committer.stats(), { groups: 2, events: 6, pendingEvents: 0, inFlight: 0 });
});

test('a full group waiting starts a second statement alongside the one running', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 0, maxEvents: 2, maxInFlight: 2 });
  const release = await blockInserts();
  const submitted = [committer.submit([accepted('full-0')])];
  await waitUntil(async () => committer.stats().inFlight === 1, 'the first statement in flight', 2_000);
  submitted.push(committer.submit([accepted('full-1'), accepted('full-2')]));
  assert.equal(committer.stats().inFlight, 2);
  // Both slots are taken: a third full group waits.
  submitted.push(committer.submit([accepted('full-3'), accepted('full-4')]));
  assert.equal(committer.stats().inFlight, 2);
  assert.equal(committer.stats().pendingEvents, 2);
  await release();
  await Promise.all(submitted);
  const written = await statements('full');
  assert.equal(written.length, 3);
  assert.deepEqual(written.flat().sort(), ['full-0', 'full-1', 'full-2', 'full-3', 'full-4']);
});

test('a request is never split across statements, even when it alone exceeds maxEvents', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 0, maxEvents: 3 });
  const release = await blockInserts();
  const submitted = [committer.submit([accepted('whole-0')])];
  await waitUntil(async () => committer.stats().inFlight === 1, 'the first statement in flight', 2_000);
  submitted.push(committer.submit([accepted('whole-1'), accepted('whole-2')]));
  submitted.push(committer.submit([accepted('whole-3'), accepted('whole-4')]));
  submitted.push(committer.submit(['whole-5', 'whole-6', 'whole-7', 'whole-8'].map(accepted)));
  await release();
  await Promise.all(submitted);
  // Full groups waiting started statements alongside: they commit in any order.
  const written = (await statements('whole')).sort((x, y) => x[0]!.localeCompare(y[0]!));
  assert.deepEqual(written, [
    ['whole-0'],
    ['whole-1', 'whole-2'],
    ['whole-3', 'whole-4'],
    ['whole-5', 'whole-6', 'whole-7', 'whole-8'],
  ]);
});

test('an idle committer with an interval waits that long to gather a group', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 50, maxEvents: 100 });
  const submitted = [committer.submit([accepted('wait-0')])];
  await new Promise((resolve) => setTimeout(resolve, 10));
  submitted.push(committer.submit([accepted('wait-1')]));
  await Promise.all(submitted);
  assert.deepEqual(await statements('wait'), [['wait-0', 'wait-1']]);
});

test('values PostgreSQL refuses fail only the request that carries them; the rest of its group is stored', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 0, maxEvents: 100 });
  const release = await blockInserts();
  const first = committer.submit([accepted('refused-0')]);
  await waitUntil(async () => committer.stats().inFlight === 1, 'the first statement in flight', 2_000);
  // These four form one group: a NUL that `text` cannot hold (SQLSTATE 22021) and a pipeline id
  // that is not a UUID (refused before sending) travel with two valid requests.
  const before = committer.submit([accepted('refused-1')]);
  const nul = committer.submit([accepted('refused-\u0000')]);
  const notUuid = committer.submit([{ ...accepted('refused-2'), pipelineId: 'not-a-uuid' }]);
  const after = committer.submit([accepted('refused-3'), accepted('refused-4')]);
  const refused = [
    assert.rejects(nul, (error: Error & { code?: string }) => error.code === '22021' && isRefusedData(error)),
    assert.rejects(notUuid, (error: Error) => /not a UUID: not-a-uuid/.test(error.message) && isRefusedData(error)),
  ];
  await release();
  await Promise.all([first, before, after, ...refused]);
  assert.deepEqual((await statements('refused')).flat(), ['refused-0', 'refused-1', 'refused-3', 'refused-4']);
});

test('a statement that cannot run rejects its whole group; the next group is written', async () => {
  // A statement timeout stands for an outage: nothing in the values is at fault.
  const url = new URL(db.url);
  url.searchParams.set('options', '-c statement_timeout=200');
  const impatient = createPool(url.href, 2);
  try {
    const committer = createGroupCommitter({ pool: impatient, intervalMs: 0, maxEvents: 100 });
    const release = await blockInserts();
    const submitted = [committer.submit([accepted('timeout-0')])];
    await waitUntil(async () => committer.stats().inFlight === 1, 'the first statement in flight', 2_000);
    // These two form the next group, which times out as a whole and is not split.
    submitted.push(committer.submit([accepted('timeout-1')]), committer.submit([accepted('timeout-2')]));
    await Promise.all(submitted.map((request) => assert.rejects(request, (error: Error & { code?: string }) => error.code === '57014' && !isRefusedData(error))));
    await release();
    assert.equal(committer.stats().groups, 0, 'no statement succeeded');
    await committer.submit([accepted('timeout-3')]);
    assert.deepEqual((await statements('timeout')).flat(), ['timeout-3']);
  } finally {
    await impatient.end();
  }
});

test('flush() writes what is pending and waits for the statements in flight', async () => {
  const committer = createGroupCommitter({ pool, intervalMs: 60_000, maxEvents: 100 });
  const submitted = committer.submit([accepted('flush-0')]);
  await committer.flush();
  await submitted;
  assert.deepEqual(await statements('flush'), [['flush-0']]);
});
