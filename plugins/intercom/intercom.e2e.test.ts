// Intercom end to end: browser calls through the real collect API, the pipeline stage (where
// the contact lookup runs as partner enrichment), the queue and the delivery engine; the vendor
// simulator stands in for Intercom's API (api.intercom.io, and api.eu.intercom.io under /eu)
// and must receive the requests its API reference documents: find_by_external_id, POST
// /contacts/search, POST and PUT /contacts, POST /events, DELETE /contacts/{id}.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_icvisitor0001';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TS = 1711296000;
const TOKEN = 'dG9rOjAxMjM0NTY3X2FiY2RfNDU2N19hYmNk';
const CONTACT_ID = '6762f0df1bb69f9f2193bb84';
const NEW_ID = '6762f0dd1bb69f9f2193bb83';
const CONFLICT = { type: 'error.list', request_id: 'r-409', errors: [{ code: 'conflict', message: 'A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05' }] };
const notFound = { status: 404, body: { type: 'error.list', request_id: 'r-404', errors: [{ code: 'not_found', message: 'User Not Found' }] } };
const contact = (id: string, externalId: string) => ({ type: 'contact', id, workspace_id: 'ws1', external_id: externalId, role: 'user', email: 'ann@example.com' });

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.intercom.io=${sim.url},https://api.eu.intercom.io=${sim.url}/eu`,
  }, { label: 'intercom' });
  sim.setDefault('POST', '/contacts', { status: 200, body: contact(NEW_ID, 'new') });
  sim.setDefault('POST', '/events', { status: 202, body: '' });
  sim.setDefault('POST', '/contacts/search', { status: 200, body: { type: 'list', data: [], total_count: 0 } });
});
after(async () => {
  await signal.close();
  await sim.close();
});

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}, variant = 'default') => installOnNewPipeline(signal, 'intercom', name, { config: { access_token: TOKEN, ...config }, variant, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });
const eventsNamed = (name: string, prefix = '') => sim.requests({ method: 'POST', path: `${prefix}/events` }).filter((r) => (r.json as { event_name?: string } | undefined)?.event_name === name);

