import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { createEventStore } from '../services/events.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { forgetTraitsStatement, identityDigest, loadTraitsMemory, MAX_REMEMBERED_TRAITS_BYTES, type TraitsPresence, type TraitsRow } from './remembered-traits.ts';

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
const statements: string[] = [];
const execute = (text: string, values: unknown[]) => (statements.push(text), pool.query(text, values));
function row(pipelineId: string, event: Record<string, unknown>, id = nextId++): TraitsRow {
  return { id, pipelineId, event: { messageId: `m-${id}`, timestamp: '2026-11-30T12:00:00Z', receivedAt: '2026-11-30T12:00:00Z', context: {}, ...event } as CanonicalEvent };
}

/** A fan-out's use of the memory: rows in order, each enriched, identify calls then remembered; returns the events it changed. */
async function fanOut(rows: TraitsRow[], options: { days?: number; record?: boolean; asOfEvents?: boolean; presence?: TraitsPresence } = {}): Promise<Map<number, CanonicalEvent>> {
  const memory = await loadTraitsMemory(rows, options.days ?? 30, { record: options.record ?? true, asOfEvents: options.asOfEvents ?? false }, execute, options.presence);
  const changed = new Map<number, CanonicalEvent>();
  for (const r of rows) {
    const event = memory.enrich(r);
    if (event !== r.event) changed.set(r.id, event);
    if (r.event.type === 'identify') memory.remember({ ...r, event });
  }
  await memory.flush();
  return changed;
}
const traitsOf = (changed: Map<number, CanonicalEvent>, r: TraitsRow) => changed.get(r.id)?.context?.traits;
const stored = async (pipelineId: string) => (await pool.query('SELECT traits FROM signal.remembered_traits WHERE pipeline_id = $1', [pipelineId])).rows.map((r) => r.traits as Record<string, unknown>);

test("an identify's traits reach the person's later events, in the same fan-out too; the event's own traits win", async () => {
  const pipeline = randomUUID();
  const earlier = row(pipeline, { type: 'track', event: 'Viewed', userId: 'u-1' });
  const identify = row(pipeline, { type: 'identify', userId: 'u-1', anonymousId: 'a-1', traits: { email: 'jane@example.com', plan: 'pro' } });
  const page = row(pipeline, { type: 'page', userId: 'u-1', anonymousId: 'a-1' });
  const own = row(pipeline, { type: 'track', event: 'Bought', userId: 'u-1', context: { traits: { plan: 'enterprise' } } });
  const changed = await fanOut([earlier, identify, page, own]);
  assert.deepEqual([...changed.keys()], [page.id, own.id], 'not the event before it');
  assert.deepEqual(traitsOf(changed, page), { email: 'jane@example.com', plan: 'pro' });
  assert.deepEqual(traitsOf(changed, own), { email: 'jane@example.com', plan: 'enterprise' });
  assert.equal(own.event.context?.traits?.email, undefined, 'the stored event is not changed');
  const later = row(pipeline, { type: 'track', event: 'Returned', userId: 'u-1' });
  assert.deepEqual(traitsOf(await fanOut([later]), later), { email: 'jane@example.com', plan: 'pro' }, 'and in a later fan-out');
  const other = row(randomUUID(), { type: 'track', event: 'Returned', userId: 'u-1' });
  assert.equal((await fanOut([other])).size, 0, 'another pipeline remembers its own');
  const { rows } = await pool.query('SELECT identity_digest FROM signal.remembered_traits WHERE pipeline_id = $1', [pipeline]);
  assert.deepEqual(rows.map((r) => (r.identity_digest as Buffer).toString('hex')), [identityDigest('user', 'u-1').toString('hex')], 'the user only, as a digest');
});

