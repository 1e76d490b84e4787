import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import webhook from '../plugins/webhook/index.ts';
import amplitude from '../plugins/amplitude/index.ts';
import { identityDigest } from '../core/pipeline/remembered-traits.ts';
import { startVendorSim, reply, type RecordedRequest, type VendorSim } from './vendor-sim/vendor-sim.ts';
import { pluginSet } from './helpers/fixture-plugin.ts';
import { basic, startTestSignal, type TestSignal } from './helpers/signal.ts';
import { waitUntil } from './helpers/wait.ts';
import { closeAll } from './helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;

before(async () => {
  sim = await startVendorSim();
  // Retries at their real pace: a failed event waits in its retry job while the deletion runs.
  // A short commit timeout: a deletion looks for latecomers (events received before it and
  // committed after) that long after the request; its waits at their real length.
  signal = await startTestSignal({
    SIGNAL_DELETION_WAIT_SCALE: '1', SIGNAL_RETRY_TIME_SCALE: '1', SIGNAL_TRAITS_MEMORY_DAYS: '30', SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api2.amplitude.com=${sim.url}/amp,https://amplitude.com=${sim.url}/amp-privacy`,
  }, { plugins: pluginSet(webhook, amplitude), label: 'person_deletions' });
});
after(() => closeAll(signal, sim));

interface Deletion {
  id: string; status: string; step: string; userId: string | null; anonymousId: string | null; byUserId: boolean; byAnonymousId: boolean; suppress: boolean;
  events: number; deadLetters: number; deliveryLogEntries: number; queuedEvents: number; traits: number; emailsFound: number; reason: string | null; finishedAt: string | null;
}
const FIELDS = 'id status step userId anonymousId byUserId byAnonymousId suppress events deadLetters deliveryLogEntries queuedEvents traits emailsFound reason finishedAt';

async function install(pipelineId: string, path: string): Promise<string> {
  const { assignment } = await signal.services.integrations.install({
    vendor: 'webhook', name: path, pipelineId, consentCategories: [],
    config: { url: `${sim.url}${path}`, mode: 'single', allow_private_targets: ['127.0.0.1'] },
  });
  return assignment!.id;
}

async function send(key: string, events: Array<Record<string, unknown>>): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(key) },
    body: JSON.stringify({ batch: events }),
  });
  assert.equal(res.status, 200, await res.text());
}

function userOf(request: RecordedRequest): string | undefined {
  const body = request.json as { userId?: string; anonymousId?: string };
  return body.userId ?? body.anonymousId;
}

async function deletePerson(variables: Record<string, unknown>) {
  return signal.graphql<{ deletePerson: Deletion }>(
    `mutation($p: ID!, $u: String, $a: String, $s: Boolean) { deletePerson(pipelineId: $p, userId: $u, anonymousId: $a, suppress: $s) { ${FIELDS} } }`,
    variables,
  );
}

async function finished(id: string): Promise<Deletion> {
  return waitUntil(async () => {
    const { body } = await signal.graphql<{ personDeletion: Deletion }>(`query($id: ID!) { personDeletion(id: $id) { ${FIELDS} } }`, { id });
    const deletion = body.data!.personDeletion;
    return deletion.status !== 'running' && deletion;
  }, `person deletion ${id} to end`, 30_000);
}

async function skippedSuppressed(integrationId: string): Promise<number> {
  const { body } = await signal.graphql<{ integrationStats: { skippedSuppressed: number } }>('query($id: ID!) { integrationStats(integrationId: $id) { skippedSuppressed } }', { id: integrationId });
  return body.data!.integrationStats.skippedSuppressed;
}

