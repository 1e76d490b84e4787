// Appcues end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.appcues.com and must
// receive the requests Appcues' Public API v2 documents: PATCH
// /v2/accounts/{account}/users/{userId}/profile, POST …/users/{userId}/events, and DELETE
// …/users/{userId}/profile for a person deletion, each with the API key and secret as HTTP Basic.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const ACCOUNT = '12345';
const KEY = 'ecf7f10a-3ece-4658-9bc9-d592306697ed-02';
const SECRET = 'f7c6d033-0221-4c7d-bf01-5e28a5c85d27';
const BASIC = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
const USERS = `/v2/accounts/${ACCOUNT}/users/`;
const profilePath = (userId: string) => `${USERS}${encodeURIComponent(userId)}/profile`;
const eventsPath = (userId: string) => `${USERS}${encodeURIComponent(userId)}/events`;
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.appcues.com=${sim.url},https://api.eu.appcues.com=${sim.url}/eu`,
  }, { label: 'appcues', vendors: ['appcues'] });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_appcues0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'appcues', name, { config: { account_id: ACCOUNT, api_key: KEY, api_secret: SECRET, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
const sentTo = (path: string) => sim.requests({ path });
const waitForPath = (path: string) => sim.waitFor((requests) => requests.length > 0, 15_000, { path });

/** Scripts an answer for one user's endpoint (each test its own user, so scripts never cross). */
function answers(method: string, path: string, list: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>): void {
  sim.script(method, path, list);
}

describe('Appcues', () => {
  test('an identify to PATCH …/profile and a track to POST …/events, exactly as Appcues documents them, with HTTP Basic', async () => {
    const { site, integrationId } = await installed('Appcues');
    answers('PATCH', profilePath('user-123'), [{ status: 200, body: { user_id: 'user-123' } }]);
    answers('POST', eventsPath('user-123'), [{ status: 202, body: '' }]);
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'ac-identify-1', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro', seats: 3, company: { name: 'Acme', size: 12 }, tags: ['a'] } });
    await waitForPath(profilePath('user-123'));
    const [profile] = sentTo(profilePath('user-123')) as RecordedRequest[];
    assert.equal(profile!.method, 'PATCH');
    assert.equal(profile!.headers.authorization, BASIC);
    assert.match(profile!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(profile!.json, { plan: 'pro', seats: 3, company_name: 'Acme', company_size: 12 }, 'flat; no contact information, no list');

    await browser(site.key, { type: 'track', event: 'Plan Upgraded', userId: 'user-123', messageId: 'ac-track-1', properties: { plan: 'pro', cart: { total: 42 }, email: 'someone@example.com' } });
    await waitForPath(eventsPath('user-123'));
    const [event] = sentTo(eventsPath('user-123')) as RecordedRequest[];
    assert.equal(event!.method, 'POST');
    assert.equal(event!.headers.authorization, BASIC);
    assert.deepEqual(event!.json, { name: 'Plan Upgraded', timestamp: CALL_TIMESTAMP, attributes: { plan: 'pro', cart_total: 42 } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
  });

  test('EU region: api.eu.appcues.com; a page view sent as Page Viewed with send_page_views; an anonymous visitor is not sent', async () => {
    const { site, integrationId } = await installed('Appcues EU', { region: 'eu', send_page_views: true });
    // The EU origin is redirected under /eu: what arrives there went to https://api.eu.appcues.com.
    const euEvents = `/eu${eventsPath('user-eu')}`;
    answers('POST', euEvents, [{ status: 202, body: '' }]);
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'ac-anon-1' }, { id: 'df_appcues_anon1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
    await browser(site.key, { type: 'page', name: 'Pricing', userId: 'user-eu', messageId: 'ac-page-1', properties: { path: '/pricing', url: 'https://shop.example/pricing', title: 'Pricing' } });
    await waitForPath(euEvents);
    const [pageView] = sentTo(euEvents);
    assert.equal(sentTo(eventsPath('user-eu')).length, 0, 'nothing to the US host');
    assert.deepEqual(pageView!.json, { name: 'Page Viewed', timestamp: CALL_TIMESTAMP, attributes: { url: 'https://shop.example/pricing', path: '/pricing', title: 'Pricing', page_name: 'Pricing' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the page view delivered');
    assert.equal(sim.requests().some((r) => r.path.includes('Anonymous') || JSON.stringify(r.json ?? {}).includes('Anonymous Thing')), false, 'no anonymous event sent');
  });

  test('a 429 (with Retry-After) and a 503 are retried, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Appcues retried');
    answers('POST', eventsPath('user-retry'), [
      { status: 429, body: { error: true, status: 429, title: 'Too Many Requests' }, headers: { 'retry-after': '0' } },
      { status: 503, body: 'Service Unavailable' },
      { status: 202, body: '' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'ac-retried-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    assert.equal(sentTo(eventsPath('user-retry')).length, 3, 'the 429, the 503, then the success; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 422 is dead-lettered at once with Appcues\' words; a refused key (401) names the credential fields', async () => {
    const { site, integrationId } = await installed('Appcues refused');
    answers('POST', eventsPath('user-422'), [{ status: 422, body: { error: true, status: 422, title: 'Unprocessable Entity', detail: 'timestamp is invalid' } }]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-422', messageId: 'ac-422' });
    const letter = await waitForDeadLetter(signal, integrationId, 'ac-422');
    assert.equal(letter.attempts, 1, 'not retried: Appcues refused it for good');
    assert.equal(letter.reason, 'Appcues refused the event (HTTP 422: Unprocessable Entity — timestamp is invalid)');

    answers('PATCH', profilePath('user-401'), [{ status: 401, body: { error: true, status: 401, title: 'Unauthorized' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'ac-401', traits: { plan: 'pro' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'ac-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Appcues refused the credentials \(HTTP 401: Unauthorized\): check config\.api_key and config\.api_secret/);
  });

  test('person deletions: DELETE …/users/{userId}/profile with HTTP Basic; an anonymousId alone skipped; a refused key fails', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Appcues deletions');
    answers('DELETE', profilePath('u-gus-0042'), [{ status: 204, body: '' }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'appcues');
    assert.equal(sent!.status, 'sent');
    const [request] = sentTo(profilePath('u-gus-0042'));
    assert.equal(request!.method, 'DELETE');
    assert.equal(request!.headers.authorization, BASIC);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_appcues_never_identified' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the person has no userId/);

    answers('DELETE', profilePath('u-forget-2'), [{ status: 401, body: { error: true, status: 401, title: 'Unauthorized' } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /HTTP 401: Appcues refused the credentials for the deletion \(Unauthorized\)/);
  });

  test('a userId of ".." is never sent (the URL parser would drop it, reaching /v2/accounts/{account}/events); the next user\'s event is', async () => {
    const { site, integrationId } = await installed('Appcues dot user');
    answers('POST', eventsPath('user-after-dots'), [{ status: 202, body: '' }]);
    await browser(site.key, { type: 'track', event: 'Dotted', userId: '..', messageId: 'ac-dots-1' });
    await browser(site.key, { type: 'track', event: 'After Dots', userId: 'user-after-dots', messageId: 'ac-dots-2' });
    await waitForPath(eventsPath('user-after-dots'));
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the second event delivered');
    assert.equal(sim.requests().some((r) => JSON.stringify(r.json ?? {}).includes('Dotted')), false, 'nothing sent for the ".." user');
    assert.deepEqual(sim.requests().filter((r) => r.path === `/v2/accounts/${ACCOUNT}/events` || r.path === `${USERS}events`), []);
  });

  test('an install with the key and secret pasted together in api_key (API_KEY:API_SECRET) is refused naming config.api_key, without the secret', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/appcues/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Appcues pasted pair', variant: 'default', config: { account_id: ACCOUNT, api_key: `${KEY}:${SECRET}`, api_secret: SECRET } }),
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.equal(text.includes(SECRET), false, 'the answer never repeats the secret');
    const { error } = JSON.parse(text) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.api_key', message: 'holds a colon (the key and secret pasted together as API_KEY:API_SECRET?): give the API key alone here and its secret in api_secret' }]);
  });

  test('an install with an account id that is no number is refused, naming the field and what it expects in words', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/appcues/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Appcues bad account', variant: 'default', config: { account_id: 'acme', api_key: KEY, api_secret: SECRET } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.account_id', message: 'is "acme": give the Appcues account id, the number on the Studio account page (e.g. 12345)' }]);
  });
});