test("one person's traits never reach another's events through a shared anonymousId; a visitor's are the identify calls made before any login", async () => {
  const pipeline = randomUUID();
  await fanOut([row(pipeline, { type: 'identify', userId: 'jane', anonymousId: 'device-1', traits: { phone: '+447700900001' } })]);
  const bob = row(pipeline, { type: 'track', event: 'Bought', userId: 'bob', anonymousId: 'device-1' });
  const stranger = row(pipeline, { type: 'track', event: 'Viewed', anonymousId: 'device-1' });
  assert.equal((await fanOut([bob, stranger])).size, 0);
  await fanOut([row(pipeline, { type: 'identify', anonymousId: 'device-2', traits: { email: 'newsletter@example.com' } })]);
  const visitor = row(pipeline, { type: 'page', anonymousId: 'device-2' });
  assert.deepEqual(traitsOf(await fanOut([visitor]), visitor), { email: 'newsletter@example.com' });
  const junk = row(pipeline, { type: 'identify', userId: 'null', anonymousId: 'device-3', traits: { email: 'x@example.com' } });
  const sameDevice = row(pipeline, { type: 'track', event: 'X', userId: 'undefined', anonymousId: 'device-3' });
  assert.deepEqual(traitsOf(await fanOut([junk, sameDevice]), sameDevice), { email: 'x@example.com' }, '"null" is no user: the visitor is');
});

test('merges go in event order, whatever the commit order; a null removes the trait', async () => {
  const pipeline = randomUUID();
  const newer = row(pipeline, { type: 'identify', userId: 'u-o', traits: { email: 'new@example.com', city: 'Leeds' } }, 1_000_002);
  const older = row(pipeline, { type: 'identify', userId: 'u-o', traits: { email: 'old@example.com', plan: 'free' } }, 1_000_001);
  await fanOut([newer]);
  await fanOut([older]); // a job retried after the newer one committed
  assert.deepEqual(await stored(pipeline), [{ email: 'new@example.com', city: 'Leeds', plan: 'free' }]);
  const removal = row(pipeline, { type: 'identify', userId: 'u-o', traits: { city: null } }, 1_000_003);
  const after = row(pipeline, { type: 'track', event: 'X', userId: 'u-o' }, 1_000_004);
  assert.deepEqual(traitsOf(await fanOut([removal, after]), after), { email: 'new@example.com', plan: 'free' }, 'removed in the fan-out');
  assert.deepEqual(await stored(pipeline), [{ email: 'new@example.com', plan: 'free' }], 'and in the memory');
});

test('an identify meant for some integrations only is not remembered; a replay reads but writes nothing; 0 days is off', async () => {
  const pipeline = randomUUID();
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-r', traits: { email: 'secret@example.com' }, integrations: { All: false, Webhook: true } })]);
  assert.deepEqual(await stored(pipeline), []);
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-r', traits: { email: 'now@example.com' } })]);
  const oldIdentify = row(pipeline, { type: 'identify', userId: 'u-r', traits: { email: 'then@example.com' } });
  const oldTrack = row(pipeline, { type: 'track', event: 'Bought', userId: 'u-r' });
  assert.deepEqual(traitsOf(await fanOut([oldIdentify, oldTrack], { record: false }), oldTrack), { email: 'then@example.com' }, 'within the replay, its own identify counts');
  assert.deepEqual(await stored(pipeline), [{ email: 'now@example.com' }], 'the memory kept the newer email');
  assert.equal((await fanOut([row(pipeline, { type: 'track', event: 'Bought', userId: 'u-r' })], { days: 0 })).size, 0);
});

test('the size cap holds for a first row and within a fan-out; expired traits are neither added nor merged; the prune forgets them', async () => {
  const pipeline = randomUUID();
  const big = 'x'.repeat(30_000);
  const track = row(pipeline, { type: 'track', event: 'X', userId: 'u-big' });
  const changed = await fanOut([
    row(pipeline, { type: 'identify', userId: 'u-big', traits: { a: big } }),
    row(pipeline, { type: 'identify', userId: 'u-big', traits: { b: big } }),
    row(pipeline, { type: 'identify', userId: 'u-big', traits: { c: big } }),
    track,
  ]);
  assert.ok(JSON.stringify(traitsOf(changed, track)).length <= MAX_REMEMBERED_TRAITS_BYTES, 'added within the cap');
  assert.ok(JSON.stringify(await stored(pipeline)).length <= MAX_REMEMBERED_TRAITS_BYTES, 'stored within the cap');

  const expiring = randomUUID();
  await fanOut([row(expiring, { type: 'identify', userId: 'u-old', traits: { email: 'gone@example.com' } })]);
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '31 days' WHERE pipeline_id = $1`, [expiring]);
  assert.equal((await fanOut([row(expiring, { type: 'track', event: 'X', userId: 'u-old' })])).size, 0);
  await fanOut([row(expiring, { type: 'identify', userId: 'u-old', traits: { plan: 'pro' } })]);
  assert.deepEqual(await stored(expiring), [{ plan: 'pro' }], 'the expired email was not merged back');
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '31 days' WHERE pipeline_id = $1`, [expiring]);
  assert.ok((await createEventStore(pool).pruneTraits(30)) >= 1);
  assert.deepEqual(await stored(expiring), []);
});

