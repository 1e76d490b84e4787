// Loops end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://app.loops.so and must
// receive the requests Loops' API reference documents: PUT /api/v1/contacts/update, POST
// /api/v1/contacts/create (a contact joining mailing lists), POST /api/v1/events/send (with an Idempotency-Key), POST /api/v1/contacts/delete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'd2d561f5ff80136f69b4b5a31b9fb3c9';
const LIST = 'cm06f5v0e45nf0ml5754o9cix';
const CONTACTS = '/api/v1/contacts/update';
const CREATE = '/api/v1/contacts/create';
const EVENTS = '/api/v1/events/send';
const DELETE = '/api/v1/contacts/delete';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://app.loops.so=${sim.url}`,
  }, { label: 'loops', vendors: ['loops'] });
  sim.setDefault('PUT', CONTACTS, { status: 200, body: { success: true, id: 'cll42l54f20i1la0lfooe3z12' } });
  // As Loops does: Create contact answers 409 for an email or userId it has.
  const known = new Set<string>();
  sim.setDefault('POST', CREATE, (request) => {
    const ids = [bodyOf(request).email, bodyOf(request).userId].filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase());
    if (ids.some((id) => known.has(id))) return { status: 409, body: { success: false, message: 'Email or userId already exists' } };
    for (const id of ids) known.add(id);
    return { status: 200, body: { success: true, id: 'cll42l54f20i1la0lfooe3z13' } };
  });
  sim.setDefault('POST', EVENTS, { status: 200, body: { success: true } });
  sim.setDefault('POST', DELETE, { status: 200, body: { success: true, message: 'Contact deleted.' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_loops00visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'loops', name, { config: { api_key: KEY, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
/** The event requests Loops received for an event name. */
const eventsNamed = (name: string) => sim.requests({ path: EVENTS }).filter((request) => bodyOf(request).eventName === name);
/** The contact requests (creations and updates, in order) Loops received for a userId. */
const contactsOf = (userId: string) => sim.requests().filter((request) => (request.path === CONTACTS || request.path === CREATE) && bodyOf(request).userId === userId);

describe('Loops', () => {
  test('an identify joining a list to POST /contacts/create and a track to POST /events/send, exactly as Loops documents them, with the Bearer key and the messageId as Idempotency-Key', async () => {
    const { site, integrationId } = await installed('Loops', { mailing_list_ids: [LIST], source: 'Signal' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'lp-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', userGroup: 'Founders', plan: 'pro', company: { name: 'Acme', size: 12 } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).userId === 'user-123'), 15_000, { path: CREATE });
    const [contact] = contactsOf('user-123');
    assert.equal(contact!.method, 'POST');
    assert.equal(contact!.path, CREATE, 'joining a list: Create contact');
    assert.equal(contact!.headers.authorization, `Bearer ${KEY}`);
    assert.match(contact!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(contact!.json, {
      email: 'Jane@Example.com', userId: 'user-123', firstName: 'Jane', lastName: 'Doe', userGroup: 'Founders', source: 'Signal',
      mailingLists: { [LIST]: true }, plan: 'pro', companyName: 'Acme', companySize: 12,
    }, 'marketing consent: the config\'s list; subscribed left to Loops (config.subscribe_with_consent off)');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'lp-track-1', properties: { plan: 'pro', seats: 3, email: 'someone@example.com' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).eventName === 'Signed Up'), 15_000, { path: EVENTS });
    const [event] = eventsNamed('Signed Up');
    assert.equal(event!.method, 'POST');
    assert.equal(event!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(event!.headers['idempotency-key'], 'lp-track-1');
    assert.deepEqual(event!.json, { email: 'Jane@Example.com', userId: 'user-123', eventName: 'Signed Up', eventProperties: { plan: 'pro', seats: 3 } }, 'the email Signal remembers from the identify; no contact data in the properties');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
  });

  test('without marketing consent no list and no subscribed, even with subscribe_with_consent (an install that does not gate on consent); with it, subscribed: true', async () => {
    const { site } = await installOnNewPipeline(signal, 'loops', 'Loops no consent', { config: { api_key: KEY, mailing_list_ids: [LIST], subscribe_with_consent: true } });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-nc', messageId: 'lp-nc-1', traits: { email: 'nc@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-yes', messageId: 'lp-yes-1', traits: { email: 'yes@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).userId === 'user-nc') && requests.some((r) => bodyOf(r).userId === 'user-yes'), 15_000);
    assert.deepEqual(contactsOf('user-nc')[0]!.json, { email: 'nc@example.com', userId: 'user-nc' });
    assert.deepEqual(contactsOf('user-yes')[0]!.json, { email: 'yes@example.com', userId: 'user-yes', subscribed: true, mailingLists: { [LIST]: true } });
  });

  test('someone Loops has is updated without mailingLists: a consenting identify never puts a contact back on a list they left', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Loops rejoin', { mailing_list_ids: [LIST] });
    const email = 'left.the.list@example.com';
    await browser(site.key, { type: 'identify', userId: 'user-left', messageId: 'lp-left-1', traits: { email, firstName: 'Lou' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the creation delivered');
    // Meanwhile Lou leaves the list in Loops' Preference Center; the next identify carries consent again.
    await browser(site.key, { type: 'identify', userId: 'user-left', messageId: 'lp-left-2', traits: { email, firstName: 'Louise' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the second identify delivered');
    assert.deepEqual(contactsOf('user-left').map((r) => [r.method, r.path, r.json]), [
      ['POST', CREATE, { email, userId: 'user-left', firstName: 'Lou', mailingLists: { [LIST]: true } }],
      ['POST', CREATE, { email, userId: 'user-left', firstName: 'Louise', mailingLists: { [LIST]: true } }],
      ['PUT', CONTACTS, { email, userId: 'user-left', firstName: 'Louise' }],
    ], 'new to Loops: created in the list; then the creation answered 409 and the update follows without mailingLists');
    assert.equal((await integrationStats(signal, integrationId, ['deadLettered'])).deadLettered, 0);
  });

  test('a 429 (Loops\' x-ratelimit headers, no Retry-After) and a 503 are retried with the same Idempotency-Key, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Loops retried');
    sim.script('POST', EVENTS, [
      { status: 429, body: { success: false, message: 'Rate limit exceeded.' }, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' } },
      { status: 503, body: 'Service Unavailable' },
      { status: 200, body: { success: true } },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'lp-retried-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const sent = eventsNamed('Retried');
    assert.equal(sent.length, 3, 'the 429, the 503, then the success; nothing after it');
    assert.deepEqual(sent.map((r) => r.headers['idempotency-key']), ['lp-retried-1', 'lp-retried-1', 'lp-retried-1']);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 409 (the Idempotency-Key used already) is delivered, not retried nor dead-lettered', async () => {
    const { site, integrationId } = await installed('Loops repeat');
    sim.script('POST', EVENTS, [{ status: 409, body: { success: false, message: 'Idempotency key has been used.' } }]);
    await browser(site.key, { type: 'track', event: 'Repeated', userId: 'user-409', messageId: 'lp-409' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.equal(eventsNamed('Repeated').length, 1);
    assert.equal((await integrationStats(signal, integrationId, ['deadLettered'])).deadLettered, 0);
  });

  test('a 400 is dead-lettered at once with Loops\' message; a refused key (401) names config.api_key', async () => {
    const { site, integrationId } = await installed('Loops refused');
    sim.script('PUT', CONTACTS, [{ status: 400, body: { success: false, message: 'Invalid contact property value for "seats".' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'lp-400', traits: { email: 'bad@example.com', seats: 'many' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'lp-400');
    assert.equal(letter.attempts, 1, 'not retried: Loops refused it for good');
    assert.equal(letter.reason, 'Loops refused the contact (HTTP 400: Invalid contact property value for "seats".)');

    sim.script('POST', EVENTS, [{ status: 401, body: { error: 'Invalid API key' } }]);
    await browser(site.key, { type: 'track', event: 'Unauthorised', userId: 'user-401', messageId: 'lp-401' });
    const refused = await waitForDeadLetter(signal, integrationId, 'lp-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.equal(refused.reason, 'Loops refused the API key (HTTP 401: Invalid API key): check config.api_key (a key of Settings > API in Loops, not revoked, given without "Bearer ")');
  });

  test('an anonymous visitor\'s track and page views are not sent', async () => {
    const { site, integrationId } = await installed('Loops anonymous');
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'lp-anon-1' }, { id: 'df_loops_anonymous1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await browser(site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'lp-page-1' });
    await browser(site.key, { type: 'track', event: 'After Anonymous', userId: 'user-anon', messageId: 'lp-anon-2' });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).eventName === 'After Anonymous'), 15_000, { path: EVENTS });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'only the identified event delivered');
    assert.equal(eventsNamed('Anonymous Thing').length, 0);
    assert.equal(sim.requests({ path: EVENTS }).some((r) => bodyOf(r).userId === 'user-page'), false, 'no page view sent');
  });

  test('person deletions: POST /contacts/delete by userId, then by each email Signal knew; a 404 is done; an anonymousId alone skipped; a refused key fails', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Loops deletions');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'lp-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).userId === 'u-gus-0042'), 15_000, { path: CONTACTS });
    const before = sim.count({ path: DELETE });
    sim.script('POST', DELETE, [{ status: 200, body: { success: true, message: 'Contact deleted.' } }, { status: 404, body: { success: false, message: 'Contact not found.' } }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'loops');
    assert.equal(sent!.status, 'sent');
    const requests = sim.requests({ path: DELETE }).slice(before);
    assert.deepEqual(requests.map((r) => [r.method, r.json]), [['POST', { userId: 'u-gus-0042' }], ['POST', { email: 'gus.gone@example.com' }]], 'by the userId, then by the email Signal remembered (lower-cased), one identifier a request');
    assert.equal(requests[0]!.headers.authorization, `Bearer ${KEY}`);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_loops_never_identified' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Loops contacts and events by userId and email only/);

    sim.script('POST', DELETE, [{ status: 401, body: { error: 'Invalid API key' } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /HTTP 401: Loops refused the API key for the deletion \(Invalid API key\): check config\.api_key/);
  });

  test('an install with a mailing list\'s name for its id is refused, naming the field and what it expects in words', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/loops/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Loops list name', variant: 'default', config: { api_key: KEY, mailing_list_ids: ['Newsletter list'] } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.mailing_list_ids', message: '"Newsletter list" is no Loops mailing list id: give the list\'s id (letters and digits, e.g. "cm06f5v0e45nf0ml5754o9cix", shown in Audience > Lists), not its name' }]);
  });
});
