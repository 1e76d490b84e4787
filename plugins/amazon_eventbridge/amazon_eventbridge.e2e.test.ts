// Amazon EventBridge end to end: browser calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for EventBridge's eu-west-1 endpoint,
// which checks each request's SigV4 signature over the real host and the bytes received
// (refusing a bad one as AWS does) and answers per event bus: the documented PutEvents
// requests; a 503, a 429 with Retry-After and a timeout retried; a proxy's page in a 200 sent
// again; per-entry results (a throttled entry sent again alone, a malformed detail
// dead-lettered alone); a request refused for its entries' total size sent in halves and the
// large event dead-lettered; access denied dead-lettered naming the config; a person deletion
// put as a deletion notice event.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsSignatureHolds } from '../../test/helpers/aws-signature-check.ts';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const REGION = 'eu-west-1';
const HOST = `events.${REGION}.amazonaws.com`;
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_eb0visitor01', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per event bus, used before the bus's handler or the default (every entry put). */
const queued = new Map<string, Array<(request: RecordedRequest) => ScriptedResponse>>();
/** Answers of a bus for every request, after its queue (e.g. refusing the requests holding one event). */
const handlers = new Map<string, (request: RecordedRequest) => ScriptedResponse | undefined>();

interface Entry { Source: string; DetailType: string; Detail: string; EventBusName: string; Time?: number }
const entriesOf = (request: RecordedRequest) => (request.json as { Entries: Entry[] }).Entries;
const busOf = (request: RecordedRequest) => entriesOf(request)[0]?.EventBusName ?? '';
const details = (request: RecordedRequest) => entriesOf(request).map((e) => JSON.parse(e.Detail) as Record<string, unknown>);
const idsIn = (request: RecordedRequest) => details(request).map((d) => d.message_id);
const awsError = (status: number, type: string, message: string, headers: Record<string, string> = {}): ScriptedResponse => ({ status, body: { __type: type, message }, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, ...headers } });
const eventId = (i: number) => `11710aed-b79e-4468-a20b-${String(i).padStart(12, '0')}`;

/** The SigV4 signature AWS would compute for what arrived, with the service's real host. */
const signatureHolds = (request: RecordedRequest) => awsSignatureHolds(request, { host: HOST, region: REGION, service: 'events', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET });

/** EventBridge as it answers: a bad signature refused, else the bus's queued answer or handler, else every entry put. */
function endpoint(request: RecordedRequest): ScriptedResponse {
  if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents' || request.headers['content-type'] !== 'application/x-amz-json-1.1') return awsError(400, 'UnknownOperationException', '');
  if (!signatureHolds(request)) return awsError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  const next = queued.get(busOf(request))?.shift();
  if (next) return next(request);
  const handled = handlers.get(busOf(request))?.(request);
  if (handled) return handled;
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { FailedEntryCount: 0, Entries: entriesOf(request).map((_, i) => ({ EventId: eventId(i) })) } };
}
const queue = (bus: string, ...answers: Array<(request: RecordedRequest) => ScriptedResponse>) => queued.set(bus, [...(queued.get(bus) ?? []), ...answers]);
const putsTo = (bus: string) => sim.requests({ method: 'POST', path: '/' }).filter((r) => busOf(r) === bus);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/', endpoint);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'amazon_eventbridge', vendors: ['amazon_eventbridge'] });
});
after(() => closeAll(signal, sim));