test('an identify stored just before, whose own fan-out has not committed, counts too; one the memory holds already is not applied again', async () => {
  const pipeline = randomUUID();
  const store = async (event: Record<string, unknown>) => Number((await pool.query<{ id: string }>(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'identify', now(), $3) RETURNING id`,
    [pipeline, randomUUID(), JSON.stringify({ type: 'identify', ...event })],
  )).rows[0]!.id);
  const stale = await store({ userId: 'u-look', traits: { plan: 'free' } });
  // The memory holds an identify newer than `stale`: stale's plan must not come back.
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-look', traits: { plan: 'pro' } }, stale + 1)]);
  await store({ userId: 'someone-else', traits: {} }); // takes the id the line above pretended to be
  const inFlight = await store({ userId: 'u-look', traits: { email: 'just-now@example.com' } });
  const meantForOne = await store({ userId: 'u-look', traits: { phone: '+447700900003' }, integrations: { All: false, Webhook: true } });
  const purchase = row(pipeline, { type: 'track', event: 'Order Completed', userId: 'u-look' }, Math.max(inFlight, meantForOne) + 1);
  assert.deepEqual(traitsOf(await fanOut([purchase]), purchase), { plan: 'pro', email: 'just-now@example.com' });
  assert.deepEqual(await stored(pipeline), [{ plan: 'pro' }], 'written by its own fan-out, not this one');
});

test('an erased person stays erased: an identify stored before the erasure and fanned out after it does not bring the traits back', async () => {
  const pipeline = randomUUID();
  const storeIdentify = async (traits: Record<string, unknown>) => Number((await pool.query<{ id: string }>(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'identify', now(), $3) RETURNING id`,
    [pipeline, randomUUID(), JSON.stringify({ type: 'identify', userId: 'u-gdpr', traits })],
  )).rows[0]!.id);
  const first = await storeIdentify({ email: 'me@example.com' });
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-gdpr', traits: { email: 'me@example.com' } }, first)]);
  const inFlight = await storeIdentify({ phone: '+447700900004' });
  const forget = forgetTraitsStatement(pipeline, [identityDigest('user', 'u-gdpr')]);
  assert.deepEqual((await pool.query(forget.text, forget.values)).rows, [{ erased: 1 }]);
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-gdpr', traits: { phone: '+447700900004' } }, inFlight)]);
  const track = row(pipeline, { type: 'track', event: 'X', userId: 'u-gdpr' }, inFlight + 10);
  assert.equal((await fanOut([track])).size, 0, 'neither the flush nor the look back at recent identify calls brings them back');
  assert.deepEqual(await stored(pipeline), [{}]);
  const later = await storeIdentify({ plan: 'new' });
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-gdpr', traits: { plan: 'new' } }, later)]);
  assert.deepEqual(await stored(pipeline), [{ plan: 'new' }], 'what the person says after the erasure is remembered');
});