describe('deleting a person’s data (deletePerson)', () => {
  let pipeline: { id: string; key: string };
  let ok: string;
  let failing: string;
  let retrying: string;
  let requestedAt: number;

  test('erases their stored events, dead letters, delivery-log entries, remembered traits and waiting retries; nobody else’s', { timeout: 60_000 }, async () => {
    pipeline = await signal.pipeline('Privacy');
    ok = await install(pipeline.id, '/pd-ok');
    failing = await install(pipeline.id, '/pd-fail');
    retrying = await install(pipeline.id, '/pd-retry');
    // Echoing the request, as some vendors do: the integration's last error quotes the person.
    sim.setDefault('POST', '/pd-fail', (request) => reply.badRequest({ error: 'refused', request: request.json }));
    sim.setDefault('POST', '/pd-retry', (request) => (userOf(request) === 'u-keep' ? reply.ok() : reply.serverError()));
    await send(pipeline.key, [
      { type: 'identify', userId: 'u-del', traits: { email: 'del@example.com' }, messageId: 'del-1' },
      { type: 'track', event: 'Viewed', userId: 'u-del', messageId: 'del-2' },
      { type: 'track', event: 'Bought', userId: 'u-del', properties: { note: 'for u-keep' }, messageId: 'del-3' },
      { type: 'page', name: 'Home', anonymousId: 'a-del', messageId: 'del-4' },
      { type: 'track', event: 'Viewed', userId: 'u-keep', messageId: 'keep-1' },
      { type: 'identify', userId: 'u-keep', traits: { plan: 'pro' }, messageId: 'keep-2' },
    ]);
    await sim.waitFor(6, 20_000, { path: '/pd-ok' });
    await sim.waitFor(6, 20_000, { path: '/pd-fail' });
    await sim.waitFor(6, 20_000, { path: '/pd-retry' });
    await waitUntil(async () => (await signal.services.events.recent(pipeline.id, 50)).length === 6 && (await signal.pool.query("SELECT 1 FROM signal.remembered_traits WHERE traits <> '{}'::jsonb")).rows.length === 2, 'six stored events and two people’s traits');
    // The four failed tries wait for their retry, carried in their jobs.
    const waiting = () => signal.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created' AND data ? 'events'`, [`delivery.${retrying}`]);
    await waitUntil(async () => (await waiting()).rows[0]!.n >= 1, 'retry jobs');

    requestedAt = Date.now();
    const { status, body } = await deletePerson({ p: pipeline.id, u: 'u-del', a: 'a-del' });
    assert.equal(status, 200, JSON.stringify(body));
    const started = body.data!.deletePerson;
    assert.equal(started.status, 'running');
    assert.equal(started.userId, 'u-del');
    assert.equal(started.traits, 1, 'the identify traits of u-del, erased at once');
    assert.equal(started.emailsFound, 1, 'their remembered email, read before the traits went (for vendors that know people by email)');

    const done = await finished(started.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.step, 'done');
    assert.equal(done.events, 4);
    assert.equal(done.deadLetters, 4);
    // Their four retries were held back either in their waiting jobs (queuedEvents) or, come due
    // first, when sent (skippedSuppressed counts both; checked below).
    assert.ok(done.queuedEvents <= 4, `at most their four retries were still waiting: ${done.queuedEvents}`);
    assert.ok(done.deliveryLogEntries >= 12, `ok, failed and retried exchanges of the four events: ${done.deliveryLogEntries}`);
    assert.equal(done.userId, null, 'no clear id kept once done');
    assert.equal(done.anonymousId, null);
    assert.equal(done.emailsFound, 1, 'the same address, on their identify call too: counted once');
    const { rows: [row] } = await signal.pool.query<{ emails: string[] }>('SELECT emails FROM signal.person_deletions WHERE id = $1', [done.id]);
    assert.deepEqual(row!.emails, [], 'no email kept once done');
    assert.deepEqual([done.byUserId, done.byAnonymousId, done.suppress], [true, true, false]);
    assert.ok(done.finishedAt);

    const stored = await signal.services.events.recent(pipeline.id, 50);
    assert.deepEqual(stored.map((e) => e.messageId).sort(), ['keep-1', 'keep-2']);
    const health = async (id: string) => (await signal.graphql<{ integrationStats: { lastError: string | null; retrying: number; skippedSuppressed: number } }>(
      'query($id: ID!) { integrationStats(integrationId: $id) { lastError retrying skippedSuppressed } }', { id })).body.data!.integrationStats;
    const failed = await health(failing);
    assert.ok(failed.lastError !== null && !failed.lastError.includes('u-del') && !failed.lastError.includes('a-del'), `last error: ${failed.lastError}`);
    const retried = await health(retrying);
    assert.deepEqual([retried.retrying, retried.skippedSuppressed], [0, 4], 'their retries held back, and out of the gauge');
    const { body: letters } = await signal.graphql<{ deadLetters: { total: number; items: Array<{ messageId: string }> } }>('query($id: ID!) { deadLetters(integrationId: $id) { total items { messageId } } }', { id: failing });
    assert.deepEqual(letters.data!.deadLetters.items.map((l) => l.messageId).sort(), ['keep-1', 'keep-2']);
    for (const integrationId of [ok, failing, retrying]) {
      const { body: log } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: unknown }> }>('query($id: ID!) { deliveryLog(integrationId: $id) { eventIds request } }', { id: integrationId });
      for (const entry of log.data!.deliveryLog) {
        assert.ok(entry.eventIds.every((id) => id.startsWith('keep-')), `log of ${integrationId}: ${entry.eventIds}`);
        assert.ok(!JSON.stringify(entry.request).includes('"u-del"') && !JSON.stringify(entry.request).includes('a-del'));
      }
      assert.ok(log.data!.deliveryLog.length >= 2, 'u-keep’s exchanges stay');
    }
    const jobs = await signal.pool.query<{ data: { events?: Array<{ userId?: string }> } }>('SELECT data FROM pgboss.job WHERE name = $1', [`delivery.${retrying}`]);
    assert.ok(jobs.rows.every((j) => (j.data.events ?? []).every((e) => e.userId !== 'u-del')), 'no job carries u-del’s events any more');
    const traits = await signal.pool.query<{ traits: object }>('SELECT traits FROM signal.remembered_traits WHERE identity_digest = $1', [identityDigest('user', 'u-del')]);
    assert.deepEqual(traits.rows.map((r) => r.traits), [{}]);
    const kept = await signal.pool.query("SELECT 1 FROM signal.remembered_traits WHERE identity_digest = $1 AND traits <> '{}'::jsonb", [identityDigest('user', 'u-keep')]);
    assert.equal(kept.rows.length, 1, 'u-keep’s traits stay');
    const left = await signal.pool.query('SELECT 1 FROM signal.person_deletion_messages');
    assert.equal(left.rows.length, 0, 'the messageIds it collected go when it is done');
  });

  test('an event of theirs received before the request, put back for a retry after it, is not sent', { timeout: 30_000 }, async () => {
    const before = await skippedSuppressed(ok);
    const old = new Date(requestedAt - 60_000).toISOString();
    const event = (userId: string, messageId: string) => ({ type: 'track', event: 'Late', userId, messageId, receivedAt: old, timestamp: old, context: {} });
    await signal.boss.send(`delivery.${ok}`, { events: [event('u-del', 'late-del'), event('u-keep', 'late-keep')], attempt: 2 });
    const seen = await sim.waitFor((list) => list.some((r) => (r.json as { messageId?: string }).messageId === 'late-keep'), 15_000, { path: '/pd-ok' });
    assert.ok(!seen.some((r) => (r.json as { messageId?: string }).messageId === 'late-del'));
    // Counted once the job's delivery is done, a moment after the vendor saw the request.
    await waitUntil(async () => (await skippedSuppressed(ok)) === before + 1, 'the held event counted once');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await skippedSuppressed(ok), before + 1);
  });

  test('their events received after the request are delivered (no suppression asked)', { timeout: 30_000 }, async () => {
    await send(pipeline.key, [{ type: 'track', event: 'Back', userId: 'u-del', messageId: 'del-after' }]);
    await sim.waitFor((list) => list.some((r) => (r.json as { messageId?: string }).messageId === 'del-after'), 15_000, { path: '/pd-ok' });
  });
});

