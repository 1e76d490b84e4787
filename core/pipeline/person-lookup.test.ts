import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { createPipelineService } from '../services/pipelines.ts';
import { createPersonLookup } from './person-lookup.ts';

let db: MigratedDatabase;
let pipelineId: string;
let otherPipelineId: string;

/** Stores an event of `pipeline` as collect would, received `minutesAgo`. */
async function stored(pipeline: string, messageId: string, payload: Record<string, unknown>, minutesAgo = 10): Promise<void> {
  await db.pool.query(
    'INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, $3, $4, $5)',
    [pipeline, messageId, payload.type ?? 'track', new Date(Date.now() - minutesAgo * 60_000), JSON.stringify({ messageId, ...payload })],
  );
}

before(async () => {
  db = await createMigratedDatabase('person_lookup', 4);
  const pipelines = createPipelineService(db.pool);
  pipelineId = (await pipelines.create('Shop')).pipeline.id;
  otherPipelineId = (await pipelines.create('Blog')).pipeline.id;
  await stored(pipelineId, 'identify', { type: 'identify', userId: 'u-1', anonymousId: 'df-a', traits: { email: ' Jane@Example.com ' } }, 30);
  await stored(pipelineId, 'later-call', { type: 'track', event: 'Order Completed', userId: 'u-1', anonymousId: 'df-a', context: { traits: { email: 'jane@example.com' } } }, 20);
  await stored(pipelineId, 'signed-up', { type: 'track', event: 'Signed Up', anonymousId: 'df-b', properties: { email: 'JANE@EXAMPLE.COM' } }, 5);
  await stored(pipelineId, 'someone-else', { type: 'identify', userId: 'u-2', traits: { email: 'john@example.com' } });
  await stored(pipelineId, 'mentions', { type: 'track', event: 'Shared', userId: 'u-3', properties: { note: 'jane@example.com', friend: { email: 'jane@example.com' } } });
  await stored(otherPipelineId, 'other-pipeline', { type: 'identify', userId: 'u-9', traits: { email: 'jane@example.com' } });
});
after(async () => {
  await db.close();
});

test('the ids sent with an email address, whatever its case and white space, in traits, context.traits or properties; newest first', async () => {
  const found = await createPersonLookup({ pool: db.pool }).find(pipelineId, 'JANE@example.com ');
  assert.equal(found.email, 'jane@example.com');
  assert.equal(found.events, 3);
  assert.equal(found.complete, true);
  assert.equal(found.nextCursor, null);
  assert.equal(found.scanned, 5, "the pipeline's events only");
  assert.equal(found.morePeople, false);
  assert.deepEqual(found.people.map((p) => [p.userId, p.anonymousId, p.events]), [[null, 'df-b', 1], ['u-1', 'df-a', 2]]);
  const [, jane] = found.people;
  assert.ok(jane!.firstSeen < jane!.lastSeen, 'first and last seen of the pair');
});

test('slice by slice within a time budget: an unfinished call answers with a cursor, and the next goes on from it', async () => {
  const lookup = createPersonLookup({ pool: db.pool, sliceSize: 2, budgetMs: 0 });
  const pages = [];
  let page = await lookup.find(pipelineId, 'jane@example.com');
  pages.push(page);
  while (!page.complete) {
    assert.match(page.nextCursor ?? '', /^\d+$/);
    page = await lookup.find(pipelineId, 'jane@example.com', page.nextCursor);
    pages.push(page);
  }
  assert.equal(pages.length, 3, 'two events a slice, one slice a call: 5 events in 3 calls');
  assert.deepEqual(pages.map((p) => p.scanned), [2, 2, 1]);
  assert.equal(pages.reduce((sum, p) => sum + p.events, 0), 3, 'every match found once across the calls');
});

test('an address that is none, a cursor that is none, an unknown pipeline: refused naming the field', async () => {
  const lookup = createPersonLookup({ pool: db.pool });
  await assert.rejects(lookup.find(pipelineId, 'jane'), (error: Error & { code?: string; details?: Array<{ field: string }> }) => {
    assert.equal(error.code, 'SIGNAL_VALIDATION_FAILED');
    assert.match(error.message, /^email must be an email address of at most 254 characters \(got "jane"\)/);
    return true;
  });
  await assert.rejects(lookup.find(pipelineId, 'jane@example.com', 'abc'), /after must be the nextCursor of an earlier answer \(got "abc"\)/);
  await assert.rejects(lookup.find(randomUUID(), 'jane@example.com'), (error: Error & { code?: string }) => error.code === 'SIGNAL_NOT_FOUND');
  await assert.rejects(lookup.find('not-a-uuid', 'jane@example.com'), (error: Error & { code?: string }) => error.code === 'SIGNAL_VALIDATION_FAILED');
});

test('nobody with that address: complete, nothing found', async () => {
  const found = await createPersonLookup({ pool: db.pool }).find(pipelineId, 'nobody@example.com');
  assert.deepEqual([found.events, found.people, found.complete], [0, [], true]);
});
