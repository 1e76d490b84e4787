// End to end: calls through the real collect API, the queue and the delivery engine to the
// vendor simulator standing in for s2s.adjust.com and gdpr.adjust.com, which must receive
// exactly the requests Adjust's S2S event API and its GDPR forget device endpoint take; and
// Adjust's answers handled (a 503, a 429 and an unknown device retried, a 400 dead-lettered with
// Adjust's words, a duplicate unique event taken as delivered).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const EVENT_PATH = '/event';
const FORGET_PATH = '/gdpr_forget_device';
const APP = '4w565xzmb54d';
const S2S_TOKEN = 'v8s5opi0zs45607l8h8c48wak2vxb5oe';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const ADID = '18546f6171f67e29d1cb983322ad1329';
const DEVICE_IP = '203.0.113.77';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const CALL_TIMESTAMP = new Date(CALL_MS).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const form = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body));
/** The event requests whose callback parameters carry order id `orderId` (each test's events have their own). */
const sent = (orderId: string) => sim.requests({ path: EVENT_PATH }).filter((request) => (form(request).callback_params ?? '').includes(`"${orderId}"`));
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const visitor: Visitor = { id: 'df_adjust0device', ip: DEVICE_IP, userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0' };
/** A call from the iOS app: its device (IDFA, IDFV), OS and advertising consent. */
const app = (call: Record<string, unknown>) =>
  sendBrowserCall(signal, site.key, call, visitor, {
    timestamp: CALL_TIMESTAMP,
    context: { consent: { advertising: true }, device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, manufacturer: 'Apple', type: 'ios' }, os: { name: 'iOS', version: '17.4' } },
  });
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', userId: 'u-adj-1', messageId, properties: { order_id: orderId, revenue: 19.99, currency: 'eur', products: [{ product_id: 'P-9', price: 19.99, quantity: 1 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', EVENT_PATH, { status: 200, body: { status: 'OK' } });
  sim.setDefault('POST', FORGET_PATH, { status: 200, body: 'OK' });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://s2s.adjust.com=${sim.url},https://gdpr.adjust.com=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'adjust', vendors: ['adjust'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'adjust', 'Adjust app', {
    variant: 'retail',
    config: { app_token: APP, event_tokens: { 'Order Completed': 'f0ob4r', 'Signed Up': 'abc123' }, s2s_token: S2S_TOKEN, anonymous_id_is_adid: true },
    consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Adjust S2S events', () => {
  test('a purchase from the iOS app: one POST to /event with the documented form parameters and the S2S token; an unmapped event not sent', async () => {
    await app({ ...order('adj-order-1', 'ADJ-ORD-1'), properties: { order_id: 'ADJ-ORD-1', revenue: 19.99, currency: 'eur', coupon: 'WINTER', products: [{ product_id: 'P-9', price: 19.99, quantity: 1 }] } });
    await app({ type: 'track', event: 'Product Viewed', messageId: 'adj-viewed-1', properties: { product_id: 'P-9' } });
    const request = await waitUntil(async () => sent('ADJ-ORD-1')[0], 'the purchase sent to Adjust');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, EVENT_PATH);
    assert.deepEqual(request.queryPairs, [], 'every parameter in the form body');
    assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.equal(request.headers.authorization, `Bearer ${S2S_TOKEN}`);
    assert.deepEqual([...new URLSearchParams(request.body)], [
      ['s2s', '1'], ['app_token', APP], ['event_token', 'f0ob4r'], ['idfa', IDFA], ['idfv', IDFV], ['created_at_unix', String(CALL_MS / 1000)], ['ip_address', DEVICE_IP],
      ['revenue', '19.99'], ['currency', 'EUR'], ['callback_params', '{"order_id":"ADJ-ORD-1","coupon":"WINTER","product_ids":"P-9"}'], ['environment', 'production'],
    ]);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    // Product Viewed has no event token in the config: dropped by the mapping, never sent.
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 1) || undefined, 'Product Viewed counted dropped'));
    assert.deepEqual(sim.requests({ path: EVENT_PATH }).map((r) => form(r).event_token), ['f0ob4r'], 'one request: the purchase');
  });

  test('a 503, a 429 with Retry-After and a "Device not found" are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', EVENT_PATH, [
      { status: 503, body: 'Service Unavailable' },
      { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } },
      { status: 404, body: { error: 'Event request failed (Device not found)' } },
    ]);
    await app(order('adj-retry', 'ADJ-RETRY'));
    await waitUntil(async () => sent('ADJ-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the 404', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('ADJ-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('adj-retry'), true);
  });

  test('a 400 dead-letters the event at the first try with Adjust\'s words; a repeated unique event (400 "earlier unique event tracked") counts as delivered', async () => {
    sim.script('POST', EVENT_PATH, [{ status: 400, body: { error: 'Event request failed (Invalid event token)' } }]);
    await app(order('adj-400', 'ADJ-400'));
    const dead = await waitForDeadLetter(signal, integrationId, 'adj-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Adjust refused the event (HTTP 400): Event request failed (Invalid event token): check config.event_tokens (each event\'s token in AppView > your app > Events, of this app)');
    assert.equal(sent('ADJ-400').length, 1);

    sim.script('POST', EVENT_PATH, [{ status: 400, body: { error: 'Event request failed (Ignoring event, earlier unique event tracked)' } }]);
    await app(order('adj-unique', 'ADJ-UNIQUE'));
    await waitUntil(async () => sent('ADJ-UNIQUE')[0], 'the repeated unique event');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('ADJ-UNIQUE').length, 1, 'not sent again');
    assert.equal(await notDeadLettered('adj-unique'), true);
  });

  test('a person deletion naming the adid (the anonymousId) goes to gdpr_forget_device; one naming only a userId is skipped, saying why', { timeout: 60_000 }, async () => {
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-adj-forget', anonymousId: ADID }), [{
      integrationId, vendor: 'adjust', status: 'sent', responseStatus: 200,
      message: 'Adjust forgot the device for this app (HTTP 200): its data is deleted and no longer recorded',
    }]);
    const [asked] = sim.requests({ path: FORGET_PATH });
    assert.equal(asked!.method, 'POST');
    assert.deepEqual(asked!.queryPairs, [['s2s', '1'], ['app_token', APP], ['adid', ADID]]);
    assert.equal(asked!.headers.authorization, `Bearer ${S2S_TOKEN}`);

    const [skipped] = await deletePerson(signal, site.id, { userId: 'u-adj-other' }, ['vendor', 'status', 'message']);
    assert.equal(skipped!.vendor, 'adjust');
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /Adjust forgets devices, named by a device id, and no id named is one/);
    assert.equal(sim.requests({ path: FORGET_PATH }).length, 1, 'nothing sent for the userId');
  });
});
