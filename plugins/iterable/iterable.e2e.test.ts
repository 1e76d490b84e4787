// Iterable end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for Iterable's API
// (api.iterable.com, and api.eu.iterable.com under /eu) and must receive the requests its API
// reference documents: bulkUpdate, trackBulk, trackPurchase, forget.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_itbl0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TS = 1711296000;
const KEY = '0123456789abcdef0123456789abcdef';
/** Iterable's answer to a bulk request without failures. */
const BULK_OK = { successCount: 1, failCount: 0, createdFields: [], filteredOutFields: [], failedUpdates: {} };
const SUCCESS = { msg: '', code: 'Success', params: null };
/** What an accepted forget says it does. */
const FORGOTTEN_WORDS = 'Iterable deletes the user\'s data and collects nothing more about them (events naming them are refused) until they are unforgotten in Iterable; it can take up to ten minutes';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.iterable.com=${sim.url},https://api.eu.iterable.com=${sim.url}/eu`,
  }, { label: 'iterable', vendors: ['iterable'] });
  sim.setDefault('POST', '/api/users/bulkUpdate', { status: 200, body: BULK_OK });
  sim.setDefault('POST', '/api/events/trackBulk', { status: 200, body: BULK_OK });
  sim.setDefault('POST', '/api/commerce/trackPurchase', { status: 200, body: SUCCESS });
  sim.setDefault('POST', '/api/users/forget', { status: 200, body: SUCCESS });
});
after(() => closeAll(signal, sim));

/** A visitor who came from an Iterable email campaign: its link tracking domain set these cookies. */
const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', cookies: 'iterableEmailCampaignId=1234567; iterableTemplateId=7654321' };
const installed = (name: string, config: Record<string, unknown>, variant = 'default') => installOnNewPipeline(signal, 'iterable', name, { config: { api_key: KEY, ...config }, variant, consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });

/** Every record of a bulk endpoint the simulator received (under `prefix`), with its request. */
function records(path: string, array: 'users' | 'events', prefix = ''): Array<{ request: RecordedRequest; record: Record<string, unknown> }> {
  return sim.requests({ path: `${prefix}${path}` }).flatMap((request) => {
    const list = ((request.json ?? {}) as Record<string, unknown>)[array];
    return (Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []).map((record) => ({ request, record }));
  });
}
const users = (prefix = '') => records('/api/users/bulkUpdate', 'users', prefix);
const events = (prefix = '') => records('/api/events/trackBulk', 'events', prefix);
const eventsNamed = (name: string, prefix = '') => events(prefix).filter(({ record }) => record.eventName === name);