describe('a vendor echoing the person\'s id in another letter case', () => {
  test('a long id quoted upper-cased in someone else\'s answer: that delivery-log entry, the dead letter\'s last exchange and the last error go; a short id in another case stays', { timeout: 30_000 }, async () => {
    const pipeline = await signal.pipeline('Echo case');
    const long = await install(pipeline.id, '/pd-echo-long');
    const short = await install(pipeline.id, '/pd-echo-short');
    // Someone else's event refused with an answer naming the person, as a vendor writes ids.
    sim.setDefault('POST', '/pd-echo-long', reply.badRequest({ error: 'already merged into USER-ECHO-0001' }));
    sim.setDefault('POST', '/pd-echo-short', reply.badRequest({ error: 'conflict', anonymousId: 'A-EC' }));
    await send(pipeline.key, [{ type: 'track', event: 'Viewed', userId: 'u-echo-other', messageId: 'echo-other-1' }]);
    const logged = async (integrationId: string) => (await signal.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signal.delivery_log WHERE pipeline_integration_id = $1', [integrationId])).rows[0]!.n;
    const letter = async (integrationId: string) => (await signal.pool.query<{ last_response: unknown }>('SELECT last_response FROM signal.dead_letters WHERE pipeline_integration_id = $1', [integrationId])).rows[0];
    const lastError = async (integrationId: string) => (await signal.pool.query<{ last_error: string | null }>('SELECT last_error FROM signal.integration_stats WHERE pipeline_integration_id = $1', [integrationId])).rows[0]?.last_error ?? null;
    await waitUntil(async () => (await letter(long)) && (await letter(short)) && await logged(long) > 0 && await logged(short) > 0 && (await lastError(long)) !== null && (await lastError(short)) !== null, 'both refusals dead-lettered, logged and the last errors kept');
    assert.match((await lastError(long))!, /USER-ECHO-0001/);
    assert.match((await lastError(short))!, /A-EC/);

    const { body } = await deletePerson({ p: pipeline.id, u: 'user-echo-0001', a: 'a-ec' });
    const done = await finished(body.data!.deletePerson.id);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(await logged(long), 0, 'the entry whose answer quotes the long id upper-cased goes');
    assert.deepEqual((await letter(long))!.last_response, null, 'the dead letter stays (someone else\'s event) without its last exchange');
    assert.equal(await lastError(long), '(erased by a person deletion: it quoted the person)');
    assert.ok(await logged(short) > 0, 'a short id in another case is not looked for: A-EC is not a-ec');
    assert.notEqual((await letter(short))!.last_response, null);
    assert.match((await lastError(short))!, /A-EC/);
  });
});

describe('suppressing a person (deletePerson with suppress)', () => {
  test('their later events are neither delivered nor kept, and are counted; unsuppressPerson lets them through again', { timeout: 60_000 }, async () => {
    const pipeline = await signal.pipeline('Suppression');
    const ok = await install(pipeline.id, '/sup-ok');
    const { body } = await deletePerson({ p: pipeline.id, u: 'u-sup', s: true });
    const done = await finished(body.data!.deletePerson.id);
    assert.equal(done.status, 'done');
    assert.equal(done.suppress, true);
    assert.equal(done.events, 0);

    await send(pipeline.key, [
      { type: 'track', event: 'Viewed', userId: 'u-sup', messageId: 'sup-1' },
      { type: 'identify', userId: 'u-sup', traits: { email: 'sup@example.com' }, messageId: 'sup-2' },
      { type: 'track', event: 'Viewed', userId: 'u-other', messageId: 'other-1' },
    ]);
    await sim.waitFor(1, 15_000, { path: '/sup-ok' });
    await waitUntil(async () => (await skippedSuppressed(ok)) === 2, 'two events held back');
    assert.deepEqual(sim.requests({ path: '/sup-ok' }).map(userOf), ['u-other']);
    const stored = await signal.services.events.recent(pipeline.id, 50);
    assert.deepEqual(stored.map((e) => e.messageId), ['other-1'], 'not kept either');
    const traits = await signal.pool.query("SELECT 1 FROM signal.remembered_traits WHERE pipeline_id = $1 AND traits <> '{}'::jsonb", [pipeline.id]);
    assert.equal(traits.rows.length, 0, 'their identify is not remembered');

    const lifted = await signal.graphql<{ unsuppressPerson: number }>('mutation($p: ID!) { unsuppressPerson(pipelineId: $p, userId: "u-sup") }', { p: pipeline.id });
    assert.equal(lifted.body.data!.unsuppressPerson, 1);
    await send(pipeline.key, [{ type: 'track', event: 'Viewed', userId: 'u-sup', messageId: 'sup-3' }]);
    await sim.waitFor((list) => list.some((r) => userOf(r) === 'u-sup'), 15_000, { path: '/sup-ok' });
    const again = await signal.graphql<{ unsuppressPerson: number }>('mutation($p: ID!) { unsuppressPerson(pipelineId: $p, userId: "u-sup") }', { p: pipeline.id });
    assert.equal(again.body.data!.unsuppressPerson, 0);
  });

  test('personDeletions lists a pipeline’s requests, newest first, without the ids once done', async () => {
    const pipeline = await signal.pipeline('Listed');
    const first = (await deletePerson({ p: pipeline.id, u: 'u-1' })).body.data!.deletePerson;
    const second = (await deletePerson({ p: pipeline.id, a: 'a-2' })).body.data!.deletePerson;
    await finished(first.id);
    await finished(second.id);
    const { body } = await signal.graphql<{ personDeletions: Deletion[] }>(`query($p: ID!) { personDeletions(pipelineId: $p) { ${FIELDS} } }`, { p: pipeline.id });
    assert.deepEqual(body.data!.personDeletions.map((d) => [d.id, d.userId, d.anonymousId, d.byUserId, d.byAnonymousId]), [
      [second.id, null, null, false, true],
      [first.id, null, null, true, false],
    ]);
  });
});

describe('a browser visitor named by the anonymousId its SDK sent', () => {
  test('their events go, and so do the traits remembered under their _dfdid cookie', { timeout: 30_000 }, async () => {
    const pipeline = await signal.pipeline('Browser');
    await install(pipeline.id, '/pd-browser');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(pipeline.key), origin: 'https://shop.example.com', cookie: '_dfdid=dfid-visitor-0001' },
      body: JSON.stringify({ batch: [{ type: 'identify', anonymousId: 'sdk-anon-1', traits: { email: 'dee@example.com' }, messageId: 'dee-1' }] }),
    });
    assert.equal(res.status, 200);
    const digest = identityDigest('anonymous', 'dfid-visitor-0001');
    const remembered = () => signal.pool.query<{ traits: object }>('SELECT traits FROM signal.remembered_traits WHERE pipeline_id = $1 AND identity_digest = $2', [pipeline.id, digest]);
    await waitUntil(async () => (await remembered()).rows[0]?.traits && Object.keys((await remembered()).rows[0]!.traits).length > 0, 'traits under the cookie');
    const { body } = await deletePerson({ p: pipeline.id, a: 'sdk-anon-1' });
    const done = await finished(body.data!.deletePerson.id);
    assert.deepEqual([done.status, done.events, done.traits, done.emailsFound], ['done', 1, 1, 1], 'the email on their identify call is found as its event is deleted');
    assert.deepEqual((await remembered()).rows.map((r) => r.traits), [{}]);
  });
});