test('a pipeline the presence says has nothing remembered costs one read through the identify index, no traits read', async () => {
  const pipeline = randomUUID();
  const asked: string[] = [];
  const presence: TraitsPresence = { has: async (id) => (asked.push(id), false), written: () => {} };
  statements.length = 0;
  await fanOut([row(pipeline, { type: 'track', event: 'X', userId: 'u-1' }), row(pipeline, { type: 'page', userId: 'u-2' })], { presence });
  assert.deepEqual(asked, [pipeline], 'asked once per pipeline');
  assert.equal(statements.length, 1, 'the look back at identify calls not yet remembered');
  assert.match(statements[0]!, /type = 'identify'/);
  const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statements[0]!.replace('$3::uuid[]', `ARRAY['${pipeline}']::uuid[]`).replace('$1', '1').replace('$2', '100').replaceAll('$4::int', '30')}`);
  assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /events_identify/, 'through the partial index');
  // Its first identify still counts for the events after it in the same fan-out.
  const after = row(pipeline, { type: 'track', event: 'Y', userId: 'u-1' });
  const changed = await fanOut([row(pipeline, { type: 'identify', userId: 'u-1', traits: { email: 'first@example.com' } }), after], { presence });
  assert.deepEqual(traitsOf(changed, after), { email: 'first@example.com' });
});

test("a pipeline's very first identify reaches the event after it though another worker is still fanning it out", async () => {
  const pipeline = randomUUID();
  const presence: TraitsPresence = { has: async () => false, written: () => {} };
  const { rows: [identify] } = await pool.query<{ id: string }>(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'identify', now(), $3) RETURNING id`,
    [pipeline, randomUUID(), JSON.stringify({ type: 'identify', userId: 'u-first', traits: { email: 'first@example.com' } })],
  );
  const purchase = row(pipeline, { type: 'track', event: 'Order Completed', userId: 'u-first' }, Number(identify!.id) + 1);
  assert.deepEqual(traitsOf(await fanOut([purchase], { presence }), purchase), { email: 'first@example.com' });
  assert.deepEqual(await stored(pipeline), [], 'remembered by its own fan-out, not this one');
});

test('an identify gets what was remembered before it as context.traits: its own context.traits win, its own traits are untouched and stay out of it', async () => {
  const pipeline = randomUUID();
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-id', traits: { email: 'jane@example.com', plan: 'free', city: 'Leeds' } })]);
  const name = row(pipeline, { type: 'identify', userId: 'u-id', traits: { firstName: 'Jane', plan: 'pro' }, context: { traits: { city: 'York' } } });
  const changed = await fanOut([name]);
  assert.deepEqual(traitsOf(changed, name), { email: 'jane@example.com', city: 'York' }, 'the remembered email; its own city; not the stale plan its traits replace');
  assert.deepEqual(changed.get(name.id)?.traits, { firstName: 'Jane', plan: 'pro' }, 'top-level traits as sent');
  assert.deepEqual(name.event.context, { traits: { city: 'York' } }, 'the stored event is not changed');
  assert.deepEqual(await stored(pipeline), [{ email: 'jane@example.com', plan: 'pro', city: 'Leeds', firstName: 'Jane' }], 'its traits remembered as before; context.traits are not');
  const nothingNew = row(pipeline, { type: 'identify', userId: 'u-id', traits: { email: 'jane@example.com', plan: 'pro', city: 'Leeds', firstName: 'Jane' } });
  assert.equal((await fanOut([nothingNew])).size, 0, 'nothing to add: the call stays as stored');
  const forgetting = row(pipeline, { type: 'identify', userId: 'u-id', traits: { city: null } });
  assert.deepEqual(traitsOf(await fanOut([forgetting]), forgetting), { email: 'jane@example.com', plan: 'pro', firstName: 'Jane' }, 'a trait the call forgets is not added');
});

test('within one fan-out an earlier identify counts for a later one, never for itself; a replay adds what is remembered; 0 days adds nothing', async () => {
  const pipeline = randomUUID();
  const first = row(pipeline, { type: 'identify', userId: 'u-fan', traits: { email: 'fan@example.com' } });
  const second = row(pipeline, { type: 'identify', userId: 'u-fan', traits: { firstName: 'Fan' } });
  const changed = await fanOut([first, second]);
  assert.deepEqual([...changed.keys()], [second.id], 'the first call had nothing remembered before it');
  assert.deepEqual(traitsOf(changed, second), { email: 'fan@example.com' });
  const replayed = row(pipeline, { type: 'identify', userId: 'u-fan', traits: { lastName: 'Old' } });
  assert.deepEqual(traitsOf(await fanOut([replayed], { record: false }), replayed), { email: 'fan@example.com', firstName: 'Fan' });
  assert.deepEqual(await stored(pipeline), [{ email: 'fan@example.com', firstName: 'Fan' }], 'the replay wrote nothing');
  assert.equal((await fanOut([row(pipeline, { type: 'identify', userId: 'u-fan', traits: { lastName: 'X' } })], { days: 0 })).size, 0);
});

