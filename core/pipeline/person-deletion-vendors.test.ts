import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createHttpPerformer, type HttpPerformer } from '../delivery/http-performer.ts';
import type { JsonValue, PersonForgetting, PluginContext, RequestDescriptor } from '../sdk/types.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../../test/helpers/database.ts';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { FORWARD_ATTEMPTS, forwardBackoffSeconds, forwardDeletion, jsonWithoutIds, vendorDeletionsOf, withoutIds, type DeletionForwarding, type Forgetter } from './person-deletion-vendors.ts';

let db: MigratedDatabase;
let sim: VendorSim;
let http: HttpPerformer;

before(async () => {
  db = await createMigratedDatabase('deletion_vendors', 4);
  sim = await startVendorSim();
  http = createHttpPerformer({ timeoutMs: 2000 });
});
after(async () => {
  await http.close();
  await sim.close();
  await db.close();
});

/** A vendor that deletes by user id at `path` of the simulator (a plugin's forgetPerson, as a fixture). */
function vendorAt(path: string): PersonForgetting {
  return {
    enabled: () => true,
    request: (person, ctx) => (person.userId === null
      ? { skipped: 'deletes by user id only' }
      : { method: 'POST', url: `${sim.url}${path}`, headers: { authorization: `Bearer ${String(ctx.config.token)}` }, body: { user: person.userId }, eventIds: [], allowPrivateTargets: ['127.0.0.1'] }),
  };
}

const ctx = { config: { token: 'tok-secret-0001' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 } as unknown as PluginContext;

async function deletionWith(forgetters: Forgetter[]) {
  const deletion = { id: randomUUID(), pipelineId: randomUUID() };
  await db.pool.query('INSERT INTO signal.person_deletions (id, pipeline_id, by_user_id, by_anonymous_id, suppress, to_id) VALUES ($1, $2, true, false, false, 0)', [deletion.id, deletion.pipelineId]);
  const forwarding: DeletionForwarding = { forgetters: async () => forgetters, perform: (request) => http.perform(request) };
  return { deletion, forwarding };
}

/** Makes every pending try due now (the backoff is minutes). */
const due = (deletionId: string) => db.pool.query('UPDATE signal.person_deletion_vendors SET next_attempt_at = now() WHERE deletion_id = $1', [deletionId]);

test('a vendor answering 503 is tried again later, then its acceptance is kept without the ids or the secret', async () => {
  sim.script('POST', '/flaky', [reply.serverError({ error: 'busy' }), { status: 200, body: { accepted: 'u-person-0001', token: 'tok-secret-0001' } }]);
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Flaky', forget: vendorAt('/flaky'), ctx, secretValues: ['tok-secret-0001'] }]);
  const person = { userId: 'u-person-0001', anonymousId: null };
  const wait = await forwardDeletion(db.pool, forwarding, deletion, person);
  assert.ok(wait !== null && wait >= 25 && wait <= 30, `tried again in about 30 s, not at once: ${wait}`);
  let [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.attempts, vendor!.responseStatus], ['pending', 1, 500]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, person) !== null, true, 'not due yet: nothing sent');
  assert.equal(sim.count({ path: '/flaky' }), 1);
  await due(deletion.id);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, person), null, 'every vendor has an outcome');
  [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.attempts, vendor!.responseStatus], ['sent', 2, 200]);
  assert.equal(vendor!.message, 'HTTP 200: {"accepted":"[…]","token":"[…]"}');
  assert.deepEqual(sim.requests({ path: '/flaky' }).map((r) => r.json), [{ user: 'u-person-0001' }, { user: 'u-person-0001' }]);
});

