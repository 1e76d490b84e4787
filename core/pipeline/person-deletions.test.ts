import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { createSuppressionList, deleteEventsSliceStatement, eventIdentityDigests, exchangeNeedles, scrubQueuedStatement } from './person-deletions.ts';
import { identityDigest } from './remembered-traits.ts';

let db: MigratedDatabase;

before(async () => {
  db = await createMigratedDatabase('person_deletions_unit', 4);
});
after(async () => {
  await db.close();
});

const event = (fields: Record<string, unknown>) => ({ type: 'track', event: 'x', messageId: randomUUID(), receivedAt: '2026-11-30T12:00:00Z', context: {}, ...fields }) as unknown as CanonicalEvent;

test('an event is known by its userId, its anonymousId and the anonymousId its client sent beside the cookie', () => {
  const digests = eventIdentityDigests(event({ userId: 'u-1', anonymousId: 'dfid-1', context: { clientAnonymousId: 'sdk-1' } }));
  assert.deepEqual(digests, [identityDigest('user', 'u-1'), identityDigest('anonymous', 'dfid-1'), identityDigest('anonymous', 'sdk-1')]);
  assert.deepEqual(eventIdentityDigests(event({ userId: 42 })), [], 'only text ids');
});

test('an id is looked for in logged exchanges as a JSON string, inside a JSON text, and as a URL parameter value', () => {
  assert.deepEqual(exchangeNeedles('u 1'), ['"u 1"', '\\"u 1\\"', '=u%201&', '=u%201"']);
  const logged = JSON.stringify({ url: 'https://v.test/px?uid=u%201', body: JSON.stringify({ user: 'u 1' }) });
  assert.ok(exchangeNeedles('u 1').some((needle) => logged.includes(needle)));
  assert.ok(!exchangeNeedles('u').some((needle) => logged.includes(needle)), 'a shorter id inside another is no match');
});

test('the suppression list holds back events received before a deletion, or all with suppression, and reads changes only when there are some', async () => {
  const list = createSuppressionList(db.pool, 0);
  const pipelineId = randomUUID();
  await db.pool.query('INSERT INTO signal.pipelines (id, name) VALUES ($1, $2)', [pipelineId, 'p']);
  await list.fresh();
  assert.equal(list.holds(pipelineId, event({ userId: 'u-1' }), Date.now()), false);
  await db.pool.query(
    "INSERT INTO signal.person_suppressions (pipeline_id, identity_digest, held_until, suppressed) VALUES ($1, $2, '2026-11-30T12:00:00Z', false), ($1, $3, '2026-11-30T12:00:00Z', true)",
    [pipelineId, identityDigest('user', 'u-1'), identityDigest('anonymous', 'a-2')],
  );
  await list.fresh();
  const before = Date.parse('2026-11-30T11:59:59Z');
  const later = Date.parse('2026-11-30T12:00:01Z');
  assert.equal(list.holds(pipelineId, event({ userId: 'u-1' }), before), true, 'on its way when the deletion was asked');
  assert.equal(list.holds(pipelineId, event({ userId: 'u-1' }), later), false, 'sent after it: no suppression asked');
  assert.equal(list.holds(pipelineId, event({ userId: 'u-9', anonymousId: 'a-2' }), later), true, 'suppressed: all of them');
  assert.equal(list.holds(randomUUID(), event({ userId: 'u-1' }), before), false, 'another pipeline’s person');
  // An update that keeps the row count (unsuppressing) is seen too.
  await db.pool.query("UPDATE signal.person_suppressions SET suppressed = false, version = nextval('signal.person_suppressions_version') WHERE pipeline_id = $1", [pipelineId]);
  await list.fresh();
  assert.equal(list.holds(pipelineId, event({ anonymousId: 'a-2' }), later), false);
});

