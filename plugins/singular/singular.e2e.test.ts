// End to end: calls through the real collect API, the queue and the delivery engine to the
// vendor simulator standing in for s2s.singular.net and gdpr.singular.net, which must receive
// exactly the requests Singular's S2S EVENT endpoint and its GDPR API take; and Singular's
// answers handled (a 503, a 429, a timeout and a 200 error of other words retried, a 200
// {"status":"error"} naming a parameter and a 400 dead-lettered with Singular's words, a web
// visitor's event not sent).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const EVENT_V1 = '/api/v1/evt';
const EVENT_V2 = '/api/v2/evt';
const GDPR_PATH = '/api/gdpr/requests';
const SDK_KEY = 'testcompany_4f2a9c1e';
const API_KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const DEVICE_IP = '203.0.113.77';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const CALL_TIMESTAMP = new Date(CALL_MS).toISOString();

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const form = (request: RecordedRequest) => Object.fromEntries(new URLSearchParams(request.body));
const eventRequests = () => [...sim.requests({ path: EVENT_V1 }), ...sim.requests({ path: EVENT_V2 })];
/** The event requests whose attributes carry order id `orderId` (each test's events have their own). */
const sent = (orderId: string) => eventRequests().filter((request) => (form(request).e ?? '').includes(`"${orderId}"`));
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const visitor: Visitor = { id: 'df_singular0device', ip: DEVICE_IP, userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0' };
const APP_CONTEXT = {
  consent: { advertising: true }, app: { name: 'Shop', namespace: 'com.example.shop', version: '3.2' },
  device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, manufacturer: 'Apple', type: 'ios' }, os: { name: 'iOS', version: '17.4' },
};
/** A call from the iOS app: its device (IDFA, IDFV), app, OS and advertising consent. */
const app = (call: Record<string, unknown>) => sendBrowserCall(signal, site.key, call, visitor, { timestamp: CALL_TIMESTAMP, context: APP_CONTEXT });
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', userId: 'u-sng-1', messageId, properties: { order_id: orderId, revenue: 19.99, currency: 'eur', products: [{ product_id: 'P-9', price: 19.99, quantity: 1 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', EVENT_V1, { status: 200, body: { status: 'ok' } });
  sim.setDefault('POST', EVENT_V2, { status: 200, body: { status: 'ok' } });
  sim.setDefault('POST', GDPR_PATH, { status: 201, body: { subject_request_id: 'req-1', expected_completion_time: '2026-12-31T00:00:00Z' } });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://s2s.singular.net=${sim.url},https://gdpr.singular.net=${sim.url}`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'singular', vendors: ['singular'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'singular', 'Singular app', {
    config: { sdk_key: SDK_KEY, api_key: API_KEY, event_names: { 'Signed Up': 'sng_complete_registration' } },
    consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('Singular S2S events', () => {
  test('a purchase from the iOS app: one form POST to /api/v1/evt with the documented params; a screen call and a web event not sent', async () => {
    await app(order('sng-order-1', 'SNG-ORD-1'));
    await app({ type: 'screen', name: 'Checkout', messageId: 'sng-screen-1' });
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Level Up', messageId: 'sng-web-1', context: { consent: { advertising: true } } }, visitor);
    const request = await waitUntil(async () => sent('SNG-ORD-1')[0], 'the purchase sent to Singular');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, EVENT_V1);
    assert.deepEqual(request.queryPairs, [], 'every parameter in the form body');
    assert.match(request.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.deepEqual([...new URLSearchParams(request.body)], [
      ['a', SDK_KEY], ['n', 'Order Completed'], ['p', 'iOS'], ['i', 'com.example.shop'], ['idfa', IDFA], ['idfv', IDFV], ['att_authorization_status', '3'],
      ['ip', DEVICE_IP], ['ve', '17.4'], ['ua', visitor.userAgent!], ['utime', String(CALL_MS / 1000)], ['umilisec', String(CALL_MS)], ['custom_user_id', 'u-sng-1'],
      ['is_revenue_event', 'true'], ['amt', '19.99'], ['cur', 'EUR'], ['purchase_transaction_id', 'SNG-ORD-1'], ['e', '{"order_id":"SNG-ORD-1","product_ids":"P-9"}'],
    ]);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
    // The screen call (config.send_screens off) and the website's event (no app device) are dropped by the mapping.
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 2) || undefined, 'the screen and web events counted dropped'));
    assert.deepEqual(eventRequests().map((r) => form(r).n), ['Order Completed'], 'one request: the purchase');
  });

  test('a renamed event with the Singular Device ID goes to /api/v2/evt with the sdid alone', async () => {
    await app({ type: 'track', event: 'Signed Up', userId: 'u-sng-2', messageId: 'sng-v2', properties: { order_id: 'SNG-V2', method: 'apple' }, integrations: { Singular: { sdid: 'b2c3d4e5-sdid-0001' } } });
    const request = await waitUntil(async () => sent('SNG-V2')[0], 'the sign-up sent to v2');
    assert.equal(request.path, EVENT_V2);
    const params = form(request);
    assert.equal(params.n, 'sng_complete_registration');
    assert.equal(params.sdid, 'b2c3d4e5-sdid-0001');
    assert.equal(params.idfa, undefined, 'v2 takes no platform ids');
    assert.equal(params.idfv, undefined);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', EVENT_V1, [
      { status: 503, body: 'Service Unavailable' },
      { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } },
      { status: 408, body: 'Request Timeout' },
    ]);
    await app(order('sng-retry', 'SNG-RETRY'));
    await waitUntil(async () => sent('SNG-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the 408', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('SNG-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('sng-retry'), true);
  });

  test('a 200 {"status":"error"} naming a parameter dead-letters the event at the first try with Singular\'s reason, so does a 400; an error of other words is retried', { timeout: 60_000 }, async () => {
    sim.script('POST', EVENT_V1, [{ status: 200, body: { status: 'error', reason: 'missing argument: a' } }]);
    await app(order('sng-error', 'SNG-ERROR'));
    const dead = await waitForDeadLetter(signal, integrationId, 'sng-error');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'Singular refused the event: missing argument: a: check config.sdk_key (Developer Tools > SDK Integration > SDK Keys: the SDK Key, not the Reporting API Key)');
    assert.equal(sent('SNG-ERROR').length, 1);

    sim.script('POST', EVENT_V1, [{ status: 400, body: 'Bad Request' }]);
    await app(order('sng-400', 'SNG-400'));
    const refused = await waitForDeadLetter(signal, integrationId, 'sng-400');
    assert.equal(refused.attempts, 1);
    assert.equal(refused.reason, 'Singular refused the event (HTTP 400): Bad Request');

    // An error not naming a parameter did not queue the event: tried again, then delivered once.
    sim.script('POST', EVENT_V1, [{ status: 200, body: { status: 'error', reason: 'temporarily unavailable' } }]);
    await app(order('sng-later', 'SNG-LATER'));
    await waitUntil(async () => sent('SNG-LATER').length >= 2 || undefined, 'the try after the error of other words', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('SNG-LATER').length, 2, 'one failed try and one delivered, no more');
    assert.equal(await notDeadLettered('sng-later'), true);
  });

  test('a person deletion naming a userId goes to the GDPR API as an erasure by user_id; one naming only an anonymousId is skipped, saying why', { timeout: 60_000 }, async () => {
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-sng-forget', anonymousId: 'df_x' }), [{
      integrationId, vendor: 'singular', status: 'sent', responseStatus: 201,
      message: 'Singular accepted the erasure request req-1 (expected completion 2026-12-31T00:00:00Z)',
    }]);
    const [asked] = sim.requests({ path: GDPR_PATH });
    assert.equal(asked!.method, 'POST');
    assert.equal(asked!.headers.authorization, API_KEY);
    const body = JSON.parse(asked!.body) as Record<string, unknown>;
    assert.equal(body.subject_request_type, 'erasure');
    assert.deepEqual(body.subject_identities, [{ identity_type: 'user_id', identity_value: 'u-sng-forget', identity_format: 'raw' }]);
    assert.match(String(body.subject_request_id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_only_anon' }, ['vendor', 'status', 'message']);
    assert.equal(skipped!.vendor, 'singular');
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /Singular's GDPR API erases by user id/);
    assert.equal(sim.requests({ path: GDPR_PATH }).length, 1, 'nothing sent for the anonymousId');
  });
});
