// Zendesk end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for the account's API
// (https://acme.zendesk.com) and must receive the requests Zendesk's API reference documents:
// Create Or Update Many Users and its job status, the Events API, the user search and the two
// deletions of a person.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const ORIGIN = 'https://acme.zendesk.com';
const VISITOR = 'df_zdvisitor0001';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const EMAIL = 'admin@acme.example';
const TOKEN = 'wVq3fVkqB2dM7pXr9sT1';
const BASIC = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;
const USERS = '/api/v2/users/create_or_update_many';
const EVENTS = '/api/v2/user_profiles/events';
const bodyOf = (r: RecordedRequest) => (r.json ?? {}) as Record<string, unknown>;
const usersOf = (r: RecordedRequest) => (bodyOf(r).users ?? []) as Array<Record<string, unknown>>;
let jobs = 0;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `${ORIGIN}=${sim.url}`,
  }, { label: 'zendesk', vendors: ['zendesk'] });
  // Each accepted job is queued; the first job's status says working once (so the report is
  // asked again), every job then says completed with a result per user. Each check waits for the
  // report queue's poll (2 s), so the other jobs complete at their first check.
  sim.setDefault('POST', USERS, (request) => {
    jobs += 1;
    const id = `job${jobs}abc`;
    const users = usersOf(request);
    if (jobs === 1) sim.script('GET', `/api/v2/job_statuses/${id}`, [{ status: 200, body: { job_status: { id, status: 'working', total: users.length, progress: 0 } } }]);
    sim.setDefault('GET', `/api/v2/job_statuses/${id}`, { status: 200, body: { job_status: { id, status: 'completed', total: users.length, progress: users.length, results: users.map((u, i) => (String(u.email ?? '').includes('bad') ? { id: i + 1, status: 'Failed', error: 'UserUpdateError', details: 'Email: is not properly formatted' } : { id: 1000 + i, status: 'Created', success: true })) } } });
    return { status: 200, body: { job_status: { id, status: 'queued', url: `${ORIGIN}/api/v2/job_statuses/${id}.json`, total: users.length, progress: null, message: null, results: null } } };
  });
  // The Events API's documented answer (API reference, "Track Event Against a Sunshine Profile").
  sim.setDefault('POST', EVENTS, { status: 202, body: { profile_id: '01E1DPYAA7HW7645KMJEY9CXRJ', status: 'received', user_id: '123456' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'zendesk', name, { config: { subdomain: 'acme', email: EMAIL, api_token: TOKEN, ...config }, consentCategories: ['functional'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { functional: true } } });
type Exchange = { eventIds: string[]; outcome: string; error: string | null; responseStatus: number | null; request: { url: string } };
const logOf = async (integrationId: string) => (await signal.graphql<{ deliveryLog: Exchange[] }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 50) { eventIds outcome error responseStatus request } }', { id: integrationId })).body.data!.deliveryLog;

describe('Zendesk', () => {
  test('identify → Create Or Update Many Users with HTTP Basic {email}/token, the job followed to completed and its failed user counted; track → the Events API', async () => {
    const { site, integrationId } = await installed('Zendesk users', { user_fields: ['plan'] });
    await browser(site.key, { type: 'identify', userId: 'zd-user-1', messageId: 'zd-identify-1', traits: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '+44 7700 900123', plan: 'pro', password: 'never' } });
    const [sent] = await sim.waitFor(1, 15_000, { method: 'POST', path: USERS });
    assert.deepEqual(sent!.json, { users: [{ external_id: 'zd-user-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+44 7700 900123', user_fields: { plan: 'pro' } }] });
    assert.equal(sent!.headers.authorization, BASIC);
    assert.match(sent!.headers['content-type'] ?? '', /^application\/json/);
    const report = await waitUntil(async () => (await logOf(integrationId)).find((e) => e.outcome === 'report'), 'the job status report', 20_000);
    assert.deepEqual(report.eventIds, ['zd-identify-1']);
    assert.match(report.error ?? '', /^Zendesk completed job job\d+abc: 1 created$/);
    const checks = sim.requests({ method: 'GET' }).filter((r) => r.path.startsWith('/api/v2/job_statuses/'));
    assert.ok(checks.length >= 2, 'working, then completed');
    assert.equal(checks[0]!.headers.authorization, BASIC);

    await browser(site.key, { type: 'identify', userId: 'zd-user-bad', messageId: 'zd-identify-bad', traits: { email: 'bad@example.com', name: 'Bad' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['processingFailed'])).processingFailed === 1 || undefined, 'the failed user counted', 20_000);

    await browser(site.key, { type: 'track', event: 'Plan Upgraded', userId: 'zd-user-1', messageId: 'zd-track-1', properties: { plan: 'pro', email: 'x@example.com' } });
    const event = await waitUntil(async () => sim.requests({ method: 'POST', path: EVENTS }).find((r) => JSON.stringify(r.json).includes('Plan Upgraded')), 'the event');
    assert.deepEqual(event.json, {
      profile: { source: 'signal', type: 'customer', identifiers: [{ type: 'external_id', value: 'zd-user-1' }, { type: 'email', value: 'ann@example.com' }] },
      event: { source: 'signal', type: 'Plan Upgraded', properties: { plan: 'pro' }, created_at: CALL_TIMESTAMP },
    });
  });

  test('bulk_users off: each identify upserted by Create Or Update User, delivered on its 201 with the user', async () => {
    const { site, integrationId } = await installed('Zendesk one user a request', { bulk_users: false });
    sim.setDefault('POST', '/api/v2/users/create_or_update', (request) => ({ status: 201, headers: { location: '/api/v2/users/4242.json' }, body: { user: { id: 4242, role: 'end-user', ...((bodyOf(request).user ?? {}) as Record<string, unknown>) } } }));
    await browser(site.key, { type: 'identify', userId: 'zd-single-1', messageId: 'zd-single-1', traits: { email: 'sam@example.com', name: 'Sam Roe' } });
    const [sent] = await sim.waitFor(1, 15_000, { method: 'POST', path: '/api/v2/users/create_or_update' });
    assert.deepEqual(sent!.json, { user: { external_id: 'zd-single-1', email: 'sam@example.com', name: 'Sam Roe' } });
    assert.equal(sent!.headers.authorization, BASIC);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 15_000);
  });

  test('a 429 with Retry-After and a 503 are retried, then delivered', async () => {
    const { site, integrationId } = await installed('Zendesk retries');
    sim.script('POST', EVENTS, [{ status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' }, reply.serverError({ error: 'ServiceUnavailable' })]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'zd-user-2', messageId: 'zd-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the retries', 20_000);
    assert.equal(sim.requests({ method: 'POST', path: EVENTS }).filter((r) => JSON.stringify(r.json).includes('Retried')).length, 3);
  });

  test('a 422 RecordInvalid is dead-lettered naming the field; a 403 to an event names the Events API', async () => {
    const { site, integrationId } = await installed('Zendesk refusals');
    sim.script('POST', USERS, [{ status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { email: [{ description: 'Email: ann@ is not properly formatted', error: 'InvalidFormat' }] } } }]);
    await browser(site.key, { type: 'identify', userId: 'zd-user-3', messageId: 'zd-invalid-1', traits: { name: 'Ann' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'zd-invalid-1');
    assert.equal(letter.reason, 'HTTP 422: RecordInvalid: Record validation errors — email: Email: ann@ is not properly formatted: Zendesk found email invalid');
    assert.equal(letter.attempts, 1);
    sim.script('POST', EVENTS, [{ status: 403, body: { error: 'Forbidden', description: 'You do not have access to this page.' } }]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'zd-user-3', messageId: 'zd-forbidden-1' });
    const refused = await waitForDeadLetter(signal, integrationId, 'zd-forbidden-1');
    assert.match(refused.reason, /^HTTP 403: Forbidden: You do not have access to this page\.: the Events API is not available to this Zendesk account .*config\.send_events/);
  });

  test('person deletion: the user searched by external_id, deleted, then permanently deleted; an anonymousId alone is skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Zendesk deletions');
    sim.setDefault('GET', '/api/v2/users/search', (request) => ({
      status: 200,
      body: request.query.external_id === 'zd-forget-1' ? { users: [{ id: 35436, role: 'end-user', external_id: 'zd-forget-1' }], count: 1 }
        : request.query.query === 'email:zd-forget@example.com' ? { users: [{ id: 35437, role: 'end-user', email: 'zd-forget@example.com', external_id: null }], count: 1 }
          : { users: [], count: 0 },
    }));
    sim.setDefault('DELETE', '/api/v2/users/35436', { status: 200, body: { user: { id: 35436, active: false } } });
    sim.setDefault('DELETE', '/api/v2/deleted_users/35436', { status: 200, body: { deleted_user: { id: 35436 } } });
    sim.setDefault('DELETE', '/api/v2/users/35437', { status: 200, body: { user: { id: 35437, active: false } } });
    sim.setDefault('DELETE', '/api/v2/deleted_users/35437', { status: 200, body: { deleted_user: { id: 35437 } } });
    const [sent] = await deletePerson(signal, site.id, { userId: 'zd-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId, vendor: 'zendesk', status: 'sent', responseStatus: 200, message: 'deleted (HTTP 200): Zendesk permanently deleted the user' });
    const order = sim.requests().filter((r) => r.path.startsWith('/api/v2/users/search') || r.path.endsWith('/35436')).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(order, ['GET /api/v2/users/search', 'DELETE /api/v2/users/35436', 'DELETE /api/v2/deleted_users/35436']);
    assert.equal(sim.requests({ method: 'DELETE', path: '/api/v2/deleted_users/35436' })[0]!.headers.authorization, BASIC);

    // A userId that is an email: no user has it as external_id, the user with that email is
    // deleted and permanently deleted (a chain of its own: the core follows three requests in a row).
    const [byEmail] = await deletePerson(signal, site.id, { userId: 'zd-forget@example.com' });
    assert.equal(byEmail!.message, 'request 1 of 2: no Zendesk user has this userId as external_id: nothing to delete; request 2 of 2: deleted (HTTP 200): Zendesk permanently deleted the user');
    const emailOrder = sim.requests().filter((r) => r.path.startsWith('/api/v2/users/search') || r.path.endsWith('/35437')).slice(1).map((r) => `${r.method} ${r.path}${r.query.query ? `?query=${r.query.query}` : ''}${r.query.external_id ? `?external_id=${r.query.external_id}` : ''}`);
    assert.deepEqual(emailOrder, ['GET /api/v2/users/search?external_id=zd-forget@example.com', 'GET /api/v2/users/search?query=email:zd-forget@example.com', 'DELETE /api/v2/users/35437', 'DELETE /api/v2/deleted_users/35437']);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');
  });

  test('person deletion: a userId that is no email, whose identify gave traits.email — the user of that email searched, deleted, then permanently deleted', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Zendesk deletions by traits');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'zd-del-traits', traits: { email: 'Gus.Gone@Example.com', name: 'Gus Gone' } });
    await sim.waitFor((requests) => requests.some((r) => usersOf(r).some((u) => u.external_id === 'u-gus-0042')), 15_000, { method: 'POST', path: USERS });
    sim.setDefault('GET', '/api/v2/users/search', (request) => ({
      status: 200,
      body: request.query.query === 'email:gus.gone@example.com' ? { users: [{ id: 35501, role: 'end-user', email: 'gus.gone@example.com', external_id: null }], count: 1 } : { users: [], count: 0 },
    }));
    sim.setDefault('DELETE', '/api/v2/users/35501', { status: 200, body: { user: { id: 35501, active: false } } });
    sim.setDefault('DELETE', '/api/v2/deleted_users/35501', { status: 200, body: { deleted_user: { id: 35501 } } });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.deepEqual(sent, { integrationId, vendor: 'zendesk', status: 'sent', responseStatus: 200, message: 'request 1 of 2: no Zendesk user has this userId as external_id: nothing to delete; request 2 of 2: deleted (HTTP 200): Zendesk permanently deleted the user' });
    const searches = sim.requests({ method: 'GET', path: '/api/v2/users/search' }).map((r) => r.query).filter((q) => q.external_id === 'u-gus-0042' || q.query === 'email:gus.gone@example.com');
    assert.deepEqual(searches, [{ external_id: 'u-gus-0042' }, { query: 'email:gus.gone@example.com' }], 'searched by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.equal(sim.requests({ method: 'DELETE', path: '/api/v2/deleted_users/35501' }).length, 1);
  });
});