test("an identify on a shared device never gets another user's traits; a visitor's identify gets the visitor's", async () => {
  const pipeline = randomUUID();
  await fanOut([row(pipeline, { type: 'identify', userId: 'jane', anonymousId: 'device-9', traits: { email: 'jane@example.com' } })]);
  await fanOut([row(pipeline, { type: 'identify', anonymousId: 'device-8', traits: { email: 'visitor@example.com' } })]);
  const bob = row(pipeline, { type: 'identify', userId: 'bob', anonymousId: 'device-9', traits: { firstName: 'Bob' } });
  const stranger = row(pipeline, { type: 'identify', anonymousId: 'device-9', traits: { plan: 'free' } });
  const placeholder = row(pipeline, { type: 'identify', userId: 'undefined', anonymousId: 'device-9', traits: { plan: 'free' } });
  const visitor = row(pipeline, { type: 'identify', anonymousId: 'device-8', traits: { firstName: 'Vi' } });
  const changed = await fanOut([bob, stranger, placeholder, visitor]);
  assert.deepEqual([...changed.keys()], [visitor.id], "jane's email reaches neither bob nor the device");
  assert.deepEqual(traitsOf(changed, visitor), { email: 'visitor@example.com' });
});

test('an identify meant for some integrations only still reads the memory (consent and routing then apply to it) but is not remembered', async () => {
  const pipeline = randomUUID();
  await fanOut([row(pipeline, { type: 'identify', userId: 'u-ro', traits: { email: 'ro@example.com' } })]);
  const restrictedCall = row(pipeline, { type: 'identify', userId: 'u-ro', traits: { phone: '+447700900005' }, integrations: { All: false, Webhook: true } });
  assert.deepEqual(traitsOf(await fanOut([restrictedCall]), restrictedCall), { email: 'ro@example.com' });
  assert.deepEqual(await stored(pipeline), [{ email: 'ro@example.com' }]);
});