test('a slice deletes only the person’s events of the pipeline within its id range, and remembers their messageIds', async () => {
  const pipelineId = randomUUID();
  const other = randomUUID();
  const deletionId = randomUUID();
  await db.pool.query("INSERT INTO signal.person_deletions (id, pipeline_id, by_user_id, by_anonymous_id, suppress, to_id) VALUES ($1, $2, true, true, false, 0)", [deletionId, pipelineId]);
  const insert = async (pipeline: string, messageId: string, payload: Record<string, unknown>) => {
    const { rows } = await db.pool.query<{ id: string }>(
      "INSERT INTO signal.events (pipeline_id, message_id, type, received_at, payload) VALUES ($1, $2, 'track', now(), $3) RETURNING id",
      [pipeline, messageId, JSON.stringify({ messageId, ...payload })],
    );
    return Number(rows[0]!.id);
  };
  const first = await insert(pipelineId, 'm-user', { userId: 'u-1' });
  await insert(pipelineId, 'm-cookie', { anonymousId: 'a-1' });
  await insert(pipelineId, 'm-sdk', { anonymousId: 'dfid-x', context: { clientAnonymousId: 'a-1' } });
  await insert(pipelineId, 'm-else', { userId: 'u-2', properties: { friend: 'u-1' } });
  await insert(other, 'm-other-pipeline', { userId: 'u-1' });
  const last = await insert(pipelineId, 'm-after', { userId: 'u-1' });
  const slice = deleteEventsSliceStatement({ id: deletionId, pipelineId, cursor: first - 1, toId: last - 1, userId: 'u-1', anonymousId: 'a-1' }, 100);
  const { rows: [walked] } = await db.pool.query<{ last: string; deleted: number }>(slice.text, slice.values);
  assert.equal(walked!.deleted, 3);
  assert.equal(Number(walked!.last), last - 2, 'the last id of the pipeline in range (the other pipeline’s is not walked)');
  const left = await db.pool.query<{ message_id: string }>('SELECT message_id FROM signal.events WHERE id >= $1 ORDER BY id', [first]);
  assert.deepEqual(left.rows.map((r) => r.message_id), ['m-else', 'm-other-pipeline', 'm-after']);
  const remembered = await db.pool.query<{ message_id: string }>('SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $1 ORDER BY message_id', [deletionId]);
  assert.deepEqual(remembered.rows.map((r) => r.message_id), ['m-cookie', 'm-sdk', 'm-user']);
});

test('scrubbing takes the person’s events out of jobs not being worked on, with their warnings index for index', async () => {
  // pg-boss's job table, as far as the statement reads it.
  await db.pool.query('CREATE SCHEMA scrubboss; CREATE TABLE scrubboss.job (name text, id uuid, state text, data jsonb, started_on timestamptz, PRIMARY KEY (name, id))');
  const pipelineId = randomUUID();
  const integrationId = randomUUID();
  await db.pool.query('INSERT INTO signal.pipelines (id, name) VALUES ($1, $2)', [pipelineId, 'scrub']);
  const { rows: [template] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_templates (id, name, vendor) VALUES ($1, 't', 'webhook') RETURNING id", [randomUUID()]);
  const { rows: [revision] } = await db.pool.query<{ id: string }>("INSERT INTO signal.integration_revisions (id, template_id, version, variant, config) VALUES ($1, $2, 1, 'default', '{}') RETURNING id", [randomUUID(), template!.id]);
  await db.pool.query('INSERT INTO signal.pipeline_integrations (id, pipeline_id, template_id, revision_id) VALUES ($1, $2, $3, $4)', [integrationId, pipelineId, template!.id, revision!.id]);
  const job = async (state: string, data: unknown) => {
    const id = randomUUID();
    await db.pool.query('INSERT INTO scrubboss.job (name, id, state, data) VALUES ($1, $2, $3, $4)', [`delivery.${integrationId}`, id, state, JSON.stringify(data)]);
    return id;
  };
  const waiting = await job('created', { attempt: 2, events: [{ userId: 'u-2' }, { userId: 'u-1' }, { anonymousId: 'x', context: { clientAnonymousId: 'a-1' } }, { userId: 'u-3' }], warnings: [null, ['w-u1'], null, ['w-u3']] });
  const kept = await job('completed', { attempt: 1, events: [{ userId: 'u-1' }] });
  const active = await job('active', { attempt: 1, events: [{ userId: 'u-1' }, { userId: 'u-2' }] });
  const byId = await job('created', { attempt: 1, ids: [1, 2] });
  const scrub = scrubQueuedStatement('scrubboss', { pipelineId, userId: 'u-1', anonymousId: 'a-1' });
  const { rows } = await db.pool.query<{ removed: number }>(scrub.text, scrub.values);
  assert.deepEqual(rows.map((r) => r.removed).sort(), [1, 2]);
  const data = async (id: string) => (await db.pool.query<{ data: unknown }>('SELECT data FROM scrubboss.job WHERE id = $1', [id])).rows[0]!.data;
  assert.deepEqual(await data(waiting), { attempt: 2, events: [{ userId: 'u-2' }, { userId: 'u-3' }], warnings: [null, ['w-u3']] });
  assert.deepEqual(await data(kept), { attempt: 1, events: [] });
  assert.deepEqual(await data(active), { attempt: 1, events: [{ userId: 'u-1' }, { userId: 'u-2' }] }, 'a job being worked on is left to finish');
  assert.deepEqual(await data(byId), { attempt: 1, ids: [1, 2] });
});
