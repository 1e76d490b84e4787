// End to end: a site's calls through the real collect API, the queue and the delivery engine to
// the vendor simulator standing in for mParticle's Events API (s2s.eu1.mparticle.com), which
// must receive the documented /v2/bulkevents request — Basic auth with the input's key and
// secret, an array of batches, one per person; its answers handled (a 503, a 429 with
// Retry-After and a timeout sent again, a 400 with mParticle's error list dead-lettered with its
// words, a 403 naming the credentials); a person deletion forwarded to the Data Subject Request
// API (opendsr.mparticle.com/v3/requests) with the workspace's credentials.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const PATH = '/v2/bulkevents';
const DSR_PATH = '/opendsr/v3/requests';
const KEY = 'eu1-e2e0123456789abcdef';
const SECRET = 'e2e-input-secret-0001';
const DSR_KEY = 'e2e-workspace-key';
const DSR_SECRET = 'e2e-workspace-secret';
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
/** A minute ago, in whole seconds: collect keeps a call's timestamp as sent when it is not in the future. */
const CALL_MS = Math.floor(Date.now() / 1000) * 1000 - 60_000;

let sim: VendorSim;
let signal: TestSignal;
let site: { id: string; key: string };
let integrationId: string;

type Batch = { source_request_id: string; environment: string; user_identities: Record<string, string>; events?: Array<{ event_type: string; data: Record<string, unknown> }>; user_attributes?: Record<string, unknown>; device_info?: Record<string, unknown>; ip?: string; consent_state?: Record<string, unknown> };
const batchesOf = (request: RecordedRequest) => request.json as Batch[];
/** The requests carrying the event with this messageId. */
const sent = (messageId: string) => sim.requests({ path: PATH }).filter((request) => batchesOf(request).some((batch) => (batch.events ?? []).some((item) => item.data.source_message_id === messageId)));
const requestOf = (messageId: string) => waitUntil(async () => sent(messageId)[0], `${messageId} sent to mParticle`);
const batchOf = (request: RecordedRequest, messageId: string) => batchesOf(request).find((batch) => (batch.events ?? []).some((item) => item.data.source_message_id === messageId))!;
const notDeadLettered = async (messageId: string) => (await signal.delivery.list(integrationId, { messageId }, 5)).total === 0;

const visitor: Visitor = { id: 'df_mp0visitor0001', ip: '203.0.113.77', userAgent: 'Mozilla/5.0 (Macintosh) E2E' };
const call = (body: Record<string, unknown>) => sendBrowserCall(signal, site.key, body, visitor, { timestamp: new Date(CALL_MS).toISOString(), context: { consent: { analytics: true, advertising: false } } });

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', PATH, { status: 202, body: '' });
  sim.setDefault('POST', DSR_PATH, { status: 201, body: { expected_completion_time: '2026-12-09T00:00:00Z', received_time: '2026-12-01T12:00:00Z', subject_request_id: 'from-the-request', controller_id: '3622' } });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://s2s.eu1.mparticle.com=${sim.url},https://opendsr.mparticle.com=${sim.url}/opendsr`, SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
  }, { label: 'mparticle', vendors: ['mparticle'] });
  ({ site, integrationId } = await installOnNewPipeline(signal, 'mparticle', 'mParticle EU input', {
    config: { api_key: KEY, api_secret: SECRET, pod: 'eu1', environment: 'development', gdpr_purposes: { analytics: 'analytics' }, dsr_api_key: DSR_KEY, dsr_api_secret: DSR_SECRET },
  }));
});
after(() => closeAll(signal, sim));

