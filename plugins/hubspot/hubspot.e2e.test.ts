// HubSpot end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for api.hubapi.com and must receive the requests
// HubSpot documents — the contact batch upsert, the custom event batch send, the OAuth token
// exchange, the contact search and the GDPR delete — and its failures (a multi-status answer,
// a refused batch, a rate limit) must end as HubSpot's answers say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { eventUuid } from './event-uuid.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { USER_ID_NOT_SEARCHED } from './forget-person.ts';

let sim: VendorSim;
let signal: TestSignal;
const TOKEN = 'pat-na1-01234567-89ab-cdef-0123-456789abcdef';
const UPSERT = '/crm/objects/2026-09/contacts/batch/upsert';
const EVENTS = '/events/2026-09/send/batch';
const TOKEN_PATH = '/oauth/2026-09/token';
const SEARCH = '/crm/objects/2026-09/contacts/search';
const GDPR = '/crm/objects/2026-09/contacts/gdpr-delete';
const UTK = '0123456789abcdef0123456789abcdef';
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const EVENT_NAMES = { 'Order Completed': 'pe1234567_order_completed', 'Signed Up': 'pe1234567_signed_up', 'Batch Test': 'pe1234567_batch_test', Throttled: 'pe1234567_throttled' };
const visitor: Visitor = { id: 'df_hs0visitor01', ip: '203.0.113.42', cookies: `hubspotutk=${UTK}` };

// any: the vendor's JSON, read field by field in assertions.
type Input = Record<string, any>;
const inputsOf = (request: RecordedRequest): Input[] => (request.json as { inputs?: Input[] } | undefined)?.inputs ?? [];
/** Every occurrence the simulator received, with its request. */
const occurrences = () => sim.requests({ path: EVENTS }).flatMap((request) => inputsOf(request).map((input) => ({ request, input })));
const occurrencesOf = (messageId: string) => occurrences().filter(({ input }) => input.uuid === eventUuid(messageId));
/** Every contact input the simulator received, with its request. */
const contacts = () => sim.requests({ path: UPSERT }).flatMap((request) => inputsOf(request).map((input) => ({ request, input })));

/** HubSpot's batch upsert: each input written, but one whose email is refused@example.com (a multi-status answer naming it). */
function upsertAnswer(request: RecordedRequest): ScriptedResponse {
  const inputs = inputsOf(request);
  const refused = inputs.filter((input) => input.id === 'refused@example.com');
  const results = inputs.filter((input) => !refused.includes(input)).map((input, i) => ({ id: String(9000 + i), properties: { email: input.id }, objectWriteTraceId: input.objectWriteTraceId, new: true }));
  if (refused.length === 0) return { status: 200, body: { status: 'COMPLETE', results, startedAt: CALL_TIMESTAMP, completedAt: CALL_TIMESTAMP } };
  return {
    status: 207,
    body: {
      status: 'COMPLETE', results, numErrors: refused.length,
      errors: refused.map((input) => ({ status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid', errors: [{ message: 'Property "plan_tier" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['plan_tier'] } }], context: { objectWriteTraceId: [input.objectWriteTraceId] } })),
    },
  };
}