test('the plugin is given the deletion\'s id: the same on every try of one deletion (and in read), another for the person deleted again', async () => {
  sim.script('POST', '/by-deletion', [reply.serverError({ error: 'busy' })]);
  sim.setDefault('POST', '/by-deletion', (request) => ({ status: 201, body: { request: (request.json as { request_id: string }).request_id } }));
  const readWith: Array<string | undefined> = [];
  const keyed: PersonForgetting = {
    enabled: () => true,
    request: (person, pluginCtx) => ({ method: 'POST', url: `${sim.url}/by-deletion`, body: { user: person.userId, request_id: `del-${pluginCtx.deletionId ?? 'none'}` }, eventIds: [], allowPrivateTargets: ['127.0.0.1'] }),
    read: (response, _request, pluginCtx) => {
      readWith.push(pluginCtx?.deletionId);
      return response.status === 201 ? { done: true } : { retry: `HTTP ${response.status}` };
    },
  };
  const integrationId = randomUUID();
  const person = { userId: 'u-again-0001', anonymousId: null };
  const first = await deletionWith([{ integrationId, vendor: 'fixture', name: 'Keyed', forget: keyed, ctx, secretValues: [] }]);
  await forwardDeletion(db.pool, first.forwarding, first.deletion, person);
  await due(first.deletion.id);
  assert.equal(await forwardDeletion(db.pool, first.forwarding, first.deletion, person), null);
  const second = await deletionWith([{ integrationId, vendor: 'fixture', name: 'Keyed', forget: keyed, ctx, secretValues: [] }]);
  assert.equal(await forwardDeletion(db.pool, second.forwarding, second.deletion, person), null);
  assert.deepEqual(sim.requests({ path: '/by-deletion' }).map((r) => (r.json as { request_id: string }).request_id),
    [`del-${first.deletion.id}`, `del-${first.deletion.id}`, `del-${second.deletion.id}`], 'the try after the 503 is the same request; the second deletion another');
  assert.deepEqual(readWith, [first.deletion.id, first.deletion.id, second.deletion.id]);
  assert.notEqual(first.deletion.id, second.deletion.id);
});

test('refused, skipped, a plugin that throws, and a vendor that never recovers each end with why', async () => {
  sim.setDefault('POST', '/refusing', reply.unauthorized({ error: 'bad key' }));
  sim.setDefault('POST', '/down', reply.serverError());
  const throwing: PersonForgetting = { enabled: () => true, request: () => { throw new Error('no region'); } };
  const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const { deletion, forwarding } = await deletionWith([
    { integrationId: ids[0]!, vendor: 'fixture', name: 'A refusing', forget: vendorAt('/refusing'), ctx, secretValues: [] },
    { integrationId: ids[1]!, vendor: 'fixture', name: 'B throwing', forget: throwing, ctx, secretValues: [] },
    { integrationId: ids[2]!, vendor: 'fixture', name: 'C down', forget: vendorAt('/down'), ctx, secretValues: [] },
    { integrationId: ids[3]!, vendor: 'fixture', name: 'D sealed', secretValues: [], error: 'secret api_key cannot be opened' },
  ]);
  const person = { userId: 'u-person-0002', anonymousId: null };
  for (let i = 0; i < FORWARD_ATTEMPTS; i++) {
    await forwardDeletion(db.pool, forwarding, deletion, person);
    await due(deletion.id);
  }
  const outcomes = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!.map((v) => [v.name, v.status, v.attempts, v.message]);
  assert.deepEqual(outcomes, [
    ['A refusing', 'failed', 1, 'HTTP 401: {"error":"bad key"}'],
    ['B throwing', 'failed', 1, 'the plugin could not build the request: no region'],
    ['C down', 'failed', FORWARD_ATTEMPTS, `gave up after ${FORWARD_ATTEMPTS} tries: HTTP 500: {"error":"internal"}`],
    ['D sealed', 'failed', FORWARD_ATTEMPTS, `gave up after ${FORWARD_ATTEMPTS} tries: secret api_key cannot be opened`],
  ]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, person), null);

  const anonymous = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'By user id', forget: vendorAt('/never'), ctx, secretValues: [] }]);
  assert.equal(await forwardDeletion(db.pool, anonymous.forwarding, anonymous.deletion, { userId: null, anonymousId: 'anon-1' }), null);
  assert.deepEqual((await vendorDeletionsOf(db.pool, [anonymous.deletion.id])).get(anonymous.deletion.id)!.map((v) => [v.status, v.message]), [['skipped', 'deletes by user id only']]);
  assert.equal(sim.count({ path: '/never' }), 0);
});

