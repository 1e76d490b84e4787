import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { createSuppressionList, eventIdentityDigests } from './suppression-list.ts';
import { identityDigest } from './remembered-traits.ts';

let db: MigratedDatabase;

before(async () => {
  db = await createMigratedDatabase('suppression_list', 2);
});
after(async () => {
  await db.close();
});

const event = (fields: Record<string, unknown>) => ({ type: 'track', event: 'x', messageId: randomUUID(), receivedAt: '2026-11-30T12:00:00Z', context: {}, ...fields }) as unknown as CanonicalEvent;

test('an event is known by its userId, its anonymousId and the anonymousId its client sent beside the cookie', () => {
  const digests = eventIdentityDigests(event({ userId: 'u-1', anonymousId: 'dfid-1', context: { clientAnonymousId: 'sdk-1' } }));
  assert.deepEqual(digests, [identityDigest('user', 'u-1'), identityDigest('anonymous', 'dfid-1'), identityDigest('anonymous', 'sdk-1')]);
  assert.deepEqual(eventIdentityDigests(event({ userId: 42 })), [], 'only text ids');
  assert.deepEqual(eventIdentityDigests(event({ userId: 'u-2', previousId: 'old' })), [identityDigest('user', 'u-2'), identityDigest('user', 'old'), identityDigest('anonymous', 'old')], 'an alias call’s previous id, of either kind');
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
