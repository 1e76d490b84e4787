// End to end: an app's calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for api3.appsflyer.com, which must receive exactly the
// request AppsFlyer's S2S events API takes; its answers handled (a 503, a 429 and a timeout
// sent again, a 400 dead-lettered with AppsFlyer's words, a 401 naming the key); an event
// without the device's AppsFlyer id not sent; a person deletion forwarded to OpenDSR
// (hq1.appsflyer.com) by customer user id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const APP_ID = 'id123456789';
const PATH = `/inappevent/${APP_ID}`;
const OPENDSR_PATH = '/hq1/api/gdpr/v1/opendsr_requests';
const S2S_KEY = 'e2e-s2s-key-0001';
const API_TOKEN = 'e2e-v2-api-token-0001';
const AF_ID = '1715160000000-1234567';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const DEVICE_IP = '203.0.113.77';
const APP_UA = 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0';
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const CALL_TIMESTAMP = new Date(CALL_MS).toISOString();
const EVENT_TIME = `${CALL_TIMESTAMP.slice(0, 10)} ${CALL_TIMESTAMP.slice(11, 23)}`;

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
const valueOf = (request: RecordedRequest) => JSON.parse(String(bodyOf(request).eventValue)) as Record<string, unknown>;
/** The requests whose event carries order id `orderId` (each test's events have their own). */
const sent = (orderId: string) => sim.requests({ path: PATH }).filter((request) => /"(af_)?order_id":"([^"]*)"/.exec(String(bodyOf(request).eventValue))?.[2] === orderId);
const requestOf = (orderId: string) => waitUntil(async () => sent(orderId)[0], `${orderId} sent to AppsFlyer`);
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const visitor: Visitor = { id: 'df_af0device0001', ip: DEVICE_IP, userAgent: APP_UA };
/** An app's call as Segment's iOS SDK sends it: the device, OS and app in the context, the AppsFlyer id in integrations, advertising consent. */
const appCall = (call: Record<string, unknown>, appsFlyerId: string | null = AF_ID) => sendBrowserCall(signal, site.key, {
  ...(appsFlyerId === null ? {} : { integrations: { AppsFlyer: { appsFlyerId } } }), ...call,
}, visitor, {
  timestamp: CALL_TIMESTAMP,
  context: {
    consent: { advertising: true }, app: { name: 'Shop', version: '3.2', build: '321', namespace: 'com.example.shop' },
    device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, type: 'ios' }, os: { name: 'iOS', version: '17.4' },
  },
});
/** A purchase of one product, numbered by `orderId`. */
const order = (messageId: string, orderId: string) => ({
  type: 'track', event: 'Order Completed', userId: 'u-1002', messageId, properties: { order_id: orderId, revenue: 19.99, currency: 'USD', products: [{ product_id: 'P-9', price: 19.99, quantity: 1 }] },
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 200, body: 'ok', headers: { 'content-type': 'text/plain' } });
  sim.setDefault('POST', OPENDSR_PATH, { status: 201, body: { subject_request_id: 'from-the-request', received_time: '2026-12-01T12:00:00Z', expected_completion_time: '2026-12-31T12:00:00Z' } });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api3.appsflyer.com=${sim.url},https://hq1.appsflyer.com=${sim.url}/hq1`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'appsflyer', vendors: ['appsflyer'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'appsflyer', 'AppsFlyer shop app', {
    config: { app_id: APP_ID, platform: 'ios', s2s_key: S2S_KEY, api_token: API_TOKEN }, consentCategories: ['advertising'],
  }));
});
after(() => closeAll(signal, sim));