describe('Intercom', () => {
  test('a new user: looked up by external_id (404) and email (no hit), created before fan-out with POST /contacts and the identity alone, then updated by the identify with PUT /contacts/{id} and the traits; their track to POST /events with metadata; Bearer token and Intercom-Version on each', async () => {
    const { site } = await installed('Intercom new user', { custom_attributes: ['plan'], default_country_code: '44' });
    sim.setDefault('GET', '/contacts/find_by_external_id/user-new-1', notFound);
    sim.setDefault('PUT', `/contacts/${NEW_ID}`, { status: 200, body: contact(NEW_ID, 'user-new-1') });
    await browser(site.key, { type: 'identify', userId: 'user-new-1', messageId: 'ic-identify-1', traits: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '07700 900123', plan: 'pro', password: 'never' } });
    const [updated] = await sim.waitFor(1, 15_000, { method: 'PUT', path: `/contacts/${NEW_ID}` });
    const [lookup] = sim.requests({ method: 'GET', path: '/contacts/find_by_external_id/user-new-1' });
    assert.ok(lookup, 'the contact was looked up before fan-out');
    assert.equal(lookup.headers.authorization, `Bearer ${TOKEN}`);
    const search = sim.requests({ method: 'POST', path: '/contacts/search' }).find((r) => JSON.stringify(r.json).includes('ann@example.com'));
    assert.deepEqual(search?.json, { query: { field: 'email', operator: '=', value: 'ann@example.com' }, pagination: { per_page: 5 } }, 'then by email');
    const created = sim.requests({ method: 'POST', path: '/contacts' }).filter((r) => (r.json as { external_id?: string }).external_id === 'user-new-1');
    assert.deepEqual(created.map((r) => r.json), [{ role: 'user', external_id: 'user-new-1', email: 'ann@example.com' }], 'created once, with the identity alone');
    assert.equal(created[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(updated!.json, { external_id: 'user-new-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+447700900123', last_seen_at: TS, custom_attributes: { plan: 'pro' } });
    assert.equal(updated!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(updated!.headers['intercom-version'], '2.16');
    assert.match(updated!.headers['content-type']!, /^application\/json/);

    await browser(site.key, { type: 'track', event: 'Invited Friend', userId: 'user-new-1', messageId: 'ic-track-1', properties: { invite_code: 'ADDAFRIEND', 'channel.name': 'email', email: 'friend@example.com', nested: { a: 1 } } });
    const sent = await waitUntil(async () => eventsNamed('Invited Friend')[0], 'the data event');
    assert.deepEqual(sent.json, { event_name: 'Invited Friend', created_at: TS, user_id: 'user-new-1', metadata: { invite_code: 'ADDAFRIEND', channel_name: 'email' } });
    assert.equal(sent.headers['intercom-version'], '2.16');
  });

  test('an existing user: the lookup finds the contact, and the identify updates it with PUT /contacts/{id}; an order carries its revenue as a monetary amount in cents', async () => {
    const { site } = await installed('Intercom existing user', { api_version: '2.15' });
    sim.setDefault('GET', '/contacts/find_by_external_id/user-old-1', { status: 200, body: contact(CONTACT_ID, 'user-old-1') });
    sim.setDefault('PUT', `/contacts/${CONTACT_ID}`, { status: 200, body: contact(CONTACT_ID, 'user-old-1') });
    await browser(site.key, { type: 'identify', userId: 'user-old-1', messageId: 'ic-identify-2', traits: { email: 'ann@example.com', name: 'Ann Lee', createdAt: '2024-01-02T03:04:05Z' } });
    const [updated] = await sim.waitFor(1, 15_000, { method: 'PUT', path: `/contacts/${CONTACT_ID}` });
    assert.deepEqual(updated!.json, { external_id: 'user-old-1', email: 'ann@example.com', name: 'Ann Lee', signed_up_at: 1704164645, last_seen_at: TS });
    assert.equal(updated!.headers['intercom-version'], '2.15');
    assert.equal(sim.requests({ method: 'POST', path: '/contacts' }).filter((r) => (r.json as { external_id?: string }).external_id === 'user-old-1').length, 0, 'not created twice');

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-old-1', messageId: 'ic-order-1', properties: { order_id: 'SO-1', revenue: 349.99, currency: 'EUR', products: [{ sku: 'MUG' }] } });
    const order = await waitUntil(async () => eventsNamed('Order Completed')[0], 'the order event');
    assert.deepEqual(order.json, { event_name: 'Order Completed', created_at: TS, user_id: 'user-old-1', metadata: { price: { amount: 34999, currency: 'eur' }, order_id: 'SO-1' } });
  });

  test('a 429 waits for X-RateLimit-Reset and a 503 is retried, then the event is delivered once; a user Intercom does not have yet (404 User Not Found) is tried again and delivered', async () => {
    const { site, integrationId } = await installed('Intercom retried');
    // Intercom's answers to this event, in turn: its rate limit (reset in a second), a server
    // error, the user not found yet; then accepted.
    const answers = [
      () => ({ status: 429, headers: { 'x-ratelimit-limit': '1666', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) }, body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] } }),
      () => reply.serverError({ type: 'error.list', errors: [{ code: 'server_error', message: 'Server Error' }] }),
      () => notFound,
    ];
    sim.setDefault('POST', '/events', (request) => {
      if ((request.json as { event_name?: string } | undefined)?.event_name !== 'Retried Event') return { status: 202, body: '' };
      return answers.shift()?.() ?? { status: 202, body: '' };
    });
    await browser(site.key, { type: 'track', event: 'Retried Event', userId: 'user-r-1', messageId: 'ic-retried-1' });
    const tries = await waitUntil(async () => { const list = eventsNamed('Retried Event'); return list.length >= 4 && list; }, 'four tries', 30_000);
    assert.deepEqual(new Set(tries.map((r) => JSON.stringify(r.json))).size, 1, 'the same event each time (Intercom deduplicates by user, name and created_at)');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(eventsNamed('Retried Event').length, 4, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
    sim.setDefault('POST', '/events', { status: 202, body: '' });
  });

  test('a refused token (401, EU region) dead-letters at once naming access_token and region; a creation before fan-out that lost a race (409) names the contact, which the identify updates; when the lookup failed, the delivery\'s own creation meets a 409 and dead-letters at once with what to do', async () => {
    const eu = await installed('Intercom EU', { region: 'eu' });
    sim.script('POST', '/eu/events', [{ status: 401, body: { type: 'error.list', request_id: 'r-401', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } }]);
    await browser(eu.site.key, { type: 'track', event: 'Bad Token', userId: 'user-t-1', messageId: 'ic-401' });
    const refused = await waitForDeadLetter(signal, eu.integrationId, 'ic-401');
    assert.equal(refused.attempts, 1, 'not retried');
    assert.match(refused.reason, /^HTTP 401: unauthorized: Access Token Invalid: Intercom refused the access token: check config\.access_token .*config\.region/);

    // The race: the contact is created by someone else between the lookups and the creation
    // before fan-out. The creation's 409 names it, and the identify updates it: nothing lost.
    const { site, integrationId } = await installed('Intercom conflict');
    const RACED = '5da6f18e3d7cf967e4582d05';
    sim.setDefault('GET', '/contacts/find_by_external_id/user-c-1', notFound);
    sim.setDefault('PUT', `/contacts/${RACED}`, { status: 200, body: contact(RACED, 'user-c-1') });
    sim.script('POST', '/contacts', [{ status: 409, body: CONFLICT }]);
    await browser(site.key, { type: 'identify', userId: 'user-c-1', messageId: 'ic-409-raced', traits: { email: 'c@example.com', name: 'Cy' } });
    const [raced] = await sim.waitFor(1, 15_000, { method: 'PUT', path: `/contacts/${RACED}` });
    assert.deepEqual(raced!.json, { external_id: 'user-c-1', email: 'c@example.com', name: 'Cy', last_seen_at: TS });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the raced identify delivered');

    // The lookup itself failed (Intercom answered the creation 503), so the delivery sends
    // POST /contacts, which meets the contact: dead-lettered at once, naming it and the replay.
    sim.setDefault('GET', '/contacts/find_by_external_id/user-c-2', notFound);
    sim.script('POST', '/contacts', [reply.serverError({ type: 'error.list', errors: [{ code: 'server_error', message: 'Server Error' }] }), { status: 409, body: CONFLICT }]);
    await browser(site.key, { type: 'identify', userId: 'user-c-2', messageId: 'ic-409', traits: { email: 'c2@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'ic-409');
    assert.equal(letter.attempts, 1, 'a retry would send the same creation: not retried');
    assert.match(letter.reason, /^HTTP 409: conflict: A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05: Intercom already has this contact \(id 5da6f18e3d7cf967e4582d05\): .*replayEvents/);
    assert.equal(sim.requests({ method: 'POST', path: '/contacts' }).filter((r) => (r.json as { external_id?: string }).external_id === 'user-c-2').length, 2, 'the creation before fan-out, then the delivery\'s');
  });

  test('person deletions: the contact found by external_id, then DELETE /contacts/{id}; nobody there is done; an anonymousId alone is skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Intercom deletions');
    sim.setDefault('GET', '/contacts/find_by_external_id/u-forget-1', { status: 200, body: contact('6762f0df1bb69f9f2193bb99', 'u-forget-1') });
    sim.setDefault('DELETE', '/contacts/6762f0df1bb69f9f2193bb99', { status: 200, body: { id: '6762f0df1bb69f9f2193bb99', external_id: 'u-forget-1', type: 'contact', deleted: true } });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR });
    assert.deepEqual(sent, { integrationId, vendor: 'intercom', status: 'sent', responseStatus: 200, message: 'deleted (HTTP 200): Intercom deleted the contact (its data is destroyed after Intercom\'s 7-day grace period)' });
    const [deleted] = sim.requests({ method: 'DELETE', path: '/contacts/6762f0df1bb69f9f2193bb99' });
    assert.equal(deleted!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(deleted!.headers['intercom-version'], '2.16');

    sim.setDefault('GET', '/contacts/find_by_external_id/u-forget-2', notFound);
    const [nobody] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(nobody!.status, 'sent');
    assert.match(String(nobody!.message), /nothing to delete/);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Intercom identified users only/);
  });
});