describe('forwarding the deletion to vendors', () => {
  test('Amplitude with a Secret Key is asked through its User Privacy API once nothing of theirs is on its way; by an anonymousId only, it is skipped with why', { timeout: 40_000 }, async () => {
    const pipeline = await signal.pipeline('Forwarding');
    const { assignment } = await signal.services.integrations.install({
      vendor: 'amplitude', name: 'Product analytics', pipelineId: pipeline.id, consentCategories: [],
      config: { api_key: 'amp-api-key-0001', secret_key: 'amp-secret-key-0001', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
    });
    const hook = await install(pipeline.id, '/pd-forward-hook');
    sim.setDefault('POST', '/amp-privacy/api/2/deletions/users', reply.ok({ day: '2026-12-07', status: 'staging', amplitude_ids: [{ amplitude_id: 1, requester: 'Signal', user_id: 'u-amplitude-1' }] }));
    await send(pipeline.key, [{ type: 'track', event: 'Viewed', userId: 'u-amplitude-1', messageId: 'amp-1' }]);
    await sim.waitFor(1, 15_000, { path: '/amp/2/httpapi' });
    const { body } = await deletePerson({ p: pipeline.id, u: 'u-amplitude-1', a: 'df-visitor-amp' });
    const done = await finished(body.data!.deletePerson.id);
    assert.equal(done.status, 'done');
    const [asked] = sim.requests({ path: '/amp-privacy/api/2/deletions/users' });
    assert.ok(asked, 'Amplitude was asked');
    assert.equal(asked.headers.authorization, `Basic ${Buffer.from('amp-api-key-0001:amp-secret-key-0001').toString('base64')}`);
    assert.deepEqual(asked.json, { user_ids: ['u-amplitude-1'], requester: 'Signal (deletePerson)', ignore_invalid_id: 'True', ignore_invalid_ids: 'True' });
    const vendors = (await signal.graphql<{ personDeletion: { vendors: Array<Record<string, unknown>> } }>(
      'query($id: ID!) { personDeletion(id: $id) { vendors { integrationId vendor name status attempts responseStatus message } } }', { id: done.id })).body.data!.personDeletion.vendors;
    assert.deepEqual(vendors, [
      { integrationId: hook, vendor: 'webhook', name: '/pd-forward-hook', status: 'skipped', attempts: 0, responseStatus: null, message: 'Signal cannot forward deletions to Custom Webhook: delete the person there with its own tools' },
      { integrationId: assignment!.id, vendor: 'amplitude', name: 'Product analytics', status: 'sent', attempts: 1, responseStatus: 200, message: 'accepted: staging for 2026-12-07' },
    ], 'every vendor of the pipeline is listed, by name, those Signal cannot ask with why');

    const anonymous = await finished((await deletePerson({ p: pipeline.id, a: 'df-visitor-amp' })).body.data!.deletePerson.id);
    const skipped = (await signal.graphql<{ personDeletion: { vendors: Array<{ status: string; message: string }> } }>('query($id: ID!) { personDeletion(id: $id) { vendors { status message } } }', { id: anonymous.id })).body.data!.personDeletion.vendors;
    assert.deepEqual(skipped[1], { status: 'skipped', message: 'Amplitude\'s User Privacy API deletes by user id; the deletion named only an anonymousId (a device id there)' });
    assert.equal(sim.requests({ path: '/amp-privacy/api/2/deletions/users' }).length, 1);
  });

  test('an Amplitude integration without a Secret Key is listed as skipped, saying forwarding is off', { timeout: 40_000 }, async () => {
    const pipeline = await signal.pipeline('No secret');
    await signal.services.integrations.install({
      vendor: 'amplitude', name: 'Events only', pipelineId: pipeline.id, consentCategories: [],
      config: { api_key: 'amp-api-key-0003', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
    });
    const done = await finished((await deletePerson({ p: pipeline.id, u: 'u-amplitude-3' })).body.data!.deletePerson.id);
    const vendors = (await signal.graphql<{ personDeletion: { vendors: Array<{ status: string; message: string }> } }>('query($id: ID!) { personDeletion(id: $id) { vendors { status message } } }', { id: done.id })).body.data!.personDeletion.vendors;
    assert.deepEqual(vendors.map((v) => v.status), ['skipped']);
    assert.match(vendors[0]!.message, /forwarding is off in this integration's config \(see the Amplitude plugin's README/);
  });

  test('an Amplitude Secret Key that is the API Key again is refused at install, naming the field', async () => {
    const pipeline = await signal.pipeline('Same key');
    await assert.rejects(signal.services.integrations.install({
      vendor: 'amplitude', name: 'Twice', pipelineId: pipeline.id, consentCategories: [],
      config: { api_key: 'amp-api-key-0002', secret_key: 'amp-api-key-0002', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
    }), (error: Error & { fields?: Array<{ field: string }> }) => /secret_key.*is the API Key again/.test(`${error.fields?.[0]?.field} ${error.message} ${JSON.stringify(error.fields)}`));
    await assert.rejects(signal.services.integrations.install({
      vendor: 'amplitude', name: 'Spaced', pipelineId: pipeline.id, consentCategories: [],
      config: { api_key: 'amp-api-key-0002', secret_key: ' amp-secret-key-0002 ', api_endpoint: 'https://api2.amplitude.com/2/httpapi' },
    }), (error: Error & { fields?: Array<{ field: string }> }) => /secret_key.*white space around it/.test(`${error.fields?.[0]?.field} ${error.message} ${JSON.stringify(error.fields)}`));
  });
});

describe('a deleted pipeline', () => {
  test('its stored events can still be erased; no one can be unsuppressed in it', { timeout: 30_000 }, async () => {
    const pipeline = await signal.pipeline('Gone');
    await send(pipeline.key, [{ type: 'track', event: 'Viewed', userId: 'u-gone', messageId: 'gone-1' }, { type: 'track', event: 'Viewed', userId: 'u-stays', messageId: 'gone-2' }]);
    await waitUntil(async () => (await signal.services.events.recent(pipeline.id, 10)).length === 2, 'two stored events');
    await signal.services.pipelines.setEnabled(pipeline.id, false);
    await signal.services.pipelines.remove(pipeline.id);
    const { status, body } = await deletePerson({ p: pipeline.id, u: 'u-gone' });
    assert.equal(status, 200, JSON.stringify(body));
    const done = await finished(body.data!.deletePerson.id);
    assert.deepEqual([done.status, done.events], ['done', 1]);
    const left = await signal.pool.query<{ message_id: string }>('SELECT message_id FROM signal.events WHERE pipeline_id = $1', [pipeline.id]);
    assert.deepEqual(left.rows.map((r) => r.message_id), ['gone-2']);
    const listed = await signal.graphql<{ personDeletions: Array<{ id: string }> }>('query($p: ID!) { personDeletions(pipelineId: $p) { id } }', { p: pipeline.id });
    assert.deepEqual(listed.body.data!.personDeletions.map((d) => d.id), [done.id]);
    const lift = await signal.graphql('mutation($p: ID!) { unsuppressPerson(pipelineId: $p, userId: "u-gone") }', { p: pipeline.id });
    assert.equal(lift.status, 404);
    assert.match(lift.body.errors![0]!.message, /was deleted: it receives no events, so no one is suppressed in it/);
  });
});

describe('ids holding a NUL or a lone surrogate', () => {
  test('named as the client sent them, they find what collect stored with U+FFFD', async () => {
    // Collect stores such characters as U+FFFD (storable-strings.ts). A privacy request quoting
    // the id as sent was refused ("collect refuses such ids"), and forgetPersonTraits answered
    // 0 while the person's traits stayed remembered.
    const pipeline = await signal.pipeline('Odd ids');
    await send(pipeline.key, [
      { type: 'identify', userId: 'jo\u0000e', traits: { plan: 'pro' }, messageId: 'odd-1' },
      { type: 'track', event: 'Viewed', userId: 'jo\u0000e', messageId: 'odd-2' },
      { type: 'track', event: 'Viewed', anonymousId: 'v\ud800-1', messageId: 'odd-3' },
      { type: 'track', event: 'Viewed', userId: 'someone-else', messageId: 'odd-4' },
    ]);
    await waitUntil(async () => (await signal.pool.query('SELECT 1 FROM signal.remembered_traits WHERE pipeline_id = $1', [pipeline.id])).rowCount === 1, 'the identify\'s traits remembered');
    const forgot = await signal.graphql<{ forgetPersonTraits: number }>('mutation($p: ID!, $u: String) { forgetPersonTraits(pipelineId: $p, userId: $u) }', { p: pipeline.id, u: 'jo\u0000e' });
    assert.equal(forgot.body.data?.forgetPersonTraits, 1, JSON.stringify(forgot.body));
    const byUser = await deletePerson({ p: pipeline.id, u: 'jo\u0000e' });
    assert.equal(byUser.status, 200, JSON.stringify(byUser.body));
    assert.equal(byUser.body.data!.deletePerson.userId, 'jo\ufffde');
    assert.equal((await finished(byUser.body.data!.deletePerson.id)).events, 2);
    const byVisitor = await deletePerson({ p: pipeline.id, a: 'v\ud800-1' });
    assert.equal(byVisitor.status, 200, JSON.stringify(byVisitor.body));
    assert.equal((await finished(byVisitor.body.data!.deletePerson.id)).events, 1);
    const left = await signal.pool.query<{ message_id: string }>('SELECT message_id FROM signal.events WHERE pipeline_id = $1', [pipeline.id]);
    assert.deepEqual(left.rows.map((r) => r.message_id), ['odd-4']);
  });
});

describe('person deletion errors', () => {
  test('each mistake is a 400 or 404 naming what is wrong', async () => {
    const pipeline = await signal.pipeline('Mistakes');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ p: pipeline.id }, 'userId', /Name the person: userId, anonymousId or both/],
      [{ p: pipeline.id, u: '  ' }, 'userId', /userId must be a non-blank text/],
      [{ p: 'not-a-uuid', u: 'u-1' }, 'pipelineId', /pipelineId/],
      [{ p: pipeline.key, u: 'u-1' }, 'pipelineId', /got a pipeline key \(sig_…, what sites send\), not an id: the ids are in \{ pipelines \{ id name \} \}/],
      [{ p: pipeline.id, u: 'null' }, 'userId', /userId "null" is what SDKs send when they have no id: it names no one/],
      [{ p: pipeline.id, a: 'x'.repeat(256) }, 'anonymousId', /longer than 255 characters/],
    ];
    for (const [variables, field, message] of cases) {
      const { status, body } = await deletePerson(variables);
      assert.equal(status, 400, JSON.stringify(body));
      assert.match(body.errors![0]!.message, message);
      assert.equal((body.errors![0]!.extensions as { fields?: Array<{ field: string }> }).fields?.[0]?.field, field, JSON.stringify(body.errors));
    }
    for (const [, , message] of cases) assert.ok(!message.source.includes(pipeline.key));
    const keyError = await deletePerson({ p: pipeline.key, u: 'u-1' });
    assert.ok(!JSON.stringify(keyError.body).includes(pipeline.key), 'a key is never echoed');
    const unknown = await deletePerson({ p: '00000000-0000-4000-8000-000000000000', u: 'u-1' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.errors![0]!.message, /No pipeline with id 00000000-0000-4000-8000-000000000000, and no stored data of a deleted one/);
    const missing = await signal.graphql('query { personDeletion(id: "00000000-0000-4000-8000-000000000000") { id } }');
    assert.equal(missing.status, 404);
    const limit = await signal.graphql('query($p: ID!) { personDeletions(pipelineId: $p, limit: 0) { id } }', { p: pipeline.id });
    assert.equal(limit.status, 400);
    assert.match(limit.body.errors![0]!.message, /limit must be a whole number from 1 to 500, got 0/);
  });
});