describe('AppsFlyer S2S events API', () => {
  test('an app purchase: the documented request — api3, the S2S key in authentication, the AppsFlyer id, CUID, IDFA, IDFV, eventValue stringified, eventTime in UTC', async () => {
    await appCall(order('af-order-1', 'AF-ORD-1'));
    const request = await requestOf('AF-ORD-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.path, PATH);
    assert.equal(request.headers.authentication, S2S_KEY);
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(request.json, {
      appsflyer_id: AF_ID, customer_user_id: 'u-1002', idfa: IDFA, idfv: IDFV, ip: DEVICE_IP, eventName: 'af_purchase', eventCurrency: 'USD',
      eventValue: JSON.stringify({ af_revenue: 19.99, af_currency: 'USD', af_order_id: 'AF-ORD-1', af_content_id: ['P-9'], af_price: [19.99], af_quantity: [1] }),
      eventTime: EVENT_TIME, bundleIdentifier: 'com.example.shop', app_version_name: '3.2', os: '17.4', af_events_api: 'true', ua: APP_UA,
    });
    assert.ok(Buffer.byteLength(request.body) <= 1024, 'within AppsFlyer\'s 1 KB');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('a custom event goes under its own name; an event without the AppsFlyer id is not sent, nor dead-lettered', async () => {
    await appCall({ type: 'track', event: 'No Device Id', messageId: 'af-noid', properties: { order_id: 'AF-NOID' } }, null);
    await appCall({ type: 'track', event: 'Level Achieved', messageId: 'af-level', properties: { level: 7, order_id: 'AF-LEVEL' } });
    const level = await requestOf('AF-LEVEL');
    assert.equal(bodyOf(level).eventName, 'Level Achieved');
    assert.deepEqual(valueOf(level), { level: 7, order_id: 'AF-LEVEL' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('AF-NOID').length, 0, `no AppsFlyer id: not sent ${sent('AF-NOID')[0]?.body}`);
    assert.equal(await notDeadLettered('af-noid'), true, 'and not dead-lettered');
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId, ['dropped'])).dropped >= 1) || undefined, 'counted as dropped'));
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '1' } }, reply.hang()]);
    await appCall(order('af-retry', 'AF-RETRY'));
    await waitUntil(async () => sent('AF-RETRY').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('AF-RETRY').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('af-retry'), true);
  });

  test('a 400 dead-letters the event at the first try with AppsFlyer\'s words; a 401 names the key', async () => {
    sim.script('POST', PATH, [{ status: 400, body: 'Payload is missing or failed to parse' }]);
    await appCall(order('af-400', 'AF-400'));
    const dead = await waitForDeadLetter(signal, integrationId, 'af-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'AppsFlyer refused the event (HTTP 400): Payload is missing or failed to parse');
    assert.equal(sent('AF-400').length, 1);
    sim.script('POST', PATH, [{ status: 401, body: 'Unauthorized' }]);
    await appCall(order('af-401', 'AF-401'));
    const refused = await waitForDeadLetter(signal, integrationId, 'af-401');
    assert.match(refused.reason, /^AppsFlyer refused the key \(HTTP 401, Unauthorized\): config\.s2s_key must be the S2S key/);
  });

  test('a person deletion is forwarded to OpenDSR as an erasure by customer user id, with the V2 token; an anonymousId alone is skipped', async () => {
    const [forwarded] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: 'df_af0device0001' });
    assert.equal(forwarded!.status, 'sent');
    assert.equal(forwarded!.responseStatus, 201);
    assert.match(String(forwarded!.message), /^AppsFlyer accepted the erasure request/);
    const [request] = sim.requests({ path: OPENDSR_PATH });
    assert.equal(request!.headers.authorization, `Bearer ${API_TOKEN}`);
    const body = request!.json as Record<string, unknown>;
    assert.equal(body.subject_request_type, 'erasure');
    assert.equal(body.property_id, APP_ID);
    assert.equal(body.platform, 'ios');
    assert.equal(body.api_version, '1.0');
    assert.match(String(body.subject_request_id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(String(body.submitted_time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.deepEqual(body.subject_identities, [{ identity_type: 'customer_user_id', identity_value: 'u-forget-1', identity_format: 'raw' }]);
    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_af0device0001' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /AppsFlyer's OpenDSR API erases by customer user id/);
  });

  test('every try of one deletion sends the same subject_request_id; the person deleted again (they came back) gets a new one, which AppsFlyer erases by', { timeout: 120_000 }, async () => {
    // As OpenDSR does: a subject_request_id seen before is e213 "already exists".
    const seen = new Set<string>();
    sim.setDefault('POST', OPENDSR_PATH, (request) => {
      const id = String((request.json as Record<string, unknown>).subject_request_id);
      if (seen.has(id)) return { status: 400, body: { error: { code: 400, message: 'Request already exists', af_gdpr_code: 'e213' } } };
      seen.add(id);
      return { status: 201, body: { subject_request_id: id, received_time: '2026-12-01T12:00:00Z', expected_completion_time: '2026-12-31T12:00:00Z' } };
    });
    const person = { userId: 'u-forget-again' };
    const asked = () => sim.requests({ path: OPENDSR_PATH }).filter((r) => JSON.stringify((r.json as Record<string, unknown>).subject_identities).includes('u-forget-again'));
    const idsAsked = () => asked().map((r) => String((r.json as Record<string, unknown>).subject_request_id));

    // The first deletion: a 503, then (the core's 30 s later) the same request accepted.
    sim.script('POST', OPENDSR_PATH, [reply.serverError({ error: 'busy' })]);
    const [first] = await deletePerson(signal, site.id, person, ['status', 'attempts', 'message'], 90_000);
    assert.equal(first!.status, 'sent');
    assert.equal(first!.attempts, 2);
    const [tried, retried] = idsAsked();
    assert.equal(retried, tried, 'the try after the 503 is the same request');
    assert.equal(first!.message, `AppsFlyer accepted the erasure request ${tried} (expected completion 2026-12-31T12:00:00Z)`);

    // Deleted again: a new request, accepted as one (not "already exists", which would erase nothing new).
    const [second] = await deletePerson(signal, site.id, person, ['status', 'attempts', 'message']);
    const ids = idsAsked();
    assert.equal(ids.length, 3);
    assert.notEqual(ids[2], tried);
    assert.match(ids[2]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(second, { status: 'sent', attempts: 1, message: `AppsFlyer accepted the erasure request ${ids[2]} (expected completion 2026-12-31T12:00:00Z)` });
  });
});
