// Amazon Personalize end to end: browser and server calls through the real collect API, the
// queue and the delivery engine, to the vendor simulator standing in for Personalize Events'
// eu-west-1 endpoint, which checks each request's SigV4 signature (signing name personalize)
// over the real host, path and bytes received — refusing a bad one as AWS does — and answers
// per tracking ID or dataset: the PutEvents and PutUsers requests as documented; a 503, a 429
// with Retry-After and a timeout retried; an InvalidInputException sent in halves and the
// refused event dead-lettered alone; an unknown tracker dead-lettered naming the config; a
// person deletion skipped (Personalize has no deletion API for it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, neverQueuedFate, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const REGION = 'eu-west-1';
const HOST = `personalize-events.${REGION}.amazonaws.com`;
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const USERS_ARN = 'arn:aws:personalize:eu-west-1:123456789012:dataset/shop/USERS';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_pz0visitor01', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per tracking ID (or Users dataset ARN), used before its handler or the default (accepted). */
const queued = new Map<string, Array<(request: RecordedRequest) => ScriptedResponse>>();
const handlers = new Map<string, (request: RecordedRequest) => ScriptedResponse | undefined>();

interface PutEventsBody { trackingId: string; userId?: string; sessionId: string; eventList: Array<Record<string, unknown>> }
const bodyOf = (request: RecordedRequest) => request.json as PutEventsBody & { datasetArn?: string; users?: Array<Record<string, unknown>> };
const targetOf = (request: RecordedRequest) => bodyOf(request).trackingId ?? bodyOf(request).datasetArn ?? '';
const eventIdsIn = (request: RecordedRequest) => bodyOf(request).eventList.map((e) => e.eventId);
const awsError = (status: number, code: string, message: string, headers: Record<string, string> = {}): ScriptedResponse => ({
  status, body: { message }, headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.personalize/`, ...headers },
});

/** Personalize Events as it answers: a bad signature refused, else the target's queued answer or handler, else a bare 200. */
function endpoint(path: string) {
  return (request: RecordedRequest): ScriptedResponse => {
    if (!request.headers['content-type']?.startsWith('application/json')) return awsError(415, 'UnsupportedMediaTypeException', '');
    if (!awsSignatureHolds(request, { host: HOST, region: REGION, service: 'personalize', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, path })) {
      return awsError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
    }
    const next = queued.get(targetOf(request))?.shift();
    if (next) return next(request);
    return handlers.get(targetOf(request))?.(request) ?? { status: 200, headers: { 'content-type': 'application/json' }, body: '' };
  };
}
const queue = (target: string, ...answers: Array<(request: RecordedRequest) => ScriptedResponse>) => queued.set(target, [...(queued.get(target) ?? []), ...answers]);
const putsTo = (trackingId: string) => sim.requests({ method: 'POST', path: '/events' }).filter((r) => targetOf(r) === trackingId);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/events', endpoint('/events'));
  sim.setDefault('POST', '/users', endpoint('/users'));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'amazon_personalize', vendors: ['amazon_personalize'] });
});
after(() => closeAll(signal, sim));

const install = (name: string, trackingId: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'amazon_personalize', name, {
  config: { region: REGION, tracking_id: trackingId, access_key_id: ACCESS_KEY, secret_access_key: SECRET, ...config },
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP });
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-pz-batch', anonymousId: 'df_pz_batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Amazon Personalize', () => {
  test('a browser\'s product view and order: signed PutEvents to /events with the tracking ID, the visitor as session, one interaction per product; other events never queued', async () => {
    const { site, integrationId } = await install('Personalize shop', 'tracker-shop', { event_properties: { discount: 'discount' } });
    await browser(site.key, { type: 'track', event: 'Product Viewed', userId: 'u-pz-1', messageId: 'pz-view-1', properties: { product_id: 'P-1', price: 19.99, discount: 0.1 } });
    const view = await waitUntil(async () => putsTo('tracker-shop')[0], 'the PutEvents');
    assert.match(view.headers.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/personalize\/aws4_request, SignedHeaders=content-type;host;x-amz-date, /);
    assert.deepEqual(bodyOf(view), {
      trackingId: 'tracker-shop', userId: 'u-pz-1', sessionId: visitor.id,
      eventList: [{ eventId: 'pz-view-1', eventType: 'View', itemId: 'P-1', sentAt: Date.parse(CALL_TIMESTAMP) / 1000, properties: '{"discount":0.1}' }],
    });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-pz-1', messageId: 'pz-order-1', properties: { order_id: 'O-1', products: [{ product_id: 'P-1' }, { product_id: 'P-2' }] } });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'u-pz-1', messageId: 'pz-signup-1' });
    await delivered(integrationId, 2);
    const order = putsTo('tracker-shop')[1]!;
    assert.deepEqual(bodyOf(order).eventList.map((e) => [e.eventId, e.eventType, e.itemId]), [['pz-order-1', 'Purchase', 'P-1'], ['pz-order-1-2', 'Purchase', 'P-2']]);
    const fate = await neverQueuedFate(signal, site.id, integrationId, 'pz-signup-1');
    assert.deepEqual([fate.logged, fate.status], [0, 'dropped']);
    assert.match(fate.reason, /not an event config\.event_types names/);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 2, retried: 0, deadLettered: 0 });
  });

  test('an identify with a Users dataset: signed PutUsers to /users with the traits the config names', async () => {
    const { site, integrationId } = await install('Personalize users', 'tracker-users', { users_dataset_arn: USERS_ARN, user_properties: { plan: 'plan', interests: 'interests' } });
    await browser(site.key, { type: 'identify', userId: 'u-pz-2', messageId: 'pz-identify-1', traits: { email: 'jane@example.com', plan: 'pro', interests: ['shoes', 'bags'] } });
    const put = await waitUntil(async () => sim.requests({ method: 'POST', path: '/users' }).find((r) => targetOf(r) === USERS_ARN), 'the PutUsers');
    assert.deepEqual(bodyOf(put), { datasetArn: USERS_ARN, users: [{ userId: 'u-pz-2', properties: '{"plan":"pro","interests":"shoes|bags"}' }] });
    await delivered(integrationId, 1);
  });

  test('require_all_user_properties: a partial identify is not sent (PutUsers would empty the missing field), a complete one is', async () => {
    const arn = USERS_ARN.replace('/shop/', '/shop-complete/');
    const { site, integrationId } = await install('Personalize complete users', 'tracker-complete', { users_dataset_arn: arn, user_properties: { plan: 'plan', interests: 'interests' }, require_all_user_properties: true });
    await browser(site.key, { type: 'identify', userId: 'u-pz-4', messageId: 'pz-partial-1', traits: { plan: 'pro' } });
    await browser(site.key, { type: 'identify', userId: 'u-pz-4', messageId: 'pz-complete-1', traits: { plan: 'pro', interests: ['shoes'] } });
    await delivered(integrationId, 1);
    const puts = sim.requests({ method: 'POST', path: '/users' }).filter((r) => targetOf(r) === arn);
    assert.deepEqual(puts.map((put) => bodyOf(put).users), [[{ userId: 'u-pz-4', properties: '{"plan":"pro","interests":"shoes"}' }]]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'dropped', 'deadLettered']), { delivered: 1, dropped: 1, deadLettered: 0 });
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, each try signed anew, then recorded once', async () => {
    const { site, integrationId } = await install('Personalize outage', 'tracker-outage');
    queue('tracker-outage',
      () => awsError(503, 'ServiceUnavailableException', 'Service Unavailable'),
      () => awsError(429, 'ThrottlingException', 'Rate exceeded', { 'retry-after': '1' }),
      () => ({ hang: true }));
    await browser(site.key, { type: 'track', event: 'Product Added', userId: 'u-pz-3', messageId: 'pz-503-1', properties: { product_id: 'P-3' } });
    await delivered(integrationId, 1);
    const tries = putsTo('tracker-outage');
    assert.deepEqual(tries.map((t) => eventIdsIn(t)), [['pz-503-1'], ['pz-503-1'], ['pz-503-1'], ['pz-503-1']]);
    assert.equal(new Set(tries.map((t) => t.headers['x-amz-date'])).size > 1, true, 'signed anew');
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
  });

  test('an InvalidInputException: the request sent in halves, the refused event dead-lettered alone with what to fix, the other recorded', async () => {
    const { site, integrationId } = await install('Personalize invalid', 'tracker-invalid');
    handlers.set('tracker-invalid', (request) => (bodyOf(request).eventList.some((e) => e.itemId === 'BAD') ? awsError(400, 'InvalidInputException', 'Item BAD does not match the schema.') : undefined));
    await batchCall(site.key, [{ event: 'Product Viewed', messageId: 'pz-bad-0', properties: { product_id: 'P-0' } }, { event: 'Product Viewed', messageId: 'pz-bad-1', properties: { product_id: 'BAD' } }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'pz-bad-1');
    assert.equal(letter.reason, 'Amazon Personalize refused this event (HTTP 400 InvalidInputException: Item BAD does not match the schema.): check the event type (config.event_types), the item ids, and the fields config.event_properties sends (fields of the Item interactions schema, in camelCase, values of its types); then replay the dead letters');
    await delivered(integrationId, 1);
    assert.deepEqual(putsTo('tracker-invalid').map((p) => eventIdsIn(p)), [['pz-bad-0', 'pz-bad-1'], ['pz-bad-0'], ['pz-bad-1']]);
  });

  test('an unknown tracking ID: dead-lettered at once, naming config.tracking_id', async () => {
    const { site, integrationId } = await install('Personalize unknown', 'tracker-unknown');
    queue('tracker-unknown', () => awsError(404, 'ResourceNotFoundException', 'Could not find the specified resource.'));
    await browser(site.key, { type: 'track', event: 'Product Viewed', userId: 'u-pz-4', messageId: 'pz-404-1', properties: { product_id: 'P-4' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'pz-404-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^Amazon Personalize has no event tracker with config\.tracking_id tracker-unknown in eu-west-1 \(HTTP 404 ResourceNotFoundException: Could not find the specified resource\.\): check config\.tracking_id/);
  });

  test('a person deletion is skipped: Personalize has no API deleting a person\'s recorded events', async () => {
    const { site, integrationId } = await install('Personalize forget', 'tracker-forget');
    const before = sim.requests().length;
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-pz-forget', anonymousId: visitor.id }, ['integrationId', 'vendor', 'status']);
    assert.deepEqual(vendor, { integrationId, vendor: 'amazon_personalize', status: 'skipped' });
    assert.equal(sim.requests().length, before, 'no request to Personalize');
  });
});
