// Apache Kafka (Confluent REST) end to end: browser calls through the real collect API, the queue
// and the delivery engine, to the vendor simulator standing in for a Confluent Cloud cluster's
// REST endpoint (and, reached directly on an allow-listed private address, a self-managed REST
// Proxy without authentication). The simulator checks the Basic credentials as Kafka REST does,
// reads the stream of records sent and answers one delivery report per record, or what a test
// queued for the topic: records produced with their key and contact-free value; a record refused
// for the rate limit and one for a passing Kafka error sent again alone; a 503, a 429 with
// Retry-After and a timeout retried; a proxy's page not taken for a delivery; a record too large
// and a missing topic dead-lettered per record, refused credentials for the request, naming what
// to fix; a 400 to several records sent again in halves; person deletions written as a deletion
// notice or as tombstones.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ORIGIN = 'https://pkc-kaf01.eu-west-1.aws.confluent.cloud';
const CLUSTER = 'lkc-sig01';
const API_KEY = 'KAFKAKEY12345678';
const API_SECRET = 'kafka-secret-0123456789/abc+XYZ';
const BASIC = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`;
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const visitor: Visitor = { id: 'df_kafka0visitor1', ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' };

let sim: VendorSim;
let signal: TestSignal;

interface ProducedRecord { key?: { type: string; data: string }; value?: { type: string; data: Record<string, unknown> } }
/** Answers queued per topic, each a report (or a whole answer) for the next request. */
const queued = new Map<string, Array<(records: ProducedRecord[]) => ScriptedResponse>>();

const cloudPath = (topic: string) => `/kafka/v3/clusters/${CLUSTER}/topics/${topic}/records`;
/** The records a request carried: its body's JSON objects, one a line. */
const recordsOf = (request: RecordedRequest): ProducedRecord[] => request.body.split('\n').map((line) => JSON.parse(line) as ProducedRecord);
const messageIds = (request: RecordedRequest) => recordsOf(request).map((r) => r.value?.data.message_id);
const JSON_TYPE = { 'content-type': 'application/json' };
/** Kafka REST's answer: one report per record, as a stream of JSON objects, each chunk ending in CRLF as the REST Proxy writes them. */
const reports = (...objects: Array<Record<string, unknown>>): ScriptedResponse => ({ status: 200, headers: JSON_TYPE, body: objects.map((o) => `${JSON.stringify(o)}\r\n`).join('') });
const appended = (topic: string, offset: number) => ({ error_code: 200, cluster_id: CLUSTER, topic_name: topic, partition_id: 0, offset, timestamp: new Date().toISOString(), key: { type: 'STRING', size: 5 }, value: { type: 'JSON', size: 200 } });
const failure = (code: number, message: string) => ({ error_code: code, message });

/** Kafka REST as it answers for a topic: wrong credentials refused, else the topic's queued answer, else every record appended. */
function restEndpoint(topic: string, credentials: string | undefined) {
  let offset = 0;
  return (request: RecordedRequest): ScriptedResponse => {
    if (request.headers.authorization !== credentials) return { status: 401, headers: JSON_TYPE, body: JSON.stringify(failure(40101, 'Authentication failed')) };
    const records = recordsOf(request);
    const next = queued.get(topic)?.shift();
    if (next) return next(records);
    return reports(...records.map(() => appended(topic, offset++)));
  };
}
const queue = (topic: string, ...answers: Array<(records: ProducedRecord[]) => ScriptedResponse>) => queued.set(topic, [...(queued.get(topic) ?? []), ...answers]);
const producesTo = (topic: string) => sim.requests({ method: 'POST', path: cloudPath(topic) });

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${ORIGIN}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'kafka', vendors: ['kafka'] });
});
after(() => closeAll(signal, sim));

async function install(name: string, topic: string, config: Record<string, unknown> = {}) {
  sim.setDefault('POST', cloudPath(topic), restEndpoint(topic, BASIC));
  return installOnNewPipeline(signal, 'kafka', name, {
    config: { rest_endpoint: `${ORIGIN}:443`, cluster_id: CLUSTER, topic, api_key: API_KEY, api_secret: API_SECRET, ...config },
  });
}
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } },
});
const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { userId: 'u-kafka-batch', timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`);

