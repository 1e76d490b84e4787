// Braze end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for Braze's REST endpoint (rest.iad-01.braze.com, and
// rest.fra-01.braze.eu) and must receive the requests Braze's /users/track and /users/delete
// document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const VISITOR_IP = '203.0.113.42';
const VISITOR = 'df_bz0visitor01';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const KEY = 'a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6';
const SUCCESS = { status: 201, body: { message: 'success' } };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://rest.iad-01.braze.com=${sim.url},https://rest.fra-01.braze.eu=${sim.url}/eu`,
  }, { label: 'braze', vendors: ['braze'] });
  sim.setDefault('POST', '/users/track', SUCCESS);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown>, variant = 'default') => installOnNewPipeline(signal, 'braze', name, { config, variant, consentCategories: ['marketing'] });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

type Kind = 'attributes' | 'events' | 'purchases';
/** Every object of `kind` the simulator received (under `prefix`), with its request. */
function received(kind: Kind, prefix = ''): Array<{ request: RecordedRequest; object: Record<string, unknown> }> {
  return sim.requests({ path: `${prefix}/users/track` }).flatMap((request) => {
    const body = (request.json ?? {}) as Record<string, unknown>;
    return (Array.isArray(body[kind]) ? body[kind] as Array<Record<string, unknown>> : []).map((object) => ({ request, object }));
  });
}

