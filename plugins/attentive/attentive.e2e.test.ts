// Attentive end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.attentivemobile.com and
// must receive the requests Attentive's API reference documents: POST /v1/attributes/custom,
// /v1/events/custom, /v1/events/ecommerce/{product-view,add-to-cart,purchase} and
// /v1/privacy/delete-request, each with the app's API key as the Bearer token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'c2lnbmFsLWF0dGVudGl2ZS1lMmUta2V5';
const ATTRIBUTES = '/v1/attributes/custom';
const EVENTS = '/v1/events/custom';
const PRODUCT_VIEW = '/v1/events/ecommerce/product-view';
const ADD_TO_CART = '/v1/events/ecommerce/add-to-cart';
const PURCHASE = '/v1/events/ecommerce/purchase';
const DELETIONS = '/v1/privacy/delete-request';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A vendor request that hangs is given up after this long, then retried.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.attentivemobile.com=${sim.url}`,
  }, { label: 'attentive', vendors: ['attentive'] });
  // Attentive's documented answer to an accepted request: 200 "Ok", no body.
  for (const path of [ATTRIBUTES, EVENTS, PRODUCT_VIEW, ADD_TO_CART, PURCHASE]) sim.setDefault('POST', path, { status: 200, body: '' });
  sim.setDefault('POST', DELETIONS, { status: 200, body: { id: '123abc' } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_attentive_visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'attentive', name, { config: { api_key: KEY, default_country_code: '1', ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
/** The custom event requests Attentive received for an event type. */
const eventsOfType = (type: string) => sim.requests({ path: EVENTS }).filter((request) => bodyOf(request).type === type);
const waitForType = (type: string, count = 1) => sim.waitFor((requests) => requests.filter((r) => bodyOf(r).type === type).length >= count, 20_000, { path: EVENTS }).then(() => eventsOfType(type));

describe('Attentive', () => {
  test('identify, a track call, Product Viewed, Product Added and Order Completed, exactly as Attentive documents them, with the Bearer key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'at-identify-1', traits: { email: 'jane@example.com', phone: '(212) 555-0100', firstName: 'Jane', plan: 'premium', tags: ['a'] } });
    await sim.waitFor(1, 20_000, { path: ATTRIBUTES });
    const [attributes] = sim.requests({ path: ATTRIBUTES });
    assert.equal(attributes!.method, 'POST');
    assert.equal(attributes!.headers.authorization, `Bearer ${KEY}`);
    assert.match(attributes!.headers['content-type']!, /^application\/json/);
    const user = { phone: '+12125550100', email: 'jane@example.com', externalIdentifiers: { clientUserId: 'user-123' } };
    assert.deepEqual(attributes!.json, { properties: { plan: 'premium', firstName: 'Jane' }, user }, 'the email and phone as the user, no list attribute');

    await browser(site.key, { type: 'track', event: 'Order Shipped', userId: 'user-123', messageId: 'at-track-1', properties: { carrier: 'fedex', email: 'someone@example.com' } });
    const [shipped] = await waitForType('Order Shipped');
    assert.equal(shipped!.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(shipped!.json, { type: 'Order Shipped', properties: { carrier: 'fedex' }, externalEventId: 'at-track-1', occurredAt: CALL_TIMESTAMP, user }, 'the email and phone Signal remembers from the identify; no contact data in the properties');

    await browser(site.key, { type: 'track', event: 'Product Viewed', userId: 'user-123', messageId: 'at-pv-1', properties: { product_id: 'AB12345', variant_id: 'CD12345', name: 'T-Shirt', price: 19.99, currency: 'USD', url: 'https://shop.example.com/t' } });
    await browser(site.key, { type: 'track', event: 'Product Added', userId: 'user-123', messageId: 'at-atc-1', properties: { product_id: 'AB12345', variant_id: 'CD12345', name: 'T-Shirt', price: 19.99, currency: 'USD', quantity: 2 } });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'at-oc-1', properties: { order_id: 'o-50314', currency: 'USD', total: 39.98, products: [{ product_id: 'AB12345', variant_id: 'CD12345', name: 'T-Shirt', price: 19.99, quantity: 2 }] } });
    await sim.waitFor(1, 20_000, { path: PURCHASE });
    await sim.waitFor(1, 20_000, { path: ADD_TO_CART });
    await sim.waitFor(1, 20_000, { path: PRODUCT_VIEW });
    const item = { productId: 'AB12345', productVariantId: 'CD12345', name: 'T-Shirt', price: [{ value: 19.99, currency: 'USD' }] };
    assert.deepEqual(sim.requests({ path: PRODUCT_VIEW }).map((r) => r.json), [{ items: [{ ...item, productUrl: 'https://shop.example.com/t' }], occurredAt: CALL_TIMESTAMP, user }]);
    assert.deepEqual(sim.requests({ path: ADD_TO_CART }).map((r) => r.json), [{ items: [{ ...item, quantity: 2 }], occurredAt: CALL_TIMESTAMP, user }]);
    assert.deepEqual(sim.requests({ path: PURCHASE }).map((r) => r.json), [{ items: [{ ...item, quantity: 2 }], orderId: 'o-50314', occurredAt: CALL_TIMESTAMP, user }]);
    assert.equal(sim.count({ path: '/v1/subscriptions' }), 0, 'nobody subscribed');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 5 || undefined, 'all five delivered');
  });

  test('a 429 (Retry-After), a 503 and a timeout are retried, then the event is delivered once with the same externalEventId', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive retried');
    sim.script('POST', EVENTS, [
      { status: 429, body: '', headers: { 'retry-after': '1', 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '0' } },
      { status: 503, body: { error: { id: 1, message: 'Service Unavailable' } } },
      reply.hang(),
      { status: 200, body: '' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'at-retried-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    const sent = eventsOfType('Retried');
    assert.equal(sent.length, 4, 'the 429, the 503, the hang, then the success; nothing after it');
    assert.deepEqual([...new Set(sent.map((r) => bodyOf(r).externalEventId))], ['at-retried-1'], 'Attentive can tell a retry from a new event');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'deadLettered', 'retried']);
    assert.equal(stats.delivered, 1);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a 400 is dead-lettered at once with Attentive\'s message and what to fix; a 403 names the app permission; a 401 names config.api_key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive refused');
    sim.script('POST', EVENTS, [reply.badRequest({ error: { id: 4001, message: 'Invalid parameter in request query or body' } })]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-400', messageId: 'at-400' });
    const refused = await waitForDeadLetter(signal, integrationId, 'at-400');
    assert.equal(refused.attempts, 1, 'not retried: Attentive refused it for good');
    assert.equal(refused.reason, 'Attentive refused the custom event (HTTP 400: Invalid parameter in request query or body): check the event\'s type and properties (the blueprint\'s type and properties rows) and the user\'s phone (E.164) and email');

    sim.script('POST', PURCHASE, [{ status: 403, body: { error: { id: 4031, message: 'Access Denied' } } }]);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-403', messageId: 'at-403', properties: { order_id: 'o-1', products: [{ product_id: 'p-1', price: 5 }] } });
    const denied = await waitForDeadLetter(signal, integrationId, 'at-403');
    assert.equal(denied.attempts, 1);
    assert.match(denied.reason, /^Attentive refused the eCommerce event \(HTTP 403: Access Denied\): give the custom app Write permission for the eCommerce API/);

    sim.script('POST', ATTRIBUTES, [{ status: 401, body: { error: { id: 4011, message: 'Unauthorized' } } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'at-401', traits: { email: 'k@example.com', plan: 'basic' } });
    const key = await waitForDeadLetter(signal, integrationId, 'at-401');
    assert.equal(key.attempts, 1);
    assert.match(key.reason, /^Attentive refused the API key \(HTTP 401: Unauthorized\): check config\.api_key/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 3 });
  });

  test('a proxy\'s web page in a 200 is not taken for delivery; an anonymous visitor\'s events and page views are not sent', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive proxy');
    sim.script('POST', EVENTS, [{ status: 200, body: '<html><body>Please sign in to continue</body></html>', headers: { 'content-type': 'text/html' } }]);
    await browser(site.key, { type: 'track', event: 'Behind Proxy', userId: 'user-proxy', messageId: 'at-proxy' });
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'at-anon-1' }, { id: 'df_attentive_anon1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP });
    await sendBrowserCall(signal, site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'at-page-1' }, visitor, { timestamp: CALL_TIMESTAMP });
    await waitForType('Behind Proxy', 2);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'sent again, then delivered', 30_000);
    assert.equal(eventsOfType('Anonymous Thing').length, 0);
    assert.equal(eventsOfType('page').length + eventsOfType('Home').length, 0);
  });

  test('person deletions: privacy requests by clientUserId, and by email for an email userId; an anonymousId alone skipped; a 403 failed naming the permission', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive deletions');
    const before = sim.count({ path: DELETIONS });
    const [sent] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'attentive');
    assert.equal(sent!.status, 'sent');
    const requests = sim.requests({ path: DELETIONS }).slice(before);
    assert.deepEqual(requests.map((r) => r.json), [
      { subjectEmail: 'Forget.Me@example.com', requestMsg: 'Person deletion forwarded by Signal' },
      { clientUserId: 'Forget.Me@example.com', requestMsg: 'Person deletion forwarded by Signal' },
    ]);
    assert.equal(requests[0]!.headers.authorization, `Bearer ${KEY}`);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Attentive the userId \(as clientUserId\), email and phone only/);

    sim.script('POST', DELETIONS, [{ status: 403, body: { error: { id: 4032, message: 'Access Denied' } } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /^HTTP 403: the custom app may not make privacy requests: give it the Privacy Requests permission/);
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — a privacy request by that email too', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attentive deletions by traits');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'at-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus', plan: 'basic' } });
    await sim.waitFor((requests) => requests.some((r) => (bodyOf(r).user as { externalIdentifiers?: { clientUserId?: string } } | undefined)?.externalIdentifiers?.clientUserId === 'u-gus-0042'), 20_000, { path: ATTRIBUTES });
    const before = sim.count({ path: DELETIONS });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.status, 'sent');
    assert.deepEqual(sim.requests({ path: DELETIONS }).slice(before).map((r) => r.json), [
      { subjectEmail: 'gus.gone@example.com', requestMsg: 'Person deletion forwarded by Signal' },
      { clientUserId: 'u-gus-0042', requestMsg: 'Person deletion forwarded by Signal' },
    ], 'asked by the email Signal remembered (lower-cased), though the deletion named the userId only');
  });
});