test('a plugin’s note on its requests (what it left unasked, and why) goes first in the outcome, sent or not', async () => {
  sim.setDefault('POST', '/by-email', reply.ok({ deleted: 1 }));
  sim.script('POST', '/by-email-later', [reply.serverError({ error: 'busy' })]);
  const noted = (path: string): PersonForgetting => ({
    enabled: () => true,
    request: (person) => ({
      requests: (person.emails ?? []).map((email): RequestDescriptor => ({ method: 'POST', url: `${sim.url}${path}`, body: { email }, eventIds: [], allowPrivateTargets: ['127.0.0.1'] })),
      note: ' the userId was not asked for: no field holds it ',
    }),
  });
  const ids = [randomUUID(), randomUUID()];
  const { deletion, forwarding } = await deletionWith([
    { integrationId: ids[0]!, vendor: 'fixture', name: 'A noted', forget: noted('/by-email'), ctx, secretValues: [] },
    { integrationId: ids[1]!, vendor: 'fixture', name: 'B noted, busy', forget: noted('/by-email-later'), ctx, secretValues: [] },
  ]);
  const person = { userId: 'u-noted-0001', anonymousId: null, emails: ['jane@example.com'] };
  await forwardDeletion(db.pool, forwarding, deletion, person);
  const outcomes = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!.map((v) => [v.name, v.status, v.message]);
  assert.deepEqual(outcomes, [
    ['A noted', 'sent', 'the userId was not asked for: no field holds it; HTTP 200: {"deleted":1}'],
    ['B noted, busy', 'pending', 'the userId was not asked for: no field holds it; HTTP 500: {"error":"busy"}'],
  ]);
  assert.deepEqual(sim.requests({ path: '/by-email' }).map((r) => r.json), [{ email: 'jane@example.com' }]);
});

test('a message keeps no id (as given, URL-encoded or escaped), no secret, no credential and no control character', () => {
  assert.equal(withoutIds('user u-1\nwith key k-secret-9 (u-1)', ['u-1', 'k-secret-9', '']), 'user […] with key […] ([…])');
  assert.equal(withoutIds('no user at /users?uid=jane%2Bx%40example.com', ['jane+x@example.com']), 'no user at /users?uid=[…]');
  assert.equal(withoutIds(JSON.stringify({ error: 'no user o"hara' }), ['o"hara']), '{"error":"no user […]"}');
  assert.equal(withoutIds('echo: Basic YW1wOnNlY3JldA==', ['Basic YW1wOnNlY3JldA==']), 'echo: […]');
  assert.equal(withoutIds('x'.repeat(600), []).length, 500);
});

test('an email address and a distinctive id are hidden whatever their letter case (a vendor answers as written), a short id as given', () => {
  assert.equal(withoutIds('contact Jane.Doe+x@Example.COM (jane.doe%2Bx%40example.com) of U-1', ['jane.doe+x@example.com', 'u-1']), 'contact […] ([…]) of U-1');
  // A UUID echoed upper-cased, a userId lower-cased (inside another word too), its URL-encoding with lower-case hex.
  const uuid = '0b5f6c1e-8a4d-4c2b-9e7f-3a1d2c4b5e6f';
  // As written (or with its percent-escapes in another case) `[…]`; in another letter case `[…]≈`, which no plugin takes for the person's.
  assert.equal(withoutIds(`visitor ${uuid.toUpperCase()} of user-ann-0001 (uid=User-Ann%2b0001, ext_USER-ANN-0001, User-Ann-0001)`, [uuid, 'User-Ann-0001', 'User-Ann+0001']), 'visitor […]≈ of […]≈ (uid=[…], ext_[…]≈, […])');
  assert.deepEqual(jsonWithoutIds({ Status: 'OK', Id: 'rec-1', user: 'ABCDEF12', mine: 'abcdef12', note: 'no Ok' }, ['abcdef12', 'ok', 'id']), { Status: 'OK', Id: 'rec-1', user: '[…]≈', mine: '[…]', note: 'no Ok' }, 'a short id in another case is a vendor\'s word');
  assert.deepEqual(jsonWithoutIds({ contacts: [{ email: 'JANE@example.com', id: '7' }], 'Jane@Example.com': 1 }, ['jane@example.com']), { contacts: [{ email: '[…]', id: '7' }], '[…]': 1 });
  assert.equal(withoutIds('a.b@c.d and aXb@c.d', ['a.b@c.d']), '[…] and aXb@c.d', 'the address\'s dots are no wildcards');
});