describe('mParticle Events API', () => {
  test('a purchase: the documented bulk request — the EU1 pod, Basic auth, a batch with the person\'s identities, device info, IP, consent state and the commerce event', async () => {
    await call({ type: 'track', event: 'Order Completed', userId: 'u-1002', messageId: 'mp-order-1', properties: { order_id: 'ORD-1', total: 19.99, currency: 'EUR', products: [{ product_id: 'P-9', name: 'Mug', price: 19.99, quantity: 1 }] } });
    const request = await requestOf('mp-order-1');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, basic(KEY, SECRET));
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    const batch = batchOf(request, 'mp-order-1');
    assert.match(batch.source_request_id, /^[0-9a-f-]{36}$/);
    assert.equal(batch.environment, 'development');
    assert.deepEqual(batch.user_identities, { customer_id: 'u-1002', other: visitor.id });
    assert.equal(batch.ip, visitor.ip);
    assert.equal(batch.device_info?.http_header_user_agent, visitor.userAgent);
    assert.deepEqual(batch.consent_state, {
      gdpr: { analytics: { consented: true, timestamp_unixtime_ms: CALL_MS } },
      ccpa: { data_sale_opt_out: { consented: true, timestamp_unixtime_ms: CALL_MS } },
    });
    assert.deepEqual(batch.events, [{
      event_type: 'commerce_event',
      data: {
        timestamp_unixtime_ms: CALL_MS, source_message_id: 'mp-order-1',
        product_action: { action: 'purchase', transaction_id: 'ORD-1', total_amount: 19.99, products: [{ id: 'P-9', name: 'Mug', price: 19.99, quantity: 1, total_product_amount: 19.99 }] },
        currency_code: 'EUR', event_name: 'Order Completed',
      },
    }]);
    assert.ok(await waitUntil(async () => ((await integrationStats(signal, integrationId)).delivered >= 1) || undefined, 'counted delivered'));
  });

  test('a server batch of two people\'s events: no request carries two batches of one person; page and track as screen view and custom event', async () => {
    await sendServerBatch(signal, site.key, [
      { type: 'track', event: 'Signed Up', userId: 'u-a', messageId: 'mp-a1', properties: { plan: 'pro' } },
      { type: 'page', name: 'Pricing', userId: 'u-b', messageId: 'mp-b1', properties: { path: '/pricing' } },
      { type: 'track', event: 'Upgraded', userId: 'u-a', messageId: 'mp-a2' },
    ], { timestamp: new Date(CALL_MS).toISOString() });
    for (const id of ['mp-a1', 'mp-b1', 'mp-a2']) await requestOf(id);
    for (const request of sim.requests({ path: PATH })) {
      const people = batchesOf(request).map((batch) => JSON.stringify(Object.entries(batch.user_identities).sort()));
      assert.equal(new Set(people).size, people.length, 'one batch per person in a request');
    }
    const signedUp = batchOf(await requestOf('mp-a1'), 'mp-a1').events!.find((item) => item.data.source_message_id === 'mp-a1')!;
    assert.deepEqual(signedUp, { event_type: 'custom_event', data: { timestamp_unixtime_ms: CALL_MS, source_message_id: 'mp-a1', event_name: 'Signed Up', custom_event_type: 'other', custom_attributes: { plan: 'pro' } } });
    const pricing = batchOf(await requestOf('mp-b1'), 'mp-b1');
    assert.equal(pricing.user_identities.customer_id, 'u-b');
    assert.equal(pricing.events![0]!.event_type, 'screen_view');
    assert.equal(pricing.events![0]!.data.screen_name, 'Pricing');
  });

  test('an identify: a batch of user attributes without events', async () => {
    await call({ type: 'identify', userId: 'u-ident', messageId: 'mp-identify', traits: { email: 'Ident@Example.com', firstName: 'Ida', plan: 'team' } });
    const request = await waitUntil(async () => sim.requests({ path: PATH }).find((item) => batchesOf(item).some((batch) => batch.user_identities.customer_id === 'u-ident')), 'the identify sent');
    const batch = batchesOf(request).find((item) => item.user_identities.customer_id === 'u-ident')!;
    assert.deepEqual(batch.user_identities, { customer_id: 'u-ident', email: 'ident@example.com', other: visitor.id });
    assert.deepEqual(batch.user_attributes, { plan: 'team', $FirstName: 'Ida' });
    assert.equal(batch.events, undefined);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    sim.script('POST', PATH, [{ status: 503, body: 'Service Unavailable' }, { status: 429, body: '', headers: { 'retry-after': '1' } }, reply.hang()]);
    await call({ type: 'track', event: 'Retried', userId: 'u-retry', messageId: 'mp-retry' });
    await waitUntil(async () => sent('mp-retry').length >= 4 || undefined, 'the tries after the 503, the 429 and the timeout', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sent('mp-retry').length, 4, 'three failed tries and one delivered, no more');
    assert.equal(await notDeadLettered('mp-retry'), true);
  });

  test('a 400 with mParticle\'s error dead-letters the event with its words; a 403 names the credentials', async () => {
    sim.script('POST', PATH, [{ status: 400, body: { errors: [{ code: 'BAD_REQUEST', message: 'Required event field "event_type" is missing or empty.' }] } }]);
    await call({ type: 'track', event: 'Refused', userId: 'u-400', messageId: 'mp-400' });
    const dead = await waitForDeadLetter(signal, integrationId, 'mp-400');
    assert.equal(dead.attempts, 1, 'not retried: resending cannot help');
    assert.equal(dead.reason, 'mParticle refused the event (HTTP 400: Required event field "event_type" is missing or empty. (BAD_REQUEST))');
    sim.script('POST', PATH, [{ status: 403, body: '' }]);
    await call({ type: 'track', event: 'Forbidden', userId: 'u-403', messageId: 'mp-403' });
    const refused = await waitForDeadLetter(signal, integrationId, 'mp-403');
    assert.match(refused.reason, /^mParticle refused the credentials \(HTTP 403: \(no body\)\): check config\.api_key and config\.api_secret/);
  });

  test('a person deletion is forwarded to the DSR API v3 as erasures with the workspace credentials: by customer id and by the visitor id', async () => {
    const [forwarded] = await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: 'df_forget_visitor' });
    assert.equal(forwarded!.status, 'sent');
    const asked = sim.requests({ path: DSR_PATH }).filter((request) => /u-forget-1|df_forget_visitor/.test(request.body));
    assert.equal(asked.length, 2);
    for (const request of asked) {
      assert.equal(request.headers.authorization, basic(DSR_KEY, DSR_SECRET));
      const body = request.json as Record<string, unknown>;
      assert.equal(body.subject_request_type, 'erasure');
      assert.equal(body.regulation, 'gdpr');
      assert.equal(body.api_version, '3.0');
      assert.match(String(body.subject_request_id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.deepEqual((asked[0]!.json as Record<string, unknown>).subject_identities, { controller_customer_id: { value: 'u-forget-1', encoding: 'raw' } });
    assert.deepEqual((asked[1]!.json as Record<string, unknown>).extensions, { 'opendsr.mparticle.com': { subject_identities: { other: { value: 'df_forget_visitor', encoding: 'raw' } } } });
  });
});
