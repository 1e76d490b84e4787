// A privacy request naming a person by email only, end to end: events collected through the
// API, the ids found by personIdsByEmail (GraphQL), the person deleted by those ids, and the
// address then found nowhere; bad input refused naming the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { waitUntil } from './helpers/wait.ts';

let signal: TestSignal;
let site: { id: string; key: string };

before(async () => {
  signal = await startTestSignal({}, { plugins: { list: () => [], get: () => undefined, cookieNames: () => [] }, label: 'person_lookup' });
  site = await signal.pipeline('Shop');
});
after(() => signal.close());

interface Lookup { email: string; events: number; people: Array<{ userId: string | null; anonymousId: string | null; events: number }>; morePeople: boolean; complete: boolean; nextCursor: string | null }
const lookUp = (email: string, after?: string) => signal.graphql<{ personIdsByEmail: Lookup }>(
  'query($p: ID!, $e: String!, $after: String) { personIdsByEmail(pipelineId: $p, email: $e, after: $after) { email events people { userId anonymousId events firstSeen lastSeen } morePeople complete nextCursor } }',
  { p: site.id, e: email, ...(after ? { after } : {}) },
);

test('an email address leads to the ids its events were sent with; deleted by them, it is found nowhere', async () => {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(site.key) },
    body: JSON.stringify({ batch: [
      { type: 'identify', userId: 'user-77', anonymousId: 'anon-77', traits: { email: 'Maria.Lopez@Example.com', plan: 'pro' } },
      { type: 'track', event: 'Order Completed', userId: 'user-77', anonymousId: 'anon-77', context: { traits: { email: 'maria.lopez@example.com' } }, properties: { order_id: 'o-1' } },
      { type: 'track', event: 'Newsletter Signed Up', anonymousId: 'anon-78', properties: { email: 'maria.lopez@example.com' } },
      { type: 'identify', userId: 'user-80', traits: { email: 'someone@example.com' } },
    ] }),
  });
  assert.equal(res.status, 200, await res.text());

  const { body } = await lookUp(' MARIA.LOPEZ@example.com');
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const found = body.data!.personIdsByEmail;
  assert.equal(found.email, 'maria.lopez@example.com');
  assert.equal(found.events, 3);
  assert.equal(found.complete, true);
  assert.deepEqual(found.people.map((p) => [p.userId, p.anonymousId, p.events]).sort(), [[null, 'anon-78', 1], ['user-77', 'anon-77', 2]]);

  for (const person of found.people) {
    const { body: deleted } = await signal.graphql<{ deletePerson: { id: string } }>(
      'mutation($p: ID!, $u: String, $a: String) { deletePerson(pipelineId: $p, userId: $u, anonymousId: $a) { id } }',
      { p: site.id, u: person.userId, a: person.anonymousId },
    );
    assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
    const id = deleted.data!.deletePerson.id;
    await waitUntil(async () => {
      const { body: state } = await signal.graphql<{ personDeletion: { status: string } }>('query($id: ID!) { personDeletion(id: $id) { status } }', { id });
      return state.data!.personDeletion.status === 'done' || undefined;
    }, 'the deletion done', 30_000);
  }
  const { body: after } = await lookUp('maria.lopez@example.com');
  assert.deepEqual([after.data!.personIdsByEmail.events, after.data!.personIdsByEmail.people], [0, []], 'nothing of hers is left');
  const { body: other } = await lookUp('someone@example.com');
  assert.equal(other.data!.personIdsByEmail.events, 1, "another person's events stay");
});

test('bad input is a BAD_USER_INPUT naming the field; an unknown pipeline NOT_FOUND', async () => {
  const { body } = await lookUp('maria.lopez');
  assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.match(body.errors?.[0]?.message ?? '', /^email must be an email address/);
  const { body: cursor } = await lookUp('maria.lopez@example.com', '-1');
  assert.match(cursor.errors?.[0]?.message ?? '', /^after must be the nextCursor of an earlier answer/);
  const { body: missing } = await signal.graphql('query { personIdsByEmail(pipelineId: "00000000-0000-4000-8000-000000000000", email: "a@b.co") { events } }');
  assert.equal(missing.errors?.[0]?.extensions?.code, 'NOT_FOUND');
});
