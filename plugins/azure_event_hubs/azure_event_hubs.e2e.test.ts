// Azure Event Hubs end to end: browser calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for the namespace
// shop-events.servicebus.windows.net, which checks each request's Shared Access Signature over the
// real event hub URI (refusing a bad or expired one as Event Hubs does, 401 with Service Bus's XML
// error) and answers per event hub: the documented Send batch events request, 201 Created; one
// request per person; a "server busy" 503, a 429 with Retry-After, a 500 and a timeout retried; a
// request refused as too large sent in halves and the large event dead-lettered; a missing event
// hub and a wrong key dead-lettered naming the config fields; a person deletion sent as a
// deletion notice event.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const HOST = 'shop-events.servicebus.windows.net';
const KEY_NAME = 'signal-send';
const KEY = 'dGhpcy1pcy1ub3QtYS1yZWFsLWtleS1qdXN0LWFuLWV4YW1wbGU=';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_eh0visitor01', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per event hub, used before the default (201 Created). */
const queued = new Map<string, Array<(request: RecordedRequest) => ScriptedResponse>>();

interface Message { Body: string; BrokerProperties?: { PartitionKey?: string }; UserProperties?: Record<string, string> }
const hubOf = (request: RecordedRequest) => /^\/([^/]+)\/messages$/.exec(request.path)?.[1] ?? '';
const messages = (request: RecordedRequest) => request.json as Message[];
const bodies = (request: RecordedRequest) => messages(request).map((m) => JSON.parse(m.Body) as Record<string, unknown>);
const ids = (request: RecordedRequest) => bodies(request).map((b) => b.message_id);
const serviceBusError = (status: number, detail: string, headers: Record<string, string> = {}): ScriptedResponse => ({
  status, body: `<Error><Code>${status}</Code><Detail>${detail} TrackingId:7d3c0c51-5e5c-4c1b-9d6a-3d2f1f0e9a11_G3, SystemTracker:${HOST}:eventhub, Timestamp:2026-11-30T12:00:05</Detail></Error>`,
  headers: { 'content-type': 'application/xml; charset=utf-8', ...headers },
});

/** Whether a request's token is one Event Hubs would take: the hub's URI, the policy, a signature over both with the key, not expired. */
function tokenHolds(request: RecordedRequest): boolean {
  const match = /^SharedAccessSignature sr=([^&]+)&sig=([^&]+)&se=(\d+)&skn=([^&]+)$/.exec(request.headers.authorization ?? '');
  if (!match || match[4] !== KEY_NAME) return false;
  const resource = decodeURIComponent(match[1]!);
  if (resource !== `https://${HOST}/${hubOf(request)}`) return false;
  const expected = createHmac('sha256', KEY).update(`${match[1]}\n${match[3]}`).digest('base64');
  const expiry = Number(match[3]) * 1000;
  return decodeURIComponent(match[2]!) === expected && expiry > Date.now() && expiry <= Date.now() + 11 * 60_000;
}

/** The namespace as it answers: a bad token refused, else the hub's queued answer, else 201 Created. */
function namespace(request: RecordedRequest): ScriptedResponse {
  if (!tokenHolds(request)) return serviceBusError(401, 'InvalidSignature: The token has an invalid signature.');
  const next = queued.get(hubOf(request))?.shift();
  return next ? next(request) : { status: 201, body: '' };
}
const queue = (hub: string, ...answers: Array<(request: RecordedRequest) => ScriptedResponse>) => queued.set(hub, [...(queued.get(hub) ?? []), ...answers]);
const sendsTo = (hub: string) => sim.requests({ method: 'POST', path: `/${hub}/messages` });

before(async () => {
  sim = await startVendorSim();
  for (const hub of ['signal-order', 'signal-people', 'signal-outage', 'signal-sizes', 'signal-missing', 'signal-wrong-key', 'signal-forget']) sim.setDefault('POST', `/${hub}/messages`, namespace);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'azure_event_hubs', vendors: ['azure_event_hubs'] });
});
after(() => closeAll(signal, sim));

