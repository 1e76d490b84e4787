import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { createEventStore } from '../services/events.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { applyRememberedTraits, identityDigest, MAX_REMEMBERED_TRAITS_BYTES, type TraitsRow } from './remembered-traits.ts';

let db: MigratedDatabase;
let pool: Pool;

before(async () => {
  db = await createMigratedDatabase('traits', 6);
  pool = db.pool;
});
after(async () => {
  await db.close();
});

let nextId = 1;
const execute = (text: string, values: unknown[]) => pool.query(text, values);
function row(pipelineId: string, event: Record<string, unknown>): TraitsRow {
  return { id: nextId++, pipelineId, payload: { messageId: `m-${nextId}`, timestamp: '2026-11-30T12:00:00Z', receivedAt: '2026-11-30T12:00:00Z', context: {}, ...event } as CanonicalEvent };
}
const traitsOf = (changed: Map<number, CanonicalEvent>, r: TraitsRow) => (changed.get(r.id)?.context as { traits?: unknown } | undefined)?.traits;

test('an identify earlier in the batch gives its traits to the events after it, by anonymousId or userId', async () => {
  const pipeline = randomUUID();
  const before = row(pipeline, { type: 'track', event: 'Viewed', anonymousId: 'a-1' });
  const identify = row(pipeline, { type: 'identify', userId: 'u-1', anonymousId: 'a-1', traits: { email: 'jane@example.com', plan: 'pro' } });
  const byAnon = row(pipeline, { type: 'page', anonymousId: 'a-1' });
  const byUser = row(pipeline, { type: 'track', event: 'Bought', userId: 'u-1', context: { traits: { plan: 'enterprise' } } });
  const stranger = row(pipeline, { type: 'track', event: 'Viewed', anonymousId: 'a-2' });
  const changed = await applyRememberedTraits([before, identify, byAnon, byUser, stranger], 30, { record: true }, execute);
  assert.deepEqual([...changed.keys()], [byAnon.id, byUser.id], 'not the events before it, the identify itself or a stranger');
  assert.deepEqual(traitsOf(changed, byAnon), { email: 'jane@example.com', plan: 'pro' });
  assert.deepEqual(traitsOf(changed, byUser), { email: 'jane@example.com', plan: 'enterprise' }, "the event's own traits win");
  assert.equal(byUser.payload.context?.traits?.email, undefined, 'the stored event is not changed');
});

test('remembered across fan-outs, merged with newer keys winning, per pipeline; the user\'s win over the visitor\'s', async () => {
  const pipeline = randomUUID();
  await applyRememberedTraits([row(pipeline, { type: 'identify', anonymousId: 'v-1', traits: { email: 'old@example.com', city: 'Leeds' } })], 30, { record: true }, execute);
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-9', traits: { email: 'new@example.com' } })], 30, { record: true }, execute);
  await applyRememberedTraits([row(pipeline, { type: 'identify', anonymousId: 'v-1', traits: { phone: '+447700900123' } })], 30, { record: true }, execute);
  const later = row(pipeline, { type: 'track', event: 'Bought', userId: 'u-9', anonymousId: 'v-1' });
  const elsewhere = row(randomUUID(), { type: 'track', event: 'Bought', userId: 'u-9', anonymousId: 'v-1' });
  const changed = await applyRememberedTraits([later, elsewhere], 30, { record: true }, execute);
  assert.deepEqual(traitsOf(changed, later), { email: 'new@example.com', city: 'Leeds', phone: '+447700900123' });
  assert.equal(changed.has(elsewhere.id), false, 'another pipeline remembers its own');
  const { rows } = await pool.query('SELECT identity_digest FROM signal.remembered_traits WHERE pipeline_id = $1 ORDER BY identity_digest', [pipeline]);
  assert.deepEqual(rows.map((r) => (r.identity_digest as Buffer).toString('hex')).sort(), [identityDigest('anonymous', 'v-1'), identityDigest('user', 'u-9')].map((d) => d.toString('hex')).sort(), 'ids kept as digests');
});

test('a replay (record: false) adds what is remembered and records nothing; 0 days turns it off', async () => {
  const pipeline = randomUUID();
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-r', traits: { email: 'now@example.com' } })], 30, { record: true }, execute);
  const oldIdentify = row(pipeline, { type: 'identify', userId: 'u-r', traits: { email: 'then@example.com' } });
  const oldTrack = row(pipeline, { type: 'track', event: 'Bought', userId: 'u-r' });
  const replayed = await applyRememberedTraits([oldIdentify, oldTrack], 30, { record: false }, execute);
  assert.deepEqual(traitsOf(replayed, oldTrack), { email: 'then@example.com' }, 'within the replay, its own identify counts');
  const after = await applyRememberedTraits([row(pipeline, { type: 'track', event: 'Bought', userId: 'u-r' })], 30, { record: true }, execute);
  assert.deepEqual([...after.values()].map((e) => e.context?.traits), [{ email: 'now@example.com' }], 'the memory kept the newer email');
  assert.equal((await applyRememberedTraits([row(pipeline, { type: 'track', event: 'Bought', userId: 'u-r' })], 0, { record: true }, execute)).size, 0);
});

test('expired traits are neither added nor merged into; the prune forgets them; an oversized merge starts again', async () => {
  const pipeline = randomUUID();
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-old', traits: { email: 'gone@example.com' } })], 30, { record: true }, execute);
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '31 days' WHERE pipeline_id = $1`, [pipeline]);
  assert.equal((await applyRememberedTraits([row(pipeline, { type: 'track', event: 'X', userId: 'u-old' })], 30, { record: true }, execute)).size, 0);
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-old', traits: { plan: 'pro' } })], 30, { record: true }, execute);
  const { rows: [fresh] } = await pool.query('SELECT traits FROM signal.remembered_traits WHERE pipeline_id = $1', [pipeline]);
  assert.deepEqual(fresh!.traits, { plan: 'pro' }, 'the expired email was not merged back');
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '31 days' WHERE pipeline_id = $1`, [pipeline]);
  assert.ok((await createEventStore(pool).pruneTraits(30)) >= 1);
  assert.equal((await pool.query('SELECT 1 FROM signal.remembered_traits WHERE pipeline_id = $1', [pipeline])).rowCount, 0);

  const big = 'x'.repeat(MAX_REMEMBERED_TRAITS_BYTES / 2);
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-big', traits: { a: big } })], 30, { record: true }, execute);
  await applyRememberedTraits([row(pipeline, { type: 'identify', userId: 'u-big', traits: { b: big } })], 30, { record: true }, execute);
  const { rows: [kept] } = await pool.query('SELECT traits FROM signal.remembered_traits WHERE pipeline_id = $1', [pipeline]);
  assert.deepEqual(Object.keys(kept!.traits as object), ['b'], 'too large merged: the newest identify\'s traits only');
});
