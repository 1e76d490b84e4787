// Drip end to end: browser and server calls through the real collect API, the pipeline stage,
// the queue and the delivery engine; the vendor simulator stands in for https://api.getdrip.com
// and must receive the requests Drip's API reference documents: POST /v2/<account>/subscribers
// and /events with `{"subscribers": [...]}` / `{"events": [...]}`, their /batches forms with
// `{"batches": [{"subscribers": [...]}]}`, DELETE /v2/<account>/subscribers/<email>.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { adminCall, deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const TOKEN = '7b2c9d0e4f5a6b7c8d9e0f1a2b3c4d5e';
const BASIC = `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`;
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
/** Each test its own account, so each reads its own requests. */
const paths = (account: string) => ({
  subscribers: `/v2/${account}/subscribers`, events: `/v2/${account}/events`,
  subscriberBatches: `/v2/${account}/subscribers/batches`, eventBatches: `/v2/${account}/events/batches`,
});

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.getdrip.com=${sim.url}`,
  }, { label: 'drip', vendors: ['drip'] });
  for (const account of ['1000001', '1000002', '1000003', '1000004', '1000005', '1000006', '1000007', '1000008']) {
    const path = paths(account);
    sim.setDefault('POST', path.subscribers, { status: 200, body: { links: {}, subscribers: [{ id: 'z1togz2hcjrkpp5treip', status: 'active' }] } });
    sim.setDefault('POST', path.events, { status: 204, body: '' });
    sim.setDefault('POST', path.subscriberBatches, { status: 201, body: {} });
    sim.setDefault('POST', path.eventBatches, { status: 201, body: {} });
  }
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_drip00visitor', ip: '203.0.113.42' };
const installed = (name: string, account: string, config: Record<string, unknown> = {}) =>
  installOnNewPipeline(signal, 'drip', name, { config: { api_token: TOKEN, account_id: account, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>, consent: Record<string, boolean> = { marketing: true }) =>
  sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent } });
const recordsOf = (request: RecordedRequest, key: 'subscribers' | 'events') => (request.json as Record<string, Array<Record<string, unknown>>>)[key]!;
const batchRecordsOf = (request: RecordedRequest, key: 'subscribers' | 'events') => (request.json as { batches: Array<Record<string, Array<Record<string, unknown>>>> }).batches[0]![key]!;

describe('Drip', () => {
  test('an identify to POST /subscribers and a track to POST /events, one record each, with the token as Basic username and a User-Agent', async () => {
    const path = paths('1000001');
    const { site, integrationId } = await installed('Drip', '1000001', { custom_fields: { plan: 'plan_name' }, tags: ['Signal'] });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'dr-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', plan: 'pro', company: 'Acme' } });
    const [subscriber] = await sim.waitFor(1, 15_000, { path: path.subscribers });
    assert.equal(subscriber!.method, 'POST');
    assert.equal(subscriber!.headers.authorization, BASIC);
    assert.equal(subscriber!.headers['user-agent'], 'Signal (drip plugin)');
    assert.match(subscriber!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(subscriber!.json, {
      subscribers: [{ email: 'Jane@Example.com', user_id: 'user-123', first_name: 'Jane', last_name: 'Doe', custom_fields: { plan_name: 'pro' }, tags: ['Signal'], initial_status: 'active' }],
    }, 'marketing consent: created active, an existing subscriber\'s status left alone; only the custom fields the config names');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'dr-track-1', properties: { plan: 'pro', seats: 3, email: 'someone@example.com' } });
    const [event] = await sim.waitFor(1, 15_000, { path: path.events });
    assert.equal(event!.headers.authorization, BASIC);
    assert.deepEqual(event!.json, { events: [{ email: 'Jane@Example.com', action: 'Signed Up', properties: { plan: 'pro', seats: 3 }, occurred_at: CALL_TIMESTAMP }] }, 'the email Signal remembers from the identify; no contact data in the properties');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
  });

  test('without marketing consent a new subscriber is created unsubscribed and status is never sent, even with resubscribe_with_consent; with it, status active', async () => {
    const path = paths('1000002');
    const { site } = await installOnNewPipeline(signal, 'drip', 'Drip no consent', { config: { api_token: TOKEN, account_id: '1000002', resubscribe_with_consent: true } });
    await browser(site.key, { type: 'identify', userId: 'user-nc', messageId: 'dr-nc-1', traits: { email: 'nc@example.com' } }, { analytics: true });
    await browser(site.key, { type: 'identify', userId: 'user-yes', messageId: 'dr-yes-1', traits: { email: 'yes@example.com' } });
    const requests = await sim.waitFor(2, 15_000, { path: path.subscribers });
    const byUser = new Map(requests.map((r) => [recordsOf(r, 'subscribers')[0]!.user_id, recordsOf(r, 'subscribers')[0]]));
    assert.deepEqual(byUser.get('user-nc'), { email: 'nc@example.com', user_id: 'user-nc', initial_status: 'unsubscribed' });
    assert.deepEqual(byUser.get('user-yes'), { email: 'yes@example.com', user_id: 'user-yes', status: 'active' });
  });

  test('a server batch of 120 identifies goes as one batch request to /subscribers/batches, not 120 calls', { timeout: 60_000 }, async () => {
    const path = paths('1000003');
    const { site, integrationId } = await installed('Drip batch', '1000003');
    const calls = Array.from({ length: 120 }, (_, i) => ({ type: 'identify', userId: `user-b${i}`, messageId: `dr-batch-${i}`, traits: { email: `b${i}@example.com` } }));
    await sendServerBatch(signal, site.key, calls, { context: { consent: { marketing: true } }, timestamp: CALL_TIMESTAMP });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 120 || undefined, 'all delivered', 40_000);
    const batches = sim.requests({ path: path.subscriberBatches });
    const batched = batches.flatMap((r) => batchRecordsOf(r, 'subscribers'));
    const singles = sim.count({ path: path.subscribers });
    assert.equal(batched.length + singles, 120, 'each identify sent once');
    assert.ok(batches.length >= 1 && batches.length <= 2, `one batch request for the delivery (a second when collect split the batch): ${batches.length}`);
    assert.equal(batches[0]!.headers.authorization, BASIC);
    assert.deepEqual(batched.find((s) => s.user_id === 'user-b7'), { email: 'b7@example.com', user_id: 'user-b7', initial_status: 'active' });
  });

  test('a batch Drip refuses (422) is split until its records go one a request: the refused record dead-lettered alone, the others delivered', { timeout: 60_000 }, async () => {
    const path = paths('1000004');
    // Unlimited (rate_limit_rps 0): at Drip's one request a second, the 50 single calls of a half would take most of a minute.
    const site = await signal.pipeline('Drip split');
    const { assignment } = await adminCall<{ assignment: { id: string } }>(signal, 'POST', '/v1/admin/integration-catalog/drip/install', {
      name: 'Drip split', variant: 'default', config: { api_token: TOKEN, account_id: '1000004' }, delivery_mode: 'server_side', pipeline_id: site.id, consent_categories: ['marketing'], rate_limit_rps: 0,
    });
    const integrationId = assignment.id;
    sim.script('POST', path.subscriberBatches, [{ status: 422, body: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] } }]);
    sim.setDefault('POST', path.subscribers, (request) => recordsOf(request, 'subscribers')[0]!.email === 'bad7@example.com'
      ? { status: 422, body: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] } }
      : { status: 200, body: { subscribers: [{ id: 'z1' }] } });
    const calls = Array.from({ length: 100 }, (_, i) => ({ type: 'identify', userId: `user-s${i}`, messageId: `dr-split-${i}`, traits: { email: i === 7 ? 'bad7@example.com' : `s${i}@example.com` } }));
    await sendServerBatch(signal, site.key, calls, { context: { consent: { marketing: true } }, timestamp: CALL_TIMESTAMP });
    const letter = await waitForDeadLetter(signal, integrationId, 'dr-split-7');
    assert.equal(letter.reason, 'Drip refused the subscriber (HTTP 422: Email is invalid (email_error, email))');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 99 || undefined, 'the others delivered', 40_000);
    assert.equal(sim.count({ path: path.subscriberBatches }), 1, 'the refused batch; its halves of 50 went one record a request');
    assert.equal(sim.count({ path: path.subscribers }), 100);
  });

  test('a 429 with Drip\'s global limiter body (no Retry-After) and a 503 are retried, then delivered once', { timeout: 60_000 }, async () => {
    const path = paths('1000005');
    const { site, integrationId } = await installed('Drip retried', '1000005');
    sim.script('POST', path.events, [
      { status: 429, body: { message: 'API rate limit exceeded. Please try again in an hour.', documentation: 'https://www.getdrip.com/docs/rest-api#rate-limting' }, headers: { 'x-ratelimit-limit': '3600', 'x-ratelimit-remaining': '0' } },
      { status: 503, body: 'Service Unavailable' },
      { status: 204, body: '' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'dr-retried-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    assert.equal(sim.count({ path: path.events }), 3, 'the 429, the 503, then the success; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('an identify and a track of one person in one delivery: the track waits a second after the identify; Drip\'s 429 for concurrent requests to a subscriber is sent again, both delivered', { timeout: 60_000 }, async () => {
    const path = paths('1000008');
    const { site, integrationId } = await installed('Drip same person', '1000008');
    sim.script('POST', path.events, [{ status: 429, body: { errors: [{ code: 'too_many_requests', message: 'Too many concurrent requests for the same subscriber' }] } }]);
    await sendServerBatch(signal, site.key, [
      { type: 'identify', userId: 'user-same', messageId: 'dr-same-1', traits: { email: 'same@example.com' } },
      { type: 'track', event: 'Signed Up', userId: 'user-same', messageId: 'dr-same-2', context: { consent: { marketing: true }, traits: { email: 'same@example.com' } } },
    ], { context: { consent: { marketing: true } }, timestamp: CALL_TIMESTAMP });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered', 40_000);
    const [subscriberCall] = sim.requests({ path: path.subscribers });
    const [firstEvent] = sim.requests({ path: path.events });
    assert.ok(firstEvent!.receivedAt - subscriberCall!.receivedAt >= 900, `the track waited for the identify (${firstEvent!.receivedAt - subscriberCall!.receivedAt} ms apart)`);
    assert.equal(sim.count({ path: path.events }), 2, 'the concurrent-request 429, then the success');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 0 });
  });

  test('a refused token (401) is dead-lettered at once naming config.api_token; an unknown account (404) names config.account_id; an anonymous visitor\'s track and page views are not sent', async () => {
    const path = paths('1000006');
    const { site, integrationId } = await installed('Drip refused', '1000006');
    sim.script('POST', path.events, [
      { status: 401, body: { errors: [{ code: 'authentication_error', message: 'You must be authenticated to access this resource' }] } },
      { status: 404, body: { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] } },
    ]);
    await browser(site.key, { type: 'track', event: 'Unauthorised', userId: 'user-401', messageId: 'dr-401', context: { traits: { email: 'u401@example.com' } } });
    const refused = await waitForDeadLetter(signal, integrationId, 'dr-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Drip refused the API token \(HTTP 401: You must be authenticated to access this resource \(authentication_error\)\): check config\.api_token/);
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'user-404', messageId: 'dr-404', context: { traits: { email: 'u404@example.com' } } });
    assert.match((await waitForDeadLetter(signal, integrationId, 'dr-404')).reason, /^Drip found no such account .*check config\.account_id/);

    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'dr-anon-1' }, { id: 'df_drip_anonymous1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await browser(site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'dr-page-1' });
    await browser(site.key, { type: 'track', event: 'After Anonymous', userId: 'user-anon', messageId: 'dr-anon-2', context: { traits: { email: 'anon@example.com' } } });
    await sim.waitFor((requests) => requests.some((r) => recordsOf(r, 'events')[0]!.action === 'After Anonymous'), 15_000, { path: path.events });
    assert.equal(sim.requests({ path: path.events }).some((r) => recordsOf(r, 'events')[0]!.action === 'Anonymous Thing'), false);
    assert.equal(sim.requests().some((r) => r.path.includes('page')), false, 'no page view sent');
  });

  test('person deletions: DELETE /subscribers/<email> for each email Signal knew; a 404 is done; no email, skipped; a refused token fails', { timeout: 60_000 }, async () => {
    const path = paths('1000007');
    const { site, integrationId } = await installed('Drip deletions', '1000007');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'dr-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await sim.waitFor(1, 15_000, { path: path.subscribers });
    const deleteOf = `${path.subscribers}/gus.gone%40example.com`;
    sim.script('DELETE', deleteOf, [{ status: 204, body: '' }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'drip');
    assert.equal(sent!.status, 'sent');
    const [request] = sim.requests({ method: 'DELETE', path: deleteOf });
    assert.equal(request!.headers.authorization, BASIC);
    assert.match(String(sent!.message), /the userId was not asked by/);

    sim.script('DELETE', `${path.subscribers}/nobody%40example.com`, [{ status: 404, body: { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] } }]);
    const [missing] = await deletePerson(signal, site.id, { userId: 'nobody@example.com' });
    assert.equal(missing!.status, 'sent');

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_drip_never_identified' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^Drip keeps subscribers by email/);

    sim.script('DELETE', `${path.subscribers}/refused%40example.com`, [{ status: 401, body: { errors: [{ code: 'authentication_error', message: 'Bad token' }] } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'refused@example.com' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /HTTP 401: Drip refused the API token for the deletion/);
  });

  test('an install with an account URL for its id is refused, naming the field', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/drip/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Drip URL', variant: 'default', config: { api_token: TOKEN, account_id: 'https://www.getdrip.com/9999999/' } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.account_id', message: '"https://www.getdrip.com/9999999/" is no Drip account id: give the digits alone (Settings > General > Account ID), e.g. 9999999' }]);
  });
});