const install = (name: string, config: Record<string, unknown>) => installOnNewPipeline(signal, 'azure_event_hubs', name, {
  config: { namespace: 'shop-events', shared_access_key_name: KEY_NAME, shared_access_key: KEY, ...config },
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
});
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-eh-batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Azure Event Hubs', () => {
  test('a browser\'s order: one signed Send batch events request, the event\'s JSON as Body, partitioned by the userId, without contact information', async () => {
    const { site, integrationId } = await install('Event Hubs shop', { event_hub: 'signal-order' });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-eh-1', messageId: 'eh-order-1', properties: { order_id: 'ORD-E1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const [send] = await sim.waitFor(1, 10_000, { method: 'POST', path: '/signal-order/messages' });
    assert.equal(send!.headers['content-type'], 'application/vnd.microsoft.servicebus.json');
    assert.deepEqual(send!.queryPairs, [['api-version', '2014-01']]);
    assert.ok(tokenHolds(send!), `a Shared Access Signature over the real hub URI: ${send!.headers.authorization}`);
    const [message] = messages(send!);
    assert.deepEqual(message!.BrokerProperties, { PartitionKey: 'u-eh-1' });
    assert.deepEqual(message!.UserProperties, { kind: 'event', type: 'track', message_id: 'eh-order-1' });
    const { received_at: receivedAt, context, ...fields } = JSON.parse(message!.Body) as Record<string, unknown>;
    assert.deepEqual(fields, {
      message_id: 'eh-order-1', type: 'track', event: 'Order Completed', user_id: 'u-eh-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
      properties: { order_id: 'ORD-E1', revenue: 74.97, currency: 'EUR' },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T/);
    const ctx = context as { ip?: string; page: { url: string }; userAgent: string };
    assert.deepEqual([ctx.ip, ctx.page.url, ctx.userAgent], [undefined, 'https://shop.example.com/thanks', visitor.userAgent], 'no IP, no query string');
    await delivered(integrationId, 1);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('a connection string, and a batch of two people\'s events: one request per person, each person\'s events in order, written once', async () => {
    const { site, integrationId } = await installOnNewPipeline(signal, 'azure_event_hubs', 'Event Hubs people', {
      config: { connection_string: `Endpoint=sb://${HOST}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${KEY};EntityPath=signal-people` },
    });
    await batchCall(site.key, [
      { event: 'Viewed', userId: 'u-eh-a', messageId: 'eh-people-1' },
      { event: 'Viewed', userId: 'u-eh-b', messageId: 'eh-people-2' },
      { event: 'Added', userId: 'u-eh-a', messageId: 'eh-people-3' },
      { event: 'Bought', userId: 'u-eh-a', messageId: 'eh-people-4' },
    ]);
    await delivered(integrationId, 4);
    const sends = sendsTo('signal-people');
    assert.ok(sends.every(tokenHolds));
    const byKey = new Map(sends.map((s) => [messages(s)[0]!.BrokerProperties!.PartitionKey, ids(s)]));
    assert.deepEqual(sends.map((s) => new Set(messages(s).map((m) => m.BrokerProperties!.PartitionKey)).size), sends.map(() => 1), 'one partition key a request');
    assert.deepEqual(byKey.get('u-eh-a'), ['eh-people-1', 'eh-people-3', 'eh-people-4']);
    assert.deepEqual(byKey.get('u-eh-b'), ['eh-people-2']);
    assert.equal(sends.length, 2);
  });

  test('"server busy", a 429 with Retry-After, a 500 and a timeout are retried, each try signed anew, then delivered once', async () => {
    const { site, integrationId } = await install('Event Hubs outage', { event_hub: 'signal-outage' });
    queue('signal-outage',
      () => serviceBusError(503, 'The request was terminated because the namespace is being throttled. Please wait and try again.', { 'retry-after': '1' }),
      () => serviceBusError(429, 'Rate exceeded.', { 'retry-after': '1' }),
      () => serviceBusError(500, 'The server was unable to process the request; please retry the operation.'),
      () => ({ hang: true }));
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-eh-3', messageId: 'eh-busy-1' });
    await delivered(integrationId, 1);
    const tries = sendsTo('signal-outage');
    assert.equal(tries.length, 5, 'four failures, then the write');
    assert.ok(tries.every(tokenHolds));
    assert.deepEqual(tries.map((t) => ids(t)), Array.from({ length: 5 }, () => ['eh-busy-1']));
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
    assert.ok(stats.retried >= 2, `retried ${stats.retried}`);
  });

  test('a request refused as too large is sent in halves: the large event dead-lettered with what to fix, the others written', async () => {
    const { site, integrationId } = await install('Event Hubs sizes', { event_hub: 'signal-sizes', partition_key: 'none' });
    queue('signal-sizes', ...Array.from({ length: 10 }, () => (request: RecordedRequest) => (bodies(request).some((b) => b.event === 'Too Big') ? { status: 413, body: 'Request Entity Too Large' } : { status: 201, body: '' })));
    await batchCall(site.key, [{ event: 'Fine', messageId: 'eh-size-0' }, { event: 'Too Big', messageId: 'eh-size-1' }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'eh-size-1');
    assert.equal(letter.reason, 'Event Hubs refused this event alone as too large (HTTP 413 Request Entity Too Large): an event holds at most 1 MB with its properties; leave its largest properties out with a pipeline transformation or the blueprint, then replay the dead letters');
    await delivered(integrationId, 1);
    assert.deepEqual(sendsTo('signal-sizes').map(ids), [['eh-size-0', 'eh-size-1'], ['eh-size-0'], ['eh-size-1']]);
  });

  test('an event hub that does not exist: dead-lettered at once, naming config.event_hub and config.namespace', async () => {
    const { site, integrationId } = await install('Event Hubs missing', { event_hub: 'signal-missing' });
    queue('signal-missing', () => serviceBusError(404, `The messaging entity 'sb://${HOST}/signal-missing' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.`));
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'u-eh-5', messageId: 'eh-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'eh-404-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, new RegExp(`^Event Hubs has no event hub signal-missing in ${HOST.replace(/\./g, '\\.')} \\(HTTP 404 The messaging entity 'sb://${HOST.replace(/\./g, '\\.')}/signal-missing' could not be found\\. .*\\): check config\\.event_hub \\(or the connection string's EntityPath\\) and config\\.namespace, then replay the dead letters$`));
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('a wrong key: Event Hubs refuses the signature (401), dead-lettered at once naming the policy fields', async () => {
    const { site, integrationId } = await install('Event Hubs wrong key', { event_hub: 'signal-wrong-key', shared_access_key: 'bm90LXRoZS1rZXktb2YtdGhpcy1wb2xpY3ktYXQtYWxsLXJlYWxseQ==' });
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'u-eh-6', messageId: 'eh-401-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'eh-401-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^Event Hubs refused the signature \(HTTP 401 InvalidSignature: The token has an invalid signature\. TrackingId:.*\): check config\.shared_access_key_name and config\.shared_access_key \(or config\.connection_string\)/);
  });

  test('a person deletion with deletion notices on: one signed deletion notice event under the person\'s partition key', async () => {
    const { site, integrationId } = await install('Event Hubs forget', { event_hub: 'signal-forget', deletion_notices: true });
    await browser(site.key, { type: 'track', event: 'Before', userId: 'u-eh-forget', messageId: 'eh-forget-1' });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-eh-forget', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'azure_event_hubs', status: 'sent', responseStatus: 201, message: 'deletion notice sent to event hub signal-forget: your consumers erase the person\'s data' }]);
    const notice = sendsTo('signal-forget').at(-1)!;
    assert.ok(tokenHolds(notice));
    const [message] = messages(notice);
    assert.deepEqual([message!.BrokerProperties, message!.UserProperties], [{ PartitionKey: 'u-eh-forget' }, { kind: 'person_deletion' }], 'the partition of the person\'s events, after them');
    const { requested_at: requestedAt, ...rest } = JSON.parse(message!.Body) as Record<string, unknown>;
    assert.deepEqual(rest, { type: 'person_deletion', user_id: 'u-eh-forget', anonymous_id: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);
  });
});