test('a short id is hidden standing alone (a message, a path, a whole value), never inside a vendor\'s record id', () => {
  const answer = { records: [{ id: 'rec7Gx2Lm9Qp0Ab', user_id: '7', url: '/users/7?ticket=37', owner: 'u_7' }], error: 'user 7 not found (id=7)', zendesk: 3742981, ids: ['3742981', 'tkt-7', '7-b'] };
  assert.deepEqual(jsonWithoutIds(answer, ['7']), {
    records: [{ id: 'rec7Gx2Lm9Qp0Ab', user_id: '[…]', url: '/users/[…]?ticket=37', owner: 'u_7' }], error: 'user […] not found (id=[…])', zendesk: 3742981, ids: ['3742981', 'tkt-7', '7-b'],
  });
  assert.equal(withoutIds('no contact "7"; record rec17 kept', ['7']), 'no contact "[…]"; record rec17 kept');
  assert.equal(withoutIds('Usuario «jörg» não encontrado; jörgen existe', ['jörg']), 'Usuario «[…]» não encontrado; jörgen existe', 'letters of any script bound an id');
  // A distinctive form (8 characters or more: a UUID, a token) is still hidden inside another word: it is the person's, or a secret.
  const uuid = '0b5f6c1e-8a4d-4c2b-9e7f-3a1d2c4b5e6f';
  assert.equal(withoutIds(`profile anon_${uuid}_web; key=sk_live_tok-secret-0001x; user_12345678`, [uuid, 'tok-secret-0001x', '12345678']), 'profile anon_[…]_web; key=sk_live_[…]; user_[…]');
  assert.equal(withoutIds('user_1234567 and 1234567', ['1234567']), 'user_1234567 and […]', 'seven characters: standing alone only');
});

test('the answer reaches the plugin with the ids already hidden: a cut cannot leave half of one', async () => {
  sim.setDefault('POST', '/echo', (request) => ({ status: 400, body: { error: `${'x'.repeat(290)} unknown user ${(request.json as { user: string }).user}` } }));
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Echo', forget: vendorAt('/echo'), ctx, secretValues: [] }]);
  await forwardDeletion(db.pool, forwarding, deletion, { userId: 'u-echoed-0003', anonymousId: null });
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.equal(vendor!.status, 'failed');
  assert.ok(!vendor!.message!.includes('u-echo'), vendor!.message!);
});

test("a JSON answer is cleaned value by value: a short id hides in its strings, never breaks its numbers or structure", async () => {
  assert.deepEqual(jsonWithoutIds({ totalSize: 1, done: true, records: [{ Id: '0031', Email: '1', note: 'user 1 gone' }], '1': null }, ['1']),
    { totalSize: 1, done: true, records: [{ Id: '0031', Email: '[…]', note: 'user […] gone' }], '[…]': null });
  // Salesforce-like: the plugin reads totalSize from the answer for userId "1".
  sim.setDefault('GET', '/lookup', { status: 200, body: { totalSize: 1, done: true, records: [{ Id: '00Q5e000001', Signal_User_Id__c: '1' }] } });
  const read: string[] = [];
  const forget: PersonForgetting = {
    enabled: () => true,
    request: () => ({ method: 'GET', url: `${sim.url}/lookup`, eventIds: [], allowPrivateTargets: ['127.0.0.1'] }),
    read: (response) => {
      const json = response.json as { totalSize: number; records: Array<Record<string, string>> };
      read.push(response.body);
      return json.totalSize === 1 ? { done: true, message: `found ${json.records[0]!.Id} for ${json.records[0]!.Signal_User_Id__c}` } : { failed: 'unreadable' };
    },
  };
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Short id', forget, ctx, secretValues: [] }]);
  await forwardDeletion(db.pool, forwarding, deletion, { userId: '1', anonymousId: null });
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.equal(vendor!.status, 'sent', vendor!.message ?? '');
  // The "1" standing alone is hidden; the record id holding a 1, and the numbers, stay whole.
  assert.equal(vendor!.message, 'found 00Q5e000001 for […]');
  assert.ok(read[0]!.startsWith('{"totalSize":1,'), read[0]);
});

test('two passes at once ask the vendor once', async () => {
  sim.setDefault('POST', '/slow', { status: 200, body: {}, delayMs: 200 });
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Slow', forget: vendorAt('/slow'), ctx, secretValues: [] }]);
  const person = { userId: 'u-twice-0004', anonymousId: null };
  await Promise.all([forwardDeletion(db.pool, forwarding, deletion, person), forwardDeletion(db.pool, forwarding, deletion, person)]);
  assert.equal(sim.count({ path: '/slow' }), 1);
});

/** A vendor deleting by one kind of id per request: one request per id named. */
const byEachId: PersonForgetting = {
  enabled: () => true,
  request: (person, ctx) => [['user', person.userId], ['device', person.anonymousId]].filter(([, id]) => id !== null).map(([kind, id]) => ({
    method: 'POST' as const, url: `${sim.url}/delete-${kind}`, headers: { authorization: `Bearer ${ctx.accessToken ?? String(ctx.config.token)}` }, body: { id }, eventIds: [], allowPrivateTargets: ['127.0.0.1'],
  })),
};