const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'amazon_eventbridge', name, {
  config: { region: REGION, source: 'com.acme.signal', access_key_id: ACCESS_KEY, secret_access_key: SECRET, ...config },
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
});
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-eb-batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Amazon EventBridge', () => {
  test('a browser\'s order: one signed PutEvents, the config\'s source and bus, the event\'s name as detail type, its JSON as detail without contact information', async () => {
    const { site, integrationId } = await install('EventBridge shop', { event_bus_name: 'signal-events' });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-eb-1', messageId: 'eb-order-1', properties: { order_id: 'ORD-E1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const put = await waitUntil(async () => putsTo('signal-events')[0], 'the PutEvents');
    assert.equal(put.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(put.headers['x-amz-target'], 'AWSEvents.PutEvents');
    assert.ok(signatureHolds(put), `signed over the real host and the bytes received: ${put.headers.authorization}`);
    assert.match(put.headers.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
    const [entry, ...others] = entriesOf(put);
    assert.equal(others.length, 0);
    const { Detail: detailText, ...envelope } = entry!;
    assert.deepEqual(envelope, { Source: 'com.acme.signal', DetailType: 'Order Completed', EventBusName: 'signal-events', Time: Date.parse(CALL_TIMESTAMP) / 1000 });
    const { received_at: receivedAt, context, ...fields } = JSON.parse(detailText) as Record<string, unknown>;
    assert.deepEqual(fields, {
      message_id: 'eb-order-1', type: 'track', event: 'Order Completed', user_id: 'u-eb-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
      properties: { order_id: 'ORD-E1', revenue: 74.97, currency: 'EUR' },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T/);
    const ctx = context as { ip?: string; page: { url: string }; userAgent: string };
    assert.deepEqual([ctx.ip, ctx.page.url, ctx.userAgent], [undefined, 'https://shop.example.com/thanks', visitor.userAgent], 'no IP, no query string');
    await delivered(integrationId, 1);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('an identify to a bus named by ARN, detail type the call type, contact information included when the config says so', async () => {
    const arn = 'arn:aws:events:eu-west-1:111122223333:event-bus/signal-arn';
    const { site, integrationId } = await install('EventBridge ARN', { event_bus_name: arn, detail_type: 'call_type', include_contact_info: true });
    await browser(site.key, { type: 'identify', userId: 'u-eb-2', messageId: 'eb-identify-1', traits: { email: 'jane@example.com', plan: 'pro' } });
    const put = await waitUntil(async () => putsTo(arn)[0], 'the PutEvents');
    assert.ok(signatureHolds(put));
    const [entry] = entriesOf(put);
    assert.deepEqual([entry!.EventBusName, entry!.DetailType, entry!.Source], [arn, 'identify', 'com.acme.signal']);
    const detail = JSON.parse(entry!.Detail) as { traits: Record<string, unknown>; context: { ip: string } };
    assert.deepEqual(detail.traits, { email: 'jane@example.com', plan: 'pro' });
    assert.equal(detail.context.ip, visitor.ip);
    await delivered(integrationId, 1);
  });

  test('a 503, a 429 with Retry-After, a timeout and a proxy\'s page in a 200 are retried, each try signed anew, then put once', async () => {
    const { site, integrationId } = await install('EventBridge outage', { event_bus_name: 'signal-outage' });
    queue('signal-outage',
      () => awsError(503, 'ServiceUnavailable', 'Service Unavailable'),
      () => awsError(429, 'ThrottlingException', 'Rate exceeded', { 'retry-after': '1' }),
      () => ({ hang: true }),
      () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Please sign in to the corporate proxy</body></html>' }));
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-eb-3', messageId: 'eb-503-1' });
    await delivered(integrationId, 1);
    const tries = putsTo('signal-outage');
    assert.equal(tries.length, 5, 'four failures, then the put');
    assert.ok(tries.every((t) => signatureHolds(t)));
    assert.deepEqual(tries.map((t) => idsIn(t)), [['eb-503-1'], ['eb-503-1'], ['eb-503-1'], ['eb-503-1'], ['eb-503-1']]);
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
    assert.ok(stats.retried >= 3, `retried ${stats.retried}`);
  });

  test('per-entry results: a throttled entry is sent again alone, a malformed detail dead-lettered alone with what to fix; the others put once', async () => {
    const { site, integrationId } = await install('EventBridge entries', { event_bus_name: 'signal-entries' });
    queue('signal-entries', () => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: {
        FailedEntryCount: 2,
        Entries: [
          { EventId: eventId(0) },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded.' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
          { EventId: eventId(3) },
        ],
      },
    }));
    await batchCall(site.key, ['One', 'Two', 'Three', 'Four'].map((event, i) => ({ event, messageId: `eb-entry-${i}` })));
    const letter = await waitForDeadLetter(signal, integrationId, 'eb-entry-2');
    assert.equal(letter.reason, 'EventBridge refused the event\'s detail (MalformedDetail: Detail is malformed.): it takes a JSON object nested at most 1,000 levels, integers within ±9,223,372,036,854,775,807; fix the values the blueprint maps (or leave them out with a pipeline transformation), then replay the dead letters');
    await delivered(integrationId, 3);
    const puts = putsTo('signal-entries');
    assert.deepEqual(puts.map((p) => idsIn(p)), [['eb-entry-0', 'eb-entry-1', 'eb-entry-2', 'eb-entry-3'], ['eb-entry-1']]);
    assert.deepEqual(puts.map((p) => entriesOf(p).map((e) => e.DetailType)), [['One', 'Two', 'Three', 'Four'], ['Two']]);
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
  });

  test('a request refused for its entries\' total size is sent in halves: the large event dead-lettered with what to fix, the other put', async () => {
    const { site, integrationId } = await install('EventBridge sizes', { event_bus_name: 'signal-sizes' });
    handlers.set('signal-sizes', (request) => (details(request).some((d) => d.event === 'Too Big')
      ? awsError(400, 'ValidationException', 'Total size of the entries in the request is over the limit.')
      : undefined));
    await batchCall(site.key, [{ event: 'Fine', messageId: 'eb-size-0' }, { event: 'Too Big', messageId: 'eb-size-1' }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'eb-size-1');
    assert.equal(letter.reason, 'EventBridge refused this event alone as too large (HTTP 400 ValidationException: Total size of the entries in the request is over the limit.): an event\'s entry holds at most 256 KB (1 MB in the Regions AWS raised it in), counting its source, detail type and detail; leave its largest properties out with a pipeline transformation or the blueprint, then replay the dead letters');
    await delivered(integrationId, 1);
    assert.deepEqual(putsTo('signal-sizes').map((p) => idsIn(p)), [['eb-size-0', 'eb-size-1'], ['eb-size-0'], ['eb-size-1']]);
  });

  test('access denied: dead-lettered at once, naming config.access_key_id and the permission on the bus', async () => {
    const { site, integrationId } = await install('EventBridge denied', { event_bus_name: 'signal-denied' });
    queue('signal-denied', () => awsError(400, 'AccessDeniedException', 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: events:PutEvents on resource: arn:aws:events:eu-west-1:111122223333:event-bus/signal-denied'));
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-eb-5', messageId: 'eb-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'eb-403-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'EventBridge denied access (HTTP 400 AccessDeniedException: User: arn:aws:iam::111122223333:user/signal is not authorized to perform: events:PutEvents on resource: arn:aws:events:eu-west-1:111122223333:event-bus/signal-denied): allow the IAM identity of config.access_key_id events:PutEvents on arn:aws:events:eu-west-1:<account id>:event-bus/signal-denied (and, for another account\'s bus, that bus\'s resource policy); if the policy already allows your bus, check config.event_bus_name and config.region for a typo; then replay the dead letters');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('a person deletion with deletion notices on: one signed deletion notice event after the person\'s events', async () => {
    const { site, integrationId } = await install('EventBridge forget', { event_bus_name: 'signal-forget', deletion_notices: true });
    await browser(site.key, { type: 'track', event: 'Before', userId: 'u-eb-forget', messageId: 'eb-forget-1' });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-eb-forget', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'amazon_eventbridge', status: 'sent', responseStatus: 200, message: 'deletion notice put on the event bus signal-forget: your rules\' targets erase the person\'s data' }]);
    const notice = putsTo('signal-forget').at(-1)!;
    assert.ok(signatureHolds(notice));
    const [entry] = entriesOf(notice);
    assert.deepEqual([entry!.Source, entry!.DetailType, entry!.EventBusName], ['com.acme.signal', 'signal.person_deletion', 'signal-forget']);
    const { requested_at: requestedAt, ...rest } = JSON.parse(entry!.Detail) as Record<string, unknown>;
    assert.deepEqual(rest, { type: 'person_deletion', user_id: 'u-eb-forget', anonymous_id: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);
    assert.equal(entry!.Time, Date.parse(String(requestedAt)) / 1000);
  });
});
