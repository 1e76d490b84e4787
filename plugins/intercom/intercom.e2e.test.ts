// Intercom end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for Intercom's API
// (api.intercom.io, and api.eu.intercom.io under /eu) and must receive the requests its API
// reference documents, in the order of each identify's chain of delivery follow-ups:
// find_by_external_id, POST /contacts/search, POST and PUT /contacts, POST /events,
// DELETE /contacts/{id}.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_icvisitor0001';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const TS = 1711296000;
const TOKEN = 'dG9rOjAxMjM0NTY3X2FiY2RfNDU2N19hYmNk';
const CONTACT_ID = '6762f0df1bb69f9f2193bb84';
const NEW_ID = '6762f0dd1bb69f9f2193bb83';
const RACED = '5da6f18e3d7cf967e4582d05';
const conflict = (id: string, archived = false) => ({ type: 'error.list', request_id: 'r-409', errors: [{ code: 'conflict', message: `${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${id}` }] });
const notFound = { status: 404, body: { type: 'error.list', request_id: 'r-404', errors: [{ code: 'not_found', message: 'User Not Found' }] } };
const serverError = reply.serverError({ type: 'error.list', errors: [{ code: 'server_error', message: 'Server Error' }] });
const contact = (id: string, externalId: string, email = 'ann@example.com') => ({ type: 'contact', id, workspace_id: 'ws1', external_id: externalId, role: 'user', email });
const bodyOf = (r: RecordedRequest) => (r.json ?? {}) as Record<string, unknown>;

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A request Intercom does not answer times out after a second (the hang below).
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.intercom.io=${sim.url},https://api.eu.intercom.io=${sim.url}/eu`,
  }, { label: 'intercom', vendors: ['intercom'] });
  sim.setDefault('POST', '/contacts', (request) => ({ status: 200, body: contact(NEW_ID, String(bodyOf(request).external_id ?? ''), String(bodyOf(request).email ?? '')) }));
  sim.setDefault('POST', '/events', { status: 202, body: '' });
  sim.setDefault('POST', '/contacts/search', { status: 200, body: { type: 'list', data: [], total_count: 0 } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}, variant = 'default') => installOnNewPipeline(signal, 'intercom', name, { config: { access_token: TOKEN, ...config }, variant, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true }, page: { url: 'https://shop.example.com/pricing', title: 'Pricing', path: '/pricing' } } });
const eventsNamed = (name: string, prefix = '') => sim.requests({ method: 'POST', path: `${prefix}/events` }).filter((r) => bodyOf(r).event_name === name);

/**
 * The requests the simulator received about one person, in order, as `METHOD /path`: their
 * lookup by external_id, the search by their email, a creation or data event naming them, the
 * update of one of `ids`.
 */
function chainOf(person: { userId?: string; email?: string; ids?: string[] }): string[] {
  const about = (r: RecordedRequest): boolean => {
    const body = bodyOf(r);
    if (person.userId && r.path.endsWith(`/contacts/find_by_external_id/${person.userId}`)) return true;
    if (person.email && r.path.endsWith('/contacts/search')) return (body.query as { value?: string } | undefined)?.value === person.email;
    if (r.method === 'POST' && /\/(contacts|events)$/.test(r.path)) return (person.userId !== undefined && (body.external_id === person.userId || body.user_id === person.userId)) || (person.email !== undefined && !body.external_id && !body.user_id && body.email === person.email);
    if (r.method === 'PUT') return (person.ids ?? []).some((id) => r.path.endsWith(`/contacts/${id}`)) && (person.userId === undefined || body.external_id === person.userId);
    return false;
  };
  return sim.requests().filter(about).sort((a, b) => a.receivedAt - b.receivedAt).map((r) => `${r.method} ${r.path}`);
}

/** The delivery log's exchanges of one event, oldest first: `METHOD path → outcome`. */
async function loggedChain(integrationId: string, messageId: string): Promise<string[]> {
  const exchanges = await signal.delivery.recentExchanges(integrationId, 50);
  return exchanges.filter((e) => e.eventIds.includes(messageId)).reverse().map((e) => {
    const request = e.request as { method: string; url: string };
    return `${request.method} ${new URL(request.url).pathname} → ${e.outcome}`;
  });
}