test("an identify stored just before, whose own fan-out has not committed, counts for a pipeline's next identify too", async () => {
  const pipeline = randomUUID();
  const presence: TraitsPresence = { has: async () => false, written: () => {} };
  const { rows: [identify] } = await pool.query<{ id: string }>(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'identify', now(), $3) RETURNING id`,
    [pipeline, randomUUID(), JSON.stringify({ type: 'identify', userId: 'u-next', traits: { email: 'next@example.com' } })],
  );
  const next = row(pipeline, { type: 'identify', userId: 'u-next', traits: { firstName: 'Nex' } }, Number(identify!.id) + 1);
  assert.deepEqual(traitsOf(await fanOut([next], { presence }), next), { email: 'next@example.com' });
});

/** An event stored in signal.events (a real id, found by the look-back for identify calls), as a fan-out row. */
async function storedRow(pipelineId: string, event: Record<string, unknown>): Promise<TraitsRow> {
  const payload = { messageId: randomUUID(), timestamp: '2026-11-30T12:00:00Z', receivedAt: '2026-11-30T12:00:00Z', context: {}, ...event };
  const { rows: [inserted] } = await pool.query<{ id: string }>(
    `INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, $3, now(), $4) RETURNING id`,
    [pipelineId, payload.messageId, event.type, JSON.stringify(payload)],
  );
  return { id: Number(inserted!.id), pipelineId, event: payload as CanonicalEvent };
}

test('a replayed event gets the traits known at its own time, never those of a later identify call', async () => {
  const pipeline = randomUUID();
  const first = await storedRow(pipeline, { type: 'identify', userId: 'u-asof', traits: { email: 'old@example.com', plan: 'free' } });
  await fanOut([first]);
  const bought = await storedRow(pipeline, { type: 'track', event: 'Bought', userId: 'u-asof' });
  const second = await storedRow(pipeline, { type: 'identify', userId: 'u-asof', traits: { email: 'new@example.com' } });
  await fanOut([bought, second]);
  const returned = await storedRow(pipeline, { type: 'track', event: 'Returned', userId: 'u-asof' });
  await fanOut([returned]);
  assert.deepEqual(await stored(pipeline), [{ email: 'new@example.com', plan: 'free' }]);

  // The replay: the purchase came between the two calls; the return after both.
  const replay = await fanOut([bought, second, returned], { record: false, asOfEvents: true });
  assert.deepEqual(traitsOf(replay, bought), { email: 'old@example.com', plan: 'free' }, 'the first call, found before the replayed events');
  assert.deepEqual(traitsOf(replay, second), { plan: 'free' }, 'an identify: what was known before it, less its own names');
  assert.deepEqual(traitsOf(replay, returned), { email: 'new@example.com', plan: 'free' });
  assert.deepEqual(traitsOf(await fanOut([bought], { record: false, asOfEvents: true }), bought), { email: 'old@example.com', plan: 'free' }, 'alone in its slice too');
  assert.deepEqual(traitsOf(await fanOut([bought], { record: false }), bought), { email: 'new@example.com', plan: 'free' }, 'a read of today\'s memory would add the later email');
  assert.deepEqual(await stored(pipeline), [{ email: 'new@example.com', plan: 'free' }], 'the replays wrote nothing');
});

test('a replay after a forgetting brings back none of the forgotten identify calls, stored or replayed', async () => {
  const pipeline = randomUUID();
  const identify = await storedRow(pipeline, { type: 'identify', userId: 'u-forgot', traits: { email: 'gone@example.com' } });
  const bought = await storedRow(pipeline, { type: 'track', event: 'Bought', userId: 'u-forgot' });
  await fanOut([identify, bought]);
  const forget = forgetTraitsStatement(pipeline, [identityDigest('user', 'u-forgot')]);
  await pool.query(forget.text, forget.values);
  assert.equal((await fanOut([bought], { record: false, asOfEvents: true })).size, 0, 'the stored call is not looked back at');
  assert.equal((await fanOut([identify, bought], { record: false, asOfEvents: true })).size, 0, 'the replayed call is not passed on to the purchase');
  const after = await storedRow(pipeline, { type: 'identify', userId: 'u-forgot', traits: { firstName: 'Again' } });
  const later = await storedRow(pipeline, { type: 'track', event: 'Later', userId: 'u-forgot' });
  await fanOut([after]);
  assert.deepEqual(traitsOf(await fanOut([bought, later], { record: false, asOfEvents: true }), later), { firstName: 'Again' }, 'a call after the forgetting counts for events after it');
  assert.equal((await fanOut([bought], { record: false, asOfEvents: true })).size, 0, 'never for the events before it');
});

test("a replayed identify older than the person's remembered row does not put its older values over the row's for the events after the row", async () => {
  const pipeline = randomUUID();
  const first = await storedRow(pipeline, { type: 'identify', userId: 'u-order', traits: { email: 'old@example.com', plan: 'free' } });
  const second = await storedRow(pipeline, { type: 'identify', userId: 'u-order', traits: { email: 'new@example.com' } });
  await fanOut([first, second]);
  const later = await storedRow(pipeline, { type: 'track', event: 'Later', userId: 'u-order' });
  // The second call is not passed on in the replay (a transformation added since drops it, say):
  // the first, already in the row, must not undo it for the event stored after both.
  const replay = await fanOut([first, later], { record: false, asOfEvents: true });
  assert.deepEqual(traitsOf(replay, later), { email: 'new@example.com', plan: 'free' });
  assert.deepEqual(await stored(pipeline), [{ email: 'new@example.com', plan: 'free' }]);
});

test('a forgetting older than the memory still holds in a replay of events kept longer; the prune keeps its row while they are stored', async () => {
  const pipeline = randomUUID();
  const identify = await storedRow(pipeline, { type: 'identify', userId: 'u-expired', traits: { email: 'erased@example.com' } });
  await fanOut([identify]);
  const forget = forgetTraitsStatement(pipeline, [identityDigest('user', 'u-expired')]);
  await pool.query(forget.text, forget.values);
  const bought = await storedRow(pipeline, { type: 'track', event: 'Bought', userId: 'u-expired' });
  // The memory is 1 day, the events are kept a week: the forgetting is 2 days old.
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '2 days' WHERE pipeline_id = $1`, [pipeline]);
  assert.equal((await fanOut([bought], { days: 1, record: false, asOfEvents: true })).size, 0, 'the erased call, looked back at, counts for nothing');
  assert.equal((await fanOut([identify, bought], { days: 1, record: false, asOfEvents: true })).size, 0, 'nor replayed');

  const kept = randomUUID();
  await fanOut([row(kept, { type: 'identify', userId: 'u-plain', traits: { plan: 'pro' } })]);
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '2 days' WHERE pipeline_id = $1`, [kept]);
  await createEventStore(pool).pruneTraits(1);
  assert.deepEqual(await stored(kept), [], 'an expired row that forgot nothing goes');
  assert.deepEqual(await stored(pipeline), [{}], 'the forgetting stays while the events it erased are stored');
  await pool.query('DELETE FROM signal.events WHERE id <= $1', [bought.id]);
  await createEventStore(pool).pruneTraits(1);
  assert.deepEqual(await stored(pipeline), [], 'and goes with them');
});

test('a live fan-out after a forgetting older than the memory does not bring back an erased identify call still among the recent events', async () => {
  const pipeline = randomUUID();
  const identify = await storedRow(pipeline, { type: 'identify', userId: 'u-live-forgot', traits: { email: 'erased@example.com' } });
  await fanOut([identify]);
  const forget = forgetTraitsStatement(pipeline, [identityDigest('user', 'u-live-forgot')]);
  await pool.query(forget.text, forget.values);
  // The forgetting is older than the 1-day memory, so a live read of fresh rows does not see it;
  // the erased call is still among the 5,000 events before the new one (a quiet pipeline).
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '2 days' WHERE pipeline_id = $1`, [pipeline]);
  const bought = await storedRow(pipeline, { type: 'track', event: 'Bought', userId: 'u-live-forgot' });
  assert.equal((await fanOut([bought], { days: 1 })).size, 0, 'the erased call, looked back at, counts for nothing');
  const next = await storedRow(pipeline, { type: 'identify', userId: 'u-live-forgot', traits: { firstName: 'Again' } });
  const later = await storedRow(pipeline, { type: 'track', event: 'Later', userId: 'u-live-forgot' });
  assert.deepEqual(traitsOf(await fanOut([next, later], { days: 1 }), later), { firstName: 'Again' }, 'a call after the forgetting counts, the erased one still not');
  assert.deepEqual(await stored(pipeline), [{ firstName: 'Again' }], 'the memory holds the new call alone');
});

