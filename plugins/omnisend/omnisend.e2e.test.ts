// Omnisend end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.omnisend.com and must
// receive the requests Omnisend's API (version 2026-03-15) documents: POST /api/contacts, GET
// /api/contacts?email= (the lookup before a subscription), POST /api/events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { eventIdOf } from './omnisend-event.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = '6571a3c1f5a3d4c2b1e0a9f8-Xy8d0bQ4fA2mL9rT3vZ7wK1pE5sH6nC0';
const CONTACTS = '/api/contacts';
const EVENTS = '/api/events';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
/** Emails Omnisend has unsubscribed, as its lookup answers them. */
const UNSUBSCRIBED = new Set(['left@example.com']);

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.omnisend.com=${sim.url}`,
  }, { label: 'omnisend', vendors: ['omnisend'] });
  sim.setDefault('POST', CONTACTS, { status: 201, body: { id: '60a6170920d91c215e949b5c', identifiers: [] } });
  sim.setDefault('GET', CONTACTS, (request) => {
    const email = request.query.email?.toLowerCase();
    if (email !== undefined && UNSUBSCRIBED.has(email)) return { status: 200, body: { contacts: [{ id: '60a6170920d91c215e949b5d', identifiers: [{ type: 'email', id: email, channels: { email: { status: 'unsubscribed' } } }] }], paging: { hasMore: false } } };
    return { status: 200, body: { contacts: [], paging: { hasMore: false } } };
  });
  sim.setDefault('POST', EVENTS, { status: 202 });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_omnisend0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'omnisend', name, { config: { api_key: KEY, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
const eventsNamed = (name: string) => sim.requests({ path: EVENTS }).filter((request) => bodyOf(request).eventName === name);
const emailOf = (request: RecordedRequest) => ((bodyOf(request).identifiers as Array<{ type: string; id: string }> | undefined) ?? []).find((i) => i.type === 'email')?.id;
const contactWritesOf = (email: string) => sim.requests({ path: CONTACTS }).filter((r) => r.method === 'POST' && emailOf(r) === email);

describe('Omnisend', () => {
  test('an identify to POST /api/contacts and an Order Completed to POST /api/events as placed order, with the API key scheme and the version header', async () => {
    const { site, integrationId } = await installed('Omnisend', { tags: ['source: signal'] });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'os-identify-1', traits: { email: 'jane@example.com', firstName: 'Jane', plan: 'pro' } });
    await sim.waitFor(() => contactWritesOf('jane@example.com').length > 0, 15_000);
    const [contact] = contactWritesOf('jane@example.com');
    assert.equal(contact!.headers.authorization, `Omnisend-API-Key ${KEY}`);
    assert.equal(contact!.headers['omnisend-version'], '2026-03-15');
    assert.deepEqual(contact!.json, { identifiers: [{ type: 'email', id: 'jane@example.com' }], firstName: 'Jane', tags: ['source: signal'], customProperties: { plan: 'pro' } }, 'subscription off by default: no channels');

    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'os-order-1', properties: { order_id: 'o-77', total: 42.5, currency: 'EUR', products: [{ product_id: 'p-1', name: 'Mug', price: 42.5, quantity: 1 }] } });
    await sim.waitFor(() => eventsNamed('placed order').length > 0, 15_000);
    const [order] = eventsNamed('placed order');
    assert.equal(order!.headers.authorization, `Omnisend-API-Key ${KEY}`);
    assert.equal(order!.headers['omnisend-version'], '2026-03-15');
    assert.deepEqual(order!.json, {
      eventName: 'placed order', eventID: eventIdOf('os-order-1'), eventTime: CALL_TIMESTAMP, origin: 'api', eventVersion: 'v2', contact: { email: 'jane@example.com' },
      properties: { orderID: 'o-77', createdAt: CALL_TIMESTAMP, currency: 'EUR', totalPrice: 42.5, lineItems: [{ productID: 'p-1', productTitle: 'Mug', productPrice: 42.5, productQuantity: 1 }] },
    }, 'the email Signal remembers from the identify names the contact');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
  });

  test('with subscribe_email_with_consent: a new email is looked up then subscribed; one Omnisend has unsubscribed is updated without channels', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Omnisend subscribing', { subscribe_email_with_consent: true });
    await browser(site.key, { type: 'identify', userId: 'user-new', messageId: 'os-sub-1', traits: { email: 'new@example.com' } });
    await browser(site.key, { type: 'identify', userId: 'user-left', messageId: 'os-sub-2', traits: { email: 'left@example.com', firstName: 'Lou' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered', 30_000);
    const lookups = sim.requests({ path: CONTACTS }).filter((r) => r.method === 'GET').map((r) => r.queryPairs);
    assert.ok(lookups.some((q) => JSON.stringify(q) === JSON.stringify([['email', 'new@example.com']])));
    assert.ok(lookups.some((q) => JSON.stringify(q) === JSON.stringify([['email', 'left@example.com']])));
    const [fresh] = contactWritesOf('new@example.com');
    const identifier = (bodyOf(fresh!).identifiers as Array<Record<string, unknown>>)[0]!;
    assert.deepEqual(identifier.channels, { email: { status: 'subscribed', statusChangedAt: CALL_TIMESTAMP } });
    assert.equal((identifier.consent as Record<string, unknown>).source, 'signal');
    const [left] = contactWritesOf('left@example.com');
    assert.deepEqual(left!.json, { identifiers: [{ type: 'email', id: 'left@example.com' }], firstName: 'Lou' }, 'unsubscribed in Omnisend: never subscribed again');
  });

  test('a 429 (retryAfter in the Problem), a 503 and a timeout are retried with the same eventID, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Omnisend retried');
    sim.script('POST', EVENTS, [
      { status: 429, body: { type: 'https://problems.omnisend.com/rate-limit', title: 'Too Many Requests', status: 429, retryAfter: 1 } },
      { status: 503, body: 'Service Unavailable' },
      { hang: true },
      { status: 202 },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'os-retried-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 50_000);
    const sent = eventsNamed('Retried');
    assert.equal(sent.length, 4, 'the 429, the 503, the timeout, then the success');
    assert.deepEqual(new Set(sent.map((r) => bodyOf(r).eventID)), new Set([eventIdOf('os-retried-1')]));
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 400 is dead-lettered at once with Omnisend\'s field errors; a refused key (401) names config.api_key', async () => {
    const { site, integrationId } = await installed('Omnisend refused');
    sim.script('POST', CONTACTS, [{ status: 400, body: { title: 'Validation failed', status: 400, errors: [{ field: 'customProperties.seats', code: 'invalid_type', message: 'must be a number' }] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'os-400', traits: { email: 'bad@example.com', seats: 'many' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'os-400');
    assert.equal(letter.attempts, 1, 'not retried: Omnisend refused it for good');
    assert.equal(letter.reason, 'Omnisend refused the contact (HTTP 400: Validation failed; customProperties.seats: must be a number)');

    sim.script('POST', EVENTS, [{ status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Authentication is missing or invalid' } }]);
    await browser(site.key, { type: 'track', event: 'Unauthorised', userId: 'user-401', messageId: 'os-401', traits: { email: 'u401@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'os-401');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^Omnisend refused the API key \(HTTP 401: Authentication is missing or invalid\): check config\.api_key/);
  });

  test('an anonymous visitor\'s track and page views are not sent', async () => {
    const { site, integrationId } = await installed('Omnisend anonymous');
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'os-anon-1' }, { id: 'df_omnisend_anon1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
    await browser(site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'os-page-1', traits: { email: 'page@example.com' } });
    await browser(site.key, { type: 'track', event: 'After Anonymous', userId: 'user-anon', messageId: 'os-anon-2', traits: { email: 'known@example.com' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).eventName === 'After Anonymous'), 15_000, { path: EVENTS });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'only the identified event delivered');
    assert.equal(eventsNamed('Anonymous Thing').length, 0);
    assert.equal(sim.requests({ path: EVENTS }).some((r) => JSON.stringify(r.json).includes('page@example.com')), false, 'no page view sent');
  });
});