describe('Intercom', () => {
  test('a new user: lookup by external_id (404) → search by email (no hit) → POST /contacts with role user and the traits, each a follow-up in the delivery log; their track to POST /events with metadata; Bearer token and Intercom-Version on each', async () => {
    const { site, integrationId } = await installed('Intercom new user', { custom_attributes: ['plan'], default_country_code: '44' });
    sim.setDefault('GET', '/contacts/find_by_external_id/user-new-1', notFound);
    await browser(site.key, { type: 'identify', userId: 'user-new-1', messageId: 'ic-identify-1', traits: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '07700 900123', plan: 'pro', password: 'never' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered');
    assert.deepEqual(chainOf({ userId: 'user-new-1', email: 'ann@example.com' }), ['GET /contacts/find_by_external_id/user-new-1', 'POST /contacts/search', 'POST /contacts']);
    const [lookup] = sim.requests({ method: 'GET', path: '/contacts/find_by_external_id/user-new-1' });
    const search = sim.requests({ method: 'POST', path: '/contacts/search' }).find((r) => JSON.stringify(r.json).includes('ann@example.com'));
    assert.deepEqual(search?.json, { query: { field: 'email', operator: '=', value: 'ann@example.com' }, pagination: { per_page: 5 } });
    const created = sim.requests({ method: 'POST', path: '/contacts' }).filter((r) => bodyOf(r).external_id === 'user-new-1');
    assert.deepEqual(created.map((r) => r.json), [{ role: 'user', external_id: 'user-new-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+447700900123', last_seen_at: TS, custom_attributes: { plan: 'pro' } }], 'created once, with the traits');
    for (const request of [lookup!, search!, created[0]!]) {
      assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(request.headers['intercom-version'], '2.16');
    }
    assert.match(created[0]!.headers['content-type']!, /^application\/json/);
    assert.equal(sim.requests({ method: 'PUT' }).filter((r) => bodyOf(r).external_id === 'user-new-1').length, 0, 'no update: the creation carried the traits');
    assert.deepEqual(await loggedChain(integrationId, 'ic-identify-1'), [
      'GET /contacts/find_by_external_id/user-new-1 → next',
      'POST /contacts/search → next',
      'POST /contacts → delivered',
    ], 'each follow-up is logged as its own exchange');

    await browser(site.key, { type: 'track', event: 'Invited Friend', userId: 'user-new-1', messageId: 'ic-track-1', properties: { invite_code: 'ADDAFRIEND', 'channel.name': 'email', email: 'friend@example.com', nested: { a: 1 } } });
    const sent = await waitUntil(async () => eventsNamed('Invited Friend')[0], 'the data event');
    assert.deepEqual(sent.json, { event_name: 'Invited Friend', created_at: TS, user_id: 'user-new-1', metadata: { invite_code: 'ADDAFRIEND', channel_name: 'email' } });
    assert.equal(sent.headers['intercom-version'], '2.16');
  });

  test('an existing user: lookup → PUT /contacts/{id} with the traits (no role: a lead stays a lead); an order carries its revenue as a monetary amount in cents', async () => {
    const { site } = await installed('Intercom existing user', { api_version: '2.15' });
    sim.setDefault('GET', '/contacts/find_by_external_id/user-old-1', { status: 200, body: contact(CONTACT_ID, 'user-old-1') });
    sim.setDefault('PUT', `/contacts/${CONTACT_ID}`, { status: 200, body: contact(CONTACT_ID, 'user-old-1') });
    await browser(site.key, { type: 'identify', userId: 'user-old-1', messageId: 'ic-identify-2', traits: { email: 'old@example.com', name: 'Ann Lee', createdAt: '2024-01-02T03:04:05Z' } });
    const [updated] = await sim.waitFor(1, 15_000, { method: 'PUT', path: `/contacts/${CONTACT_ID}` });
    assert.deepEqual(updated!.json, { external_id: 'user-old-1', email: 'old@example.com', name: 'Ann Lee', signed_up_at: 1704164645, last_seen_at: TS });
    assert.equal(updated!.headers['intercom-version'], '2.15');
    assert.deepEqual(chainOf({ userId: 'user-old-1', email: 'old@example.com', ids: [CONTACT_ID] }), ['GET /contacts/find_by_external_id/user-old-1', `PUT /contacts/${CONTACT_ID}`]);

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-old-1', messageId: 'ic-order-1', properties: { order_id: 'SO-1', revenue: 349.99, currency: 'EUR', products: [{ sku: 'MUG' }] } });
    const order = await waitUntil(async () => eventsNamed('Order Completed')[0], 'the order event');
    assert.deepEqual(order.json, { event_name: 'Order Completed', created_at: TS, user_id: 'user-old-1', metadata: { price: { amount: 34999, currency: 'eur' }, order_id: 'SO-1' } });
  });

  test('a creation that lost a race: lookup (404) → search (no hit) → POST /contacts (409 naming the contact) → PUT /contacts/{that id}: delivered, nothing lost; a contact gone since its lookup: PUT (404) → the lookup again → PUT of the contact found now', async () => {
    const { site, integrationId } = await installed('Intercom conflict');
    sim.setDefault('GET', '/contacts/find_by_external_id/user-c-1', notFound);
    sim.setDefault('PUT', `/contacts/${RACED}`, { status: 200, body: contact(RACED, 'user-c-1') });
    sim.script('POST', '/contacts', [{ status: 409, body: conflict(RACED) }]);
    await browser(site.key, { type: 'identify', userId: 'user-c-1', messageId: 'ic-409-raced', traits: { email: 'c@example.com', name: 'Cy' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the raced identify delivered');
    assert.deepEqual(chainOf({ userId: 'user-c-1', email: 'c@example.com', ids: [RACED] }), ['GET /contacts/find_by_external_id/user-c-1', 'POST /contacts/search', 'POST /contacts', `PUT /contacts/${RACED}`]);
    const [raced] = sim.requests({ method: 'PUT', path: `/contacts/${RACED}` });
    assert.deepEqual(raced!.json, { external_id: 'user-c-1', email: 'c@example.com', name: 'Cy', last_seen_at: TS });

    const GONE = '6762f0df1bb69f9f2193bb01';
    const KEPT = '6762f0df1bb69f9f2193bb02';
    sim.script('GET', '/contacts/find_by_external_id/user-g-1', [{ status: 200, body: contact(GONE, 'user-g-1') }]);
    sim.setDefault('GET', '/contacts/find_by_external_id/user-g-1', { status: 200, body: contact(KEPT, 'user-g-1') });
    sim.setDefault('PUT', `/contacts/${GONE}`, notFound);
    sim.setDefault('PUT', `/contacts/${KEPT}`, { status: 200, body: contact(KEPT, 'user-g-1') });
    await browser(site.key, { type: 'identify', userId: 'user-g-1', messageId: 'ic-gone', traits: { email: 'g@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the identify delivered');
    assert.deepEqual(chainOf({ userId: 'user-g-1', email: 'g@example.com', ids: [GONE, KEPT] }), ['GET /contacts/find_by_external_id/user-g-1', `PUT /contacts/${GONE}`, 'GET /contacts/find_by_external_id/user-g-1', `PUT /contacts/${KEPT}`]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 0 });
  });

  test('a data event of a user Intercom does not have: POST /events (404 User Not Found) tried again on the retry schedule, no contact created from it, then delivered; an identify without a userId is looked up by email', async () => {
    const { site, integrationId } = await installed('Intercom event first');
    let first = true;
    sim.setDefault('POST', '/events', (request) => {
      if (bodyOf(request).user_id !== 'user-e-1' || !first) return { status: 202, body: '' };
      first = false;
      return notFound;
    });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-e-1', messageId: 'ic-event-first', properties: { plan: 'pro' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the event delivered');
    assert.deepEqual(chainOf({ userId: 'user-e-1' }), ['POST /events', 'POST /events'], 'no POST /contacts: a data event creates nobody');
    const events = sim.requests({ method: 'POST', path: '/events' }).filter((r) => bodyOf(r).user_id === 'user-e-1');
    assert.deepEqual(events.map((r) => r.json), [0, 1].map(() => ({ event_name: 'Signed Up', created_at: TS, user_id: 'user-e-1', metadata: { plan: 'pro' } })), 'the same event again');
    assert.deepEqual(await loggedChain(integrationId, 'ic-event-first'), ['POST /events → retry', 'POST /events → delivered']);
    sim.setDefault('POST', '/events', { status: 202, body: '' });

    // An identify naming the person by email alone (a placeholder userId): search, then create.
    await browser(site.key, { type: 'identify', userId: 'null', messageId: 'ic-email-only', traits: { email: 'e@example.com', name: 'Em' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the identify delivered');
    assert.deepEqual(chainOf({ email: 'e@example.com' }), ['POST /contacts/search', 'POST /contacts']);
    assert.deepEqual(sim.requests({ method: 'POST', path: '/contacts' }).filter((r) => bodyOf(r).email === 'e@example.com').map((r) => r.json), [{ role: 'user', email: 'e@example.com', name: 'Em', last_seen_at: TS }]);
  });

  test('an identify giving an email with capitals finds the contact Intercom holds lower-cased: searched both ways, updated, not created again', async () => {
    const { site, integrationId } = await installed('Intercom email case');
    const HELD = '6762f0df1bb69f9f2193bb55';
    const queried = (request: RecordedRequest): string[] => {
      const query = bodyOf(request).query as { value?: unknown } | undefined;
      return Array.isArray(query?.value) ? query.value.map((filter: { value?: string }) => String(filter.value)) : [String(query?.value)];
    };
    // Intercom's search compares exactly: the contact holds its email lower-cased.
    sim.setDefault('POST', '/contacts/search', (request) => {
      const hit = queried(request).includes('cas.e@example.com');
      return { status: 200, body: { type: 'list', data: hit ? [{ ...contact(HELD, '', 'cas.e@example.com'), external_id: null }] : [], total_count: hit ? 1 : 0 } };
    });
    sim.setDefault('PUT', `/contacts/${HELD}`, { status: 200, body: contact(HELD, 'user-case-1', 'cas.e@example.com') });
    try {
      await browser(site.key, { type: 'identify', userId: 'user-case-1', messageId: 'ic-email-case', traits: { email: 'Cas.E@Example.com' } });
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered');
    } finally {
      sim.setDefault('POST', '/contacts/search', { status: 200, body: { type: 'list', data: [], total_count: 0 } });
    }
    const search = sim.requests({ method: 'POST', path: '/contacts/search' }).find((r) => queried(r).includes('Cas.E@Example.com'));
    assert.deepEqual(bodyOf(search!).query, { operator: 'OR', value: [{ field: 'email', operator: '=', value: 'Cas.E@Example.com' }, { field: 'email', operator: '=', value: 'cas.e@example.com' }] });
    assert.equal(sim.requests({ method: 'PUT', path: `/contacts/${HELD}` }).length, 1, 'the contact held updated');
    assert.equal(sim.requests({ method: 'POST', path: '/contacts' }).some((r) => bodyOf(r).external_id === 'user-case-1'), false, 'no second contact created');
  });

  test('failures at a follow-up: a 429 (until X-RateLimit-Reset), a 503 and a timeout at the update retry the identify, each retry starting again from the lookup; then delivered once; a 503 at the creation, the same', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Intercom retried');
    const UPDATED = '6762f0df1bb69f9f2193bb77';
    sim.setDefault('GET', '/contacts/find_by_external_id/user-r-1', { status: 200, body: contact(UPDATED, 'user-r-1') });
    sim.script('PUT', `/contacts/${UPDATED}`, [
      { status: 429, headers: { 'x-ratelimit-limit': '1666', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) }, body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded', message: 'Exceeded rate limit' }] } },
      serverError,
      reply.hang(),
    ]);
    sim.setDefault('PUT', `/contacts/${UPDATED}`, { status: 200, body: contact(UPDATED, 'user-r-1') });
    await browser(site.key, { type: 'identify', userId: 'user-r-1', messageId: 'ic-retried-1', traits: { email: 'r@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    const lookup = 'GET /contacts/find_by_external_id/user-r-1';
    const update = `PUT /contacts/${UPDATED}`;
    assert.deepEqual(chainOf({ userId: 'user-r-1', email: 'r@example.com', ids: [UPDATED] }), [lookup, update, lookup, update, lookup, update, lookup, update]);
    const puts = sim.requests({ method: 'PUT', path: `/contacts/${UPDATED}` });
    assert.equal(new Set(puts.map((r) => JSON.stringify(r.json))).size, 1, 'the same update each time');
    const exchanges = (await signal.delivery.recentExchanges(integrationId, 50)).filter((e) => e.eventIds.includes('ic-retried-1')).reverse();
    assert.deepEqual(exchanges.map((e) => [e.responseStatus, e.outcome, e.error?.split(':')[0] ?? null]), [
      [200, 'next', null], [429, 'retry', null],
      [200, 'next', null], [500, 'retry', null],
      [200, 'next', null], [null, 'retry', 'timeout'],
      [200, 'next', null], [200, 'delivered', null],
    ], 'each try logged, the follow-up that failed and why');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sim.count({ method: 'PUT', path: `/contacts/${UPDATED}` }), 4, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });

    // A 503 at the creation (no email: no search): retried from the lookup, then created once.
    sim.setDefault('GET', '/contacts/find_by_external_id/user-r-2', notFound);
    sim.script('POST', '/contacts', [serverError]);
    await browser(site.key, { type: 'identify', userId: 'user-r-2', messageId: 'ic-retried-2', traits: { name: 'Ray' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the identify delivered', 30_000);
    assert.deepEqual(chainOf({ userId: 'user-r-2' }), ['GET /contacts/find_by_external_id/user-r-2', 'POST /contacts', 'GET /contacts/find_by_external_id/user-r-2', 'POST /contacts']);
    assert.deepEqual(await loggedChain(integrationId, 'ic-retried-2'), ['GET /contacts/find_by_external_id/user-r-2 → next', 'POST /contacts → retry', 'GET /contacts/find_by_external_id/user-r-2 → next', 'POST /contacts → delivered']);
  });

  test('a refused token (401, EU region) dead-letters at once naming access_token and region; an archived contact (409) is dead-lettered at once, not unarchived, and replayDeadLetters starts again from the lookup', async () => {
    const eu = await installed('Intercom EU', { region: 'eu' });
    sim.script('POST', '/eu/events', [{ status: 401, body: { type: 'error.list', request_id: 'r-401', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } }]);
    await browser(eu.site.key, { type: 'track', event: 'Bad Token', userId: 'user-t-1', messageId: 'ic-401' });
    const refused = await waitForDeadLetter(signal, eu.integrationId, 'ic-401');
    assert.equal(refused.attempts, 1, 'not retried');
    assert.match(refused.reason, /^HTTP 401: unauthorized: Access Token Invalid: Intercom refused the access token: check config\.access_token .*config\.region/);

    const { site, integrationId } = await installed('Intercom archived');
    const ARCHIVED = '6762f0dd1bb69f9f2193bb55';
    sim.setDefault('GET', '/contacts/find_by_external_id/user-a-1', notFound);
    sim.script('POST', '/contacts', [{ status: 409, body: conflict(ARCHIVED, true) }]);
    await browser(site.key, { type: 'identify', userId: 'user-a-1', messageId: 'ic-archived', traits: { email: 'a@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'ic-archived');
    assert.equal(letter.attempts, 1, 'a retry would meet the same archived contact');
    assert.match(letter.reason, new RegExp(`^HTTP 409: conflict: An archived contact .*: contact ${ARCHIVED} is archived in Intercom.*unarchive it \\(in Intercom, or POST /contacts/${ARCHIVED}/unarchive\\), then replay the dead letter`));
    assert.equal(sim.requests().filter((r) => r.path.includes('unarchive')).length, 0, 'not unarchived by Signal');

    // Unarchived in Intercom: the lookup finds it now, and the replay updates it.
    sim.setDefault('GET', '/contacts/find_by_external_id/user-a-1', { status: 200, body: contact(ARCHIVED, 'user-a-1', 'a@example.com') });
    sim.setDefault('PUT', `/contacts/${ARCHIVED}`, { status: 200, body: contact(ARCHIVED, 'user-a-1', 'a@example.com') });
    assert.equal((await signal.delivery.replay(integrationId, { messageId: 'ic-archived' })).replayed, 1);
    const [updated] = await sim.waitFor(1, 15_000, { method: 'PUT', path: `/contacts/${ARCHIVED}` });
    assert.deepEqual(updated!.json, { external_id: 'user-a-1', email: 'a@example.com', last_seen_at: TS });
    assert.deepEqual(chainOf({ userId: 'user-a-1', email: 'a@example.com', ids: [ARCHIVED] }), [
      'GET /contacts/find_by_external_id/user-a-1', 'POST /contacts/search', 'POST /contacts',
      'GET /contacts/find_by_external_id/user-a-1', `PUT /contacts/${ARCHIVED}`,
    ]);
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

  test('person deletions: a visitor named by their anonymousId alone, whose identify gave traits.email (no userId) — the contact searched by that email, then deleted', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Intercom deletions by traits');
    const gus: Visitor = { id: 'df_icvisitor0042', ip: '203.0.113.42' };
    const email = 'gus.gone@example.com';
    const GUS = '6762f0df1bb69f9f2193bb42';
    await sendBrowserCall(signal, site.key, { type: 'identify', messageId: 'ic-forget-traits', traits: { email: 'Gus.Gone@Example.com', name: 'Gus' } }, gus, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await waitUntil(async () => sim.requests({ method: 'POST', path: '/contacts' }).find((r) => String(bodyOf(r).email).toLowerCase() === email), 'the contact created by email');
    const valueOf = (r: RecordedRequest) => (bodyOf(r).query as { value?: string } | undefined)?.value;
    sim.setDefault('POST', '/contacts/search', (request) => ({ status: 200, body: { type: 'list', data: valueOf(request) === email ? [{ type: 'contact', id: GUS, role: 'user', external_id: null, email: 'Gus.Gone@Example.com' }] : [], total_count: valueOf(request) === email ? 1 : 0 } }));
    sim.setDefault('DELETE', `/contacts/${GUS}`, { status: 200, body: { id: GUS, external_id: null, type: 'contact', deleted: true } });
    const searchesBefore = sim.requests({ method: 'POST', path: '/contacts/search' }).length;
    const [sent] = await deletePerson(signal, site.id, { anonymousId: gus.id });
    sim.setDefault('POST', '/contacts/search', { status: 200, body: { type: 'list', data: [], total_count: 0 } });
    assert.deepEqual(sent, { integrationId, vendor: 'intercom', status: 'sent', responseStatus: 200, message: 'deleted (HTTP 200): Intercom deleted the contact (its data is destroyed after Intercom\'s 7-day grace period)' });
    const searches = sim.requests({ method: 'POST', path: '/contacts/search' }).slice(searchesBefore);
    assert.deepEqual(searches.map((r) => r.json), [{ query: { field: 'email', operator: '=', value: email }, pagination: { per_page: 5 } }], 'searched by the email Signal found (lower-cased), though the deletion named the anonymousId only');
    assert.equal(sim.requests({ method: 'DELETE', path: `/contacts/${GUS}` }).length, 1);
  });
});