/** HubSpot's batch send: 204, but a 400 (naming no input) to a batch holding an occurrence whose plan is "invalid". */
function eventsAnswer(request: RecordedRequest): ScriptedResponse {
  if (inputsOf(request).some((input) => input.properties?.plan === 'invalid')) {
    return { status: 400, body: { status: 'error', message: 'Invalid property value for plan', correlationId: 'c0ffee00-0000-4000-8000-000000000001', category: 'VALIDATION_ERROR' } };
  }
  return { status: 204, body: '' };
}

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.hubapi.com=${sim.url}`,
  }, { label: 'hubspot', vendors: ['hubspot'] });
  sim.setDefault('POST', UPSERT, upsertAnswer);
  sim.setDefault('POST', EVENTS, eventsAnswer);
});
after(() => closeAll(signal, sim));

/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown> = {}, variant = 'default') =>
  installOnNewPipeline(signal, 'hubspot', name, { config: { access_token: TOKEN, event_names: EVENT_NAMES, ...config }, variant, consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it, with HubSpot's tracking cookie and marketing consent. */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

describe('HubSpot', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('HubSpot site', { property_map: { plan: 'plan_tier' }, user_id_property: 'signal_user_id' });
  });

  test('identify: POST /crm/objects/2026-09/contacts/batch/upsert with the Bearer token, the contact upserted by its email with the traits as properties', async () => {
    await browser(main.site.key, {
      type: 'identify', userId: 'user-123', messageId: 'hs-identify-1',
      traits: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', company: 'Acme', plan: 'premium', address: { city: 'London', postalCode: 'SW1A 1AA', country: 'GB' } },
    });
    const [request] = await sim.waitFor(1, 20_000, { path: UPSERT });
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request!.json, { inputs: [{
      idProperty: 'email', id: 'jane.doe@example.com', objectWriteTraceId: 'hs-identify-1',
      properties: { firstname: 'Jane', lastname: 'Doe', phone: '+44 7700 900123', company: 'Acme', city: 'London', country: 'GB', zip: 'SW1A 1AA', plan_tier: 'premium', signal_user_id: 'user-123' },
    }] });
  });

  test('a track event config.event_names names: POST /events/2026-09/send/batch, linked by the remembered email and the hubspotutk cookie; an event it names nowhere is not sent', async () => {
    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'hs-track-1', properties: { method: 'email', plan: 'premium', email: 'jane@example.com', referrer_url: 'https://www.google.com/' } });
    await browser(main.site.key, { type: 'track', event: 'Feature Activated', userId: 'user-123', messageId: 'hs-unnamed-1', properties: { feature: 'x' } });
    const { request, input } = await waitUntil(async () => occurrencesOf('hs-track-1')[0], 'the occurrence');
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(request.json, { inputs: [input] }, 'one custom event a request');
    assert.deepEqual(input, {
      // The identify above: Signal remembers its traits and adds them to the user's later events (context.traits).
      eventName: 'pe1234567_signed_up', email: 'jane.doe@example.com', utk: UTK, occurredAt: CALL_TIMESTAMP, uuid: eventUuid('hs-track-1'),
      properties: { method: 'email', plan: 'premium', referrer_url: 'https://www.google.com/' },
    });
    const { body } = await waitUntil(async () => {
      const answer = await signal.graphql<{ integrationStats: { dropped: number } }>('query($id: ID!) { integrationStats(integrationId: $id) { dropped } }', { id: main.integrationId });
      return answer.body.data!.integrationStats.dropped >= 1 && answer;
    }, 'the unnamed event dropped');
    assert.equal(body.data!.integrationStats.dropped, 1);
    assert.equal(occurrences().some(({ input }) => input.uuid === eventUuid('hs-unnamed-1')), false, 'not sent');
  });

  test('an identify without an email is dead-lettered at once, saying HubSpot upserts contacts by email', async () => {
    await browser(main.site.key, { type: 'identify', userId: 'user-456', messageId: 'hs-no-email', traits: { firstName: 'Joe' } });
    const letter = await waitForDeadLetter(signal, main.integrationId, 'hs-no-email');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /HubSpot creates or updates a contact by its email, and this identify has none \(no traits\.email\): it cannot be upserted/);
    assert.equal(contacts().some(({ input }) => input.objectWriteTraceId === 'hs-no-email'), false, 'nothing sent');
  });

  test('a multi-status answer naming one contact: that one dead-lettered with HubSpot\'s words, the others delivered', async () => {
    const { site, integrationId } = await installed('HubSpot multi-status');
    await batch(site.key, ['ok-1', 'refused', 'ok-2'].map((x) => ({ type: 'identify', userId: `user-${x}`, messageId: `hs-multi-${x}`, traits: { email: `${x}@example.com`, plan: 'gold' } })));
    const letter = await waitForDeadLetter(signal, integrationId, 'hs-multi-refused');
    assert.equal(letter.reason, 'HubSpot refused the contact (HTTP 207): Property values were not valid: Property "plan_tier" does not exist (PROPERTY_DOESNT_EXIST; propertyName: plan_tier) [VALIDATION_ERROR]');
    assert.equal(letter.attempts, 1, 'not retried: HubSpot refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = contacts().filter(({ input }) => String(input.objectWriteTraceId).startsWith('hs-multi-'));
    assert.deepEqual(sent.map(({ input }) => input.objectWriteTraceId), ['hs-multi-ok-1', 'hs-multi-refused', 'hs-multi-ok-2'], 'one request, each contact once');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
  });

  test('a 400 refusing an event batch without naming the event: halves find it, it alone is dead-lettered with HubSpot\'s message, the others delivered', async () => {
    const { site, integrationId } = await installed('HubSpot refused batch');
    await batch(site.key, ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `hs-batch-${x}`, properties: { plan: x === 'b' ? 'invalid' : 'ok' }, context: { consent: { marketing: true }, traits: { email: `${x}@example.com` } } })));
    const letter = await waitForDeadLetter(signal, integrationId, 'hs-batch-b');
    assert.match(letter.reason, /^HubSpot refused the event \(HTTP 400\): Invalid property value for plan \[VALIDATION_ERROR\] \(correlationId c0ffee00-0000-4000-8000-000000000001\): check that the custom event defines every property sent/);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sizes = sim.requests({ path: EVENTS }).filter((r) => inputsOf(r).some((i) => i.eventName === 'pe1234567_batch_test')).map((r) => inputsOf(r).length);
    assert.equal(sizes[0], 3, 'first the whole batch');
    assert.equal(inputsOf(occurrencesOf('hs-batch-b').at(-1)!.request).length, 1, 'the refused event, alone at last');
    assert.equal(occurrencesOf('hs-batch-a').length + occurrencesOf('hs-batch-c').length >= 4, true, 'the others sent again in halves after the refusal');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a 429 (TEN_SECONDLY_ROLLING) waits for HubSpot\'s window, then the event is delivered once', async () => {
    const { site, integrationId } = await installed('HubSpot throttled');
    sim.script('POST', EVENTS, [{
      status: 429, headers: { 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000', 'X-HubSpot-RateLimit-Max': '100', 'X-HubSpot-RateLimit-Remaining': '0' },
      body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: 'c0ffee00-0000-4000-8000-000000000002', policyName: 'TEN_SECONDLY_ROLLING' },
    }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'hs-throttled-1', context: { traits: { email: 'seven@example.com' } } });
    const tries = await waitUntil(async () => (occurrencesOf('hs-throttled-1').length >= 2 ? occurrencesOf('hs-throttled-1') : undefined), 'two tries', 20_000);
    const waited = tries[1]!.request.receivedAt - tries[0]!.request.receivedAt;
    assert.ok(waited >= 90, `the 429 paused the integration for HubSpot's 10 s window (100 ms scaled; waited ${waited} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(occurrencesOf('hs-throttled-1').length, 2, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('an OAuth refresh token: exchanged at /oauth/2026-09/token, the access token sent as the Bearer credential', async () => {
    sim.setDefault('POST', TOKEN_PATH, (request) => {
      const form = new URLSearchParams(request.body);
      if (form.get('refresh_token') !== 'na1-refresh-e2e') return { status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' } };
      return { status: 200, body: { token_type: 'bearer', access_token: 'CKDZoauth-access-1', expires_in: 1800, refresh_token: 'na1-refresh-e2e' } };
    });
    const { site } = await installOnNewPipeline(signal, 'hubspot', 'HubSpot OAuth', {
      config: { client_id: 'hs-client-id', client_secret: 'hs-client-secret', refresh_token: 'na1-refresh-e2e', event_names: EVENT_NAMES }, consentCategories: ['marketing'],
    });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-8', messageId: 'hs-oauth-1', properties: { order_id: 'O-8', revenue: 42 }, context: { traits: { email: 'eight@example.com' } } });
    const { request } = await waitUntil(async () => occurrencesOf('hs-oauth-1')[0], 'the occurrence');
    assert.equal(request.headers.authorization, 'Bearer CKDZoauth-access-1');
    const [exchange] = sim.requests({ path: TOKEN_PATH });
    assert.equal(exchange!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(exchange!.body)), { grant_type: 'refresh_token', refresh_token: 'na1-refresh-e2e', client_id: 'hs-client-id', client_secret: 'hs-client-secret' });
  });

  test('a person deletion finds the contact by email, then deletes it by its record id with the GDPR delete; an anonymousId alone is skipped saying why', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('HubSpot deletions');
    sim.setDefault('POST', SEARCH, (request) => {
      const value = (request.json as { filterGroups: Array<{ filters: Array<{ value: string }> }> }).filterGroups[0]!.filters[0]!.value;
      return { status: 200, body: { total: value === 'forget.me@example.com' ? 1 : 0, results: value === 'forget.me@example.com' ? [{ id: '608051', properties: { email: value } }] : [] } };
    });
    sim.setDefault('POST', GDPR, { status: 204, body: '' });
    await browser(site.key, { type: 'identify', userId: 'Forget.Me@example.com', messageId: 'hs-forget-1', traits: { email: 'forget.me@example.com' } });
    await waitUntil(async () => contacts().find(({ input }) => input.objectWriteTraceId === 'hs-forget-1'), 'the contact');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id }), [{
      integrationId, vendor: 'hubspot', status: 'sent', responseStatus: 204,
      message: 'deleted (HTTP 204): HubSpot permanently deleted the contact and its associated content (GDPR delete); this cannot be undone',
    }]);
    const [search] = sim.requests({ path: SEARCH });
    assert.equal(search!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(search!.json, { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'forget.me@example.com' }] }], properties: ['email'], limit: 10 });
    const [deleted] = sim.requests({ path: GDPR });
    assert.equal(deleted!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(deleted!.json, { objectId: '608051' });

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /^HubSpot finds contacts by email or a property holding the userId, and knows no Signal anonymousId/);
  });

  test('a person deletion naming a userId that is no email (no user_id_property), whose identify gave traits.email: the contact found by that email, then deleted', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('HubSpot deletions by traits');
    const email = 'gus.gone@example.com';
    const valueOf = (request: RecordedRequest) => (request.json as { filterGroups: Array<{ filters: Array<{ propertyName: string; value: string }> }> }).filterGroups[0]!.filters[0]!;
    sim.setDefault('POST', SEARCH, (request) => ({ status: 200, body: valueOf(request).value === email ? { total: 1, results: [{ id: '708052', properties: { email } }] } : { total: 0, results: [] } }));
    sim.setDefault('POST', GDPR, { status: 204, body: '' });
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'hs-forget-traits', traits: { email: 'Gus.Gone@Example.com' } });
    await waitUntil(async () => contacts().find(({ input }) => input.objectWriteTraceId === 'hs-forget-traits'), 'the contact');
    const searchesBefore = sim.requests({ path: SEARCH }).length;
    const deletionsBefore = sim.requests({ path: GDPR }).length;
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-gus-0042' }), [{
      integrationId, vendor: 'hubspot', status: 'sent', responseStatus: 204,
      message: `${USER_ID_NOT_SEARCHED}; deleted (HTTP 204): HubSpot permanently deleted the contact and its associated content (GDPR delete); this cannot be undone`,
    }], 'sent, saying the userId was not searched for and why');
    const searches = sim.requests({ path: SEARCH }).slice(searchesBefore);
    assert.deepEqual(searches.map((r) => valueOf(r)), [{ propertyName: 'email', operator: 'EQ', value: email }], 'searched by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.deepEqual(sim.requests({ path: GDPR }).slice(deletionsBefore).map((r) => r.json), [{ objectId: '708052' }]);
  });
});
