// Userpilot end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for analytex.userpilot.io (US) and
// analytex-eu.userpilot.io (under /eu), and must receive the requests Userpilot's real-time HTTP
// API and Delete API document — and its answers be handled: a 429 and a 503 retried, a 400
// dead-lettered with Userpilot's words, a 401 naming config.api_key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const KEY = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const TRACK = '/v1/track';
const IDENTIFY = '/v1/identify';
const COMPANY = '/v1/companies/identify';
const USERS = '/v1/users';

let sim: VendorSim;
let signal: TestSignal;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://analytex.userpilot.io=${sim.url},https://analytex-eu.userpilot.io=${sim.url}/eu`,
  }, { label: 'userpilot', vendors: ['userpilot'] });
  // Userpilot's documented answer to an accepted record: 202 Accepted.
  for (const path of [TRACK, IDENTIFY, COMPANY, `/eu${TRACK}`]) sim.setDefault('POST', path, { status: 202, body: '' });
  sim.setDefault('DELETE', USERS, { status: 202, body: { message: '1 users scheduled for deletion' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_userpilot0visitor', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Userpilot Test)' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'userpilot', name, { config: { api_key: KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { context: { consent: { analytics: true }, page: { url: 'https://app.example.com/billing', path: '/billing', title: 'Billing', referrer: '' } } });
/** The requests at `path` whose body names `userId` (each test has its own users). */
const sentFor = (userId: string, path = TRACK): RecordedRequest[] => sim.requests({ path }).filter((r) => (r.json as { user_id?: string } | undefined)?.user_id === userId);

describe('Userpilot', () => {
  test('track, identify and group: one POST each to /v1/track, /v1/identify and /v1/companies/identify with Token auth and the API version; no contact information', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Userpilot site');
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'up-identify-1', traits: { plan: 'pro', email: 'jane@example.com', seats: 4, createdAt: '2024-01-02T03:04:05Z' }, context: { groupId: 'acct-9' } });
    await browser(site.key, { type: 'group', userId: 'user-1', groupId: 'acct-9', messageId: 'up-group-1', traits: { name: 'Acme Ltd', industry: 'SaaS' } });
    await browser(site.key, { type: 'track', event: 'Plan Upgraded', userId: 'user-1', messageId: 'up-track-1', properties: { plan: 'pro', billing: { cycle: 'yearly' }, email: 'jane@example.com' } });
    const identify = await waitUntil(async () => sentFor('user-1', IDENTIFY)[0], 'the identify');
    const company = await waitUntil(async () => sim.requests({ path: COMPANY })[0], 'the company identify');
    const track = await waitUntil(async () => sentFor('user-1')[0], 'the track event');
    for (const request of [identify, company, track]) {
      assert.equal(request.method, 'POST');
      assert.equal(request.headers.authorization, `Token ${KEY}`);
      assert.equal(request.headers['x-api-version'], '2020-09-22');
      assert.match(request.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(request.body.includes('jane@example.com'), false, 'no email without config.send_email');
    }
    assert.deepEqual(identify.json, { user_id: 'user-1', metadata: { plan: 'pro', seats: 4, created_at: '2024-01-02T03:04:05.000Z' }, company: { id: 'acct-9' } });
    assert.deepEqual(company.json, { company_id: 'acct-9', metadata: { name: 'Acme Ltd', industry: 'SaaS' } });
    assert.deepEqual(track.json, { user_id: 'user-1', event_name: 'Plan Upgraded', metadata: { plan: 'pro', billing_cycle: 'yearly' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'all three delivered');
  });

  test('the EU endpoint, the email with send_email; a visitor without a userId is not sent', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Userpilot EU', { endpoint: 'https://analytex-eu.userpilot.io', send_email: true });
    sim.setDefault('POST', `/eu${IDENTIFY}`, { status: 202, body: '' });
    await browser(site.key, { type: 'track', event: 'Anonymous Click', messageId: 'up-eu-anon' });
    await browser(site.key, { type: 'identify', userId: 'user-eu', messageId: 'up-eu-identify', traits: { email: 'eu@example.com', plan: 'free' } });
    await browser(site.key, { type: 'track', event: 'Known Click', userId: 'user-eu', messageId: 'up-eu-track' });
    const identify = await waitUntil(async () => sentFor('user-eu', `/eu${IDENTIFY}`)[0], 'the EU identify');
    assert.deepEqual(identify.json, { user_id: 'user-eu', metadata: { plan: 'free', email: 'eu@example.com' } });
    const track = await waitUntil(async () => sentFor('user-eu', `/eu${TRACK}`)[0], 'the EU event');
    assert.equal((track.json as { event_name: string }).event_name, 'Known Click');
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped === 1 || undefined, 'the anonymous event dropped');
    assert.equal(sim.requests().filter((r) => r.body.includes('Anonymous Click')).length, 0, 'the anonymous event was not sent');
    assert.equal(sentFor('user-eu').length, 0, 'nothing to the US endpoint');
  });

  test('a 429 with Retry-After and a 503 are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Userpilot retried');
    sim.script('POST', TRACK, [{ status: 429, headers: { 'Retry-After': '60' }, body: 'Too Many Requests' }, { status: 503, body: 'Service Unavailable' }]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'up-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const tries = sentFor('user-retry');
    assert.equal(tries.length, 3, 'the 429, the 503, then the success; nothing after it');
    assert.ok(tries[1]!.receivedAt - tries[0]!.receivedAt >= 500, 'the 429 paused the integration for Retry-After (60 s, 600 ms scaled)');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 400 is dead-lettered at once with Userpilot\'s words; a 401 names config.api_key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Userpilot refused');
    sim.script('POST', TRACK, [
      { status: 400, body: { errors: [{ error: 'Bad Request', error_code: 'invalid_payload', message: 'event_name is too long', details: '' }] } },
      { status: 401, body: { errors: [{ error: 'Unauthorized', message: 'Invalid API key' }] } },
    ]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-400', messageId: 'up-400' });
    const refused = await waitForDeadLetter(signal, integrationId, 'up-400');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.equal(refused.reason, 'Userpilot refused the event (HTTP 400: invalid_payload: event_name is too long)');
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-401', messageId: 'up-401' });
    const key = await waitForDeadLetter(signal, integrationId, 'up-401');
    assert.equal(key.reason, 'Userpilot refused the API key (HTTP 401: Unauthorized: Invalid API key): config.api_key must be the API key of Settings > Environment > API keys (not the App Token) of the account config.endpoint serves');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('a person deletion: DELETE /v1/users naming the userId, Userpilot\'s message shown', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Userpilot deletions');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'up-forget-1' });
    await waitUntil(async () => sentFor('u-forget-1')[0], 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: visitor.id }), [{
      integrationId, vendor: 'userpilot', status: 'sent', responseStatus: 202,
      message: 'Userpilot scheduled the deletion (1 users scheduled for deletion): it deletes users daily at 2:00 UTC',
    }]);
    const [asked] = sim.requests({ method: 'DELETE', path: USERS });
    assert.equal(asked!.headers.authorization, `Token ${KEY}`);
    assert.equal(asked!.headers['x-api-version'], '2020-09-22');
    assert.deepEqual(asked!.json, { users: ['u-forget-1'] });
    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_someone0else' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'userpilot', status: 'skipped' });
  });
});
