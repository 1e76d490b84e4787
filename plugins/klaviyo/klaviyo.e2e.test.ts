// Klaviyo end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for a.klaviyo.com and must receive the requests
// Klaviyo's Bulk Create Events, Create or Update Profile, Get Profiles and Request Profile
// Deletion document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { UNQUOTABLE_NOTE } from './forget-person.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR = 'df_kl0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const KEY = 'pk_0123456789abcdef0123456789abcdef01';
const BULK = '/api/event-bulk-create-jobs';
const PROFILE_IMPORT = '/api/profile-import';
const JSON_API = 'application/vnd.api+json';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://a.klaviyo.com=${sim.url}`,
  }, { label: 'klaviyo', vendors: ['klaviyo'] });
  sim.setDefault('POST', BULK, { status: 202, body: '' });
  sim.setDefault('POST', PROFILE_IMPORT, { status: 201, body: { data: { type: 'profile', id: '01HKLAVIYO0PROFILE00000001' } } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42' };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown> = { api_key: KEY }, variant = 'default') => installOnNewPipeline(signal, 'klaviyo', name, { config, variant, consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

interface Item { attributes: { profile: { data: { attributes: Record<string, unknown> } }; events: { data: Array<{ attributes: Record<string, unknown> }> } } }
/** Every Bulk Create Events item the simulator received, with its request. */
function items(): Array<{ request: RecordedRequest; item: Item; metric: string }> {
  return sim.requests({ path: BULK }).flatMap((request) => {
    const data = (request.json as { data?: { attributes?: { 'events-bulk-create'?: { data?: Item[] } } } } | undefined)?.data?.attributes?.['events-bulk-create']?.data ?? [];
    return data.map((item) => ({ request, item, metric: String((item.attributes.events.data[0]?.attributes.metric as { data: { attributes: { name: string } } }).data.attributes.name) }));
  });
}

describe('Klaviyo', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Klaviyo site', { api_key: KEY, default_country_code: '44' });
  });

  test('identify: POST /api/profile-import with the private key, the revision and JSON:API, the traits as the profile of the external_id', async () => {
    await browser(main.site.key, {
      type: 'identify', userId: 'user-123', messageId: 'kl-identify-1',
      traits: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '07700 900123', plan: 'premium', address: { city: 'London', country: 'GB' } },
    });
    const [request] = await sim.waitFor(1, 20_000, { path: PROFILE_IMPORT });
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, `Klaviyo-API-Key ${KEY}`);
    assert.equal(request!.headers.revision, '2026-10-15');
    assert.match(request!.headers['content-type']!, /^application\/vnd\.api\+json/);
    assert.equal(request!.headers.accept, JSON_API);
    assert.deepEqual(request!.json, { data: { type: 'profile', attributes: {
      external_id: 'user-123', email: 'jane.doe@example.com', phone_number: '+447700900123', properties: { plan: 'premium' }, first_name: 'Jane', last_name: 'Doe', location: { city: 'London', country: 'GB' },
    } } });
  });

  test('a browser track call: one Bulk Create Events item, the profile by external_id, anonymous_id and the remembered identify traits\' email and phone, unique_id the messageId, time the event\'s', async () => {
    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'kl-track-1', properties: { method: 'email', plan: 'premium', email: 'jane@example.com' } });
    const { request, item } = await waitUntil(async () => items().find(({ metric }) => metric === 'Signed Up'), 'the event');
    assert.equal(request.headers.authorization, `Klaviyo-API-Key ${KEY}`);
    assert.equal(request.headers.revision, '2026-10-15');
    assert.equal((request.json as { data: { type: string } }).data.type, 'event-bulk-create-job');
    assert.deepEqual(item, { type: 'event-bulk-create', attributes: {
      // The identify above: Signal remembers its traits and adds them to the user's later events (context.traits).
      profile: { data: { type: 'profile', attributes: { external_id: 'user-123', anonymous_id: VISITOR, email: 'jane.doe@example.com', phone_number: '+447700900123' } } },
      events: { data: [{ type: 'event', attributes: { properties: { method: 'email', plan: 'premium' }, time: CALL_TIMESTAMP, unique_id: 'kl-track-1', metric: { data: { type: 'metric', attributes: { name: 'Signed Up' } } } } }] },
    } });
  });

  test('Order Completed: a Placed Order (value, $value, Items) and an Ordered Product per product, in one item', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'kl-order-1',
      properties: { order_id: 'ORD-1', total: 27.5, currency: 'GBP', products: [{ product_id: 'SKU-1', name: 'Shoe', price: 10, quantity: 2 }, { product_id: 'SKU-2', name: 'Sock', price: 7.5 }] },
    });
    const { item } = await waitUntil(async () => items().find(({ metric }) => metric === 'Placed Order'), 'the order');
    const events = item.attributes.events.data.map((e) => e.attributes);
    assert.deepEqual(events.map((e) => [(e.metric as { data: { attributes: { name: string } } }).data.attributes.name, e.unique_id, e.value, e.value_currency]),
      [['Placed Order', 'ORD-1', 27.5, 'GBP'], ['Ordered Product', 'ORD-1:1', 20, 'GBP'], ['Ordered Product', 'ORD-1:2', 7.5, 'GBP']]);
    assert.deepEqual(events[0]!.properties, {
      $value: 27.5, OrderId: 'ORD-1', ItemNames: ['Shoe', 'Sock'],
      Items: [{ ProductID: 'SKU-1', ProductName: 'Shoe', Quantity: 2, ItemPrice: 10, RowTotal: 20 }, { ProductID: 'SKU-2', ProductName: 'Sock', Quantity: 1, ItemPrice: 7.5, RowTotal: 7.5 }],
    });
    assert.deepEqual(events[1]!.properties, { OrderId: 'ORD-1', ProductID: 'SKU-1', ProductName: 'Shoe', Quantity: 2, ItemPrice: 10, RowTotal: 20, $value: 20 });
  });

  test('a 429 waits for Retry-After, then the job is accepted: delivered once, without a dead letter', async () => {
    const { site, integrationId } = await installed('Klaviyo throttled');
    sim.script('POST', BULK, [{ status: 429, headers: { 'Retry-After': '60' }, body: { errors: [{ id: 'x', status: 429, code: 'throttled', title: 'Request was throttled.', detail: 'Request was throttled. Expected available in 60 seconds.' }] } }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'kl-throttled-1' });
    const tries = await waitUntil(async () => {
      const list = items().filter(({ metric }) => metric === 'Throttled');
      return list.length >= 2 && list;
    }, 'two tries', 20_000);
    const waited = tries[1]!.request.receivedAt - tries[0]!.request.receivedAt;
    assert.ok(waited >= 500, `the 429 paused the integration for Retry-After (60 s, 600 ms scaled; waited ${waited} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(items().filter(({ metric }) => metric === 'Throttled').length, 2, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 400 pointing into one item of the job dead-letters that event with Klaviyo\'s detail; the others are sent again and delivered', async () => {
    const { site, integrationId } = await installed('Klaviyo refused');
    sim.script('POST', BULK, [{ status: 400, body: { errors: [{ id: 'e-1', status: 400, code: 'invalid', title: 'Invalid input.', detail: 'The phone number provided either does not exist or is ineligible to receive SMS', source: { pointer: '/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/phone_number' } }] } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `kl-batch-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, properties: { n: x }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'kl-batch-b');
    assert.equal(letter.reason, 'Klaviyo refused the event (HTTP 400): The phone number provided either does not exist or is ineligible to receive SMS (invalid) at /profile/data/attributes/phone_number');
    assert.equal(letter.attempts, 1, 'not retried: Klaviyo refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = items().filter(({ metric }) => metric === 'Batch Test');
    assert.deepEqual(sent.map(({ item }) => item.attributes.profile.data.attributes.external_id), ['user-a', 'user-b', 'user-c', 'user-a', 'user-c'], 'one job refused whole, then the two others again');
    assert.equal((await integrationStats(signal, integrationId)).retried, 0, 'sent again at once, using no try');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'kl-batch-a'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered']);
  });

  test('a key without the profiles:write scope (403) dead-letters the profile update at once, naming the scope', async () => {
    const { site, integrationId } = await installed('Klaviyo scopes');
    sim.script('POST', PROFILE_IMPORT, [{ status: 403, body: { errors: [{ id: 'p', status: 403, code: 'permission_denied', title: 'You do not have permission to perform this action.', detail: 'You do not have permission to perform this action.' }] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-9', messageId: 'kl-403', traits: { email: 'nine@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'kl-403');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^Klaviyo refused the profile update \(HTTP 403: You do not have permission to perform this action\. \(permission_denied\)\): the private API key lacks the profiles:write scope/);
  });

  test('a person deletion looks the profile up by external_id and deletes it by its Klaviyo id; an anonymousId alone is skipped saying why', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Klaviyo deletions');
    sim.setDefault('GET', '/api/profiles', (request) => ({ status: 200, body: { data: request.query.filter === 'equals(external_id,"u-forget-1")' ? [{ type: 'profile', id: '01HKLAVIYO0FORGET00000001', attributes: { external_id: 'u-forget-1' } }] : [] } }));
    sim.setDefault('POST', '/api/data-privacy-deletion-jobs', { status: 202, body: '' });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'kl-forget-1' });
    await waitUntil(async () => items().find(({ item }) => item.attributes.profile.data.attributes.external_id === 'u-forget-1'), 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{ integrationId, vendor: 'klaviyo', status: 'sent', responseStatus: 202, message: 'accepted (HTTP 202): Klaviyo deletes the profile asynchronously; deleted profiles appear on its Deleted Profiles page. Deleting cannot be undone.' }]);
    const [lookup] = sim.requests({ method: 'GET', path: '/api/profiles' });
    assert.deepEqual(lookup!.queryPairs, [['filter', 'equals(external_id,"u-forget-1")'], ['fields[profile]', 'id'], ['page[size]', '10']]);
    assert.equal(lookup!.headers.authorization, `Klaviyo-API-Key ${KEY}`);
    const [deleted] = sim.requests({ path: '/api/data-privacy-deletion-jobs' });
    assert.deepEqual(deleted!.json, { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', id: '01HKLAVIYO0FORGET00000001', attributes: {} } } } } });

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: VISITOR });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /^Klaviyo can neither look up nor delete a profile by anonymous_id/);
  });

  test('a person deletion naming a userId that is no email, whose identify gave traits.email: the profile of the external_id deleted, and every profile with that email', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Klaviyo deletions by traits');
    const email = 'gus.gone@example.com';
    sim.setDefault('GET', '/api/profiles', (request) => ({ status: 200, body: { data: request.query.filter === 'equals(external_id,"u-gus-0042")' ? [{ type: 'profile', id: '01HKLAVIYO0GUS00000000042', attributes: { external_id: 'u-gus-0042' } }] : [] } }));
    sim.setDefault('POST', '/api/data-privacy-deletion-jobs', { status: 202, body: '' });
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'kl-forget-traits', traits: { email: 'Gus.Gone@Example.com' } });
    await waitUntil(async () => sim.requests({ path: PROFILE_IMPORT }).find((r) => (r.json as { data: { attributes: { email?: string } } }).data.attributes.email === email), 'the profile');
    const before = sim.requests({ path: '/api/data-privacy-deletion-jobs' }).length;
    const accepted = 'accepted (HTTP 202): Klaviyo deletes the profile asynchronously; deleted profiles appear on its Deleted Profiles page. Deleting cannot be undone.';
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-gus-0042' }), [{ integrationId, vendor: 'klaviyo', status: 'sent', responseStatus: 202, message: `request 1 of 2: ${accepted}; request 2 of 2: ${accepted}` }]);
    const profile = (attributes: Record<string, unknown>, id?: string) => ({ data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', ...(id ? { id } : {}), attributes } } } } });
    assert.deepEqual(sim.requests({ path: '/api/data-privacy-deletion-jobs' }).slice(before).map((r) => r.json), [profile({}, '01HKLAVIYO0GUS00000000042'), profile({ email })], 'deleted by the email Signal remembered (lower-cased), though the deletion named the userId only');
  });

  test('a person deletion naming a userId no Klaviyo filter can quote, whose identify gave traits.email: deleted by that email, sent, saying the userId was not looked up and why', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Klaviyo deletions, unquotable userId');
    const email = 'quinn.quote@example.com';
    sim.setDefault('POST', '/api/data-privacy-deletion-jobs', { status: 202, body: '' });
    await browser(site.key, { type: 'identify', userId: 'u"quinn-0043', messageId: 'kl-forget-quote', traits: { email: 'Quinn.Quote@Example.com' } });
    await waitUntil(async () => sim.requests({ path: PROFILE_IMPORT }).find((r) => (r.json as { data: { attributes: { email?: string } } }).data.attributes.email === email), 'the profile');
    const lookups = sim.requests({ method: 'GET', path: '/api/profiles' }).length;
    const before = sim.requests({ path: '/api/data-privacy-deletion-jobs' }).length;
    const [outcome] = await deletePerson(signal, site.id, { userId: 'u"quinn-0043' });
    assert.deepEqual([outcome!.status, outcome!.responseStatus], ['sent', 202]);
    assert.equal(outcome!.message, `${UNQUOTABLE_NOTE}; accepted (HTTP 202): Klaviyo deletes the profile asynchronously; deleted profiles appear on its Deleted Profiles page. Deleting cannot be undone.`);
    assert.equal(outcome!.integrationId, integrationId);
    assert.equal(sim.requests({ method: 'GET', path: '/api/profiles' }).length, lookups, 'no lookup by the userId');
    assert.deepEqual(sim.requests({ path: '/api/data-privacy-deletion-jobs' }).slice(before).map((r) => r.json), [{ data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email } } } } } }]);
  });
});