describe('Apache Kafka (Confluent REST)', () => {
  test('a browser\'s order: one record produced to the topic on Confluent Cloud, keyed by the userId, its value without contact information', async () => {
    const { site, integrationId } = await install('Kafka shop', 'signal-orders');
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-kafka-1', messageId: 'kafka-order-1', properties: { order_id: 'ORD-K1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const [request] = await sim.waitFor(1, 10_000, { method: 'POST', path: cloudPath('signal-orders') });
    assert.equal(request!.headers.authorization, BASIC);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request!.headers.accept, 'application/json');
    const [record, ...more] = recordsOf(request!);
    assert.equal(more.length, 0);
    assert.deepEqual(record!.key, { type: 'STRING', data: 'u-kafka-1' });
    assert.equal(record!.value!.type, 'JSON');
    const { received_at: receivedAt, context, ...fields } = record!.value!.data;
    assert.deepEqual(fields, {
      message_id: 'kafka-order-1', type: 'track', event: 'Order Completed', user_id: 'u-kafka-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP,
      properties: { order_id: 'ORD-K1', revenue: 74.97, currency: 'EUR' },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T/);
    const ctx = context as { ip?: string; page: { url: string }; userAgent: string };
    assert.deepEqual([ctx.ip, ctx.page.url, ctx.userAgent], [undefined, 'https://shop.example.com/thanks', visitor.userAgent], 'no IP, no query string');
    await delivered(integrationId, 1);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 0, deadLettered: 0 });
  });

  test('per-record reports: the record refused for the rate limit and the one Kafka failed are sent again alone; the others appended once', async () => {
    const { site, integrationId } = await install('Kafka reports', 'signal-reports');
    queue('signal-reports', () => reports(appended('signal-reports', 1), failure(429, 'Request rate limit exceeded'), failure(50003, 'NOT_ENOUGH_REPLICAS'), appended('signal-reports', 2)));
    await batchCall(site.key, ['One', 'Two', 'Three', 'Four'].map((event, i) => ({ event, messageId: `kafka-report-${i}` })));
    await delivered(integrationId, 4);
    const [first, ...retries] = producesTo('signal-reports');
    assert.deepEqual(messageIds(first!), ['kafka-report-0', 'kafka-report-1', 'kafka-report-2', 'kafka-report-3'], 'one request, the records in order');
    assert.deepEqual(retries.flatMap(messageIds).sort(), ['kafka-report-1', 'kafka-report-2'], 'only the refused records sent again');
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [4, 0]);
    assert.ok(stats.retried >= 1, `retried ${stats.retried}`);
  });

  test('a 503, a 429 with Retry-After and a timeout are retried, then the record is appended once', async () => {
    const { site, integrationId } = await install('Kafka outage', 'signal-outage');
    queue('signal-outage',
      () => ({ status: 503, headers: JSON_TYPE, body: JSON.stringify(failure(50302, 'Broker not available')) }),
      () => ({ status: 429, headers: { ...JSON_TYPE, 'retry-after': '1' }, body: JSON.stringify(failure(429, 'Too Many Requests')) }),
      () => ({ hang: true }));
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-kafka-3', messageId: 'kafka-503-1' });
    await delivered(integrationId, 1);
    const tries = producesTo('signal-outage');
    assert.deepEqual(tries.map((t) => messageIds(t)), [['kafka-503-1'], ['kafka-503-1'], ['kafka-503-1'], ['kafka-503-1']], 'three failures, then the write');
    const stats = await integrationStats(signal, integrationId);
    assert.deepEqual([stats.delivered, stats.deadLettered], [1, 0]);
    assert.ok(stats.retried >= 2, `retried ${stats.retried}`);
  });

  test('an endpoint answering Kafka REST\'s 400 to a body of several records: sent again in halves, down to single records, each appended once', async () => {
    const { site, integrationId } = await install('Kafka one a request', 'signal-single');
    const appendOne = restEndpoint('signal-single', BASIC);
    sim.setDefault('POST', cloudPath('signal-single'), (request) => (recordsOf(request).length > 1
      ? { status: 400, headers: JSON_TYPE, body: JSON.stringify(failure(400, 'Error processing JSON: Unexpected character')) }
      : appendOne(request)));
    const ids = ['A', 'B', 'C', 'D'].map((_, i) => `kafka-single-${i}`);
    await batchCall(site.key, ids.map((messageId, i) => ({ event: `Single ${i}`, messageId })));
    await delivered(integrationId, 4);
    const sent = producesTo('signal-single');
    assert.deepEqual(messageIds(sent[0]!), ids, 'first one request of four records');
    assert.deepEqual(sent.filter((request) => recordsOf(request).length === 1).flatMap(messageIds).sort(), ids, 'then each record alone, once');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a proxy\'s sign-in page answered 200 is not taken for a delivery: the record is sent again', async () => {
    const { site, integrationId } = await install('Kafka proxy page', 'signal-proxy');
    queue('signal-proxy', () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><title>Sign in to continue</title></html>' }));
    await browser(site.key, { type: 'track', event: 'Proxied', userId: 'u-kafka-4', messageId: 'kafka-proxy-1' });
    await delivered(integrationId, 1);
    assert.equal(producesTo('signal-proxy').length, 2);
  });

  test('a record too large for the topic and a topic that does not exist: dead-lettered per record, naming what to fix', async () => {
    const { site, integrationId } = await install('Kafka refusals', 'signal-refusals');
    queue('signal-refusals', () => reports(
      appended('signal-refusals', 1),
      failure(413, 'The message is 2097300 bytes when serialized which is larger than 2097164, the value of the max.message.bytes configuration.'),
    ));
    await batchCall(site.key, [{ event: 'Fine', messageId: 'kafka-size-0' }, { event: 'Huge', messageId: 'kafka-size-1' }]);
    const letter = await waitForDeadLetter(signal, integrationId, 'kafka-size-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'the record is larger than the topic signal-refusals of cluster lkc-sig01 takes (HTTP 413 The message is 2097300 bytes when serialized which is larger than 2097164, the value of the max.message.bytes configuration.): leave its largest properties out with a pipeline transformation or the blueprint, or raise the topic\'s max.message.bytes, then replay the dead letters');
    await delivered(integrationId, 1);

    const missing = await install('Kafka missing topic', 'signal-missing');
    queue('signal-missing', (records) => reports(...records.map(() => failure(40403, 'This server does not host this topic-partition.'))));
    await browser(missing.site.key, { type: 'track', event: 'Lost', userId: 'u-kafka-5', messageId: 'kafka-404-1' });
    const lost = await waitForDeadLetter(signal, missing.integrationId, 'kafka-404-1');
    assert.equal(lost.reason, 'Kafka has no topic signal-missing of cluster lkc-sig01 (HTTP 404 40403: This server does not host this topic-partition.): create the topic, or check config.topic, then replay the dead letters');
    await waitUntil(async () => (await integrationStats(signal, missing.integrationId)).deadLettered === 1 || undefined, 'the dead letter counted');
    assert.deepEqual(await integrationStats(signal, missing.integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('refused credentials: dead-lettered at once, naming config.api_key and config.api_secret', async () => {
    const { site, integrationId } = await install('Kafka bad key', 'signal-badkey', { api_secret: 'not-the-secret-0123456789' });
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'u-kafka-6', messageId: 'kafka-401-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'kafka-401-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, 'Kafka REST refused the credentials (HTTP 401 40101: Authentication failed): check config.api_key and config.api_secret (Confluent Cloud: a Kafka API key of cluster lkc-sig01, not a Cloud API key; a REST Proxy: its user and password), then replay the dead letters');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).deadLettered === 1 || undefined, 'the dead letter counted');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 0, retried: 0, deadLettered: 1 });
  });

  test('a self-managed REST Proxy on an allow-listed private address, without authentication: records to its /v3 API', async () => {
    const path = '/v3/clusters/xFhUvurESIeeCI87SXWR-Q/topics/signal-proxy-events/records';
    sim.setDefault('POST', path, restEndpoint('signal-proxy-events', undefined));
    const { site, integrationId } = await installOnNewPipeline(signal, 'kafka', 'Kafka REST Proxy', {
      config: { rest_endpoint: sim.url, cluster_id: 'xFhUvurESIeeCI87SXWR-Q', topic: 'signal-proxy-events', record_key: 'anonymous_id', allow_private_targets: ['127.0.0.1'] },
    });
    await browser(site.key, { type: 'page', name: 'Home', userId: 'u-kafka-7', messageId: 'kafka-proxy-page-1' });
    const [request] = await sim.waitFor(1, 10_000, { method: 'POST', path });
    assert.equal(request!.headers.authorization, undefined);
    const [record] = recordsOf(request!);
    assert.deepEqual(record!.key, { type: 'STRING', data: visitor.id }, 'keyed per browser');
    assert.deepEqual([record!.value!.data.type, record!.value!.data.name], ['page', 'Home']);
    await delivered(integrationId, 1);
  });

  test('a person deletion with deletion notices: one notice record under the person\'s key', async () => {
    const { site, integrationId } = await install('Kafka forget', 'signal-forget', { deletion_records: 'notice' });
    await browser(site.key, { type: 'track', event: 'Before', userId: 'u-kafka-forget', messageId: 'kafka-forget-1' });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-kafka-forget', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'kafka', status: 'sent', responseStatus: 200, message: 'a deletion notice (your consumers erase the person\'s data) written to signal-forget' }]);
    const notice = producesTo('signal-forget').at(-1)!;
    assert.equal(notice.headers.authorization, BASIC);
    const [record, ...more] = recordsOf(notice);
    assert.equal(more.length, 0);
    assert.deepEqual(record!.key, { type: 'STRING', data: 'u-kafka-forget' }, 'the key of the person\'s records: their partition, after them');
    const { requested_at: requestedAt, ...rest } = record!.value!.data;
    assert.deepEqual(rest, { type: 'person_deletion', user_id: 'u-kafka-forget', anonymous_id: visitor.id });
    assert.ok(Math.abs(Date.parse(String(requestedAt)) - Date.now()) < 60_000);
  });

  test('a person deletion with tombstones: a null value under the userId\'s key and the anonymousId\'s', async () => {
    const { site, integrationId } = await install('Kafka tombstones', 'signal-profiles', { deletion_records: 'tombstone' });
    await browser(site.key, { type: 'identify', userId: 'u-kafka-gone', messageId: 'kafka-tomb-1', traits: { plan: 'pro' } });
    await delivered(integrationId, 1);
    const vendors = await deletePerson(signal, site.id, { userId: 'u-kafka-gone', anonymousId: visitor.id });
    assert.deepEqual(vendors, [{ integrationId, vendor: 'kafka', status: 'sent', responseStatus: 200, message: '2 tombstones (compaction removes the person\'s records) written to signal-profiles' }]);
    const tombstones = producesTo('signal-profiles').at(-1)!;
    assert.equal(tombstones.body, `{"key":{"type":"STRING","data":"u-kafka-gone"}}\n{"key":{"type":"STRING","data":"${visitor.id}"}}`);
  });
});