test('several requests are sent in order; done when each is, a failing one says which it was, and the next try goes on from it', async () => {
  sim.script('POST', '/delete-device', [reply.serverError({ error: 'busy' })]);
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Two ids', forget: byEachId, ctx, secretValues: ['tok-secret-0001'] }]);
  const person = { userId: 'u-two-0001', anonymousId: 'a-two-0001' };
  await forwardDeletion(db.pool, forwarding, deletion, person);
  let [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.message], ['pending', 'request 2 of 2: HTTP 500: {"error":"busy"}']);
  await due(deletion.id);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, person), null);
  [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.responseStatus], ['sent', 200]);
  assert.equal(vendor!.message, 'request 1 of 2: done in an earlier try; request 2 of 2: HTTP 200: {"code":200}');
  // The vendor is not asked again for what it accepted (a low rate limit would fail every try).
  assert.deepEqual(sim.requests().filter((r) => r.path.startsWith('/delete-')).map((r) => `${r.path} ${JSON.stringify(r.json)}`), [
    '/delete-user {"id":"u-two-0001"}', '/delete-device {"id":"a-two-0001"}', '/delete-device {"id":"a-two-0001"}',
  ]);
});

test('a retry whose list of requests differs from the try before (the config changed) sends them all from the first', async () => {
  sim.script('POST', '/delete-device', [reply.serverError({ error: 'busy' })]);
  const integrationId = randomUUID();
  const { deletion, forwarding } = await deletionWith([{ integrationId, vendor: 'fixture', name: 'Two ids', forget: byEachId, ctx, secretValues: [] }]);
  const person = { userId: 'u-two-0002', anonymousId: 'a-two-0002' };
  await forwardDeletion(db.pool, forwarding, deletion, person);
  await due(deletion.id);
  const { rows: [stored] } = await db.pool.query<{ requests_done: number }>('SELECT requests_done FROM signal.person_deletion_vendors WHERE deletion_id = $1', [deletion.id]);
  assert.equal(stored!.requests_done, 1, 'the first request is done');
  // The same integration now builds other requests (as after a config change).
  const moved: PersonForgetting = { ...byEachId, request: (p, c) => (byEachId.request(p, c) as RequestDescriptor[]).map((r) => ({ ...r, url: `${r.url}?v=2` })) };
  const changed: DeletionForwarding = { forgetters: async () => [{ integrationId, vendor: 'fixture', name: 'Two ids', forget: moved, ctx, secretValues: [] }], perform: (request) => http.perform(request) };
  assert.equal(await forwardDeletion(db.pool, changed, deletion, person), null);
  const paths = sim.requests().filter((r) => r.path.startsWith('/delete-') && JSON.stringify(r.json).includes('two-0002')).map((r) => `${r.path}${r.query.v ? '?v=2' : ''}`);
  assert.deepEqual(paths, ['/delete-user', '/delete-device', '/delete-user?v=2', '/delete-device?v=2']);
});

test('with an access token: a 401 renews it once and every request goes again; a refused credential fails the deletion', async () => {
  sim.reset();
  sim.setDefault('POST', '/delete-user', (request) => (request.headers.authorization === 'Bearer at-fresh-0002' ? reply.ok({ deleted: 1 }) : reply.unauthorized()));
  const asked: Array<string | undefined> = [];
  const tokens = ['at-stale-0001', 'at-fresh-0002'];
  const accessToken = async (refused?: string) => {
    asked.push(refused);
    return tokens.shift()!;
  };
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'OAuth', forget: byEachId, ctx, secretValues: [], accessToken }]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, { userId: 'u-oauth-0001', anonymousId: null }), null);
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.message], ['sent', 'HTTP 200: {"deleted":1}']);
  assert.deepEqual(asked, [undefined, 'at-stale-0001']);

  const refused = async () => { throw Object.assign(new Error('access token: the token endpoint refused the credential (invalid_grant)'), { name: 'PermanentError' }); };
  const second = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Revoked', forget: byEachId, ctx, secretValues: [], accessToken: refused }]);
  assert.equal(await forwardDeletion(db.pool, second.forwarding, second.deletion, { userId: 'u-oauth-0002', anonymousId: null }), null);
  const [failed] = (await vendorDeletionsOf(db.pool, [second.deletion.id])).get(second.deletion.id)!;
  assert.deepEqual([failed!.status, failed!.message], ['failed', 'access token: the token endpoint refused the credential (invalid_grant)']);

  const failing = async () => { throw Object.assign(new Error('access token: the token endpoint failed (HTTP 503)'), { name: 'RetryableError' }); };
  const third = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Down', forget: byEachId, ctx, secretValues: [], accessToken: failing }]);
  assert.notEqual(await forwardDeletion(db.pool, third.forwarding, third.deletion, { userId: 'u-oauth-0003', anonymousId: null }), null);
  const [pending] = (await vendorDeletionsOf(db.pool, [third.deletion.id])).get(third.deletion.id)!;
  assert.deepEqual([pending!.status, pending!.message], ['pending', 'access token: the token endpoint failed (HTTP 503)']);
});