describe('Braze', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('Braze site', { api_key: KEY, app_id: 'app-web-1' });
  });

  test('identify: POST /users/track with the REST key as Bearer, the traits as a user attributes object of the external_id', async () => {
    await browser(main.site.key, {
      type: 'identify', userId: 'user-123', messageId: 'bz-identify-1',
      traits: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', plan: 'premium', external_id: 'someone-else' },
    });
    const { request, object } = await waitUntil(async () => received('attributes').find(({ object }) => object.external_id === 'user-123'), 'the attributes');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.deepEqual(object, { external_id: 'user-123', plan: 'premium', email: 'jane.doe@example.com', phone: '+447700900123', first_name: 'Jane', last_name: 'Doe' });
  });

  test('a known user\'s track event: a custom event with name, ISO 8601 time, app_id and its properties (contact data and reserved keys left out)', async () => {
    await browser(main.site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'bz-track-1', properties: { method: 'email', plan: 'premium', email: 'jane@example.com', time: 'noon' } });
    const { object } = await waitUntil(async () => received('events').find(({ object }) => object.name === 'Signed Up'), 'the event');
    assert.deepEqual(object, { external_id: 'user-123', app_id: 'app-web-1', name: 'Signed Up', time: CALL_TIMESTAMP, properties: { method: 'email', plan: 'premium' } });
  });

  test('an anonymous visitor: the user alias (anonymousId, the configured label) with _update_existing_only false, as Braze documents for alias-only profiles', async () => {
    await browser(main.site.key, { type: 'track', event: 'Newsletter Viewed', messageId: 'bz-anon-1', properties: { issue: 12 } });
    const { object } = await waitUntil(async () => received('events').find(({ object }) => object.name === 'Newsletter Viewed'), 'the event');
    assert.deepEqual(object, {
      user_alias: { alias_name: VISITOR, alias_label: 'signal_anonymous_id' }, _update_existing_only: false,
      app_id: 'app-web-1', name: 'Newsletter Viewed', time: CALL_TIMESTAMP, properties: { issue: 12 },
    });
  });

  test('Order Completed (default variant): one ecommerce.order_placed event with its products, as Braze\'s eCommerce schema has it', async () => {
    await browser(main.site.key, {
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'bz-order-placed-1',
      properties: { order_id: 'ORD-0', total: 74.99, tax: 5, currency: 'GBP', coupon: 'SPRING', discount: 5, products: [{ product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1 }, { sku: 'SS-M', name: 'Socks', price: 7.5, quantity: 2 }] },
    });
    const { object } = await waitUntil(async () => received('events').find(({ object }) => object.name === 'ecommerce.order_placed'), 'the order');
    assert.deepEqual(object, { external_id: 'user-123', app_id: 'app-web-1', name: 'ecommerce.order_placed', time: CALL_TIMESTAMP, properties: {
      order_id: 'ORD-0', total_value: 74.99, tax: 5, total_discounts: 5, discounts: [{ code: 'SPRING', amount: 5 }], currency: 'GBP',
      products: [
        { product_id: 'SKU-100', product_name: 'Running Shoes', variant_id: 'SKU-100', quantity: 1, price: 59.99 },
        { product_id: 'SS-M', product_name: 'Socks', variant_id: 'SS-M', quantity: 2, price: 7.5, metadata: { sku: 'SS-M' } },
      ],
      source: 'web',
    } });
  });

  test('Order Completed (legacy_purchases variant): one purchase object per product, product_id the product\'s name (else its sku), the order\'s properties on each', async () => {
    const { site } = await installed('Braze purchases', { api_key: KEY, app_id: 'app-web-1' }, 'legacy_purchases');
    await browser(site.key, {
      type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'bz-order-1',
      properties: { order_id: 'ORD-1', total: 74.99, currency: 'GBP', products: [{ product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1 }, { sku: 'SS-M', price: 7.5, quantity: 2 }] },
    });
    const purchases = await waitUntil(async () => {
      const list = received('purchases').filter(({ object }) => (object.properties as Record<string, unknown>).order_id === 'ORD-1');
      return list.length === 2 && list;
    }, 'the purchases');
    assert.deepEqual(purchases.map(({ object }) => object), [
      { external_id: 'user-123', app_id: 'app-web-1', product_id: 'Running Shoes', currency: 'GBP', price: 59.99, quantity: 1, time: CALL_TIMESTAMP, properties: { order_id: 'ORD-1', total: 74.99, item_id: 'SKU-100' } },
      { external_id: 'user-123', app_id: 'app-web-1', product_id: 'SS-M', currency: 'GBP', price: 7.5, quantity: 2, time: CALL_TIMESTAMP, properties: { order_id: 'ORD-1', total: 74.99, sku: 'SS-M' } },
    ]);
  });

  test('a 201 whose errors name one object dead-letters exactly that event with Braze\'s reason; the others were processed and are not sent again', async () => {
    const { site, integrationId } = await installed('Braze partial', { api_key: KEY });
    sim.script('POST', '/users/track', [{ status: 201, body: { message: 'success', events_processed: 2, errors: [{ type: "'time' must be a valid ISO 8601 date", input_array: 'events', index: 1 }] } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x, i) => ({ type: 'track', event: 'Batch Test', userId: `user-${x}`, messageId: `bz-partial-${x}`, timestamp: `2024-03-24T16:00:0${i}.000Z`, properties: { n: x }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'bz-partial-b');
    assert.equal(letter.reason, "Braze refused the event: 'time' must be a valid ISO 8601 date");
    assert.equal(letter.attempts, 1, 'not retried: Braze refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sent = received('events').filter(({ object }) => object.name === 'Batch Test');
    assert.deepEqual(sent.map(({ object }) => object.external_id), ['user-a', 'user-b', 'user-c'], 'one request, nothing sent again');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
  });

  test('a 429 waits until X-RateLimit-Reset; a 503 carrying an hourly window\'s headers does not; then success: delivered once, without a dead letter', async () => {
    const { site, integrationId } = await installed('Braze throttled', { api_key: KEY });
    // Braze's rate-limit headers, without Retry-After: a 429 waits until X-RateLimit-Reset (epoch
    // seconds): a minute here, 600 ms at the tests' time scale (0.01) — the core's own first
    // wait after a 429 is 1 s (10 ms scaled).
    const reset = String(Math.ceil(Date.now() / 1000) + 60);
    // Braze sends the headers on every answer: a 503's next try is the core's 1 s backoff (10 ms
    // scaled), not the hourly window's reset (an hour: 36 s scaled).
    const hourly = String(Math.ceil(Date.now() / 1000) + 3600);
    sim.script('POST', '/users/track', [
      { status: 429, headers: { 'X-RateLimit-Limit': '3000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset }, body: { message: 'Rate Limited' } },
      { status: 503, headers: { 'X-RateLimit-Limit': '100000', 'X-RateLimit-Remaining': '99990', 'X-RateLimit-Reset': hourly }, body: { message: 'Service Unavailable' } },
    ]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-7', messageId: 'bz-throttled-1' });
    const tries = await waitUntil(async () => {
      const list = received('events').filter(({ object }) => object.name === 'Throttled');
      return list.length >= 3 && list;
    }, 'three tries', 20_000);
    const afterThrottle = tries[1]!.request.receivedAt - tries[0]!.request.receivedAt;
    assert.ok(afterThrottle >= 500, `the 429 paused the integration until X-RateLimit-Reset (≥ 590 ms scaled; waited ${afterThrottle} ms)`);
    const afterOutage = tries[2]!.request.receivedAt - tries[1]!.request.receivedAt;
    assert.ok(afterOutage < 10_000, `the 503 was tried again on the core's backoff, not at the window's reset (36 s scaled; waited ${afterOutage} ms)`);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(received('events').filter(({ object }) => object.name === 'Throttled').length, 3, 'not sent after the success');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
  });

  test('a refused REST API key (401, EU-01 instance) dead-letters at once saying which fields to fix', async () => {
    const { site, integrationId } = await installed('Braze EU', { api_key: KEY, rest_endpoint: 'https://rest.fra-01.braze.eu' });
    sim.script('POST', '/eu/users/track', [reply.unauthorized({ message: 'Invalid API Key' })]);
    await browser(site.key, { type: 'track', event: 'Bad Key', userId: 'user-8', messageId: 'bz-401' });
    const letter = await waitForDeadLetter(signal, integrationId, 'bz-401');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.equal(letter.reason, 'Braze refused the REST API key (HTTP 401: Invalid API Key): check config.api_key (Braze: Settings > APIs and Identifiers > API Keys) and that config.rest_endpoint is your instance\'s — a key works on its own instance only (EU-01 dashboards use https://rest.fra-01.braze.eu)');
    const [request] = sim.requests({ path: '/eu/users/track' });
    assert.equal(request!.headers.authorization, `Bearer ${KEY}`);
  });

  test('a person deletion goes to /users/delete by external_id, then by the visitor\'s alias; the anonymousId alone deletes the alias profile; a key without users.delete fails saying which permission it needs', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Braze deletions', { api_key: KEY });
    sim.setDefault('POST', '/users/delete', { status: 201, body: { deleted: 1, message: 'success' } });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-forget-1', messageId: 'bz-forget-1' });
    await waitUntil(async () => received('events').find(({ object }) => object.external_id === 'u-forget-1'), 'the event');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{
      integrationId, vendor: 'braze', status: 'sent', responseStatus: 201,
      message: 'request 1 of 2: Braze queued 1 profile for deletion: the user\'s profile (external_id); request 2 of 2: Braze queued 1 profile for deletion: the visitor\'s alias-only profile (anonymousId)',
    }]);
    const asked = sim.requests({ path: '/users/delete' });
    assert.equal(asked[0]!.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(asked.map((r) => r.json), [{ external_ids: ['u-forget-1'] }, { user_aliases: [{ alias_name: VISITOR, alias_label: 'signal_anonymous_id' }] }], 'one kind of id a request: both profiles');

    // The anonymousId alone: the alias-only profile.
    assert.equal((await deletePerson(signal, site.id, { anonymousId: VISITOR }))[0]!.status, 'sent');
    assert.deepEqual(sim.requests({ path: '/users/delete' })[2]!.json, { user_aliases: [{ alias_name: VISITOR, alias_label: 'signal_anonymous_id' }] });

    sim.setDefault('POST', '/users/delete', { status: 403, body: { message: 'Access Denied' } });
    const [refused] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(refused!.status, 'failed');
    assert.equal(refused!.responseStatus, 403);
    assert.match(String(refused!.message), /^HTTP 403: Braze refused the deletion\. The REST API key needs the users\.delete permission: add it to the key \(Braze: Settings > APIs and Identifiers > API Keys\) or set config\.forward_deletions to false/);
  });
});