describe('Iterable', () => {
  test('hybrid project: an identify to bulkUpdate, a track to trackBulk and an order to trackPurchase, exactly as Iterable documents them, with the Api-Key header and the email campaign the visitor came from', async () => {
    const { site } = await installed('Iterable hybrid', { project_type: 'hybrid' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'itbl-identify-1', traits: { email: ' Jane@Example.com ', firstName: 'Jane', phone: '+44 7700 900123', plan: 'premium', emailListIds: [42] } });
    const { request, record } = await waitUntil(async () => users().find(({ record }) => record.userId === 'user-123'), 'the user update');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['api-key'], KEY);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.deepEqual(request.json, { users: [record] }, 'one user a request here');
    assert.deepEqual(record, { userId: 'user-123', dataFields: { plan: 'premium', firstName: 'Jane', phoneNumber: '+447700900123', email: 'jane@example.com' }, mergeNestedObjects: false });

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'itbl-track-1', properties: { method: 'email', email: 'someone@example.com' } });
    const signedUp = await waitUntil(async () => eventsNamed('Signed Up')[0], 'the event');
    assert.deepEqual(signedUp.record, { userId: 'user-123', eventName: 'Signed Up', id: 'itbl-track-1', createdAt: TS, dataFields: { method: 'email' }, campaignId: 1234567, templateId: 7654321 });
    assert.equal(signedUp.request.headers['api-key'], KEY);

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'itbl-order-1', properties: { order_id: 'SO-1', total: 131, currency: 'EUR', products: [{ product_id: 'P-1', sku: 'MUG-BLK', name: 'Mug', price: 12.5, quantity: 2, category: 'Kitchen' }, { product_id: 'P-2', name: 'T-shirt', price: 106 }] } });
    const [purchase] = await sim.waitFor(1, 15_000, { path: '/api/commerce/trackPurchase' });
    assert.equal(purchase!.headers['api-key'], KEY);
    assert.deepEqual(purchase!.json, {
      id: 'SO-1', user: { userId: 'user-123' },
      items: [{ id: 'P-1', sku: 'MUG-BLK', name: 'Mug', categories: ['Kitchen'], price: 12.5, quantity: 2 }, { id: 'P-2', name: 'T-shirt', price: 106, quantity: 1 }],
      total: 131, createdAt: TS, dataFields: { order_id: 'SO-1', total: 131, currency: 'EUR' }, campaignId: 1234567, templateId: 7654321,
    });
  });

  test('email-based project: the user by email (userId as a field); the user\'s later events carry the email Signal remembers from the identify; a userID-based project dead-letters an anonymous visitor\'s event saying why', async () => {
    const { site } = await installed('Iterable email-based', { project_type: 'email' });
    await browser(site.key, { type: 'identify', userId: 'user-e1', messageId: 'itbl-email-identify', traits: { email: 'jane.e@example.com', plan: 'pro' } });
    const { record } = await waitUntil(async () => users().find(({ record }) => record.email === 'jane.e@example.com'), 'the user update');
    assert.deepEqual(record, { email: 'jane.e@example.com', dataFields: { plan: 'pro', userId: 'user-e1' }, mergeNestedObjects: false });
    await browser(site.key, { type: 'track', event: 'Pricing Viewed', userId: 'user-e1', messageId: 'itbl-email-track' });
    const viewed = await waitUntil(async () => eventsNamed('Pricing Viewed')[0], 'the event');
    assert.deepEqual(viewed.record, { email: 'jane.e@example.com', eventName: 'Pricing Viewed', id: 'itbl-email-track', createdAt: TS, campaignId: 1234567, templateId: 7654321 });

    const byUserId = await installed('Iterable userID-based', { project_type: 'userid' });
    await browser(byUserId.site.key, { type: 'track', event: 'Anonymous Browse', messageId: 'itbl-anonymous-1' });
    const letter = await waitForDeadLetter(signal, byUserId.integrationId, 'itbl-anonymous-1');
    assert.match(letter.reason, /Iterable's userID-based projects identify users by userId, and this event has none \(userId null: an anonymous visitor's/);
    assert.equal(eventsNamed('Anonymous Browse').length, 0, 'never sent');
  });

  test('a 200 whose failedUpdates names one user dead-letters exactly that user\'s event with Iterable\'s reason; the others were recorded and are not sent again', async () => {
    const { site, integrationId } = await installed('Iterable partial', { project_type: 'userid' });
    sim.script('POST', '/api/events/trackBulk', [{ status: 200, body: { successCount: 2, failCount: 1, failedUpdates: { forgottenUserIds: ['user-b'] }, filteredOutFields: [], createdFields: [] } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `itbl-partial-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, properties: { n: x }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'itbl-partial-b');
    assert.equal(letter.reason, 'Iterable did not record the event: Iterable has forgotten this user (a GDPR forget): it records nothing more about them unless they are unforgotten in Iterable (failedUpdates.forgottenUserIds)');
    assert.equal(letter.attempts, 1, 'not retried: Iterable refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = eventsNamed('Batch Test');
    assert.deepEqual(sent.map(({ record }) => record.userId), ['user-a', 'user-b', 'user-c'], 'one request, nothing sent again');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
  });

  test('a 503 is retried, then a 429 waits for Retry-After: delivered once, the same event id every time, no dead letter', async () => {
    const { site, integrationId } = await installed('Iterable retried', { project_type: 'hybrid' });
    sim.script('POST', '/api/events/trackBulk', [reply.serverError({ msg: 'upstream unavailable', code: 'GenericError' }), reply.tooMany(1, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' })]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-7', messageId: 'itbl-retried-1' });
    const tries = await waitUntil(async () => { const list = eventsNamed('Retried'); return list.length >= 3 && list; }, 'three tries', 20_000);
    assert.deepEqual(tries.map(({ record }) => record.id), ['itbl-retried-1', 'itbl-retried-1', 'itbl-retried-1'], 'Iterable updates the event it has under an id: a retry records nothing twice');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(eventsNamed('Retried').length, 3, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('an event of a user Iterable does not have yet (notFoundUserIds) is tried again and delivered once the user exists; a user who never comes is dead-lettered after the retry policy\'s last try, never retried forever', async () => {
    const { site, integrationId } = await installed('Iterable not found', { project_type: 'userid' });
    let lateTries = 0;
    // Iterable's answer per user: user-late exists from the second try on, user-never never does.
    sim.setDefault('POST', '/api/events/trackBulk', (request) => {
      const sent = (((request.json ?? {}) as { events?: Array<{ userId?: string }> }).events ?? []).map((e) => e.userId);
      if (sent.includes('user-late')) lateTries += 1;
      const notFound = sent.filter((id): id is string => id === 'user-never' || (id === 'user-late' && lateTries === 1));
      return { status: 200, body: { successCount: sent.length - notFound.length, failCount: notFound.length, failedUpdates: { notFoundUserIds: notFound }, filteredOutFields: [], createdFields: [] } };
    });
    try {
      await browser(site.key, { type: 'track', event: 'Late User', userId: 'user-late', messageId: 'itbl-late-1' });
      await browser(site.key, { type: 'track', event: 'Never User', userId: 'user-never', messageId: 'itbl-never-1' });
      const letter = await waitForDeadLetter(signal, integrationId, 'itbl-never-1');
      assert.equal(letter.attempts, 6, 'the retry policy\'s tries, then a dead letter');
      assert.match(letter.reason, /^gave up after 6 tries: Iterable did not record the event: Iterable has no user with this userId \(failedUpdates\.notFoundUserIds\)/);
      assert.equal(eventsNamed('Never User').length, 6);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the late user\'s event delivered');
      assert.deepEqual(eventsNamed('Late User').map(({ record }) => record.id), ['itbl-late-1', 'itbl-late-1'], 'sent again once, under the same id');
    } finally {
      sim.setDefault('POST', '/api/events/trackBulk', { status: 200, body: BULK_OK });
    }
  });

  test('a refused key (401, EU data center) dead-letters at once naming api_key and region; a purchase Iterable refuses (400) is dead-lettered with its message', async () => {
    const eu = await installed('Iterable EU', { project_type: 'userid', region: 'eu' });
    sim.script('POST', '/eu/api/events/trackBulk', [reply.unauthorized({ msg: 'Invalid API key', code: 'BadApiKey', params: null })]);
    await browser(eu.site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'itbl-401' });
    const refused = await waitForDeadLetter(signal, eu.integrationId, 'itbl-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Iterable refused the API key \(HTTP 401: BadApiKey: Invalid API key\): check config\.api_key .* config\.region is the project's data center/);
    assert.equal(sim.requests({ path: '/eu/api/events/trackBulk' })[0]!.headers['api-key'], KEY);

    const { site, integrationId } = await installed('Iterable purchase refused', { project_type: 'hybrid' });
    sim.script('POST', '/api/commerce/trackPurchase', [reply.badRequest({ msg: 'Invalid total: must be a number', code: 'BadParams', params: null })]);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-9', messageId: 'itbl-order-400', properties: { order_id: 'SO-400', total: 5, products: [{ product_id: 'P-1', name: 'Mug', price: 5 }] } });
    const letter = await waitForDeadLetter(signal, integrationId, 'itbl-order-400');
    assert.equal(letter.reason, 'Iterable refused the purchase (HTTP 400: BadParams: Invalid total: must be a number)');
    assert.equal(letter.attempts, 1);
  });

  test('person deletions: GDPR forget by userId (hybrid); in an email-based project the user is looked up by userId and forgotten by the email Iterable has; an anonymousId alone is skipped', { timeout: 60_000 }, async () => {
    const hybrid = await installed('Iterable deletions', { project_type: 'hybrid' });
    const [sent] = await deletePerson(signal, hybrid.site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId: hybrid.integrationId, vendor: 'iterable', status: 'sent', responseStatus: 200, message: sent!.message });
    assert.match(String(sent!.message), /^accepted \(HTTP 200\): Iterable deletes the user's data and collects nothing more about them/);
    const [forget] = sim.requests({ path: '/api/users/forget' });
    assert.equal(forget!.headers['api-key'], KEY);
    assert.deepEqual(forget!.json, { userId: 'u-forget-1' });

    const [skipped] = await deletePerson(signal, hybrid.site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Iterable identified users only/);

    const emailBased = await installed('Iterable email deletions', { project_type: 'email' });
    sim.setDefault('GET', '/api/users/byUserId', { status: 200, body: { user: { email: 'forget.me@example.com', userId: 'u-forget-2', dataFields: {} } } });
    const [chained] = await deletePerson(signal, emailBased.site.id, { userId: 'u-forget-2' });
    assert.equal(chained!.status, 'sent');
    const [lookup] = sim.requests({ method: 'GET', path: '/api/users/byUserId' });
    assert.deepEqual(lookup!.queryPairs, [['userId', 'u-forget-2']]);
    assert.deepEqual(sim.requests({ path: '/api/users/forget' }).at(-1)!.json, { email: 'forget.me@example.com' });

    sim.setDefault('POST', '/api/users/forget', { status: 401, body: { msg: 'Invalid API key', code: 'BadApiKey' } });
    const [refused] = await deletePerson(signal, hybrid.site.id, { userId: 'u-forget-3' });
    assert.equal(refused!.status, 'failed');
    assert.equal(refused!.responseStatus, 401);
    assert.match(String(refused!.message), /^HTTP 401: Iterable refused the API key for the forget: check config\.api_key/);
    sim.setDefault('POST', '/api/users/forget', { status: 200, body: SUCCESS });
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — forgotten by userId, and by that email once Iterable finds a user with it; in an email-based project the lookup by userId answering that email leaves it to its own request', { timeout: 60_000 }, async () => {
    const email = 'gus.gone@example.com';
    const known = new Set([email, 'ed.gone@example.com']);
    sim.setDefault('GET', '/api/users/getByEmail', (request) => ({ status: 200, body: known.has(request.query.email ?? '') ? { user: { email: request.query.email, userId: 'u-gus-0042', dataFields: {} } } : {} }));
    const hybrid = await installed('Iterable deletions by traits', { project_type: 'hybrid' });
    await browser(hybrid.site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'itbl-forget-traits', traits: { email: 'Gus.Gone@Example.com' } });
    await waitUntil(async () => users().find(({ record }) => record.userId === 'u-gus-0042'), 'the user update');
    const forgetsBefore = sim.requests({ path: '/api/users/forget' }).length;
    const [sent] = await deletePerson(signal, hybrid.site.id, { userId: 'u-gus-0042' });
    assert.equal(sent!.status, 'sent');
    assert.match(String(sent!.message), /^request 1 of 2: accepted \(HTTP 200\): Iterable deletes the user's data.*; request 2 of 2: accepted \(HTTP 200\): Iterable deletes the user's data/);
    const lookups = sim.requests({ method: 'GET', path: '/api/users/getByEmail' }).filter((r) => r.query.email === email);
    assert.equal(lookups.length, 1, 'looked up by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.deepEqual(sim.requests({ path: '/api/users/forget' }).slice(forgetsBefore).map((r) => r.json), [{ userId: 'u-gus-0042' }, { email }]);

    // Email-based: Iterable answers the lookup by userId with the person's email, which Signal hides: its own request forgets it.
    const emailBased = await installed('Iterable email deletions by traits', { project_type: 'email' });
    sim.setDefault('GET', '/api/users/byUserId', (request) => ({ status: 200, body: request.query.userId === 'u-ed-0043' ? { user: { email: 'ed.gone@example.com', userId: 'u-ed-0043', dataFields: {} } } : {} }));
    await browser(emailBased.site.key, { type: 'identify', userId: 'u-ed-0043', messageId: 'itbl-forget-traits-2', traits: { email: 'Ed.Gone@Example.com' } });
    await waitUntil(async () => users().find(({ record }) => record.email === 'ed.gone@example.com'), 'the user update');
    const before = sim.requests({ path: '/api/users/forget' }).length;
    const [chained] = await deletePerson(signal, emailBased.site.id, { userId: 'u-ed-0043' });
    assert.equal(chained!.status, 'sent');
    assert.equal(chained!.message, 'request 1 of 2: the Iterable user with this userId has one of the person\'s emails, which this deletion forgets by its own request; request 2 of 2: accepted (HTTP 200): ' + FORGOTTEN_WORDS);
    assert.deepEqual(sim.requests({ path: '/api/users/forget' }).slice(before).map((r) => r.json), [{ email: 'ed.gone@example.com' }]);
  });
});