test('with an access token: an answer that accessToken.refused reads as refusing it (a 200) renews it once; refused again, the plugin reads it', async () => {
  sim.reset();
  const refusal = { success: false, errors: [{ code: '602', message: 'Access token expired' }] };
  sim.setDefault('POST', '/delete-user', (request) => (request.headers.authorization === 'Bearer at-fresh-0002' ? reply.ok({ success: true }) : reply.ok(refusal)));
  const asked: Array<string | undefined> = [];
  const tokens = ['at-stale-0001', 'at-fresh-0002'];
  const accessToken = async (refused?: string) => {
    asked.push(refused);
    return tokens.shift()!;
  };
  const tokenRefused = (response: { status: number; body: string }) => response.status === 200 && response.body.includes('"602"');
  const readingErrors: PersonForgetting = { ...byEachId, read: (response) => (response.body.includes('"success":false') ? { failed: `refused: ${response.body}` } : { done: true, message: 'deleted' }) };
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'OAuth 200', forget: readingErrors, ctx, secretValues: [], accessToken, tokenRefused }]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, { userId: 'u-oauth-0004', anonymousId: null }), null);
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.message], ['sent', 'deleted']);
  assert.deepEqual(asked, [undefined, 'at-stale-0001']);

  const stale = ['at-stale-0003', 'at-stale-0004'];
  const second = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'OAuth 200 again', forget: readingErrors, ctx, secretValues: [], accessToken: async () => stale.shift()!, tokenRefused }]);
  assert.equal(await forwardDeletion(db.pool, second.forwarding, second.deletion, { userId: 'u-oauth-0005', anonymousId: null }), null);
  const [failed] = (await vendorDeletionsOf(db.pool, [second.deletion.id])).get(second.deletion.id)!;
  assert.equal(failed!.status, 'failed');
  assert.match(failed!.message ?? '', /refused: .*Access token expired/);
  assert.equal(sim.count({ path: '/delete-user' }), 4, 'each deletion: the refused request, then once again');
});

test('an answer may ask for the next request of the chain (a lookup, then the deletion by the vendor\'s id); a chain past three fails', async () => {
  sim.reset();
  sim.setDefault('POST', '/lookup', reply.ok({ data: [{ id: 'vendor-profile-9' }] }));
  sim.setDefault('POST', '/delete-profile', reply.ok({ deleted: true }));
  const lookupThenDelete: PersonForgetting = {
    enabled: () => true,
    request: (person) => ({ method: 'POST', url: `${sim.url}/lookup`, body: { id: person.userId }, eventIds: [], allowPrivateTargets: ['127.0.0.1'] }),
    read: (response, request) => {
      if (request?.url.endsWith('/lookup')) {
        const id = (response.json as { data: Array<{ id: string }> }).data[0]!.id;
        return { next: { method: 'POST', url: `${sim.url}/delete-profile`, body: { profile: id }, eventIds: [], allowPrivateTargets: ['127.0.0.1'] } };
      }
      return { done: true, message: 'deleted by the vendor\'s id' };
    },
  };
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Lookup', forget: lookupThenDelete, ctx, secretValues: [] }]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, { userId: 'u-chain-0001', anonymousId: null }), null);
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.message], ['sent', 'deleted by the vendor\'s id']);
  assert.deepEqual(sim.requests({ path: '/delete-profile' }).map((r) => r.json), [{ profile: 'vendor-profile-9' }]);

  const endless: PersonForgetting = { ...lookupThenDelete, read: (_response, request) => ({ next: request! }) };
  const second = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Endless', forget: endless, ctx, secretValues: [] }]);
  await forwardDeletion(db.pool, second.forwarding, second.deletion, { userId: 'u-chain-0002', anonymousId: null });
  const [failed] = (await vendorDeletionsOf(db.pool, [second.deletion.id])).get(second.deletion.id)!;
  assert.deepEqual([failed!.status, failed!.message], ['failed', 'the plugin asked for more than 3 requests in a row (HTTP 200)']);
});