test('a live fan-out does not remember an identify call older than the memory found among the recent events', async () => {
  const pipeline = randomUUID();
  const identify = await storedRow(pipeline, { type: 'identify', userId: 'u-live-old', traits: { email: 'old@example.com' } });
  await fanOut([identify]);
  // Stored and remembered 2 days ago; the memory is 1 day: expired, though still among the last 5,000 events.
  await pool.query(`UPDATE signal.events SET received_at = now() - interval '2 days' WHERE id = $1`, [identify.id]);
  await pool.query(`UPDATE signal.remembered_traits SET updated_at = now() - interval '2 days' WHERE pipeline_id = $1`, [pipeline]);
  const bought = await storedRow(pipeline, { type: 'track', event: 'Bought', userId: 'u-live-old' });
  assert.equal((await fanOut([bought], { days: 1 })).size, 0, 'the expired row is not read, and the call behind it is not looked back at');
  await createEventStore(pool).pruneTraits(1);
  assert.deepEqual(await stored(pipeline), [], 'pruned');
  const presence: TraitsPresence = { has: async () => false, written: () => {} };
  assert.equal((await fanOut([bought], { days: 1, presence })).size, 0, "nor by the probe of a pipeline with nothing remembered");
  const recent = await storedRow(pipeline, { type: 'identify', userId: 'u-live-old', traits: { plan: 'pro' } });
  const later = await storedRow(pipeline, { type: 'track', event: 'Later', userId: 'u-live-old' });
  assert.deepEqual(traitsOf(await fanOut([later], { days: 1, presence }), later), { plan: 'pro' }, 'a call within the memory still counts before its own fan-out commits');
  assert.ok(recent.id < later.id);
});