/**
 * A vendor that deletes records by id, found two at a time (a fixture like Airtable's): up to
 * four rounds of a lookup and the deletion of what it found. A lookup finding nobody, or a
 * deletion of the last records (fewer than a page), says `last`.
 */
const roundsAt = (path: string, body: JsonValue): RequestDescriptor => ({ method: 'POST', url: `${sim.url}/rounds/${path}`, body, eventIds: [], allowPrivateTargets: ['127.0.0.1'] });
const byRounds: PersonForgetting = {
  enabled: () => true,
  request: (person) => Array.from({ length: 4 }, () => roundsAt('lookup', { user: person.userId })),
  read: (response, request) => {
    if (request!.url.endsWith('/delete')) {
      const deleted = (response.json as { deleted: number }).deleted;
      return deleted < 2 ? { done: true, last: true, message: `deleted ${deleted}` } : { done: true, message: `deleted ${deleted}` };
    }
    const found = (response.json as { records: string[] }).records;
    if (found.length === 0) return { done: true, last: true, message: 'nobody found' };
    return { next: roundsAt('delete', { user: (request!.body as { user: string }).user, ids: found }) };
  },
};

/** The simulator as that vendor, holding `records` by user id (its lookups and deletions change them). */
function simulateRounds(records: Map<string, string[]>): void {
  sim.reset();
  sim.setDefault('POST', '/rounds/lookup', (request) => reply.ok({ records: (records.get((request.json as { user: string }).user) ?? []).slice(0, 2) }));
  sim.setDefault('POST', '/rounds/delete', (request) => {
    const { user, ids } = request.json as { user: string; ids: string[] };
    records.set(user, (records.get(user) ?? []).filter((id) => !ids.includes(id)));
    return reply.ok({ deleted: ids.length });
  });
}

test('an answer done with `last` ends the list: the requests after it are not sent, and the message says so', async () => {
  const records = new Map([['u-rounds-0002', ['r1', 'r2', 'r3']], ['u-rounds-0003', ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']]]);
  const outcomeOf = async (userId: string) => {
    simulateRounds(records);
    const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Rounds', forget: byRounds, ctx, secretValues: [] }]);
    assert.equal(await forwardDeletion(db.pool, forwarding, deletion, { userId, anonymousId: null }), null);
    const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
    return { status: vendor!.status, message: vendor!.message, sent: sim.requests().map((r) => r.path.replace('/rounds/', '')) };
  };

  // Nobody: one lookup, not four.
  assert.deepEqual(await outcomeOf('u-rounds-0001'), { status: 'sent', message: 'request 1 of 4: nobody found; requests 2–4 of 4: not needed', sent: ['lookup'] });
  // Three records: two rounds; the second deletion (fewer than a page), a `next` request of its chain, is the last.
  assert.deepEqual(await outcomeOf('u-rounds-0002'), {
    status: 'sent', message: 'request 1 of 4: deleted 2; request 2 of 4: deleted 1; requests 3–4 of 4: not needed', sent: ['lookup', 'delete', 'lookup', 'delete'],
  });
  assert.deepEqual(records.get('u-rounds-0002'), []);
  // Eight records: every round is needed; `last` on the last request changes nothing.
  assert.deepEqual(await outcomeOf('u-rounds-0003'), {
    status: 'sent', message: 'request 1 of 4: deleted 2; request 2 of 4: deleted 2; request 3 of 4: deleted 2; request 4 of 4: deleted 2',
    sent: ['lookup', 'delete', 'lookup', 'delete', 'lookup', 'delete', 'lookup', 'delete'],
  });
  assert.deepEqual(records.get('u-rounds-0003'), []);
});

test('a vendor\'s wait wins when longer: Retry-After by default, a plugin\'s afterSeconds (at most 6 hours)', async () => {
  sim.script('POST', '/later', [reply.tooMany(1800)]);
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Later', forget: vendorAt('/later'), ctx, secretValues: [] }]);
  const person = { userId: 'u-person-0002', anonymousId: null };
  const wait = await forwardDeletion(db.pool, forwarding, deletion, person);
  assert.ok(wait !== null && wait >= 1795 && wait <= 1800, `not before the vendor's half hour: ${wait}`);

  const buffered: PersonForgetting = { ...vendorAt('/buffered'), read: () => ({ retry: 'the newest rows are still in the streaming buffer', afterSeconds: 100_000 }) };
  const second = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Buffered', forget: buffered, ctx, secretValues: [] }]);
  const capped = await forwardDeletion(db.pool, second.forwarding, second.deletion, person);
  assert.ok(capped !== null && capped > 6 * 3600 - 10 && capped <= 6 * 3600, `at most 6 hours: ${capped}`);
  const [vendor] = (await vendorDeletionsOf(db.pool, [second.deletion.id])).get(second.deletion.id)!;
  assert.deepEqual([vendor!.status, vendor!.message], ['pending', 'the newest rows are still in the streaming buffer']);
  assert.equal(forwardBackoffSeconds(1, 5), 30, 'a shorter vendor wait: the core\'s own');
  assert.equal(forwardBackoffSeconds(3, 2700.2), 2701);
});

test("a plugin's sign signs each deletion request as it goes, with that moment's time; the signature never reaches a message", async () => {
  sim.setDefault('POST', '/signed', { status: 200, body: { ok: true } });
  const before = Date.now();
  const sign: Forgetter['sign'] = (request, signing) => ({ ...request, headers: { ...request.headers, 'x-signature': `sig-${signing.now}-${String(signing.config.token).slice(-4)}` } });
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Signed', forget: vendorAt('/signed'), ctx, secretValues: ['tok-secret-0001'], sign }]);
  assert.equal(await forwardDeletion(db.pool, forwarding, deletion, { userId: 'u-signed-0001', anonymousId: null }), null);
  const [received] = sim.requests({ path: '/signed' });
  const signature = received!.headers['x-signature'];
  assert.match(String(signature), /^sig-(\d+)-0001$/);
  assert.ok(Number(/^sig-(\d+)/.exec(String(signature))![1]) >= before, 'signed with the sending time, not the integration\'s');
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.equal(vendor!.status, 'sent');
});

test('a short id is hidden after a percent or JSON escape too (a vendor echoing a URL-encoded path or query), never inside a record id', () => {
  assert.equal(withoutIds('no user at %2Fusers%2F7 (uid%3D7, q=%227%22)', ['7']), 'no user at %2Fusers%2F[…] (uid%3D[…], q=%22[…]%22)');
  assert.equal(withoutIds('{"error":"unknown:\\n7\\u00227"}', ['7']), '{"error":"unknown:\\n[…]\\u0022[…]"}');
  assert.deepEqual(jsonWithoutIds({ next: '/v1/users?id%3D7&page=2', record: '%2Frec7Gx', count: 'x%207y' }, ['7']), { next: '/v1/users?id%3D[…]&page=2', record: '%2Frec7Gx', count: 'x%207y' });
});

test('a secret is hidden wherever found whatever its length, as delivery logs redact it; a short id of the person standing alone only', () => {
  assert.equal(withoutIds('bad apikey_ab12 for user_7 and user 7', ['7'], 500, ['ab12']), 'bad apikey_[…] for user_7 and user […]');
  assert.deepEqual(jsonWithoutIds({ error: 'key ab12x rejected', key: 'ab12' }, [], ['ab12']), { error: 'key […]x rejected', key: '[…]' });
});

test('a vendor echoing a short secret inside a word or a short id URL-encoded keeps neither, in the message nor in what the plugin reads', async () => {
  sim.setDefault('POST', '/echo-short', { status: 403, body: { error: 'api_key_ab12 may not delete %2Fusers%2F7' } });
  const read: string[] = [];
  const forget: PersonForgetting = { ...vendorAt('/echo-short'), read: (response) => (read.push(response.body), { failed: `refused: ${response.body}` }) };
  const { deletion, forwarding } = await deletionWith([{ integrationId: randomUUID(), vendor: 'fixture', name: 'Echo short', forget, ctx: { ...ctx, config: { token: 'ab12' } }, secretValues: ['ab12'] }]);
  await forwardDeletion(db.pool, forwarding, deletion, { userId: '7', anonymousId: null });
  const [vendor] = (await vendorDeletionsOf(db.pool, [deletion.id])).get(deletion.id)!;
  assert.equal(vendor!.status, 'failed');
  assert.equal(vendor!.message, 'refused: {"error":"api_key_[…] may not delete %2Fusers%2F[…]"}');
  assert.deepEqual(read, ['{"error":"api_key_[…] may not delete %2Fusers%2F[…]"}']);
});
